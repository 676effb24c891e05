package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qunshen/internal/i18n"
	"qunshen/internal/reportfix"
	"qunshen/model"
	"qunshen/review"
	"qunshen/ui"
)

// reportHarness opens the workbench on the report fixture as its supervisor, on 2 July 2026.
func reportHarness(t *testing.T, w, h int, lang i18n.Lang) (*harness, *reportfix.Fixture) {
	f := reportfix.Build(t, t.TempDir())
	t.Cleanup(func() { f.Store.Close() })
	hr := &harness{t: t, st: f.Store, w: w, h: h}
	hr.openAs(f.Supervisor, lang)
	return hr, f
}

func (h *harness) openAs(s *model.Signer, lang i18n.Lang) {
	svc := fixedService{&review.Service{Store: h.st, Signer: s, Clock: func() time.Time { return reportfix.Now }}}
	h.m = ui.New(svc, lang)
	h.send(tea.WindowSizeMsg{Width: h.w, Height: h.h})
	h.run(h.m.Init())
}

// selectRow moves the Reports pane's cursor to the figure whose label is given.
func (h *harness) selectRow(label string) {
	h.t.Helper()
	h.keys("g")
	for range 200 {
		for _, l := range strings.Split(ansi.Strip(h.screen()), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "> "+label+" ") {
				return
			}
		}
		h.keys("j")
	}
	h.t.Fatalf("no figure %q:\n%s", label, ansi.Strip(h.screen()))
}

// TestReportsGolden keeps the Reports pane on June 2026 of the fixture at 80×24 and 200×50,
// in Chinese and English; go test ./ui -update rewrites the files.
func TestReportsGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
			h, _ := reportHarness(t, size[0], size[1], lang)
			h.keys("4", "[")
			name := filepath.Join("testdata", "golden", strings.Join([]string{"reports-june", string(lang), itoa(size[0]) + "x" + itoa(size[1])}, "-")+".txt")
			got := ansi.Strip(h.screen()) + "\n"
			for i, l := range strings.Split(h.screen(), "\n") {
				if ansi.StringWidth(l) > size[0] {
					t.Fatalf("%s: line %d is %d cells", name, i, ansi.StringWidth(l))
				}
			}
			if *update {
				if err := os.WriteFile(name, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(name)
			if err != nil {
				t.Fatalf("%v (run go test ./ui -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file:\n%s", name, got)
			}
		}
	}
}

// TestReportsDrillDown: Enter on a figure opens its items in their pane, narrowed to them;
// Esc brings the whole list back.
func TestReportsDrillDown(t *testing.T) {
	h, _ := reportHarness(t, 120, 40, i18n.ZH)
	h.keys("4", "[")
	h.selectRow("驳回")
	h.keys("enter")
	s := ansi.Strip(h.screen())
	if !strings.Contains(s, "报表明细：驳回 2026-06（1 条") || !strings.Contains(s, "推广") || strings.Contains(s, "七月安排") {
		t.Fatalf("the rejected posts of June:\n%s", s)
	}
	h.keys("esc")
	s = ansi.Strip(h.screen())
	if strings.Contains(s, "报表明细") || !strings.Contains(s, "七月安排") {
		t.Fatalf("after Esc, the queue again:\n%s", s)
	}

	h.keys("4")
	h.selectRow("昵称不规范")
	h.keys("enter")
	s = ansi.Strip(h.screen())
	if !strings.Contains(s, "报表明细：昵称不规范") || !strings.Contains(s, "李娜") || strings.Contains(s, "张伟") || strings.Contains(s, "王强") {
		t.Fatalf("the members whose nickname is against the rule:\n%s", s)
	}
	h.keys("esc")
	if s := ansi.Strip(h.screen()); !strings.Contains(s, "张伟") {
		t.Fatalf("after Esc, every member:\n%s", s)
	}

	h.keys("4")
	h.selectRow("未反馈举报人")
	h.keys("enter")
	s = ansi.Strip(h.screen())
	if !strings.Contains(s, "报表明细：未反馈举报人 2026-06（1 条") || !strings.Contains(s, "王强") || strings.Contains(s, "李娜") {
		t.Fatalf("the reports whose reporter was not told:\n%s", s)
	}
}

// TestReportsKeys: t changes the period's length, [ and ] move it, b the branch in scope; e
// exports the report shown.
func TestReportsKeys(t *testing.T) {
	h, _ := reportHarness(t, 120, 40, i18n.ZH)
	h.keys("4")
	if s := ansi.Strip(h.screen()); !strings.Contains(s, "2026-07 (2026-07-01 ~ 2026-07-31)") || !strings.Contains(s, "对比 2026-06") {
		t.Fatalf("the month of now:\n%s", s)
	}
	h.keys("t")
	if s := ansi.Strip(h.screen()); !strings.Contains(s, "2026-Q3") {
		t.Fatalf("after t, the quarter:\n%s", s)
	}
	h.keys("[", "t", "t")
	if s := ansi.Strip(h.screen()); !strings.Contains(s, "2026-W27") {
		t.Fatalf("after t t, the week:\n%s", s)
	}
	h.keys("t", "[")
	if s := ansi.Strip(h.screen()); !strings.Contains(s, "2026-06 ") {
		t.Fatalf("June:\n%s", s)
	}
	h.keys("]", "]") // not beyond the period of now
	if s := ansi.Strip(h.screen()); !strings.Contains(s, "2026-07 ") {
		t.Fatalf("after ] ]:\n%s", s)
	}
	h.keys("[", "b")
	s := ansi.Strip(h.screen())
	if !strings.Contains(s, "支部/部门：办公室") || !strings.Contains(s, "提交信息") {
		t.Fatalf("after b, the first branch:\n%s", s)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	h.keys("e", "m")
	s = ansi.Strip(h.screen())
	path := filepath.Join(dir, "qunshen-report-2026-06-branch-办公室.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	if !strings.Contains(string(b), "制表人: 周监督") || !strings.Contains(string(b), "| 提交信息 | 2 | 0 | +2 |") {
		t.Fatalf("the export:\n%s", b)
	}
	h.keys("e", "q") // not a format: nothing written, and q did not quit
	if h.quit {
		t.Fatal("q in the export chooser quit")
	}
}
