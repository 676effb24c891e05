package ui

import (
	"fmt"
	"strings"

	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
)

// The drawing of the Pending pane: a row with its badges, the detail of a post with its
// findings highlighted.

// badges show the findings of a post by severity: B block, E escalate, W warn, I info.
func (p *pendingPane) badges(x model.PostSummary) string {
	counts := map[string]int{}
	for _, s := range x.Severities {
		counts[s]++
	}
	var parts []string
	for _, s := range []string{"block", "escalate", "warn", "info"} {
		if n := counts[s]; n > 0 {
			parts = append(parts, p.styles.sev[s].Render(fmt.Sprintf("%c%d", strings.ToUpper(s)[0], n)))
		}
	}
	if x.Disputed {
		parts = append([]string{p.styles.sev["block"].Render("D")}, parts...)
	}
	return strings.Join(parts, " ")
}

// row renders one post of the list at width w.
func (p *pendingPane) row(x model.PostSummary, w int) string {
	mark := " "
	if p.list.IsMarked(x.ID) {
		mark = p.styles.mark.Render("*")
	}
	if x.Status == model.PostEscalated {
		mark += "^"
	} else if x.Status == model.PostReturned {
		mark += "<"
	} else {
		mark += " "
	}
	t := x.Time.Local().Format("01-02 15:04")
	group := Fit(inert.Line(p.groupName(x.Group)), min(14, w/7))
	author := Fit(p.filter.Highlight(x, p.nameOf(x.Group, x.Author)), min(10, w/8))
	title := x.Title
	if title == "" {
		title = x.Line
	}
	badges := p.badges(x)
	bw := Width(badges)
	rest := w - Width(mark) - 12 - Width(group) - Width(author) - 3 - bw - 1
	return Fit(mark+t+" "+group+" "+author+" "+Fit(p.filter.Highlight(x, title), max(rest, 1))+" "+badges, w)
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

// view draws the list beside the detail on a wide terminal, above it on a narrow one.
func (p *pendingPane) view(w, h int) string {
	if h <= 0 {
		return ""
	}
	if p.prompt != nil {
		return p.prompt.view(w, h)
	}
	var head []string
	if l := p.filter.Line(w); l != "" {
		head = append(head, l)
	}
	return listView(p.common, head, p.list, !p.loaded && p.list.Len() == 0, p.zoom, w, h, p.detail)
}

// detail is the whole post: its text with every finding highlighted, the findings with
// their clauses and explanations, the suggestion, and the author's record.
func (p *pendingPane) detail(w, h int) string {
	cur, ok := p.list.Current()
	if !ok || h <= 0 {
		return ""
	}
	w = max(w, 10)
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	xp := p.shown[cur.ID]
	if xp == nil { // being read
		title := cur.Title
		if title == "" {
			title = p.t("post.notitle")
		}
		add(p.styles.bold.Render(Cut(inert.Line(title), w)), "", p.t("loading"))
		if len(lines) > h {
			lines = lines[:h]
		}
		return strings.Join(lines, "\n")
	}
	x := *xp
	title := x.Title
	if title == "" {
		title = p.t("post.notitle")
	}
	for _, l := range richWrap(title, spansOf(x.Findings, review.FieldTitle), w, p.styles) {
		add(p.styles.bold.Render(l))
	}
	status := p.t("post." + string(x.Status))
	if x.Disputed {
		status += " · " + p.t("post.disputed")
	}
	add(Cut(fmt.Sprintf("%s  %s  %s  %s", x.Time.Local().Format("2006-01-02 15:04"), inert.Line(p.groupName(x.Group)), inert.Line(p.nameOf(x.Group, x.Author)), status), w))
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
		line := fmt.Sprintf("  %s  %s  %s", d.Time.Local().Format("01-02 15:04"), inert.Line(d.Actor), label)
		if d.Reason != "" {
			line += ": " + inert.Line(d.Reason)
		}
		if d.Concurrent {
			line += " " + p.t("post.dispute.concurrent")
		}
		add(Cut(line, w))
	}
	add("")
	add(richWrap(x.Body, spansOf(x.Findings, review.FieldBody), w, p.styles)...)
	if len(x.Attachments) > 0 {
		add("", Cut(p.t("post.attachments")+": "+inert.Line(strings.Join(x.Attachments, ", ")), w))
	}
	if x.Reason != "" {
		add("", Cut("> "+inert.Line(x.Reason), w))
	}
	add("", p.styles.bold.Render(p.t("post.findings")))
	if len(x.Findings) == 0 {
		add("  " + p.t("empty"))
	}
	pol := p.be.Policy()
	for _, f := range x.Findings {
		text := ""
		if f.End > f.Start {
			src := map[string]string{review.FieldTitle: x.Title, review.FieldBody: x.Body}[f.Field]
			if f.End <= len(src) {
				text = " «" + inert.Line(src[f.Start:f.End]) + "»"
			}
		}
		head := p.styles.sev[f.Severity].Render(fmt.Sprintf("[%s]", f.Severity)) + text
		add(Cut("  "+head, w))
		for _, l := range Wrap(pol.Explain(f, string(p.lang)), w-4) {
			add("    " + l)
		}
	}
	s := review.Triage(&x)
	add("", p.styles.bold.Render(p.t("post.suggest"))+": "+p.t("suggest."+s.Action))
	add("", p.styles.bold.Render(p.t("post.record")))
	if r, ok := p.records[model.MemberKey(x.Group, x.Author)]; ok {
		step := r.member.Step
		if step == "" {
			step = "-"
		}
		if len(r.violations) == 0 {
			add("  " + p.t("record.none"))
		} else {
			add("  " + Cut(p.tf("record.count", len(r.violations), inert.Line(step)), w-2))
		}
	} else {
		add("  " + p.t("loading"))
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
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
