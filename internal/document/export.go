// Package document writes the documents that leave the workbench: the supervisor's report
// (review.Report) in the forms an office passes on — Markdown, CSV, a spreadsheet (one sheet per
// table, Chinese headers), one self-contained printable HTML file with its charts drawn in SVG,
// and JSON for programs — and the group owner's archive (archive*.go). Every form of the report
// states the period, the scope, the operator who made it and when.
package document

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/review"
)

// Formats are the export formats, by the name the command line takes.
var Formats = []string{"md", "csv", "xlsx", "html", "json"}

// Write writes the report in a format and a language.
func Write(w io.Writer, format string, r *review.Report, lang i18n.Lang) error {
	d := newDoc(r, lang)
	switch format {
	case "md":
		return d.markdown(w)
	case "csv":
		return d.csv(w)
	case "xlsx":
		return d.xlsx(w)
	case "html":
		return d.html(w)
	case "json":
		return d.json(w)
	}
	return fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// FormatOf is the format a file name suggests by its extension, or "".
func FormatOf(path string) string {
	for _, f := range Formats {
		if strings.HasSuffix(strings.ToLower(path), "."+f) {
			return f
		}
	}
	if strings.HasSuffix(strings.ToLower(path), ".markdown") {
		return "md"
	}
	return ""
}

// doc is a report in one language: every label, cell and number already in words.
type doc struct {
	r      *review.Report
	lang   i18n.Lang
	tables []review.Table
}

func newDoc(r *review.Report, lang i18n.Lang) *doc {
	return &doc{r: r, lang: lang, tables: r.Tables()}
}

func (d *doc) t(key string) string { return i18n.T(d.lang, key) }

// Title is the report's title.
func (d *doc) title() string { return d.t("report.doc.title") }

// ScopeName is a scope in words.
func ScopeName(r *review.Report, lang i18n.Lang) string {
	switch r.Scope.Kind {
	case "group":
		name := r.Scope.Value
		if r.ScopeName != "" {
			name = r.ScopeName + " (" + r.Scope.Value + ")"
		}
		return i18n.Tf(lang, "report.scope.group", name)
	case "branch":
		return i18n.Tf(lang, "report.scope.branch", r.Scope.Value)
	}
	return i18n.T(lang, "report.scope.all")
}

// meta are the lines every export states: period, previous period, scope, operator, time.
func (d *doc) meta() [][2]string {
	r := d.r
	return [][2]string{
		{d.t("report.meta.period"), r.Period.String() + " (" + r.Period.Dates() + ")"},
		{d.t("report.meta.previous"), r.Previous.String() + " (" + r.Previous.Dates() + ")"},
		{d.t("report.meta.scope"), ScopeName(r, d.lang)},
		{d.t("report.meta.operator"), r.Operator},
		{d.t("report.meta.made"), r.Made.In(review.ChinaTime).Format("2006-01-02 15:04:05 -07:00")},
	}
}

// header is a table's header row.
func (d *doc) header(tb *review.Table) []string {
	if tb.Columns != nil {
		out := make([]string, len(tb.Columns))
		for i, c := range tb.Columns {
			out[i] = d.t(c)
		}
		return out
	}
	return []string{d.t("report.c.figure"), d.t("report.c.cur"), d.t("report.c.prev"), d.t("report.c.change")}
}

// Label is a row's label in the language.
func Label(row *review.Row, lang i18n.Lang) string {
	if row.Key != "" {
		return i18n.T(lang, row.Key)
	}
	if lang == i18n.EN && row.TextEN != "" {
		return row.TextEN
	}
	return row.Text
}

// cells is a row in words: the label, then the values (or a list table's cells).
func (d *doc) cells(row *review.Row) []string {
	out := []string{Label(row, d.lang)}
	if row.Cells != nil {
		for _, c := range row.Cells {
			out = append(out, Cell(c, d.lang))
		}
		return out
	}
	if row.NoPrev {
		return append(out, Value(row.Cur, row.Unit, d.lang)+" ("+d.t("report.c.now")+")", "", "")
	}
	return append(out, Value(row.Cur, row.Unit, d.lang), Value(row.Prev, row.Unit, d.lang), Change(row, d.lang))
}

// Cell is a list table's cell in words: "item:X" is an inspection item, "key:K" a catalogue
// key, "dur:N" a duration of N nanoseconds, anything else text from the data.
func Cell(c string, lang i18n.Lang) string {
	if n, ok := strings.CutPrefix(c, "dur:"); ok {
		if d, err := strconv.ParseInt(n, 10, 64); err == nil {
			return Duration(time.Duration(d), lang)
		}
	}
	if k, ok := strings.CutPrefix(c, "item:"); ok {
		if s := i18n.T(lang, "report.item."+k); s != "report.item."+k {
			return s
		}
		return k
	}
	if k, ok := strings.CutPrefix(c, "key:"); ok {
		return i18n.T(lang, k)
	}
	return c
}

// Value is a figure in words: a count, or a duration (a dash when there was nothing to time).
func Value(n int64, u review.Unit, lang i18n.Lang) string {
	if u == review.UnitDuration {
		return Duration(time.Duration(n), lang)
	}
	return fmt.Sprint(n)
}

// Change is this period's value against the previous one: +3, -1, 0.
func Change(row *review.Row, lang i18n.Lang) string {
	if row.NoPrev {
		return ""
	}
	diff := row.Cur - row.Prev
	if row.Unit == review.UnitDuration {
		if row.Cur == 0 || row.Prev == 0 {
			return ""
		}
		switch {
		case diff > 0:
			return "+" + Duration(time.Duration(diff), lang)
		case diff < 0:
			return "-" + Duration(time.Duration(-diff), lang)
		}
		return "0"
	}
	if diff > 0 {
		return fmt.Sprintf("+%d", diff)
	}
	return fmt.Sprint(diff)
}

// Duration is a span in days, hours and minutes, the two largest parts: 1天6小时, 45分钟.
func Duration(d time.Duration, lang i18n.Lang) string {
	if d <= 0 {
		return "-"
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, i18n.Tf(lang, "dur.d", days))
		if hours > 0 {
			parts = append(parts, i18n.Tf(lang, "dur.h", hours))
		}
	} else if hours > 0 {
		parts = append(parts, i18n.Tf(lang, "dur.h", hours))
		if mins > 0 {
			parts = append(parts, i18n.Tf(lang, "dur.m", mins))
		}
	} else {
		parts = append(parts, i18n.Tf(lang, "dur.m", max(mins, 1)))
	}
	sep := ""
	if lang == i18n.EN {
		sep = " "
	}
	return strings.Join(parts, sep)
}

