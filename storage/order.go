package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
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

// forEachCanonical calls f with every event of the log in the canonical order.
func forEachCanonical(tx *bbolt.Tx, f func(ev *model.Event, id model.Hash, body []byte) error) error {
	log := tx.Bucket(bLog)
	c := tx.Bucket(bOrder).Cursor()
	for k, seq := c.First(); k != nil; k, seq = c.Next() {
		body := log.Get(seq)
		if body == nil {
			return fmt.Errorf("the canonical order names event %d, which is not in the log", binary.BigEndian.Uint64(seq))
		}
		ev, err := model.DecodeEvent(body)
		if err != nil {
			return fmt.Errorf("log: event %d: %w", binary.BigEndian.Uint64(seq), err)
		}
		id := model.Hash(sha256Sum(body))
		if !bytes.Equal(k, orderKey(ev.Time, id)) {
			return fmt.Errorf("the canonical order holds event %d under the wrong key", binary.BigEndian.Uint64(seq))
		}
		if err := f(&ev, id, body); err != nil {
			return err
		}
	}
	return nil
}

// refold rebuilds the whole projection by replaying the log in the canonical order: what an
// import does when events arrive that belong before events already folded.
func refold(tx *bbolt.Tx, progress func(done int)) (*txState, error) {
	for _, name := range projectionBuckets {
		if err := tx.DeleteBucket(name); err != nil {
			return nil, err
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return nil, err
		}
	}
	st := newTxState(tx)
	n := 0
	err := forEachCanonical(tx, func(ev *model.Event, id model.Hash, _ []byte) error {
		if err := model.Replay(st, ev, id); err != nil {
			return err
		}
		n++
		if progress != nil && n%10000 == 0 {
			progress(n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, st.flushCounts()
}
