package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/bundle"
	"qunshen/model"
)

// The plan of an import of bundles: every origin's events, merged from the bundles and the
// parked ones as they are read, checked against the trust store and the chains held.

// originPlan is what an import does to one origin's chain.
type originPlan struct {
	o       model.Key
	runs    []bundleRun // the bundles that carry its events, in the order of the files
	cps     map[uint64]model.Checkpoint
	head    chainHead // the chain held before
	top     chainHead // after: the last event connected up to a signed checkpoint
	first   []byte    // the canonical key of the first new event, if any
	applied bool      // its events are being written, or are
	cur     chainHead // the last event written
}

// bundleRun is the events of an origin in one bundle.
type bundleRun struct {
	r  *bundle.Reader
	oi int // the origin's place in the bundle's manifest
}

// planImport checks who made each bundle, and then every origin's events, merged from the
// bundles and the parked ones, against the trust store, the designations (designated.go) and
// the chains held (originPlan.check). It returns the plans, and the names of the makers of
// bundles accepted by their designation.
func planImport(tx *bbolt.Tx, readers []*bundle.Reader, res *SyncResult) ([]*originPlan, map[model.Key]string, error) {
	byOrigin := map[model.Key]*originPlan{}
	for _, r := range readers {
		for oi := range r.Manifest.Origins {
			mo := &r.Manifest.Origins[oi]
			p := byOrigin[mo.Key]
			if p == nil {
				p = &originPlan{o: mo.Key, cps: map[uint64]model.Checkpoint{}}
				byOrigin[mo.Key] = p
			}
			p.runs = append(p.runs, bundleRun{r, oi})
			cp, _ := mo.Checkpoint() // checked by bundle.Open
			p.cps[cp.Seq] = cp
		}
	}
	plans := make([]*originPlan, 0, len(byOrigin))
	for _, p := range byOrigin {
		plans = append(plans, p)
	}
	slices.SortFunc(plans, func(a, b *originPlan) int { return bytes.Compare(a.o[:], b.o[:]) })
	st := newTxState(tx)
	txOf := func(*bbolt.Tx) *bbolt.Tx { return tx }
	d, err := newDesignated(st, plans, txOf)
	if err != nil {
		return nil, nil, err
	}
	trust := trustChecker{tx: tx, cache: map[model.Key]trustEntry{}, d: d}
	// The makers of the bundles, once the designations the bundles carry are known.
	for _, r := range readers {
		x := r.Manifest.Exporter
		if err := trust.exporter(x.Key, x.Name); err != nil {
			return nil, nil, &bundle.Error{File: r.File, Offset: -1, Msg: err.Error(), Err: err}
		}
	}
	for _, p := range plans {
		pc := tx.Bucket(bParkedCP).Cursor()
		for k, v := pc.Seek(p.o[:]); k != nil && bytes.HasPrefix(k, p.o[:]); k, v = pc.Next() {
			cp, err := model.DecodeCheckpoint(v)
			if err != nil {
				return nil, nil, err
			}
			if _, ok := p.cps[cp.Seq]; !ok {
				p.cps[cp.Seq] = cp
			}
		}
		if err := trust.beginOrigin(p.o); err != nil {
			return nil, nil, err
		}
		if err := p.check(tx, st, &trust, res); err != nil {
			return nil, nil, err
		}
	}
	return plans, d.exporters, nil
}

// check reads the origin's events in the order of their sequence and checks them: one event at
// a sequence (two different ones are a forked chain); those held already the same as held;
// the new ones made by a key this machine trusts for what they do; the chain continued from
// its head, each event after the one before it in time. What connects, up to the last signed
// checkpoint among it, is the plan's top; what lies beyond is parked.
func (p *originPlan) check(tx *bbolt.Tx, st *txState, trust *trustChecker, res *SyncResult) error {
	p.head = st.head(p.o)
	next, gap := p.head, false
	p.top = p.head
	var first []byte    // of the first event that continues the chain
	var after time.Time // the time of the event at next: an origin's clock only goes forward
	if p.head.Seq > 0 {
		ev, err := heldEvent(tx, p.o, p.head.Seq)
		if err != nil {
			return err
		}
		after = ev.Time
	}
	return p.each(func(*bbolt.Tx) *bbolt.Tx { return tx }, false, func(x *incoming) error {
		seq := x.ev.Seq
		if seq <= p.head.Seq {
			held, err := heldID(tx, p.o, seq)
			if err != nil {
				return err
			}
			if held != x.id {
				return x.fail("origin %s signed two different events at sequence %d, and this machine holds the other: a forked chain, refused", p.o.Fingerprint(), seq)
			}
			if !x.parked {
				res.Known++
			}
			return nil
		}
		if !x.parked {
			if err := trust.event(x); err != nil {
				return err
			}
		}
		if gap || seq != next.Seq+1 {
			gap = true
			return nil
		}
		if x.ev.Prev != next.Head {
			return x.fail("event of origin %s at sequence %d does not continue the chain held here: hash chain broken", p.o.Fingerprint(), seq)
		}
		if !x.ev.Time.After(after) {
			return x.fail("event of origin %s at sequence %d is dated %s, not after the event it follows (%s): its clock went back, refused", p.o.Fingerprint(), seq, x.ev.Time.Format(time.RFC3339Nano), after.Format(time.RFC3339Nano))
		}
		if first == nil {
			first = orderKey(x.ev.Time, x.id)
		}
		next, after = chainHead{Seq: seq, Head: x.id}, x.ev.Time
		if _, ok := p.cps[seq]; ok {
			p.top, p.first = next, first
		}
		return nil
	})
}

