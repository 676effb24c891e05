package review

import (
	"cmp"
	"slices"
	"time"

	"qunshen/model"
)

// The report's counts of the supervisor's desk: incidents and accountability (CW 五,
// IW 第十二条(三)), commendations and rewards (CW 六(三)1, 六(一)2), requests to read the
// archive (GO 五(二)).

// assessReads are the reads of the commendations and the requests to read the archive, which
// a report counts when its store has them (storage.Store does).
type assessReads interface {
	Commendations() ([]model.Commendation, error)
	ArchiveAccesses() ([]model.ArchiveAccess, error)
}

// desk counts the incidents and the measures of accountability of the period.
func (r *Report) desk(st ReportStore, p Period, f *Figures, t *tally) error {
	f.AccountabilityByMeasure = map[string]int{}
	for _, c := range []struct {
		kind model.FactKind
		n    *int
	}{{model.FactIncident, &f.IncidentsOpened}, {model.FactIncEscalated, &f.IncidentsEscalated}, {model.FactIncClosed, &f.IncidentsClosed}} {
		err := st.Facts(c.kind, p.From, p.To, r.inScope, func(x *model.Fact) error {
			if r.InScope(x.Group) {
				*c.n++
				if t != nil && c.kind == model.FactIncident {
					t.of(x.Group).Incidents++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	var toMeasure []time.Duration
	err := st.Facts(model.FactIncMeasured, p.From, p.To, r.inScope, func(x *model.Fact) error {
		if r.InScope(x.Group) {
			toMeasure = append(toMeasure, x.Latency)
		}
		return nil
	})
	if err != nil {
		return err
	}
	f.ToMeasure = latencyOf(toMeasure)
	return st.Facts(model.FactAccountability, p.From, p.To, r.inScope, func(x *model.Fact) error {
		if r.InScope(x.Group) {
			f.Accountability++
			f.AccountabilityByMeasure[x.Class]++
		}
		return nil
	})
}

// assessed gathers the commendations and rewards of the period, and counts the requests to
// read the archive.
func (r *Report) assessed(p Period, ref time.Time, f *Figures) {
	for _, x := range r.commendations {
		if p.Contains(x.Time) && r.InScope(x.Group) {
			f.Commendations = append(f.Commendations, x)
		}
	}
	slices.SortStableFunc(f.Commendations, func(a, b model.Commendation) int { return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID)) })
	for i := range r.accesses {
		x := &r.accesses[i]
		if !r.InScope(x.Group) {
			continue
		}
		if p.Contains(x.Filed) {
			f.AccessFiled++
		}
		if x.Approved() && p.Contains(x.ApprovedAt) {
			f.AccessApproved++
		}
		if !x.DecidedAt.IsZero() && p.Contains(x.DecidedAt) {
			switch x.Status {
			case model.AccessGranted:
				f.AccessGranted++
				if x.Confidential {
					f.AccessGrantedConf++
				}
			case model.AccessRefused:
				f.AccessRefused++
			}
		}
		if x.Filed.Before(ref) && (x.DecidedAt.IsZero() || !x.DecidedAt.Before(ref)) {
			f.AccessWaiting++
		}
	}
}
