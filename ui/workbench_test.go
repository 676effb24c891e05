package ui_test

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qunshen/internal/i18n"
	"qunshen/model"
	"qunshen/review"
	"qunshen/ui"
)

// morePosts add to the fixture a post with a bank card (a block finding), a major matter,
// and a long one, for the questions, the views and the scrolling.
const morePosts = `{"type":"post","id":"p4","group":"g2","author":"wx_pm","time":"2026-06-03T11:00:00+08:00","title":"报销","body":"报销款请打到我的工资卡：622609855617890051（工商银行）。\n——项目部 解明 2026年6月3日"}
{"type":"post","id":"p5","group":"g1","author":"wx_owner","time":"2026-06-03T12:00:00+08:00","title":"人事安排","body":"关于人事安排的重大事项，请审签。\n——第三党支部 2026年6月3日","major":true}
{"type":"post","id":"p6","group":"g1","author":"wx_a","time":"2026-06-03T13:00:00+08:00","title":"学习安排","body":"第一行\n第二行\n第三行\n第四行\n第五行\n第六行\n第七行\n第八行\n第九行\n第十行\n第十一行\n第十二行\n第十三行\n第十四行\n第十五行\n第十六行\n第十七行\n第十八行\n第十九行\n最后一行\n——第三党支部 2026年6月3日"}
`

// moreHarness opens the workbench at a size on the fixture and morePosts, the store's clock
// fixed, so that the times of the decisions are the same in every run.
func moreHarness(t *testing.T, w, h int) *harness {
	st, admin, sec := newStoreAt(t, fixture(t)+morePosts, clock)
	hr := &harness{t: t, st: st, admin: admin, sec: sec, w: w, h: h}
	hr.open(admin, i18n.ZH)
	return hr
}

func (h *harness) plain() string { return ansi.Strip(h.screen()) }

func (h *harness) app() *ui.App { return h.m.(*ui.App) }

// typeText types a text into what has the keyboard.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// goTo moves the cursor of the Pending pane to the post with this title.
func (h *harness) goTo(title string) {
	h.t.Helper()
	h.keys("g")
	for range 20 {
		for _, l := range strings.Split(h.plain(), "\n") {
			if strings.Contains(l, title) && strings.Contains(h.screen(), "\x1b[7m") && selected(h.screen(), title) {
				return
			}
		}
		h.keys("j")
	}
	h.t.Fatalf("no post %q:\n%s", title, h.plain())
}

// selected reports whether the row drawn reversed (the cursor's) holds text.
func selected(screen, text string) bool {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "\x1b[7m") && strings.Contains(ansi.Strip(l), text) && !strings.Contains(ansi.Strip(l), "|") {
			return true
		}
	}
	return false
}

func TestWarnAsksFirst(t *testing.T) {
	h := moreHarness(t, 120, 40)
	h.goTo("週報") // p3: 加微信, a warning
	h.keys("a")
	if s := h.plain(); !strings.Contains(s, "此信息有 1 项提醒：广告、推销、拉票（ST 五(一)4）") || !strings.Contains(s, "按 y 或再按 a 通过") {
		t.Fatalf("a on a post with a warning:\n%s", s)
	}
	if p := h.post("p3"); p.Status != model.PostPending {
		t.Fatalf("approved before the answer: %s", p.Status)
	}
	h.keys("j", "r", "n") // other keys are no answer; n is
	if p := h.post("p3"); p.Status != model.PostPending || !strings.Contains(h.plain(), "已取消，未作任何决定") {
		t.Fatalf("after n: %s\n%s", p.Status, h.plain())
	}
	h.keys("a", "a") // a again
	if p := h.post("p3"); p.Status != model.PostApproved {
		t.Fatalf("after a a: %s", p.Status)
	}
}

func TestBlockFindingNeedsAReason(t *testing.T) {
	h := moreHarness(t, 120, 40)
	h.goTo("报销") // p4: a bank card
	before := h.events()
	h.keys("a")
	s := h.plain()
	for _, want := range []string{"此信息有禁止类问题，不能直接通过", "银行卡号（ST 五(一)2） «622609855617890051»", "放行理由："} {
		if !strings.Contains(s, want) {
			t.Fatalf("the override question lacks %q:\n%s", want, s)
		}
	}
	if h.events() != before {
		t.Fatal("decided before the reason")
	}
	h.keys("esc")
	h2 := h
	h2.keys("a", "enter") // an empty reason cancels
	if p := h2.post("p4"); p.Status != model.PostPending || h2.events() != before || !strings.Contains(h2.plain(), "已取消") {
		t.Fatalf("an empty reason: %s\n%s", p.Status, h2.plain())
	}
	h2.keys("a", "esc")
	if p := h2.post("p4"); p.Status != model.PostPending || h2.events() != before {
		t.Fatalf("esc: %s", p.Status)
	}
	h2.keys("a")
	h2.typeText("已核实为单位对公账户")
	h2.keys("enter")
	p := h2.post("p4")
	if p.Status != model.PostApproved {
		t.Fatalf("with a reason: %s\n%s", p.Status, h2.plain())
	}
	if d := p.History[len(p.History)-1]; !strings.Contains(d.Reason, "已核实为单位对公账户") {
		t.Fatalf("the reason is not recorded: %+v", d)
	}
}

