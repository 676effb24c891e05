package storage

import (
	"bytes"
	"fmt"
	"runtime/debug"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/bundle"
	"qunshen/model"
)

// SyncOptions tune an import of bundles.
type SyncOptions struct {
	Now      func() time.Time
	Progress func(stage string, done, total int)
}

// SyncResult is what an import of bundles did.
type SyncResult struct {
	Bundles    int
	Events     int  // in the bundles
	New        int  // added to the log
	Known      int  // held already
	Parked     int  // waiting for earlier events of their origin, from a bundle not yet imported
	Refolded   bool // the new events belonged before others, and the projection was replayed
	Disputed   int64
	Superseded int64
}

// incoming is an event of a bundle, or a parked one, on its way into the log.
type incoming struct {
	ev     model.Event
	id     model.Hash
	body   []byte
	file   string
	off    int64
	parked bool
}

func (x *incoming) fail(format string, args ...any) error {
	if x.parked {
		return fmt.Errorf("a parked event (origin %s, sequence %d): %s", x.ev.Origin.Fingerprint(), x.ev.Seq, fmt.Sprintf(format, args...))
	}
	return &bundle.Error{File: x.file, Offset: x.off, Msg: fmt.Sprintf(format, args...)}
}

// An import of bundles streams: no bundle, and no origin's events, is ever held whole.
//
//  1. Each bundle is opened and checked on its own (bundle.Open: two passes over the file).
//  2. plan: in one read transaction, every origin's events — of every bundle that carries
//     them and the ones parked here — are read in the order of their sequence, merged as they
//     are read, and checked against the trust store and the chain held; the plan of each
//     origin is where its chain stands and how far the events connect to it (up to the last
//     signed checkpoint among them). A fault here refuses the bundles, nothing written.
//  3. apply: the events are read again and written in transactions of syncBatch events —
//     the new ones to the log and the index by origin, those beyond a gap to the parked ones —
//     under the journal of the import (undo.go). The last transaction marks where the fold
//     begins.
//  4. fold: the projection folds the new events from the log, a chunk a transaction
//     (catchUp), still under the journal, which a last transaction ends: from its commit the
//     import stands. Until then a fault, or a kill, at any point rolls back what the
//     transactions before wrote (at once, or when the database is next opened).

// syncBatch is how many events a transaction of an import of bundles writes at most, and
// syncBatchBytes how many bytes of their bodies: a transaction holds what it writes until its
// commit.
var (
	syncBatch      = 20_000
	syncBatchBytes = 16 << 20
)

// ImportBundles verifies every bundle, then applies them, all or nothing: a refused bundle,
// a fault while writing, or a process killed on the way leaves the database as it was (see
// above). Events held already are passed over (after checking they are the same events), so a
// bundle imported twice changes nothing. Events whose origin's earlier events have not
// arrived yet are parked, and applied by the import that brings the missing ones. New events
// are folded in the canonical order: when they belong before events already folded, the
// projection is replayed whole, so that every machine with the same events holds the same
// state.
func (s *Store) ImportBundles(files []string, opt SyncOptions) (SyncResult, error) {
	var res SyncResult
	if opt.Now == nil {
		opt.Now = time.Now
	}
	progress := func(stage string, done, total int) {
		if opt.Progress != nil {
			opt.Progress(stage, done, total)
		}
	}
	// What an import holds is bounded (see above), and it allocates much that it lets go at
	// once (the chunks of the bundles, the events decoded): the collector runs less often, as
	// for an import of files, within the same soft limit.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	readers := make([]*bundle.Reader, 0, len(files))
	defer func() {
		for _, r := range readers {
			r.Close()
		}
	}()
	for i, f := range files {
		progress("read", i+1, len(files)) // the bundle being read
		r, err := bundle.Open(f, opt.Now())
		if err != nil {
			return res, err
		}
		readers = append(readers, r)
		res.Events += r.Manifest.Events
	}
	res.Bundles = len(readers)
	var plans []*originPlan
	var makers map[model.Key]string // the makers of bundles accepted by their designation
	var after []byte                // the fold's start: the last event of the log before the import
	err := s.view(func(tx *bbolt.Tx) error {
		var err error
		plans, makers, err = planImport(tx, readers, &res)
		after = bytes.Clone(newTxState(tx).lastOrder())
		return err
	})
	if err != nil {
		return SyncResult{}, err
	}
	for _, p := range plans {
		if p.first != nil && bytes.Compare(p.first, after) < 0 {
			res.Refolded = true
		}
	}
	if res.Refolded {
		after = nil
	}
	if err := s.applyImport(readers, plans, makers, after, &res, progress); err != nil {
		return SyncResult{}, s.undoFailed(err) // which says that nothing was imported
	}
	fold := func(done, total int) {
		if !res.Refolded {
			total = res.New // folded from after the events held before
		}
		progress("fold", done, total)
	}
	if err := s.catchUp(fold); err != nil {
		return SyncResult{}, s.undoFailed(err)
	}
	if err := s.endImport(); err != nil {
		return SyncResult{}, s.undoFailed(err)
	}
	if s, err := s.Status(); err == nil {
		res.Disputed, res.Superseded = s.Disputed, s.Superseded
	}
	return res, nil
}

// heldBody is the body of the event of origin o at seq in the log.
func heldBody(tx *bbolt.Tx, o model.Key, seq uint64) ([]byte, error) {
	k := tx.Bucket(bByOrigin).Get(originSeqKey(o, seq))
	if k == nil {
		return nil, fmt.Errorf("origin %s: event %d is missing from the index by origin", o.Fingerprint(), seq)
	}
	body := tx.Bucket(bLog).Get(k)
	if body == nil {
		return nil, fmt.Errorf("origin %s: event %d is missing from the log", o.Fingerprint(), seq)
	}
	return body, nil
}

// heldID is the id of the event of origin o at seq in the log.
func heldID(tx *bbolt.Tx, o model.Key, seq uint64) (model.Hash, error) {
	body, err := heldBody(tx, o, seq)
	if err != nil {
		return model.Hash{}, err
	}
	return model.Hash(sha256Sum(body)), nil
}

// heldEvent is the event of origin o at seq in the log.
func heldEvent(tx *bbolt.Tx, o model.Key, seq uint64) (model.Event, error) {
	body, err := heldBody(tx, o, seq)
	if err != nil {
		return model.Event{}, err
	}
	ev, err := model.DecodeEvent(body)
	if err != nil {
		return ev, fmt.Errorf("origin %s: event %d in the log: %w", o.Fingerprint(), seq, err)
	}
	return ev, nil
}

// recordPeers remembers that the maker of each bundle holds what the bundle holds, so that an
// export for it does not send those events back.
func recordPeers(tx *bbolt.Tx, j journal, readers []*bundle.Reader, makers map[model.Key]string) error {
	for _, r := range readers {
		t, ok, err := trustOf(tx, r.Manifest.Exporter.Key)
		if err != nil {
			return err
		}
		if !ok {
			// A maker designated, not trusted by its key: the peer of its designation's name.
			if t.Name, ok = makers[r.Manifest.Exporter.Key]; !ok {
				continue
			}
		}
		if err := j.keep(tx, bPeers, []byte(t.Name)); err != nil {
			return err
		}
		ps := readPeer(tx, t.Name)
		for _, o := range r.Manifest.Origins {
			ps[o.Key] = max(ps[o.Key], o.To)
		}
		if err := writePeer(tx, t.Name, ps); err != nil {
			return err
		}
	}
	return nil
}
