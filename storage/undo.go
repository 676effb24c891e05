package storage

// An import is all or nothing, whatever fails: a record refused on the last line, a full disk,
// a process killed. An import writes in many transactions (one of a million posts would hold
// its whole projection in memory until its commit), so it keeps a journal, in the database,
// of what it is about to change beyond the projection:
//
//   - the head of every chain it adds events to: the events after those heads are its own,
//     found again by the index by origin;
//   - the value before of every other key it writes outside the log and the projection (the
//     meta's count of events and clock, parked events and their checkpoints, the peers);
//   - whether the projection may have changed.
//
// The journal is begun in the transaction of the import's first write and ended in the
// transaction of its last: until then, a failure rolls the import back (undoImport), and so
// does Open when it finds a journal that a killed process left. Rolling back takes the
// import's events out of the log, puts back the values kept, and, when the projection was
// touched, replays it from the log, which is then as it was: the projection is the fold of the
// log. A roll back is itself made in steps, each resumable, so that a kill during it is rolled
// back too, at the next Open.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"

	"qunshen/internal/i18n"
	"qunshen/model"
)

var bUndo = []byte("undo")

// injectFault, set by the tests alone, is asked before each write transaction of an import
// (step "batch", "log", "fold"; n counts them from 1): an error it returns fails that
// transaction, as a full disk or a failing device would.
var injectFault func(step string, n int) error

// fault asks injectFault, if set.
func fault(step string, n int) error {
	if injectFault == nil {
		return nil
	}
	return injectFault(step, n)
}

// The keys of the journal.
var (
	jKind       = []byte("kind")       // what the import was: "files" or "bundles"
	jProjection = []byte("projection") // present once the projection may have changed
	jHead       = []byte("head/")      // + origin key → its head before (40 bytes), empty: none
	jKeep       = []byte("keep/")      // + bucket \0 key → 0, or 1 and the value before
)

// journal is the journal of the import under way, within one of its transactions.
type journal struct{ b *bbolt.Bucket }

// beginJournal starts the journal of an import, in the transaction of its first write.
func beginJournal(tx *bbolt.Tx, kind string) (journal, error) {
	if tx.Bucket(bUndo) != nil {
		return journal{}, errors.New("the journal of an earlier import is still there")
	}
	b, err := tx.CreateBucket(bUndo)
	if err != nil {
		return journal{}, err
	}
	return journal{b}, b.Put(jKind, []byte(kind))
}

// journalOf is the journal of the import under way in the transaction.
func journalOf(tx *bbolt.Tx) (journal, bool) {
	b := tx.Bucket(bUndo)
	return journal{b}, b != nil
}

// endJournal ends the import: from this commit, it stands.
func endJournal(tx *bbolt.Tx) error { return tx.DeleteBucket(bUndo) }

// head keeps the head of origin o as it was before the import, once.
func (j journal) head(st *txState, o model.Key) error {
	k := append(bytes.Clone(jHead), o[:]...)
	if j.b.Get(k) != nil {
		return nil
	}
	h := st.head(o)
	v := []byte{}
	if h.Seq > 0 {
		v = binary.BigEndian.AppendUint64(v, h.Seq)
		v = append(v, h.Head[:]...)
	}
	return j.b.Put(k, v)
}

// keep keeps the value of key in bucket as it was before the import, once: as it is in the
// file (a sealed record with its checksum), to be put back as it was.
func (j journal) keep(tx *bbolt.Tx, bucket, key []byte) error {
	k := append(append(append(bytes.Clone(jKeep), bucket...), 0), key...)
	if j.b.Get(k) != nil {
		return nil
	}
	v := []byte{0}
	if old := tx.Bucket(bucket).Get(key); old != nil {
		v = append([]byte{1}, old...)
	}
	return j.b.Put(k, v)
}

// projection records that the projection may change from now on.
func (j journal) projection() error { return j.b.Put(jProjection, []byte{1}) }

// undoStep is how many events one transaction of a roll back takes out of the log.
const undoStep = 20_000

