package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"qunshen/model"
)

func TestListCommand(t *testing.T) {
	c := newActionsCLI(t)
	c.ok("violation", "verify", "r1")
	c.ok("violation", "sanction", "r1")
	c.ok("decide", "dup", "reject", "--reason", "含身份证号")
	keys := map[string][]string{
		"groups":       {"id", "name", "kind", "platform", "owner", "branch", "status", "members", "filing_no"},
		"members":      {"id", "group", "name", "nickname", "branch", "role", "party_member", "status", "warnings", "step"},
		"posts":        {"id", "group", "author", "time", "title", "status", "severity", "rules", "major", "disputed", "reason"},
		"violations":   {"id", "member", "group", "post", "report", "rule", "clause", "source", "status", "step"},
		"applications": {"id", "group", "member", "kind", "time", "status", "text", "decided_by", "reason"},
	}
	// The rejection of dup, for the resident ID number in it, recorded a seventh violation.
	counts := map[string]int{"groups": 4, "members": 7, "posts": 4, "violations": 7, "applications": 2}
	for kind, want := range keys {
		rows := jsonRows(t, c.ok("list", kind, "--json"))
		if len(rows) != counts[kind] {
			t.Errorf("list %s: %d rows, want %d", kind, len(rows), counts[kind])
		}
		for _, r := range rows {
			for _, k := range want {
				if _, ok := r[k]; !ok {
					t.Errorf("list %s: a row without %q: %v", kind, k, r)
				}
			}
			for k, v := range r {
				if s, ok := v.(string); ok && strings.HasPrefix(s, "0001-01-01") {
					t.Errorf("list %s: %s is a zero time", kind, k)
				}
			}
		}
	}
	v := c.row("violations", "r1")
	for k, want := range map[string]any{"id": "r1", "member": "wx_a", "group": "g1", "post": "p0", "report": "r1", "reporter": "wx_owner",
		"rule": "", "clause": "", "source": "report", "status": "sanctioned", "step": "criticism and education"} {
		if v[k] != want {
			t.Errorf("r1's %s: %v, want %v", k, v[k], want)
		}
	}
	if p := c.row("posts", "dup"); p["status"] != "rejected" || p["severity"] != "block" || p["reason"] != "含身份证号" {
		t.Errorf("post dup: %v", p)
	}
	if v := c.row("violations", "v-dup-resident-id"); v["member"] != "m2" || v["post"] != "dup" || v["rule"] != "resident-id" ||
		v["clause"] != "ST 五(一)2" || v["source"] != "check" || v["status"] != "verified" {
		t.Errorf("the violation the rejection of dup recorded: %v", v)
	}
	if g := c.row("groups", "g3"); g["members"] != 3.0 || g["kind"] != "street" || g["status"] != "active" {
		t.Errorf("group g3: %v", g)
	}
	// Narrowed by group and status.
	if rows := jsonRows(t, c.ok("list", "members", "--group", "g3", "--json")); len(rows) != 3 {
		t.Errorf("members of g3: %v", rows)
	}
	if rows := jsonRows(t, c.ok("list", "posts", "--status", "pending,rejected", "--group", "g3", "--json")); len(rows) != 1 || rows[0]["id"] != "dup" {
		t.Errorf("pending or rejected posts of g3: %v", rows)
	}
	if rows := jsonRows(t, c.ok("list", "violations", "--status", "sanctioned", "--json")); len(rows) != 1 || rows[0]["id"] != "r1" {
		t.Errorf("sanctioned violations: %v", rows)
	}
	if out := c.ok("list", "applications", "--status", "refused"); !strings.Contains(out, "(none)") {
		t.Errorf("no refused applications: %q", out)
	}
	c.refused(2, `--status "done": the statuses of violations are open, verified, sanctioned, closed, dismissed`, "violations 的状态可用",
		"list", "violations", "--status", "done")
	c.refused(2, `cannot list "people"`, "无法列出", "list", "people")
	c.refused(2, "want groups, members, posts", "需要 groups", "list")

	// The table for people: every column begins at the same cell on every line, whatever
	// the width of the Chinese names before it.
	for _, kind := range []string{"groups", "members", "posts", "violations", "applications"} {
		for _, lang := range []string{"en", "zh"} {
			checkColumns(t, kind+" "+lang, c.ok("--lang", lang, "list", kind))
		}
	}
	c.ok("verify")
}

// checkColumns checks that a table's columns (separated by two spaces or more) begin at the
// same terminal cell on every line.
func checkColumns(t *testing.T, what, table string) {
	t.Helper()
	var starts []int
	for i, line := range strings.Split(strings.TrimRight(table, "\n"), "\n") {
		var cols []int
		cell, gap := 0, 2
		for _, r := range line {
			if r == ' ' {
				gap++
			} else {
				if gap >= 2 {
					cols = append(cols, cell)
				}
				gap = 0
			}
			cell += runeCells(r)
		}
		if i == 0 {
			starts = cols
			continue
		}
		if len(cols) != len(starts) {
			t.Errorf("%s: line %d has %d columns, the header %d:\n%s", what, i, len(cols), len(starts), table)
			return
		}
		for j := range cols {
			if cols[j] != starts[j] {
				t.Errorf("%s: column %d of line %d begins at cell %d, the header's at %d:\n%s", what, j, i, cols[j], starts[j], table)
				return
			}
		}
	}
}

