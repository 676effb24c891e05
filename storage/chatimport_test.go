package storage

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"qunshen/internal/i18n"
	"qunshen/internal/ingest"
	"qunshen/model"
)

// The importer is tested on a format of its own, so that what it does with the items of an
// export — groups, senders, posts, recalls, pins, rows of a roster, bad records — is tested
// apart from each format's parser. A line: kind|chat|id|unix seconds|sender|nickname|text|target.
// kind is post, recall, pin, join, leave, system, row (a roster row: chat is the group, id the
// member, text the branch) or bad.
func init() {
	ingest.Register(ingest.Parser{Name: "testchat", Title: "a test format", Order: 1000,
		Detect: func(head []byte) bool { return bytes.HasPrefix(head, []byte("#testchat")) },
		Parse: func(r io.Reader, file string, emit func(ingest.Item) error) error {
			sc := bufio.NewScanner(r)
			line := 0
			for sc.Scan() {
				line++
				l := sc.Text()
				if line == 1 || l == "" {
					continue
				}
				f := strings.Split(l, "|")
				if len(f) != 8 {
					return &ingest.Error{File: file, Pos: ingest.Pos{Line: line}, Msg: "want 8 fields"}
				}
				pos := ingest.Pos{Line: line}
				secs, _ := strconv.ParseInt(f[3], 10, 64)
				m := &ingest.Message{Chat: ingest.Chat{ID: f[1], Name: "群" + f[1]}, ID: f[2], Time: time.Unix(secs, 0),
					Sender: ingest.Sender{ID: f[4], Nickname: f[5]}, Text: f[6], Target: f[7], Pos: pos}
				var it ingest.Item
				switch f[0] {
				case "post":
					it.Msg = m
				case "recall":
					m.Kind, it.Msg = ingest.KindRecall, m
				case "pin":
					m.Kind, it.Msg = ingest.KindPin, m
				case "join":
					m.Kind, it.Msg = ingest.KindJoin, m
				case "leave":
					m.Kind, it.Msg = ingest.KindLeave, m
				case "system":
					m.Kind, it.Msg = ingest.KindSystem, m
				case "row":
					it.Member = &ingest.Member{Member: model.Member{ID: f[2], Group: f[1], Nickname: f[5], Branch: f[6]}, Pos: pos}
				case "note":
					it.Note = f[6]
				default:
					it.Bad = &ingest.Bad{Pos: pos, Raw: []byte(l), Reason: "a bad record"}
				}
				if err := emit(it); err != nil {
					return err
				}
			}
			return sc.Err()
		}})
}

const chatExport = `#testchat
join|c1||1780000000|u1|一支部-张伟||
post|c1|m1|1780000060|u1|一支部-张伟|明天上午九点开会，请准时参加。|
post|c1|m2|1780000120|u2|二支部-李娜|收到|
post|c1|m3|1780000180|u2|二支部-李娜|加微信 abc123 领红包|
recall|c1|m4|1780000190|u2|||m3
pin|c1|m5|1780000200|u1|||m1
recall|c1|m6|1780000210|u2|||m-not-here
system|c1|m7|1780000220|u1||张伟修改了群名|
post|c1|m8|1780000230|u3|三支部-王芳||
post|c2|m1|1780000240|u9|老刘|另一个群的消息|
leave|c1|m9|1780000300|u3|||
post|c1|m10|1780000400|u1|张伟(一支部)|散会|
`

func chatEnv(t *testing.T) (*env, string) {
	e := newEnv(t)
	return e, e.file("chat.txt", chatExport)
}

func TestChatImportMapsExport(t *testing.T) {
	e, f := chatEnv(t)
	res, err := e.st.Import(e.admin, []string{f}, ImportOptions{})
	e.check(err)
	if res.Unknown != 1 || res.Passed[ingest.PassedService] != 1 || res.Passed[ingest.PassedEmpty] != 1 {
		t.Fatalf("result %+v", res)
	}
	groups, err := e.st.Groups()
	e.check(err)
	if len(groups) != 2 || groups[0].ID != "testchat-c1" || groups[0].Name != "群c1" || groups[0].Kind != model.KindWork {
		t.Fatalf("groups %+v", groups)
	}
	p, ok, err := e.st.Post("testchat:c1:m1")
	e.check(err)
	if !ok || p.Status != model.PostPending || !p.Pinned || p.Author != "u1" || p.Source != "testchat" || !p.Time.Equal(time.Unix(1780000060, 0)) {
		t.Fatalf("m1: %+v", p)
	}
	p, _, err = e.st.Post("testchat:c1:m3")
	e.check(err)
	if p.Status != model.PostRecalled {
		t.Fatalf("m3 should be recalled: %+v", p)
	}
	u1, _, err := e.st.Member("testchat-c1", "u1")
	e.check(err)
	if u1.Status != model.MemberActive || u1.Nickname != "张伟(一支部)" || !u1.LastActive.Equal(time.Unix(1780000400, 0)) || !u1.Joined.Equal(time.Unix(1780000000, 0)) {
		t.Fatalf("u1: %+v", u1)
	}
	u3, _, err := e.st.Member("testchat-c1", "u3")
	e.check(err)
	if u3.Status != model.MemberExited {
		t.Fatalf("u3 left: %+v", u3)
	}
	s := e.status()
	if s.Posts["pending"] != 4 || s.Posts["recalled"] != 1 {
		t.Fatalf("status %+v", s.Posts)
	}
	e.verify()
	// Again: nothing changes, no event is written.
	h, events := e.hash(), s.Events
	res, err = e.st.Import(e.admin, []string{f}, ImportOptions{})
	e.check(err)
	if res.Events != 0 || e.hash() != h || e.status().Events != events {
		t.Fatalf("second import: %+v", res)
	}
	// As history into the same database: the posts are there already, nothing changes.
	res, err = e.st.Import(e.admin, []string{f}, ImportOptions{History: true})
	e.check(err)
	if res.Events != 0 || e.hash() != h {
		t.Fatalf("history over pending: %+v", res)
	}
}

