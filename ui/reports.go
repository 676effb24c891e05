package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/internal/document"
	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/review"
)

// reportsPane is the supervisor's report (ST 七, PM 五(二)1): every figure of a period and a
// scope beside the period before, bar charts of the findings by category and of the sanctions
// by step, and a sparkline of the posts submitted each day. [ and ] move the period, t cycles
// its length, b the branch in scope (ctrl+g picks a group); j and k move among the figures
// that have items behind them, and Enter opens those items in their pane. e exports the report.
//
// The report is made in a command from the report index (review.MakeReport): a month of a
// million posts takes a fraction of a second, so it is simply made again when the period, the
// scope or the store changes.
type reportsPane struct {
	*common
	kind      review.PeriodKind
	offset    int // 0 for the period holding now, -1 for the one before …
	branch    int // index in branches of the branch in scope, or -1: every group
	branches  []string
	gen       int
	loading   bool
	rep       *review.Report
	tables    []review.Table
	bars      [2][]document.Bar // the charts' bars: findings by category, sanctions by step
	cursor    int               // index in the selectable rows
	scroll    int
	height    int
	exporting bool // the format chooser has the keyboard
	end       bool // G: the view scrolled to its end, past the last figure with items
	// seek: the next load, of the period holding now, goes back to the latest period with
	// data when that one has none; back is how far it went.
	seek bool
	back int
}

type reportMsg struct {
	gen  int
	rep  *review.Report
	back int // periods gone back from the one asked for, to the latest with data
	err  error
}

// seekPeriods is how far back the pane looks for a period with data.
const seekPeriods = 36

// hasData reports whether anything happened in a report's period.
func hasData(r *review.Report) bool {
	f := &r.Cur
	n := f.Submitted + f.Reviewed + f.Findings + f.Violations + f.Sanctions + f.Reports
	for _, d := range f.Decisions {
		n += d
	}
	for _, a := range f.AppsFiled {
		n += a
	}
	return n > 0
}

type reportExportMsg struct {
	path string
	err  error
}

func newReports(c *common) pane {
	return &reportsPane{common: c, kind: review.PeriodMonth, branch: -1, seek: true}
}

func (p *reportsPane) titleKey() string { return "tab.reports" }
func (p *reportsPane) count() int       { return -1 }
func (p *reportsPane) busy() bool       { return p.exporting }

// period is the period shown.
func (p *reportsPane) period() review.Period {
	return review.PeriodOf(p.kind, p.be.Now()).Shift(p.offset)
}

// reportScope is the group in scope (ctrl+g), else the branch chosen with b, else everything.
func (p *reportsPane) reportScope() review.Scope {
	switch {
	case p.scope != "":
		return review.Scope{Kind: "group", Value: p.scope}
	case p.branch >= 0 && p.branch < len(p.branches):
		return review.Scope{Kind: "branch", Value: p.branches[p.branch]}
	}
	return review.Scope{Kind: "all"}
}

func (p *reportsPane) load() tea.Cmd {
	p.gen++
	p.loading = true
	seek := p.seek && p.offset == 0
	p.seek = false
	if seek {
		p.back = 0
	}
	gen, be, o := p.gen, p.be, review.ReportOptions{Period: p.period(), Scope: p.reportScope()}
	return func() tea.Msg {
		r, err := be.Report(o)
		if err != nil || !seek || hasData(r) {
			return reportMsg{gen: gen, rep: r, err: err}
		}
		for back := 1; back <= seekPeriods; back++ {
			o.Period = o.Period.Shift(-1)
			earlier, err := be.Report(o)
			if err != nil {
				break
			}
			if hasData(earlier) {
				return reportMsg{gen: gen, rep: earlier, back: back}
			}
		}
		return reportMsg{gen: gen, rep: r}
	}
}

