package review

import (
	"cmp"
	"slices"
	"time"

	"qunshen/model"
)

// The supervisor's report (ST 七(一)1, 七(三); PM 五(二)1; CW 六; IW 第九条, 第十二条): the
// figures of a period and a scope, each with the period before, computed from the report
// index and the projection, never by replaying the log.

// ReportStore is what a report reads; storage.Store satisfies it.
type ReportStore interface {
	Groups() ([]model.Group, error)
	// Facts calls f with the facts of a kind in [from, to) of the groups given (every
	// group when nil), in time order; the fact passed is reused, and its id is valid only
	// during the call.
	Facts(kind model.FactKind, from, to time.Time, groups map[string]bool, f func(*model.Fact) error) error
	// ForEachMember calls f with the members of a group, or of every group when group is "".
	ForEachMember(group string, f func(*model.Member) error) error
	Rectifications() ([]model.Rectification, error)
}

// ReportOptions say what to report on, and with which rules.
type ReportOptions struct {
	Period   Period
	Scope    Scope
	Now      time.Time
	Policy   *Policy   // the built-in one when nil
	Calendar *Calendar // the built-in one when nil
	Operator string    // who makes the report, stated in every export
}

// Latency is how long something took: how many, the median and the 90th percentile, by the
// nearest rank (the smallest value that at least half, or nine tenths, of them do not exceed).
type Latency struct {
	N        int
	P50, P90 time.Duration
}

// Percentile is the p-th percentile (0 < p ≤ 100) of sorted values by the nearest rank.
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 × n)
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func latencyOf(ds []time.Duration) Latency {
	slices.Sort(ds)
	return Latency{N: len(ds), P50: Percentile(ds, 50), P90: Percentile(ds, 90)}
}

// Offender is a member with more than one violation in the period (dismissed ones aside).
type Offender struct {
	Group, Member, Name string
	Count               int
}

// Figures are what happened in one period.
type Figures struct {
	Period    Period
	Submitted int
	Reviewed  int                // first decisions on posts: approve, reject, changes, escalate
	Decisions map[model.Kind]int // every decision that stands, by kind
	Overrides int                // approvals and sign-offs over block findings that stand

	ToDecision, ToSignOff Latency

	PostsWithFindings  int
	Findings           int
	FindingsByCategory map[string]int
	FindingsByClause   map[string]int

	Violations           int
	ViolationsBySource   map[string]int
	ViolationsByCategory map[string]int
	ViolationsByClause   map[string]int
	Sanctions            int
	SanctionsByStep      map[string]int
	Overturned           int // sanctions of the period overturned on appeal
	Offenders            []Offender
	Reports              int // violations reported by members (举报)
	ComplaintsFedBack    int // of which the reporter was told the outcome (PM 五(二)2)

	AppsFiled   map[model.ApplicationKind]int
	AppsDecided map[model.ApplicationKind]int
	AppWait     map[model.ApplicationKind]Latency // of the applications decided in the period
	AppsOpen    map[model.ApplicationKind]int     // still waiting at the end of the period
	AppsOldest  time.Duration                     // the longest wait among those

	RectsOrdered, RectsClosed int // in the period
	RectsOpen, RectsOverdue   int // at the end of the period
	DissolveOverdue           int // project groups past their dissolution deadline then

	Daily []int // posts submitted each day
}

// RectState is an inspection finding as it stands.
type RectState struct {
	model.Rectification
	Overdue bool
}

// GroupDeadline is a project group and the day it must be dissolved by.
type GroupDeadline struct {
	Group    model.Group
	Deadline time.Time
	Overdue  bool
}

// Standing is how things stand now: the members, the open rectifications, the project groups
// with their dissolution deadlines. The record keeps no history of these, so there is nothing
// to compare them with.
type Standing struct {
	Members     int
	ByStatus    map[model.MemberStatus]int
	ByStep      map[string]int
	Inactive    int // active or muted, silent for longer than the policy's inactive_days
	NicknameBad int // active or muted, with a nickname against the group's rule
	Rects       []RectState
	Projects    []GroupDeadline
}

