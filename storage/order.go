package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
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
	k = appendTimeKey(k, t)
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
	k, _ := st.b[string(bLog)].Cursor().Last()
	return k
}

// The log of schemas 1 to 4: events under their local sequence, and (from schema 2) the
// canonical order beside it, from the event's key there to its sequence.
var (
	bLogV4   = []byte("log")
	bOrderV4 = []byte("order")
)

// migrateLog brings the log of a database of schema 1 to 4 to schema 5: each event of the old
// log under its key in the canonical order, the index by origin naming that key, and the
// latest time of the log for the clock; the old log and order are dropped.
func migrateLog(tx *bbolt.Tx) error {
	old := tx.Bucket(bLogV4)
	if old == nil {
		return errors.New("the log of the older schema is missing")
	}
	st := newTxState(tx)
	for _, b := range [][]byte{bByOrigin, bLog} { // made again whole
		if err := tx.DeleteBucket(b); err != nil && !errors.Is(err, bbolt.ErrBucketNotFound) {
			return err
		}
		nb, err := tx.CreateBucket(b)
		if err != nil {
			return err
		}
		st.b[string(b)] = nb
		delete(st.cursors, string(b))
	}
	// The events are put in the order of their new keys: bbolt splits its pages only at the
	// commit, and keys put out of order into a page of a million would each move the rest.
	type entry struct {
		ev   model.Event
		id   model.Hash
		key  []byte
		body []byte
	}
	var all []entry
	var max time.Time
	c := old.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		body := bytes.Clone(v)
		ev, err := model.DecodeEvent(body)
		if err != nil {
			return fmt.Errorf("log event %x: %w", k, err)
		}
		id := model.Hash(sha256Sum(body))
		all = append(all, entry{ev: ev, id: id, key: orderKey(ev.Time, id), body: body})
		if ev.Time.After(max) {
			max = ev.Time
		}
	}
	slices.SortFunc(all, func(a, b entry) int { return bytes.Compare(a.key, b.key) })
	for i := range all {
		if err := st.putLog(all[i].key, all[i].body); err != nil {
			return err
		}
	}
	index := make([]byOriginEntry, len(all))
	for i := range all {
		index[i] = indexEntry(&all[i].ev, all[i].key)
	}
	if err := putByOriginEntries(tx, index); err != nil {
		return err
	}
	n := uint64(len(all))
	for _, b := range [][]byte{bLogV4, bOrderV4} {
		if err := tx.DeleteBucket(b); err != nil && !errors.Is(err, bbolt.ErrBucketNotFound) {
			return err
		}
	}
	if err := tx.Bucket(bMeta).Put(kLogSeq, binary.BigEndian.AppendUint64(nil, n)); err != nil {
		return err
	}
	return st.setMaxTime(max)
}

