package gen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"regexp"
	"sort"
	"testing"
	"time"
)

// The writer: helpers, JSON escaping, errors of the writer, streaming, the sample, speed.

func TestHelpers(t *testing.T) {
	if !ResidentIDValid("11010519491231002X") {
		t.Error("GB 11643 sample number rejected")
	}
	if ResidentIDValid("110105194912310021") || ResidentIDValid("11010519490231002X") {
		t.Error("bad number accepted")
	}
	r := rand.New(rand.NewPCG(1, 2))
	birth := time.Date(1988, 2, 29, 0, 0, 0, 0, time.UTC)
	mobRE := regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	for i := 0; i < 2000; i++ {
		if id := ResidentID(r, true); !ResidentIDValid(id) {
			t.Fatalf("ResidentID(valid) = %s fails", id)
		}
		if id := ResidentID(r, false); len(id) != 18 || ResidentIDValid(id) || IDCheckDigit(id) == id[17] {
			t.Fatalf("ResidentID(invalid) = %s passes", id)
		}
		if id := ValidID(r, birth); !ResidentIDValid(id) || id[6:14] != "19880229" {
			t.Fatalf("ValidID = %s", id)
		}
		c := CardNumber(r, true)
		if len(c) < 16 || len(c) > 19 || !LuhnValid(c) {
			t.Fatalf("CardNumber(valid) = %s", c)
		}
		if c := CardNumber(r, false); len(c) < 16 || len(c) > 19 || LuhnValid(c) {
			t.Fatalf("CardNumber(invalid) = %s", c)
		}
		if m := Mobile(r); !mobRE.MatchString(m) {
			t.Fatalf("Mobile = %s", m)
		}
	}
	if !LuhnValid("4111111111111111") || LuhnValid("4111111111111112") {
		t.Error("LuhnValid wrong on the classic test number")
	}
}

func TestJSONEscaping(t *testing.T) {
	var all []byte
	for c := 0; c < 0x80; c++ {
		all = append(all, byte(c))
	}
	s := string(all) + "中文\u200b\u2028\u202e🧧\"\\"
	b := appendJSON(nil, s)
	var got string
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if got != s {
		t.Fatalf("round trip: got %q want %q", got, s)
	}
	if !bytes.Contains(b, []byte(`\u001b`)) || !bytes.Contains(b, []byte("中文")) {
		t.Errorf("unexpected encoding %s", b)
	}
}

func TestErrors(t *testing.T) {
	if err := Write(io.Discard, Options{Members: 3, Groups: 6}); err == nil {
		t.Error("3 members for 6 groups accepted")
	}
	if err := Write(io.Discard, Options{Posts: -1}); err == nil {
		t.Error("negative posts accepted")
	}
	boom := errors.New("boom")
	w := &failWriter{n: 100000, err: boom}
	if err := Write(w, Options{Posts: 10000, Members: 100}); !errors.Is(err, boom) {
		t.Errorf("write error not returned: %v", err)
	}
}

type failWriter struct {
	n   int
	err error
}

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, w.err
	}
	w.n -= len(p)
	return len(p), nil
}

// TestStreaming checks that the queue of pending posts stays small, i.e.
// memory does not grow with the number of posts.
func TestStreaming(t *testing.T) {
	g, err := newGen(Options{Posts: 200000, Members: 1000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	g.out = &sink{w: io.Discard}
	maxPend := 0
	total := 0
	// Drive writePosts through a writer that samples the queue length.
	g.out.w = writerFunc(func(p []byte) (int, error) {
		maxPend = max(maxPend, len(g.pend))
		total += bytes.Count(p, []byte("\n"))
		return len(p), nil
	})
	if err := g.writePosts(); err != nil {
		t.Fatal(err)
	}
	g.out.flush()
	if maxPend > 64 {
		t.Errorf("pending queue reached %d", maxPend)
	}
	if total < 200000 {
		t.Errorf("%d lines", total)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestSample prints a few lines of each kind with -v, for eyeballing.
func TestSample(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("only with -v")
	}
	data := generate(t, Options{Posts: 300, Members: 60, Seed: 1})
	sc := bufio.NewScanner(bytes.NewReader(data))
	seen := map[string]int{}
	for sc.Scan() {
		var r rec
		json.Unmarshal(sc.Bytes(), &r)
		if seen[r.Type] < 5 {
			t.Log(sc.Text())
		}
		seen[r.Type]++
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Log(keys, seen)
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func BenchmarkWrite(b *testing.B) {
	const posts = 200000
	var bytesOut int64
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		w := &countWriter{}
		if err := Write(w, Options{Posts: posts, Members: 2000, Seed: int64(i)}); err != nil {
			b.Fatal(err)
		}
		bytesOut = w.n
	}
	b.ReportMetric(float64(posts)*float64(b.N)/b.Elapsed().Seconds(), "posts/s")
	b.ReportMetric(float64(bytesOut)/posts, "B/post")
}
