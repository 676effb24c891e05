package ui

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/internal/i18n"
	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// paneBench drives the workbench over a real store: every command runs at once, and its
// message goes back into the app, as bubbletea would do it.
type paneBench struct {
	t     *testing.T
	st    *storage.Store
	admin *model.Signer
	sec   *model.Signer
	now   time.Time
	svc   *review.Service
	app   *App
}

// hostileQueue adds a group whose texts try to take over the terminal, or are merely wide.
const hostileQueue = `{"type":"group","id":"g9","name":"群\u001b]0;pwned\u0007第三党支部党员工作交流群（二〇二六年度）👨‍👩‍👧","kind":"party","nickname_rule":"branch+name","branch":"第三党支部\u202e"}
{"type":"member","id":"m9","group":"g9","name":"欧阳\u001b[2J娜娜👩🏽‍💻","nickname":"x\u001b]52;c;aGk=\u0007🌸🌸🌸第三党支部欧阳娜娜","branch":"第三党支部\r","party_member":true,"last_active":"2026-06-01T10:00:00+08:00"}
{"type":"report","id":"r9","group":"g9","reporter":"m9","member":"m9","time":"2026-06-03T11:00:00+08:00","text":"清屏\u001b[2J移动\u001b[10;10H\u202e反向\u0007响铃，在群里发广告，加 微 信 abc 了解详情👉👉👉，关于开展“不忘初心、牢记使命”主题教育学习的通知🎉🎉🎉（第二批）"}
{"type":"application","id":"a9","group":"g9","member":"m9","kind":"appeal","time":"2026-06-04T09:00:00+08:00","text":"申诉\u001b[2J\u0007：我没有发广告"}
`

