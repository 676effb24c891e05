package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// moreQueue adds a street group and a project group that share a member (m1), complaints
// against m1 and m2, an appeal, and a post and a member that share the id "dup".
const moreQueue = `{"type":"group","id":"g3","name":"街道办工作群","kind":"street","owner":"m0"}
{"type":"group","id":"g4","name":"城西项目群","kind":"project","owner":"m1"}
{"type":"member","id":"m1","group":"g3","name":"李娜","nickname":"办公室-李娜","branch":"办公室"}
{"type":"member","id":"m1","group":"g4","name":"李娜"}
{"type":"member","id":"m2","group":"g3","name":"张伟"}
{"type":"member","id":"dup","group":"g3","name":"王强"}
{"type":"post","id":"dup","group":"g3","author":"m2","time":"2026-06-05T09:00:00+08:00","title":"报名表","body":"清屏\u001b[2J请把报名表发我，身份证号 11010519491231002X。\n——办公室 2026年6月5日"}
{"type":"report","id":"r2","group":"g3","reporter":"m2","member":"m1","time":"2026-06-05T10:00:00+08:00","text":"发广告"}
{"type":"report","id":"r3","group":"g3","reporter":"m2","member":"m1","time":"2026-06-05T10:01:00+08:00","text":"又发广告"}
{"type":"report","id":"r4","group":"g3","reporter":"m2","member":"m1","time":"2026-06-05T10:02:00+08:00","text":"刷屏"}
{"type":"report","id":"r5","group":"g3","reporter":"m1","member":"m2","time":"2026-06-05T10:03:00+08:00","text":"骂人"}
{"type":"report","id":"r6","group":"g3","reporter":"m1","member":"m2","time":"2026-06-05T10:04:00+08:00","text":"拉票"}
{"type":"application","id":"a9","group":"g3","member":"m1","kind":"appeal","time":"2026-06-06T09:00:00+08:00","text":"我没有发广告"}
`

// newActionsCLI is a database with an administrator (the first operator, the default), a
// secretary, an owner and a supervisor, and the test queue with moreQueue imported.
func newActionsCLI(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t)
	c.ok("init", "--name", "王管理", "--role", "admin")
	c.ok("init", "--name", "李书记", "--role", "secretary")
	c.ok("init", "--name", "赵群主", "--role", "owner")
	c.ok("init", "--name", "周监督", "--role", "supervisor")
	more := filepath.Join(t.TempDir(), "more.jsonl")
	if err := os.WriteFile(more, []byte(moreQueue), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("import", queueFile, more)
	return c
}

// refused runs a command line that must be refused with exit code, saying want (in English,
// and wantZH in Chinese when given), and change nothing: the state's hash is the same after.
func (c *cli) refused(code int, want, wantZH string, args ...string) {
	c.t.Helper()
	before := c.status().State
	out, errs, got := c.run(args...)
	if got != code || !strings.Contains(errs, want) {
		c.t.Fatalf("qunshen %s: exit %d (want %d), error does not say %q:\n%s%s", strings.Join(args, " "), got, code, want, out, errs)
	}
	if wantZH != "" {
		out, errs, got := zh(c.t, c.db, args...)
		if got != code || !strings.Contains(errs, wantZH) {
			c.t.Fatalf("qunshen %s in Chinese: exit %d (want %d), error does not say %q:\n%s%s", strings.Join(args, " "), got, code, wantZH, out, errs)
		}
	}
	if after := c.status().State; after != before {
		c.t.Fatalf("qunshen %s was refused but changed the state", strings.Join(args, " "))
	}
}

// forbidden is refused as the screen refuses the role: the model's PermissionError, in
// English as the screen shows it and in Chinese as Explain gives it.
func (c *cli) forbidden(role model.Role, kind model.Kind, args ...string) {
	c.t.Helper()
	err := &model.PermissionError{Role: role, Kind: kind}
	c.refused(1, err.Error(), i18n.Explain(i18n.ZH, err), args...)
}

// jsonRows reads JSON Lines into objects.
func jsonRows(t *testing.T, out string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		rows = append(rows, r)
	}
	return rows
}

// row finds the row of an id among the rows list --json writes for a kind (and a group).
func (c *cli) row(kind, id string, more ...string) map[string]any {
	c.t.Helper()
	for _, r := range jsonRows(c.t, c.ok(append([]string{"list", kind, "--json"}, more...)...)) {
		if r["id"] == id {
			return r
		}
	}
	c.t.Fatalf("list %s: no %s", kind, id)
	return nil
}

