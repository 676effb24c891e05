package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// csvCollect parses data with the named format and returns every item.
func csvCollect(t testing.TB, name string, data []byte) ([]Item, error) {
	t.Helper()
	p, ok := Lookup(name)
	if !ok {
		t.Fatalf("format %s is not registered", name)
	}
	var items []Item
	err := p.Parse(bytes.NewReader(data), "in", func(it Item) error {
		items = append(items, it)
		return nil
	})
	return items, err
}

func csvReadFixture(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// csvSummary writes an item on one line, for comparing with what a test expects.
func csvSummary(it Item) string {
	switch {
	case it.Msg != nil:
		m := it.Msg
		kind := [...]string{"post", "recall", "pin", "join", "leave", "system"}[m.Kind]
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s @%d chat=%s/%s/%s at=%s from=%s/%s/%s/%s",
			kind, m.ID, m.Pos.Line, m.Chat.ID, m.Chat.Name, m.Chat.Type, m.Time.UTC().Format("2006-01-02T15:04:05.999Z"),
			m.Sender.ID, m.Sender.Name, m.Sender.Nickname, m.Sender.Role)
		if m.Title != "" {
			fmt.Fprintf(&b, " title=%q", m.Title)
		}
		if m.Text != "" {
			fmt.Fprintf(&b, " text=%q", m.Text)
		}
		if len(m.Media) > 0 {
			fmt.Fprintf(&b, " media=%q", m.Media)
		}
		if m.Forwarded != "" {
			fmt.Fprintf(&b, " fwd=%q", m.Forwarded)
		}
		if m.Target != "" {
			fmt.Fprintf(&b, " target=%s", m.Target)
		}
		for _, s := range m.Members {
			fmt.Fprintf(&b, " member=%s/%s", s.ID, s.Nickname)
		}
		return b.String()
	case it.Member != nil:
		m := it.Member
		return fmt.Sprintf("member %s @%d group=%s name=%s nick=%s branch=%s role=%s party=%v joined=%s active=%s",
			m.ID, m.Pos.Line, m.Group, m.Name, m.Nickname, m.Branch, m.Role, m.PartyMember,
			csvTimeString(m.Joined), csvTimeString(m.LastActive))
	case it.Bad != nil:
		return fmt.Sprintf("bad @%d %s", it.Bad.Pos.Line, it.Bad.Reason)
	default:
		return "note " + it.Note
	}
}

func csvTimeString(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// csvExpect compares the items with what is expected, line by line.
func csvExpect(t *testing.T, items []Item, want []string) {
	t.Helper()
	var got []string
	for _, it := range items {
		got = append(got, csvSummary(it))
	}
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("item %d:\n got %s\nwant %s", i, g, w)
		}
	}
}

// csvFuzzCheck parses data twice: it must not panic, give the same items both times, and
// never a message without an id or a time.
func csvFuzzCheck(t *testing.T, name string, data []byte) {
	a, errA := csvCollect(t, name, data)
	b, errB := csvCollect(t, name, data)
	if fmt.Sprint(errA) != fmt.Sprint(errB) || !reflect.DeepEqual(a, b) {
		t.Fatalf("two readings differ")
	}
	for _, it := range a {
		n := 0
		if it.Msg != nil {
			n++
			if it.Msg.ID == "" || it.Msg.Time.IsZero() {
				t.Fatalf("a message without id or time: %s", csvSummary(it))
			}
			if it.Msg.Pos.Line <= 0 {
				t.Fatalf("a message without its line: %s", csvSummary(it))
			}
		}
		if it.Member != nil {
			n++
			if it.Member.ID == "" {
				t.Fatalf("a member without id: %s", csvSummary(it))
			}
		}
		if it.Bad != nil {
			n++
			if it.Bad.Reason == "" || it.Bad.Pos.Line <= 0 {
				t.Fatalf("a bad record without reason or line: %+v", it.Bad)
			}
		}
		if it.Note != "" {
			n++
		}
		if n != 1 {
			t.Fatalf("an item with %d fields set", n)
		}
	}
	if errA != nil {
		if _, ok := errA.(*Error); !ok {
			t.Fatalf("error of type %T: %v", errA, errA)
		}
	}
}

