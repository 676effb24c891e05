package ui_test

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"qunshen/model"
	"qunshen/review"

	"github.com/charmbracelet/x/ansi"
)

func TestOverrideIsRecorded(t *testing.T) {
	h := moreHarness(t, 200, 50)
	h.goTo("报销") // p4: a bank card
	h.keys("a")
	h.typeText("对公账户，已核实")
	h.keys("enter")
	p := h.post("p4")
	if p.Status != model.PostApproved {
		t.Fatalf("p4: %s\n%s", p.Status, h.plain())
	}
	d := p.History[len(p.History)-1]
	if !slices.Equal(d.Override, []string{"bank-card"}) || d.Reason != "对公账户，已核实" {
		t.Fatalf("the override is not recorded: %+v", d)
	}
	if s := h.plain(); !strings.Contains(s, "禁止类问题的放行理由已记录") {
		t.Fatalf("the message does not say so:\n%s", s)
	}
	// In the published view, its decisions say so, and what the chat side was told.
	h.keys("f", "G", "enter")
	h.goTo("报销")
	s := h.plain()
	for _, want := range []string{"王管理  通过（越过拦截：银行卡号）: 对公账户，已核实", "告知聊天端", "发布"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the detail lacks %q:\n%s", want, s)
		}
	}
}

func TestRetractFromThePublishedView(t *testing.T) {
	h := moreHarness(t, 120, 40)
	h.goTo("关于召开支部大会的通知") // p1: an info finding only
	h.keys("a")
	if p := h.post("p1"); p.Status != model.PostApproved {
		t.Fatalf("p1: %s", p.Status)
	}
	h.keys("f", "G", "enter") // the published view
	if s := h.plain(); !strings.Contains(s, "x 撤回已发布的信息") {
		t.Fatalf("the published view does not offer x:\n%s", s)
	}
	h.keys("x")
	s := h.plain()
	if !strings.Contains(s, "撤回时会告知群内和发布者理由（CW 三(四)2）") || !strings.Contains(s, "该信息内容有误，现予撤回，特此说明。") {
		t.Fatalf("the retraction's prompt:\n%s", s)
	}
	h.keys("esc")
	if p := h.post("p1"); p.Status != model.PostApproved {
		t.Fatalf("esc retracted: %s", p.Status)
	}
	h.keys("x", "down", "enter") // the first template of the general ones: this post has no rule's
	p := h.post("p1")
	if p.Status != model.PostRetracted || !strings.Contains(p.Reason, "现予撤回") {
		t.Fatalf("p1 after x: %s %q", p.Status, p.Reason)
	}
	lines, err := h.st.PostOutbox("p1")
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, l := range lines {
		actions = append(actions, l.Action)
	}
	if !slices.Equal(actions, []string{model.OutPublish, model.OutRetract}) {
		t.Fatalf("the outbox of p1: %v", actions)
	}
	if s := h.plain(); !strings.Contains(s, "已撤回已发布的信息：1 条") && !strings.Contains(s, "：1 条") {
		t.Fatalf("the message:\n%s", s)
	}
}

func TestRecordAViolationFromAPost(t *testing.T) {
	h := moreHarness(t, 120, 40)
	h.goTo("週報") // p3: 加微信, the rule ads
	h.keys("v")
	s := h.plain()
	if !strings.Contains(s, "记录违规 — 解明") || !strings.Contains(s, "广告、推销、拉票（ST 五(一)4） ← 本信息的检查结果") {
		t.Fatalf("the prompt:\n%s", s)
	}
	h.typeText("多次发布引流信息")
	h.keys("enter")
	vs, err := h.st.Violations()
	if err != nil {
		t.Fatal(err)
	}
	var got *model.Violation
	for i := range vs {
		if vs[i].Post == "p3" {
			got = &vs[i]
		}
	}
	if got == nil || got.Rule != "ads" || got.Source != model.SourceAdmin || got.Text != "多次发布引流信息" || got.Member != "wx_pm" || got.Status != model.ViolationOpen {
		t.Fatalf("the violation recorded: %+v", got)
	}
	if s := h.plain(); !strings.Contains(s, "已记录 解明 的违规，待核实") {
		t.Fatalf("the message:\n%s", s)
	}
	h.keys("3")
	if s := h.plain(); !strings.Contains(s, "3 违规 2") || !strings.Contains(s, "广告、推销") {
		t.Fatalf("the Violations pane does not show it:\n%s", s)
	}
}

// Rejecting a post for a block finding records a violation against its author, which the
// Violations pane shows; undoing the rejection dismisses it.
func TestRejectionRecordsAViolation(t *testing.T) {
	h := moreHarness(t, 120, 40)
	h.goTo("报销")
	h.keys("r", "enter")
	if p := h.post("p4"); p.Status != model.PostRejected {
		t.Fatalf("p4: %s", p.Status)
	}
	v, ok, err := h.st.Violation(review.CheckViolationID("p4", "bank-card", 1))
	if err != nil || !ok || v.Status != model.ViolationVerified {
		t.Fatalf("no violation from the rejection: %+v %v %v", v, ok, err)
	}
	h.keys("3")
	if s := h.plain(); !strings.Contains(s, "银行卡号") {
		t.Fatalf("the Violations pane:\n%s", s)
	}
	h.keys("1", "u")
	if v, _, _ := h.st.Violation(v.ID); v.Status != model.ViolationDismissed {
		t.Fatalf("the undo left the violation %s", v.Status)
	}
}

// At 80×24 the list of rules scrolls with its cursor, the note's line in sight under it.
func TestRecordPromptScrolls(t *testing.T) {
	h := moreHarness(t, 80, 24)
	h.goTo("週報")
	h.keys("v")
	for range 30 {
		h.keys("down")
	}
	s := h.screen()
	body := strings.Join(strings.Split(s, "\n")[1:], "\n") // the tab bar aside
	if !strings.Contains(body, "\x1b[7m") || !strings.Contains(ansi.Strip(s), "备注（可不填）：") {
		t.Fatalf("the cursor or the note's line is out of sight:\n%s", ansi.Strip(s))
	}
	h.keys("esc")
}

// TestOverrideWaitsForThePost: the question before a post with block findings is approved
// names its findings, which the list does not hold: pressed before the post is read, it is
// asked once the read comes, and the post is not approved meanwhile.
func TestOverrideWaitsForThePost(t *testing.T) {
	h := moreHarness(t, 200, 50)
	var cmd tea.Cmd
	for range 20 { // down to p4, no read run
		if selected(h.screen(), "报销") {
			break
		}
		h.m, _ = h.m.Update(keyMsg("j"))
	}
	if !selected(h.screen(), "报销") {
		t.Fatalf("no post 报销:\n%s", h.plain())
	}
	if s := h.plain(); !strings.Contains(s, "正在读取") || strings.Contains(s, "622609855617890051") {
		t.Fatalf("p4 is shown whole before it was read:\n%s", s)
	}
	h.m, cmd = h.m.Update(keyMsg("a"))
	if s := h.plain(); strings.Contains(s, "不能直接") {
		t.Fatalf("the question was asked before the post was read:\n%s", s)
	}
	if p := h.post("p4"); p.Status != model.PostPending {
		t.Fatalf("p4 decided before the question: %s", p.Status)
	}
	h.run(cmd)
	if s := h.plain(); !strings.Contains(s, "不能直接") || !strings.Contains(s, "银行卡号") {
		t.Fatalf("no question naming the finding after the post was read:\n%s", s)
	}
	h.keys("esc")
	if p := h.post("p4"); p.Status != model.PostPending {
		t.Fatalf("p4 after esc: %s", p.Status)
	}
}
