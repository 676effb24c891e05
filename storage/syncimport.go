package storage

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"qunshen/internal/bundle"
	"qunshen/model"
	"runtime/debug"
	"slices"
	"time"

	"go.etcd.io/bbolt"
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
	key    []byte // its place in the canonical order: its key in the log
}

func (x *incoming) fail(format string, args ...any) error {
	if x.parked {
		return fmt.Errorf("a parked event (origin %s, sequence %d): %s", x.ev.Origin.Fingerprint(), x.ev.Seq, fmt.Sprintf(format, args...))
	}
	return &bundle.Error{File: x.file, Offset: x.off, Msg: fmt.Sprintf(format, args...)}
}

// ImportBundles verifies every bundle whole, then adds their events to the log in one
// transaction, and folds them in transactions of their own. A refused bundle leaves the
// database as it was; so does a fault of the fold, or a process killed on the way, by the
// journal the import keeps (undo.go), which rolls it back then, or at the next Open.
// Events held already are passed over (after checking they are the same events), so a bundle
// imported twice changes nothing. Events whose origin's earlier events have not arrived yet
// are parked, and applied by the import that brings the missing ones. New events are folded
// in the canonical order: when they belong before events already folded, the projection is
// replayed whole, so that every machine with the same events holds the same state.
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
	// The events of the bundles are held whole until they are applied: the heap may not grow
	// far beyond them (the default pace; at 400, as a file import uses, the peak was 2.5
	// times as high).
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	bundles := make([]*bundle.Bundle, 0, len(files))
	for i, f := range files {
		progress("read", i+1, len(files)) // the bundle being read
		b, err := bundle.Read(f, opt.Now())
		if err != nil {
			return res, err
		}
		bundles = append(bundles, b)
		res.Events += len(b.Events)
	}
	res.Bundles = len(bundles)
	var im *importer
	err := s.update(func(tx *bbolt.Tx) error {
		if err := fault("log", 1); err != nil {
			return err
		}
		j, err := beginJournal(tx, "bundles")
		if err != nil {
			return err
		}
		im = &importer{s: s, tx: tx, st: newTxState(tx), trust: trustChecker{tx: tx, cache: map[model.Key]trustEntry{}},
			byOrigin: map[model.Key][]*incoming{}, cps: map[model.Key]map[uint64]model.Checkpoint{}, res: &res, j: j}
		if err := im.gather(bundles); err != nil {
			return err
		}
		origins := make([]model.Key, 0, len(im.byOrigin))
		for o := range im.byOrigin {
			origins = append(origins, o)
		}
		slices.SortFunc(origins, func(a, b model.Key) int { return bytes.Compare(a[:], b[:]) })
		var fresh []*incoming
		for _, o := range origins {
			run, err := im.connect(o)
			if err != nil {
				return err
			}
			fresh = append(fresh, run...)
		}
		res.New = len(fresh)
		if err := im.store(fresh, progress); err != nil {
			return err
		}
		return recordPeers(tx, bundles, j)
	})
	if err != nil {
		if im != nil && im.fold != nil {
			im.fold.stop()
		}
		return SyncResult{}, &ImportError{Faults: []error{err}}
	}
	im.byOrigin, im.cps = nil, nil // the fold holds what it needs, and lets it go
	fold := func(done, total int) { progress("fold", done, total) }
	if im.fold != nil {
		if err := im.fold.commit(fold); err != nil {
			return SyncResult{}, s.undoFailed(err)
		}
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

// importer is one import of bundles, within its transaction.
type importer struct {
	s        *Store
	tx       *bbolt.Tx
	st       *txState
	trust    trustChecker
	byOrigin map[model.Key][]*incoming                 // every event by origin, as they came
	cps      map[model.Key]map[uint64]model.Checkpoint // the origins' signed heads
	res      *SyncResult
	j        journal // of this import
	// fold replays the new events, when they all come after the events folded before, while
	// the transaction adds them to the log; they are folded when it is committed.
	fold *foldPipe
}

// gather checks who made each bundle, and takes every event of the bundles, and the parked
// events of the same origins, by origin (connect puts them in the order of their sequence).
func (im *importer) gather(bundles []*bundle.Bundle) error {
	for _, b := range bundles {
		x := b.Manifest.Exporter
		if err := im.trust.exporter(x.Key, x.Name); err != nil {
			return &bundle.Error{File: b.File, Offset: -1, Msg: err.Error()}
		}
	}
	for _, b := range bundles {
		// Made in blocks: an allocation an event costs more than the event's copy. A block is
		// small enough that the fold, which lets the events go as it takes them, frees it soon.
		var block []incoming
		for i := range b.Events {
			if len(block) == 0 {
				block = make([]incoming, min(256, len(b.Events)-i))
			}
			be := &b.Events[i]
			block[0] = incoming{ev: be.Event, id: be.ID, body: be.Body, file: b.File, off: be.Offset}
			im.add(&block[0])
			block = block[1:]
		}
		for i := range b.Manifest.Origins {
			o := &b.Manifest.Origins[i]
			cp, _ := o.Checkpoint() // checked by bundle.Parse
			im.checkpoint(cp)
		}
		b.Events = nil // the events live on in im.byOrigin: a million of them twice is too much
	}
	for o := range im.byOrigin {
		if err := loadParked(im.tx, o, im.add, im.checkpoint); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) add(x *incoming) {
	im.byOrigin[x.ev.Origin] = append(im.byOrigin[x.ev.Origin], x)
}

// bySeq sorts the events of an origin by sequence, in one pass when in order already (as a
// bundle holds them), and keeps one of each: the same event twice is one, two different
// events at one sequence are a forked chain.
func bySeq(xs []*incoming) ([]*incoming, error) {
	cmpSeq := func(a, b *incoming) int { return cmp.Compare(a.ev.Seq, b.ev.Seq) }
	if !slices.IsSortedFunc(xs, cmpSeq) {
		slices.SortStableFunc(xs, cmpSeq) // the first added stays first: a bundle's before a parked one
	}
	out := xs[:0]
	for i, x := range xs {
		if i > 0 {
			if y := out[len(out)-1]; y.ev.Seq == x.ev.Seq {
				if y.id != x.id {
					return nil, x.fail("origin %s signed two different events at sequence %d (the other is in %s): a forked chain, refused", x.ev.Origin.Fingerprint(), x.ev.Seq, y.file)
				}
				continue
			}
		}
		out = append(out, x)
	}
	clear(xs[len(out):])
	return out, nil
}

func (im *importer) checkpoint(cp model.Checkpoint) {
	if im.cps[cp.Origin] == nil {
		im.cps[cp.Origin] = map[uint64]model.Checkpoint{}
	}
	im.cps[cp.Origin][cp.Seq] = cp
}

// connect checks the events of origin o against the chain held here, and returns those that
// continue it, up to the last signed checkpoint among them, with the chain's new head and
// checkpoints written; what lies beyond a gap is parked.
func (im *importer) connect(o model.Key) ([]*incoming, error) {
	xs, err := bySeq(im.byOrigin[o])
	if err != nil {
		return nil, err
	}
	head := im.st.head(o)
	for _, x := range xs {
		if x.ev.Seq <= head.Seq {
			held, err := heldID(im.tx, o, x.ev.Seq)
			if err != nil {
				return nil, err
			}
			if held != x.id {
				return nil, x.fail("origin %s signed two different events at sequence %d, and this machine holds the other: a forked chain, refused", o.Fingerprint(), x.ev.Seq)
			}
			if !x.parked {
				im.res.Known++
			}
		} else if !x.parked {
			if err := im.trust.event(x); err != nil {
				return nil, err
			}
		}
	}
	var run []*incoming
	next := head
	var after time.Time // the time of the event at next: an origin's clock only goes forward
	if head.Seq > 0 {
		ev, err := heldEvent(im.tx, o, head.Seq)
		if err != nil {
			return nil, err
		}
		after = ev.Time
	}
	for _, x := range xs {
		if x.ev.Seq <= head.Seq {
			continue
		}
		if x.ev.Seq != next.Seq+1 {
			break // a gap
		}
		if x.ev.Prev != next.Head {
			return nil, x.fail("event of origin %s at sequence %d does not continue the chain held here: hash chain broken", o.Fingerprint(), x.ev.Seq)
		}
		if !x.ev.Time.After(after) {
			return nil, x.fail("event of origin %s at sequence %d is dated %s, not after the event it follows (%s): its clock went back, refused", o.Fingerprint(), x.ev.Seq, x.ev.Time.Format(time.RFC3339Nano), after.Format(time.RFC3339Nano))
		}
		run = append(run, x)
		next, after = chainHead{Seq: x.ev.Seq, Head: x.id}, x.ev.Time
	}
	for len(run) > 0 {
		if _, ok := im.cps[o][run[len(run)-1].ev.Seq]; ok {
			break
		}
		run = run[:len(run)-1]
	}
	top := head.Seq
	if len(run) > 0 {
		last := run[len(run)-1]
		top = last.ev.Seq
		if err := im.j.head(im.st, o); err != nil {
			return nil, err
		}
		if err := im.st.setHead(o, chainHead{Seq: top, Head: last.id}); err != nil {
			return nil, err
		}
	}
	// What is beyond a gap waits; what is connected now leaves the parked buckets.
	for _, x := range xs {
		seq := x.ev.Seq
		switch {
		case seq <= top && x.parked:
			if err := im.j.keep(im.tx, bParked, originSeqKey(o, seq)); err != nil {
				return nil, err
			}
			if err := im.tx.Bucket(bParked).Delete(originSeqKey(o, seq)); err != nil {
				return nil, err
			}
		case seq > top && !x.parked:
			if err := im.j.keep(im.tx, bParked, originSeqKey(o, seq)); err != nil {
				return nil, err
			}
			if err := im.tx.Bucket(bParked).Put(originSeqKey(o, seq), x.body); err != nil {
				return nil, err
			}
			im.res.Parked++
		}
	}
	for seq, cp := range im.cps[o] {
		k := originSeqKey(o, seq)
		// Every case changes the parked checkpoint; one put in the checkpoints (after the
		// head) goes with the events it follows when the import is rolled back.
		if err := im.j.keep(im.tx, bParkedCP, k); err != nil {
			return nil, err
		}
		var err error
		switch {
		case seq > top:
			err = im.tx.Bucket(bParkedCP).Put(k, cp.Encode())
		case seq > head.Seq:
			if err = im.tx.Bucket(bCheckpoints).Put(k, cp.Encode()); err == nil {
				err = im.tx.Bucket(bParkedCP).Delete(k)
			}
		default:
			err = im.tx.Bucket(bParkedCP).Delete(k)
		}
		if err != nil {
			return nil, err
		}
	}
	return run, nil
}

// store adds the new events to the log, in the canonical order, all in this transaction; the
// fold follows in transactions of its own: from the last event folded when the new ones all
// come after it (foldPipe, whose replay begins now), else from the first, the projection
// cleared (catchUp).
func (im *importer) store(fresh []*incoming, progress func(stage string, done, total int)) error {
	if len(fresh) == 0 {
		return nil
	}
	st := im.st
	// connect gave them by origin and sequence: runs each in the canonical order, mostly, as
	// an origin's clock keeps its events in order.
	var runs []int
	for i, x := range fresh {
		x.key = orderKey(x.ev.Time, x.id)
		if i == 0 || x.ev.Origin != fresh[i-1].ev.Origin {
			runs = append(runs, i)
		}
	}
	fresh = mergeRuns(fresh, append(runs, len(fresh)), func(a, b *incoming) int { return bytes.Compare(a.key, b.key) })
	after := st.lastOrder()
	if bytes.Compare(fresh[0].key, after) < 0 {
		im.res.Refolded = true
		after = nil
	}
	folded := im.tx.Bucket(bMeta).Get(kFoldFrom) == nil // else a fold from earlier is pending
	for _, k := range [][]byte{kLogSeq, kMaxTime, kFoldFrom, kIndexBehind} {
		if err := im.j.keep(im.tx, bMeta, k); err != nil {
			return err
		}
	}
	if err := im.j.projection(); err != nil {
		return err
	}
	if !im.res.Refolded { // every event after the log's last is the import's
		if err := im.j.after(after); err != nil {
			return err
		}
	}
	if err := markFold(im.tx, after); err != nil {
		return err
	}
	if folded && !im.res.Refolded { // the new events are all that follows after
		im.fold = im.s.startFold(after, slices.Clone(fresh))
	}
	// The index by origin: written by the fold when it follows (kIndexBehind), which takes
	// a put an event off this transaction, on which the fold waits; else here.
	var index []byOriginEntry
	if im.fold != nil {
		if err := im.tx.Bucket(bMeta).Put(kIndexBehind, []byte{1}); err != nil {
			return err
		}
	} else {
		index = make([]byOriginEntry, len(fresh))
		for i, x := range fresh {
			index[i] = indexEntry(&x.ev, x.key)
		}
	}
	last := st.maxTime()
	for i, x := range fresh {
		if err := st.putLog(x.key, x.body); err != nil {
			return err
		}
		if x.ev.Time.After(last) {
			last = x.ev.Time
		}
		if (i+1)%50000 == 0 {
			progress("store", i+1, len(fresh))
		}
	}
	if err := putByOriginEntries(im.tx, index); err != nil {
		return err
	}
	if err := im.tx.Bucket(bMeta).Put(kLogSeq, binary.BigEndian.AppendUint64(nil, st.logSeq()+uint64(len(fresh)))); err != nil {
		return err
	}
	return st.setMaxTime(last)
}

// mergeRuns sorts xs, whose runs begin at the indexes of bounds (which ends with len(xs)),
// each sorted on its own in one pass when in order already, and then merged in pairs; the
// result is xs or a slice of the same length.
func mergeRuns(xs []*incoming, bounds []int, cmp func(a, b *incoming) int) []*incoming {
	for i := 0; i+1 < len(bounds); i++ {
		if r := xs[bounds[i]:bounds[i+1]]; !slices.IsSortedFunc(r, cmp) {
			slices.SortFunc(r, cmp)
		}
	}
	if len(bounds) <= 2 {
		return xs
	}
	src, dst := xs, make([]*incoming, len(xs))
	for len(bounds) > 2 {
		merged := []int{}
		for i := 0; i+1 < len(bounds); i += 2 {
			lo, mid, hi := bounds[i], bounds[i+1], bounds[i+1]
			if i+2 < len(bounds) {
				hi = bounds[i+2]
			}
			a, b, out := src[lo:mid], src[mid:hi], dst[lo:lo]
			for len(a) > 0 && len(b) > 0 {
				if cmp(b[0], a[0]) < 0 {
					out, b = append(out, b[0]), b[1:]
				} else {
					out, a = append(out, a[0]), a[1:]
				}
			}
			out = append(append(out, a...), b...)
			merged = append(merged, lo)
		}
		bounds = append(merged, len(xs))
		src, dst = dst, src
	}
	return src
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

// loadParked adds the parked events and checkpoints of origin o.
func loadParked(tx *bbolt.Tx, o model.Key, add func(*incoming), checkpoint func(model.Checkpoint)) error {
	c := tx.Bucket(bParked).Cursor()
	for k, v := c.Seek(o[:]); k != nil && bytes.HasPrefix(k, o[:]); k, v = c.Next() {
		body := bytes.Clone(v)
		ev, err := model.DecodeEvent(body)
		if err != nil {
			return fmt.Errorf("parked event %x: %w", k, err)
		}
		add(&incoming{ev: ev, id: model.Hash(sha256Sum(body)), body: body, parked: true, file: "(parked)"})
	}
	pc := tx.Bucket(bParkedCP).Cursor()
	for k, v := pc.Seek(o[:]); k != nil && bytes.HasPrefix(k, o[:]); k, v = pc.Next() {
		cp, err := model.DecodeCheckpoint(v)
		if err != nil {
			return err
		}
		checkpoint(cp)
	}
	return nil
}

// recordPeers remembers that the maker of each bundle holds what the bundle holds, so that an
// export for it does not send those events back.
func recordPeers(tx *bbolt.Tx, bundles []*bundle.Bundle, j journal) error {
	for _, b := range bundles {
		t, ok, err := trustOf(tx, b.Manifest.Exporter.Key)
		if err != nil || !ok {
			return err
		}
		if err := j.keep(tx, bPeers, []byte(t.Name)); err != nil {
			return err
		}
		ps := readPeer(tx, t.Name)
		for _, o := range b.Manifest.Origins {
			ps[o.Key] = max(ps[o.Key], o.To)
		}
		if err := writePeer(tx, t.Name, ps); err != nil {
			return err
		}
	}
	return nil
}