// forEachCanonical calls f with the events of the log in the canonical order: from the
// first, or from the first key at or after from (passing over from itself, the last event a
// previous call saw), until the end or until f returns errStop. With check, each event's key
// is checked against its body's hash, as verify does; else the id is read from the key.
func forEachCanonical(tx *bbolt.Tx, from []byte, check bool, f func(k []byte, ev *model.Event, id model.Hash) error) error {
	c := tx.Bucket(bLog).Cursor()
	k, body := c.First()
	if from != nil {
		if k, body = c.Seek(from); k != nil && bytes.Equal(k, from) {
			k, body = c.Next()
		}
	}
	for ; k != nil; k, body = c.Next() {
		if len(k) != 40 {
			return fmt.Errorf("log: a key of %d bytes (%x), where an event's place in the canonical order takes 40", len(k), k)
		}
		ev, err := model.DecodeEvent(body)
		if err != nil {
			return fmt.Errorf("log: event %s: %w", model.Hash(k[8:]).Short(), err)
		}
		var id model.Hash
		if check {
			id = sha256Sum(body)
			if !bytes.Equal(k, orderKey(ev.Time, id)) {
				return fmt.Errorf("log: event %s (origin %s, sequence %d) is held under the wrong key", id.Short(), ev.Origin.Fingerprint(), ev.Seq)
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
// transactions that added them to the log: a million events folded in one transaction would
// hold the whole projection's changes in memory at once. kFoldFrom in the meta says where the
// fold stands: the canonical key of the last event folded, or empty when the projection was
// cleared to be replayed from the first event. Open finishes a fold that a crash interrupted,
// so the projection is never seen behind the log. When kIndexBehind is present too (left by an
// earlier qunshen, whose fold wrote the index by origin), the events after kFoldFrom are not
// in the index by origin yet, and the fold writes them there.

// foldChunk is how many events one transaction of the fold replays at most, and
// foldChunkBytes how many bytes of their payloads: an import batch carries a thousand
// records, whose writes a transaction holds until its commit, so that a chunk of batches is
// cut by their size (8 MiB: some 8,000 posts of a generated queue), one of decisions by their
// number.
var (
	foldChunk      = 20_000
	foldChunkBytes = 8 << 20
)

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

// endFold records that the projection follows the whole log, and the index by origin too.
func endFold(m *bbolt.Bucket) error {
	if err := m.Delete(kFoldFrom); err != nil {
		return err
	}
	return m.Delete(kIndexBehind)
}

// byOriginEntry is an event's entry in the index by origin: origin and sequence, its key in
// the log.
type byOriginEntry struct{ k, v []byte }

// indexEntry is the entry of ev, whose key in the log is k, in the index by origin.
func indexEntry(ev *model.Event, k []byte) byOriginEntry {
	return byOriginEntry{originSeqKey(ev.Origin, ev.Seq), k}
}

// sortByOrigin sorts entries of the index by origin by key, in one pass when sorted already.
func sortByOrigin(es []byOriginEntry) {
	byKey := func(a, b byOriginEntry) int { return bytes.Compare(a.k, b.k) }
	if !slices.IsSortedFunc(es, byKey) {
		slices.SortFunc(es, byKey)
	}
}

// putByOriginEntries writes entries to the index by origin, in the order of their keys: each
// origin's new events at the end of its range.
func putByOriginEntries(tx *bbolt.Tx, es []byOriginEntry) error {
	sortByOrigin(es)
	bo := tx.Bucket(bByOrigin)
	bo.FillPercent = 0.9
	for _, e := range es {
		if err := bo.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// foldPending reports whether a fold is pending.
func (s *Store) foldPending() bool {
	pending := false
	s.view(func(tx *bbolt.Tx) error {
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
		err := s.update(func(tx *bbolt.Tx) error {
			m := tx.Bucket(bMeta)
			from := m.Get(kFoldFrom)
			if from == nil {
				finished = true
				return nil
			}
			if err := fault("fold", done+1); err != nil {
				return err
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
			var index []byOriginEntry
			behind := m.Get(kIndexBehind) != nil
			size, more := 0, false
			err := forEachCanonical(tx, from, false, func(k []byte, ev *model.Event, id model.Hash) error {
				if len(read) == foldChunk || size >= foldChunkBytes {
					more = true
					return errStop
				}
				size += len(ev.Payload)
				read, ids, last = append(read, *ev), append(ids, id), bytes.Clone(k)
				if behind {
					index = append(index, indexEntry(ev, last))
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := putByOriginEntries(tx, index); err != nil {
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
			if !more {
				finished = true
				return endFold(m)
			}
			return m.Put(kFoldFrom, last)
		})
		if err != nil || finished {
			return err
		}
		// Every other chunk, let the pages of the file the fold read go from the process's
		// memory: a chunk of decisions reads posts from all over the file, and the process
		// would count most of its pages as its own (some 170 MB at a million decisions, when
		// this was every tenth chunk). What the next chunk reads again is in the page cache.
		if s.batches.Add(1)%2 == 0 {
			s.releaseMap()
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
	defer func() { st.deciding = "" }()
	for i, ev := range evs {
		st.deciding = ""
		if model.IsDecision(ev.Kind) {
			st.deciding = ev.Subject
		}
		if err := model.Replay(st, ev, ids[i]); err != nil {
			return err
		}
	}
	return nil
}