func TestMemberCommands(t *testing.T) {
	c := newActionsCLI(t)
	for _, verb := range []string{"warn", "mute", "remove", "restore"} {
		args := []string{"--as", "李书记", "member", verb, "wx_a", "--group", "g1", "--reason", "发广告"}
		if verb == "mute" {
			args = append(args, "--until", "3d")
		}
		c.forbidden(model.RoleSecretary, memberVerbs()[verb], args...)
	}
	out := c.ok("member", "warn", "wx_a", "--group", "g1", "--reason", "发广告")
	if !strings.Contains(out, "member wx_a of g1: warned; now active, 1 warnings") {
		t.Fatalf("warn: %s", out)
	}
	// The step proposed for the member is recorded, as the Roster pane's w does.
	if m := c.row("members", "wx_a", "--group", "g1"); m["warnings"] != 1.0 || m["step"] != "criticism and education" {
		t.Fatalf("after warn: %v", m)
	}
	c.refused(2, "a mute needs --until", "禁言须用 --until 给出时长", "member", "mute", "wx_a", "--group", "g1", "--reason", "发广告")
	c.refused(2, `--until "soon"`, "时长应为天数", "member", "mute", "wx_a", "--group", "g1", "--until", "soon", "--reason", "x")
	c.refused(2, "--until is for mute only", "--until 只用于 mute", "member", "warn", "wx_a", "--until", "3d", "--reason", "x")
	c.refused(2, "--reason is required", "须用 --reason", "member", "warn", "wx_a", "--group", "g1")
	c.refused(1, `no member "nobody" in group "g1"`, `群组 "g1" 中没有成员 "nobody"`, "member", "warn", "nobody", "--group", "g1", "--reason", "x")
	c.refused(1, `no member "nobody" in any group`, `没有成员 "nobody"`, "member", "warn", "nobody", "--reason", "x")
	c.refused(1, `"m1" is a member of several groups (g3, g4): name one with --group`, "是多个群组（g3, g4）的成员", "member", "warn", "m1", "--reason", "x")
	c.refused(1, "violation r2 is of member m1 in group g3, not of wx_a in group g1", "不是群组 g1 的成员 wx_a",
		"member", "warn", "wx_a", "--group", "g1", "--violation", "r2", "--reason", "x")
	c.refused(2, "restore answers no violation", "restore 不针对违规记录", "member", "restore", "wx_a", "--violation", "r1", "--reason", "x")

	// A mute of three days, with the violation it answers; a restoration lifts it.
	start := time.Now()
	c.ok("member", "mute", "wx_a", "--until", "3d", "--violation", "r1", "--reason", "屡次发广告")
	m := c.row("members", "wx_a")
	until, err := time.Parse(time.RFC3339, m["muted_until"].(string))
	if m["status"] != "muted" || err != nil || until.Sub(start.AddDate(0, 0, 3)).Abs() > time.Minute {
		t.Fatalf("after mute: %v", m)
	}
	c.ok("member", "mute", "wx_a", "--until", "24h", "--reason", "又发")
	c.ok("member", "restore", "wx_a", "--reason", "已改正")
	if m := c.row("members", "wx_a"); m["status"] != "active" || m["muted_until"] != nil {
		t.Fatalf("a restored member is still muted: %v", m)
	}
	c.refused(1, "member wx_a is active: the action member.restore (by the role admin) is not allowed", "当前为“正常”",
		"member", "restore", "wx_a", "--reason", "x")
	// The owner keeps order too; without --group, the one group of m2.
	c.ok("--as", "赵群主", "member", "remove", "m2", "--reason", "多次违规")
	if m := c.row("members", "m2"); m["status"] != "removed" {
		t.Fatalf("after remove: %v", m)
	}
	c.ok("member", "restore", "m2", "--group", "g3", "--reason", "申诉成立")
	c.ok("verify")
}

