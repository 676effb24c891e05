package storage

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// PostsBetween lists the posts in these statuses with from ≤ time < to (a zero bound is no
// bound), each status in time order, from the posts-by-status index.
func (s *Store) PostsBetween(statuses []model.PostStatus, from, to time.Time) ([]model.Post, error) {
	var out []model.Post
	err := s.db.View(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		c := tx.Bucket(ixPostStatus).Cursor()
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
					return fmt.Errorf("index names post %q, which is not stored", id)
				}
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}
