package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qunshen/model"
	"qunshen/storage"
)

// loopQueue is a party group whose posts carry what the checks stop: a resident ID number
// (a block finding), and plain notices.
const loopQueue = `{"type":"group","id":"g1","name":"第三党支部党员群","kind":"party","branch":"第三党支部","nickname_rule":"branch+name"}
{"type":"group","id":"g2","name":"城东项目群","kind":"project","project_end":"2026-05-30T00:00:00+08:00"}
{"type":"member","id":"wx_a","group":"g1","name":"张伟","nickname":"第三党支部-张伟","party_member":true}
{"type":"member","id":"wx_b","group":"g1","name":"李娜","nickname":"第三党支部-李娜","party_member":true}
{"type":"member","id":"wx_c","group":"g2","name":"王强"}
{"type":"post","id":"b1","group":"g1","author":"wx_a","time":"2026-06-03T09:00:00+08:00","title":"报名表","body":"身份证号11010519491231002X，请核对。"}
{"type":"post","id":"b2","group":"g1","author":"wx_b","time":"2026-06-03T09:10:00+08:00","title":"报名","body":"我的身份证号是440304198506153216"}
{"type":"post","id":"n1","group":"g1","author":"wx_a","time":"2026-06-03T09:20:00+08:00","title":"学习安排","body":"周五学习。"}
{"type":"post","id":"n2","group":"g1","author":"wx_b","time":"2026-06-03T09:30:00+08:00","title":"会议通知","body":"周四开会。"}
{"type":"post","id":"n3","group":"g1","author":"wx_a","time":"2026-06-03T09:40:00+08:00","title":"周报","body":"本周进度正常。"}
`

// loopCLI is a database with an administrator, a secretary and a supervisor, and loopQueue
// imported.
func loopCLI(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t)
	c.ok("init", "--name", "王管理", "--role", "admin")
	c.ok("init", "--name", "李书记", "--role", "secretary")
	c.ok("init", "--name", "周监督", "--role", "supervisor")
	q := filepath.Join(t.TempDir(), "loop.jsonl")
	if err := os.WriteFile(q, []byte(loopQueue), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("import", q)
	return c
}

// outbox is what export decisions writes, line by line.
func (c *cli) outbox() []model.OutboxLine {
	c.t.Helper()
	var out []model.OutboxLine
	for _, line := range strings.Split(strings.TrimSpace(c.ok("export", "decisions", "-o", "-")), "\n") {
		if line == "" {
			continue
		}
		var l model.OutboxLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			c.t.Fatalf("line %q: %v", line, err)
		}
		if strings.Contains(line, "0001-01-01") {
			c.t.Fatalf("a zero time in %s", line)
		}
		out = append(out, l)
	}
	return out
}

// linesOf are the actions of the outbox's lines on a post: "publish", "retract undone" …
func linesOf(lines []model.OutboxLine, post string) string {
	var out []string
	for _, l := range lines {
		if l.Post == post {
			out = append(out, strings.TrimSpace(l.Action+" "+l.Decision))
		}
	}
	return strings.Join(out, ", ")
}

