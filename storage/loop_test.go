package storage

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qunshen/model"
	"qunshen/review"
)

// loopMore is the second part of the loop's queue: posts the checks stop and plain ones, a
// member whose appeal will be heard, a join of someone not on the roster, a report.
const loopMore = `{"type":"member","id":"wx_b","group":"g1","name":"李娜","nickname":"第三党支部-李娜","branch":"第三党支部","party_member":true}
{"type":"member","id":"wx_c","group":"g1","name":"王强","nickname":"第三党支部-王强","branch":"第三党支部"}
{"type":"post","id":"b1","group":"g1","author":"wx_a","time":"2026-06-05T09:00:00+08:00","title":"报名表","body":"身份证号11010519491231002X，请核对。"}
{"type":"post","id":"b2","group":"g1","author":"wx_b","time":"2026-06-05T09:10:00+08:00","title":"报名","body":"我的身份证号是440304198506153216"}
{"type":"post","id":"n1","group":"g1","author":"wx_b","time":"2026-06-05T09:20:00+08:00","title":"学习安排","body":"周五学习。"}
{"type":"post","id":"n2","group":"g1","author":"wx_b","time":"2026-06-05T09:30:00+08:00","title":"会议通知","body":"周四开会。"}
{"type":"application","id":"j1","group":"g1","member":"wx_new","kind":"join","time":"2026-06-05T10:00:00+08:00","text":"申请入群","name":"赵六","branch":"第三党支部","party_member":true}
{"type":"application","id":"j2","group":"g1","member":"wx_new2","kind":"join","time":"2026-06-05T10:05:00+08:00","text":"申请入群","name":"钱七","nickname":"七七"}
{"type":"application","id":"ap1","group":"g1","member":"wx_c","kind":"appeal","time":"2026-06-06T10:00:00+08:00","text":"移出有误"}
{"type":"application","id":"ap2","group":"g1","member":"wx_b","kind":"appeal","time":"2026-06-06T10:05:00+08:00","text":"警告有误"}
{"type":"report","id":"r2","group":"g1","reporter":"wx_a","member":"wx_b","time":"2026-06-05T11:00:00+08:00","text":"私下拉票"}
`

// importChecked imports a queue with the checks of the built-in policy, as the command line
// does.
func (m *machine) importChecked(content string) {
	m.t.Helper()
	p := filepath.Join(m.dir, "more.jsonl")
	m.check(os.WriteFile(p, []byte(content), 0o600))
	checker := review.NewChecker(review.DefaultPolicy(), nil)
	check, inOrder := checker.ImportChecks()
	_, err := m.st.Import(m.op, []string{p}, ImportOptions{Check: check, InOrder: inOrder, Muted: checker.Muted})
	m.check(err)
}

func (m *machine) service() *review.Service { return &review.Service{Store: m.st, Signer: m.op} }

// outbox is what export decisions writes, through the service: the brief of an add filled.
func (m *machine) outbox() []byte {
	m.t.Helper()
	var b bytes.Buffer
	svc := m.service()
	_, err := WriteOutbox(&b, func(f func(*model.OutboxLine) error) error { return svc.Outbox(time.Time{}, f) })
	m.check(err)
	return b.Bytes()
}

