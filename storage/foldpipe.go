package storage

import (
	"bytes"
	"errors"
	"sync"
	"sync/atomic"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// An import of bundles folds its new events on two goroutines, when they all come after the
// events folded before. One replays them, a chunk at a time, from memory, reading the
// projection through a read-only transaction and through the writes of the chunks it replayed
// before that are not committed yet; the other writes each replayed chunk in a write
// transaction of its own, with kFoldFrom moved past it, as catchUp does, while the first
// replays the next chunks. The transaction that adds the events to the log runs beside the
// replay of the first chunks in the same way. A crash leaves what catchUp leaves: the
// projection folded up to kFoldFrom, whose fold Open completes from the log.

// foldLead is how many replayed chunks may wait for their transaction: enough for the replay
// to go on through most of the log's transaction, which the first commit waits for (4 left a
// core idle for part of it; 8 costs about 200 MB more at the peak of a million events).
const foldLead = 8

// foldAhead is what the replay takes from memory: the events that follow after in the
// canonical order, in that order, and how far it has taken them.
type foldAhead struct {
	after  []byte
	events []*incoming
	taken  int
	last   int // where the chunk taken last began
}

// next is the next chunk of the events, or nil when they are all taken. The events of the
// chunk taken before are let go, so that the heap the collector marks shrinks as the fold
// goes on.
func (a *foldAhead) next() []*incoming {
	if a.taken > 0 {
		clear(a.events[a.last:a.taken])
	}
	if a.taken == len(a.events) {
		return nil
	}
	end, size := a.taken, 0
	for end < len(a.events) && end-a.taken < foldChunk && size < foldChunkBytes {
		size += len(a.events[end].ev.Payload)
		end++
	}
	xs := a.events[a.taken:end]
	a.last, a.taken = a.taken, end
	return xs
}

// foldedChunk is a chunk of events replayed and waiting for its transaction: the writes it
// makes to the projection and the changes to the counts, and where the fold stands before
// and after it.
type foldedChunk struct {
	from, last []byte
	writes     writeSets
	counts     model.Counts
	n          int
	end        bool // the last: the fold is finished with it
	// index are the events' entries in the index by origin, which the transaction that added
	// them to the log left to the fold (kIndexBehind)
	index []byOriginEntry
}

// foldPipe is the fold of an import's new events on two goroutines.
type foldPipe struct {
	s         *Store
	ahead     *foldAhead
	chunks    chan *foldedChunk // closed when the replay ends
	quit      chan struct{}
	quitOnce  sync.Once
	committed atomic.Int64 // chunks committed
	err       error        // the replay's fault, read after chunks is closed
}

// startFold starts replaying events, which follow after in the canonical order, in that
// order; commit writes what it replays, and their entries in the index by origin too. The slice
// becomes the replay's own (the caller passes a copy); the events in it are only read.
func (s *Store) startFold(after []byte, events []*incoming) *foldPipe {
	p := &foldPipe{s: s, ahead: &foldAhead{after: bytes.Clone(after), events: events},
		chunks: make(chan *foldedChunk, foldLead), quit: make(chan struct{})}
	go p.replay()
	return p
}

func (p *foldPipe) replay() {
	defer close(p.chunks)
	var open *bbolt.Tx // the read transaction of the chunk being replayed, if any
	err := guard(p.s.path, func() error { p.replayChunks(&open); return nil })
	if open != nil { // a panic turned into a DamagedError left it open
		open.Rollback()
	}
	if err != nil {
		p.err = err
	}
}

// replayChunks is the replay's loop; its fault is p.err.
func (p *foldPipe) replayChunks(open **bbolt.Tx) {
	var st *txState
	var waiting []*foldedChunk // handed on, and maybe not committed yet
	var spare []writeSets      // of chunks committed, to be used again
	sent := 0
	from := p.ahead.after
	for xs := p.ahead.next(); xs != nil; xs = p.ahead.next() {
		// What was committed before the read transaction begins is in its view; the writes
		// of the chunks after it are read from them.
		committed := int(p.committed.Load())
		drop := max(0, committed-(sent-len(waiting)))
		for _, c := range waiting[:drop] {
			spare = append(spare, c.writes)
		}
		waiting = waiting[drop:]
		tx, err := p.s.db.Begin(false)
		if err != nil {
			p.err = err
			return
		}
		*open = tx
		next := newTxState(tx)
		if st != nil { // what was decoded before stays true: every write to it is in view
			next.groups, next.members, next.operators = st.groups, st.members, st.operators
		}
		if n := len(spare); n > 0 {
			next.writes = spare[n-1].reset()
			spare = spare[:n-1]
		}
		st = next
		for i := len(waiting) - 1; i >= 0; i-- {
			st.prev = append(st.prev, waiting[i].writes)
		}
		evs, ids := make([]*model.Event, len(xs)), make([]model.Hash, len(xs))
		for i, x := range xs {
			evs[i], ids[i] = &x.ev, x.id
		}
		err = st.replayChunk(evs, ids)
		if err == nil {
			err = st.encodePosts()
		}
		// Ordered here, beside the commit of the chunks before.
		st.writes.order()
		tx.Rollback() // before waiting: a commit that grows the file waits for it
		*open = nil
		if err != nil {
			p.err = err
			return
		}
		c := &foldedChunk{from: from, last: xs[len(xs)-1].key, writes: st.writes, counts: st.counts, n: len(xs),
			end: p.ahead.taken == len(p.ahead.events)}
		c.index = make([]byOriginEntry, len(xs))
		for i, x := range xs {
			c.index[i] = indexEntry(&x.ev, x.key)
		}
		sortByOrigin(c.index)
		select {
		case p.chunks <- c:
		case <-p.quit:
			return
		}
		waiting = append(waiting, c)
		sent++
		from = c.last
	}
}

// stop ends the replay, its chunks left uncommitted, and waits for it.
func (p *foldPipe) stop() {
	p.quitOnce.Do(func() { close(p.quit) })
	for range p.chunks {
	}
}

// commit writes each replayed chunk in a transaction of its own, as it comes, until the
// replay ends; the last one ends the fold, as the events replayed are all that follows in the
// log. progress counts the events folded of those to fold.
func (p *foldPipe) commit(progress func(done, total int)) error {
	done, total := 0, len(p.ahead.events)
	for c := range p.chunks {
		err := p.s.update(func(tx *bbolt.Tx) error {
			if err := fault("fold", done+1); err != nil {
				return err
			}
			m := tx.Bucket(bMeta)
			if cur := m.Get(kFoldFrom); cur == nil || !bytes.Equal(cur, c.from) {
				return errors.New("the fold does not stand where the replayed events begin")
			}
			st := newTxState(tx)
			st.writes, st.counts = c.writes, c.counts
			if err := st.flushCounts(); err != nil {
				return err
			}
			if err := putByOriginEntries(tx, c.index); err != nil {
				return err
			}
			if c.end {
				return endFold(m)
			}
			return m.Put(kFoldFrom, c.last)
		})
		if err != nil {
			p.stop()
			return err
		}
		p.committed.Add(1)
		done += c.n
		if progress != nil {
			progress(done, total)
		}
	}
	return p.err
}
