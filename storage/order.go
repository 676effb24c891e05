package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// The canonical order of the log is by event time, then by event id. Every machine sorts the
// same events the same way, and the fold follows that order, so the same events give the
// same state whatever order they arrived in. The clock of the appender keeps every new event
// later than every event its machine had, so a decision always follows what its maker saw.

// orderKey is an event's place in the canonical order.
func orderKey(t time.Time, id model.Hash) []byte {
	k := make([]byte, 0, 40)
	k = append(k, timeKey(t)...)
	return append(k, id[:]...)
}

// originSeqKey names the event of an origin's chain at seq.
func originSeqKey(o model.Key, seq uint64) []byte {
	k := make([]byte, 0, 40)
	k = append(k, o[:]...)
	return binary.BigEndian.AppendUint64(k, seq)
}

func (st *txState) maxTime() time.Time {
	if v := st.b[string(bMeta)].Get(kMaxTime); len(v) == 8 {
		return time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()
	}
	return time.Time{}
}

func (st *txState) setMaxTime(t time.Time) error {
	if !t.After(st.maxTime()) {
		return nil
	}
	return st.b[string(bMeta)].Put(kMaxTime, binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())))
}

// lastOrder is the canonical key of the last event of the log, or nil.
func (st *txState) lastOrder() []byte {
	k, _ := st.b[string(bOrder)].Cursor().Last()
	return k
}

// migrate1 brings a database of schema 1 to schema 2: it builds the canonical order and the
// index by origin from the log (upgradeTrust makes its trust store).
func migrate1(tx *bbolt.Tx) error {
	st := newTxState(tx)
	var max time.Time
	c := tx.Bucket(bLog).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		ev, err := model.DecodeEvent(v)
		if err != nil {
			return fmt.Errorf("log event %x: %w", k, err)
		}
		id := model.Hash(sha256Sum(v))
		if err := tx.Bucket(bOrder).Put(orderKey(ev.Time, id), bytes.Clone(k)); err != nil {
			return err
		}
		if err := tx.Bucket(bByOrigin).Put(originSeqKey(ev.Origin, ev.Seq), bytes.Clone(k)); err != nil {
			return err
		}
		if ev.Time.After(max) {
			max = ev.Time
		}
	}
	return st.setMaxTime(max)
}

// forEachCanonical calls f with the events of the log in the canonical order: from the
// first, or from the first key at or after from (passing over from itself, the last event a
// previous call saw), until the end or until f returns errStop. With check, each event's key
// is checked against its body's hash, as verify does; else the id is read from the key.
func forEachCanonical(tx *bbolt.Tx, from []byte, check bool, f func(k []byte, ev *model.Event, id model.Hash) error) error {
	log := tx.Bucket(bLog)
	c := tx.Bucket(bOrder).Cursor()
	k, seq := c.First()
	if from != nil {
		if k, seq = c.Seek(from); k != nil && bytes.Equal(k, from) {
			k, seq = c.Next()
		}
	}
	for ; k != nil; k, seq = c.Next() {
		body := log.Get(seq)
		if body == nil {
			return fmt.Errorf("the canonical order names event %d, which is not in the log", binary.BigEndian.Uint64(seq))
		}
		ev, err := model.DecodeEvent(body)
		if err != nil {
			return fmt.Errorf("log: event %d: %w", binary.BigEndian.Uint64(seq), err)
		}
		var id model.Hash
		if check {
			id = sha256Sum(body)
			if !bytes.Equal(k, orderKey(ev.Time, id)) {
				return fmt.Errorf("the canonical order holds event %d under the wrong key", binary.BigEndian.Uint64(seq))
			}
		} else {
			copy(id[:], k[8:])
		}
		if err := f(k, &ev, id); err != nil {
			if errors.Is(err, errStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

// The fold of new events from other machines runs in transactions of its own, after the
// transaction that added them to the log: a million events folded in one transaction would
// hold the whole projection's changes in memory at once. kFoldFrom in the meta says where the
// fold stands: the canonical key of the last event folded, or empty when the projection was
// cleared to be replayed from the first event. Open finishes a fold that a crash interrupted,
// so the projection is never seen behind the log.

// foldChunk is how many events one transaction of the fold replays.
var foldChunk = 20_000

// markFold records, in the transaction that adds events to the log, that the projection must
// be folded from after key (nil: replayed whole from the first event, the buckets cleared now).
func markFold(tx *bbolt.Tx, after []byte) error {
	m := tx.Bucket(bMeta)
	if cur := m.Get(kFoldFrom); cur != nil && bytes.Compare(cur, after) <= 0 {
		return nil // a fold from earlier is pending already
	}
	if after == nil {
		for _, name := range projectionBuckets {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		after = []byte{}
	}
	return m.Put(kFoldFrom, bytes.Clone(after))
}

// foldPending reports whether a fold is pending.
func (s *Store) foldPending() bool {
	pending := false
	s.db.View(func(tx *bbolt.Tx) error {
		pending = tx.Bucket(bMeta).Get(kFoldFrom) != nil
		return nil
	})
	return pending
}

// catchUp folds the events of the log after kFoldFrom, a chunk a transaction, until the
// projection follows the whole log.
func (s *Store) catchUp(progress func(done, total int)) error {
	done, total := 0, 0
	for {
		finished := false
		err := s.db.Update(func(tx *bbolt.Tx) error {
			m := tx.Bucket(bMeta)
			from := m.Get(kFoldFrom)
			if from == nil {
				finished = true
				return nil
			}
			st := newTxState(tx)
			if total == 0 {
				total = int(st.logSeq())
			}
			if len(from) == 0 {
				from = nil // from the first event
			}
			var read []model.Event
			var ids []model.Hash
			var last []byte
			err := forEachCanonical(tx, from, false, func(k []byte, ev *model.Event, id model.Hash) error {
				if len(read) == foldChunk {
					return errStop
				}
				read, ids, last = append(read, *ev), append(ids, id), bytes.Clone(k)
				return nil
			})
			if err != nil {
				return err
			}
			evs := make([]*model.Event, len(read))
			for i := range read {
				evs[i] = &read[i]
			}
			if err := st.replayChunk(evs, ids); err != nil {
				return err
			}
			if err := st.flushCounts(); err != nil {
				return err
			}
			done += len(evs)
			if progress != nil {
				progress(done, total)
			}
			if len(evs) < foldChunk {
				finished = true
				return m.Delete(kFoldFrom)
			}
			return m.Put(kFoldFrom, last)
		})
		if err != nil || finished {
			return err
		}
	}
}

// replayChunk folds events, in the canonical order, into st; the stored posts they decide
// are read and decoded first, on every core.
func (st *txState) replayChunk(evs []*model.Event, ids []model.Hash) error {
	var posts []string
	for _, ev := range evs {
		if strings.HasPrefix(string(ev.Kind), "post.") {
			posts = append(posts, ev.Subject)
		}
	}
	st.expect(len(posts))
	st.prefetchPosts(posts)
	for i, ev := range evs {
		if err := model.Replay(st, ev, ids[i]); err != nil {
			return err
		}
	}
	return nil
}
