package ui

import (
	"slices"

	tea "charm.land/bubbletea/v2"

	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
)

// The Pending pane's part of the regulations' loop: a violation recorded from a post, a
// published post retracted, and what the decisions on a post told the chat side and the
// people (the outbox), shown where the post's decisions are.

// askRecord opens the prompt that records a violation against the current post's author: a
// rule (those the post tripped first, then the policy's), and a note. It waits for the post
// read whole.
func (p *pendingPane) askRecord() tea.Cmd {
	cur, ok := p.list.Current()
	if !ok {
		return nil
	}
	author := inert.Line(p.nameOf(cur.Group, cur.Author))
	if !model.Allowed(p.op.Role, model.ViolationRecord) {
		return actionCmd(p.common, p, model.ViolationRecord, author, func(be Backend) error {
			_, _, err := be.RecordViolation(review.NewViolation{Post: cur.ID})
			return err
		})
	}
	x := p.whole(cur.ID)
	if x == nil {
		return p.loadPost(cur.ID, p.askRecord)
	}
	pol := p.be.Policy()
	var rules []*review.Rule
	for _, f := range x.Findings {
		if r := pol.Rule(f.Rule); r != nil && !slices.Contains(rules, r) {
			rules = append(rules, r)
		}
	}
	found := len(rules)
	for i := range pol.Rules {
		if r := &pol.Rules[i]; !slices.Contains(rules, r) {
			rules = append(rules, r)
		}
	}
	pr := newChoicePrompt(p.common, p.t("record.ask")+" — "+author)
	title := x.Title
	if title == "" {
		title = firstLine(x.Body)
	}
	pr.info = append(pr.info, "«"+inert.Line(title)+"»", p.tf("record.about", found))
	for i, r := range rules {
		c := p.tf("rule.clause", inert.Line(r.Name.In(string(p.lang))), inert.Line(r.Clause))
		if i < found {
			c += " " + p.t("record.found")
		}
		pr.choices = append(pr.choices, c)
	}
	pr.withReason(p.t("record.note"))
	id, key := x.ID, model.MemberKey(x.Group, x.Author)
	pr.run = func(i int, note string) tea.Cmd {
		if i < 0 || i >= len(rules) {
			return nil
		}
		rule := rules[i].ID
		delete(p.records, key) // the author's record changes
		return actionCmd(p.common, p, model.ViolationRecord, author, func(be Backend) error {
			_, _, err := be.RecordViolation(review.NewViolation{Post: id, Rule: rule, Note: note})
			return err
		})
	}
	p.choice = pr
	return nil
}

// askIncident opens an incident found in the post under the cursor (CW 五): its kind and what
// happened; the Groups pane follows it.
func (p *pendingPane) askIncident() tea.Cmd {
	x, ok := p.list.Current()
	if !ok {
		return nil
	}
	p.choice = incidentPrompt(p.common, p, review.NewIncident{Post: x.ID}, "«"+firstLine(x.Title)+"» "+x.ID)
	return nil
}

// acted shows the outcome of an action of this pane (a violation recorded, an incident opened).
func (p *pendingPane) acted(m actionMsg) tea.Cmd {
	p.inflight = max(p.inflight-1, 0)
	if m.err != nil {
		p.fail(m.err, p.advise(m.kind, m.err))
		return nil
	}
	if m.kind == model.IncidentOpen {
		p.note(p.tf("desk.done.incident.open", m.label))
		return nil
	}
	p.note(p.tf("record.done", m.label))
	return p.loadRecord()
}

// retractReasons are the templates of what the group is told when a post is taken back: one
// per rule the post tripped, then the general ones. A finding for the record (info: a file's
// name, an attachment not named in the text) is no reason to take a post back.
func (p *pendingPane) retractReasons(x model.Post) []string {
	var out []string
	pol := p.be.Policy()
	seen := map[string]bool{}
	for _, f := range x.Findings {
		r := pol.Rule(f.Rule)
		if r == nil || seen[r.ID] || f.Severity == review.Info {
			continue
		}
		seen[r.ID] = true
		out = append(out, p.tf("retract.rule", r.Name.In(string(p.lang)), f.Clause))
	}
	return append(out, p.t("retract.general"), p.t("retract.wrong"))
}

// outboxLines are the lines of the detail that say what the decisions on the post told the
// chat side and the people.
func (p *pendingPane) outboxLines(x *model.Post, w int) []string {
	if len(x.History) == 0 {
		return nil
	}
	lines := []string{"", p.styles.bold.Render(p.t("outbox.title"))}
	r, ok := p.outbox[x.ID]
	switch {
	case !ok || r.reading:
		return append(lines, "  "+p.t("loading"))
	case r.err != nil:
		return append(lines, "  "+Cut(p.t("error")+p.t("msg.colon")+inert.Line(r.err.Error()), w-2))
	case len(r.lines) == 0:
		return append(lines, "  "+p.t("outbox.none"))
	}
	for _, l := range r.lines {
		line := "  " + p.when(l.Time, "01-02 15:04") + "  " + p.t("outbox.action."+l.Action)
		if l.Action == model.OutNotify && l.Decision != "" {
			line += p.t("msg.colon") + p.t("post."+l.Decision)
		}
		if l.Reason != "" {
			line += p.t("msg.sep") + inert.Line(l.Reason)
		}
		for _, x := range Wrap(line, max(w, 2)) {
			lines = append(lines, x)
		}
	}
	return lines
}
