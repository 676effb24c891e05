package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/atomicfile"
	"qunshen/internal/bundle"
	"qunshen/model"
)

// ExportOptions say what a bundle carries.
type ExportOptions struct {
	// Peer names the operator the bundle is for: only what it has not been sent yet (or has not
	// sent us) goes in, and what goes in is remembered as sent.
	Peer string
	// All sends every event, even to a peer that had them.
	All      bool
	Now      func() time.Time
	Progress func(done, total int)
}

// ExportResult is what a bundle holds.
type ExportResult struct {
	Events  int
	Origins int
	Bytes   int64
}

// peerState is what a peer holds of each origin's chain, as far as this machine knows.
type peerState map[model.Key]uint64

func readPeer(tx *bbolt.Tx, name string) peerState {
	ps := peerState{}
	v := recordsOf(tx, bPeers).Get([]byte(name))
	for len(v) >= 40 {
		var k model.Key
		copy(k[:], v[:32])
		ps[k] = binary.BigEndian.Uint64(v[32:40])
		v = v[40:]
	}
	return ps
}

func writePeer(tx *bbolt.Tx, name string, ps peerState) error {
	keys := make([]model.Key, 0, len(ps))
	for k := range ps {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b model.Key) int { return bytes.Compare(a[:], b[:]) })
	v := make([]byte, 0, 40*len(keys))
	for _, k := range keys {
		v = append(v, k[:]...)
		v = binary.BigEndian.AppendUint64(v, ps[k])
	}
	return recordsOf(tx, bPeers).Put([]byte(name), v)
}

// ExportBundle writes the events of every origin's chain (for a peer: those it lacks) to a
// bundle at path, signed by signer: to a temp file, fsynced and renamed.
func (s *Store) ExportBundle(signer *model.Signer, path string, opt ExportOptions) (ExportResult, error) {
	var res ExportResult
	if opt.Now == nil {
		opt.Now = time.Now
	}
	sent := peerState{}
	err := s.view(func(tx *bbolt.Tx) error {
		have := peerState{}
		if opt.Peer != "" && !opt.All {
			have = readPeer(tx, opt.Peer)
		}
		type run struct {
			o        bundle.Origin
			from, to uint64
		}
		var runs []run
		total := 0
		err := tx.Bucket(bOrigins).ForEach(func(k, v []byte) error {
			if len(k) != 32 || len(v) != 40 {
				return fmt.Errorf("damaged chain head %x", k)
			}
			var o model.Key
			copy(o[:], k)
			head := binary.BigEndian.Uint64(v[:8])
			from := have[o] + 1
			if from > head {
				return nil
			}
			// A run ends on a signed checkpoint: the head has one, always.
			raw := tx.Bucket(bCheckpoints).Get(originSeqKey(o, head))
			if raw == nil {
				return fmt.Errorf("origin %s: no signed checkpoint at its head %d", o.Fingerprint(), head)
			}
			cp, err := model.DecodeCheckpoint(raw)
			if err != nil {
				return err
			}
			mo := bundle.Origin{Key: o, From: from, To: head, Count: int(head - from + 1), Head: cp.Head, Signature: fmt.Sprintf("%x", cp.Sig)}
			if op, ok, err := newTxState(tx).Operator(o); err == nil && ok {
				mo.Name = op.Name
			}
			runs = append(runs, run{o: mo, from: from, to: head})
			total += mo.Count
			return nil
		})
		if err != nil {
			return err
		}
		return atomicfile.Write(path, func(f *os.File) error {
			bw, err := bundle.NewWriter(f, signer.Operator, opt.Peer, opt.Now())
			if err != nil {
				return err
			}
			log := tx.Bucket(bLog)
			done := 0
			for _, r := range runs {
				c := tx.Bucket(bByOrigin).Cursor()
				want := r.from
				for k, at := c.Seek(originSeqKey(r.o.Key, r.from)); want <= r.to; k, at = c.Next() {
					if k == nil || !bytes.Equal(k, originSeqKey(r.o.Key, want)) {
						return fmt.Errorf("origin %s: event %d is missing from the index", r.o.Key.Fingerprint(), want)
					}
					body := log.Get(at)
					if body == nil {
						return fmt.Errorf("origin %s: event %d is missing from the log", r.o.Key.Fingerprint(), want)
					}
					if err := bw.Event(body); err != nil {
						return err
					}
					want++
					done++
					if opt.Progress != nil && done%20000 == 0 {
						opt.Progress(done, total)
					}
				}
				bw.Origin(r.o)
				sent[r.o.Key] = r.to
			}
			if err := bw.Finish(signer.Priv); err != nil {
				return err
			}
			res = ExportResult{Events: bw.Events(), Origins: len(runs), Bytes: bw.Size()}
			if fi, err := f.Stat(); err == nil {
				res.Bytes = fi.Size()
			}
			return nil
		})
	})
	if err != nil || opt.Peer == "" || len(sent) == 0 {
		return res, err
	}
	return res, s.update(func(tx *bbolt.Tx) error {
		ps := readPeer(tx, opt.Peer)
		for k, to := range sent {
			ps[k] = max(ps[k], to)
		}
		return writePeer(tx, opt.Peer, ps)
	})
}