func TestMajorMatterSaysEscalate(t *testing.T) {
	h := moreHarness(t, 120, 40)
	h.goTo("人事安排")
	before := h.events()
	h.keys("a")
	s := h.plain()
	if h.events() != before || !strings.Contains(s, "此信息须经支部书记审签后方可发布（PM 三(三)2）") || !strings.Contains(strings.Join(strings.Fields(s), ""), "请按e提交书记") {
		t.Fatalf("a on a major matter:\n%s", s)
	}
	h.keys("2")
	if strings.Contains(h.plain(), "须经支部书记审签") {
		t.Fatalf("the message stayed on another pane:\n%s", h.plain())
	}
	h.keys("@")
	if s := h.plain(); !strings.Contains(s, "消息记录") || !strings.Contains(s, "须经支部书记审签") {
		t.Fatalf("the log does not keep it:\n%s", s)
	}
	h.keys("@")
	if strings.Contains(h.plain(), "消息记录") {
		t.Fatal("@ did not close the log")
	}
}

// A refusal of the service is told in the user's language with what to do.
func TestRefusalSaysWhatToDo(t *testing.T) {
	h := moreHarness(t, 200, 50)
	h.keys("s") // an administrator cannot sign off
	s := h.plain()
	if !strings.Contains(s, "群管理员无权执行“审签”（post.signoff），只有支部书记可以") || !strings.Contains(s, "如需发布，请按 e 提交支部书记审签") {
		t.Fatalf("the refusal:\n%s", s)
	}
	h.open(h.admin, i18n.EN)
	h.keys("s")
	if s := h.plain(); !strings.Contains(s, "the role admin may not take the action post.signoff (only secretary); a department head holds the secretary's powers over a department's groups; to publish it, press e") {
		t.Fatalf("the refusal in English:\n%s", s)
	}
}

func TestBatchWithMarks(t *testing.T) {
	h := moreHarness(t, 120, 40)
	// The queue: p3 08:00, p1 09:30, p2 10:00 (major), p4 11:00 (block), p5 12:00 (major), p6.
	h.keys("space", "space", "space", "space") // p3, p1, p2, p4
	if s := h.plain(); !strings.Contains(s, "已选 4") {
		t.Fatalf("the marks are not counted:\n%s", s)
	}
	before := h.events()
	h.keys("a")
	s := h.plain()
	for _, want := range []string{"对已选的 2 条信息执行“通过”？", "1 条有禁止类问题，不在此批", "1 条须书记审签，不在此批", "1 条有提醒类问题", "按 y 确定，n 取消"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the batch's question lacks %q:\n%s", want, s)
		}
	}
	if h.events() != before {
		t.Fatal("decided before the answer")
	}
	h.keys("y")
	for id, want := range map[string]model.PostStatus{"p3": model.PostApproved, "p1": model.PostApproved, "p2": model.PostPending, "p4": model.PostPending} {
		if p := h.post(id); p.Status != want {
			t.Fatalf("%s after the batch: %s, want %s", id, p.Status, want)
		}
	}
	if h.events() != before+2 || strings.Contains(h.plain(), "已选") {
		t.Fatalf("%d events; marks:\n%s", h.events()-before, h.plain())
	}
	// Undo undoes the batch: both posts, one undo each.
	h.keys("u")
	for _, id := range []string{"p3", "p1"} {
		if p := h.post(id); p.Status != model.PostPending {
			t.Fatalf("%s after undo: %s", id, p.Status)
		}
	}
	if h.events() != before+4 || !strings.Contains(h.plain(), "已撤销 2 条决定") {
		t.Fatalf("undo of the batch: %d events\n%s", h.events()-before, h.plain())
	}
}

