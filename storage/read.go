package storage

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// The reads of the workbench, each in one short transaction, decoded into values that outlive
// it: an entity by its id, whole lists, the posts of a status, the disputes.

// Post reads one post.
func (s *Store) Post(id string) (p model.Post, ok bool, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		p, ok, err = newTxState(tx).Post(id)
		return err
	})
	return
}

// Member reads one member of a group.
func (s *Store) Member(group, id string) (m model.Member, ok bool, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		m, ok, err = newTxState(tx).Member(model.MemberKey(group, id))
		return err
	})
	return
}

// PostsByStatus returns up to limit posts of a status, oldest first, from the index.
func (s *Store) PostsByStatus(status model.PostStatus, limit int) ([]model.Post, error) {
	var out []model.Post
	err := s.view(func(tx *bbolt.Tx) error {
		return eachPostOf(tx, status, limit, func(p *model.Post) { out = append(out, *p) })
	})
	return out, err
}

// eachPostOf calls f with up to limit posts of a status, oldest first, from the index; the
// post is f's own.
func eachPostOf(tx *bbolt.Tx, status model.PostStatus, limit int, f func(p *model.Post)) error {
	st := newTxState(tx)
	prefix := append([]byte(status), 0)
	c := recordsOf(tx, ixPostStatus).Cursor()
	n := 0
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && n < limit; k, _ = c.Next() {
		id := k[len(prefix)+8:]
		raw := st.get(bPosts, id) // not through st.Post, which keeps every post it reads
		if raw == nil {
			return inconsistent("the status index names post %q, which is not stored", id)
		}
		p, _, err := decodePost(raw)
		if err != nil {
			return inconsistent("stored post %q is damaged: %w", id, err)
		}
		f(&p)
		n++
	}
	return nil
}

// PostSummaries is Posts summarized: each post read, summarized and let go, so that a list of
// a million posts holds their summaries and nothing more (model.PostSummary). Each status
// oldest first; limit 0 means all, else at most limit of each status.
func (s *Store) PostSummaries(statuses []model.PostStatus, limit int) ([]model.PostSummary, error) {
	if limit <= 0 {
		limit = int(^uint(0) >> 1)
	}
	var out []model.PostSummary
	err := s.view(func(tx *bbolt.Tx) error {
		// Counted first, so that the summaries are made once, in one array of their size.
		n := 0
		c := recordsOf(tx, ixPostStatus).Cursor()
		for _, status := range statuses {
			prefix, m := append([]byte(status), 0), 0
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && m < limit; k, _ = c.Next() {
				m++
			}
			n += m
		}
		out = make([]model.PostSummary, 0, n)
		// A group's id and an author's, once each for all their posts.
		names := map[string]string{}
		intern := func(s string) string {
			if v, ok := names[s]; ok {
				return v
			}
			names[s] = s
			return s
		}
		for _, status := range statuses {
			err := eachPostOf(tx, status, limit, func(p *model.Post) {
				x := p.Summary()
				x.Group, x.Author = intern(x.Group), intern(x.Author)
				out = append(out, x)
				if len(out)%summaryRelease == 0 {
					s.releaseMap() // the pages of the posts read, read once
				}
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// summaryRelease is how many posts PostSummaries reads between two releases of the pages of
// the file they were read from (releaseMap): a million posts read through the map would
// otherwise count the whole posts bucket in the process's resident memory.
const summaryRelease = 100_000

// Rectifications lists the inspection findings, by id.
func (s *Store) Rectifications() ([]model.Rectification, error) {
	return listAll[model.Rectification](s, bRects)
}

// Rectification reads one inspection finding.
func (s *Store) Rectification(id string) (r model.Rectification, ok bool, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		r, ok, err = newTxState(tx).Rectification(id)
		return err
	})
	return
}

// Violation reads one violation.
func (s *Store) Violation(id string) (v model.Violation, ok bool, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		v, ok, err = newTxState(tx).Violation(id)
		return err
	})
	return
}

// Group reads one group.
func (s *Store) Group(id string) (g model.Group, ok bool, err error) {
	err = s.view(func(tx *bbolt.Tx) error {
		g, ok, err = newTxState(tx).Group(id)
		return err
	})
	return
}

// Event reads the event of the log with id, made at t (the time a post's history records).
func (s *Store) Event(t time.Time, id model.Hash) (model.Event, error) {
	var ev model.Event
	err := s.view(func(tx *bbolt.Tx) error {
		body := tx.Bucket(bLog).Get(orderKey(t, id))
		if body == nil {
			return fmt.Errorf("no event %s in the log", id.Short())
		}
		if model.Hash(sha256Sum(body)) != id {
			return fmt.Errorf("event %s is damaged in the log", id.Short())
		}
		var err error
		ev, err = model.DecodeEvent(bytes.Clone(body))
		return err
	})
	return ev, err
}

// Conflicts are what the replay could not settle alone, for a person to look at: the disputed
// posts, and the events set aside with their reasons.
type Conflicts struct {
	Disputed   []model.Post
	Superseded []string
}

// Conflicts lists the disputed posts (from the index of the statuses a dispute leaves a post
// in) and the events set aside.
func (s *Store) Conflicts() (Conflicts, error) {
	var c Conflicts
	err := s.view(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		for _, status := range []model.PostStatus{model.PostPending, model.PostEscalated} {
			prefix := append([]byte(status), 0)
			cur := recordsOf(tx, ixPostStatus).Cursor()
			for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
				p, ok, err := st.Post(string(k[len(prefix)+8:]))
				if err != nil {
					return err
				}
				if ok && p.Disputed {
					c.Disputed = append(c.Disputed, p)
				}
			}
		}
		return recordsOf(tx, bSuperseded).ForEach(func(_, v []byte) error {
			c.Superseded = append(c.Superseded, string(v))
			return nil
		})
	})
	return c, err
}