// newPaneBench opens a store with an administrator and a secretary, imports the fixture
// (and more), and opens the workbench as the operator. The clock is fixed at the start of
// the test: the store stamps events with the real time, so a mute must end after it, and
// the decisions of the test fall in this week of the reports.
func newPaneBench(t *testing.T, extra string) *paneBench {
	t.Helper()
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	admin, err := keyring.NewSigner("王管理", model.RoleAdmin, "第三党支部")
	if err != nil {
		t.Fatal(err)
	}
	sec, err := keyring.NewSigner("李书记", model.RoleSecretary, "第三党支部")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*model.Signer{admin, sec} {
		if err := st.Register(s); err != nil {
			t.Fatal(err)
		}
	}
	files := []string{filepath.Join("..", "testdata", "queue.jsonl")}
	if extra != "" {
		f := filepath.Join(dir, "extra.jsonl")
		if err := os.WriteFile(f, []byte(extra), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if _, err := st.Import(admin, files, storage.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	b := &paneBench{t: t, st: st, admin: admin, sec: sec, now: time.Now()}
	b.open(admin, i18n.ZH, 120, 40)
	return b
}

func (b *paneBench) open(s *model.Signer, lang i18n.Lang, w, h int) {
	now := b.now
	b.svc = &review.Service{Store: b.st, Signer: s, Clock: func() time.Time { return now }}
	b.app = New(b.svc, lang)
	b.send(tea.WindowSizeMsg{Width: w, Height: h})
	b.exec(b.app.Init())
}

func (b *paneBench) send(msg tea.Msg) {
	_, cmd := b.app.Update(msg)
	b.exec(cmd)
}

var cmdType = reflect.TypeOf((*tea.Cmd)(nil)).Elem()

// exec runs a command and feeds its message back; a batch (tea.BatchMsg) or a sequence (an
// unexported []tea.Cmd) runs its commands in order.
func (b *paneBench) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if msg == nil {
		return
	}
	if _, ok := msg.(tea.QuitMsg); ok {
		return
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
		for i := 0; i < v.Len(); i++ {
			b.exec(v.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	b.send(msg)
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func (b *paneBench) keys(ks ...string) {
	for _, k := range ks {
		b.send(press(k))
	}
}

func (b *paneBench) typeText(s string) {
	for _, r := range s {
		b.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (b *paneBench) screen() string { return b.app.render() }

func (b *paneBench) member(group, id string) model.Member {
	m, ok, err := b.svc.Member(group, id)
	if err != nil || !ok {
		b.t.Fatalf("member %s/%s: %v", group, id, err)
	}
	return m
}

func (b *paneBench) violation(id string) model.Violation {
	vs, err := b.svc.Violations()
	if err != nil {
		b.t.Fatal(err)
	}
	for _, v := range vs {
		if v.ID == id {
			return v
		}
	}
	b.t.Fatalf("no violation %s", id)
	return model.Violation{}
}

func (b *paneBench) application(id string) model.Application {
	as, err := b.svc.Applications()
	if err != nil {
		b.t.Fatal(err)
	}
	for _, a := range as {
		if a.ID == id {
			return a
		}
	}
	b.t.Fatalf("no application %s", id)
	return model.Application{}
}

func hasKey(bs []key.Binding, k key.Binding) bool {
	for _, b := range bs {
		if b.Help() == k.Help() && b.Keys()[0] == k.Keys()[0] {
			return true
		}
	}
	return false
}

func TestRosterWarnMuteRemoveRestore(t *testing.T) {
	b := newPaneBench(t, "")
	b.keys("2")
	s := b.screen()
	for _, want := range []string{"單海燕", "曾志强", "解明", "全部成员 3", "2 成员 3"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the roster does not show %q:\n%s", want, s)
		}
	}
	// The first member is 單海燕 (g1, wx_a), a party member in a party group, with a
	// nickname against the group's rule and no violations: the party ladder's first step.
	if !strings.Contains(s, "不符合") || !strings.Contains(s, "批评教育") {
		t.Fatalf("the detail lacks the nickname verdict or the proposed step:\n%s", s)
	}
	b.keys("w")
	if !b.app.panes[1].busy() || !strings.Contains(b.screen(), "警告成员") {
		t.Fatalf("w opened no prompt:\n%s", b.screen())
	}
	b.typeText("发广告")
	b.keys("enter")
	m := b.member("g1", "wx_a")
	if m.Warnings != 1 || m.Step != "批评教育" {
		t.Fatalf("after w enter: %d warnings, step %q", m.Warnings, m.Step)
	}
	if !strings.Contains(b.screen(), "已警告 單海燕") {
		t.Fatalf("the status does not say the warning is stored:\n%s", b.screen())
	}
	// Warned before the record is read: the step is proposed from the store's record, and
	// the ladder moves on past the step applied.
	clear(b.app.panes[1].(*rosterPane).records)
	b.keys("w", "enter")
	if m := b.member("g1", "wx_a"); m.Warnings != 2 || m.Step != "警告" {
		t.Fatalf("after a second warning: %d warnings, step %q", m.Warnings, m.Step)
	}
	// A mute of 3 days: the second choice of 1, 3, 7, 30.
	b.keys("m", "down", "enter")
	m = b.member("g1", "wx_a")
	if m.Status != model.MemberMuted {
		t.Fatalf("after m: %s", m.Status)
	}
	if want := b.now.AddDate(0, 0, 3); m.MutedUntil.Sub(want).Abs() > time.Second {
		t.Fatalf("muted until %s, want %s", m.MutedUntil, want)
	}
	b.keys("x", "esc") // cancelled: nothing written
	if m := b.member("g1", "wx_a"); m.Status != model.MemberMuted {
		t.Fatalf("a cancelled removal changed the member: %s", m.Status)
	}
	b.keys("x", "enter")
	if m := b.member("g1", "wx_a"); m.Status != model.MemberRemoved {
		t.Fatalf("after x: %s", m.Status)
	}
	b.keys("R", "enter")
	if m := b.member("g1", "wx_a"); m.Status != model.MemberActive || !m.MutedUntil.IsZero() {
		t.Fatalf("after R: %s until %s", m.Status, m.MutedUntil)
	}
	b.keys("R", "enter") // an active member cannot be restored: the store says why
	if !strings.Contains(b.app.errText, "member.restore") {
		t.Fatalf("the refusal is not shown: %q", b.app.errText)
	}
	if b.app.inflight != 0 {
		t.Fatalf("%d actions still in flight", b.app.inflight)
	}
}

func TestRosterListsAndApplications(t *testing.T) {
	b := newPaneBench(t, "")
	b.keys("2", "f")
	s := b.screen()
	// Every member of the fixture has been silent since June (or never spoke); 單海燕's
	// nickname is against the rule.
	for _, want := range []string{"清理候选 3", "久未发言", "昵称不规范"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the cleanup list does not show %q:\n%s", want, s)
		}
	}
	b.keys("f")
	s = b.screen()
	if !strings.Contains(s, "待批申请 1") || !strings.Contains(s, "调离本单位") {
		t.Fatalf("the applications list:\n%s", s)
	}
	// The administrator may not approve an exit: no key offered, and the store refuses.
	if hasKey(b.app.panes[1].keys().ShortHelp(), b.app.km.AppApprove) {
		t.Fatal("the administrator is offered a")
	}
	b.keys("a")
	if !strings.Contains(b.app.errText, "application.approve") || b.application("a1").Status != model.AppPending {
		t.Fatalf("an administrator approved an exit: %q %s", b.app.errText, b.application("a1").Status)
	}
	// The secretary approves it: the member has left.
	b.open(b.sec, i18n.ZH, 120, 40)
	b.keys("2", "f", "f")
	if !hasKey(b.app.panes[1].keys().ShortHelp(), b.app.km.AppApprove) {
		t.Fatal("the secretary is not offered a")
	}
	if hasKey(b.app.panes[1].keys().ShortHelp(), b.app.km.Warn) {
		t.Fatal("the secretary is offered w")
	}
	b.keys("a", "enter")
	if a := b.application("a1"); a.Status != model.AppApproved {
		t.Fatalf("a1 after a: %s", a.Status)
	}
	if m := b.member("g1", "wx_a"); m.Status != model.MemberExited {
		t.Fatalf("wx_a after the exit: %s", m.Status)
	}
	if s := b.screen(); !strings.Contains(s, "待批申请 0") || !strings.Contains(s, "已批准申请 a1") {
		t.Fatalf("after the approval:\n%s", s)
	}
}

func TestRosterAppeal(t *testing.T) {
	b := newPaneBench(t, hostileQueue)
	// m9 of g9 has an open appeal; remove them first, then overturn it from the roster.
	b.keys("2", "G") // the last member: m9
	b.keys("x", "enter")
	if m := b.member("g9", "m9"); m.Status != model.MemberRemoved {
		t.Fatalf("after x: %s", m.Status)
	}
	if !hasKey(b.app.panes[1].keys().ShortHelp(), b.app.km.Appeal) {
		t.Fatal("p is not offered on a member with an open appeal")
	}
	b.keys("p", "down", "enter")
	if a := b.application("a9"); a.Status != model.AppApproved {
		t.Fatalf("a9 after the overturn: %s", a.Status)
	}
	if m := b.member("g9", "m9"); m.Status != model.MemberActive {
		t.Fatalf("m9 after the overturn: %s", m.Status)
	}
	b.keys("p") // no appeal open any more
	if b.app.panes[1].busy() || !strings.Contains(b.screen(), "没有待处理的申诉") {
		t.Fatalf("p without an appeal:\n%s", b.screen())
	}
}

func TestViolationsVerifySanctionFeedbackAppeal(t *testing.T) {
	b := newPaneBench(t, "")
	b.keys("3")
	s := b.screen()
	for _, want := range []string{"3 违规 1", "單海燕", "群众举报", "待核实", "在群里发广告", "批评教育"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the violations pane does not show %q:\n%s", want, s)
		}
	}
	b.keys("s") // not verified yet: the store refuses
	if v := b.violation("r1"); v.Status != model.ViolationOpen || !strings.Contains(b.app.errText, "violation.sanction") {
		t.Fatalf("sanction before verify: %s %q", v.Status, b.app.errText)
	}
	b.keys("v")
	if v := b.violation("r1"); v.Status != model.ViolationVerified {
		t.Fatalf("after v: %s", v.Status)
	}
	if b.app.errText != "" || !strings.Contains(b.screen(), "3 违规 0") {
		t.Fatalf("after v: %q\n%s", b.app.errText, b.screen())
	}
	b.keys("s")
	if s := b.screen(); !strings.Contains(s, "批评教育") || !strings.Contains(s, "← 建议") {
		t.Fatalf("the ladder picker:\n%s", s)
	}
	b.keys("enter")
	v := b.violation("r1")
	if v.Status != model.ViolationSanctioned || v.Sanction != "批评教育" {
		t.Fatalf("after s enter: %s %q", v.Status, v.Sanction)
	}
	if m := b.member("g1", "wx_a"); m.Step != "批评教育" {
		t.Fatalf("the member's step: %q", m.Step)
	}
	b.keys("f")
	b.typeText("谢谢")
	b.keys("enter")
	if v := b.violation("r1"); !strings.HasPrefix(v.Feedback, "经核实") || !strings.HasSuffix(v.Feedback, "谢谢") {
		t.Fatalf("feedback: %q", v.Feedback)
	}
	b.keys("p", "enter") // upheld, the first choice
	if v := b.violation("r1"); v.Appeal != model.AppealUpheld || v.Status != model.ViolationSanctioned {
		t.Fatalf("after the appeal: %q %s", v.Appeal, v.Status)
	}
	b.keys("p") // answered already: refused
	if !strings.Contains(b.app.errText, "violation.appeal") {
		t.Fatalf("a second appeal outcome: %q", b.app.errText)
	}
	if b.app.inflight != 0 {
		t.Fatalf("%d actions still in flight", b.app.inflight)
	}
}

func TestViolationsChooseAnotherStepAndDismiss(t *testing.T) {
	b := newPaneBench(t, hostileQueue)
	b.keys("3")
	// Newest first: r9 (g9, 11:00) and r1 (g1, 11:00) at the same time; by id, r9 first.
	b.keys("v", "s", "down", "down", "enter") // the third step of the party ladder
	if v := b.violation("r9"); v.Status != model.ViolationSanctioned || v.Sanction != "党内通报批评" {
		t.Fatalf("r9: %s %q", v.Status, v.Sanction)
	}
	b.keys("j", "d", "esc")
	if v := b.violation("r1"); v.Status != model.ViolationOpen {
		t.Fatalf("r1 after d esc: %s", v.Status)
	}
	b.keys("d", "enter")
	if v := b.violation("r1"); v.Status != model.ViolationDismissed {
		t.Fatalf("r1 after d: %s", v.Status)
	}
	// A secretary verifies and dismisses, but neither sanctions nor answers the reporter.
	b.open(b.sec, i18n.ZH, 120, 40)
	b.keys("3")
	ks := b.app.panes[2].keys().ShortHelp()
	if !hasKey(ks, b.app.km.Verify) || hasKey(ks, b.app.km.Sanction) || hasKey(ks, b.app.km.Feedback) {
		t.Fatalf("the secretary's keys: %v", ks)
	}
}

var sgrRe = regexp.MustCompile("\x1b\\[[0-9;:]*m")

func stripSGR(s string) string { return sgrRe.ReplaceAllString(s, "") }

func TestNicknameRule(t *testing.T) {
	g := model.Group{Branch: "第三党支部"}
	for _, c := range []struct {
		rule, nick, name, branch string
		ok                       bool
	}{
		{"branch+name", "第三党支部-张伟", "张伟", "第三党支部", true},
		{"branch+name", "第三党支部张伟", "张伟", "", true},  // the group's branch
		{"branch+name", "第三黨支部 張偉", "张伟", "", true}, // traditional, spaced
		{"branch+name", "张伟", "张伟", "第三党支部", false},
		{"branch+name", "🌸小燕", "单海燕", "第三党支部", false},
		{"dept+name", "办公室-李娜", "李娜", "办公室", true},
		{"name", "李娜（办公室）", "李娜", "", true},
		{"name", "娜娜", "李娜", "", false},
		{"", "随便", "李娜", "", true},
	} {
		m := model.Member{Name: c.name, Nickname: c.nick, Branch: c.branch}
		if got := nicknameOK(c.rule, g, m); got != c.ok {
			t.Errorf("%s %q for %s: %v", c.rule, c.nick, c.name, got)
		}
	}
}

// TestPanesFitTheTerminal draws every pane, its detail zoomed and its prompts, at three sizes
// and in both languages, over wide and hostile texts: no line is wider than the terminal,
// there are no more lines than it has, nothing from the data reaches it as a control
// sequence, and no catalogue key is missing.
func TestPanesFitTheTerminal(t *testing.T) {
	b := newPaneBench(t, hostileQueue)
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 50}} {
		for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
			w, h := size[0], size[1]
			b.open(b.admin, lang, w, h)
			steps := [][]string{
				{"2"}, {"G"}, {"enter"}, {"enter"}, {"w"}, {"esc"}, {"m"}, {"esc"}, {"p"}, {"esc"},
				{"f"}, {"f"}, {"G"}, {"r"}, {"esc"}, {"/"}, {"esc"}, {"f"},
				{"3"}, {"enter"}, {"enter"}, {"s"}, {"f"}, {"esc"}, {"d"}, {"esc"}, {"v"}, {"s"}, {"esc"},
				{"4"}, {"["}, {"j"}, {"G"}, {"]"},
			}
			for _, ks := range steps {
				b.keys(ks...)
				screen := b.screen()
				lines := strings.Split(screen, "\n")
				if len(lines) > h {
					t.Fatalf("%dx%d %s after %v: %d lines", w, h, lang, ks, len(lines))
				}
				for i, l := range lines {
					if got := Width(l); got > w {
						t.Fatalf("%dx%d %s after %v: line %d is %d cells:\n%s", w, h, lang, ks, i, got, stripSGR(screen))
					}
				}
				plain := stripSGR(screen)
				for _, bad := range []string{"\x1b", "\a", "\r", "\u202e"} {
					if strings.Contains(plain, bad) {
						t.Fatalf("%dx%d %s after %v: the screen holds %q", w, h, lang, ks, bad)
					}
				}
				if strings.Contains(plain, "%!") || strings.Contains(plain, "%s") || strings.Contains(plain, "%d") {
					t.Fatalf("%dx%d %s after %v: a catalogue string and its arguments disagree:\n%s", w, h, lang, ks, plain)
				}
				for _, prefix := range []string{"roster.", "viol.", "report."} {
					if strings.Contains(plain, prefix) {
						t.Fatalf("%dx%d %s after %v: a key missing from the catalogue:\n%s", w, h, lang, ks, plain)
					}
				}
			}
			// Each pane's view on its own keeps to its size, also below the frame's minimum.
			for _, p := range b.app.panes[1:] { // the pending pane is not ours
				for _, sz := range [][2]int{{w, h - 3}, {20, 3}, {1, 1}} {
					v := p.view(sz[0], sz[1])
					if n := len(strings.Split(v, "\n")); n > max(sz[1], 1) {
						t.Fatalf("%s at %dx%d: %d lines", p.titleKey(), sz[0], sz[1], n)
					}
					for _, l := range strings.Split(v, "\n") {
						if Width(l) > sz[0] {
							t.Fatalf("%s at %dx%d: a line of %d cells: %q", p.titleKey(), sz[0], sz[1], Width(l), stripSGR(l))
						}
					}
				}
			}
		}
	}
	// The hostile texts are there, made visible.
	b.open(b.admin, i18n.ZH, 200, 50)
	b.keys("3")
	if s := stripSGR(b.screen()); !strings.Contains(s, "␛[2J") {
		t.Fatalf("the hostile report is not shown visibly:\n%s", s)
	}
}

// TestPaneStringsAreInTheCatalogue checks every key the panes make from data: a missing one
// would show as the key itself.
func TestPaneStringsAreInTheCatalogue(t *testing.T) {
	keys := []string{"roster.mode.0", "roster.mode.1", "roster.mode.2", "roster.sep"}
	for _, k := range []model.Kind{model.MemberWarn, model.MemberMute, model.MemberRemove, model.MemberRestore,
		model.ApplicationApprove, model.ApplicationRefuse, model.AppealUphold, model.AppealOverturn} {
		keys = append(keys, "roster.done."+string(k), "roster.ask."+string(k))
	}
	for _, k := range []model.Kind{model.ViolationVerify, model.ViolationSanction, model.ViolationDismiss, model.ViolationFeedback, model.ViolationAppeal} {
		keys = append(keys, "viol.done."+string(k))
	}
	for _, k := range []model.ApplicationKind{model.AppJoin, model.AppExit, model.AppAppeal} {
		keys = append(keys, "roster.app."+string(k))
	}
	for _, r := range []string{"branch+name", "dept+name", "name"} {
		keys = append(keys, "roster.rule."+r)
	}
	for _, r := range []model.MemberRole{model.MemberOwner, model.MemberAdmin, model.MemberPlain} {
		keys = append(keys, "roster.role."+string(r))
	}
	for _, s := range []string{model.SourceCheck, model.SourceAdmin, model.SourceComplaint} {
		keys = append(keys, "viol.source."+s)
	}
	for _, a := range []string{model.AppealUpheld, model.AppealOverturned} {
		keys = append(keys, "viol.appeal."+a)
	}
	for _, s := range model.ViolationStatuses {
		keys = append(keys, "viol.feedback."+string(s), "violation."+string(s))
	}
	for _, s := range model.MemberStatuses {
		keys = append(keys, "member."+string(s))
	}
	for _, k := range review.ReviewDecisions {
		keys = append(keys, "report.posts."+string(k), "report.f."+string(k))
	}
	for _, r := range review.DefaultPolicy().Rules {
		keys = append(keys, "report.cat."+r.Category)
	}
	for _, k := range keys {
		for _, l := range []i18n.Lang{i18n.ZH, i18n.EN} {
			if i18n.T(l, k) == k {
				t.Errorf("%s: no %s string", k, l)
			}
		}
	}
}