// each calls f with the origin's events, of its bundles and parked here, in the order of their
// sequence, one event at each: the same event twice is one (a bundle's before a parked one),
// two different events at one sequence are a forked chain. The parked events are read through
// the transaction txOf gives at the time, up to the plan's top once it is applied (those beyond
// it stay parked, and the parked events an apply adds are beyond it). With keep, what f is
// given stays valid after it returns (the writes keep the bodies until their commit); else
// the memory of the bundles' chunks is used again (bundle.Reader.Scan).
func (p *originPlan) each(txOf func(*bbolt.Tx) *bbolt.Tx, keep bool, f func(x *incoming) error) error {
	type source struct {
		next func() (*incoming, error, bool)
		stop func()
		cur  *incoming
	}
	var srcs []*source
	defer func() {
		for _, s := range srcs {
			s.stop()
		}
	}()
	for _, run := range p.runs {
		r, oi := run.r, run.oi
		seq := func(yield func(*incoming, error) bool) {
			stop := errors.New("stop")
			read := r.Scan
			if keep {
				read = r.Events
			}
			err := read(oi, func(e *bundle.Event) error {
				if !yield(&incoming{ev: e.Event, id: e.ID, body: e.Body, file: r.File, off: e.Offset}, nil) {
					return stop
				}
				return nil
			})
			if err != nil && err != stop {
				yield(nil, err)
			}
		}
		next, stop := iter.Pull2(seq)
		srcs = append(srcs, &source{next: next, stop: stop})
	}
	// The parked events, a few at a time, each time from the transaction of the moment.
	limit := uint64(math.MaxUint64)
	if p.applied {
		limit = p.top.Seq
	}
	parked := func(yield func(*incoming, error) bool) {
		last := uint64(0)
		for {
			tx := txOf(nil)
			c := tx.Bucket(bParked).Cursor()
			var xs []*incoming
			for k, v := c.Seek(originSeqKey(p.o, last+1)); k != nil && bytes.HasPrefix(k, p.o[:]) && len(xs) < 256; k, v = c.Next() {
				seq := binary.BigEndian.Uint64(k[32:])
				if seq > limit {
					break
				}
				body := bytes.Clone(v)
				ev, err := model.DecodeEvent(body)
				if err != nil {
					yield(nil, fmt.Errorf("parked event %x: %w", k, err))
					return
				}
				xs = append(xs, &incoming{ev: ev, id: model.Hash(sha256Sum(body)), body: body, parked: true, file: "(parked)"})
				last = seq
			}
			if len(xs) == 0 {
				return
			}
			for _, x := range xs {
				if !yield(x, nil) {
					return
				}
			}
		}
	}
	next, stop := iter.Pull2(parked)
	srcs = append(srcs, &source{next: next, stop: stop})
	pull := func(s *source) error {
		x, err, ok := s.next()
		switch {
		case !ok:
			s.cur = nil
		case err != nil:
			return err
		default:
			s.cur = x
		}
		return nil
	}
	for _, s := range srcs {
		if err := pull(s); err != nil {
			return err
		}
	}
	for {
		var low *source
		for _, s := range srcs {
			if s.cur != nil && (low == nil || s.cur.ev.Seq < low.cur.ev.Seq) {
				low = s
			}
		}
		if low == nil {
			return nil
		}
		x := low.cur
		for _, s := range srcs { // the same sequence elsewhere: the same event, or a fork
			for s != low && s.cur != nil && s.cur.ev.Seq == x.ev.Seq {
				if s.cur.id != x.id { // said of the later of the two
					return s.cur.fail("origin %s signed two different events at sequence %d (the other is in %s): a forked chain, refused", p.o.Fingerprint(), x.ev.Seq, x.file)
				}
				if err := pull(s); err != nil {
					return err
				}
			}
		}
		if err := f(x); err != nil {
			return err
		}
		if err := pull(low); err != nil {
			return err
		}
	}
}