func listAll[T any](s *Store, bucket []byte) ([]T, error) {
	var out []T
	err := s.view(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		return recordsOf(tx, bucket).ForEach(func(k, _ []byte) error {
			v, _, err := getJSON[T](st, bucket, string(k))
			out = append(out, v)
			return err
		})
	})
	return out, err
}

// Groups lists the groups, by id.
func (s *Store) Groups() ([]model.Group, error) { return listAll[model.Group](s, bGroups) }

// Members lists the members, by group then id.
func (s *Store) Members() ([]model.Member, error) { return listAll[model.Member](s, bMembers) }

// Designations lists the designations of the authority known here, by serial.
func (s *Store) Designations() ([]model.DesignationRecord, error) {
	return listAll[model.DesignationRecord](s, bDesign)
}

// Violations lists the violations, by id.
func (s *Store) Violations() ([]model.Violation, error) {
	return listAll[model.Violation](s, bViolations)
}

// Applications lists the applications, by id.
func (s *Store) Applications() ([]model.Application, error) {
	return listAll[model.Application](s, bApps)
}

// GroupApplications lists the applications to create groups, by id.
func (s *Store) GroupApplications() ([]model.GroupApplication, error) {
	return listAll[model.GroupApplication](s, bGroupApps)
}

// Incidents lists the incidents, by id.
func (s *Store) Incidents() ([]model.Incident, error) { return listAll[model.Incident](s, bIncidents) }

// Accountabilities lists the measures of accountability, by id.
func (s *Store) Accountabilities() ([]model.Accountability, error) {
	return listAll[model.Accountability](s, bAccount)
}

// Commendations lists the commendations of groups and the rewards of reporters, by id.
func (s *Store) Commendations() ([]model.Commendation, error) {
	return listAll[model.Commendation](s, bCommend)
}

// ArchiveAccesses lists the requests to read the archive, by id.
func (s *Store) ArchiveAccesses() ([]model.ArchiveAccess, error) {
	return listAll[model.ArchiveAccess](s, bAccess)
}

// ArchiveAccess reads one request to read the archive.
func (s *Store) ArchiveAccess(id string) (x model.ArchiveAccess, ok bool, err error) {
	err = s.db.View(func(tx *bbolt.Tx) error {
		x, ok, err = newTxState(tx).ArchiveAccess(id)
		return err
	})
	return
}

// Incident reads one incident.
func (s *Store) Incident(id string) (in model.Incident, ok bool, err error) {
	err = s.db.View(func(tx *bbolt.Tx) error {
		in, ok, err = newTxState(tx).Incident(id)
		return err
	})
	return
}

// GroupApplication reads one application to create a group.
func (s *Store) GroupApplication(id string) (a model.GroupApplication, ok bool, err error) {
	err = s.db.View(func(tx *bbolt.Tx) error {
		a, ok, err = newTxState(tx).GroupApplication(id)
		return err
	})
	return
}

// PostFiles lists the published posts (approved, signed off, from a chat's history) that have
// attachments, of one group or of every group when group is "": what the register of shared
// files reads. Only what the register needs is kept of each: no body, no findings, no history.
func (s *Store) PostFiles(group string) ([]model.Post, error) {
	var out []model.Post
	err := s.db.View(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		c := tx.Bucket(ixPostStatus).Cursor()
		for _, status := range []model.PostStatus{model.PostApproved, model.PostSignedOff, model.PostPublished} {
			prefix := append([]byte(status), 0)
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				id := string(k[len(prefix)+8:])
				p, ok, err := st.Post(id)
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("index names post %q, which is not stored", id)
				}
				if len(p.Attachments) == 0 || group != "" && p.Group != group {
					continue
				}
				p.Body, p.Findings, p.History = "", nil, nil
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}

// PostsBetween lists the posts in these statuses with from ≤ time < to (a zero bound is no
// bound), each status in time order, from the posts-by-status index.
func (s *Store) PostsBetween(statuses []model.PostStatus, from, to time.Time) ([]model.Post, error) {
	var out []model.Post
	err := s.view(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		c := recordsOf(tx, ixPostStatus).Cursor()
		for _, status := range statuses {
			prefix := append([]byte(status), 0)
			seek := prefix
			if !from.IsZero() {
				seek = append(slices.Clone(prefix), timeKey(from)...)
			}
			var end []byte
			if !to.IsZero() {
				end = append(slices.Clone(prefix), timeKey(to)...)
			}
			for k, _ := c.Seek(seek); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				if end != nil && bytes.Compare(k, end) >= 0 {
					break
				}
				id := string(k[len(prefix)+8:])
				p, ok, err := st.Post(id)
				if err != nil {
					return err
				}
				if !ok {
					return inconsistent("the status index names post %q, which is not stored", id)
				}
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}

// Posts lists the posts in these statuses, each status oldest first, from the index; limit 0
// means all.
func (s *Store) Posts(statuses []model.PostStatus, limit int) ([]model.Post, error) {
	var out []model.Post
	for _, status := range statuses {
		n := limit
		if n <= 0 {
			n = int(^uint(0) >> 1)
		}
		ps, err := s.PostsByStatus(status, n)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

// MemberViolations is a member's record from the index, newest first.
func (s *Store) MemberViolations(group, id string) ([]model.Violation, error) {
	var out []model.Violation
	err := s.view(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		prefix := []byte(group + "\x00" + id + "\x00")
		c := recordsOf(tx, ixViolMember).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			v, ok, err := st.Violation(string(k[len(prefix):]))
			if err != nil {
				return err
			}
			if ok {
				out = append(out, v)
			}
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b model.Violation) int { return b.Time.Compare(a.Time) })
	return out, err
}
