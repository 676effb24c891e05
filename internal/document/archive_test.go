package document

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// archiveQueue is the fixture of the archive: two groups, posts of every theme and status, a
// confidentiality mark found by the checks, a hostile post, and posts on both sides of the
// bounds of October 2026 in China time.
const archiveQueue = `{"type":"group","id":"g1","name":"第三党支部党员群","kind":"party","owner":"wx_owner"}
{"type":"group","id":"g2","name":"城东项目群","kind":"work","owner":"wx_pm"}
{"type":"member","id":"wx_owner","group":"g1","name":"曾志强","role":"owner"}
{"type":"member","id":"wx_a","group":"g1","name":"單海燕"}
{"type":"member","id":"wx_pm","group":"g2","name":"解明","role":"owner"}
{"type":"member","id":"wx_b","group":"g2","name":"张伟"}
{"type":"post","id":"n1","group":"g1","author":"wx_a","time":"2026-10-08T09:30:00+08:00","title":"关于召开支部大会的通知","body":"定于周五下午召开支部大会。\n——第三党支部 2026年10月8日"}
{"type":"post","id":"n2","group":"g1","author":"wx_owner","time":"2026-10-09T10:00:00+08:00","title":"国庆后值班安排","body":"请按表轮流值班。"}
{"type":"post","id":"n3","group":"g1","author":"wx_owner","time":"2026-10-10T11:00:00+08:00","title":"支部大会會議紀要","body":"经表决，会议通过了年度计划。"}
{"type":"post","id":"n4","group":"g1","author":"wx_a","time":"2026-10-11T12:00:00+08:00","title":"大家的想法","body":"我觉得可以再讨论一下。"}
{"type":"post","id":"n5","group":"g1","author":"wx_owner","time":"2026-10-12T08:00:00+08:00","title":"人事","body":"关于干部任免的重大事项，会议决定如下。"}
{"type":"post","id":"n6","group":"g1","author":"wx_owner","time":"2026-10-13T09:00:00+08:00","title":"材料","body":"本文为内部资料，不得外传。"}
{"type":"post","id":"n7","group":"g1","author":"wx_a","time":"2026-10-14T09:00:00+08:00","title":"待审的通知","body":"还没审。"}
{"type":"post","id":"n8","group":"g1","author":"wx_a","time":"2026-10-15T09:00:00+08:00","title":"被驳回的通知","body":"驳回。"}
{"type":"post","id":"n9","group":"g1","author":"wx_a","time":"2026-10-16T09:00:00+08:00","title":"待修改的安排","body":"修改。"}
{"type":"post","id":"n10","group":"g1","author":"wx_owner","time":"2026-10-17T09:00:00+08:00","title":"重大事项","body":"重大事项，待书记审签。"}
{"type":"post","id":"n11","group":"g1","author":"wx_a","time":"2026-10-31T23:59:59+08:00","title":"月末闲谈","body":"十月最后一分钟。"}
{"type":"post","id":"n12","group":"g1","author":"wx_a","time":"2026-11-01T00:00:00+08:00","title":"十一月第一条","body":"十一月。"}
{"type":"post","id":"n13","group":"g1","author":"wx_a","time":"2026-09-30T23:59:59+08:00","title":"九月最后一条","body":"九月。"}
{"type":"post","id":"n14","group":"g1","author":"wx_a","time":"2026-10-20T09:00:00+08:00","title":"<script>alert(1)</script>","body":"\u001b[2J\u001b]0;pwned\u0007清屏 \u202egnp.exe\u202c </div><script>alert(2)</script> &amp; *粗* _斜_ [链接](http://x) | 表 | $x$\n# 标题\n1. 列表\n- 列表\n> 引用\n` + "```" + `"}
{"type":"post","id":"m1","group":"g2","author":"wx_b","time":"2026-10-08T09:30:00+08:00","title":"项目部署计划","body":"第一周完成场地准备。"}
{"type":"post","id":"m0","group":"g2","author":"wx_pm","time":"2026-10-08T09:30:00+08:00","title":"关于材料问题的答复","body":"已解决。"}
`

// env is a database of the workbench with an administrator and a secretary registered.
type env struct {
	t     *testing.T
	dir   string
	st    *storage.Store
	admin *model.Signer
	sec   *model.Signer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir()}
	st, err := storage.Open(filepath.Join(e.dir, "qunshen.db"))
	e.check(err)
	e.st = st
	t.Cleanup(func() { st.Close() })
	e.admin, err = keyring.NewSigner("王管理", model.RoleAdmin, "第三党支部")
	e.check(err)
	e.sec, err = keyring.NewSigner("李书记", model.RoleSecretary, "第三党支部")
	e.check(err)
	for _, s := range []*model.Signer{e.admin, e.sec} {
		e.check(e.st.Register(s))
	}
	return e
}