func TestHiddenMarksAreSaid(t *testing.T) {
	h := moreHarness(t, 120, 40)
	h.keys("space") // p3
	h.keys("/")
	h.typeText("干部")
	h.keys("enter")
	if s := h.plain(); !strings.Contains(s, "已选 1（1 条未显示）") || !strings.Contains(s, "/干部  1 条") {
		t.Fatalf("a filter hiding the mark:\n%s", s)
	}
	before := h.events()
	h.keys("e")
	if s := h.plain(); !strings.Contains(s, "对已选的 1 条信息执行“提交书记”？") || !strings.Contains(s, "其中 1 条当前未显示") {
		t.Fatalf("the question does not say the mark is hidden:\n%s", s)
	}
	h.keys("n")
	if h.events() != before || h.post("p3").Status != model.PostPending {
		t.Fatal("n decided")
	}
	h.keys("esc", "+") // the filter gone: every post of the queue marked
	if s := h.plain(); !strings.Contains(s, "已选 6") {
		t.Fatalf("+ did not mark all shown:\n%s", s)
	}
	h.keys("-")
	if s := h.plain(); strings.Contains(s, "已选 6") || !strings.Contains(s, "已清除 6 条选中") {
		t.Fatalf("- did not clear the marks:\n%s", s)
	}
}

func TestViews(t *testing.T) {
	h := moreHarness(t, 120, 40)
	h.goTo("人事安排")
	h.keys("e") // p5 to the secretary
	h.open(h.sec, i18n.ZH)
	h.keys("b", "enter") // returned, with the first reason
	if p := h.post("p5"); p.Status != model.PostReturned {
		t.Fatalf("p5: %s", p.Status)
	}
	h.open(h.admin, i18n.ZH)
	s := h.plain()
	// The returned post comes first in the administrator's queue.
	if i, j := strings.Index(s, "人事安排"), strings.Index(s, "週報"); i < 0 || j < 0 || i > j || !strings.Contains(s, "<") {
		t.Fatalf("the returned post is not first:\n%s", s)
	}
	h.keys("f")
	s = h.plain()
	for _, want := range []string{"我的待审", "书记退回", "已提交书记", "有检查结果", "含禁止类", "须书记审签", "仅有提醒", "已通过与已发布"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the views lack %q:\n%s", want, s)
		}
	}
	h.keys("down", "down", "down", "down", "enter") // 含禁止类
	s = h.plain()
	if !strings.Contains(s, "含禁止类 1") || !strings.Contains(s, "报销") || strings.Contains(s, "週報") {
		t.Fatalf("the view of block findings:\n%s", s)
	}
	h.keys("f", "down", "down", "down", "enter") // 已通过与已发布: none yet
	h.keys("f", "g", "enter", "j")               // back to the queue: p3 (the first post after p5)
	h.keys("a", "y")                             // approved: it leaves the queue for the published view
	h.keys("f", "G", "enter")
	if s := h.plain(); !strings.Contains(s, "已通过与已发布 1") || !strings.Contains(s, "週報") {
		t.Fatalf("the published view:\n%s", s)
	}
	h.keys("o") // newest first
	if s := h.plain(); !strings.Contains(s, "最新的在前") {
		t.Fatalf("o:\n%s", s)
	}
	// An escalated post leaves the administrator's queue, for its own view.
	h.keys("f", "g", "enter")
	h.goTo("干部任免")
	h.keys("e")
	if s := h.plain(); strings.Contains(s, "干部任免") {
		t.Fatalf("the escalated post stays in the queue:\n%s", s)
	}
	h.keys("f", "down", "down", "enter")
	if s := h.plain(); !strings.Contains(s, "已提交书记 1") || !strings.Contains(s, "干部任免") {
		t.Fatalf("the view of the escalated:\n%s", s)
	}
}

func TestFullScreenScrollsAndMoves(t *testing.T) {
	h := moreHarness(t, 80, 24)
	h.goTo("学习安排")
	h.keys("enter")
	s := h.plain()
	if !strings.Contains(s, "第 6/6 条") || !strings.Contains(s, "第一行") || strings.Contains(s, "最后一行") {
		t.Fatalf("the post full-screen:\n%s", s)
	}
	h.send(tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl})
	h.keys("j", "j", "j", "j", "j", "j", "j", "j")
	if s := h.plain(); !strings.Contains(s, "最后一行") || !strings.Contains(s, "学习安排") {
		t.Fatalf("the post did not scroll (its title stays):\n%s", s)
	}
	h.keys("space")
	if s := h.plain(); !strings.Contains(s, "[已选]") || !strings.Contains(s, "第 6/6 条") || !strings.Contains(s, "已选 1") {
		t.Fatalf("space in the full-screen view:\n%s", s)
	}
	h.keys("p")
	if s := h.plain(); !strings.Contains(s, "第 5/6 条") || !strings.Contains(s, "人事安排") {
		t.Fatalf("p:\n%s", s)
	}
	h.keys("n", "esc")
	if s := h.plain(); !strings.Contains(s, "我的待审") {
		t.Fatalf("esc did not go back to the list:\n%s", s)
	}
}

