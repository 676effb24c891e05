package review_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qunshen/internal/i18n"
	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// loopStore is a database in a temporary folder with an administrator and a secretary, and
// the queue imported with the checks of the built-in policy.
func loopStore(t *testing.T, queue string) (*storage.Store, *review.Service, *review.Service) {
	t.Helper()
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	admin, _ := keyring.NewSigner("王管理", model.RoleAdmin, "")
	sec, _ := keyring.NewSigner("李书记", model.RoleSecretary, "")
	for _, s := range []*model.Signer{admin, sec} {
		if err := st.Register(s); err != nil {
			t.Fatal(err)
		}
	}
	importChecked(t, st, admin, queue)
	return st, &review.Service{Store: st, Signer: admin}, &review.Service{Store: st, Signer: sec}
}

func importChecked(t *testing.T, st *storage.Store, s *model.Signer, queue string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "queue.jsonl")
	if err := os.WriteFile(f, []byte(queue), 0o600); err != nil {
		t.Fatal(err)
	}
	checker := review.NewChecker(review.DefaultPolicy(), nil)
	check, inOrder := checker.ImportChecks()
	if _, err := st.Import(s, []string{f}, storage.ImportOptions{Check: check, InOrder: inOrder, Muted: checker.Muted}); err != nil {
		t.Fatal(err)
	}
}

const loopQueue = `{"type":"group","id":"g1","name":"第三党支部党员群","kind":"party","branch":"第三党支部","nickname_rule":"branch+name"}
{"type":"member","id":"wx_a","group":"g1","name":"张伟","nickname":"第三党支部-张伟"}
{"type":"member","id":"wx_b","group":"g1","name":"李娜","nickname":"第三党支部-李娜"}
{"type":"post","id":"n1","group":"g1","author":"wx_a","time":"2026-06-03T09:20:00+08:00","title":"学习安排","body":"周五学习。"}
{"type":"report","id":"r1","group":"g1","reporter":"wx_a","member":"wx_b","time":"2026-06-03T11:00:00+08:00","text":"发广告"}
{"type":"application","id":"j1","group":"g1","member":"wx_new","kind":"join","time":"2026-06-04T09:00:00+08:00","name":"赵六"}
`

// Bad input is refused with a clear message in the user's language, and nothing is applied:
// an application approved twice (by the fold too, for an event that comes another way); a
// feedback on a dismissed report.
func TestLoopRefusals(t *testing.T) {
	st, admin, sec := loopStore(t, loopQueue)
	if _, err := sec.Act(model.ApplicationApprove, "j1", model.ReasonPayload{}); err != nil {
		t.Fatal(err)
	}
	before, _ := st.StateHash()
	_, err := sec.DecideApplication("j1", model.ApplicationApprove, "")
	if err == nil || !strings.Contains(i18n.Explain(i18n.ZH, err), "该申请已由 李书记 作出决定") ||
		!strings.Contains(i18n.Explain(i18n.EN, err), "it was decided already, by 李书记") {
		t.Fatalf("an application approved twice: %v / %s", err, i18n.Explain(i18n.ZH, err))
	}
	if _, err := sec.Act(model.ApplicationApprove, "j1", model.ReasonPayload{}); err == nil || !strings.Contains(i18n.Explain(i18n.ZH, err), "该申请已由 李书记 作出决定") {
		t.Fatalf("an application approved twice, in the fold: %v", err)
	}
	if after, _ := st.StateHash(); after != before {
		t.Fatal("a refused approval changed the state")
	}
	// A report dismissed tells its reporter with the dismissal, and takes no feedback after:
	// refused by the service, and by the fold for an event that comes another way.
	if _, err := admin.Dismiss("r1", "经核实，未发现违反群规的情况，感谢监督。"); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := admin.Violation("r1"); v.Status != model.ViolationDismissed || v.Feedback == "" || v.FeedbackAt.Before(v.DismissedAt) {
		t.Fatalf("r1 after its dismissal: %+v", v)
	}
	var told model.OutboxLine
	if err := admin.Outbox(time.Time{}, func(l *model.OutboxLine) error {
		if l.Action == model.OutFeedback && l.Violation == "r1" {
			told = *l
		}
		return nil
	}); err != nil || told.Decision != "dismissed" || told.Member != "wx_a" {
		t.Fatalf("the reporter's line: %+v (%v)", told, err)
	}
	before, _ = st.StateHash()
	_, err = admin.Feedback("r1", "再说一次")
	if err == nil || !strings.Contains(i18n.Explain(i18n.ZH, err), "该举报已不予处理") {
		t.Fatalf("a feedback on a dismissed report: %v", err)
	}
	_, err = admin.Act(model.ViolationFeedback, "r1", model.FeedbackPayload{Text: "再说一次"})
	if err == nil || !strings.Contains(i18n.Explain(i18n.ZH, err), "该举报已不予处理") {
		t.Fatalf("a feedback on a dismissed report, in the fold: %v", err)
	}
	if after, _ := st.StateHash(); after != before {
		t.Fatal("a refused action changed the state")
	}
	if _, err := st.Verify(); err != nil {
		t.Fatal(err)
	}
}

// A post submitted while its author was muted carries the finding that says so, with its
// clause; one submitted after the mute ended does not.
func TestMutedAuthorFinding(t *testing.T) {
	st, admin, _ := loopStore(t, loopQueue)
	now := time.Now().UTC().Truncate(time.Second)
	until := now.Add(7 * 24 * time.Hour)
	if _, err := admin.Act(model.MemberMute, model.MemberKey("g1", "wx_b"), model.ReasonPayload{Reason: "刷屏", Until: until}); err != nil {
		t.Fatal(err)
	}
	during, after := now.Add(24*time.Hour).Format(time.RFC3339), now.Add(10*24*time.Hour).Format(time.RFC3339)
	importChecked(t, st, admin.Signer, `{"type":"post","id":"m1","group":"g1","author":"wx_b","time":"`+during+`","title":"通知","body":"明天开会。"}
{"type":"post","id":"m2","group":"g1","author":"wx_b","time":"`+after+`","title":"通知","body":"后天开会。"}
{"type":"post","id":"m3","group":"g1","author":"wx_a","time":"`+during+`","title":"通知","body":"下周开会。"}
`)
	has := func(id string) bool {
		p, _, _ := st.Post(id)
		for _, f := range p.Findings {
			if f.Rule == "muted" && f.Clause == "ST 五(二)1" && f.Severity == review.Info {
				return true
			}
		}
		return false
	}
	if !has("m1") || has("m2") || has("m3") {
		t.Fatalf("the muted finding: m1 %v, m2 %v, m3 %v", has("m1"), has("m2"), has("m3"))
	}
	if _, err := st.Verify(); err != nil {
		t.Fatal(err)
	}
}
