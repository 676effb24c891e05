package document

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"qunshen/review"
)

func (d *doc) markdown(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# %s\n\n", mdEscape(d.title()))
	for _, m := range d.meta() {
		fmt.Fprintf(b, "- %s: %s\n", mdEscape(m[0]), mdEscape(m[1]))
	}
	fmt.Fprintf(b, "\n%s\n", mdEscape(d.t("report.meta.standing")))
	for i := range d.tables {
		tb := &d.tables[i]
		fmt.Fprintf(b, "\n## %s\n\n", mdEscape(d.t("report.t."+tb.ID)))
		head := d.header(tb)
		if len(tb.Rows) == 0 {
			fmt.Fprintf(b, "%s\n", mdEscape(d.t("empty")))
			continue
		}
		fmt.Fprintf(b, "| %s |\n|", strings.Join(mapStrings(head, mdEscape), " | "))
		for j := range head {
			if j == 0 || tb.Columns != nil {
				b.WriteString(" --- |")
			} else {
				b.WriteString(" ---: |")
			}
		}
		b.WriteString("\n")
		for j := range tb.Rows {
			cells := mapStrings(d.cells(&tb.Rows[j]), mdEscape)
			if tb.Rows[j].Alert {
				cells[0] = "**" + cells[0] + "**"
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
		}
	}
	return b.Flush()
}

func mdEscape(s string) string {
	return strings.NewReplacer("\\", "\\\\", "|", "\\|", "\n", " ", "\r", " ", "*", "\\*", "_", "\\_", "`", "\\`", "<", "&lt;").Replace(s)
}

func mapStrings(ss []string, f func(string) string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

// csv writes every table one after another, each with its title and header, after the
// report's meta; with a byte-order mark, so that a spreadsheet reads it as UTF-8.
func (d *doc) csv(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.WriteString("\uFEFF")
	c := csv.NewWriter(b)
	c.Write([]string{d.title()})
	for _, m := range d.meta() {
		c.Write([]string{m[0], m[1]})
	}
	for i := range d.tables {
		tb := &d.tables[i]
		c.Write(nil)
		c.Write([]string{d.t("report.t." + tb.ID)})
		c.Write(d.header(tb))
		for j := range tb.Rows {
			c.Write(d.cells(&tb.Rows[j]))
		}
	}
	c.Flush()
	if err := c.Error(); err != nil {
		return err
	}
	return b.Flush()
}

type jsonRow struct {
	Key    string   `json:"key,omitempty"`
	Text   string   `json:"text,omitempty"`
	Label  string   `json:"label"`
	Unit   string   `json:"unit,omitempty"`
	Cur    *int64   `json:"cur,omitempty"`
	Prev   *int64   `json:"prev,omitempty"`
	Now    bool     `json:"now,omitempty"`
	Cells  []string `json:"cells,omitempty"`
	Alert  bool     `json:"alert,omitempty"`
	Values []string `json:"values"`
}

type jsonPeriod struct {
	Name string    `json:"name"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"` // exclusive
}

// json writes the report for programs: the numbers (durations in nanoseconds), stable keys,
// and the labels in the language.
func (d *doc) json(w io.Writer) error {
	r := d.r
	type table struct {
		ID      string    `json:"id"`
		Title   string    `json:"title"`
		Columns []string  `json:"columns"`
		Rows    []jsonRow `json:"rows"`
	}
	out := struct {
		Format   string     `json:"format"`
		Version  int        `json:"version"`
		Title    string     `json:"title"`
		Period   jsonPeriod `json:"period"`
		Previous jsonPeriod `json:"previous"`
		Scope    string     `json:"scope"`
		ScopeIn  string     `json:"scope_name"`
		Operator string     `json:"operator"`
		Made     time.Time  `json:"made"`
		Daily    []int      `json:"daily"`
		Tables   []table    `json:"tables"`
	}{Format: "qunshen-report", Version: 1, Title: d.title(),
		Period:   jsonPeriod{r.Period.String(), r.Period.From, r.Period.To},
		Previous: jsonPeriod{r.Previous.String(), r.Previous.From, r.Previous.To},
		Scope:    r.Scope.String(), ScopeIn: ScopeName(r, d.lang), Operator: r.Operator, Made: r.Made, Daily: Daily(r)}
	for i := range d.tables {
		tb := &d.tables[i]
		t := table{ID: tb.ID, Title: d.t("report.t." + tb.ID), Columns: d.header(tb), Rows: []jsonRow{}}
		for j := range tb.Rows {
			row := &tb.Rows[j]
			cells := d.cells(row)
			jr := jsonRow{Key: row.Key, Text: row.Text, Label: cells[0], Alert: row.Alert, Values: cells[1:]}
			if row.Cells != nil {
				jr.Cells = row.Cells
			} else {
				cur, prev := row.Cur, row.Prev
				jr.Cur = &cur
				if row.NoPrev {
					jr.Now = true
				} else {
					jr.Prev = &prev
				}
				jr.Unit = "count"
				if row.Unit == review.UnitDuration {
					jr.Unit = "ns"
				}
			}
			t.Rows = append(t.Rows, jr)
		}
		out.Tables = append(out.Tables, t)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// sheetName is a table's title as a sheet name: at most 31 characters, none of []:*?/\.
func sheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, s)
	for utf8.RuneCountInString(s) > 31 {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	base := s
	for i := 2; used[s]; i++ {
		suffix := fmt.Sprintf(" %d", i)
		s = base
		for utf8.RuneCountInString(s)+len(suffix) > 31 {
			_, n := utf8.DecodeLastRuneInString(s)
			s = s[:len(s)-n]
		}
		s += suffix
	}
	used[s] = true
	return s
}

// xlsx writes a workbook: a first sheet with the report's meta, then one sheet per table,
// its header in bold, counts as numbers.
func (d *doc) xlsx(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	alert, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}})
	if err != nil {
		return err
	}
	used := map[string]bool{}
	first := sheetName(d.title(), used)
	if err := f.SetSheetName("Sheet1", first); err != nil {
		return err
	}
	set := func(sheet string, col, row int, v any) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		return f.SetCellValue(sheet, cell, v)
	}
	if err := set(first, 1, 1, d.title()); err != nil {
		return err
	}
	f.SetCellStyle(first, "A1", "A1", bold)
	for i, m := range d.meta() {
		set(first, 1, i+2, m[0])
		set(first, 2, i+2, m[1])
	}
	set(first, 1, len(d.meta())+3, d.t("report.meta.standing"))
	f.SetColWidth(first, "A", "A", 16)
	f.SetColWidth(first, "B", "B", 48)
	for i := range d.tables {
		tb := &d.tables[i]
		name := sheetName(d.t("report.t."+tb.ID), used)
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		head := d.header(tb)
		for c, h := range head {
			if err := set(name, c+1, 1, h); err != nil {
				return err
			}
		}
		end, _ := excelize.CoordinatesToCellName(len(head), 1)
		f.SetCellStyle(name, "A1", end, bold)
		f.SetColWidth(name, "A", "A", 36)
		for j := range tb.Rows {
			row := &tb.Rows[j]
			cells := d.cells(row)
			for c, v := range cells {
				var val any = v
				if row.Cells == nil && row.Unit == review.UnitCount && (c == 1 || (c == 2 && !row.NoPrev)) {
					val = []int64{row.Cur, row.Prev}[c-1]
				}
				if err := set(name, c+1, j+2, val); err != nil {
					return err
				}
			}
			if row.Alert {
				a, _ := excelize.CoordinatesToCellName(1, j+2)
				f.SetCellStyle(name, a, a, alert)
			}
		}
	}
	_, err = f.WriteTo(w)
	return err
}

