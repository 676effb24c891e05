package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"qunshen/model"
)

// signer makes an operator's key for the tests.
func signer(t testing.TB, name string, role model.Role) *model.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &model.Signer{Operator: model.Operator{Key: model.KeyOf(priv), Name: name, Role: role}, Priv: priv}
}

// chainOf makes n events of s's chain, the first at seq 1, and the manifest's entry of them.
func chainOf(s *model.Signer, n int, at time.Time) ([][]byte, Origin) {
	var bodies [][]byte
	var prev model.Hash
	for i := 1; i <= n; i++ {
		ev := model.Event{Origin: s.Operator.Key, Seq: uint64(i), Prev: prev, Time: at.Add(time.Duration(i) * time.Second).UTC(),
			Role: s.Operator.Role, Kind: model.PostApprove, Subject: fmt.Sprintf("p%d", i), Payload: []byte(`{"seen":0}`)}
		body := ev.Encode(nil)
		prev = sha256.Sum256(body)
		bodies = append(bodies, body)
	}
	cp := model.Checkpoint{Origin: s.Operator.Key, Seq: uint64(n), Head: prev}
	cp.Sign(s.Priv)
	return bodies, Origin{Key: s.Operator.Key, Name: s.Operator.Name, From: 1, To: uint64(n), Count: n, Head: prev, Signature: hex.EncodeToString(cp.Sig[:])}
}

// write makes a bundle of the chains of the signers, exported by the first.
func write(t testing.TB, created time.Time, signers ...*model.Signer) []byte {
	var out bytes.Buffer
	w, err := NewWriter(&out, signers[0].Operator, "peer", created)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range signers {
		bodies, o := chainOf(s, 3+i, created.Add(-time.Hour))
		for _, b := range bodies {
			if err := w.Event(b); err != nil {
				t.Fatal(err)
			}
		}
		w.Origin(o)
	}
	if err := w.Finish(signers[0].Priv); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestWriteAndParse(t *testing.T) {
	a, b := signer(t, "王管理", model.RoleAdmin), signer(t, "李书记", model.RoleSecretary)
	if bytes.Compare(a.Operator.Key[:], b.Operator.Key[:]) > 0 {
		a, b = b, a // the manifest lists the origins in the order of their keys
	}
	now := time.Now()
	data := write(t, now, a, b)
	got, err := Parse("x.qsb", data, now)
	if err != nil {
		t.Fatal(err)
	}
	m := got.Manifest
	if got.Major != Major || m.Exporter.Key != a.Operator.Key || m.Peer != "peer" || !m.Created.Equal(now.UTC()) ||
		len(m.Origins) != 2 || m.Events != 7 || len(got.Events) != 7 || got.Size != int64(len(data)) {
		t.Fatalf("read back %+v", got)
	}
	if e := got.Events[3]; e.Event.Origin != b.Operator.Key || e.Event.Seq != 1 || e.ID != sha256.Sum256(e.Body) {
		t.Fatalf("event 4: %+v", e)
	}
	// Dated beyond the clock's skew, an event is refused.
	_, err = Parse("x.qsb", data, now.Add(-MaxClockSkew-2*time.Hour))
	var be *Error
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "in the future") {
		t.Fatalf("a bundle from the future: %v", err)
	}
}

// FuzzParseBundle: no input makes the bundle reader panic, and what it accepts is whole: the
// manifest's count of events, and every origin's chain up to its signed head.
func FuzzParseBundle(f *testing.F) {
	now := time.Now()
	good := write(f, now, signer(f, "王管理", model.RoleAdmin))
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("QSBUNDLE\x00\x01\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse("fuzz", data, now)
		if err != nil {
			return
		}
		if len(b.Events) != b.Manifest.Events {
			t.Fatalf("accepted %d events, the manifest says %d", len(b.Events), b.Manifest.Events)
		}
		i := 0
		for _, o := range b.Manifest.Origins {
			for seq := o.From; seq <= o.To; seq++ {
				if b.Events[i].Event.Origin != o.Key || b.Events[i].Event.Seq != seq {
					t.Fatal("accepted an event out of its origin's range")
				}
				i++
			}
			if b.Events[i-1].ID != o.Head {
				t.Fatal("accepted a run that does not end at its signed head")
			}
		}
	})
}

// A fresh array of events is zero values, as make gives it, and the collector's pace is given
// back as it was.
func TestFreshArray(t *testing.T) {
	before := debug.SetGCPercent(150)
	defer debug.SetGCPercent(before)
	for _, n := range []int{0, 3, 1 << 16, 1<<16 + 7} {
		xs := freshArray[Event](n)
		if len(xs) != n {
			t.Fatalf("%d events, want %d", len(xs), n)
		}
		for i := range xs {
			if xs[i].Body != nil || xs[i].Offset != 0 || xs[i].Event.Seq != 0 {
				t.Fatalf("event %d of %d is not zero", i, n)
			}
		}
	}
	if got := debug.SetGCPercent(150); got != 150 {
		t.Fatalf("the collector's pace is %d after, was 150", got)
	}
}

// A bundle opened from its file gives, origin by origin, the events Parse gives, each with its
// body, id and offset; a file changed after it was opened is refused when read again.
func TestOpenReadsTheFile(t *testing.T) {
	a, b := signer(t, "王管理", model.RoleAdmin), signer(t, "李书记", model.RoleSecretary)
	if bytes.Compare(a.Operator.Key[:], b.Operator.Key[:]) > 0 {
		a, b = b, a
	}
	now := time.Now()
	data := write(t, now, a, b)
	path := filepath.Join(t.TempDir(), "x.qsb")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	want, err := Parse(path, data, now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, now)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Size != int64(len(data)) || r.Manifest.Events != 7 || len(r.Manifest.Origins) != 2 {
		t.Fatalf("opened %+v", r)
	}
	var got []Event
	for oi := range r.Manifest.Origins {
		if err := r.Events(oi, func(e *Event) error { got = append(got, *e); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != len(want.Events) {
		t.Fatalf("%d events, Parse gives %d", len(got), len(want.Events))
	}
	for i := range got {
		g, w := got[i], want.Events[i]
		if g.ID != w.ID || !bytes.Equal(g.Body, w.Body) || g.Offset != w.Offset || g.Event.Seq != w.Event.Seq {
			t.Fatalf("event %d: %+v, want %+v", i, g, w)
		}
	}
	// Read again after a byte of the second origin's events changed: refused.
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	at := want.Events[len(want.Events)-1].Offset + 5
	if _, err := f.WriteAt([]byte{data[at] ^ 0xff}, at); err != nil {
		t.Fatal(err)
	}
	f.Close()
	err = r.Events(1, func(*Event) error { return nil })
	var be *Error
	if !errors.As(err, &be) {
		t.Fatalf("a file changed under the reader: %v", err)
	}
	// And opened again, it is refused as altered.
	if _, err := Open(path, now); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("an altered file opened: %v", err)
	}
}
