package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qunshen/model"
)

// docxBody reads a .docx file's body back (a zip: word/document.xml), tags and all.
func docxBody(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("%s is not a zip: %v", path, err)
	}
	for _, f := range z.File {
		if f.Name == "word/document.xml" {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("%s has no word/document.xml", path)
	return ""
}

// An incident from a hostile post to the filed upward report: the post (with a resident ID
// number) published and retracted, its author muted, both linked as the incident's measures,
// the incident reported upward, followed up and closed; its report written as .docx (read
// back), .html and .md, the number masked for the administrator; accountability recorded and
// counted in the month's report.
func TestCLIIncidentToReport(t *testing.T) {
	c := loopCLI(t)
	admin := []string{"--as", "王管理"}
	c.ok(append(admin, "decide", "b1", "approve", "--override", "--reason", "本人要求公开")...)
	c.ok(append(admin, "decide", "b1", "retract", "--reason", "含身份证号码，撤回")...)
	c.ok(append(admin, "member", "mute", "wx_a", "--group", "g1", "--until", "3d", "--reason", "公开他人信息")...)
	out := c.ok(append(admin, "incident", "open", "--kind", "security", "--post", "b1", "--summary", "群内公开身份证号码", "--found", "2026-06-03 09:05", "--id", "I1")...)
	if !strings.Contains(out, "incident I1 opened: security in group g1") {
		t.Fatalf("open: %s", out)
	}
	out = c.ok(append(admin, "incident", "measure", "I1", "--text", "撤回该信息", "--post", "b1")...)
	if !strings.Contains(out, "post.retract") {
		t.Fatalf("the measure is not linked to the retraction: %s", out)
	}
	out = c.ok(append(admin, "incident", "measure", "I1", "--text", "禁言发布者", "--member", "wx_a")...)
	if !strings.Contains(out, "member.mute") {
		t.Fatalf("the measure is not linked to the mute: %s", out)
	}
	c.ok(append(admin, "incident", "escalate", "I1", "--to", "街道党工委", "--text", "已电话报告")...)
	c.ok(append(admin, "incident", "followup", "I1", "--impact", "截图转发 2 人次", "--next", "开展个人信息保护提醒")...)
	c.refused(1, "may not take the action incident.close", "", append(admin, "incident", "close", "I1", "--outcome", "x")...)
	c.ok("--as", "李书记", "incident", "close", "I1", "--outcome", "影响已消除")
	c.refused(1, "incident I1 is closed", "突发事件 I1 当前为“已办结”", append(admin, "incident", "escalate", "I1", "--to", "区委宣传部")...)
	c.refused(1, "an incident closed takes nothing more", "事件已办结，不再登记后续情况", append(admin, "incident", "measure", "I1", "--text", "补充措施")...)
	c.refused(1, `unknown post "nope"`, `没有信息 "nope"`, append(admin, "incident", "open", "--kind", "opinion", "--post", "nope", "--summary", "x")...)
	c.refused(2, "unknown kind of incident", "", append(admin, "incident", "open", "--kind", "fire", "--group", "g1", "--summary", "x")...)

	dir := t.TempDir()
	docx := filepath.Join(dir, "情况报告.docx")
	out = c.ok(append(admin, "incident", "report", "I1", "-o", docx)...)
	if !strings.Contains(out, "personal data partly masked") {
		t.Fatalf("report: %s", out)
	}
	body := docxBody(t, docx)
	for _, want := range []string{"Report on the security in 第三党支部党员群", "街道党工委", "carried out on post b1: retract", "carried out on member 张伟 (wx_a): mute", "110***********002X", "截图转发 2 人次", "影响已消除"} {
		if !strings.Contains(body, want) {
			t.Errorf("the document lacks %q", want)
		}
	}
	if strings.Contains(body, "11010519491231002X") {
		t.Error("the administrator's report holds the ID number unmasked")
	}
	html := filepath.Join(dir, "report.html")
	c.ok(append(admin, "incident", "report", "I1", "-o", html, "--lang", "zh")...)
	page, _ := os.ReadFile(html)
	if !strings.Contains(string(page), "关于第三党支部党员群发生安全事件的情况报告") || strings.Contains(string(page), "11010519491231002X") {
		t.Errorf("the page:\n%s", page)
	}
	// The supervisor may read the number; --mask hides it all the same.
	if md := c.ok("--as", "周监督", "incident", "report", "I1"); !strings.Contains(md, "11010519491231002X") {
		t.Errorf("the supervisor's report masks the number:\n%s", md)
	}
	if md := c.ok("--as", "周监督", "incident", "report", "I1", "--mask"); strings.Contains(md, "11010519491231002X") {
		t.Errorf("--mask left the number:\n%s", md)
	}
	c.refused(2, "a Word document needs a file", "", append(admin, "incident", "report", "I1", "--format", "docx")...)

	// Accountability, in the incident, the list and the report.
	c.refused(1, "may not take the action accountability.record", "", append(admin, "accountability", "record", "--incident", "I1", "--person", "张伟", "--measure", "约谈", "--text", "x")...)
	out = c.ok("--as", "周监督", "accountability", "record", "--incident", "I1", "--person", "张伟", "--measure", "约谈", "--text", "处置不及时", "--id", "Q1")
	if !strings.Contains(out, "accountability Q1 recorded: 张伟 of group g1, talk (IW 第十二条(三)), for incident I1") {
		t.Fatalf("record: %s", out)
	}
	rows := jsonRows(t, c.ok("accountability", "list", "--json"))
	if len(rows) != 1 || rows[0]["measure"] != "talk" || rows[0]["incident"] != "I1" || rows[0]["clause"] != "IW 第十二条(三)" {
		t.Fatalf("list: %v", rows)
	}
	var show map[string]any
	if err := json.Unmarshal([]byte(c.ok("incident", "show", "I1", "--json")), &show); err != nil {
		t.Fatal(err)
	}
	if show["status"] != "closed" || len(show["measure_list"].([]any)) != 2 || len(show["accountability"].([]any)) != 1 {
		t.Fatalf("show: %v", show)
	}
	var rep struct {
		Tables []struct {
			ID   string `json:"id"`
			Rows []struct {
				Key string `json:"key"`
				Cur *int64 `json:"cur"`
			} `json:"rows"`
		} `json:"tables"`
	}
	if err := json.Unmarshal([]byte(c.ok("--as", "周监督", "report", "--period", "year", "--format", "json")), &rep); err != nil {
		t.Fatal(err)
	}
	figures := map[string]int64{}
	for _, tb := range rep.Tables {
		for _, r := range tb.Rows {
			if r.Cur != nil {
				figures[tb.ID+"/"+r.Key] = *r.Cur
			}
		}
	}
	for k, want := range map[string]int64{"incidents/report.f.inc.opened": 1, "incidents/report.f.inc.escalated": 1, "incidents/report.f.inc.closed": 1,
		"accountability/report.f.acc": 1, "accountability/acc.talk": 1, "groups/register.check.unapproved": 2} {
		if figures[k] != want {
			t.Errorf("report: %s = %d, want %d", k, figures[k], want)
		}
	}
	c.ok("verify")
	if s := c.status(); s.Incidents[string(model.IncClosed)] != 1 || s.Accountability["talk"] != 1 {
		t.Fatalf("status: %+v", s)
	}
}

// The register: a group from a chat export is flagged unapproved (and filed afterwards, once);
// an application goes to its filing; a refusal needs a reason; a secretary approves party
// groups only; a dissolved group with a post after its dissolution is flagged.
func TestCLIRegister(t *testing.T) {
	c := loopCLI(t)
	dir := t.TempDir()
	export := filepath.Join(dir, "result.json")
	if err := os.WriteFile(export, []byte(`{"name":"相亲相爱一家人","type":"private_group","id":777,"messages":[
{"id":1,"type":"message","date":"2026-06-01T09:00:00","date_unixtime":"1780275600","from":"张伟","from_id":"user1","text":"大家好"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("--as", "王管理", "import", "--as", "history", export)
	g := c.row("groups", "telegram-777")
	checks := g["checks"].([]any)
	if len(checks) != 2 || checks[0] != "unapproved" || checks[1] != "unclear-name" {
		t.Fatalf("a group from a chat export: %v", g)
	}
	rows := jsonRows(t, c.ok("group", "list", "--json", "--check", "unapproved"))
	ids := []string{}
	for _, r := range rows {
		ids = append(ids, r["id"].(string))
		for _, k := range []string{"id", "name", "kind", "status", "owner", "branch", "approved_by", "filing_no", "checks"} {
			if _, ok := r[k]; !ok {
				t.Errorf("group list: a row without %q: %v", k, r)
			}
		}
	}
	if strings.Join(ids, " ") != "g1 g2 telegram-777" {
		t.Fatalf("unapproved: %v", ids)
	}
	c.ok("--as", "周监督", "group", "approve", "telegram-777", "--filing-no", "补备-1")
	c.refused(1, "group telegram-777 was approved and filed already, by 周监督 (filing number 补备-1)", "群组 telegram-777 已由 周监督 审批备案",
		"--as", "周监督", "group", "approve", "telegram-777", "--filing-no", "补备-2")
	c.ok("--as", "王管理", "group", "edit", "telegram-777", "--name", "第三党支部联络群", "--purpose", "支部联络")
	if g := c.row("groups", "telegram-777"); len(g["checks"].([]any)) != 0 || g["purpose"] != "支部联络" {
		t.Fatalf("filed and renamed: %v", g)
	}

	out := c.ok("--as", "王管理", "group", "apply", "--name", "城西项目部工作群", "--kind", "project", "--purpose", "施工协调", "--project-end", "2026-12-31", "--id", "g9")
	if !strings.Contains(out, "application g9 filed") {
		t.Fatalf("apply: %s", out)
	}
	if r := jsonRows(t, c.ok("group", "list", "--json", "--status", "applied")); len(r) != 1 || r[0]["id"] != "g9" {
		t.Fatalf("applied: %v", r)
	}
	c.refused(1, "the branch secretary approves party groups", "支部书记审批党员群", "--as", "李书记", "group", "approve", "g9", "--filing-no", "x")
	c.refused(2, "want --filing-no", "", "--as", "周监督", "group", "approve", "g9")
	c.refused(1, "may not take the action group.approve", "", "--as", "王管理", "group", "approve", "g9", "--filing-no", "x")
	c.ok("--as", "周监督", "group", "approve", "g9", "--filing-no", "宣备〔2026〕7号")
	c.refused(1, "group application g9 was approved already, by 周监督", "建群申请 g9 已由 周监督", "--as", "周监督", "group", "approve", "g9", "--filing-no", "again")
	g9 := c.row("groups", "g9")
	if g9["filing_no"] != "宣备〔2026〕7号" || g9["approved_by"] != "周监督" || g9["kind"] != "project" || len(g9["checks"].([]any)) != 0 {
		t.Fatalf("g9: %v", g9)
	}
	c.ok("--as", "王管理", "group", "apply", "--name", "第三党支部学习群", "--kind", "party", "--purpose", "学习", "--id", "g8")
	c.refused(2, "want --reason", "", "--as", "李书记", "group", "refuse", "g8")
	c.ok("--as", "李书记", "group", "refuse", "g8", "--reason", "已有支部学习群")
	if r := jsonRows(t, c.ok("group", "list", "--json", "--status", "refused")); len(r) != 1 || r[0]["id"] != "g8" {
		t.Fatalf("refused: %v", r)
	}

	// A dissolved group that the chat side kept using.
	c.ok("--as", "周监督", "rectify", "dissolve", "g2")
	late := filepath.Join(dir, "late.json")
	if err := os.WriteFile(late, []byte(`{"name":"城东项目群","type":"private_group","id":555,"messages":[
{"id":1,"type":"message","date":"2100-01-05T09:00:00","date_unixtime":"4103053200","from":"王强","from_id":"user42","text":"明天继续施工"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("--as", "王管理", "import", "--as", "history", "--group", "g2", late)
	var show map[string]any
	if err := json.Unmarshal([]byte(c.ok("group", "show", "g2", "--json")), &show); err != nil {
		t.Fatal(err)
	}
	if show["posts_after_dissolution"] != 1.0 || !strings.Contains(c.ok("group", "list", "--check", "posts-after-dissolution"), "g2") {
		t.Fatalf("g2: %v", show)
	}
	if out, _, code := zh(t, c.db, "group", "show", "g1"); code != 0 || !strings.Contains(out, "检查：") || !strings.Contains(out, "未审批报备（IW 第四条）") {
		t.Fatalf("group show in Chinese:\n%s", out)
	}
	c.ok("verify")
}