// Block means block: a post with a resident ID number is not approved without an override, an
// override needs a reason and a block finding to override, and one made is kept in the post's
// history and counted in the report, in every format.
func TestCLIBlockMeansBlock(t *testing.T) {
	c := loopCLI(t)
	before := c.status()
	c.fails("it has block findings (resident-id): it is published only by an override with a reason", "decide", "b1", "approve")
	// --override without a reason: a usage error, in the user's language, nothing applied.
	_, errs, code := zh(t, c.db, "decide", "b1", "approve", "--override")
	if code != 2 || !strings.Contains(errs, "--override 须用 --reason 说明越过拦截的理由") {
		t.Fatalf("--override without a reason: exit %d, %q", code, errs)
	}
	c.fails("post n1 has no block finding to override", "decide", "n1", "approve", "--override", "--reason", "同意")
	c.fails("--override goes with approve or signoff", "decide", "b1", "reject", "--override", "--reason", "x")
	if s := c.status(); s.State != before.State || s.Events != before.Events {
		t.Fatal("a refused decision changed the state")
	}
	out := c.ok("decide", "b1", "approve", "--override", "--reason", "本人要求公开，已核实")
	if !strings.Contains(out, "post b1: approved") || !strings.Contains(out, "overrode: resident-id; why: 本人要求公开，已核实") {
		t.Fatalf("decide --override: %s", out)
	}
	p := postOf(t, c, "b1")
	d := p.History[len(p.History)-1]
	if d.Actor != "王管理" || strings.Join(d.Override, ",") != "resident-id" || d.Reason != "本人要求公开，已核实" || p.Reason != "" {
		t.Fatalf("the override in the history: %+v (post reason %q)", d, p.Reason)
	}
	if got := linesOf(c.outbox(), "b1"); got != "publish" {
		t.Fatalf("b1's lines: %q", got)
	}
	// show: the override in the history, and what the chat side was told.
	if out := c.ok("show", "b1"); !strings.Contains(out, "overrode: resident-id") || !strings.Contains(out, "Told the chat side:") || !strings.Contains(out, "publish") {
		t.Fatalf("show b1:\n%s", out)
	}
	var shown struct {
		History []struct {
			Override []string `json:"override"`
		} `json:"history"`
		Outbox []model.OutboxLine `json:"outbox"`
	}
	if err := json.Unmarshal([]byte(c.ok("show", "b1", "--json")), &shown); err != nil || len(shown.History) != 1 ||
		strings.Join(shown.History[0].Override, ",") != "resident-id" || len(shown.Outbox) != 1 || shown.Outbox[0].Action != "publish" {
		t.Fatalf("show b1 --json: %+v (%v)", shown, err)
	}
	period := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")
	md := c.ok("--as", "周监督", "report", "--period", period)
	if !strings.Contains(md, "| approved over block findings (overrides) | 1 | 0 | +1 |") {
		t.Fatalf("the override is not in the Markdown report:\n%s", md)
	}
	csv := c.ok("--as", "周监督", "report", "--period", period, "--format", "csv")
	if !strings.Contains(csv, "approved over block findings (overrides),1,0,+1") {
		t.Fatalf("the override is not in the CSV report:\n%s", csv)
	}
	js := c.ok("--as", "周监督", "report", "--period", period, "--format", "json")
	if !strings.Contains(js, `"key": "report.f.overrides"`) || !strings.Contains(js, `"cur": 1,`) {
		t.Fatalf("the override is not in the JSON report:\n%s", js)
	}
	c.ok("verify")
}

