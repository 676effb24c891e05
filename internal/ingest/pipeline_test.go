package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// collect reads a queue file with the parallel reader.
func collect(data []byte, workers int) ([]*Record, error) {
	var out []*Record
	err := ParseQueue(bytes.NewReader(data), "f.jsonl", workers, func(r *Record) (*Record, error) { return r, nil }, func(recs []*Record) error {
		out = append(out, recs...)
		return nil
	})
	return out, err
}

// sequential reads it with the plain reader, the reference.
func sequential(data []byte) ([]*Record, error) {
	var out []*Record
	err := ReadQueue(bytes.NewReader(data), "f.jsonl", func(r *Record) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

func postLine(i int) string {
	return fmt.Sprintf(`{"type":"post","id":"p%d","group":"g1","author":"wx_a","time":"2026-06-03T09:30:00+08:00","body":"%s"}`, i, strings.Repeat("内容", 100))
}

func TestParallelReaderKeepsOrderAndLineNumbers(t *testing.T) {
	var b strings.Builder
	b.WriteString("\xef\xbb\xbf" + postLine(0) + "\r\n\n   \n")
	for i := 1; i < 20000; i++ { // about 12 MB: many blocks
		b.WriteString(postLine(i) + "\n")
	}
	recs, err := collect([]byte(b.String()), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 20000 {
		t.Fatalf("%d records", len(recs))
	}
	for i, r := range recs {
		want := i + 3
		if i == 0 {
			want = 1
		}
		if r.Post.ID != fmt.Sprintf("p%d", i) || r.Line != want {
			t.Fatalf("record %d: %s at line %d, want p%d at line %d", i, r.Post.ID, r.Line, i, want)
		}
	}
	// A fault deep in the file is named by its line.
	bad := b.String() + `{"type":"post","id":"x"` + "\n" + postLine(99999) + "\n"
	_, err = collect([]byte(bad), 2)
	var le *LineError
	if !errors.As(err, &le) || le.Line != 20003 || !strings.Contains(le.Msg, "broken JSON") {
		t.Fatalf("fault at line 20003: %v", err)
	}
}

// Long lines among short ones, up to the longest allowed, are read whole wherever the
// chunks of the file fall: the chunks grow for them and shrink again after.
func TestParallelReaderTakesLongLinesAmongShortOnes(t *testing.T) {
	long := func(i, n int) string {
		l := fmt.Sprintf(`{"type":"post","id":"p%d","group":"g1","author":"wx_a","time":"2026-06-03T09:30:00+08:00","note":"`, i)
		return l + strings.Repeat("x", n-len(l)-2) + `"}`
	}
	var b strings.Builder
	n := 0
	for _, size := range []int{300 << 10, MaxLine, 700 << 10, 257 << 10, MaxLine - 1, 64 << 10} {
		for range 500 {
			b.WriteString(postLine(n) + "\n")
			n++
		}
		b.WriteString(long(n, size) + "\n")
		n++
	}
	want, err := sequential([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect([]byte(b.String()), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n || len(want) != n {
		t.Fatalf("%d and %d records, want %d", len(got), len(want), n)
	}
	for i := range got {
		if got[i].Post.ID != want[i].Post.ID || got[i].Line != want[i].Line || got[i].Line != i+1 {
			t.Fatalf("record %d: %s at line %d, the plain reader %s at line %d", i, got[i].Post.ID, got[i].Line, want[i].Post.ID, want[i].Line)
		}
	}
	// One byte more is refused by both, on its line.
	over := b.String() + long(n, MaxLine+1) + "\n"
	for name, read := range map[string]func([]byte) ([]*Record, error){"parallel": func(d []byte) ([]*Record, error) { return collect(d, 2) }, "plain": sequential} {
		_, err := read([]byte(over))
		var le *LineError
		if !errors.As(err, &le) || le.Line != n+1 || !strings.Contains(le.Msg, "longer than") {
			t.Fatalf("%s reader, a line of MaxLine+1 bytes: %v", name, err)
		}
	}
}

func TestParallelReaderRefusesAnOverlongLine(t *testing.T) {
	long := postLine(1) + "\n" + `{"type":"post","body":"` + strings.Repeat("x", MaxLine) + `"}` + "\n"
	_, err := collect([]byte(long), 2)
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 || !strings.Contains(le.Msg, "longer than") {
		t.Fatalf("an over-long line: %v", err)
	}
}

// FuzzQueueFile holds the parallel reader to the plain one: the same records, or a fault on
// the same line.
func FuzzQueueFile(f *testing.F) {
	f.Add(sampleQueue(f))
	f.Add([]byte("\xef\xbb\xbf" + postLine(1) + "\r\n\n" + postLine(2)))
	f.Add([]byte("{\"type\":\"post\"\n\xff\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		want, werr := sequential(data)
		got, gerr := collect(data, 2)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("plain reader: %v; parallel reader: %v", werr, gerr)
		}
		if werr != nil {
			var a, b *LineError
			if errors.As(werr, &a) && errors.As(gerr, &b) && a.Line != b.Line {
				t.Fatalf("fault at line %d, parallel reader says %d", a.Line, b.Line)
			}
			return
		}
		if len(want) != len(got) {
			t.Fatalf("%d records, parallel reader %d", len(want), len(got))
		}
		for i := range want {
			if want[i].Line != got[i].Line || want[i].ID() != got[i].ID() {
				t.Fatalf("record %d differs", i)
			}
		}
	})
}
