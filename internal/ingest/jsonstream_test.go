package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Helpers shared by the tests of the JSON formats (Telegram, QQ NT).

var kindNames = map[MsgKind]string{
	KindPost: "post", KindRecall: "recall", KindPin: "pin", KindJoin: "join", KindLeave: "leave", KindSystem: "system",
}

func renderSender(s Sender) string {
	out := s.ID + "/" + s.Nickname
	if s.Name != "" {
		out += "/name=" + s.Name
	}
	if s.Role != "" {
		out += "/" + string(s.Role)
	}
	return out
}

// render is one item as a line: what the tests compare.
func render(it Item) string {
	switch {
	case it.Msg != nil:
		m := it.Msg
		parts := []string{kindNames[m.Kind], m.ID, m.Time.Format(time.RFC3339), renderSender(m.Sender)}
		if m.Text != "" {
			parts = append(parts, fmt.Sprintf("text=%q", m.Text))
		}
		if m.Title != "" {
			parts = append(parts, fmt.Sprintf("title=%q", m.Title))
		}
		if len(m.Media) > 0 {
			parts = append(parts, fmt.Sprintf("media=%q", m.Media))
		}
		if m.Forwarded != "" {
			parts = append(parts, "fwd="+m.Forwarded)
		}
		if m.Target != "" {
			parts = append(parts, "target="+m.Target)
		}
		if len(m.Members) > 0 {
			ms := make([]string, len(m.Members))
			for i, s := range m.Members {
				ms[i] = renderSender(s)
			}
			parts = append(parts, "members=["+strings.Join(ms, " ")+"]")
		}
		return strings.Join(parts, " ")
	case it.Bad != nil:
		return fmt.Sprintf("bad @%d %s", it.Bad.Pos.Offset, it.Bad.Reason)
	case it.Member != nil:
		return "member " + it.Member.ID
	default:
		return "note " + it.Note
	}
}