// A rejection for a block finding records the violation against the author with its rule and
// clause, once per post and rule; its undo dismisses it; an administrator records one by hand.
func TestCLIViolationsFromFindings(t *testing.T) {
	c := loopCLI(t)
	out := c.ok("decide", "b2", "reject", "--reason", "含身份证号码，请删除后重新提交")
	if !strings.Contains(out, "violation v-b2-resident-id recorded: member wx_b, rule resident-id (ST 五(一)2)") {
		t.Fatalf("reject: %s", out)
	}
	if s := c.status(); s.Violations["verified"] != 1 {
		t.Fatalf("violations %v", s.Violations)
	}
	c.ok("decide", "b2", "undo")
	if s := c.status(); s.Violations["verified"] != 0 || s.Violations["dismissed"] != 1 {
		t.Fatalf("after the undo: violations %v", s.Violations)
	}
	c.ok("decide", "b2", "changes", "--reason", "请删除身份证号码")
	if s := c.status(); s.Violations["verified"] != 1 || s.Violations["dismissed"] != 1 {
		t.Fatalf("after the second rejection: violations %v", s.Violations)
	}
	vs := violationsOf(t, c, "g1", "wx_b")
	if len(vs) != 2 || vs[0].ID != "v-b2-resident-id-2" || vs[0].Clause != "ST 五(一)2" || vs[0].Source != model.SourceCheck ||
		vs[0].Post != "b2" || vs[0].Severity != "block" || vs[0].Status != model.ViolationVerified {
		t.Fatalf("wx_b's record: %+v", vs)
	}
	// The author is told, and the chat side learns nothing else of b2.
	if got := linesOf(c.outbox(), "b2"); got != "notify rejected, notify changes-requested" {
		t.Fatalf("b2's lines: %q", got)
	}
	// By hand: a rule of the policy, in a post or of a member.
	out = c.ok("violation", "record", "--post", "n1", "--rule", "ads", "--note", "私下推销")
	if !strings.Contains(out, "member wx_a of group g1, rule ads (ST 五(一)4), open") {
		t.Fatalf("violation record: %s", out)
	}
	c.ok("violation", "record", "--member", "wx_b", "--group", "g1", "--rule", "abuse", "--note", "群内辱骂")
	c.fails("the policy has no rule \"nosuch\"", "violation", "record", "--post", "n1", "--rule", "nosuch", "--note", "x")
	c.fails("want --post, or --member and --group", "violation", "record", "--member", "wx_b", "--rule", "ads", "--note", "x")
	c.fails("not both", "violation", "record", "--post", "n1", "--member", "wx_b", "--group", "g1", "--rule", "ads", "--note", "x")
	c.fails("no member \"wx_z\" in group \"g1\"", "violation", "record", "--member", "wx_z", "--group", "g1", "--rule", "ads", "--note", "x")
	c.fails("the role secretary may not take the action violation.record", "--as", "李书记", "violation", "record", "--post", "n1", "--rule", "ads", "--note", "x")
	vs = violationsOf(t, c, "g1", "wx_b")
	if len(vs) != 3 || vs[0].Source != model.SourceAdmin || vs[0].Rule != "abuse" || vs[0].Clause != "CW 三(二)4" || vs[0].Text != "群内辱骂" ||
		vs[0].Severity != "block" || !strings.HasPrefix(vs[0].ID, "V-") {
		t.Fatalf("recorded by hand: %+v", vs[0])
	}
	c.ok("verify")
}

// Retraction and correction: a published post is retracted with the group told why, after the
// publish it reverses; an approval undone after it was published is a retract too; a pending
// post cannot be retracted.
func TestCLIRetract(t *testing.T) {
	c := loopCLI(t)
	c.ok("decide", "n1", "approve")
	c.fails("retraction tells the group and the author why", "decide", "n1", "retract")
	out := c.ok("decide", "n1", "retract", "--reason", "时间有误，已更正")
	if !strings.Contains(out, "post n1: retracted") {
		t.Fatalf("retract: %s", out)
	}
	c.ok("decide", "n2", "approve")
	c.ok("decide", "n2", "undo", "--reason", "误点通过")
	before := c.status()
	c.fails("only a published post (approved, signed off, or from the chat's history) can be retracted", "decide", "n3", "retract", "--reason", "x")
	_, errs, code := zh(t, c.db, "decide", "n3", "retract", "--reason", "x")
	if code != 1 || !strings.Contains(errs, "只有已发布的信息") {
		t.Fatalf("retracting a pending post, in Chinese: exit %d, %q", code, errs)
	}
	if s := c.status(); s.State != before.State {
		t.Fatal("a refused retraction changed the state")
	}
	lines := c.outbox()
	if got := linesOf(lines, "n1"); got != "publish, retract retracted" {
		t.Fatalf("n1's lines: %q", got)
	}
	if got := linesOf(lines, "n2"); got != "publish, retract undone" {
		t.Fatalf("n2's lines: %q", got)
	}
	for _, l := range lines {
		if l.Action == model.OutRetract && l.Post == "n1" && (l.Reason != "时间有误，已更正" || l.Member != "wx_a" || l.Title != "学习安排" || l.By != "王管理") {
			t.Fatalf("n1's retract: %+v", l)
		}
		if l.Action == model.OutRetract && l.Post == "n2" && l.Reason != "撤销通过：误点通过" {
			t.Fatalf("n2's retract: %+v", l)
		}
	}
	if s := c.status(); s.Posts["retracted"] != 1 || s.Posts["pending"] != 4 {
		t.Fatalf("posts %v", s.Posts)
	}
	// --since takes the lines of the events from then on.
	if out := c.ok("export", "decisions", "--since", "2200-01-01", "-o", "-"); out != "" {
		t.Fatalf("--since in the future: %s", out)
	}
	c.ok("verify")
}