// csvFuzzSeeds adds every fixture of a format to the corpus of a fuzz target.
func csvFuzzSeeds(f *testing.F, dir string) {
	for _, p := range fixtureFiles(dir) {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
}

// fixtureFiles lists the fixtures of a format, in its folder of testdata and the folders under
// it, but for the notes that say where they come from.
func fixtureFiles(dir string) []string {
	var out []string
	filepath.WalkDir(filepath.Join("testdata", dir), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".md") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestCSVReader(t *testing.T) {
	in := "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n1,\"2\"x,3\nplain\"quote,q,\n\"open,never closed\nnext\n"
	r := newCSVReader(strings.NewReader(in), ',')
	var got []string
	for {
		f, err := r.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			got = append(got, fmt.Sprintf("@%d err %v", r.recLine, err))
			continue
		}
		got = append(got, fmt.Sprintf("@%d %q", r.recLine, f))
	}
	want := []string{
		`@1 ["a" "b" "c"]`,
		`@2 ["x, y" "say \"hi\"" "two\nlines"]`,
		`@4 err line 4: text after the closing quote of field 2`,
		`@5 ["plain\"quote" "q" ""]`,
		`@6 err line 6: a quoted field is not closed at the end of the file`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCSVLinesLong(t *testing.T) {
	long := strings.Repeat("x", 3*csvBufSize)
	in := "short\n" + long + "\nend"
	l := newCSVLines(strings.NewReader(in), 2*csvBufSize)
	b, over, err := l.read()
	if string(b) != "short" || over || err != nil || l.line != 1 {
		t.Fatalf("line 1: %q %v %v", b, over, err)
	}
	b, over, err = l.read()
	if len(b) != 2*csvBufSize || !over || err != nil || l.line != 2 || l.off != 6 {
		t.Fatalf("line 2: %d %v %v off %d", len(b), over, err, l.off)
	}
	b, over, err = l.read()
	if string(b) != "end" || over || err != nil || l.line != 3 || l.off != int64(7+len(long)) {
		t.Fatalf("line 3: %q %v %v", b, over, err)
	}
	if _, _, err = l.read(); err != io.EOF {
		t.Fatalf("after the end: %v", err)
	}
}

func TestCSVParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-01":                "2024-02-29T16:00:00Z",
		"2024/3/1":                  "2024-02-29T16:00:00Z",
		"2024.3.1":                  "2024-02-29T16:00:00Z",
		"2024-03-01 09:30":          "2024-03-01T01:30:00Z",
		"2024/3/1 9:30:00":          "2024-03-01T01:30:00Z",
		"2024年3月1日":                 "2024-02-29T16:00:00Z",
		"2024年3月1日 9时30分":           "2024-03-01T01:30:00Z",
		"2024-03-01T09:30:00":       "2024-03-01T01:30:00Z",
		"2024-03-01T09:30:00+08:00": "2024-03-01T01:30:00Z",
		"2024-03-01T01:30:00Z":      "2024-03-01T01:30:00Z",
		" 2024-3-1  9:05:07.250 ":   "2024-03-01T01:05:07Z",
	} {
		got, err := csvParseTime(in)
		if err != nil || got.UTC().Format(time.RFC3339) != want {
			t.Errorf("%q: got %v %v, want %s", in, got.UTC(), err, want)
		}
	}
	for _, in := range []string{"", "2024", "2024-13-01", "2024-02-30", "24-3-1", "2024-03-01 25:00", "2024-03-01x", "45352", "2024-03-01 9", "昨天"} {
		if got, err := csvParseTime(in); err == nil {
			t.Errorf("%q: got %v, want an error", in, got)
		}
	}
}

func TestTextSniff(t *testing.T) {
	gbk := []byte{0xd0, 0xd5, 0xc3, 0xfb} // 姓名 in GBK
	for _, c := range []struct {
		head []byte
		want textEncoding
	}{
		{[]byte("姓名,id"), encUTF8},
		{append(bytes.Clone(BOM), "姓名"...), encUTF8},
		{[]byte{0xFF, 0xFE, 'a', 0}, encUTF16LE},
		{gbk, encGB18030},
		{[]byte("姓名")[:4], encUTF8}, // a rune cut at the end of the head
	} {
		if got := textSniff(c.head); got != c.want {
			t.Errorf("%x: got %v, want %v", c.head, got, c.want)
		}
	}
	if got := string(textHead(gbk)); got != "姓名" {
		t.Errorf("GBK head decoded to %q", got)
	}
}

// csvStdlibRate is the speed of encoding/csv on the same input, for comparison with ours.
func csvStdlibRate(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := csvCPUTime()
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(data))
		r.ReuseRecord = true
		r.FieldsPerRecord = -1
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
		}
	}
	cpu = csvCPUTime() - cpu
	b.ReportMetric(float64(len(data))*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
	if cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
}