func parseWith(parse func(r *bytes.Reader, emit func(Item) error) error) func([]byte) ([]Item, error) {
	return func(data []byte) ([]Item, error) {
		var items []Item
		err := parse(bytes.NewReader(data), func(it Item) error {
			items = append(items, it)
			return nil
		})
		return items, err
	}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkLines(t *testing.T, items []Item, want []string) {
	t.Helper()
	got := make([]string, len(items))
	for i, it := range items {
		got[i] = render(it)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("items differ:\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// checkWellFormed holds for every item of every file: one field set, a message with an id
// and a time, a recall and a pin with a target, a bad record with a reason and an offset
// inside the file.
func checkWellFormed(t testing.TB, data []byte, items []Item, err error) {
	t.Helper()
	for i, it := range items {
		set := 0
		for _, b := range []bool{it.Msg != nil, it.Member != nil, it.Bad != nil, it.Note != ""} {
			if b {
				set++
			}
		}
		if set != 1 {
			t.Fatalf("item %d has %d fields set", i, set)
		}
		switch {
		case it.Msg != nil:
			m := it.Msg
			if m.ID == "" || m.Time.IsZero() {
				t.Fatalf("item %d: a message without id or time: %s", i, render(it))
			}
			if m.Time.Location() != time.UTC {
				t.Fatalf("item %d: time not in UTC: %s", i, render(it))
			}
			if (m.Kind == KindRecall || m.Kind == KindPin) && m.Target == "" {
				t.Fatalf("item %d: no target: %s", i, render(it))
			}
			if m.Kind == KindPost && m.Sender.ID == "" {
				t.Fatalf("item %d: a post without a sender: %s", i, render(it))
			}
			if m.Pos.Offset < 0 || m.Pos.Offset >= int64(len(data)) || data[m.Pos.Offset] != '{' {
				t.Fatalf("item %d: offset %d is not the start of its message", i, m.Pos.Offset)
			}
		case it.Bad != nil:
			if it.Bad.Reason == "" || it.Bad.Pos.Offset < 0 || it.Bad.Pos.Offset >= int64(len(data)) {
				t.Fatalf("item %d: a bad record without reason or offset: %+v", i, it.Bad)
			}
			if !bytes.HasPrefix(data[it.Bad.Pos.Offset:], it.Bad.Raw) {
				t.Fatalf("item %d: bad record's raw bytes are not those at its offset", i)
			}
		}
	}
	if err != nil {
		var fe *Error
		if !errors.As(err, &fe) {
			t.Fatalf("a fault that is not *ingest.Error: %T %v", err, err)
		}
		if fe.Pos.Offset < 0 || fe.Pos.Offset > int64(len(data)) {
			t.Fatalf("error offset %d outside the file of %d bytes", fe.Pos.Offset, len(data))
		}
		if fe.Msg == "" || fe.File == "" {
			t.Fatalf("error without message or file: %v", err)
		}
	}
}

// fuzzParse is the body of the fuzz targets: no panic, well-formed items, and the same
// items and error on a second reading, also when the reader gives one byte at a time.
func fuzzParse(t *testing.T, parse func([]byte) ([]Item, error), slow func([]byte) ([]Item, error), data []byte) {
	items, err := parse(data)
	checkWellFormed(t, data, items, err)
	again, err2 := slow(data)
	if fmt.Sprint(err) != fmt.Sprint(err2) {
		t.Fatalf("not deterministic: error %v, then %v", err, err2)
	}
	if len(items) != len(again) {
		t.Fatalf("not deterministic: %d items, then %d", len(items), len(again))
	}
	for i := range items {
		if a, b := render(items[i]), render(again[i]); a != b {
			t.Fatalf("not deterministic at item %d:\n %s\n %s", i, a, b)
		}
	}
}

// smallSeeds cuts a fixture into small documents of a few messages each, for the seed corpus
// of a fuzz target: the fuzzer minimises every new input it finds, and from a seed of many
// kilobytes that takes it minutes.
func smallSeeds(t testing.TB, data []byte, head string) [][]byte {
	var doc struct {
		Messages []json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(bytes.ReplaceAll(data, []byte(`\x01`), []byte(`\u0001`)), &doc); err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for i := 0; i < len(doc.Messages); i += 3 {
		var b bytes.Buffer
		b.WriteString(head)
		b.WriteString(`"messages": [`)
		for j := i; j < min(i+3, len(doc.Messages)); j++ {
			if j > i {
				b.WriteString(", ")
			}
			if err := json.Compact(&b, doc.Messages[j]); err != nil {
				t.Fatal(err)
			}
		}
		b.WriteString("]}")
		out = append(out, b.Bytes())
	}
	return out
}

// oneByteReader gives its data a byte at a time: every refill path of the scanner runs.
type oneByteReader struct{ data []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}

// truncations checks that the file cut at many offsets is a fault (never a panic, never a
// silent success) whose offset is inside the cut file.
func truncations(t *testing.T, parse func([]byte) ([]Item, error), data []byte) {
	t.Helper()
	end := len(bytes.TrimRight(data, " \n\r\t"))
	step := max(1, end/150)
	for n := 0; n < end; n += step {
		cut := data[:n]
		items, err := parse(cut)
		if err == nil {
			t.Fatalf("cut at %d: no fault", n)
		}
		checkWellFormed(t, cut, items, err)
	}
}

// cpuTime is the CPU time of the process: benchmarks report MB/s of CPU too, since the wall
// clock of a shared machine says little.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchParse(b *testing.B, data []byte, parse func(r *bytes.Reader, emit func(Item) error) error) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	c0 := cpuTime()
	msgs := 0
	for b.Loop() {
		msgs = 0
		err := parse(bytes.NewReader(data), func(it Item) error {
			if it.Msg != nil {
				msgs++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(len(data))*float64(b.N)/secs/1e6, "MB/s")
	if cpu := (cpuTime() - c0).Seconds(); cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/cpu/1e6, "MB/cpu-s")
	}
	b.ReportMetric(float64(msgs)*float64(b.N)/secs, "msgs/s")
}

// malformedCase is a document that a JSON parser must read to the items want (a Bad written
// "bad"), or refuse with a fault containing err, at the offset of the last errAt in it.
type malformedCase struct {
	name, data string
	err, errAt string
	want       []string
}

// checkMalformed runs parse over each case; file, when given, is the name a fault must carry.
func checkMalformed(t *testing.T, parse func([]byte) ([]Item, error), file string, cases []malformedCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.data)
			items, err := parse(data)
			checkWellFormed(t, data, items, err)
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				got := make([]string, len(items))
				for i, it := range items {
					got[i] = render(it)
					if c.want[i] == "bad" && it.Bad != nil {
						got[i] = "bad"
					}
				}
				if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
					t.Fatalf("got\n %s\nwant\n %s", strings.Join(got, "\n "), strings.Join(c.want, "\n "))
				}
				return
			}
			var fe *Error
			if !errors.As(err, &fe) || !strings.Contains(fe.Msg, c.err) {
				t.Fatalf("got %v, want a fault with %q", err, c.err)
			}
			if file != "" && fe.File != file {
				t.Fatalf("fault names %q", fe.File)
			}
			if c.errAt != "" {
				if want := int64(strings.LastIndex(c.data, c.errAt)); fe.Pos.Offset != want {
					t.Fatalf("fault at %d, want %d: %v", fe.Pos.Offset, want, err)
				}
			}
		})
	}
}
