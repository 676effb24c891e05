package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// assessQueue is a street group whose published posts carry files: a notice named 通知.pdf, a
// confidential plan named with topic, date and author, a photo.
const assessQueue = `{"type":"group","id":"g1","name":"城东街道工作群","kind":"street","branch":"党政办"}
{"type":"member","id":"m1","group":"g1","name":"张伟","nickname":"党政办-张伟"}
{"type":"member","id":"m2","group":"g1","name":"李娜","nickname":"党政办-李娜"}
{"type":"post","id":"n1","group":"g1","author":"m1","time":"2026-06-03T09:00:00+08:00","title":"防汛值班通知","body":"请查收附件通知。\n——党政办 2026年6月3日","attachments":["通知.pdf"]}
{"type":"post","id":"n2","group":"g1","author":"m1","time":"2026-06-03T10:00:00+08:00","title":"防汛工作安排","body":"见附件防汛工作安排_20260603_党政办。\n——党政办 2026年6月3日","attachments":["防汛工作安排_20260603_党政办.docx"],"confidential":true}
{"type":"post","id":"n3","group":"g1","author":"m2","time":"2026-06-03T11:00:00+08:00","title":"现场照片","body":"巡查现场照片。","attachments":["IMG_20260603_1.jpg"]}
{"type":"report","id":"r1","group":"g1","reporter":"m2","member":"m1","time":"2026-06-04T10:00:00+08:00","text":"发广告"}
`

func assessCLI(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t)
	c.ok("init", "--name", "王管理", "--role", "admin")
	c.ok("init", "--name", "李书记", "--role", "secretary")
	c.ok("init", "--name", "周监督", "--role", "supervisor")
	c.ok("init", "--name", "赵群主", "--role", "owner")
	q := filepath.Join(t.TempDir(), "assess.jsonl")
	if err := os.WriteFile(q, []byte(assessQueue), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("--as", "王管理", "import", q)
	for _, p := range []string{"n1", "n2", "n3"} {
		c.ok("--as", "王管理", "decide", p, "approve")
	}
	return c
}

