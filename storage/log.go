package storage

import (
	"encoding/binary"
	"errors"
	"qunshen/model"
	"time"

	"go.etcd.io/bbolt"
)

// chainHead is where an origin's chain stands.
type chainHead struct {
	Seq  uint64
	Head model.Hash
}

func (st *txState) head(origin model.Key) chainHead {
	var h chainHead
	if v := st.b[string(bOrigins)].Get(origin[:]); len(v) == 40 {
		h.Seq = binary.BigEndian.Uint64(v[:8])
		copy(h.Head[:], v[8:])
	}
	return h
}

func (st *txState) setHead(origin model.Key, h chainHead) error {
	v := binary.BigEndian.AppendUint64(nil, h.Seq)
	return st.b[string(bOrigins)].Put(origin[:], append(v, h.Head[:]...))
}

// logSeq is how many events the log holds.
func (st *txState) logSeq() uint64 {
	if v := st.b[string(bMeta)].Get(kLogSeq); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// appender adds events of one signer to the log within one transaction.
type appender struct {
	st     *txState
	signer *model.Signer
	head   chainHead
	seq    uint64 // events in the log
	added  int
	ids    []model.Hash
	clock  func() time.Time
	last   time.Time // the latest event time of the log, and of the events given since
}

func newAppender(st *txState, s *model.Signer, now func() time.Time) *appender {
	return &appender{st: st, signer: s, head: st.head(s.Operator.Key), seq: st.logSeq(), clock: now, last: st.maxTime()}
}

// now is the time of the next event: the clock, but always later than every event in the log.
// So an event made here follows, in the canonical order (time, then id), every event that
// this machine had when it was made, whatever the clocks of the machines that made those.
func (a *appender) now() time.Time {
	t := a.clock().UTC()
	if !t.After(a.last) {
		t = a.last.Add(time.Nanosecond)
	}
	a.last = t
	return t
}

// add applies one draft to the state and, unless it changes nothing, appends its event.
// It returns model.ErrNoChange for a draft that was dropped.
func (a *appender) add(d *model.Draft) error {
	ev := a.event(d.Kind, d.Subject, d.Payload, d.Refs, a.now())
	ev.Value = d.Value
	body := ev.Encode(nil)
	id := model.Hash(sha256Sum(body))
	if err := model.Apply(a.st, &ev, id); err != nil {
		return err
	}
	return a.put(&ev, id, body)
}

// event makes the next event of the signer's chain.
func (a *appender) event(kind model.Kind, subject string, payload []byte, refs []model.Hash, t time.Time) model.Event {
	return model.Event{
		Origin:  a.signer.Operator.Key,
		Seq:     a.head.Seq + 1,
		Prev:    a.head.Head,
		Time:    t.UTC(),
		Role:    a.signer.Operator.Role,
		Kind:    kind,
		Subject: subject,
		Refs:    refs,
		Payload: payload,
	}
}

// put appends an applied event to the log. bbolt keeps body until the commit: it must not
// be reused.
func (a *appender) put(ev *model.Event, id model.Hash, body []byte) error {
	a.seq++
	if err := a.st.putEvent(ev, id, body); err != nil {
		return err
	}
	a.head = chainHead{Seq: ev.Seq, Head: id}
	a.added++
	a.ids = append(a.ids, id)
	return nil
}

// putEvent writes an event to the log, and its key there to the index of its origin's chain.
func (st *txState) putEvent(ev *model.Event, id model.Hash, body []byte) error {
	k := orderKey(ev.Time, id)
	if err := st.putLog(k, body); err != nil {
		return err
	}
	return putByOriginEntries(st.tx, []byOriginEntry{indexEntry(ev, k)})
}

// putLog writes an event to the log under its key in the canonical order, k. The log grows
// mostly at its end: this machine's events come after all it holds, and so do most of an
// import's.
func (st *txState) putLog(k, body []byte) error {
	log := st.b[string(bLog)]
	log.FillPercent = 0.9
	return log.Put(k, body)
}

// batcher gathers import records into import.batch events: each record is applied to the
// state as it comes (so that a record that changes nothing is left out), and every
// batchItems records, or batchBytes of payload, become one event.
type batcher struct {
	a       *appender
	items   []model.BatchItem
	payload []byte // reused: the event body is a copy
	size    int
	t       time.Time
	sub     submission // the post.submit being applied
}

const (
	batchItems = 1000
	batchBytes = 1 << 20
)

func (a *appender) batcher() *batcher { return &batcher{a: a} }

// add applies a draft and gathers it; writes, when not nil, are the prepared writes of a
// post it submits, if the post is new.
func (b *batcher) add(d *model.Draft, writes *newPostWrites) error {
	if len(b.items) == 0 {
		b.t = b.a.now().UTC()
	}
	sub := model.Event{Origin: b.a.signer.Operator.Key, Time: b.t, Role: b.a.signer.Operator.Role, Kind: d.Kind, Subject: d.Subject, Payload: d.Payload, Value: d.Value}
	if d.Kind == model.PostSubmit {
		b.sub = submission{id: d.Subject, writes: writes}
		b.a.st.submitted = &b.sub
	}
	err := model.ApplyImport(b.a.st, &sub, b.a.signer.Operator.Name)
	b.a.st.submitted = nil
	if err != nil {
		return err
	}
	b.items = append(b.items, model.BatchItem{Kind: d.Kind, Subject: d.Subject, Payload: d.Payload})
	b.size += len(d.Payload)
	if len(b.items) >= batchItems || b.size >= batchBytes {
		return b.flush()
	}
	return nil
}

// flush writes the gathered records as one event; they are applied already.
func (b *batcher) flush() error {
	if len(b.items) == 0 {
		return nil
	}
	b.payload = model.EncodeBatch(b.payload[:0], b.items)
	ev := b.a.event(model.ImportBatch, "", b.payload, nil, b.t)
	body := ev.Encode(nil)
	b.items, b.size = b.items[:0], 0
	return b.a.put(&ev, model.Hash(sha256Sum(body)), body)
}

// finish writes the chain head, the number of events in the log, the counts and a signed
// checkpoint.
func (a *appender) finish() error {
	if a.added == 0 {
		return a.st.flushCounts()
	}
	if err := a.st.setHead(a.signer.Operator.Key, a.head); err != nil {
		return err
	}
	if err := a.st.b[string(bMeta)].Put(kLogSeq, binary.BigEndian.AppendUint64(nil, a.seq)); err != nil {
		return err
	}
	if err := a.st.setMaxTime(a.last); err != nil {
		return err
	}
	cp := model.Checkpoint{Origin: a.signer.Operator.Key, Seq: a.head.Seq, Head: a.head.Head}
	cp.Sign(a.signer.Priv)
	if err := a.st.b[string(bCheckpoints)].Put(originSeqKey(cp.Origin, cp.Seq), cp.Encode()); err != nil {
		return err
	}
	return a.st.flushCounts()
}

// Append applies the drafts as events of the signer, all or none, in one transaction, and
// returns the ids of the events written (a draft that changes nothing writes none).
func (s *Store) Append(signer *model.Signer, drafts ...model.Draft) ([]model.Hash, error) {
	var ids []model.Hash
	err := s.update(func(tx *bbolt.Tx) error {
		a := newAppender(newTxState(tx), signer, s.now)
		for i := range drafts {
			if err := a.add(&drafts[i]); err != nil && !errors.Is(err, model.ErrNoChange) {
				return err
			}
		}
		ids = a.ids
		return a.finish()
	})
	return ids, err
}

// SetClock sets the clock that dates the events this store appends (time.Now by default):
// tests and fixtures of reports make decisions at the times they need.
func (s *Store) SetClock(now func() time.Time) { s.clock = now }

func (s *Store) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}