func TestViolationCommands(t *testing.T) {
	c := newActionsCLI(t)
	c.forbidden(model.RoleSupervisor, model.ViolationVerify, "--as", "周监督", "violation", "verify", "r1")
	c.refused(1, "violation r1 is open: the action violation.sanction (by the role admin) is not allowed", "违规 r1 当前为“待核实”",
		"violation", "sanction", "r1")
	c.refused(1, `unknown violation "r404"`, `没有违规记录 "r404"`, "violation", "verify", "r404")
	c.refused(2, "--step is for sanction only", "--step 只用于 sanction", "violation", "verify", "r1", "--step", "warning")
	out := c.ok("--as", "李书记", "violation", "verify", "r1")
	if !strings.Contains(out, "violation r1: verified (events ") || !strings.Contains(out, "by 李书记") {
		t.Fatalf("verify: %s", out)
	}
	c.forbidden(model.RoleSecretary, model.ViolationSanction, "--as", "李书记", "violation", "sanction", "r1")

	// The proposed step, as the Violations pane's s: the violation's sanction and the member
	// action, two events in one.
	before := c.status().Events
	out = c.ok("violation", "sanction", "r1", "--reason", "在群里发广告")
	if !strings.Contains(out, "violation r1: sanctioned") || !strings.Contains(out, "step criticism and education (PM 五(二)3): member wx_a of g1 warned") {
		t.Fatalf("sanction: %s", out)
	}
	if n := c.status().Events; n != before+2 {
		t.Fatalf("sanction wrote %d events, want 2", n-before)
	}
	if v := c.row("violations", "r1"); v["status"] != "sanctioned" || v["step"] != "criticism and education" {
		t.Fatalf("r1 after sanction: %v", v)
	}
	if m := c.row("members", "wx_a"); m["warnings"] != 1.0 || m["step"] != "criticism and education" {
		t.Fatalf("wx_a after sanction: %v", m)
	}

	// A step named: the ladder's mute mutes for its days, its last step removes.
	for _, id := range []string{"r2", "r3", "r4", "r5", "r6"} {
		c.ok("violation", "verify", id)
	}
	c.refused(1, `no step "flogging" on the member's ladder (want one of reminder, warning, mute, removal`, "处理阶梯上没有步骤",
		"violation", "sanction", "r2", "--step", "flogging")
	c.ok("violation", "sanction", "r2", "--step", "mute")
	m := c.row("members", "m1", "--group", "g3")
	if until, _ := time.Parse(time.RFC3339, m["muted_until"].(string)); m["status"] != "muted" || m["step"] != "mute" || until.Before(time.Now().AddDate(0, 0, 6)) {
		t.Fatalf("m1 after the mute step: %v", m)
	}
	c.ok("--lang", "zh", "violation", "sanction", "r3", "--step", "4")
	if m := c.row("members", "m1", "--group", "g3"); m["status"] != "removed" || m["step"] != "移出群聊" {
		t.Fatalf("m1 after the last step: %v", m)
	}
	// A sanction whose member action is refused applies nothing: m2 is removed, a warning
	// of a removed member is refused, and r6 stays verified.
	c.ok("member", "remove", "m2", "--reason", "多次违规")
	c.refused(1, "member m2 is removed: the action member.warn", "成员 m2 当前为“已移出”", "violation", "sanction", "r6", "--step", "reminder")
	if v := c.row("violations", "r6"); v["status"] != "verified" {
		t.Fatalf("r6 after a refused sanction: %v", v)
	}

	// Feedback goes to the reporter; a dismissed report takes none after its dismissal.
	c.forbidden(model.RoleSecretary, model.ViolationFeedback, "--as", "李书记", "violation", "feedback", "r1", "--text", "已处理")
	c.refused(2, "feedback needs --text", "反馈须用 --text", "violation", "feedback", "r1")
	c.ok("--as", "周监督", "violation", "feedback", "r1", "--text", "经核实，已处理，感谢监督。")
	c.ok("--as", "李书记", "violation", "dismiss", "r4")
	c.refused(1, "violation r4 is dismissed: the action violation.feedback (by the role admin) is not allowed (the report was dismissed: its reporter is told with the dismissal)",
		"违规 r4 当前为“不予处理”，群管理员不能执行“反馈举报人”（violation.feedback）：该举报已不予处理：应在不予处理时一并反馈举报人",
		"violation", "feedback", "r4", "--text", "未发现问题")
	// Dismissed with the reporter's answer, in one.
	c.ok("violation", "dismiss", "r5", "--text", "经核实，未发现违反群规的情况，感谢监督。")
	var v map[string]any
	if err := json.Unmarshal([]byte(c.ok("show", "r5", "--json")), &v); err != nil || v["status"] != "dismissed" || !strings.HasPrefix(v["feedback"].(string), "经核实") {
		t.Fatalf("r5 after dismiss --text: %v %v", err, v)
	}
	// The secretary dismisses, but tells the reporter nothing: not with a dismissal either.
	c.forbidden(model.RoleSecretary, model.ViolationFeedback, "--as", "李书记", "violation", "dismiss", "r6", "--text", "x")

	// Close: the keepers'.
	c.forbidden(model.RoleSupervisor, model.ViolationClose, "--as", "周监督", "violation", "close", "r1")
	c.refused(1, "violation r6 is verified: the action violation.close", "违规 r6 当前为“已核实”", "violation", "close", "r6")
	c.ok("--as", "赵群主", "violation", "close", "r1")
	if v := c.row("violations", "r1"); v["status"] != "closed" {
		t.Fatalf("r1 after close: %v", v)
	}
	c.ok("verify")
}