func TestShowCommand(t *testing.T) {
	c := newActionsCLI(t)
	c.ok("decide", "dup", "reject", "--reason", "含身份证号")
	c.ok("violation", "verify", "r2")

	c.refused(1, `"dup" names a post, a member: choose one with --kind`, "同时是信息、成员的编号", "show", "dup")
	c.refused(1, `"m1" is a member of several groups (g3, g4): choose one with --group`, "是多个群组（g3, g4）的成员", "show", "m1")
	c.refused(1, `no post, member or violation "nope"`, `没有编号为 "nope" 的信息、成员或违规记录`, "show", "nope")
	c.refused(2, `--kind takes post, member or violation, not "group"`, "--kind 只能是", "show", "dup", "--kind", "group")
	c.refused(2, "want one id", "需要一个编号", "show")

	// A post: its text inert, its findings with clause and explanation, its history.
	out := c.ok("show", "dup", "--kind", "post")
	for _, want := range []string{"post dup in 街道办工作群 (g3)", "张伟 (m2)", "rejected", "清屏␛[2J请把报名表发我",
		"[block] ", "ST 五(一)2", "«11010519491231002X»", "王管理 (admin)", "reject: pending -> rejected", "reason: 含身份证号"} {
		if !strings.Contains(out, want) {
			t.Errorf("show dup --kind post does not say %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Fatalf("show wrote an escape: %q", out)
	}
	zhOut, _, code := zh(t, c.db, "show", "dup", "--kind", "post")
	for _, want := range []string{"信息 dup，群组 街道办工作群 (g3)", "[拦截]", "（ST 五(一)2）", "王管理 (群管理员)", "驳回：待审 -> 已驳回", "理由：含身份证号"} {
		if code != 0 || !strings.Contains(zhOut, want) {
			t.Errorf("show dup in Chinese does not say %q:\n%s", want, zhOut)
		}
	}
	var p struct {
		Type     string `json:"type"`
		ID       string `json:"id"`
		Body     string `json:"body"`
		Findings []struct {
			Rule, Clause, Severity, Text, Explain string
		} `json:"findings"`
		History []struct {
			Kind, Actor, Role, Reason, From, To string
			Time                                time.Time
		} `json:"history"`
	}
	if err := json.Unmarshal([]byte(c.ok("show", "dup", "--kind", "post", "--json")), &p); err != nil {
		t.Fatal(err)
	}
	if p.Type != "post" || p.ID != "dup" || !strings.Contains(p.Body, "\x1b[2J") || len(p.Findings) == 0 || len(p.History) != 1 {
		t.Fatalf("show --json of a post: %+v", p)
	}
	if f := p.Findings[0]; f.Severity != "block" || f.Clause == "" || f.Text != "11010519491231002X" || !strings.Contains(f.Explain, f.Clause) {
		t.Errorf("the block finding: %+v", f)
	}
	if h := p.History[0]; h.Kind != "post.reject" || h.Actor != "王管理" || h.Role != "admin" || h.Reason != "含身份证号" || h.From != "pending" || h.To != "rejected" || h.Time.IsZero() {
		t.Errorf("the history: %+v", h)
	}

	// A member: the record, the violations, the step proposed.
	out = c.ok("show", "m1", "--group", "g3")
	for _, want := range []string{"member 李娜 (m1) in 街道办工作群 (g3)", "nickname", "办公室-李娜", "Violations:", "r2", "r3", "verified", "Applications:", "a9", "Proposed step: reminder (ST 五(二)1), 1 of 4: warn"} {
		if !strings.Contains(out, want) {
			t.Errorf("show m1 does not say %q:\n%s", want, out)
		}
	}
	var m struct {
		Type         string           `json:"type"`
		ID           string           `json:"id"`
		Group        string           `json:"group"`
		Violations   []map[string]any `json:"violations"`
		Applications []map[string]any `json:"applications"`
		Proposal     map[string]any   `json:"proposal"`
	}
	if err := json.Unmarshal([]byte(c.ok("show", "m1", "--group", "g3", "--json")), &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != "member" || m.ID != "m1" || m.Group != "g3" || len(m.Violations) != 3 || len(m.Applications) != 1 ||
		m.Proposal["step"] != "reminder" || m.Proposal["action"] != "member.warn" || m.Proposal["place"] != 1.0 {
		t.Fatalf("show --json of a member: %+v", m)
	}
	if out := c.ok("show", "dup", "--kind", "member"); !strings.Contains(out, "member 王强 (dup)") {
		t.Errorf("show dup --kind member:\n%s", out)
	}

	// A violation: everything, the member's other violations, the step proposed.
	out = c.ok("show", "r2")
	for _, want := range []string{"violation r2: report", "member", "李娜 (m1)", "reporter", "张伟 (m2)", "verified", "Text reported:", "发广告",
		"The member's record:", "r3", "r4", "Proposed step: reminder"} {
		if !strings.Contains(out, want) {
			t.Errorf("show r2 does not say %q:\n%s", want, out)
		}
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(c.ok("show", "r2", "--json")), &v); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "member", "group", "post", "report", "rule", "clause", "source", "status", "step", "text", "feedback", "member_name", "reporter_name", "record", "proposal"} {
		if _, ok := v[k]; !ok {
			t.Errorf("show r2 --json has no %q: %v", k, v)
		}
	}
	if v["type"] != "violation" || v["member_name"] != "李娜" || v["status"] != "verified" || len(v["record"].([]any)) != 2 {
		t.Errorf("show r2 --json: %v", v)
	}
	c.ok("verify")
}

// The commands say everything in Chinese by default: no English sentence, no key of the
// catalogue, whatever they do or refuse.
func TestActionCommandsInChinese(t *testing.T) {
	c := newActionsCLI(t)
	var lines [][]string
	add := func(args ...string) { lines = append(lines, args) }
	for _, name := range []string{"member", "violation", "application", "appeal", "list", "show"} {
		add(name, "--help")
		add(name)
	}
	add("member", "warn", "wx_a", "--group", "g1", "--reason", "发广告")
	add("member", "mute", "wx_a", "--group", "g1", "--until", "3d", "--reason", "发广告")
	add("member", "restore", "wx_a", "--group", "g1", "--reason", "已改正")
	add("member", "mute", "wx_a", "--reason", "x")
	add("member", "frob", "wx_a")
	add("--as", "李书记", "member", "remove", "wx_a", "--reason", "x")
	add("violation", "verify", "r1")
	add("violation", "sanction", "r1")
	add("violation", "sanction", "r2", "--step", "9")
	add("violation", "feedback", "r1", "--text", "已处理")
	add("violation", "dismiss", "r4")
	add("violation", "feedback", "r4", "--text", "x")
	add("violation", "close", "r1")
	add("--as", "李书记", "application", "approve", "a1")
	add("--as", "李书记", "application", "approve", "a1")
	add("appeal", "uphold", "r1", "--reason", "事实清楚")
	add("appeal", "uphold", "a9", "--reason", "事实清楚")
	for _, kind := range []string{"groups", "members", "posts", "violations", "applications"} {
		add("list", kind)
	}
	add("list", "posts", "--status", "gone")
	add("show", "dup")
	add("show", "dup", "--kind", "post")
	add("show", "wx_a")
	add("show", "r1")
	add("show", "m1")
	for _, args := range lines {
		out, errs, _ := zh(t, c.db, args...)
		text := out + errs
		if strings.Contains(text, "cli.") || strings.Contains(text, "review.") || strings.Contains(text, "%!") {
			t.Errorf("qunshen %s shows a key of the catalogue:\n%s", strings.Join(args, " "), text)
		}
		if w := englishWords.FindString(allowedEnglish.ReplaceAllString(text, "")); w != "" {
			t.Errorf("qunshen %s says %q in English:\n%s", strings.Join(args, " "), w, text)
		}
	}
	c.ok("verify")
}

// The keys list and show make from a prefix and a value are in the catalogue, in both
// languages.
func TestReadKeysInTheCatalogue(t *testing.T) {
	var keys []string
	for _, k := range model.GroupKinds {
		keys = append(keys, "cli.gkind."+string(k))
	}
	for _, s := range []string{"block", "escalate", "warn", "info"} {
		keys = append(keys, "cli.sev."+s)
	}
	for _, s := range []string{"id", "name", "kind", "status", "members", "owner", "branch", "group", "nickname", "role", "warnings",
		"step", "author", "time", "findings", "title", "member", "rule", "clause", "source"} {
		keys = append(keys, "cli.col."+s)
	}
	for _, s := range []string{"author", "time", "status", "reason", "title", "attachments", "category", "major", "confidential", "source",
		"suggestion", "nickname", "branch", "role", "party", "joined", "last-active", "member", "group", "clause", "severity", "reporter",
		"sanction", "sanctioned", "appeal", "post", "feedback"} {
		keys = append(keys, "cli.show.f."+s)
	}
	for _, s := range showKinds() {
		keys = append(keys, "cli.show.a."+s)
	}
	for _, k := range keys {
		if !has(k) {
			t.Errorf("%q is not in the catalogue in both languages", k)
		}
	}
}

// runeCells is the cells a character takes on a terminal.
func runeCells(r rune) int { return ansi.StringWidth(string(r)) }