// reportTables reads report --format json: each table's rows, by table id.
func reportTables(t *testing.T, out string) map[string][]map[string]any {
	t.Helper()
	var rep struct {
		Tables []struct {
			ID   string           `json:"id"`
			Rows []map[string]any `json:"rows"`
		} `json:"tables"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	m := map[string][]map[string]any{}
	for _, tb := range rep.Tables {
		m[tb.ID] = tb.Rows
	}
	return m
}

// The archive request flow (GO 五(二)): a member's request recorded, a confidential grant
// refused until the secretary approves, the archive written for the request with the
// confidential post, its index naming the request, the reason and the approver; another
// request granted without approval leaves the confidential post out. Each step is counted in
// the report.
func TestCLIArchiveRequestFlow(t *testing.T) {
	c := assessCLI(t)
	admin, owner, sec := []string{"--as", "王管理"}, []string{"--as", "赵群主"}, []string{"--as", "李书记"}
	c.refused(2, "want --reason", "", append(admin, "archive", "request", "--group", "g1", "--member", "m1")...)
	c.refused(1, `no member "m9" in group g1`, "", append(admin, "archive", "request", "--group", "g1", "--member", "m9", "--reason", "x")...)
	out := c.ok(append(admin, "archive", "request", "--group", "g1", "--member", "m1", "--period", "2026-06", "--reason", "撰写年度工作总结", "--id", "A1")...)
	if !strings.Contains(out, "archive request A1 recorded: member m1, group g1, period 2026-06") {
		t.Fatalf("request: %s", out)
	}
	// Confidential material only with an approval recorded (GO 五(二)2).
	c.refused(1, "is not approved by the branch secretary or the supervisor", "尚未经支部书记或监督人批准",
		append(owner, "archive", "grant", "A1", "--include-confidential")...)
	c.forbiddenAs(admin, "may not take the action archive.grant", "archive", "grant", "A1")
	c.forbiddenAs(owner, "may not take the action archive.approve", "archive", "approve", "A1")
	out = c.ok(append(sec, "archive", "approve", "A1", "--text", "仅限本人工作使用")...)
	if !strings.Contains(out, "approved: member m1, group g1 (secretary") {
		t.Fatalf("approve: %s", out)
	}
	c.refused(1, "approved already, by 李书记", "", append(sec, "archive", "approve", "A1")...)
	dir := filepath.Join(t.TempDir(), "a1")
	c.refused(1, "is requested: only a granted request has an archive", "", append(owner, "archive", "-o", dir, "--request", "A1")...)
	out = c.ok(append(owner, "archive", "grant", "A1", "--include-confidential")...)
	if !strings.Contains(out, "with confidential material (approved by 李书记)") {
		t.Fatalf("grant: %s", out)
	}
	c.refused(1, "archive request A1 is granted", "", append(owner, "archive", "refuse", "A1", "--reason", "x")...)
	c.refused(2, "no --group, --period or --include-confidential", "", append(owner, "archive", "-o", dir, "--request", "A1", "--group", "g1")...)
	out = c.ok(append(owner, "archive", "-o", dir, "--request", "A1")...)
	if !strings.Contains(out, "archive of 3 posts") || !strings.Contains(out, "made for archive request A1: member m1, reason: 撰写年度工作总结") {
		t.Fatalf("archive: %s", out)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"A1: asked by member m1, granted by the owner 赵群主", "撰写年度工作总结", "李书记 (branch secretary), on 2026", "--request A1"} {
		if !strings.Contains(string(index), w) {
			t.Errorf("the index does not say %q:\n%s", w, index)
		}
	}
	if !dirHas(t, dir, "防汛工作安排") {
		t.Error("the confidential post granted is not in the archive")
	}

	// Without approval, the grant leaves the confidential post out.
	c.ok(append(admin, "archive", "request", "--group", "g1", "--member", "m2", "--reason", "核对值班安排", "--id", "A2")...)
	c.ok(append(owner, "archive", "grant", "A2")...)
	dir2 := filepath.Join(t.TempDir(), "a2")
	out = c.ok(append(owner, "archive", "-o", dir2, "--request", "A2")...)
	if !strings.Contains(out, "archive of 2 posts") || !strings.Contains(out, "1 confidential posts left out: the grant does not include") {
		t.Fatalf("archive A2: %s", out)
	}
	if dirHas(t, dir2, "防汛工作安排") {
		t.Error("a confidential post in the archive of a grant without approval")
	}
	c.ok(append(admin, "archive", "request", "--group", "g1", "--member", "m2", "--reason", "个人兴趣", "--id", "A3")...)
	c.refused(2, "want --reason", "", append(owner, "archive", "refuse", "A3")...)
	c.ok(append(owner, "archive", "refuse", "A3", "--reason", "非工作需要")...)

	rows := jsonRows(t, c.ok("archive", "requests", "--json"))
	if len(rows) != 3 || rows[0]["id"] != "A1" || rows[0]["approved_by"] != "李书记" || rows[0]["confidential"] != true ||
		rows[1]["status"] != "granted" || rows[1]["confidential"] != false || rows[2]["status"] != "refused" {
		t.Fatalf("requests: %v", rows)
	}
	figures := map[string]float64{}
	for _, r := range reportTables(t, c.ok("--as", "周监督", "report", "--period", "year", "--format", "json"))["archive.access"] {
		figures[r["key"].(string)] = r["cur"].(float64)
	}
	if figures["report.f.access.filed"] != 3 || figures["report.f.access.approved"] != 1 || figures["report.f.access.granted"] != 2 ||
		figures["report.f.access.conf"] != 1 || figures["report.f.access.refused"] != 1 || figures["report.f.access.waiting"] != 0 {
		t.Errorf("the report's requests: %v", figures)
	}
}

// forbiddenAs is refused for the role, the state unchanged.
func (c *cli) forbiddenAs(as []string, want string, args ...string) {
	c.t.Helper()
	c.refused(1, want, "", append(as, args...)...)
}

// dirHas reports whether a file of dir holds s.
func dirHas(t *testing.T, dir, s string) bool {
	t.Helper()
	found := false
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "index.md" || strings.HasPrefix(filepath.Base(p), "SHA256") {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), s) {
			found = true
		}
		return err
	})
	return found
}

// The register of shared files (ST 六) and its file-name findings; commendation and reward in
// the report, with the assessment table.
func TestCLIFilesCommendReward(t *testing.T) {
	c := assessCLI(t)
	rows := jsonRows(t, c.ok("files", "list", "--json"))
	if len(rows) != 3 {
		t.Fatalf("files: %v", rows)
	}
	want := []struct {
		name, category string
		ok, backup     bool
	}{{"防汛工作安排_20260603_党政办.docx", "document", true, false}, {"通知.pdf", "pdf", false, false}, {"IMG_20260603_1.jpg", "image", true, true}}
	for i, w := range want {
		r := rows[i]
		if r["group"] != "g1" || r["name"] != w.name || r["category"] != w.category || r["named_ok"] != w.ok || r["backup"] != w.backup ||
			r["post"] == "" || r["date"] == "" || r["author"] == "" {
			t.Errorf("row %d: %v", i, r)
		}
	}
	if rows[1]["suggested_name"] != "防汛值班通知_20260603_党政办.pdf" || rows[1]["author"] != "张伟" {
		t.Errorf("the suggestion: %v", rows[1])
	}
	out := c.ok("files", "list", "--group", "g1", "--lang", "zh")
	if !strings.Contains(out, "否，建议：防汛值班通知_20260603_党政办.pdf") || !strings.Contains(out, "需备份") || !strings.Contains(out, "共 3 个文件；1 个文件名") {
		t.Errorf("files list in Chinese:\n%s", out)
	}
	c.fails(`unknown group "g9"`, "files", "list", "--group", "g9")
	// The file-name finding is on n1, not on n2 or n3.
	for _, p := range []struct {
		id   string
		want bool
	}{{"n1", true}, {"n2", false}, {"n3", false}} {
		if got := strings.Contains(c.ok("show", p.id, "--json"), `"rule":"file-name"`); got != p.want {
			t.Errorf("post %s: a file-name finding %v, want %v", p.id, got, p.want)
		}
	}

	sup := []string{"--as", "周监督"}
	c.refused(1, "may not take the action group.commend", "", "--as", "王管理", "commend", "--group", "g1", "--text", "x")
	out = c.ok(append(sup, "commend", "--group", "g1", "--text", "信息发布规范", "--id", "K1")...)
	if !strings.Contains(out, "commendation K1 recorded: group g1 (CW 六(三)1") {
		t.Fatalf("commend: %s", out)
	}
	c.refused(1, "has not checked out (it is open)", "尚未查实", append(sup, "reward", "--report", "r1", "--text", "举报属实")...)
	c.ok("--as", "王管理", "violation", "verify", "r1")
	out = c.ok(append(sup, "reward", "--report", "r1", "--text", "举报属实", "--id", "W1")...)
	if !strings.Contains(out, "reward W1 recorded: reporter m2 (report r1, group g1") {
		t.Fatalf("reward: %s", out)
	}
	tables := reportTables(t, c.ok(append(sup, "report", "--period", "year", "--format", "json")...))
	if r := tables["commendations"]; len(r) != 1 || r[0]["text"] != "K1" {
		t.Errorf("commendations: %v", r)
	}
	if r := tables["rewards"]; len(r) != 1 || r[0]["text"] != "W1" {
		t.Errorf("rewards: %v", r)
	}
	if r := tables["assessment"]; len(r) != 1 || r[0]["label"] != "城东街道工作群" || r[0]["cells"].([]any)[0] != "g1" || r[0]["cells"].([]any)[1] != "1" {
		t.Errorf("assessment: %v", r)
	}
	md := c.ok(append(sup, "report", "--period", "year", "--lang", "zh")...)
	for _, w := range []string{"## 群组考核与排名", "## 表彰（CW 六(三)1）", "| K1 | 城东街道工作群 | 信息发布规范 |", "## 举报奖励", "## 查阅存档申请"} {
		if !strings.Contains(md, w) {
			t.Errorf("the Markdown report does not say %q", w)
		}
	}
}

// Commendations, rewards and archive requests travel in bundles and converge: two machines,
// each acting in turn, end with the same state.
func TestCLIAssessTravels(t *testing.T) {
	office, party := newCLI(t), newCLI(t)
	office.ok("init", "--name", "王管理", "--role", "admin")
	office.ok("init", "--name", "赵群主", "--role", "owner")
	party.ok("init", "--name", "李书记", "--role", "secretary")
	party.ok("init", "--name", "周监督", "--role", "supervisor")
	keys := t.TempDir()
	for _, m := range []struct {
		from, to *cli
		names    []string
	}{{office, party, []string{"王管理", "赵群主"}}, {party, office, []string{"李书记", "周监督"}}} {
		for _, n := range m.names {
			f := filepath.Join(keys, n+".key.json")
			m.from.ok("--as", n, "key", "export", "-o", f)
			m.to.ok("trust", f, "--yes")
		}
	}
	q := filepath.Join(t.TempDir(), "assess.jsonl")
	if err := os.WriteFile(q, []byte(assessQueue), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	b := func(n string) string { return filepath.Join(dir, n) }
	office.ok("--as", "王管理", "import", q)
	office.ok("--as", "王管理", "decide", "n2", "approve")
	office.ok("--as", "王管理", "violation", "verify", "r1")
	office.ok("--as", "王管理", "archive", "request", "--group", "g1", "--member", "m1", "--reason", "撰写总结", "--id", "A1")
	office.ok("sync", "export", "--peer", "party", "-o", b("1.qsb"))
	party.ok("sync", "import", b("1.qsb"))
	party.ok("--as", "李书记", "archive", "approve", "A1")
	party.ok("--as", "周监督", "commend", "--group", "g1", "--text", "规范", "--id", "K1")
	party.ok("--as", "周监督", "reward", "--report", "r1", "--text", "属实", "--id", "W1")
	party.ok("sync", "export", "--peer", "office", "-o", b("2.qsb"))
	office.ok("sync", "import", b("2.qsb"))
	office.ok("--as", "赵群主", "archive", "grant", "A1", "--include-confidential")
	office.ok("sync", "export", "--peer", "party", "-o", b("3.qsb"))
	party.ok("sync", "import", b("3.qsb"))
	before := party.status()
	party.ok("sync", "import", b("3.qsb"))
	if party.status().State != before.State {
		t.Error("a second import changed the state")
	}
	so, sp := office.status(), party.status()
	if so.State != sp.State || so.Events != sp.Events {
		t.Fatalf("the machines differ: %s (%d events) and %s (%d)", so.State, so.Events, sp.State, sp.Events)
	}
	if sp.ArchiveAccess["granted"] != 1 || sp.Commendations["group"] != 1 || sp.Commendations["reward"] != 1 {
		t.Errorf("status: %+v %+v", sp.ArchiveAccess, sp.Commendations)
	}
	rows := jsonRows(t, party.ok("archive", "requests", "--json"))
	if len(rows) != 1 || rows[0]["status"] != "granted" || rows[0]["approved_by"] != "李书记" || rows[0]["decided_by"] != "赵群主" {
		t.Errorf("requests on the party's machine: %v", rows)
	}
	office.ok("verify")
	party.ok("verify")
}
