package ui_test

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qunshen/internal/i18n"
	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
	"qunshen/ui"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestMain(m *testing.M) {
	time.Local = time.FixedZone("CST", 8*3600) // times on screen as an office in China sees them
	os.Exit(m.Run())
}

// fixedService is the real service with a fixed database name, so that views are stable.
type fixedService struct{ *review.Service }

func (f fixedService) Location() string { return "qunshen.db" }

// harness drives the workbench over a real store, running every command as bubbletea would.
type harness struct {
	t     *testing.T
	st    *storage.Store
	admin *model.Signer
	sec   *model.Signer
	m     tea.Model
	quit  bool
	w, h  int
}

func newStore(t testing.TB, queue string) (*storage.Store, *model.Signer, *model.Signer) {
	return newStoreAt(t, queue, nil)
}

// newStoreAt is newStore with the store's clock set (nil: the real time) before anything is
// written, so that the times of the events are the same in every run.
func newStoreAt(t testing.TB, queue string, now func() time.Time) (*storage.Store, *model.Signer, *model.Signer) {
	t.Helper()
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	if now != nil {
		st.SetClock(now)
	}
	t.Cleanup(func() { st.Close() })
	admin, _ := keyring.NewSigner("王管理", model.RoleAdmin, "第三党支部")
	sec, _ := keyring.NewSigner("李书记", model.RoleSecretary, "第三党支部")
	for _, s := range []*model.Signer{admin, sec} {
		if err := st.Register(s); err != nil {
			t.Fatal(err)
		}
	}
	f := filepath.Join(dir, "queue.jsonl")
	if err := os.WriteFile(f, []byte(queue), 0o600); err != nil {
		t.Fatal(err)
	}
	check, inOrder := review.NewChecker(review.DefaultPolicy(), nil).ImportChecks()
	if _, err := st.Import(admin, []string{f}, storage.ImportOptions{Check: check, InOrder: inOrder, Now: now}); err != nil {
		t.Fatal(err)
	}
	return st, admin, sec
}