// A dissolved group takes no new posts: an import of pending posts in it is refused whole,
// naming the file and the line, with nothing applied; its dissolution closed its order.
func TestCLIDissolvedGroupRefusesPosts(t *testing.T) {
	c := loopCLI(t)
	c.ok("--as", "周监督", "inspect", "--group", "g2", "--item", "resources", "--finding", "项目已结束未解散", "--dissolve", "--id", "R1")
	c.ok("--as", "周监督", "rectify", "dissolve", "g2")
	if s := c.status(); s.Groups["dissolved"] != 1 || s.Rectifications["closed"] != 1 {
		t.Fatalf("after the dissolution: %v %v", s.Groups, s.Rectifications)
	}
	before := c.status()
	q := filepath.Join(t.TempDir(), "late.jsonl")
	os.WriteFile(q, []byte(`{"type":"post","id":"n9","group":"g1","author":"wx_a","time":"2026-06-05T09:00:00+08:00","title":"通知","body":"明天开会。"}
{"type":"post","id":"x1","group":"g2","author":"wx_c","time":"2026-06-05T09:00:00+08:00","title":"收尾","body":"项目收尾。"}
`), 0o600)
	c.fails("late.jsonl:2: post x1: group \"g2\" is dissolved: it takes no new posts", "import", q)
	chat := filepath.Join(t.TempDir(), "group.csv")
	raw, err := os.ReadFile(filepath.Join(moduleRoot, "internal", "ingest", "testdata", "wechat", "group.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(chat, raw, 0o600)
	c.fails("is dissolved: it takes no new posts (--as history imports its history)", "import", "--group", "g2", chat)
	if s := c.status(); s.State != before.State {
		t.Fatal("a refused import changed the state")
	}
	// Its history may still be kept.
	c.ok("import", "--skip-bad", "--group", "g2", "--as", "history", chat)
	if s := c.status(); s.Posts["published"] == 0 || s.Posts["pending"] != before.Posts["pending"] {
		t.Fatalf("the history of a dissolved group: %v", s.Posts)
	}
	c.ok("verify")
}

// Two inspections in one second get two ids.
func TestCLIInspectionIDsDoNotCollide(t *testing.T) {
	c := loopCLI(t)
	at := time.Date(2026, 6, 20, 10, 15, 0, 0, time.FixedZone("CST", 8*3600))
	c.now = func() time.Time { return at }
	a := c.ok("--as", "周监督", "inspect", "--group", "g1", "--item", "content", "--finding", "未审先发", "--days", "5")
	b := c.ok("--as", "周监督", "inspect", "--group", "g1", "--item", "format", "--finding", "格式不规范", "--days", "5")
	if !strings.Contains(a, "R-20260620-101500 content") || !strings.Contains(b, "R-20260620-101500-2 format") {
		t.Fatalf("inspect:\n%s%s", a, b)
	}
	c.ok("verify")
}

// violationsOf is a member's record, newest first.
func violationsOf(t *testing.T, c *cli, group, member string) []model.Violation {
	t.Helper()
	st := openStore(t, c)
	defer st.Close()
	vs, err := st.MemberViolations(group, member)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// openStore opens the database of c, for a test to read what the commands left.
func openStore(t *testing.T, c *cli) *storage.Store {
	t.Helper()
	st, err := storage.Open(c.db)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