func TestChatImportHistoryAndGroup(t *testing.T) {
	e, f := chatEnv(t)
	_, err := e.st.Import(e.admin, []string{f}, ImportOptions{Group: "g1"})
	var ie *ImportError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), `unknown group "g1"`) || !strings.Contains(err.Error(), f+":2:") {
		t.Fatalf("an unknown --group: %v", err)
	}
	e.check(e.err(e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})))
	_, err = e.st.Import(e.admin, []string{f}, ImportOptions{Group: "g1", History: true})
	e.check(err)
	p, ok, err := e.st.Post("testchat:c2:m1")
	e.check(err)
	if !ok || p.Group != "g1" || p.Status != model.PostPublished {
		t.Fatalf("into g1 as history: %+v", p)
	}
	m, _, err := e.st.Member("g1", "wx_a")
	e.check(err)
	if m.Name != "單海燕" || m.Branch != "第三党支部" {
		t.Fatalf("the roster's member was changed: %+v", m)
	}
	e.verify()
}

func (e *env) err(_ ImportResult, err error) error { return err }

func TestChatImportBadRecords(t *testing.T) {
	e, f := chatEnv(t)
	bad := e.file("bad.txt", chatExport+"oops|c1|m11|1780000500|u1|||\npost|c1|m12|1780000600|u1||好|\npost|c1||1780000700|u1||没有编号|\n")
	before, err := os.ReadFile(e.dbPath())
	e.check(err)
	h := e.hash()
	_, err = e.st.Import(e.admin, []string{f, bad}, ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), bad+":14: a bad record") || !strings.Contains(err.Error(), bad+":16: a message without an id") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("want both faults named: %v", err)
	}
	if e.hash() != h {
		t.Fatal("a refused import changed the state")
	}
	after, err := os.ReadFile(e.dbPath())
	e.check(err)
	if !bytes.Equal(before, after) {
		t.Fatal("a refused import changed the file")
	}
	res, err := e.st.Import(e.admin, []string{bad}, ImportOptions{SkipBad: true})
	e.check(err)
	if res.Rejected != 2 || len(res.Rejects) != 1 || res.Rejects[0] != bad+ingest.RejectsSuffix {
		t.Fatalf("skip-bad: %+v", res)
	}
	rej, err := os.ReadFile(bad + ingest.RejectsSuffix)
	e.check(err)
	lines := strings.Split(strings.TrimSpace(string(rej)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"line":14`) || !strings.Contains(lines[0], `"reason":"a bad record"`) || !strings.Contains(lines[0], `oops|c1|m11`) || !strings.Contains(lines[1], `"line":16`) {
		t.Fatalf("rejects file:\n%s", rej)
	}
	if _, ok, _ := e.st.Post("testchat:c1:m12"); !ok {
		t.Fatal("the good record after the bad one was not imported")
	}
	e.verify()
}

func TestChatImportRosterKeepsWhatItLeavesEmpty(t *testing.T) {
	e, _ := chatEnv(t)
	e.check(e.err(e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})))
	roster := e.file("roster.txt", "#testchat\nrow|g1|wx_a|0|||第四党支部|\nrow|g1|wx_new|0||新人||\n")
	e.check(e.err(e.st.Import(e.admin, []string{roster}, ImportOptions{})))
	m, _, err := e.st.Member("g1", "wx_a")
	e.check(err)
	if m.Branch != "第四党支部" || m.Nickname != "🌸小燕" || m.Name != "單海燕" || !m.PartyMember {
		t.Fatalf("merged row: %+v", m)
	}
	if m, ok, _ := e.st.Member("g1", "wx_new"); !ok || m.Nickname != "新人" || m.Status != model.MemberActive {
		t.Fatalf("new row: %+v", m)
	}
	// A roster row of an unknown group is the file's fault.
	_, err = e.st.Import(e.admin, []string{e.file("r2.txt", "#testchat\nrow|g9|x|0||||\n")}, ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), `r2.txt:2: unknown group "g9"`) {
		t.Fatalf("unknown group: %v", err)
	}
}

func TestImportDetection(t *testing.T) {
	e := newEnv(t)
	unknown := e.file("x.bin", "\x00\x01 not a chat export")
	_, err := e.st.Import(e.admin, []string{unknown}, ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), unknown+": not a format qunshen knows") {
		t.Fatalf("unknown: %v", err)
	}
	_, err = e.st.Import(e.admin, []string{unknown}, ImportOptions{Format: "nope"})
	if err == nil || !strings.Contains(err.Error(), `unknown format "nope"`) {
		t.Fatalf("unknown --format: %v", err)
	}
	for name, content := range map[string]string{"queue": queue, "testchat": chatExport} {
		srcs, err := ingest.DetectFormats([]string{e.file(name, content)}, "")
		e.check(err)
		got := srcs[0].Format()
		if got != name {
			t.Errorf("%s detected as %s", name, got)
		}
	}
	// A faulty queue file is still read as the queue, and its fault named.
	bad := e.file("bad.jsonl", `{"type":"post","id":"p1"}`+"\n")
	if _, err := e.st.Import(e.admin, []string{bad}, ImportOptions{}); err == nil || !strings.Contains(err.Error(), bad+":1:") {
		t.Fatalf("faulty queue: %v", err)
	}
	_ = fmt.Sprint
}

// FuzzImportChat imports any bytes as each chat format: the import either succeeds and can be
// repeated without change, or is refused and leaves the database as it was.
func FuzzImportChat(f *testing.F) {
	names := ingest.Names()
	f.Add(uint8(0), []byte(chatExport))
	fixtures, _ := filepath.Glob("../internal/ingest/testdata/*/*")
	for i, p := range fixtures {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(uint8(i), b)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		e := newEnv(t)
		name := names[int(which)%len(names)]
		file := e.file("in", string(data))
		h := e.hash()
		res, err := e.st.Import(e.admin, []string{file}, ImportOptions{Format: name, SkipBad: which&0x80 != 0})
		if err != nil {
			if e.hash() != h {
				t.Fatalf("%s: a refused import changed the state: %v", name, err)
			}
			return
		}
		e.verify()
		h = e.hash()
		res, err = e.st.Import(e.admin, []string{file}, ImportOptions{Format: name, SkipBad: which&0x80 != 0})
		if err != nil || e.hash() != h {
			t.Fatalf("%s: importing again: %v %+v", name, err, res)
		}
	})
}

// In transactions of one record each, an import releases the memory map of the database
// every ten of them while it reads and writes through it, and ends in the same state as in
// one transaction.
func TestChatImportReleasesTheMap(t *testing.T) {
	one, f := chatEnv(t)
	_, err := one.st.Import(one.admin, []string{f}, ImportOptions{})
	one.check(err)
	many, g := chatEnv(t)
	if runtime.GOOS == "linux" && mappingEnd(many.st.db.Info().Data) == 0 {
		t.Fatal("the database's memory map is not found in /proc/self/maps")
	}
	_, err = many.st.Import(many.admin, []string{g}, ImportOptions{Batch: 1})
	many.check(err)
	if many.st.batches.Load() < 10 {
		t.Fatalf("%d transactions: the map was never released", many.st.batches.Load())
	}
	many.verify()
	posts := func(e *env) []model.Post {
		ps, err := e.st.Posts(model.PostStatuses, 0)
		e.check(err)
		return ps
	}
	a, b := posts(one), posts(many)
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("%d posts against %d", len(a), len(b))
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Status != b[i].Status || a[i].Pinned != b[i].Pinned {
			t.Fatalf("post %d: %+v against %+v", i, a[i], b[i])
		}
	}
}

// The roster keeps the limits of every importer (ingest.MaxLine, MaxText, MaxFields): a
// name of 10 MB, one of 100 KB and a row of too many fields are each refused, the file and
// line named, and nothing of the roster is stored.
func TestRosterKeepsTheLimits(t *testing.T) {
	e := newEnv(t)
	e.check(e.err(e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})))
	h := e.hash()
	head := "QQ号,姓名,群名片,所在支部,群身份,是否党员,入群时间\n"
	ok := "100001,张三,第三党支部-张三,第三党支部,成员,是,2024/3/1 9:30\n"
	for _, c := range []struct{ name, row, want string }{
		{"10mb", "100002," + strings.Repeat("名", 10<<20/3) + ",x,第三党支部,成员,是,2024/3/1 9:30\n", "roster-10mb.csv:3: a line longer than 1 MiB"},
		{"100kb", "100002," + strings.Repeat("名", 100<<10/3) + ",x,第三党支部,成员,是,2024/3/1 9:30\n", "roster-100kb.csv:3: a name, nickname, branch or group name longer than 65536 bytes"},
		{"fields", "100002,李四" + strings.Repeat(",x", ingest.MaxFields) + "\n", "roster-fields.csv:3: a row of more than 256 fields"},
	} {
		f := e.file("roster-"+c.name+".csv", head+ok+c.row)
		_, err := e.st.Import(e.admin, []string{f}, ImportOptions{Group: "g1"})
		if err == nil || !strings.Contains(i18n.Explain(i18n.EN, err), c.want) {
			t.Fatalf("%s: %v", c.name, err)
		}
		if e.hash() != h {
			t.Fatalf("%s: the refused roster changed the state", c.name)
		}
	}
}