// Report is the whole of one report.
type Report struct {
	Period, Previous Period
	Scope            Scope
	ScopeName        string // the group's name for a group scope
	Operator         string
	Made             time.Time
	Cur, Prev        Figures
	Standing         Standing
	Groups           map[string]model.Group
	inScope          map[string]bool
	policy           *Policy
	calendar         *Calendar
}

// InScope reports whether a group is in the report's scope.
func (r *Report) InScope(group string) bool { return r.inScope == nil || r.inScope[group] }

// Policy is the policy the report was made with.
func (r *Report) Policy() *Policy { return r.policy }

var factFloor = time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC)

// MakeReport computes the figures of the period and of the one before, and the standing.
func MakeReport(st ReportStore, o ReportOptions) (*Report, error) {
	if o.Policy == nil {
		o.Policy = DefaultPolicy()
	}
	if o.Calendar == nil {
		o.Calendar = DefaultCalendar()
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	groups, err := st.Groups()
	if err != nil {
		return nil, err
	}
	r := &Report{Period: o.Period, Previous: o.Period.Previous(), Scope: o.Scope, Operator: o.Operator, Made: o.Now,
		Groups: map[string]model.Group{}, inScope: o.Scope.Groups(groups), policy: o.Policy, calendar: o.Calendar}
	for _, g := range groups {
		r.Groups[g.ID] = g
		if o.Scope.Kind == "group" && g.ID == o.Scope.Value {
			r.ScopeName = g.Name
		}
	}
	rects, err := st.Rectifications()
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	if r.Cur, err = r.figures(st, r.Period, rects); err != nil {
		return nil, err
	}
	if r.Prev, err = r.figures(st, r.Previous, rects); err != nil {
		return nil, err
	}
	for _, of := range r.Cur.Offenders {
		names[model.MemberKey(of.Group, of.Member)] = ""
	}
	if err := r.standing(st, rects, names); err != nil {
		return nil, err
	}
	for i := range r.Cur.Offenders {
		of := &r.Cur.Offenders[i]
		of.Name = names[model.MemberKey(of.Group, of.Member)]
	}
	return r, nil
}

// rectInScope reports whether an inspection finding concerns the scope: its group, or for a
// branch its department.
func (r *Report) rectInScope(x *model.Rectification) bool {
	if r.Scope.All() {
		return true
	}
	if x.Group != "" {
		return r.InScope(x.Group)
	}
	return r.Scope.Kind == "branch" && x.Branch == r.Scope.Value
}

// reference is the time a period's standing figures are taken at: its end, or now.
func (p Period) reference(now time.Time) time.Time {
	if now.Before(p.To) {
		return now
	}
	return p.To
}

func (r *Report) figures(st ReportStore, p Period, rects []model.Rectification) (Figures, error) {
	f := Figures{Period: p, Decisions: map[model.Kind]int{}, FindingsByCategory: map[string]int{}, FindingsByClause: map[string]int{},
		ViolationsBySource: map[string]int{}, ViolationsByCategory: map[string]int{}, ViolationsByClause: map[string]int{},
		SanctionsByStep: map[string]int{}, AppsFiled: map[model.ApplicationKind]int{}, AppsDecided: map[model.ApplicationKind]int{},
		AppWait: map[model.ApplicationKind]Latency{}, AppsOpen: map[model.ApplicationKind]int{}, Daily: make([]int, p.Days())}
	ref := p.reference(r.Made)
	from := p.From.In(ChinaTime)
	day0 := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	err := st.Facts(model.FactSubmit, p.From, p.To, r.inScope, func(x *model.Fact) error {
		if !r.InScope(x.Group) {
			return nil
		}
		f.Submitted++
		t := x.Time.In(ChinaTime)
		if d := int(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Sub(day0) / (24 * time.Hour)); d >= 0 && d < len(f.Daily) {
			f.Daily[d]++
		}
		if len(x.Findings) > 0 {
			f.PostsWithFindings++
		}
		for _, fi := range x.Findings {
			f.Findings++
			f.FindingsByCategory[fi.Category]++
			f.FindingsByClause[fi.Clause]++
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	var toDecision, toSignOff []time.Duration
	err = st.Facts(model.FactDecide, p.From, p.To, r.inScope, func(x *model.Fact) error {
		if !r.InScope(x.Group) {
			return nil
		}
		f.Decisions[x.Decision]++
		switch x.Decision {
		case model.PostApprove, model.PostReject, model.PostChanges, model.PostEscalate:
			if x.First {
				f.Reviewed++
				if x.Latency >= 0 {
					toDecision = append(toDecision, x.Latency)
				}
			}
		case model.PostSignOff:
			if x.Latency >= 0 {
				toSignOff = append(toSignOff, x.Latency)
			}
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	f.ToDecision, f.ToSignOff = latencyOf(toDecision), latencyOf(toSignOff)
	err = st.Facts(model.FactOverride, p.From, p.To, r.inScope, func(x *model.Fact) error {
		if r.InScope(x.Group) {
			f.Overrides++
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	counts := map[string]int{}
	var order []string
	err = st.Facts(model.FactViolation, p.From, p.To, r.inScope, func(x *model.Fact) error {
		if !r.InScope(x.Group) {
			return nil
		}
		f.Violations++
		f.ViolationsBySource[x.Source]++
		cat, clause := "", x.Clause
		if rule := r.policy.Rule(x.Rule); rule != nil {
			cat = rule.Category
			if clause == "" {
				clause = rule.Clause
			}
		}
		f.ViolationsByCategory[cat]++
		f.ViolationsByClause[clause]++
		if x.Source == model.SourceComplaint {
			f.Reports++
			if x.Feedback {
				f.ComplaintsFedBack++
			}
		}
		if x.Status != string(model.ViolationDismissed) {
			k := model.MemberKey(x.Group, x.Member)
			if counts[k] == 0 {
				order = append(order, k)
			}
			counts[k]++
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	for _, k := range order {
		if n := counts[k]; n > 1 {
			g, m, _ := cutKey(k)
			f.Offenders = append(f.Offenders, Offender{Group: g, Member: m, Count: n})
		}
	}
	slices.SortStableFunc(f.Offenders, func(a, b Offender) int {
		return cmp.Or(b.Count-a.Count, cmp.Compare(a.Group, b.Group), cmp.Compare(a.Member, b.Member))
	})
	err = st.Facts(model.FactSanction, p.From, p.To, r.inScope, func(x *model.Fact) error {
		if !r.InScope(x.Group) {
			return nil
		}
		f.Sanctions++
		f.SanctionsByStep[x.Step]++
		if x.Appeal == model.AppealOverturned {
			f.Overturned++
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	waits := map[model.ApplicationKind][]time.Duration{}
	err = st.Facts(model.FactAppDecided, p.From, p.To, r.inScope, func(x *model.Fact) error {
		if r.InScope(x.Group) {
			f.AppsDecided[x.AppKind]++
			waits[x.AppKind] = append(waits[x.AppKind], x.Wait)
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	for k, ws := range waits {
		f.AppWait[k] = latencyOf(ws)
	}
	// Applications are few: every one filed before the reference is read, to find those
	// still waiting then.
	err = st.Facts(model.FactApplication, factFloor, ref, r.inScope, func(x *model.Fact) error {
		if !r.InScope(x.Group) {
			return nil
		}
		if p.Contains(x.Time) {
			f.AppsFiled[x.AppKind]++
		}
		if x.Wait < 0 || !x.Time.Add(x.Wait).Before(ref) {
			f.AppsOpen[x.AppKind]++
			f.AppsOldest = max(f.AppsOldest, ref.Sub(x.Time))
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	for i := range rects {
		x := &rects[i]
		if !r.rectInScope(x) {
			continue
		}
		if p.Contains(x.Opened) {
			f.RectsOrdered++
		}
		if !x.Closed.IsZero() && p.Contains(x.Closed) {
			f.RectsClosed++
		}
		if x.Opened.Before(ref) && (x.Closed.IsZero() || !x.Closed.Before(ref)) {
			f.RectsOpen++
			if !x.Deadline.IsZero() && x.Deadline.Before(ref) {
				f.RectsOverdue++
			}
		}
	}
	for _, g := range r.Groups {
		if r.InScope(g.ID) && g.Kind == model.KindProject && !g.ProjectEnd.IsZero() && g.Status != model.GroupDissolved &&
			r.calendar.DissolutionDeadline(g.ProjectEnd).Before(ref) {
			f.DissolveOverdue++
		}
	}
	return f, nil
}

func cutKey(k string) (group, member string, ok bool) {
	for i := 0; i < len(k); i++ {
		if k[i] == 0 {
			return k[:i], k[i+1:], true
		}
	}
	return k, "", false
}

// standing reads the members of the scope, the open rectifications and the project groups;
// names gets the names of the members it lists.
func (r *Report) standing(st ReportStore, rects []model.Rectification, names map[string]string) error {
	s := &r.Standing
	s.ByStatus, s.ByStep = map[model.MemberStatus]int{}, map[string]int{}
	inactive := time.Duration(r.policy.Thresholds.InactiveDays) * 24 * time.Hour
	each := func(m *model.Member) error {
		if !r.InScope(m.Group) {
			return nil
		}
		s.Members++
		s.ByStatus[m.Status]++
		if m.Step != "" {
			s.ByStep[m.Step]++
		}
		if k := model.MemberKey(m.Group, m.ID); names != nil {
			if _, want := names[k]; want {
				names[k] = m.Name
			}
		}
		if m.Status != model.MemberActive && m.Status != model.MemberMuted {
			return nil
		}
		last := m.LastActive
		if last.IsZero() {
			last = m.Joined
		}
		if inactive > 0 && !last.IsZero() && r.Made.Sub(last) > inactive {
			s.Inactive++
		}
		if g := r.Groups[m.Group]; !NicknameOK(g.NicknameRule, g, *m) {
			s.NicknameBad++
		}
		return nil
	}
	if r.Scope.Kind == "group" {
		if err := st.ForEachMember(r.Scope.Value, each); err != nil {
			return err
		}
	} else if err := st.ForEachMember("", each); err != nil {
		return err
	}
	for i := range rects {
		x := rects[i]
		if x.Status == model.RectOpen && r.rectInScope(&x) {
			s.Rects = append(s.Rects, RectState{Rectification: x, Overdue: !x.Deadline.IsZero() && x.Deadline.Before(r.Made)})
		}
	}
	slices.SortStableFunc(s.Rects, func(a, b RectState) int {
		return cmp.Or(cmp.Compare(a.Deadline.UnixNano(), b.Deadline.UnixNano()), cmp.Compare(a.ID, b.ID))
	})
	for _, g := range r.Groups {
		if r.InScope(g.ID) && g.Kind == model.KindProject && !g.ProjectEnd.IsZero() && g.Status != model.GroupDissolved {
			d := r.calendar.DissolutionDeadline(g.ProjectEnd)
			s.Projects = append(s.Projects, GroupDeadline{Group: g, Deadline: d, Overdue: d.Before(r.Made)})
		}
	}
	slices.SortFunc(s.Projects, func(a, b GroupDeadline) int {
		return cmp.Or(a.Deadline.Compare(b.Deadline), cmp.Compare(a.Group.ID, b.Group.ID))
	})
	return nil
}