// At 80×24, in both languages and every pane, the help line ends with the keys of help and
// quit, and the lists have their column headings.
func TestSmallTerminalKeepsTheEssentials(t *testing.T) {
	h := moreHarness(t, 80, 24)
	for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
		h.open(h.admin, lang)
		k := []string{"? 帮助  q 退出", "? help  q quit"}[map[i18n.Lang]int{i18n.ZH: 0, i18n.EN: 1}[lang]]
		for _, pane := range []string{"1", "2", "3", "4"} {
			h.keys(pane)
			lines := strings.Split(h.plain(), "\n")
			if last := strings.TrimRight(lines[len(lines)-1], " "); !strings.HasSuffix(last, k) {
				t.Fatalf("%s pane %s: the help line is %q", lang, pane, last)
			}
		}
	}
}

func TestReportsOpenOnTheLatestPeriodWithData(t *testing.T) {
	st, admin, _ := newStore(t, fixture(t))
	h := &harness{t: t, st: st, admin: admin, w: 120, h: 40}
	later := func() time.Time { return time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC) }
	h.m = ui.New(fixedService{&review.Service{Store: st, Signer: admin, Clock: later}}, i18n.ZH)
	h.send(tea.WindowSizeMsg{Width: h.w, Height: h.h})
	h.run(h.m.Init())
	h.keys("4")
	s := h.plain()
	if !strings.Contains(s, "监督统计  2026-06") || !strings.Contains(s, "本期 2026-12 没有数据，显示往前 6 期、最近有数据的一期（按 ] 向后翻）") {
		t.Fatalf("the Reports pane:\n%s", s)
	}
	h.keys("]")
	if s := h.plain(); !strings.Contains(s, "监督统计  2026-07") || strings.Contains(s, "没有数据") {
		t.Fatalf("] after the jump:\n%s", s)
	}
}

func TestMouse(t *testing.T) {
	h := moreHarness(t, 120, 40)
	// Line 0 the tabs, 1 the view, 2 the column headings, 3 the first post: the third is at 5.
	h.plain() // drawn once, as bubbletea draws after every message
	h.send(tea.MouseClickMsg{X: 10, Y: 5, Button: tea.MouseLeft})
	if !selected(h.screen(), "干部任免") {
		t.Fatalf("a click on the third row:\n%s", h.plain())
	}
	h.send(tea.MouseWheelMsg{X: 10, Y: 5, Button: tea.MouseWheelDown})
	if !selected(h.screen(), "学习安排") {
		t.Fatalf("the wheel did not move down three rows:\n%s", h.plain())
	}
	if v := h.m.View(); v.MouseMode != tea.MouseModeCellMotion {
		t.Fatal("the mouse is not taken")
	}
	h.m = ui.New(fixedService{&review.Service{Store: h.st, Signer: h.admin, Clock: clock}}, i18n.ZH, ui.WithoutMouse())
	if v := h.m.View(); v.MouseMode != tea.MouseModeNone {
		t.Fatal("--no-mouse took the mouse")
	}
}

func TestTimesInTheZoneChosen(t *testing.T) {
	st, admin, _ := newStore(t, fixture(t))
	h := &harness{t: t, st: st, admin: admin, w: 120, h: 40}
	loc, err := review.ParseZone("-05:00")
	if err != nil {
		t.Fatal(err)
	}
	h.m = ui.New(fixedService{&review.Service{Store: st, Signer: admin, Clock: clock}}, i18n.ZH, ui.WithZone(loc))
	h.send(tea.WindowSizeMsg{Width: h.w, Height: h.h})
	h.run(h.m.Init())
	// p3, 08:00 in China, is 19:00 the day before at UTC-5.
	if s := h.plain(); !strings.Contains(s, "06-02 19:00") {
		t.Fatalf("the times are not at UTC-5:\n%s", s)
	}
	h.keys("?")
	if s := h.plain(); !strings.Contains(s, "时间均为UTC-05:00") {
		t.Fatalf("the ? screen does not name the zone:\n%s", s)
	}
}
