package storage

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"go.etcd.io/bbolt"
)

// Of an index's writes listed in the order made, the last of each key is what is flushed: a
// status entry put then taken out by a second decision in the same chunk is taken out, one
// taken out then put again is put, with the value put last.
func TestLastOfEach(t *testing.T) {
	put := func(k, v string) keyedWrite { return keyedWrite{k, write{v: []byte(v)}} }
	del := func(k string) keyedWrite { return keyedWrite{k, write{del: true}} }
	list := []keyedWrite{
		del("pending/a"), put("escalated/a", "1"), del("pending/b"), put("escalated/b", "1"),
		del("escalated/a"), put("signed-off/a", "1"), // a second decision on a
		put("pending/c", "1"), del("pending/c"), del("pending/d"), put("pending/d", "2"),
		put("escalated/b", "2"), put("approved/z", "1"), del("approved/y"),
	}
	show := func(xs []keyedWrite) string {
		var out []string
		for _, x := range xs {
			out = append(out, x.k+"="+string(x.w.v))
		}
		return strings.Join(out, " ")
	}
	ws := newWriteSet(ixPostStatus, 0)
	// The second time round, the set was reset and filled again: the room kept from the first
	// holds nothing of it.
	for round := range 2 {
		for _, x := range list {
			ws.set(x.k, x.w)
		}
		ws.order()
		if got, want := show(ws.dels), "approved/y= escalated/a= pending/a= pending/b= pending/c="; got != want {
			t.Errorf("round %d: deletions %s, want %s", round, got, want)
		}
		if got, want := show(ws.puts), "approved/z=1 escalated/b=2 pending/d=2 signed-off/a=1"; got != want {
			t.Errorf("round %d: puts %s, want %s", round, got, want)
		}
		writeSets{"": ws}.reset()
		if len(ws.dels)+len(ws.puts)+len(ws.list) != 0 || ws.ordered {
			t.Fatalf("round %d: reset left writes", round)
		}
	}
	// A write after the order is made makes it again.
	ws.set("approved/z", write{v: []byte("1")})
	ws.order()
	ws.set("approved/z", write{v: []byte("2")})
	ws.order()
	if got := show(ws.puts); got != "approved/z=2" {
		t.Errorf("after a later write: puts %s", got)
	}
}

// A transaction's look-ups and deletions go through one cursor a bucket (txState.cursor); they
// answer as bbolt's Get and Delete do: for a key that is there, one that is not, one past the
// last, one that names a bucket, and after the bucket changed under the cursor.
func TestCursorGetDelete(t *testing.T) {
	plain := []byte("plain") // a bucket of records without checksums, as bbolt holds them
	db, err := bbolt.Open(filepath.Join(t.TempDir(), "c.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket(plain)
		if err != nil {
			return err
		}
		for _, k := range []string{"a", "c", "e"} {
			if err := b.Put([]byte(k), []byte("v"+k)); err != nil {
				return err
			}
		}
		if _, err := b.CreateBucket([]byte("n")); err != nil {
			return err
		}
		st := &txState{tx: tx, b: map[string]*bbolt.Bucket{string(plain): b}}
		same := func(when string) {
			for _, k := range []string{"", "a", "b", "c", "d", "e", "f", "n", "zz"} {
				if got, want := st.stored(string(plain), []byte(k)), b.Get([]byte(k)); !bytes.Equal(got, want) || (got == nil) != (want == nil) {
					t.Errorf("%s: %q reads %q through the cursor, %q through Get", when, k, got, want)
				}
			}
		}
		same("at first")
		if err := st.remove(string(plain), []byte("b")); err != nil {
			t.Errorf("a key that is not there: %v", err)
		}
		if err := st.remove(string(plain), []byte("zz")); err != nil {
			t.Errorf("a key past the last: %v", err)
		}
		if err := st.remove(string(plain), []byte("n")); !errors.Is(err, bbolt.ErrIncompatibleValue) {
			t.Errorf("a key that names a bucket: %v, want %v", err, bbolt.ErrIncompatibleValue)
		}
		if err := st.remove(string(plain), []byte("c")); err != nil {
			t.Fatal(err)
		}
		if err := b.Put([]byte("b"), []byte("vb")); err != nil {
			return err
		}
		same("after a removal and a put")
		if b.Get([]byte("c")) != nil || st.stored(string(plain), []byte("b")) == nil {
			t.Error("the removal or the put is not seen")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