// Bar is one bar of a chart.
type Bar struct {
	Label string
	N     int64
}

// CategoryBars are the findings of the period by category, most first.
func CategoryBars(r *review.Report, lang i18n.Lang) []Bar {
	return barsOf(r, lang, "findings.category", func(row *review.Row) bool {
		return row.Key != "report.f.posts.flagged" && row.Key != "report.f.findings"
	})
}

// SanctionBars are the sanctions of the period by step of the ladder.
func SanctionBars(r *review.Report, lang i18n.Lang) []Bar {
	return barsOf(r, lang, "sanctions", func(row *review.Row) bool { return row.Key == "" })
}

func barsOf(r *review.Report, lang i18n.Lang, id string, keep func(*review.Row) bool) []Bar {
	var out []Bar
	for _, tb := range r.Tables() {
		if tb.ID != id {
			continue
		}
		for i := range tb.Rows {
			if row := &tb.Rows[i]; keep(row) && row.Cur > 0 {
				out = append(out, Bar{Label: Label(row, lang), N: row.Cur})
			}
		}
	}
	return out
}

func maxBar(bs []Bar) int64 {
	m := int64(0)
	for _, b := range bs {
		m = max(m, b.N)
	}
	return m
}

// Daily is the period's posts a day.
func Daily(r *review.Report) []int { return slices.Clone(r.Cur.Daily) }
