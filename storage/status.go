package storage

import (
	"bytes"
	"encoding/binary"
	"qunshen/model"

	"go.etcd.io/bbolt"
)

// Status is what `qunshen status` prints: counts by status, events and disputes.
type Status struct {
	Posts          map[string]int64 `json:"posts"`
	Members        map[string]int64 `json:"members"`
	Violations     map[string]int64 `json:"violations"`
	Applications   map[string]int64 `json:"applications"`
	Groups         map[string]int64 `json:"groups"`
	Rectifications map[string]int64 `json:"rectifications"`
	// The register's applications to create groups, the incidents and the measures of
	// accountability (by measure): left out while there are none.
	GroupApps      map[string]int64 `json:"group_applications,omitempty"`
	Incidents      map[string]int64 `json:"incidents,omitempty"`
	Accountability map[string]int64 `json:"accountability,omitempty"`
	// The commendations and rewards (by kind: group, reward) and the requests to read the
	// archive (by status): left out while there are none.
	Commendations map[string]int64 `json:"commendations,omitempty"`
	ArchiveAccess map[string]int64 `json:"archive_requests,omitempty"`
	Events        uint64           `json:"events"`
	Disputed      int64            `json:"disputed"`
	Superseded    int64            `json:"superseded"`      // events set aside by a replay: see qunshen sync conflicts
	Parked        int64            `json:"parked"`          // events of bundles waiting for earlier ones
	State         string           `json:"state,omitempty"` // StateHash, when asked for
}

// Status reads the counts: no scan, only the counts bucket.
func (s *Store) Status() (Status, error) {
	st := Status{
		Posts: zeroes(model.PostStatuses), Members: zeroes(model.MemberStatuses), Violations: zeroes(model.ViolationStatuses),
		Applications: zeroes(model.ApplicationStatuses), Groups: zeroes([]model.GroupStatus{model.GroupActive, model.GroupRectifying, model.GroupDissolved}),
		Rectifications: zeroes([]model.RectificationStatus{model.RectOpen, model.RectClosed}),
	}
	err := s.view(func(tx *bbolt.Tx) error {
		st.Events = newTxState(tx).logSeq()
		st.Parked = int64(tx.Bucket(bParked).Stats().KeyN)
		return recordsOf(tx, bCounts).ForEach(func(k, v []byte) error {
			if len(v) != 8 {
				return inconsistent("damaged count %q", k)
			}
			n := int64(binary.BigEndian.Uint64(v))
			kind, status, _ := bytes.Cut(k, []byte("/"))
			if string(kind) == "post" && string(status) == "disputed" {
				st.Disputed = n
				return nil
			}
			if string(k) == "event/superseded" {
				st.Superseded = n
				return nil
			}
			m := map[string]map[string]int64{"post": st.Posts, "member": st.Members, "violation": st.Violations,
				"application": st.Applications, "group": st.Groups, "rectification": st.Rectifications}[string(kind)]
			if m != nil {
				m[string(status)] = n
				return nil
			}
			switch string(kind) {
			case "groupapp":
				st.GroupApps = addCount(st.GroupApps, zeroes(model.ApplicationStatuses), string(status), n)
			case "incident":
				st.Incidents = addCount(st.Incidents, zeroes(model.IncidentStatuses), string(status), n)
			case "accountability":
				st.Accountability = addCount(st.Accountability, zeroes(model.AccountabilityMeasures), string(status), n)
			case "commendation":
				st.Commendations = addCount(st.Commendations, zeroes([]string{model.CommendGroup, model.CommendReward}), string(status), n)
			case "access":
				st.ArchiveAccess = addCount(st.ArchiveAccess, zeroes(model.ArchiveAccessStatuses), string(status), n)
			}
			return nil
		})
	})
	return st, err
}

// addCount sets a count of a map that is made, with its zeroes, at its first count.
func addCount(m, zero map[string]int64, k string, n int64) map[string]int64 {
	if m == nil {
		m = zero
	}
	m[k] = n
	return m
}

func zeroes[S ~string](ss []S) map[string]int64 {
	m := make(map[string]int64, len(ss))
	for _, s := range ss {
		m[string(s)] = 0
	}
	return m
}
