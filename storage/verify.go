package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// StateHash is a digest of the whole projection, to compare the state of two databases.
func (s *Store) StateHash() (model.Hash, error) {
	h := sha256.New()
	err := s.view(func(tx *bbolt.Tx) error {
		for _, name := range projectionBuckets {
			h.Write(name)
			h.Write([]byte{0})
			err := recordsOf(tx, name).ForEach(func(k, v []byte) error {
				var n [8]byte
				binary.BigEndian.PutUint64(n[:], uint64(len(k)))
				h.Write(n[:])
				h.Write(k)
				binary.BigEndian.PutUint64(n[:], uint64(len(v)))
				h.Write(n[:])
				h.Write(v)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	var out model.Hash
	if err != nil { // a fault half-way through a write leaves the digest unusable
		return out, err
	}
	copy(out[:], h.Sum(nil))
	return out, nil
}

// VerifyResult is what Verify found.
type VerifyResult struct {
	Events      uint64
	Origins     int
	Checkpoints int
}

// Verify checks the file's structure (CheckStructure, then bbolt's own check), every event's
// place in its origin's hash chain, every checkpoint's signature, that every event is covered
// by a signed checkpoint, and that the stored projection, indexes and counts equal a fresh
// fold of the log. It returns the first fault.
func (s *Store) Verify() (VerifyResult, error) {
	var rep VerifyResult
	if err := s.CheckStructure(); err != nil {
		return rep, err
	}
	if err := s.checkEngine(); err != nil {
		return rep, err
	}
	err := s.view(func(tx *bbolt.Tx) error {
		if tx.Bucket(bMeta).Get(kFoldFrom) != nil {
			return fmt.Errorf("the projection is behind the log: a fold of imported events is unfinished (opening the database with qunshen finishes it)")
		}
		cps, err := loadCheckpoints(tx)
		if err != nil {
			return err
		}
		for _, l := range cps {
			rep.Checkpoints += len(l)
		}
		// Each origin's chain, in the order of the index by origin: from its first event, each
		// following the one before, each in the log under its place in the canonical order.
		heads := map[model.Key]chainHead{}
		log := tx.Bucket(bLog)
		var want uint64
		c := tx.Bucket(bByOrigin).Cursor()
		for k, at := c.First(); k != nil; k, at = c.Next() {
			if len(k) != 40 {
				return fmt.Errorf("the index by origin holds a key of %d bytes (%x)", len(k), k)
			}
			o, seq := model.Key(k[:32]), binary.BigEndian.Uint64(k[32:])
			h := heads[o]
			if seq != h.Seq+1 {
				return fmt.Errorf("log: origin %s: event %d is missing (the next held is %d)", o.Fingerprint(), h.Seq+1, seq)
			}
			v := log.Get(at)
			if v == nil {
				return fmt.Errorf("log: origin %s: event %d is missing", o.Fingerprint(), seq)
			}
			ev, err := model.DecodeEvent(v)
			if err != nil {
				return fmt.Errorf("log: origin %s: event %d: %w", o.Fingerprint(), seq, err)
			}
			id := model.Hash(sha256Sum(v))
			switch {
			case ev.Origin != o || ev.Seq != seq:
				return fmt.Errorf("log: origin %s: the index by origin names for event %d an event of origin %s at %d", o.Fingerprint(), seq, ev.Origin.Fingerprint(), ev.Seq)
			case !bytes.Equal(at, orderKey(ev.Time, id)):
				return fmt.Errorf("log: origin %s: event %d does not match its key in the log (its time and hash): altered or damaged", o.Fingerprint(), seq)
			case ev.Prev != h.Head:
				return fmt.Errorf("log: origin %s: event %d: hash chain broken: it does not follow event %d", o.Fingerprint(), seq, h.Seq)
			}
			heads[o] = chainHead{Seq: seq, Head: id}
			if l := cps[o]; len(l) > 0 && l[0].Seq == seq {
				if l[0].Head != id {
					return fmt.Errorf("log: origin %s: event %d is not the event its checkpoint signed", o.Fingerprint(), seq)
				}
				cps[o] = l[1:]
			}
			want++
		}
		if n := log.Stats().KeyN; uint64(n) != want {
			return fmt.Errorf("the log holds %d events, the chains of their origins %d", n, want)
		}
		// The projection is the replay of the log in the canonical order.
		mem := model.NewMemState()
		err = forEachCanonical(tx, nil, true, func(_ []byte, ev *model.Event, id model.Hash) error {
			return model.Replay(mem, ev, id)
		})
		if err != nil {
			return err
		}
		rep.Events = want
		rep.Origins = len(heads)
		if got := newTxState(tx).logSeq(); got != want {
			return fmt.Errorf("log: %d events stored, the meta says %d", want, got)
		}
		for o, l := range cps {
			if len(l) > 0 {
				return fmt.Errorf("checkpoint of origin %s at seq %d names an event that is not in the log", o.Fingerprint(), l[0].Seq)
			}
		}
		for o, h := range heads {
			if last := lastCheckpoint(tx, o); last < h.Seq {
				return fmt.Errorf("origin %s: events %d to %d are not covered by a signed checkpoint", o.Fingerprint(), last+1, h.Seq)
			}
			if st := newTxState(tx).head(o); st != h {
				return fmt.Errorf("origin %s: stored chain head (seq %d) differs from the log (seq %d)", o.Fingerprint(), st.Seq, h.Seq)
			}
		}
		return compareProjection(tx, mem)
	})
	return rep, err
}

func loadCheckpoints(tx *bbolt.Tx) (map[model.Key][]model.Checkpoint, error) {
	out := map[model.Key][]model.Checkpoint{}
	err := tx.Bucket(bCheckpoints).ForEach(func(k, v []byte) error {
		cp, err := model.DecodeCheckpoint(v)
		if err != nil {
			return err
		}
		if !bytes.Equal(k, append(cp.Origin[:], binary.BigEndian.AppendUint64(nil, cp.Seq)...)) {
			return fmt.Errorf("checkpoint stored under the wrong key %x", k)
		}
		if !cp.Verify() {
			return fmt.Errorf("checkpoint of origin %s at seq %d: bad signature", cp.Origin.Fingerprint(), cp.Seq)
		}
		out[cp.Origin] = append(out[cp.Origin], cp) // keys sort by origin, then seq
		return nil
	})
	return out, err
}

func lastCheckpoint(tx *bbolt.Tx, o model.Key) uint64 {
	c := tx.Bucket(bCheckpoints).Cursor()
	k, _ := c.Seek(append(o[:], 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, o[:]) {
		return 0
	}
	return binary.BigEndian.Uint64(k[32:])
}

// compareProjection checks every stored bucket against the fresh fold.
func compareProjection(tx *bbolt.Tx, mem *model.MemState) error {
	outbox, err := wantOutbox(mem)
	if err != nil {
		return err
	}
	checks := []struct {
		bucket []byte
		want   map[string]any
	}{
		{bOperators, keyed(mem.Operators, func(k model.Key) string { return string(k[:]) })},
		{bGroups, keyed(mem.Groups, nil)},
		{bMembers, keyed(mem.Members, nil)},
		{bPosts, encodedPosts(mem.Posts)},
		{bViolations, keyed(mem.Violations, nil)},
		{bApps, keyed(mem.Applications, nil)},
		{bRects, keyed(mem.Rectifications, nil)},
		{bGroupApps, keyed(mem.GroupApps, nil)},
		{bIncidents, keyed(mem.Incidents, nil)},
		{bAccount, keyed(mem.Accountabilities, nil)},
		{bDesign, keyed(mem.Designations, nil)},
		{bCommend, keyed(mem.Commendations, nil)},
		{bAccess, keyed(mem.ArchiveAccesses, nil)},
		{bSuperseded, superseded(mem.Superseded)},
		{bOutbox, outbox},
	}
	for _, c := range checks {
		if err := compareBucket(recordsOf(tx, c.bucket), string(c.bucket), c.want); err != nil {
			return err
		}
	}
	ixPosts := map[string]any{}
	for _, p := range mem.Posts {
		ixPosts[string(postStatusKey(&p))] = statusValue(model.PostFacts(&p))
	}
	ixApps := map[string]any{}
	for _, a := range mem.Applications {
		ixApps[string(appStatusKey(&a))] = nil
	}
	ixViol := map[string]any{}
	for _, v := range mem.Violations {
		ixViol[string(violMemberKey(&v))] = nil
	}
	for _, c := range []struct {
		b    []byte
		want map[string]any
	}{{ixPostStatus, ixPosts}, {ixAppStatus, ixApps}, {ixViolMember, ixViol}, {ixFacts, wantFactIndex(mem)}} {
		if err := compareBucket(recordsOf(tx, c.b), string(c.b), c.want); err != nil {
			return err
		}
	}
	counts := map[string]any{}
	for k, n := range mem.Counts {
		counts[k] = binary.BigEndian.AppendUint64(nil, uint64(n))
	}
	return compareBucket(recordsOf(tx, bCounts), "counts", counts)
}

func keyed[K comparable, V any](m map[K]V, key func(K) string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		var s string
		if key != nil {
			s = key(k)
		} else {
			s = any(k).(string)
		}
		out[s] = v
	}
	return out
}

// compareBucket checks that a bucket holds exactly the wanted keys, with the JSON of the
// wanted values ([]byte values compare raw, nil values mean an index entry).
func compareBucket(b records, name string, want map[string]any) error {
	seen := 0
	err := b.ForEach(func(k, v []byte) error {
		w, ok := want[string(k)]
		if !ok {
			return fmt.Errorf("projection: %s holds %q, which the log does not make", name, printable(k))
		}
		seen++
		var raw []byte
		switch w := w.(type) {
		case nil:
			raw = nil
		case []byte:
			raw = w
		default:
			var err error
			if raw, err = encode(w); err != nil {
				return err
			}
		}
		if !bytes.Equal(raw, v) && !(len(raw) == 0 && len(v) == 0) {
			return fmt.Errorf("projection: %s %q differs from the fold of the log", name, printable(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if seen != len(want) {
		keys := make([]string, 0, len(want))
		for k := range want {
			if b.Get([]byte(k)) == nil {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		return fmt.Errorf("projection: %s lacks %d entries the log makes, first %q", name, len(want)-seen, printable([]byte(keys[0])))
	}
	return nil
}

func printable(k []byte) string {
	return string(bytes.Map(func(r rune) rune {
		if r < 0x20 {
			return '/'
		}
		return r
	}, k))
}

func encodedPosts(posts map[string]model.Post) map[string]any {
	out := make(map[string]any, len(posts))
	for id, p := range posts {
		out[id] = encodePost(&p, nil)
	}
	return out
}

func superseded(m map[model.Hash]string) map[string]any {
	out := make(map[string]any, len(m))
	for id, why := range m {
		out[string(id[:])] = []byte(why)
	}
	return out
}