func (p *reportsPane) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case reportMsg:
		if msg.gen != p.gen {
			return nil // a newer report is being made
		}
		p.loading = false
		if msg.err != nil {
			p.fail(msg.err, "")
			return nil
		}
		if msg.back > 0 {
			p.back = msg.back
			p.offset -= msg.back
		}
		p.rep, p.tables = msg.rep, msg.rep.Tables()
		p.bars = [2][]document.Bar{document.CategoryBars(msg.rep, p.lang), document.SanctionBars(msg.rep, p.lang)}
		p.cursor = min(p.cursor, max(len(p.selectable())-1, 0))
		return nil
	case groupsMsg:
		p.branches = review.Branches(msg.groups)
		return nil
	case reportExportMsg:
		if msg.err != nil {
			p.fail(msg.err, "")
		} else {
			p.note(p.tf("report.pane.exported", msg.path))
		}
		return nil
	case actionMsg:
		if msg.err == nil {
			return p.load() // a member, violation or application changed
		}
	case decidedMsg:
		if len(msg.ok) > 0 {
			return p.load()
		}
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

// selectable are the rows with items behind them, as table and row indexes.
func (p *reportsPane) selectable() [][2]int {
	var out [][2]int
	for i, tb := range p.tables {
		for j, row := range tb.Rows {
			if row.Drill != nil {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}

// exportFormat is a format of document.Write and the key that chooses it.
type exportFormat struct {
	key    key.Binding
	format string
}

func (p *reportsPane) exportFormats() []exportFormat {
	k := p.km
	return []exportFormat{{k.ExportMarkdown, "md"}, {k.ExportCSV, "csv"}, {k.ExportXLSX, "xlsx"}, {k.ExportHTML, "html"}, {k.ExportJSON, "json"}}
}

// exportHint is the line that asks for the format: the keys of keymap's ExportFormats.
func (p *reportsPane) exportHint() string {
	var parts []string
	for _, b := range p.km.ExportFormats().Bindings {
		parts = append(parts, b.Help().Key+" "+b.Help().Desc)
	}
	return p.t("report.pane.export") + strings.Join(parts, "  ")
}

func (p *reportsPane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.km
	if p.exporting {
		p.exporting = false // any other key cancels
		for _, f := range p.exportFormats() {
			if key.Matches(msg, f.key) && p.rep != nil {
				return p.export(f.format)
			}
		}
		return nil
	}
	sel := p.selectable()
	p.end = false
	switch {
	case key.Matches(msg, k.PrevPeriod):
		p.offset, p.back = p.offset-1, 0
		return p.load()
	case key.Matches(msg, k.NextPeriod):
		if p.offset < 0 {
			p.offset, p.back = p.offset+1, 0
			return p.load()
		}
	case key.Matches(msg, k.PeriodLength):
		i := 0
		for j, x := range review.PeriodKinds {
			if x == p.kind {
				i = j
			}
		}
		p.kind, p.offset, p.seek = review.PeriodKinds[(i+1)%len(review.PeriodKinds)], 0, true
		return p.load()
	case key.Matches(msg, k.BranchScope):
		if p.scope != "" || len(p.branches) == 0 {
			return nil // a group is in scope: ctrl+g chooses all groups first
		}
		p.branch++
		if p.branch >= len(p.branches) {
			p.branch = -1
		}
		p.seek = p.offset == 0 || p.back > 0
		if p.back > 0 {
			p.offset = 0
		}
		return p.load()
	case key.Matches(msg, k.Export):
		if p.rep != nil {
			p.exporting = true
		}
	case key.Matches(msg, k.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(msg, k.Down):
		p.cursor = min(p.cursor+1, max(len(sel)-1, 0))
	case key.Matches(msg, k.PageUp):
		p.cursor = max(p.cursor-max(p.height/2, 1), 0)
	case key.Matches(msg, k.PageDown):
		p.cursor = min(p.cursor+max(p.height/2, 1), max(len(sel)-1, 0))
	case key.Matches(msg, k.Top):
		p.cursor = 0
	case key.Matches(msg, k.Bottom):
		p.cursor, p.end = max(len(sel)-1, 0), true
	case key.Matches(msg, k.Drill):
		if p.cursor < len(sel) && p.rep != nil {
			at := sel[p.cursor]
			return p.drillDown(&p.tables[at[0]].Rows[at[1]])
		}
	}
	return nil
}

// drillDown reads the items behind a figure and opens them in their pane.
func (p *reportsPane) drillDown(row *review.Row) tea.Cmd {
	be, r, d := p.be, p.rep, row.Drill
	label := document.Label(row, p.lang) + " " + r.Period.String()
	return func() tea.Msg {
		ids, err := be.ReportDrill(r, d)
		if err != nil {
			return reportExportMsg{err: err}
		}
		return drillMsg{pane: drillPane(d.Target), set: newDrillSet(label, ids)}
	}
}

// export writes the report as shown to a file in the working folder.
func (p *reportsPane) export(format string) tea.Cmd {
	r, lang, be := p.rep, p.lang, p.be
	name := fmt.Sprintf("qunshen-report-%s-%s.%s", r.Period, strings.NewReplacer(":", "-", "/", "-", "\\", "-", " ", "-").Replace(r.Scope.String()), format)
	return func() tea.Msg {
		if err := be.CheckDocument(); err != nil {
			return reportExportMsg{err: err} // nothing is written from a damaged database
		}
		var b bytes.Buffer
		if err := document.Write(&b, format, r, lang); err != nil {
			return reportExportMsg{err: err}
		}
		path, err := filepath.Abs(name)
		if err != nil {
			return reportExportMsg{err: err}
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, b.Bytes(), 0o600); err != nil {
			return reportExportMsg{err: err}
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return reportExportMsg{err: err}
		}
		return reportExportMsg{path: path}
	}
}

func (p *reportsPane) keys() keymap.Help {
	k := p.km
	if p.exporting {
		return keymap.Help{Short: k.ExportFormats().Bindings, Groups: []keymap.Group{k.Reports(), k.Move(), k.ExportFormats()}}
	}
	return keymap.Help{Short: k.Reports().Bindings, Groups: []keymap.Group{k.Reports(), k.Move(), k.ExportFormats()}}
}

func (p *reportsPane) view(w, h int) string {
	p.height = h
	if h <= 0 || w <= 0 {
		return ""
	}
	if p.rep == nil {
		return Cut(p.t("loading"), w)
	}
	head := strings.Split(p.titleLine(w), "\n")
	if p.exporting {
		head = append(head, p.styles.mark.Render(Cut(p.exportHint(), w)))
	}
	var body []string
	cursorLine := 0
	charts := p.charts(min(w, 70))
	if w >= 150 {
		lw := min(w-72, 96)
		left, cl := p.tableLines(lw)
		cursorLine = cl
		for i := 0; i < max(len(left), len(charts)); i++ {
			a, b := "", ""
			if i < len(left) {
				a = left[i]
			}
			if i < len(charts) {
				b = charts[i]
			}
			body = append(body, Fit(a, lw)+"  "+Cut(b, w-lw-2))
		}
	} else {
		tl, cl := p.tableLines(w)
		cursorLine = cl
		body = append(append(tl, ""), charts...)
	}
	room := max(h-len(head), 0)
	// Keep the figure under the cursor in sight.
	if cursorLine < p.scroll {
		p.scroll = cursorLine
	}
	if room > 0 && cursorLine >= p.scroll+room {
		p.scroll = cursorLine - room + 1
	}
	if p.end {
		p.scroll = len(body)
	}
	p.scroll = max(min(p.scroll, len(body)-room), 0)
	end := min(p.scroll+room, len(body))
	out := append(head, body[min(p.scroll, end):end]...)
	for i := range out {
		out[i] = Cut(out[i], w)
	}
	return strings.Join(out[:min(len(out), h)], "\n")
}

func (p *reportsPane) titleLine(w int) string {
	r := p.rep
	scope := document.ScopeName(r, p.lang)
	if r.Scope.Kind == "group" {
		scope = i18n.Tf(p.lang, "report.scope.group", inert.Line(p.groupName(r.Scope.Value)))
	}
	period := r.Period.String()
	if w >= 110 { // on a narrow terminal the scope matters more than the dates
		period += " (" + r.Period.Dates() + ")"
	}
	s := p.styles.bold.Render(p.t("report.pane.title")) + "  " + period + "  " +
		p.styles.dim.Render(p.t("report.pane.vs")+" "+r.Previous.String()) + "  " + inert.Line(scope)
	if p.loading {
		s += "  " + p.styles.dim.Render(p.t("report.pane.counting"))
	}
	if p.back > 0 {
		return Cut(s, w) + "\n" + p.styles.mark.Render(Cut(p.tf("report.pane.latest", review.PeriodOf(p.kind, p.be.Now()).String(), p.back, keymap.Name(p.km.NextPeriod)), w))
	}
	return Cut(s, w)
}

// tableLines draws the tables, and says on which line the cursor's row is.
func (p *reportsPane) tableLines(w int) ([]string, int) {
	cw := 12 // a change of duration reads +20天22小时
	if w < 70 {
		cw = 8
	}
	lw := max(w-3*cw, 4)
	right := func(s string) string {
		s = Cut(s, cw-1)
		return strings.Repeat(" ", max(cw-Width(s), 1)) + s
	}
	sel := p.selectable()
	var cur [2]int
	if p.cursor < len(sel) {
		cur = sel[p.cursor]
	} else {
		cur = [2]int{-1, -1}
	}
	var lines []string
	cursorLine := 0
	for i := range p.tables {
		tb := &p.tables[i]
		if len(tb.Rows) == 0 {
			continue
		}
		title := p.t("report.t." + tb.ID)
		var widths []int // of a list table's columns, so that its rows line up under its header
		if tb.Columns == nil {
			lines = append(lines, p.styles.bold.Render(Fit(title, lw))+p.styles.dim.Render(right(p.t("report.pane.cur"))+right(p.t("report.pane.prev"))+right(p.t("report.pane.change"))))
		} else {
			lines = append(lines, p.styles.bold.Render(Cut(title, w)))
			var head []string
			head, widths = p.listColumns(tb)
			lines = append(lines, p.styles.dim.Render(Cut("  "+head[0]+"  "+strings.Join(head[1:], "  "), w)))
		}
		for j := range tb.Rows {
			row := &tb.Rows[j]
			mark := " "
			switch {
			case i == cur[0] && j == cur[1]:
				mark = ">"
				cursorLine = len(lines)
			case row.Alert:
				mark = "!"
			}
			var line string
			if row.Cells != nil {
				parts := p.listCells(row, widths)
				line = Cut(mark+" "+parts[0]+"  "+strings.Join(parts[1:], "  "), w)
			} else {
				label := Fit(mark+" "+inert.Line(document.Label(row, p.lang)), lw)
				if row.NoPrev {
					line = label + right(document.Value(row.Cur, row.Unit, p.lang)) + right(p.t("report.c.now"))
				} else {
					line = label + right(document.Value(row.Cur, row.Unit, p.lang)) + right(document.Value(row.Prev, row.Unit, p.lang)) + right(document.Change(row, p.lang))
				}
			}
			switch {
			case i == cur[0] && j == cur[1]:
				line = p.styles.sel.Render(Fit(line, w))
			case row.Alert:
				line = p.styles.sev["block"].Render(line)
			}
			lines = append(lines, line)
		}
	}
	return lines, cursorLine
}

// listCells are a list table's row in words, each cell padded to its column's width.
func (p *reportsPane) listCells(row *review.Row, widths []int) []string {
	out := []string{inert.Line(document.Label(row, p.lang))}
	for _, c := range row.Cells {
		out = append(out, inert.Line(document.Cell(c, p.lang)))
	}
	for i := range out {
		if i < len(widths) && i < len(out)-1 {
			out[i] += strings.Repeat(" ", max(widths[i]-Width(out[i]), 0))
		}
	}
	return out
}

// listColumns are a list table's column titles, padded, and the width of each column: its
// title's or its widest cell's.
func (p *reportsPane) listColumns(tb *review.Table) ([]string, []int) {
	head := make([]string, len(tb.Columns))
	widths := make([]int, len(tb.Columns))
	for i, c := range tb.Columns {
		head[i] = p.t(c)
		widths[i] = Width(head[i])
	}
	for j := range tb.Rows {
		for i, c := range p.listCells(&tb.Rows[j], nil) {
			if i < len(widths) {
				widths[i] = max(widths[i], Width(c))
			}
		}
	}
	for i := range head {
		if i < len(head)-1 {
			head[i] += strings.Repeat(" ", widths[i]-Width(head[i]))
		}
	}
	return head, widths
}

// Blocks of the charts: Braille patterns, which every terminal draws one cell wide (the
// block elements are of ambiguous width in East Asian fonts).
const (
	barCell = "⣿"
)

var sparkLevels = []string{" ", "⣀", "⣤", "⣶", "⣿"}

// charts are the bar charts and the sparkline, w cells wide.
func (p *reportsPane) charts(w int) []string {
	var out []string
	bars := func(title string, bs []document.Bar) {
		out = append(out, p.styles.bold.Render(Cut(title, w)))
		if len(bs) == 0 {
			out = append(out, Cut("  "+p.t("empty"), w))
		}
		lw := min(16, w/3)
		m := int64(1)
		for _, b := range bs {
			m = max(m, b.N)
		}
		room := max(w-lw-8, 1)
		for _, b := range bs {
			n := max(int(int64(room)*b.N/m), 1)
			out = append(out, Fit("  "+inert.Line(b.Label), lw)+p.styles.mark.Render(strings.Repeat(barCell, n))+" "+fmt.Sprint(b.N))
		}
		out = append(out, "")
	}
	bars(p.t("report.chart.category"), p.bars[0])
	bars(p.t("report.chart.sanctions"), p.bars[1])
	out = append(out, p.styles.bold.Render(Cut(p.t("report.chart.daily"), w)))
	days := p.rep.Cur.Daily
	cols := max(min(len(days), w-2), 1)
	sums := make([]int, cols)
	for i, n := range days {
		sums[i*cols/max(len(days), 1)] += n
	}
	m := 0
	for _, n := range sums {
		m = max(m, n)
	}
	var sb strings.Builder
	for _, n := range sums {
		lvl := 0
		if m > 0 && n > 0 {
			lvl = max(1, (n*(len(sparkLevels)-1)+m-1)/m)
		}
		sb.WriteString(sparkLevels[lvl])
	}
	out = append(out, "  "+p.styles.mark.Render(sb.String()))
	from, to := p.rep.Period.From.Format("01-02"), p.rep.Period.To.AddDate(0, 0, -1).Format("01-02")
	gap := max(cols-Width(from)-Width(to), 1)
	out = append(out, p.styles.dim.Render("  "+from+strings.Repeat(" ", gap)+to+"  "+p.tf("report.chart.max", m)))
	return out
}

// click chooses nothing: the figures are chosen with the keys; the wheel moves among them.
func (p *reportsPane) click(x, y int) tea.Cmd { return nil }

// wheel moves the cursor among the figures with items behind them.
func (p *reportsPane) wheel(n int) tea.Cmd {
	sel := p.selectable()
	p.end = false
	p.cursor = min(max(p.cursor+n, 0), max(len(sel)-1, 0))
	return nil
}
