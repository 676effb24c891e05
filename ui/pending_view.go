package ui

import (
	"fmt"
	"strings"

	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// The drawing of the Pending pane: the head of the view, the rows under their column
// headings, and the detail of a post, which scrolls, its findings named at its top when it
// does not fit.

// severities, from the strongest, as the badges show them.
var badgeOrder = []string{review.Block, review.Escalate, review.Warn, review.Info}

// badges show the findings of a post by severity: 禁 block, 审 escalate, 提 warn, 示 info (B,
// E, W, I in English), 争 (D) a dispute.
func (p *pendingPane) badges(x *model.PostSummary) string {
	counts := map[string]int{}
	for _, s := range x.Severities {
		counts[s]++
	}
	var parts []string
	if x.Disputed {
		parts = append(parts, p.styles.sev[review.Block].Render(p.t("badge.disputed")))
	}
	for _, s := range badgeOrder {
		if n := counts[s]; n > 0 {
			parts = append(parts, p.styles.sev[s].Render(fmt.Sprintf("%s%d", p.t("badge."+s), n)))
		}
	}
	return strings.Join(parts, " ")
}

// pendingCols are the widths of a row's columns at a width: mark and state, time, group,
// author, title, findings.
type pendingCols struct{ group, author, title, badges int }

const timeCols = 11 // 01-02 15:04

func pendingColsAt(w int) pendingCols {
	c := pendingCols{group: min(14, w/7), author: min(10, w/8), badges: 9}
	if w >= 120 {
		c.badges = 14
	}
	c.title = max(w-2-timeCols-1-c.group-1-c.author-1-1-c.badges, 1)
	return c
}

// row renders one post of the list at width w.
func (p *pendingPane) row(x *model.PostSummary, w int) string {
	c := pendingColsAt(w)
	mark := " "
	if p.list.IsMarked(x.ID) {
		mark = p.styles.mark.Render("*")
	}
	switch x.Status {
	case model.PostEscalated:
		mark += "^"
	case model.PostReturned:
		mark += "<"
	default:
		mark += " "
	}
	title := x.Title
	if title == "" {
		title = x.Line
	}
	return Fit(mark+p.when(x.Time, "01-02 15:04")+" "+Fit(inert.Line(p.groupName(x.Group)), c.group)+" "+
		Fit(p.filter.Highlight(x, p.nameOf(x.Group, x.Author)), c.author)+" "+Fit(p.filter.Highlight(x, title), c.title)+" "+Fit(p.badges(x), c.badges), w)
}

// header is the line of column headings above the rows.
func (p *pendingPane) header(w int) string {
	c := pendingColsAt(w)
	return p.styles.dim.Render(Fit("  "+Fit(p.t("col.time"), timeCols)+" "+Fit(p.t("col.group"), c.group)+" "+
		Fit(p.t("col.author"), c.author)+" "+Fit(p.t("col.title"), c.title)+" "+Fit(p.t("col.findings"), c.badges), w))
}

func (p *pendingPane) nameOf(group, author string) string {
	if n := p.names[model.MemberKey(group, author)]; n != "" {
		return n
	}
	return author
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// markLine is the marks for the status bar: how many, and how many of them are not shown.
func (p *pendingPane) markLine() string {
	shown, total := p.list.MarkCounts()
	switch {
	case total == 0:
		return ""
	case shown < total:
		return p.tf("marks.hidden", total, total-shown)
	}
	return p.tf("marks.n", total)
}

// view draws the head of the view and the list beside the detail on a wide terminal, above
// it on a narrow one; a question above them; a prompt or the views instead of them.
func (p *pendingPane) view(w, h int) string {
	if h <= 0 {
		return ""
	}
	switch {
	case p.prompt != nil:
		return p.prompt.view(w, h)
	case p.choice != nil:
		return p.choice.view(w, h)
	case p.picker != nil:
		return p.pickerView(w, h)
	}
	var head []string
	if p.ask != nil {
		head = append(head, p.askView(w, h)...)
	}
	if p.drill == nil {
		head = append(head, p.viewLine(w))
	}
	if l := p.filter.CountedLine(w); l != "" {
		head = append(head, l)
	}
	if len(head) >= h {
		return strings.Join(head[:h], "\n")
	}
	return listView(p.common, head, p.header, p.list, !p.loaded && p.list.Len() == 0, p.zoom, w, h, p.detail)
}

// detail is the post: its title and, when it does not fit, a line naming its findings,
// which stay at the top; under them the text scrolls: the decisions taken on it, the text
// with every finding highlighted, the findings with their clauses and explanations, the
// suggestion, and the author's record. Until the post is read whole, its title and "loading".
func (p *pendingPane) detail(w, h int) string {
	cur, ok := p.list.Current()
	if !ok || h <= 0 {
		return ""
	}
	w = max(w, 10)
	xp := p.whole(cur.ID)
	if xp == nil {
		title := cur.Title
		if title == "" {
			title = p.t("post.notitle")
		}
		lines := []string{p.styles.bold.Render(Cut(inert.Line(title), w)), "", Cut(p.t("loading"), w)}
		return strings.Join(lines[:min(len(lines), h)], "\n")
	}
	x := *xp
	var head []string
	title := x.Title
	if title == "" {
		title = p.t("post.notitle")
	}
	tl := richWrap(title, spansOf(x.Findings, review.FieldTitle), w, p.styles)
	if len(tl) > 2 {
		tl = tl[:2]
	}
	for _, l := range tl {
		head = append(head, p.styles.bold.Render(l))
	}
	var tags []string
	if p.zoom {
		tags = append(tags, p.tf("detail.position", p.list.Cursor()+1, p.list.Len()))
	}
	if p.list.IsMarked(x.ID) {
		tags = append(tags, p.styles.mark.Render(p.t("detail.marked")))
	}
	if len(tags) > 0 {
		head = append(head, Cut(strings.Join(tags, "  "), w))
	}
	body := p.detailBody(x, w)
	var sticky []string
	if fl := p.findingsLine(&x, w); fl != "" {
		sticky = append(sticky, fl)
	}
	keys := keymap.Name(p.km.HalfDown) + "/" + keymap.Name(p.km.HalfUp)
	if p.zoom {
		keys = keymap.Name(p.km.Down) + " " + keymap.Name(p.km.Up) + " " + keys
	}
	return p.scroll.view(p.common, x.ID, head, sticky, body, w, h, keys)
}

// findingsLine names the findings of a post on one line, the strongest first: 禁 银行卡号 ·
// 提 谣言×2.
func (p *pendingPane) findingsLine(x *model.Post, w int) string {
	if len(x.Findings) == 0 {
		return ""
	}
	var parts []string
	for _, s := range badgeOrder {
		counts := map[string]int{}
		var order []model.Finding
		for _, f := range x.Findings {
			if f.Severity != s {
				continue
			}
			if counts[f.Rule] == 0 {
				order = append(order, f)
			}
			counts[f.Rule]++
		}
		for _, f := range order {
			name := p.ruleName(model.Finding{Rule: f.Rule})
			if n := counts[f.Rule]; n > 1 {
				name = p.tf("rule.times", name, n)
			}
			parts = append(parts, p.styles.sev[s].Render(p.t("badge."+s))+" "+name)
		}
	}
	return Cut(p.t("post.findings")+p.t("msg.colon")+strings.Join(parts, p.t("list.sep")), w)
}

// detailBody is the text of the detail under its title, whole.
func (p *pendingPane) detailBody(x model.Post, w int) []string {
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	status := p.t("post." + string(x.Status))
	if x.Disputed {
		status += " · " + p.t("post.disputed")
	}
	add(Cut(fmt.Sprintf("%s  %s  %s  %s", p.when(x.Time, "2006-01-02 15:04"), inert.Line(p.groupName(x.Group)), inert.Line(p.nameOf(x.Group, x.Author)), status), w))
	// The decisions taken on the post, who took them and why: of a dispute, from the last one
	// that was not contested; else every one, so that a secretary sees who escalated and why.
	from := 0
	if x.Disputed {
		add("", p.styles.sev[review.Escalate].Render(Cut(p.t("post.dispute"), w)))
		for i, d := range x.History {
			if !d.Concurrent && (i+1 == len(x.History) || x.History[i+1].Concurrent) {
				from = i
			}
		}
	} else if len(x.History) > 0 {
		add("", Cut(p.t("post.history"), w))
	}
	for _, d := range x.History[from:] {
		label := p.t("report.posts." + string(d.Kind))
		switch d.Kind {
		case model.PostUndo, model.PostSubmit:
			label = p.t("post.decision." + string(d.Kind))
		}
		if len(d.Override) > 0 {
			names := make([]string, len(d.Override))
			for i, r := range d.Override {
				names[i] = p.ruleName(model.Finding{Rule: r})
			}
			label = p.tf("post.override", label, strings.Join(names, p.t("list.sep")))
		}
		line := fmt.Sprintf("  %s  %s  %s", p.when(d.Time, "01-02 15:04"), inert.Line(d.Actor), label)
		if d.Reason != "" {
			line += ": " + inert.Line(d.Reason)
		}
		if d.Concurrent {
			line += " " + p.t("post.dispute.concurrent")
		}
		for _, l := range Wrap(line, w) {
			add(l)
		}
	}
	add(p.outboxLines(&x, w)...)
	add("")
	add(richWrap(x.Body, spansOf(x.Findings, review.FieldBody), w, p.styles)...)
	if len(x.Attachments) > 0 {
		add("", Cut(p.t("post.attachments")+p.t("msg.colon")+inert.Line(strings.Join(x.Attachments, ", ")), w))
	}
	if x.Reason != "" {
		for _, l := range Wrap("> "+inert.Line(x.Reason), w) {
			add(l)
		}
	}
	add("", p.styles.bold.Render(p.t("post.findings")))
	if len(x.Findings) == 0 {
		add("  " + p.t("empty"))
	}
	pol := p.be.Policy()
	for _, f := range x.Findings {
		head := p.styles.sev[f.Severity].Render("["+p.sevName(f.Severity)+"]") + p.spanOf(&x, f)
		add(Cut("  "+head, w))
		for _, l := range Wrap(pol.Explain(f, string(p.lang)), w-4) {
			add("    " + l)
		}
	}
	s := review.Triage(&x)
	add("", p.styles.bold.Render(p.t("post.suggest"))+p.t("msg.colon")+p.t("suggest."+s.Action))
	add("", p.styles.bold.Render(p.t("post.record")))
	if r, ok := p.records[model.MemberKey(x.Group, x.Author)]; ok {
		step := "-"
		if r.member.Step != "" {
			step = p.stepName(r.member.Step)
		}
		if len(r.violations) == 0 {
			add("  " + p.t("record.none"))
		} else {
			add("  " + Cut(p.tf("record.count", len(r.violations), inert.Line(step)), w-2))
		}
	} else {
		add("  " + p.t("loading"))
	}
	return lines
}

// sevName is a severity in words.
func (c *common) sevName(s string) string {
	switch s {
	case review.Block, review.Escalate, review.Warn, review.Info:
		return c.t("sev." + s)
	}
	return inert.Line(s)
}

// stepName is a step of the ladder, stored in the words of the language it was taken in, in
// the language of the screen.
func (c *common) stepName(stored string) string {
	pol := c.be.Policy()
	for _, ladder := range [][]review.Step{pol.Ladder.General, pol.Ladder.Party} {
		for _, s := range ladder {
			if s.ZH == stored || s.EN == stored {
				return s.Name(string(c.lang))
			}
		}
	}
	return stored
}

// span is a byte range of a text to highlight.
type span struct{ start, end int }

func spansOf(fs []model.Finding, field string) []span {
	var out []span
	for _, f := range fs {
		if f.Field == field && f.End > f.Start {
			out = append(out, span{f.Start, f.End})
		}
	}
	return out
}

// richWrap wraps a text to w cells with the spans highlighted: the text is made inert rune
// by rune (eachDrawn), so that a span keeps its place whatever the text holds.
func richWrap(s string, spans []span, w int, st styles) []string {
	type cell struct {
		r  rune
		hl bool
	}
	var cells []cell
	eachDrawn(s, true, func(i int, drawn string) {
		hl := false
		for _, sp := range spans {
			if i >= sp.start && i < sp.end {
				hl = true
				break
			}
		}
		for _, c := range drawn {
			cells = append(cells, cell{c, hl})
		}
	})
	var lines []string
	var cur []cell
	curW := 0
	emit := func(cs []cell) {
		var b strings.Builder
		for i := 0; i < len(cs); {
			j := i
			for j < len(cs) && cs[j].hl == cs[i].hl {
				j++
			}
			var t strings.Builder
			for _, c := range cs[i:j] {
				t.WriteRune(c.r)
			}
			if cs[i].hl {
				b.WriteString(st.hl.Render(t.String()))
			} else {
				b.WriteString(t.String())
			}
			i = j
		}
		lines = append(lines, b.String())
	}
	for _, c := range cells {
		if c.r == '\n' {
			emit(cur)
			cur, curW = nil, 0
			continue
		}
		cw := Width(string(c.r))
		if curW+cw > w && len(cur) > 0 {
			cut := len(cur)
			if strings.ContainsRune(noLineStart, c.r) && len(cur) > 1 {
				cut = len(cur) - 1 // no line begins with closing punctuation
			}
			emit(cur[:cut])
			cur = append([]cell(nil), cur[cut:]...)
			curW = 0
			for _, x := range cur {
				curW += Width(string(x.r))
			}
		}
		cur = append(cur, c)
		curW += cw
	}
	if len(cur) > 0 || len(lines) == 0 {
		emit(cur)
	}
	return lines
}