func TestApplicationAndAppealCommands(t *testing.T) {
	c := newActionsCLI(t)
	c.forbidden(model.RoleAdmin, model.ApplicationApprove, "application", "approve", "a1")
	c.forbidden(model.RoleAdmin, model.ApplicationRefuse, "application", "refuse", "a1", "--reason", "x")
	c.refused(1, `unknown application "a404"`, `没有申请 "a404"`, "--as", "李书记", "application", "approve", "a404")
	c.refused(2, `unknown decision "grant"`, "未知的申请决定", "application", "grant", "a1")
	out := c.ok("--as", "李书记", "application", "approve", "a1", "--reason", "调离")
	if !strings.Contains(out, "application a1 (exit): approved") {
		t.Fatalf("approve: %s", out)
	}
	if m := c.row("members", "wx_a"); m["status"] != "exited" {
		t.Fatalf("wx_a after the exit approved: %v", m)
	}
	c.refused(1, "application a1 is approved exit: the action application.approve (by the role secretary) is not allowed (it was decided already, by 李书记)",
		"申请 a1 当前为“已批准的退群申请”，支部书记不能执行“批准申请”（application.approve）：该申请已由 李书记 作出决定，不能再次决定",
		"--as", "李书记", "application", "approve", "a1")
	c.refused(1, "it was decided already", "不能再次决定", "--as", "赵群主", "application", "refuse", "a1")
	// An appeal is answered, not approved.
	c.refused(1, "an appeal is upheld or overturned", "申诉只能维持或撤销处理", "--as", "李书记", "application", "approve", "a9")

	// The appeal of m1, removed by the last step of the ladder for r2.
	c.ok("violation", "verify", "r2")
	c.ok("violation", "sanction", "r2", "--step", "removal")
	c.forbidden(model.RoleSecretary, model.AppealOverturn, "--as", "李书记", "appeal", "overturn", "a9", "--reason", "x")
	c.refused(2, "--reason is required", "须用 --reason", "appeal", "overturn", "a9")
	c.refused(1, `no appeal or violation "a404"`, `没有编号为 "a404" 的申诉或违规记录`, "appeal", "uphold", "a404", "--reason", "x")
	out = c.ok("--as", "周监督", "appeal", "overturn", "a9", "--reason", "证据不足")
	if !strings.Contains(out, "application a9 (appeal): approved") {
		t.Fatalf("overturn: %s", out)
	}
	if m := c.row("members", "m1", "--group", "g3"); m["status"] != "active" {
		t.Fatalf("m1 after the appeal overturned: %v", m)
	}
	// The appeal of a sanctioned violation, as the Violations pane's p.
	out = c.ok("appeal", "uphold", "r2", "--reason", "事实清楚")
	if !strings.Contains(out, "violation r2: appeal upheld, the sanction stands; now sanctioned") {
		t.Fatalf("uphold r2: %s", out)
	}
	c.refused(1, "violation r2 is sanctioned: the action violation.appeal", "申诉已答复", "appeal", "overturn", "r2", "--reason", "x")
	c.ok("verify")
}

// The keys the commands make from a prefix and a value are in the catalogue, in both
// languages.
func TestActionKeysInTheCatalogue(t *testing.T) {
	var keys []string
	for _, k := range []model.Kind{model.MemberWarn, model.MemberMute, model.MemberRemove, model.MemberRestore} {
		keys = append(keys, "cli.did."+string(k))
	}
	for _, s := range []string{model.AppealUpheld, model.AppealOverturned} {
		keys = append(keys, "cli.appeal."+s)
	}
	for _, k := range keys {
		if !has(k) {
			t.Errorf("%q is not in the catalogue in both languages", k)
		}
	}
}