func csvOwnRate(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := csvCPUTime()
	for b.Loop() {
		r := newCSVReader(bytes.NewReader(data), ',')
		for {
			_, err := r.read()
			if err == io.EOF {
				break
			}
		}
	}
	cpu = csvCPUTime() - cpu
	b.ReportMetric(float64(len(data))*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
	if cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
}

// csvBenchParse measures a parser over data, emitting into nothing.
func csvBenchParse(b *testing.B, name string, data []byte) {
	p, _ := Lookup(name)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	cpu := csvCPUTime()
	for b.Loop() {
		n = 0
		err := p.Parse(bytes.NewReader(data), "bench", func(it Item) error {
			if it.Bad != nil {
				return fmt.Errorf("bad record: %s", csvSummary(it))
			}
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	cpu = csvCPUTime() - cpu
	b.ReportMetric(float64(len(data))*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
	if cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
}

func csvTimeUnix(sec int64) time.Time { return time.Unix(sec, 0) }

// TestTextFormatsDetect: each line format takes its own fixtures and refuses the others',
// JSON documents (Telegram, QQ NT) and the queue's own JSON Lines.
func TestTextFormatsDetect(t *testing.T) {
	detectors := map[string]func([]byte) bool{
		"wecom": wecomDetect, "roster": rosterDetect, "qqtxt": qqtxtDetect, "wechat": wechatDetect, "qqnt-txt": qceDetect,
	}
	names := map[string]string{"wecom": "wecom", "roster": "roster-csv", "qqtxt": "qq-txt", "wechat": "wechat-csv", "qqnt-txt": "qq-nt-txt"}
	heads := map[string][]byte{}
	for dir := range detectors {
		paths := fixtureFiles(dir)
		if len(paths) == 0 {
			t.Fatalf("no fixtures in %s", dir)
		}
		for _, p := range paths {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel("testdata", p)
			heads[filepath.ToSlash(rel)] = b[:min(len(b), HeadSize)]
		}
	}
	foreign := map[string]string{
		"telegram":   `{"name": "第三党支部", "type": "private_group", "id": 1234, "messages": [{"id": 1, "type": "message", "date": "2024-06-03T10:00:00", "from": "张三", "from_id": "user1", "text": "大家好"}]}`,
		"qqnt":       `[{"msgId":"7380000000000000001","msgTime":"1717380000","senderUin":"123456789","sendNickName":"张三","elements":[{"textElement":{"content":"大家好"}}]}]`,
		"queue":      `{"type":"group","id":"g1","name":"第三党支部党员群","kind":"party"}` + "\n" + `{"type":"member","id":"wx_a","group":"g1","name":"单海燕"}` + "\n",
		"queue-post": `{"type":"post","id":"p1","group":"g1","author":"wx_a","time":"2026-06-03T09:30:00+08:00","body":"明天开会"}` + "\n",
		"text":       "这只是一段文字。\n没有任何格式。\n",
	}
	for k, v := range foreign {
		heads["foreign/"+k] = []byte(v)
	}
	for name, head := range heads {
		owner, _, _ := strings.Cut(name, "/")
		for dir, detect := range detectors {
			if got := detect(head); got != (dir == owner) {
				t.Errorf("%s detector on %s: %v", dir, name, got)
			}
		}
		p, ok := Detect(head)
		if owner == "foreign" {
			if ok && slices.Contains([]string{"wecom", "roster-csv", "qq-txt", "wechat-csv", "qq-nt-txt"}, p.Name) {
				t.Errorf("%s detected as %s", name, p.Name)
			}
		} else if !ok || p.Name != names[owner] {
			t.Errorf("%s detected as %s (%v)", name, p.Name, ok)
		}
	}
}
