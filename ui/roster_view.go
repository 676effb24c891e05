package ui

import (
	"fmt"
	"strings"

	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// The drawing of the Roster pane: a row, the head of the list, the detail of a member or an
// application.

// whyText is the cleanup reasons of a member in words.
func (p *rosterPane) whyText(m *rosterMember, sep string) string {
	ws := make([]string, len(m.why))
	for i, k := range m.why {
		ws[i] = p.t(k)
	}
	return strings.Join(ws, sep)
}

// rosterCols are the widths of a member's row: name, group, nickname (the rest), the
// nickname's verdict, days of silence, status, step of the ladder (or, among the cleanup
// candidates, why they are one).
type rosterCols struct{ name, group, nick, verdict, days, status, tail int }

func (p *rosterPane) colsAt(w int) rosterCols {
	c := rosterCols{name: min(10, w/8), group: min(12, w/8), verdict: 6, days: 6, status: 6, tail: min(10, w/8)}
	if p.mode == rosterCleanup {
		c.tail = min(24, w/4)
	}
	c.nick = max(w-1-c.name-1-c.group-1-1-c.verdict-1-c.days-1-c.status-1-c.tail, 1)
	return c
}

// appCols are the widths of an application's row: kind, time, group, member, text.
type appCols struct{ kind, group, name, text int }

func appColsAt(w int) appCols {
	c := appCols{kind: 8, group: min(14, w/6), name: min(10, w/8)}
	c.text = max(w-1-c.kind-1-timeCols-1-c.group-1-c.name-1, 1)
	return c
}

func (p *rosterPane) row(r rosterRow, w int) string {
	if a := r.app; a != nil {
		c := appColsAt(w)
		return Fit(" "+Fit(p.t("roster.app."+string(a.Kind)), c.kind)+" "+p.when(a.Time, "01-02 15:04")+" "+
			Fit(inert.Line(p.groupOf(a.Group)), c.group)+" "+Fit(inert.Line(a.name), c.name)+" "+Fit(inert.Line(firstLine(a.Text)), c.text), w)
	}
	m := r.m
	c := p.colsAt(w)
	verdict := p.styles.dim.Render(Fit(p.t("roster.nick.ok.short"), c.verdict))
	if !m.nickOK {
		verdict = p.styles.sev["warn"].Render(Fit(p.t("roster.nick.bad.short"), c.verdict))
	}
	days := "-"
	if m.idle >= 0 {
		days = p.tf("roster.idle", m.idle)
	}
	status := Fit(p.t("member."+string(m.Status)), c.status)
	if m.Status == model.MemberRemoved || m.Status == model.MemberExited || m.Status == model.MemberMuted {
		status = p.styles.sev["warn"].Render(status)
	}
	tail := "-"
	if p.mode == rosterCleanup {
		tail = p.whyText(m, "·")
	} else if m.Step != "" {
		tail = inert.Line(p.stepName(m.Step))
	}
	return Fit(" "+Fit(p.filter.Highlight(r, m.Name), c.name)+" "+Fit(inert.Line(p.groupOf(m.Group)), c.group)+" "+
		Fit(p.filter.Highlight(r, m.Nickname), c.nick)+" "+verdict+" "+Fit(days, c.days)+" "+status+" "+Fit(tail, c.tail), w)
}

// header is the line of column headings of the list shown.
func (p *rosterPane) header(w int) string {
	if p.mode == rosterApps {
		c := appColsAt(w)
		return p.styles.dim.Render(Fit(" "+Fit(p.t("col.app"), c.kind)+" "+Fit(p.t("col.time"), timeCols)+" "+Fit(p.t("col.group"), c.group)+" "+
			Fit(p.t("col.member"), c.name)+" "+Fit(p.t("col.text"), c.text), w))
	}
	c := p.colsAt(w)
	tail := p.t("col.step")
	if p.mode == rosterCleanup {
		tail = p.t("col.why")
	}
	return p.styles.dim.Render(Fit(" "+Fit(p.t("col.name"), c.name)+" "+Fit(p.t("col.group"), c.group)+" "+Fit(p.t("col.nickname"), c.nick)+" "+
		Fit(p.t("col.verdict"), c.verdict)+" "+Fit(p.t("col.silent"), c.days)+" "+Fit(p.t("col.status"), c.status)+" "+Fit(tail, c.tail), w))
}

// groupOf is a group's name, or its id.
func (p *rosterPane) groupOf(id string) string {
	if g, ok := p.groups[id]; ok && g.Name != "" {
		return g.Name
	}
	return id
}

func (p *rosterPane) view(w, h int) string {
	if p.prompt != nil {
		return p.prompt.view(w, h)
	}
	n := len(p.members)
	switch p.mode {
	case rosterCleanup, rosterApps:
		n = len(p.list.Rows())
	}
	head := []string{Cut(p.styles.bold.Render(p.tf(fmt.Sprintf("roster.mode.%d", p.mode), n))+"  "+p.styles.dim.Render(p.tf("roster.mode.hint", keymap.Name(p.km.Cleanup))), w)}
	if l := p.filter.CountedLine(w); l != "" {
		head = append(head, l)
	}
	return listView(p.common, head, p.header, p.list, !p.loaded, p.zoom, w, h, p.detail)
}

// detail is the member's record, or the application.
func (p *rosterPane) detail(w, h int) string {
	r, ok := p.list.Current()
	if !ok {
		return ""
	}
	w = max(w, 10)
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	kv := func(label, value string) { add(Cut(p.styles.dim.Render(p.t(label))+"  "+value, w)) }
	if a := r.app; a != nil {
		add(Cut(p.styles.bold.Render(p.appLabel(a)), w))
		kv("roster.f.app", inert.Line(a.ID)+"  "+p.t("application."+string(a.Status)))
		kv("roster.f.group", inert.Line(p.groupOf(a.Group)))
		kv("roster.f.id", inert.Line(a.Member))
		kv("roster.f.time", p.when(a.Time, "2006-01-02 15:04"))
		for i := range p.members {
			if m := &p.members[i]; m.Group == a.Group && m.ID == a.Member {
				st := p.t("member." + string(m.Status))
				if m.Step != "" {
					st += " · " + inert.Line(p.stepName(m.Step))
				}
				kv("roster.f.status", st)
			}
		}
		add("", p.styles.bold.Render(p.t("roster.f.text")))
		for _, l := range Wrap(inertBody(a.Text), w-2) {
			add("  " + l)
		}
	} else {
		p.memberDetail(r.m, w, add, kv)
	}
	if len(lines) == 0 {
		return ""
	}
	return p.scroll.view(p.common, r.id(), lines[:1], nil, lines[1:], w, h, keymap.Name(p.km.HalfDown)+"/"+keymap.Name(p.km.HalfUp))
}

func (p *rosterPane) memberDetail(m *rosterMember, w int, add func(...string), kv func(string, string)) {
	add(Cut(p.styles.bold.Render(inert.Line(m.Name)), w))
	kv("roster.f.group", inert.Line(p.groupOf(m.Group)))
	kv("roster.f.id", inert.Line(m.ID))
	if m.Branch != "" {
		kv("roster.f.branch", inert.Line(m.Branch))
	}
	kv("roster.f.nickname", inert.Line(m.Nickname))
	ruleText := p.nicknameRule(p.groups[m.Group].NicknameRule)
	verdict := p.t("roster.nick.ok")
	if !m.nickOK {
		verdict = p.styles.sev["warn"].Render(p.t("roster.nick.bad"))
	}
	kv("roster.f.rule", ruleText+" → "+verdict)
	role := p.t("roster.role.member")
	switch m.Role {
	case model.MemberOwner, model.MemberAdmin:
		role = p.t("roster.role." + string(m.Role))
	}
	if m.PartyMember {
		role += " · " + p.t("roster.party")
	}
	kv("roster.f.role", role)
	if !m.Joined.IsZero() {
		kv("roster.f.joined", p.when(m.Joined, "2006-01-02"))
	}
	if m.idle >= 0 {
		last := p.t("roster.never")
		if !m.LastActive.IsZero() {
			last = p.when(m.LastActive, "2006-01-02")
		}
		kv("roster.f.active", last+"  "+p.tf("roster.days.ago", m.idle))
	}
	st := p.t("member." + string(m.Status))
	if m.Status == model.MemberMuted && !m.MutedUntil.IsZero() {
		st += "  " + p.tf("roster.until", p.when(m.MutedUntil, "2006-01-02 15:04"))
	}
	kv("roster.f.status", st)
	kv("roster.f.warnings", fmt.Sprint(m.Warnings))
	step := "-"
	if m.Step != "" {
		step = inert.Line(p.stepName(m.Step))
	}
	kv("roster.f.step", step)
	if len(m.why) > 0 {
		kv("roster.f.cleanup", p.whyText(m, p.t("roster.sep")))
	}
	for i := range p.apps {
		if a := &p.apps[i]; a.Group == m.Group && a.Member == m.ID {
			kv("roster.f.open", p.t("roster.app."+string(a.Kind))+"  "+inert.Line(a.ID)+"  "+inert.Line(firstLine(a.Text)))
		}
	}
	rec, ok := p.records[m.Key()]
	add("", p.styles.bold.Render(p.t("roster.f.record")))
	switch {
	case !ok:
		add("  " + p.t("loading"))
		return
	case rec.err != nil:
		add("  " + Cut(p.t("error")+": "+inert.Line(rec.err.Error()), w-2))
		return
	case len(rec.violations) == 0:
		add("  " + p.t("record.none"))
	}
	for _, v := range rec.violations {
		add("  " + Cut(violationLine(p.common, p.pol, v), w-2))
	}
	pr := rec.proposal
	s := p.tf("roster.next", inert.Line(pr.Step.Name(string(p.lang))), inert.Line(pr.Step.Clause), pr.Index+1, pr.Of)
	if pr.Party {
		s += " · " + p.t("roster.party.ladder")
	}
	add("", Cut(p.styles.bold.Render(s), w))
}

// violationLine is one violation of a member's record: date, rule, status, sanction.
func violationLine(c *common, pol *review.Policy, v model.Violation) string {
	rule := c.t("viol.source." + v.Source)
	if pol != nil && v.Rule != "" {
		if r := pol.Rule(v.Rule); r != nil {
			rule = r.Name.In(string(c.lang))
		} else {
			rule = v.Rule
		}
	}
	s := c.when(v.Time, "2006-01-02") + "  " + inert.Line(rule) + "  " + c.t("violation."+string(v.Status))
	if v.Sanction != "" {
		s += "  " + inert.Line(c.stepName(v.Sanction))
	}
	if v.Appeal != "" {
		s += "  " + c.t("viol.appeal."+v.Appeal)
	}
	return s
}

// nicknameRule names a group's rule of nicknames in the user's language ("" is none).
func (c *common) nicknameRule(rule string) string {
	switch rule {
	case "":
		return c.t("roster.rule.none")
	case "branch+name", "dept+name", "name":
		return c.t("roster.rule." + rule)
	}
	return inert.Line(rule)
}
