package storage

import (
	"encoding/binary"
	"errors"
	"iter"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/bundle"
	"qunshen/model"
)

// The writes of an import of bundles: its events in transactions of syncBatch events, under
// the import's journal.

// applyImport writes the plans' events: the new ones to the log and the index by origin, each
// chain's new head and checkpoints, the events beyond a gap parked; in transactions of
// syncBatch events under the import's journal; the last one marks where the fold begins
// (after; nil: the projection is replayed whole) and what the bundles' makers hold (the
// peers).
func (s *Store) applyImport(readers []*bundle.Reader, plans []*originPlan, makers map[model.Key]string, after []byte, res *SyncResult, progress func(stage string, done, total int)) error {
	total := 0
	for _, p := range plans {
		total += int(p.top.Seq - p.head.Seq)
	}
	res.New = total
	var tx *bbolt.Tx // the transaction of the moment, through which parked events are read
	txOf := func(*bbolt.Tx) *bbolt.Tx { return tx }
	var next func() (*incoming, error, bool)
	var stop func()
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	pi := 0
	for batch, finished := 1, false; !finished; batch++ {
		err := s.update(func(t *bbolt.Tx) error {
			tx = t
			if err := fault("log", batch); err != nil {
				return err
			}
			st := newTxState(t)
			j, ok := journalOf(t)
			if !ok {
				var err error
				if j, err = beginJournal(t, "bundles"); err != nil {
					return err
				}
				for _, k := range [][]byte{kLogSeq, kMaxTime} {
					if err := j.keep(t, bMeta, k); err != nil {
						return err
					}
				}
			}
			w := batchWriter{tx: t, st: st, j: j, res: res, logSeq: st.logSeq(), last: st.maxTime()}
			for pi < len(plans) && w.n < syncBatch && w.size < syncBatchBytes {
				p := plans[pi]
				if next == nil {
					if err := j.head(st, p.o); err != nil {
						return err
					}
					p.applied, p.cur = true, p.head
					next, stop = iter.Pull2(func(yield func(*incoming, error) bool) {
						err := p.each(txOf, true, func(x *incoming) error {
							if !yield(x, nil) {
								return errStop
							}
							return nil
						})
						if err != nil && !errors.Is(err, errStop) {
							yield(nil, err)
						}
					})
				}
				x, err, ok := next()
				if err != nil {
					return err
				}
				if ok {
					if err := w.write(p, x); err != nil {
						return err
					}
					continue
				}
				stop()
				next, stop = nil, nil
				if err := w.finish(p); err != nil {
					return err
				}
				pi++
			}
			if err := w.flush(); err != nil {
				return err
			}
			if pi < len(plans) {
				if p := plans[pi]; p.cur.Seq > p.head.Seq { // the chain so far: a roll back starts there
					return st.setHead(p.o, p.cur)
				}
				return nil
			}
			// The last transaction: where the fold begins, and who holds what. The journal
			// ends when the fold has caught up (ImportBundles).
			if total > 0 {
				if err := j.keep(t, bMeta, kFoldFrom); err != nil {
					return err
				}
				if err := j.projection(); err != nil {
					return err
				}
				if err := markFold(t, after); err != nil {
					return err
				}
			}
			if err := recordPeers(t, j, readers, makers); err != nil {
				return err
			}
			finished = true
			return nil
		})
		tx = nil
		if err != nil {
			return err
		}
		progress("store", doneOf(plans), total)
	}
	return nil
}

// doneOf counts the new events written of the plans.
func doneOf(plans []*originPlan) int {
	n := 0
	for _, p := range plans {
		if p.applied {
			n += int(p.cur.Seq - p.head.Seq)
		}
	}
	return n
}

// batchWriter writes the events of one transaction of an import of bundles.
type batchWriter struct {
	tx     *bbolt.Tx
	st     *txState
	j      journal
	res    *SyncResult
	index  []byOriginEntry
	logSeq uint64
	last   time.Time
	n      int // events written
	size   int // their bytes
}

// write writes one of the origin's events where the plan puts it.
func (w *batchWriter) write(p *originPlan, x *incoming) error {
	seq := x.ev.Seq
	k := originSeqKey(p.o, seq)
	if x.parked && seq <= p.top.Seq { // connected now: it leaves the parked events
		if err := w.j.keep(w.tx, bParked, k); err != nil {
			return err
		}
		if err := w.tx.Bucket(bParked).Delete(k); err != nil {
			return err
		}
	}
	switch {
	case seq <= p.head.Seq:
		return nil
	case seq <= p.top.Seq:
		key := orderKey(x.ev.Time, x.id)
		if err := w.st.putLog(key, x.body); err != nil {
			return err
		}
		w.index = append(w.index, indexEntry(&x.ev, key))
		w.logSeq++
		if x.ev.Time.After(w.last) {
			w.last = x.ev.Time
		}
		p.cur = chainHead{Seq: seq, Head: x.id}
	case !x.parked: // beyond a gap, or beyond the last signed checkpoint: it waits
		if err := w.j.keep(w.tx, bParked, k); err != nil {
			return err
		}
		if err := w.tx.Bucket(bParked).Put(k, x.body); err != nil {
			return err
		}
		w.res.Parked++
	default:
		return nil
	}
	w.n++
	w.size += len(x.body)
	return nil
}

// finish ends an origin: its chain's new head, and its checkpoints, kept where they belong.
func (w *batchWriter) finish(p *originPlan) error {
	if p.top.Seq > p.head.Seq {
		if err := w.st.setHead(p.o, p.top); err != nil {
			return err
		}
	}
	for seq, cp := range p.cps {
		k := originSeqKey(p.o, seq)
		if err := w.j.keep(w.tx, bParkedCP, k); err != nil {
			return err
		}
		var err error
		switch {
		case seq > p.top.Seq:
			err = w.tx.Bucket(bParkedCP).Put(k, cp.Encode())
		case seq > p.head.Seq: // taken out of the log with the event by a roll back
			if err = w.tx.Bucket(bCheckpoints).Put(k, cp.Encode()); err == nil {
				err = w.tx.Bucket(bParkedCP).Delete(k)
			}
		default:
			err = w.tx.Bucket(bParkedCP).Delete(k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// flush writes the index entries of the transaction's events, the count of events and the
// clock.
func (w *batchWriter) flush() error {
	if err := putByOriginEntries(w.tx, w.index); err != nil {
		return err
	}
	if err := w.tx.Bucket(bMeta).Put(kLogSeq, binary.BigEndian.AppendUint64(nil, w.logSeq)); err != nil {
		return err
	}
	return w.st.setMaxTime(w.last)
}