func (e *env) check(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) file(name, content string) string {
	p := filepath.Join(e.dir, name)
	e.check(os.WriteFile(p, []byte(content), 0o600))
	return p
}

type archiveEnv struct {
	*env
	owner *model.Signer
}

// newArchiveEnv builds the fixture: the queue imported with the checks, the decisions taken
// through the service, and posts from a chat's history (published, pinned, marked
// confidential, recalled) appended as the chat export's events.
func newArchiveEnv(t *testing.T) *archiveEnv {
	e := &archiveEnv{env: newEnv(t)}
	var err error
	e.owner, err = keyring.NewSigner("曾群主", model.RoleOwner, "第三党支部")
	e.check(err)
	e.check(e.st.Register(e.owner))
	check, inOrder := review.NewChecker(review.DefaultPolicy(), nil).ImportChecks()
	_, err = e.st.Import(e.admin, []string{e.file("archive.jsonl", archiveQueue)}, storage.ImportOptions{Check: check, InOrder: inOrder})
	e.check(err)
	admin := review.Service{Store: e.st, Signer: e.admin}
	sec := review.Service{Store: e.st, Signer: e.sec}
	for _, d := range []struct {
		svc    *review.Service
		post   string
		kind   model.Kind
		reason string
	}{
		{&admin, "n1", model.PostApprove, ""}, {&admin, "n2", model.PostApprove, ""}, {&admin, "n3", model.PostApprove, ""},
		{&admin, "n4", model.PostApprove, ""}, {&admin, "n5", model.PostEscalate, ""}, {&sec, "n5", model.PostSignOff, ""},
		{&admin, "n6", model.PostEscalate, ""}, {&sec, "n6", model.PostSignOff, ""},
		{&admin, "n8", model.PostReject, "不符合要求"}, {&admin, "n9", model.PostChanges, "请补充落款"},
		{&admin, "n10", model.PostEscalate, ""}, {&admin, "n11", model.PostApprove, ""}, {&admin, "n12", model.PostApprove, ""},
		{&admin, "n13", model.PostApprove, ""}, {&admin, "n14", model.PostApprove, ""},
		{&admin, "m1", model.PostApprove, ""}, {&admin, "m0", model.PostApprove, ""},
	} {
		if _, err := d.svc.Decide(d.post, d.kind, d.reason); err != nil {
			t.Fatalf("%s %s: %v", d.kind, d.post, err)
		}
	}
	// From the chat's history: h1 published and pinned, h2 published and marked confidential,
	// h3 published and recalled by its author.
	history := []model.Post{
		{ID: "h1", Group: "g1", Author: "wx_owner", Time: at("2026-10-05T08:00:00+08:00"), Title: "随便聊聊", Body: "本周六义务劳动，请大家准时参加。", FromHistory: true},
		{ID: "h2", Group: "g1", Author: "wx_owner", Time: at("2026-10-06T08:00:00+08:00"), Title: "工作计划", Body: "下季度工作计划。", FromHistory: true, Confidential: true},
		{ID: "h3", Group: "g1", Author: "wx_a", Time: at("2026-10-07T08:00:00+08:00"), Title: "发错了", Body: "撤回。", FromHistory: true},
	}
	for i := range history {
		raw, err := json.Marshal(&history[i])
		e.check(err)
		_, err = e.st.Append(e.admin, model.Draft{Kind: model.PostSubmit, Subject: history[i].ID, Payload: raw})
		e.check(err)
	}
	mark, _ := json.Marshal(model.MarkPayload{Time: at("2026-10-05T09:00:00+08:00")})
	_, err = e.st.Append(e.admin, model.Draft{Kind: model.PostPin, Subject: "h1", Payload: mark},
		model.Draft{Kind: model.PostRecall, Subject: "h3", Payload: mark})
	e.check(err)
	return e
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func (e *archiveEnv) build(req review.ArchiveRequest) *model.Archive {
	e.t.Helper()
	if req.Operator.Name == "" {
		req.Operator = e.admin.Operator
	}
	if req.Now.IsZero() {
		req.Now = at("2026-11-02T10:00:00+08:00")
	}
	a, err := review.BuildArchive(e.st, req)
	e.check(err)
	return a
}

func period(t *testing.T, s string) *review.Period {
	t.Helper()
	p, err := review.ParsePeriod(s, at("2026-11-02T10:00:00+08:00"))
	if err != nil {
		t.Fatal(err)
	}
	return &p
}

// layout is an archive as text: per group, its posts as id:theme in order, and the left-out count.
func layout(a *model.Archive) []string {
	var out []string
	for _, g := range a.Groups {
		s := g.Group.ID + ":"
		for _, e := range g.Entries {
			s += " " + e.Post.ID + "=" + string(e.Theme)
		}
		if g.LeftOut > 0 {
			s += " (" + string(rune('0'+g.LeftOut)) + " left out)"
		}
		out = append(out, s)
	}
	return out
}

func TestArchiveChoosesPublishedPostsInOrder(t *testing.T) {
	e := newArchiveEnv(t)
	a := e.build(review.ArchiveRequest{Period: period(t, "2026-10")})
	want := []string{
		"g1: h1=notice n1=notice n2=arrangement n3=resolution n4=discussion n5=resolution n14=discussion n11=discussion (2 left out)",
		"g2: m0=resolution m1=arrangement",
	}
	if got := layout(a); !slices.Equal(got, want) {
		t.Fatalf("archive of 2026-10:\n got %q\nwant %q", got, want)
	}
	if a.Count() != 10 || a.LeftOut() != 2 || a.PeriodLabel != "2026-10" {
		t.Fatalf("count %d, left out %d, period %q", a.Count(), a.LeftOut(), a.PeriodLabel)
	}
	if got := a.Groups[0].Entries[1].AuthorName; got != "單海燕" {
		t.Fatalf("author name %q", got)
	}

	// One group; the bounds of the period are China time days.
	a = e.build(review.ArchiveRequest{Groups: []string{"g1"}, Period: period(t, "2026-11-01")})
	if got := layout(a); !slices.Equal(got, []string{"g1: n12=discussion"}) {
		t.Fatalf("archive of 2026-11-01: %q", got)
	}
	a = e.build(review.ArchiveRequest{Groups: []string{"g2"}, Period: period(t, "2026-09")})
	if got := layout(a); !slices.Equal(got, []string{"g2:"}) {
		t.Fatalf("a group named is shown even when empty: %q", got)
	}
	a = e.build(review.ArchiveRequest{Period: period(t, "2026-09-30..2026-10-05")})
	if got := layout(a); !slices.Equal(got, []string{"g1: n13=discussion h1=notice"}) {
		t.Fatalf("archive of 2026-09-30..2026-10-05: %q", got)
	}
	// All time: every published post of every group.
	if a := e.build(review.ArchiveRequest{}); a.Count() != 12 || a.LeftOut() != 2 {
		t.Fatalf("all time: %q", layout(a))
	}
	if _, err := review.BuildArchive(e.st, review.ArchiveRequest{Groups: []string{"g9"}, Operator: e.admin.Operator}); err == nil || !strings.Contains(err.Error(), `unknown group "g9"`) {
		t.Fatalf("unknown group: %v", err)
	}
}

func TestArchiveConfidentialNeedsTheRole(t *testing.T) {
	e := newArchiveEnv(t)
	req := review.ArchiveRequest{Groups: []string{"g1"}, Period: period(t, "2026-10"), IncludeConfidential: true}
	req.Operator = e.admin.Operator
	var ce *model.ConfidentialArchiveError
	if _, err := review.BuildArchive(e.st, req); !errors.As(err, &ce) || !strings.Contains(err.Error(), "GO 五(二)2") {
		t.Fatalf("an administrator included confidential posts: %v", err)
	}
	for _, s := range []*model.Signer{e.owner, e.sec} {
		req.Operator = s.Operator
		a := e.build(req)
		want := "g1: h1=notice h2=arrangement n1=notice n2=arrangement n3=resolution n4=discussion n5=resolution n6=discussion n14=discussion n11=discussion"
		if got := layout(a); len(got) != 1 || got[0] != want {
			t.Fatalf("%s with confidential posts:\n got %q\nwant %q", s.Operator.Role, got, want)
		}
	}
	for _, r := range model.Roles {
		want := r != model.RoleAdmin
		if model.MayArchiveConfidential(r) != want {
			t.Errorf("MayArchiveConfidential(%s) = %v", r, !want)
		}
	}
}
