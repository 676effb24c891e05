package ui

import (
	"fmt"
	"strings"

	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
)

// The drawing of the Violations pane: a row under its column headings, the detail of a
// violation with the member's record and the step proposed.

// violCols are the widths of a violation's row: time, member, rule (the rest), clause,
// source, status, sanction.
type violCols struct{ name, rule, clause, source, status, sanction int }

func violColsAt(w int) violCols {
	c := violCols{name: min(10, w/8), clause: min(12, w/10), source: 8, status: 8, sanction: min(12, w/10)}
	c.rule = max(w-1-timeCols-1-c.name-1-1-c.clause-1-c.source-1-c.status-1-c.sanction, 1)
	return c
}

func (p *violationsPane) row(v *violRow, w int) string {
	c := violColsAt(w)
	status := Fit(p.t("violation."+string(v.Status)), c.status)
	if v.Status == model.ViolationOpen {
		status = p.styles.sev["warn"].Render(status)
	}
	what := v.rule
	if v.Rule == "" && v.Text != "" {
		what = "«" + firstLine(v.Text) + "»" // a report names no rule: what it says
	}
	sanction := "-"
	if v.Sanction != "" {
		sanction = p.stepName(v.Sanction)
	}
	return Fit(" "+p.when(v.Time, "01-02 15:04")+" "+Fit(inert.Line(v.name), c.name)+" "+Fit(inert.Line(what), c.rule)+" "+
		Fit(inert.Line(v.Clause), c.clause)+" "+Fit(p.t("viol.source."+v.Source), c.source)+" "+status+" "+Fit(inert.Line(sanction), c.sanction), w)
}

// header is the line of column headings above the rows.
func (p *violationsPane) header(w int) string {
	c := violColsAt(w)
	return p.styles.dim.Render(Fit(" "+Fit(p.t("col.time"), timeCols)+" "+Fit(p.t("col.member"), c.name)+" "+Fit(p.t("col.rule"), c.rule)+" "+
		Fit(p.t("col.clause"), c.clause)+" "+Fit(p.t("col.source"), c.source)+" "+Fit(p.t("col.status"), c.status)+" "+Fit(p.t("col.sanction"), c.sanction), w))
}

func (p *violationsPane) view(w, h int) string {
	if p.prompt != nil {
		return p.prompt.view(w, h)
	}
	var head []string
	if l := p.filter.CountedLine(w); l != "" {
		head = append(head, l)
	}
	return listView(p.common, head, p.header, p.list, !p.loaded, p.zoom, w, h, p.detail)
}

// detail is the violation, the text reported, the member's record and the step proposed.
func (p *violationsPane) detail(w, h int) string {
	v, ok := p.list.Current()
	if !ok {
		return ""
	}
	w = max(w, 10)
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	kv := func(label, value string) { add(Cut(p.styles.dim.Render(p.t(label))+"  "+value, w)) }
	add(Cut(p.styles.bold.Render(inert.Line(v.rule)), w))
	if v.Clause != "" || v.Severity != "" {
		s := inert.Line(v.Clause)
		if v.Severity != "" {
			s += "  " + p.styles.sev[v.Severity].Render("["+p.sevName(v.Severity)+"]")
		}
		kv("viol.f.clause", s)
	}
	m := p.members[model.MemberKey(v.Group, v.Member)]
	g := v.Group
	if gr, ok := p.groups[v.Group]; ok && gr.Name != "" {
		g = gr.Name
	}
	kv("viol.f.member", inert.Line(p.memberName(v.Group, v.Member))+" ("+inert.Line(v.Member)+")  "+inert.Line(g))
	src := p.t("viol.source." + v.Source)
	if v.Reporter != "" {
		src += "  " + p.t("viol.f.reporter") + " " + inert.Line(p.memberName(v.Group, v.Reporter))
	}
	kv("viol.f.source", src)
	kv("viol.f.time", p.when(v.Time, "2006-01-02 15:04"))
	kv("viol.f.status", p.t("violation."+string(v.Status)))
	if v.Sanction != "" {
		kv("viol.f.sanction", inert.Line(p.stepName(v.Sanction)))
	}
	if v.Feedback != "" {
		kv("viol.f.feedback", inert.Line(v.Feedback))
	}
	if v.Appeal != "" {
		kv("viol.f.appeal", p.t("viol.appeal."+v.Appeal))
	}
	if v.Post != "" {
		kv("viol.f.post", inert.Line(v.Post))
	}
	if v.Text != "" {
		add("", p.styles.bold.Render(p.t("viol.f.text")))
		for _, l := range Wrap(inertBody(v.Text), w-2) {
			add("  " + l)
		}
	}
	if p.pol != nil {
		if r := p.pol.Rule(v.Rule); r != nil {
			for _, l := range Wrap(inert.Line(r.Explain.In(string(p.lang))), w-2) {
				add(p.styles.dim.Render("  " + l))
			}
		}
	}
	add("", p.styles.bold.Render(p.t("viol.f.record")))
	st := p.t("member." + string(m.Status))
	if m.Step != "" {
		st += " · " + p.t("viol.f.step") + " " + inert.Line(p.stepName(m.Step))
	}
	add("  " + Cut(st+" · "+p.tf("viol.warnings", m.Warnings), w-2))
	others := 0
	for _, x := range p.byMember[model.MemberKey(v.Group, v.Member)] {
		if x.ID == v.ID {
			continue
		}
		others++
		add("  " + Cut(violationLine(p.common, p.pol, x), w-2))
	}
	if others == 0 {
		add("  " + p.t("viol.record.none"))
	}
	if pr, ok := p.proposals[v.ID]; ok && pr.Of > 0 {
		s := p.tf("viol.next", inert.Line(pr.Step.Name(string(p.lang))), inert.Line(pr.Step.Clause), pr.Index+1, pr.Of)
		add("", Cut(p.styles.bold.Render(s), w))
		var notes []string
		if pr.Party {
			notes = append(notes, p.t("roster.party.ladder"))
		}
		if pr.Report {
			notes = append(notes, p.t("viol.report.up"))
		}
		if pr.Weight > 0 {
			notes = append(notes, p.tf("viol.weight", fmt.Sprintf("%.1f", pr.Weight)))
		}
		if len(notes) > 0 {
			add("  " + Cut(strings.Join(notes, " · "), w-2))
		}
	}
	return p.scroll.view(p.common, v.ID, lines[:1], nil, lines[1:], w, h, keymap.Name(p.km.HalfDown)+"/"+keymap.Name(p.km.HalfUp))
}
