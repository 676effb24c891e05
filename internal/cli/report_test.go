package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qunshen/internal/reportfix"
)

// reportCLI is a command line on the report fixture, with the clock at the fixture's now.
func reportCLI(t *testing.T) *cli {
	old := time.Local
	time.Local = reportfix.CST
	t.Cleanup(func() { time.Local = old })
	f := reportfix.Build(t, t.TempDir())
	f.Store.Close()
	return &cli{t: t, db: f.Path, now: func() time.Time { return reportfix.Now }}
}

// TestCLIReport: the command writes what the exports' golden files hold, in each format,
// to standard output or a file, and refuses what it cannot read.
func TestCLIReport(t *testing.T) {
	c := reportCLI(t)
	for _, f := range []struct{ args, golden string }{
		{"--lang zh --period 2026-06 --as 周监督", "june-zh.md"},
		{"--lang zh --period last-month --scope all --as 周监督 --format csv", "june-zh.csv"},
		{"--lang en --period 2026-06 --as 周监督 --format json", "june-en.json"},
		{"--lang en --period 2026-06 --as 周监督 --format html", "june-en.html"},
	} {
		out := c.ok(append([]string{"report"}, strings.Fields(f.args)...)...)
		want, err := os.ReadFile(filepath.Join(moduleRoot, "internal", "document", "testdata", f.golden))
		if err != nil {
			t.Fatal(err)
		}
		if out != string(want) {
			t.Errorf("report %s differs from internal/document/testdata/%s:\n%s", f.args, f.golden, out)
		}
	}
	dir := t.TempDir()
	xl := filepath.Join(dir, "六月.xlsx")
	if out := c.ok("report", "--period", "2026-06", "--as", "周监督", "-o", xl, "--lang", "zh"); !strings.Contains(out, "2026-06") || !strings.Contains(out, "周监督") {
		t.Fatalf("report -o: %s", out)
	}
	wb, err := excelize.OpenFile(xl)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := wb.GetCellValue("信息发布审核", "B2"); v != "6" {
		t.Errorf("the spreadsheet's posts submitted: %q", v)
	}
	wb.Close()
	out := c.ok("report", "--lang", "zh", "--period", "2026-06", "--scope", "group:g2", "--format", "md")
	if !strings.Contains(out, "群组：办公室工作群 (g2)") || !strings.Contains(out, "| 提交信息 | 2 | 0 | +2 |") || !strings.Contains(out, "制表人: 王管理") {
		t.Errorf("report of g2:\n%s", out)
	}
	c.fails("period \"2026-13\"", "report", "--period", "2026-13")
	c.fails("scope \"team:x\"", "report", "--scope", "team:x")
	c.fails("no group \"g9\"", "report", "--scope", "group:g9")
	c.fails("--format takes", "report", "--format", "pdf")
	c.fails("add -o FILE.xlsx", "report", "--format", "xlsx")
	cal := filepath.Join(dir, "cal.txt")
	os.WriteFile(cal, []byte("2026-06-01 rest\n"), 0o600)
	c.fails("line 1", "report", "--calendar", cal)
}

// TestCLIInspectAndRectify: a supervisor orders a rectification, the group's status follows,
// an administrator may not; the finding is closed and the group is active again; a dissolution
// is ordered and recorded.
func TestCLIInspectAndRectify(t *testing.T) {
	c := newCLI(t)
	c.ok("init", "--name", "王管理", "--role", "admin")
	c.ok("init", "--name", "周监督", "--role", "supervisor")
	c.ok("import", queueFile)
	c.fails("only supervisor", "inspect", "--group", "g1", "--item", "content", "--finding", "未审先发", "--days", "5")
	c.fails("--item takes", "--as", "周监督", "inspect", "--group", "g1", "--item", "looks", "--finding", "x", "--days", "5")
	c.fails("one of them", "--as", "周监督", "inspect", "--item", "content", "--finding", "x", "--days", "5")
	c.fails("give a deadline", "--as", "周监督", "inspect", "--group", "g1", "--item", "content", "--finding", "x")
	c.fails("has passed", "--as", "周监督", "inspect", "--group", "g1", "--item", "content", "--finding", "x", "--deadline", "2020-01-01")
	out := c.ok("--as", "周监督", "inspect", "--group", "g1", "--item", "content", "--finding", "未审先发", "--days", "5", "--id", "R1")
	if !strings.Contains(out, "R1 content: rectification of group g1 ordered by 周监督") {
		t.Fatalf("inspect: %s", out)
	}
	if s := c.status(); s.Groups["rectifying"] != 1 || s.Rectifications["open"] != 1 {
		t.Fatalf("after the order: groups %v, rectifications %v", s.Groups, s.Rectifications)
	}
	c.ok("--as", "周监督", "inspect", "--branch", "第三党支部", "--item", "discipline", "--finding", "纪律松弛", "--days", "3", "--id", "R2")
	list := c.ok("rectify", "list", "--lang", "zh")
	if !strings.Contains(list, "R1") || !strings.Contains(list, "信息发布内容合规") || !strings.Contains(list, "R2") || !strings.Contains(list, "第三党支部") {
		t.Fatalf("rectify list:\n%s", list)
	}
	c.fails("only supervisor", "rectify", "close", "R1")
	if out := c.ok("--as", "周监督", "rectify", "close", "R1"); !strings.Contains(out, "R1: closed") {
		t.Fatalf("close: %s", out)
	}
	c.fails("rectification R1 is closed", "--as", "周监督", "rectify", "close", "R1")
	if s := c.status(); s.Groups["rectifying"] != 0 || s.Rectifications["closed"] != 1 {
		t.Fatalf("after closing: groups %v, rectifications %v", s.Groups, s.Rectifications)
	}
	if list := c.ok("rectify", "list"); strings.Contains(list, "R1") {
		t.Fatalf("a closed finding listed without --all:\n%s", list)
	}
	if list := c.ok("rectify", "list", "--all", "--json"); !strings.Contains(list, `"id":"R1"`) || !strings.Contains(list, `"status":"closed"`) {
		t.Fatalf("rectify list --all --json:\n%s", list)
	}
	out = c.ok("--as", "周监督", "inspect", "--group", "g2", "--item", "resources", "--finding", "项目已结束未解散", "--dissolve", "--id", "R3")
	if !strings.Contains(out, "dissolution of group g2") {
		t.Fatalf("inspect --dissolve: %s", out)
	}
	c.ok("--as", "周监督", "rectify", "dissolve", "g2")
	// The dissolution carries out its order: R3 is closed with it.
	c.fails("rectification R3 is closed", "--as", "周监督", "rectify", "close", "R3")
	if s := c.status(); s.Groups["dissolved"] != 1 || s.Groups["rectifying"] != 0 || s.Rectifications["closed"] != 2 || s.Rectifications["open"] != 1 {
		t.Fatalf("after the dissolution: groups %v, rectifications %v", s.Groups, s.Rectifications)
	}
	c.fails("want list, close ID or dissolve GROUP", "rectify")
	c.ok("verify")
}