// undoImport rolls back the import whose journal the database holds, if any, and reports
// whether there was one. It takes the import's events out of the log and puts back what the
// journal kept, in transactions of undoStep events, then replays the projection (catchUp).
func (s *Store) undoImport() (bool, error) {
	undone := false
	for {
		finished := false
		err := s.update(func(tx *bbolt.Tx) error {
			j, ok := journalOf(tx)
			if !ok {
				finished = true
				return nil
			}
			undone = true
			st := newTxState(tx)
			more, err := j.dropEvents(st, undoStep)
			if err != nil || more {
				return err
			}
			if err := j.resetHeads(st); err != nil {
				return err
			}
			if err := j.restore(tx); err != nil {
				return err
			}
			if j.b.Get(jProjection) != nil {
				if err := markFold(tx, nil); err != nil {
					return err
				}
			}
			finished = true
			return endJournal(tx)
		})
		if err != nil {
			return undone, i18n.E("storage.undo.failed", err)
		}
		if finished {
			break
		}
	}
	if !undone {
		return false, nil
	}
	if err := s.catchUp(nil); err != nil {
		return true, i18n.E("storage.undo.failed", err)
	}
	return true, nil
}

// dropEvents takes out of the log, the index by origin and the checkpoints the events that
// the import added after the heads it kept, at most n, from the last of each chain back, and
// moves each chain's head back with them; more says that n were taken and more may be left.
func (j journal) dropEvents(st *txState, n int) (more bool, err error) {
	c := j.b.Cursor()
	for k, v := c.Seek(jHead); k != nil && bytes.HasPrefix(k, jHead); k, v = c.Next() {
		var o model.Key
		copy(o[:], k[len(jHead):])
		var was chainHead
		if len(v) == 40 {
			was.Seq = binary.BigEndian.Uint64(v[:8])
			copy(was.Head[:], v[8:])
		}
		cur := st.head(o)
		for cur.Seq > was.Seq {
			if n == 0 {
				return true, st.setHead(o, cur)
			}
			key := originSeqKey(o, cur.Seq)
			if lk := st.tx.Bucket(bByOrigin).Get(key); lk != nil {
				if err := st.tx.Bucket(bLog).Delete(lk); err != nil {
					return false, err
				}
				if err := st.tx.Bucket(bByOrigin).Delete(key); err != nil {
					return false, err
				}
			}
			if err := st.tx.Bucket(bCheckpoints).Delete(key); err != nil {
				return false, err
			}
			n--
			cur.Seq--
			cur.Head = was.Head
			if cur.Seq > was.Seq { // the event before: its id ends its key in the log
				lk := st.tx.Bucket(bByOrigin).Get(originSeqKey(o, cur.Seq))
				if len(lk) != 40 {
					return false, fmt.Errorf("origin %s: event %d is missing from the index by origin", o.Fingerprint(), cur.Seq)
				}
				copy(cur.Head[:], lk[8:])
			}
		}
		if was.Seq == 0 {
			err = st.tx.Bucket(bOrigins).Delete(o[:])
		} else {
			err = st.setHead(o, was)
		}
		if err != nil {
			return false, err
		}
	}
	return false, nil
}

// resetHeads puts back the head of every chain the import added to, as it was before it.
func (j journal) resetHeads(st *txState) error {
	c := j.b.Cursor()
	for k, v := c.Seek(jHead); k != nil && bytes.HasPrefix(k, jHead); k, v = c.Next() {
		var o model.Key
		copy(o[:], k[len(jHead):])
		var err error
		if len(v) == 40 {
			var was chainHead
			was.Seq = binary.BigEndian.Uint64(v[:8])
			copy(was.Head[:], v[8:])
			err = st.setHead(o, was)
		} else {
			err = st.tx.Bucket(bOrigins).Delete(o[:])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// restore puts back every value the journal kept.
func (j journal) restore(tx *bbolt.Tx) error {
	c := j.b.Cursor()
	for k, v := c.Seek(jKeep); k != nil && bytes.HasPrefix(k, jKeep); k, v = c.Next() {
		bucket, key, ok := bytes.Cut(k[len(jKeep):], []byte{0})
		b := tx.Bucket(bucket)
		if !ok || b == nil || len(v) == 0 {
			return fmt.Errorf("the journal's entry %q is damaged", printable(k))
		}
		var err error
		if v[0] == 0 {
			err = b.Delete(key)
		} else {
			err = b.Put(bytes.Clone(key), bytes.Clone(v[1:]))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