func fixture(t testing.TB) string {
	b, err := os.ReadFile("../testdata/queue.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func clock() time.Time { return time.Date(2026, 6, 5, 10, 0, 0, 0, time.UTC) }

func (h *harness) open(s *model.Signer, lang i18n.Lang) {
	svc := fixedService{&review.Service{Store: h.st, Signer: s, Clock: clock}}
	h.m = ui.New(svc, lang)
	h.quit = false
	h.send(tea.WindowSizeMsg{Width: h.w, Height: h.h})
	h.run(h.m.Init())
}

func newHarness(t *testing.T) *harness {
	st, admin, sec := newStore(t, fixture(t))
	h := &harness{t: t, st: st, admin: admin, sec: sec, w: 120, h: 40}
	h.open(admin, i18n.ZH)
	return h
}

// send delivers a message and runs what it asks for.
func (h *harness) send(msg tea.Msg) {
	m, cmd := h.m.Update(msg)
	h.m = m
	h.run(cmd)
}

// run runs a command, and the commands of batches and sequences, in order.
func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if msg == nil {
		return
	}
	if _, ok := msg.(tea.QuitMsg); ok {
		h.quit = true
		return
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		for i := 0; i < v.Len(); i++ {
			h.run(v.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	h.send(msg)
}

func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func (h *harness) keys(ks ...string) {
	for _, k := range ks {
		h.send(keyMsg(k))
	}
}

func (h *harness) screen() string { return h.m.View().Content }

func (h *harness) post(id string) model.Post {
	p, ok, err := h.st.Post(id)
	if err != nil || !ok {
		h.t.Fatalf("post %s: %v", id, err)
	}
	return p
}

func (h *harness) events() uint64 {
	s, err := h.st.Status()
	if err != nil {
		h.t.Fatal(err)
	}
	return s.Events
}

func TestAdministratorDecides(t *testing.T) {
	h := newHarness(t)
	// Oldest first: p3 (08:00), p1 (09:30), p2 (10:00).
	if s := h.screen(); !strings.Contains(s, "週報") || strings.Index(s, "週報") > strings.Index(s, "关于召开支部大会") {
		t.Fatalf("the queue is not oldest first:\n%s", s)
	}
	h.keys("r", "enter") // reject p3 with the first reason offered: its own rule
	p3 := h.post("p3")
	if p3.Status != model.PostRejected || !strings.Contains(p3.Reason, "ST 五(一)4") {
		t.Fatalf("p3 after r enter: %s %q", p3.Status, p3.Reason)
	}
	h.keys("a") // approve p1, now first
	if p := h.post("p1"); p.Status != model.PostApproved {
		t.Fatalf("p1 after a: %s", p.Status)
	}
	h.keys("a") // p2 is a major matter: refused, and said so
	if p := h.post("p2"); p.Status != model.PostPending {
		t.Fatalf("a major matter was approved: %s", p.Status)
	}
	if !strings.Contains(h.screen(), "PM 三(三)2") {
		t.Fatalf("the refusal is not shown:\n%s", h.screen())
	}
	h.keys("e")
	if p := h.post("p2"); p.Status != model.PostEscalated {
		t.Fatalf("p2 after e: %s", p.Status)
	}
	before := h.events()
	h.keys("s") // an administrator cannot sign off
	if p := h.post("p2"); p.Status != model.PostEscalated || h.events() != before {
		t.Fatalf("an administrator signed off: %s", p.Status)
	}
	h.keys("u") // undo the escalation: a new event, nothing deleted
	if p := h.post("p2"); p.Status != model.PostPending || h.events() != before+1 {
		t.Fatalf("after undo: %s, %d events (was %d)", p.Status, h.events(), before)
	}
	if p := h.post("p2"); len(p.History) != 2 || !p.History[0].Undone || p.History[1].Kind != model.PostUndo {
		t.Fatalf("history after undo: %+v", p.History)
	}
}

func TestSecretarySignsOff(t *testing.T) {
	h := newHarness(t)
	h.keys("j", "j", "e") // escalate p2 as the administrator
	if p := h.post("p2"); p.Status != model.PostEscalated {
		t.Fatalf("p2: %s", p.Status)
	}
	h.open(h.sec, i18n.ZH)
	s := h.screen()
	if i, j := strings.Index(s, "干部任免"), strings.Index(s, "週報"); i < 0 || j < 0 || i > j {
		t.Fatalf("the secretary does not see the escalated post first:\n%s", s)
	}
	// … and, in its details, who escalated it and when.
	if !strings.Contains(s, "审核经过") || !strings.Contains(s, "  王管理  提交书记") {
		t.Fatalf("the details do not show the escalation:\n%s", s)
	}
	h.keys("a") // a secretary does not approve in pre-review
	if p := h.post("p2"); p.Status != model.PostEscalated {
		t.Fatalf("a secretary approved: %s", p.Status)
	}
	h.keys("s")
	if p := h.post("p2"); p.Status != model.PostSignedOff {
		t.Fatalf("after s: %s", p.Status)
	}
}

func TestMarkedPostsAreDecidedTogether(t *testing.T) {
	h := newHarness(t)
	h.keys("space", "space") // p3 and p1
	h.keys("c")              // request changes of both, with the first reason
	h.keys("enter")
	for _, id := range []string{"p3", "p1"} {
		if p := h.post(id); p.Status != model.PostChangesRequested || p.Reason == "" {
			t.Fatalf("%s: %s %q", id, p.Status, p.Reason)
		}
	}
	if p := h.post("p2"); p.Status != model.PostPending {
		t.Fatalf("an unmarked post was decided: %s", p.Status)
	}
	// A typed reason.
	h.keys("r")
	for i := 0; i < 5; i++ {
		h.keys("down")
	}
	h.keys("enter")
	for _, r := range "请补充落款" {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	h.keys("enter")
	// The typed reason starts from the first template, which the user edits.
	if p := h.post("p2"); p.Status != model.PostRejected || !strings.HasSuffix(p.Reason, "请补充落款") {
		t.Fatalf("p2 after a typed reason: %s %q", p.Status, p.Reason)
	}
}

func TestQuitWaitsForDecisions(t *testing.T) {
	h := newHarness(t)
	// Press a (p3 has a warning: it asks first), then y, but hold the command that writes the
	// decision.
	m, _ := h.m.Update(keyMsg("a"))
	h.m = m
	m, write := h.m.Update(keyMsg("y"))
	h.m = m
	m, cmd := h.m.Update(keyMsg("q"))
	h.m = m
	if cmd != nil {
		if msg := cmd(); msg != nil {
			if _, ok := msg.(tea.QuitMsg); ok {
				t.Fatal("quit while a decision was being written")
			}
		}
	}
	h.run(write)
	if !h.quit {
		t.Fatal("did not quit once the decision was stored")
	}
	if p := h.post("p3"); p.Status != model.PostApproved {
		t.Fatalf("the decision was lost: %s", p.Status)
	}
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

func TestHostileTextIsInert(t *testing.T) {
	hostile := `{"type":"group","id":"g1","name":"群\u001b]0;pwned\u0007","kind":"work"}
{"type":"member","id":"m1","group":"g1","name":"张\u001b[2J伟","nickname":"x\u001b]52;c;aGk=\u0007"}
{"type":"post","id":"p1","group":"g1","author":"m1","time":"2026-06-03T09:30:00+08:00","title":"标题\u001b[H\u001b[2J","body":"清屏\u001b[2J移动\u001b[10;10H标题\u001b]0;新标题\u0007剪贴板\u001b]52;c;ZXZpbA==\u0007响铃\u0007回车\r覆盖\u202e反向"}
`
	st, admin, _ := newStore(t, hostile)
	h := &harness{t: t, st: st, admin: admin, w: 200, h: 50}
	h.open(admin, i18n.ZH)
	h.keys("enter")
	s := sgr.ReplaceAllString(h.screen(), "")
	for _, bad := range []string{"\x1b", "\a", "\r", "\u202e"} {
		if strings.Contains(s, bad) {
			t.Fatalf("the screen holds %q:\n%q", bad, s)
		}
	}
	for _, want := range []string{"␛[2J", "␛]0;新标题␇", "␛]52;c;ZXZpbA==␇", "⟦U+202E⟧"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the screen does not show %q visibly:\n%s", want, s)
		}
	}
	// A lone CR is a line break (internal/inert's rule): it cannot send the cursor back to
	// overwrite the line, and 覆盖 begins the next one.
	lines := strings.Split(s, "\n")
	broken := false
	for i := 0; i+1 < len(lines); i++ {
		broken = broken || strings.HasSuffix(strings.TrimRight(lines[i], " "), "回车") && strings.HasPrefix(strings.TrimLeft(lines[i+1], " "), "覆盖")
	}
	if !broken {
		t.Fatalf("the CR of the body is not a line break:\n%s", s)
	}
}

func TestNoLineWiderThanTheTerminal(t *testing.T) {
	wide := `{"type":"group","id":"g1","name":"第三党支部党员工作交流群（二〇二六年度）👨‍👩‍👧","kind":"party"}
{"type":"member","id":"m1","group":"g1","name":"欧阳娜娜👩🏽‍💻","nickname":"第三党支部-欧阳娜娜🌸🌸🌸"}
{"type":"post","id":"p1","group":"g1","author":"m1","time":"2026-06-03T09:30:00+08:00","title":"关于开展“不忘初心、牢记使命”主题教育学习的通知🎉🎉🎉（第二批）","body":"各支部：\n为深入学习贯彻……请于六月十日前报送学习心得体会，字数不少于一千五百字。加 微 信 abc 了解详情👉👉👉，身份证11010519491231002X。\n——机关党委 2026年6月3日"}
`
	st, admin, _ := newStore(t, wide)
	for _, w := range []int{80, 120, 200} {
		for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
			h := &harness{t: t, st: st, admin: admin, w: w, h: 24 + w/10}
			h.open(admin, lang)
			for _, k := range []string{"", "enter", "enter", "?", "?", "2", "3", "4", "1"} {
				if k != "" {
					h.keys(k)
				}
				for i, l := range strings.Split(h.screen(), "\n") {
					if got := ansi.StringWidth(l); got > w {
						t.Fatalf("width %d, %s, after %q: line %d is %d cells:\n%s", w, lang, k, i, got, ansi.Strip(l))
					}
				}
				if n := strings.Count(h.screen(), "\n") + 1; n > h.h {
					t.Fatalf("width %d: %d lines on a %d-line terminal", w, n, h.h)
				}
			}
		}
	}
}

// TestGolden keeps the view of each of the five panes at 80×24 and 200×50, in Chinese and English, with
// the colours stripped; go test ./ui -update rewrites them.
func TestGolden(t *testing.T) {
	st, admin, _ := newStore(t, fixture(t))
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
			h := &harness{t: t, st: st, admin: admin, w: size[0], h: size[1]}
			h.open(admin, lang)
			for pane := 1; pane <= 5; pane++ {
				h.keys(string(rune('0' + pane)))
				name := filepath.Join("testdata", "golden", strings.Join([]string{"pane" + string(rune('0'+pane)), string(lang), itoa(size[0]) + "x" + itoa(size[1])}, "-")+".txt")
				got := ansi.Strip(h.screen()) + "\n"
				if *update {
					os.MkdirAll(filepath.Dir(name), 0o755)
					if err := os.WriteFile(name, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(name)
				if err != nil {
					t.Fatalf("%v (run go test ./ui -update to write it)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from the golden file:\n%s", name, got)
				}
			}
		}
	}
}

func itoa(n int) string {
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func TestFilterSurvivesADecision(t *testing.T) {
	h := newHarness(t)
	h.keys("/")
	for _, r := range "干部" {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	h.keys("enter")
	if s := h.screen(); strings.Contains(s, "週報") {
		t.Fatalf("the filter does not narrow the list:\n%s", s)
	}
	h.keys("e") // escalate p2: the queue is read again, the query stays
	if p := h.post("p2"); p.Status != model.PostEscalated {
		t.Fatalf("p2: %s", p.Status)
	}
	// An escalated post leaves the administrator's queue for the view of the posts with
	// the secretary (the third view of f), where the query narrows the list as well.
	h.keys("f", "down", "down", "enter")
	if s := h.screen(); strings.Contains(s, "週報") || !strings.Contains(s, "干部任免") {
		t.Fatalf("the filter was lost after a decision:\n%s", s)
	}
}

func TestFilterHighlightsAndFindsByPinyin(t *testing.T) {
	h := newHarness(t)
	h.keys("2", "/")
	for _, r := range "zzq" { // 曾志强: 曾 reads zeng as a surname
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	h.keys("enter")
	s := ansi.Strip(h.screen())
	if !strings.Contains(s, "曾志强") || strings.Contains(s, "單海燕") {
		t.Fatalf("zzq does not find 曾志强 alone:\n%s", s)
	}
	h.keys("esc", "1", "/")
	for _, r := range "支部大会" {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	h.keys("enter")
	if !strings.Contains(h.screen(), "\x1b[") || !strings.Contains(ansi.Strip(h.screen()), "关于召开支部大会的通知") {
		t.Fatalf("the match is not shown:\n%s", h.screen())
	}
}

func TestClickOnATab(t *testing.T) {
	h := newHarness(t)
	// The tab bar: " 1 待审 3 " then " 2 成员 3 " …; a click on the second tab opens the roster.
	first := " 1 待审 3 "
	h.send(tea.MouseClickMsg{X: ansi.StringWidth(first) + 2, Y: 0, Button: tea.MouseLeft})
	if s := ansi.Strip(h.screen()); !strings.Contains(s, "全部成员") {
		t.Fatalf("a click on the roster tab did not open it:\n%s", s)
	}
	h.send(tea.MouseClickMsg{X: 1, Y: 0, Button: tea.MouseLeft})
	if s := ansi.Strip(h.screen()); strings.Contains(s, "全部成员") {
		t.Fatalf("a click on the pending tab did not open it:\n%s", s)
	}
}

// TestDisputeIsShownAndResolved: a post decided differently on another machine comes back in
// the queue with its badge and both decisions, and the administrator's new decision ends it.
func TestDisputeIsShownAndResolved(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	other, err := storage.Open(filepath.Join(dir, "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	admin2, _ := keyring.NewSigner("张管理", model.RoleAdmin, "第三党支部")
	if err := other.Register(admin2); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		st *storage.Store
		s  *model.Signer
	}{{h.st, admin2}, {other, h.admin}, {other, h.sec}} {
		o := p.s.Operator
		if err := p.st.AddTrust(keyring.Trust{Key: o.Key, Name: o.Name, Role: o.Role}); err != nil {
			t.Fatal(err)
		}
	}
	sync := func(from, to *storage.Store, s *model.Signer) {
		b := filepath.Join(dir, "b.qsb")
		if _, err := from.ExportBundle(s, b, storage.ExportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := to.ImportBundles([]string{b}, storage.SyncOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	sync(h.st, other, h.admin)
	svc2 := review.Service{Store: other, Signer: admin2}
	if _, err := svc2.Decide("p1", model.PostReject, "格式不符"); err != nil {
		t.Fatal(err)
	}
	h.keys("j", "a") // p1 approved here, meanwhile rejected there
	sync(other, h.st, admin2)
	h.open(h.admin, i18n.ZH)
	h.keys("j")
	s := h.screen()
	for _, want := range []string{"争议：以下决定互不知情", "王管理  通过", "张管理  驳回: 格式不符"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the dispute does not show %q:\n%s", want, s)
		}
	}
	h.keys("a") // decided again, having seen both
	if p := h.post("p1"); p.Disputed || p.Status != model.PostApproved {
		t.Fatalf("after deciding again: %s disputed=%v", p.Status, p.Disputed)
	}
}

// TestPendingReadsThePostShown: the queue holds summaries; the post under the cursor is read
// whole when the cursor comes to it, "loading" shown meanwhile. A decision that needs the
// post (its reasons name its findings) waits for that read.
func TestPendingReadsThePostShown(t *testing.T) {
	h := newHarness(t)
	if s := h.screen(); !strings.Contains(s, "本週進度正常") {
		t.Fatalf("the detail of the first post is not shown:\n%s", s)
	}
	m, _ := h.m.Update(keyMsg("j")) // to p1, whose read is not run
	h.m = m
	if s := h.screen(); !strings.Contains(s, "关于召开支部大会的通知") || strings.Contains(s, "定于周五下午") || !strings.Contains(s, "正在读取") {
		t.Fatalf("p1 is shown whole before it was read:\n%s", s)
	}
	m, cmd := h.m.Update(keyMsg("r")) // the prompt opens when p1 is read
	h.m = m
	if strings.Contains(h.screen(), "请修改") {
		t.Fatalf("the prompt opened before the post was read:\n%s", h.screen())
	}
	h.run(cmd)
	if s := h.screen(); !strings.Contains(s, "请修改") {
		t.Fatalf("no prompt after the post was read:\n%s", s)
	}
	h.keys("enter")
	if p1 := h.post("p1"); p1.Status != model.PostRejected || p1.Reason == "" {
		t.Fatalf("p1 after r enter: %s %q", p1.Status, p1.Reason)
	}
	h.keys("k") // p3, the first, read and shown whole
	if s := h.screen(); !strings.Contains(s, "本週進度正常") {
		t.Fatalf("p3 is not shown whole:\n%s", s)
	}
}
