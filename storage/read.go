package storage

import (
	"bytes"
	"slices"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// The reads of the workbench: whole lists, read in one short transaction each and decoded
// into values that outlive it.

func listAll[T any](s *Store, bucket []byte) ([]T, error) {
	var out []T
	err := s.db.View(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		return tx.Bucket(bucket).ForEach(func(k, _ []byte) error {
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

// Violations lists the violations, by id.
func (s *Store) Violations() ([]model.Violation, error) {
	return listAll[model.Violation](s, bViolations)
}

// Applications lists the applications, by id.
func (s *Store) Applications() ([]model.Application, error) {
	return listAll[model.Application](s, bApps)
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
	err := s.db.View(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		prefix := []byte(group + "\x00" + id + "\x00")
		c := tx.Bucket(ixViolMember).Cursor()
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