// html writes one self-contained page, printable: the meta, the charts in inline SVG, the
// tables. Every text is escaped; the page is well-formed XML as well as HTML.
func (d *doc) html(w io.Writer) error {
	b := bufio.NewWriter(w)
	e := html.EscapeString
	lang := "zh-CN"
	if d.lang == "en" {
		lang = "en"
	}
	fmt.Fprintf(b, `<!DOCTYPE html>
<html lang="%s">
<head>
<meta charset="utf-8"/>
<title>%s %s</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: 0.4em 0; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; } td.n { text-align: right; }
tr.alert td { color: #b00000; font-weight: bold; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; } dl.meta dd { margin: 0; }
.charts { display: flex; flex-wrap: wrap; gap: 2em; } figure { margin: 0; } figcaption { font-weight: bold; }
@media print { body { margin: 1cm; } h2 { break-after: avoid; } table { break-inside: avoid; } }
</style>
</head>
<body>
<h1>%s</h1>
<dl class="meta">
`, lang, e(d.title()), e(d.r.Period.String()), e(d.title()))
	for _, m := range d.meta() {
		fmt.Fprintf(b, "<dt>%s</dt><dd>%s</dd>\n", e(m[0]), e(m[1]))
	}
	fmt.Fprintf(b, "</dl>\n<p>%s</p>\n<div class=\"charts\">\n", e(d.t("report.meta.standing")))
	b.WriteString(barChart(d.t("report.chart.category"), CategoryBars(d.r, d.lang)))
	b.WriteString(barChart(d.t("report.chart.sanctions"), SanctionBars(d.r, d.lang)))
	b.WriteString(dailyChart(d.t("report.chart.daily"), d.r))
	b.WriteString("</div>\n")
	for i := range d.tables {
		tb := &d.tables[i]
		fmt.Fprintf(b, "<h2>%s</h2>\n", e(d.t("report.t."+tb.ID)))
		if len(tb.Rows) == 0 {
			fmt.Fprintf(b, "<p>%s</p>\n", e(d.t("empty")))
			continue
		}
		b.WriteString("<table>\n<tr>")
		for _, h := range d.header(tb) {
			fmt.Fprintf(b, "<th>%s</th>", e(h))
		}
		b.WriteString("</tr>\n")
		for j := range tb.Rows {
			row := &tb.Rows[j]
			if row.Alert {
				b.WriteString(`<tr class="alert">`)
			} else {
				b.WriteString("<tr>")
			}
			for c, v := range d.cells(row) {
				if c > 0 && row.Cells == nil {
					fmt.Fprintf(b, `<td class="n">%s</td>`, e(v))
				} else {
					fmt.Fprintf(b, "<td>%s</td>", e(v))
				}
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return b.Flush()
}

// barChart is a horizontal bar chart in SVG.
func barChart(title string, bars []Bar) string {
	e := html.EscapeString
	const labelW, barW, rowH = 180, 260, 22
	h := max(len(bars), 1)*rowH + 10
	var s strings.Builder
	fmt.Fprintf(&s, "<figure>\n<figcaption>%s</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n", e(title), labelW+barW+60, h)
	m := maxBar(bars)
	if len(bars) == 0 {
		fmt.Fprintf(&s, "<text x=\"0\" y=\"16\" font-size=\"13\">-</text>\n")
	}
	for i, bar := range bars {
		y := 5 + i*rowH
		wd := 0
		if m > 0 {
			wd = int(float64(barW) * float64(bar.N) / float64(m))
		}
		fmt.Fprintf(&s, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"end\">%s</text>\n", labelW-6, y+15, e(bar.Label))
		fmt.Fprintf(&s, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4a6fa5\"/>\n", labelW, y+2, max(wd, 1), rowH-6)
		fmt.Fprintf(&s, "<text x=\"%d\" y=\"%d\" font-size=\"13\">%d</text>\n", labelW+wd+6, y+15, bar.N)
	}
	s.WriteString("</svg>\n</figure>\n")
	return s.String()
}

// dailyChart is the posts a day as columns in SVG, with the first and last day named.
func dailyChart(title string, r *review.Report) string {
	e := html.EscapeString
	days := r.Cur.Daily
	const h = 80
	colW := max(2, min(16, 480/max(len(days), 1)))
	width := colW*len(days) + 60
	m := 0
	for _, n := range days {
		m = max(m, n)
	}
	var s strings.Builder
	fmt.Fprintf(&s, "<figure>\n<figcaption>%s</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n", e(title), width, h+36)
	for i, n := range days {
		bh := 0
		if m > 0 {
			bh = int(float64(h) * float64(n) / float64(m))
		}
		fmt.Fprintf(&s, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#6a8f4e\"><title>%s: %d</title></rect>\n",
			i*colW, h-bh+4, max(colW-1, 1), max(bh, 0), r.Period.From.AddDate(0, 0, i).In(review.ChinaTime).Format(time.DateOnly), n)
	}
	fmt.Fprintf(&s, "<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text>\n", h+22, r.Period.From.In(review.ChinaTime).Format("01-02"))
	fmt.Fprintf(&s, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>\n", colW*len(days), h+22, r.Period.To.AddDate(0, 0, -1).In(review.ChinaTime).Format("01-02"))
	fmt.Fprintf(&s, "<text x=\"%d\" y=\"14\" font-size=\"12\">%d</text>\n", colW*len(days)+6, m)
	s.WriteString("</svg>\n</figure>\n")
	return s.String()
}
