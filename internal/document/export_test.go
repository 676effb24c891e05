package document_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"qunshen/internal/document"
	"qunshen/internal/i18n"
	"qunshen/internal/reportfix"
	"qunshen/review"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func juneReport(t *testing.T) *review.Report {
	t.Helper()
	old := time.Local
	time.Local = reportfix.CST
	t.Cleanup(func() { time.Local = old })
	f := reportfix.Build(t, t.TempDir())
	t.Cleanup(func() { f.Store.Close() })
	p, _ := review.ParsePeriod("2026-06", reportfix.Now)
	r, err := review.MakeReport(f.Store, review.ReportOptions{Period: p, Scope: review.Scope{Kind: "all"}, Now: reportfix.Now, Operator: "周监督"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./report -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./report -update rewrites it):\n%s", name, got)
	}
}

// TestExportGolden writes the fixture's June report in every text format and both
// languages, and compares each with its golden file.
func TestExportGolden(t *testing.T) {
	r := juneReport(t)
	for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
		for _, format := range []string{"md", "csv", "html", "json"} {
			var b bytes.Buffer
			if err := document.Write(&b, format, r, lang); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			// Every export states the period, the scope, the operator and when.
			for _, want := range []string{"2026-06", "2026-06-01", "周监督", "2026-07-02 10:00"} {
				if format == "json" {
					want = strings.Replace(want, " ", "T", 1)
				}
				if !strings.Contains(out, want) {
					t.Errorf("%s %s lacks %q", format, lang, want)
				}
			}
			golden(t, "june-"+string(lang)+"."+format, b.Bytes())
		}
	}
}

// TestExportXLSX opens the workbook again and reads its cells: one sheet per table, with
// Chinese headers and the hand-computed figures.
func TestExportXLSX(t *testing.T) {
	r := juneReport(t)
	var b bytes.Buffer
	if err := document.Write(&b, "xlsx", r, i18n.ZH); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if want := 1 + len(r.Tables()); len(sheets) != want {
		t.Fatalf("%d sheets, want %d: %v", len(sheets), want, sheets)
	}
	if sheets[0] != "群组监督统计报表" || sheets[1] != "信息发布审核" {
		t.Fatalf("sheets: %v", sheets)
	}
	cell := func(sheet, at string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, at)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct{ sheet, at, want string }{
		{"群组监督统计报表", "A2", "统计期间"},
		{"群组监督统计报表", "B2", "2026-06 (2026-06-01 ~ 2026-06-30)"},
		{"群组监督统计报表", "B4", "全部群组"},
		{"群组监督统计报表", "B5", "周监督"},
		{"群组监督统计报表", "B6", "2026-07-02 10:00:00 +08:00"},
		{"信息发布审核", "A1", "指标"},
		{"信息发布审核", "B1", "本期"},
		{"信息发布审核", "C1", "上期"},
		{"信息发布审核", "D1", "变化"},
		{"信息发布审核", "A2", "提交信息"},
		{"信息发布审核", "B2", "6"},
		{"信息发布审核", "C2", "1"},
		{"信息发布审核", "D2", "+5"},
		{"信息发布审核", "A4", "通过"},
		{"信息发布审核", "B4", "2"},
		{"审核时效", "A3", "提交至初审 中位数"},
		{"审核时效", "B3", "2小时"},
		{"审核时效", "B4", "1天"},
		{"检查整改与解散", "A6", "项目群逾期未解散"},
		{"检查整改与解散", "B6", "1"},
		{"未销号的整改事项（当前）", "A2", "R2"},
		{"未销号的整改事项（当前）", "C2", "群纪律"},
		{"未销号的整改事项（当前）", "G2", "已逾期"},
	} {
		if got := cell(c.sheet, c.at); got != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.at, got, c.want)
		}
	}
	// Counts are numbers, not text.
	if typ, err := f.GetCellType("信息发布审核", "B2"); err != nil || typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("B2 is of type %v (%v)", typ, err)
	}
}

// TestExportHTMLWellFormed parses the page as XML: every element closed, every text escaped;
// the charts are inline SVG.
func TestExportHTMLWellFormed(t *testing.T) {
	r := juneReport(t)
	for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
		var b bytes.Buffer
		if err := document.Write(&b, "html", r, lang); err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(bytes.NewReader(b.Bytes()))
		d.Strict = true
		svgs, rects, tables := 0, 0, 0
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: the HTML is not well-formed: %v", lang, err)
			}
			if se, ok := tok.(xml.StartElement); ok {
				switch se.Name.Local {
				case "svg":
					svgs++
				case "rect":
					rects++
				case "table":
					tables++
				case "script", "link", "img":
					t.Fatalf("%s: the page loads or runs something: <%s>", lang, se.Name.Local)
				}
			}
		}
		// Three charts: findings by category (3 bars), sanctions by step (2), and 30 days.
		if svgs != 3 || rects != 3+2+30 || tables == 0 {
			t.Errorf("%s: %d svg, %d rect, %d tables", lang, svgs, rects, tables)
		}
	}
}

func TestExportJSONReadsBack(t *testing.T) {
	r := juneReport(t)
	var b bytes.Buffer
	if err := document.Write(&b, "json", r, i18n.EN); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format   string `json:"format"`
		Period   struct{ Name string }
		Operator string
		Tables   []struct {
			ID   string
			Rows []struct {
				Key  string
				Cur  *int64
				Prev *int64
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != "qunshen-report" || doc.Period.Name != "2026-06" || doc.Operator != "周监督" || doc.Tables[0].ID != "review" {
		t.Fatalf("%+v", doc)
	}
	if row := doc.Tables[0].Rows[0]; row.Key != "report.f.submitted" || *row.Cur != 6 || *row.Prev != 1 {
		t.Fatalf("first row: %+v", row)
	}
	if err := document.Write(io.Discard, "pdf", r, i18n.EN); err == nil {
		t.Fatal("an unknown format was written")
	}
}

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		d      time.Duration
		zh, en string
	}{
		{0, "-", "-"},
		{20 * time.Second, "1分钟", "1min"},
		{30 * time.Minute, "30分钟", "30min"},
		{2*time.Hour + 5*time.Minute, "2小时5分钟", "2h 5min"},
		{30 * time.Hour, "1天6小时", "1d 6h"},
		{8 * 24 * time.Hour, "8天", "8d"},
	} {
		if got := document.Duration(c.d, i18n.ZH); got != c.zh {
			t.Errorf("%v zh: %q", c.d, got)
		}
		if got := document.Duration(c.d, i18n.EN); got != c.en {
			t.Errorf("%v en: %q", c.d, got)
		}
	}
}