// TestLoopOverSync closes the loop on two machines that meet by bundles, real files both:
// the administrator's decisions (an override, a rejection that records a violation, a
// retraction, an approval undone after it was published, the steps of the ladder, a feedback,
// the answers to appeals) and the secretary's (a join that makes a member, an exit) travel,
// and both machines hold the same state and write the same outbox, every action in it.
func TestLoopOverSync(t *testing.T) {
	ms := network(t, t.TempDir(), "a1:admin", "s1:secretary")
	a1, s1 := ms[0], ms[1]
	a1.importChecked(loopMore)
	s1.importBundles(a1.export("s1"))
	// Imports, of posts and all, make no line of the outbox.
	if out := a1.outbox(); len(out) != 0 {
		t.Fatalf("an import made lines of the outbox:\n%s", out)
	}
	admin, sec := a1.service(), s1.service()
	must := func(m *machine) func(model.Hash, error) {
		return func(_ model.Hash, err error) {
			t.Helper()
			m.check(err)
		}
	}
	must(a1)(admin.DecideWith("b1", model.PostApprove, review.DecideOptions{Override: true, Reason: "本人要求公开"}))
	must(a1)(admin.Decide("b2", model.PostReject, "含身份证号码"))
	must(a1)(admin.Decide("n1", model.PostApprove, ""))
	must(a1)(admin.Retract("n1", "时间有误"))
	must(a1)(admin.Decide("n2", model.PostApprove, ""))
	must(a1)(admin.Decide("n2", model.PostUndo, "误点"))
	// The step of the ladder for the violation found in b2, applied: its sanction, and the
	// member action it calls for, naming it; the next proposal moves on.
	v, _, err := admin.Violation("v-b2-resident-id")
	a1.check(err)
	pr, err := admin.ViolationProposal(v)
	a1.check(err)
	if pr.Step.ID != "criticism" || pr.Report {
		t.Fatalf("the proposal for a resident ID number: %+v", pr)
	}
	applied, err := admin.Sanction(v.ID, "", "公开身份证号码", "zh")
	a1.check(err)
	step := applied.Step.Name("zh")
	m, _, err := a1.st.Member("g1", "wx_b")
	a1.check(err)
	if pr, err := admin.MemberProposal(m); err != nil || pr.Step.ID != "warning" || m.Step != step {
		t.Fatalf("after the step %s (member's %q), the next proposal: %+v %v", step, m.Step, pr, err)
	}
	must(a1)(admin.Act(model.MemberMute, model.MemberKey("g1", "wx_b"), model.ReasonPayload{Reason: "刷屏", Until: time.Now().Add(72 * time.Hour)}))
	must(a1)(admin.Act(model.MemberRestore, model.MemberKey("g1", "wx_b"), model.ReasonPayload{Reason: "提前解除"}))
	must(a1)(admin.Act(model.MemberRemove, model.MemberKey("g1", "wx_c"), model.ReasonPayload{Reason: "多次违规"}))
	must(a1)(admin.Act(model.ViolationFeedback, "r2", model.FeedbackPayload{Text: "已收到，正在核实。"}))
	must(a1)(admin.Act(model.AppealOverturn, "ap1", model.ReasonPayload{Reason: "核实有误，恢复入群"}))
	must(a1)(admin.Act(model.AppealUphold, "ap2", model.ReasonPayload{Reason: "处理得当"}))
	// The secretary, meanwhile: a join of someone not on the roster, and an exit.
	must(s1)(sec.Act(model.ApplicationApprove, "j1", model.ReasonPayload{}))
	must(s1)(sec.Act(model.ApplicationApprove, "j2", model.ReasonPayload{}))
	must(s1)(sec.Act(model.ApplicationApprove, "a1", model.ReasonPayload{Reason: "调离"}))

	s1.importBundles(a1.export("s1"))
	a1.importBundles(s1.export("a1"))
	a1.verify()
	s1.verify()
	if a1.hash() != s1.hash() {
		t.Fatal("the two machines hold different states")
	}
	out := a1.outbox()
	if !bytes.Equal(out, s1.outbox()) {
		t.Fatalf("the two machines write different outboxes:\n%s\n%s", out, s1.outbox())
	}
	if bytes.Contains(out, []byte("0001-01-01")) {
		t.Fatalf("a zero time in the outbox:\n%s", out)
	}
	var lines []model.OutboxLine
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var x model.OutboxLine
		a1.check(json.Unmarshal([]byte(l), &x))
		lines = append(lines, x)
	}
	got := map[string][]model.OutboxLine{}
	for _, l := range lines {
		got[l.Action] = append(got[l.Action], l)
	}
	for _, a := range model.OutboxActions {
		if len(got[a]) == 0 {
			t.Errorf("no %s in the outbox:\n%s", a, out)
		}
	}
	for _, l := range got[model.OutAdd] {
		switch l.Member {
		case "wx_new":
			if l.Name != "赵六" || l.Nickname != "第三党支部-赵六" || l.Application != "j1" || l.By != "s1" || l.Brief == nil ||
				len(l.Brief.Rules) == 0 || !strings.Contains(stringsOf(l.Brief.Negative), "resident-id") {
				t.Errorf("the add of wx_new: %+v", l)
			}
		case "wx_new2":
			if l.Name != "钱七" || l.Nickname != "七七" {
				t.Errorf("the add of wx_new2: %+v", l)
			}
		}
	}
	want := map[string]func(model.OutboxLine) bool{
		model.OutPublish: func(l model.OutboxLine) bool { return l.Post == "b1" && l.Member == "wx_a" },
		model.OutNotify: func(l model.OutboxLine) bool {
			return l.Post == "b2" && l.Decision == "rejected" && l.Reason == "含身份证号码"
		},
		model.OutRetract: func(l model.OutboxLine) bool {
			return l.Post == "n2" && l.Decision == "undone" && l.Reason == "撤销通过：误点"
		},
		model.OutRemove: func(l model.OutboxLine) bool {
			return l.Member == "wx_a" && l.Application == "a1" && l.Reason == "调离"
		},
		model.OutRestore: func(l model.OutboxLine) bool { return l.Member == "wx_c" && l.Application == "ap1" },
		model.OutWarn: func(l model.OutboxLine) bool {
			return l.Member == "wx_b" && l.Violation == "v-b2-resident-id" && l.Step == step
		},
		model.OutMute:   func(l model.OutboxLine) bool { return l.Member == "wx_b" && !l.Until.IsZero() },
		model.OutUnmute: func(l model.OutboxLine) bool { return l.Member == "wx_b" && l.Reason == "提前解除" },
		model.OutFeedback: func(l model.OutboxLine) bool {
			return l.Member == "wx_a" && l.Violation == "r2" && l.Text == "已收到，正在核实。" && l.Decision == "open"
		},
		model.OutAnswer: func(l model.OutboxLine) bool {
			return l.Application == "ap2" && l.Decision == "upheld" && l.Reason == "处理得当"
		},
	}
	for action, ok := range want {
		found := false
		for _, l := range got[action] {
			found = found || ok(l)
		}
		if !found {
			t.Errorf("no such %s in the outbox: %+v", action, got[action])
		}
	}
	// The retract of n1 comes after the publish it reverses.
	at := map[string]int{}
	for i, l := range lines {
		if l.Post == "n1" {
			at[l.Action] = i + 1
		}
	}
	if at[model.OutPublish] == 0 || at[model.OutRetract] <= at[model.OutPublish] {
		t.Fatalf("n1's publish and retract: %v", at)
	}
	// The members the applications made, and a post's lines for its detail.
	if m, _, _ := s1.st.Member("g1", "wx_new"); m.Status != model.MemberActive || m.Name != "赵六" || !m.PartyMember {
		t.Fatalf("the member a join made: %+v", m)
	}
	n1, err := admin.PostOutbox("n1")
	a1.check(err)
	if len(n1) != 2 || n1[0].Action != model.OutPublish || n1[1].Action != model.OutRetract || n1[1].Title != "学习安排" {
		t.Fatalf("n1's lines: %+v", n1)
	}
}

func stringsOf(rs []model.BriefRule) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return strings.Join(out, " ")
}

// TestBlockRuleKeepsHistory: an approval of a post with block findings made by an earlier
// version (its payload without "checked") is admitted as it was made, here and on a machine
// that replays it from a bundle, so that a database's history stays what it was; the same
// approval made now (checked) is refused without an override.
func TestBlockRuleKeepsHistory(t *testing.T) {
	ms := network(t, t.TempDir(), "a1:admin", "a2:admin")
	a1, a2 := ms[0], ms[1]
	a1.importChecked(loopMore)
	seen := 0
	old, _ := json.Marshal(model.ReasonPayload{Seen: &seen})
	if _, err := a1.st.Append(a1.op, model.Draft{Kind: model.PostApprove, Subject: "b1", Payload: old}); err != nil {
		t.Fatalf("an approval made before the rule was refused: %v", err)
	}
	now, _ := json.Marshal(model.ReasonPayload{Seen: &seen, Checked: true})
	if _, err := a1.st.Append(a1.op, model.Draft{Kind: model.PostApprove, Subject: "b2", Payload: now}); err == nil ||
		!strings.Contains(err.Error(), "block findings") {
		t.Fatalf("an approval of a block post without an override: %v", err)
	}
	if _, err := a1.service().Decide("b2", model.PostApprove, ""); err == nil {
		t.Fatal("the service approved a block post without an override")
	}
	a2.importBundles(a1.export("a2"))
	for _, m := range []*machine{a1, a2} {
		p, _, err := m.st.Post("b1")
		m.check(err)
		if p.Status != model.PostApproved {
			t.Fatalf("%s: the earlier approval stands as %s", m.name, p.Status)
		}
		if _, err := m.st.Verify(); err != nil {
			t.Fatalf("%s: verify: %v", m.name, err)
		}
	}
}
