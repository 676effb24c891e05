package ui

import (
	"strconv"
	"strings"

	"qunshen/internal/document"
	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// The drawing of the Groups pane: a row of the register under its column headings, and a
// group whole beside it.

// groupCols are the widths of a row: name (the rest), kind, status, owner, filing number,
// the checks' badges.
type groupCols struct{ name, kind, status, owner, filing, checks int }

func groupColsAt(w int) groupCols {
	c := groupCols{kind: min(8, w/10), status: 8, owner: min(10, w/8), filing: min(12, w/8), checks: min(26, w/5)}
	c.name = max(w-1-c.kind-1-c.status-1-c.owner-1-c.filing-1-c.checks-1, 1)
	return c
}

// kindShort is a kind of group in a word, as the command line's list names it.
func (p *groupsPane) kindShort(k model.GroupKind) string {
	if i18n.Has("cli.gkind." + string(k)) {
		return p.t("cli.gkind." + string(k))
	}
	return inert.Line(string(k))
}

// ownerName is the owner as the chain names it (the roster's name), else as the record has it.
func (p *groupsPane) ownerName(r *groupRow) string {
	for _, x := range p.chains[r.Group.ID].Managers {
		if x.Role == model.RoleOwner && x.Source == model.FromGroup {
			return x.Name
		}
	}
	return r.Group.Owner
}

func (p *groupsPane) row(r *groupRow, w int) string {
	c := groupColsAt(w)
	status := Fit(p.t("group."+r.Status), c.status)
	if r.Status == review.StatusApplied || r.Status == string(model.GroupRectifying) {
		status = p.styles.sev["warn"].Render(status)
	}
	checks := Fit(inert.Line(r.badges), c.checks)
	if r.badges != "" {
		checks = p.styles.sev["block"].Render(checks)
	}
	filing := r.Group.FilingNo
	if filing == "" {
		filing = "-"
	}
	return Fit(" "+Fit(inert.Line(r.Group.Name), c.name)+" "+Fit(p.kindShort(r.Group.Kind), c.kind)+" "+status+" "+
		Fit(inert.Line(p.ownerName(r)), c.owner)+" "+Fit(inert.Line(filing), c.filing)+" "+checks, w)
}

// header is the line of column headings above the rows.
func (p *groupsPane) header(w int) string {
	c := groupColsAt(w)
	return p.styles.dim.Render(Fit(" "+Fit(p.t("col.gname"), c.name)+" "+Fit(p.t("col.kind"), c.kind)+" "+Fit(p.t("col.status"), c.status)+" "+
		Fit(p.t("col.owner"), c.owner)+" "+Fit(p.t("col.filing"), c.filing)+" "+Fit(p.t("col.checks"), c.checks), w))
}

func (p *groupsPane) view(w, h int) string {
	if p.prompt != nil {
		return p.prompt.view(w, h)
	}
	var head []string
	if l := p.filter.CountedLine(w); l != "" {
		head = append(head, l)
	}
	return listView(p.common, head, p.header, p.list, !p.loaded, p.zoom, w, h, p.detail)
}

// detail is the group whole: its record, checks, chain, members, open rectifications,
// incidents and accountability.
func (p *groupsPane) detail(w, h int) string {
	r, ok := p.list.Current()
	if !ok {
		return ""
	}
	w = max(w, 10)
	g := &r.Group
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	line := func(s string) { add(Cut("  "+s, w)) }
	title := func(key string) { add("", Cut(p.styles.bold.Render(p.t(key)), w)) }
	kv := func(label, value string) {
		if value != "" {
			add(Cut(p.styles.dim.Render(p.t("cli.show.f."+label))+"  "+inert.Line(value), w))
		}
	}
	add(Cut(p.styles.bold.Render(inert.Line(g.Name))+"  "+p.styles.dim.Render(inert.Line(g.ID)), w))
	add(Cut(p.tf("groups.kind-status", p.kindName(g.Kind), p.t("group."+r.Status)), w))
	approved := ""
	if g.ApprovedBy != "" {
		approved = g.ApprovedBy + "  " + p.when(g.ApprovedAt, "2006-01-02")
	}
	project := ""
	if !g.ProjectEnd.IsZero() {
		project = i18n.Tf(p.lang, "cli.group.project", p.when(g.ProjectEnd, "2006-01-02"), p.when(r.Dissolve, "2006-01-02"))
	}
	dissolved := ""
	if !g.Dissolved.IsZero() {
		dissolved = p.when(g.Dissolved, "2006-01-02 15:04")
	}
	realName := ""
	if g.RealName {
		realName = p.t("cli.show.yes")
	}
	kv("platform", g.Platform)
	kv("purpose", g.Purpose)
	kv("owner", p.ownerName(r))
	kv("admins", strings.Join(g.Admins, p.t("list.sep")))
	kv("branch", g.Branch)
	kv("approved", approved)
	kv("filing", g.FilingNo)
	if g.NicknameRule != "" {
		kv("nickname-rule", p.nicknameRule(g.NicknameRule))
	}
	kv("real-name", realName)
	kv("project", project)
	kv("dissolved", dissolved)
	if a := r.Application; a != nil {
		s := p.tf("groups.application", inert.Line(a.Applicant), p.when(a.Filed, "2006-01-02"), p.t("application."+string(a.Status)))
		if a.DecidedBy != "" {
			s += p.tf("groups.decided", inert.Line(a.DecidedBy), p.when(a.DecidedAt, "2006-01-02"))
		}
		if a.Reason != "" {
			s += p.tf("groups.why", inert.Line(a.Reason))
		}
		for _, l := range Wrap(s, w) {
			add(Cut(l, w))
		}
	}

	title("groups.checks")
	if len(r.Checks) == 0 {
		line(p.t("groups.checks.none"))
	}
	for _, c := range r.Checks {
		add(Cut(p.styles.sev["block"].Render("  ! ")+p.t("register.check."+c), w))
	}
	if r.IsApplication() {
		return p.scroll.view(p.common, g.ID, lines[:1], nil, lines[1:], w, h, keymap.Name(p.km.HalfDown)+"/"+keymap.Name(p.km.HalfUp))
	}

	title("groups.chain")
	ch := p.chains[g.ID]
	for _, part := range []struct {
		key string
		rs  []model.Responsible
	}{{"chain.first", ch.First}, {"chain.managers", ch.Managers}, {"chain.supervisors", ch.Supervisors}} {
		add(Cut(p.tf("chain.line", p.t(part.key), chainNames(p.common, part.rs)), w))
	}

	title("groups.members")
	var ms []string
	for _, s := range model.MemberStatuses {
		if n := r.Members.ByStatus[s]; n > 0 {
			ms = append(ms, p.t("member."+string(s))+" "+strconv.Itoa(n))
		}
	}
	if len(ms) == 0 {
		ms = append(ms, p.t("none"))
	}
	line(strings.Join(ms, "  "))
	if r.Members.NicknameBad > 0 {
		line(p.tf("groups.nickname-bad", r.Members.NicknameBad, r.Members.Current))
	}
	last := p.t("groups.never")
	if !r.Members.LastActive.IsZero() {
		last = p.when(r.Members.LastActive, "2006-01-02 15:04")
	}
	line(p.tf("groups.last-active", last))
	if r.PostsAfter > 0 {
		line(p.tf("groups.posts-after", r.PostsAfter))
	}

	title("groups.rects")
	if len(r.rects) == 0 {
		line(p.t("none"))
	}
	now := p.be.Now()
	for _, x := range r.rects {
		state := p.t("report.state.open")
		if !x.Deadline.IsZero() && x.Deadline.Before(now) {
			state = p.styles.sev["block"].Render(p.t("report.state.overdue"))
		}
		line(p.tf("groups.rect.line", inert.Line(x.ID), p.when(x.Deadline, "2006-01-02"), state, inert.Line(x.Finding)))
	}

	title("groups.incidents")
	if len(r.incidents) == 0 {
		line(p.t("none"))
	}
	for _, in := range r.incidents {
		status := p.t("incident." + string(in.Status))
		if in.Status != model.IncClosed {
			status = p.styles.sev["warn"].Render(status)
		}
		line(p.tf("groups.incident.line", inert.Line(in.ID), p.when(in.Found, "01-02 15:04"), p.t("incident.kind."+string(in.Kind)), status, inert.Line(in.Summary)))
		if len(in.Measures) > 0 {
			line("  " + p.tf("groups.incident.counts", len(in.Measures), len(in.Escalations), document.Duration(in.Measures[0].Time.Sub(in.Found), p.lang)))
		} else {
			line("  " + p.tf("groups.incident.nomeas", len(in.Escalations)))
		}
	}

	title("groups.acc")
	if len(r.acc) == 0 {
		line(p.t("none"))
	}
	for _, x := range r.acc {
		line(p.tf("groups.acc.line", inert.Line(x.ID), p.when(x.Time, "2006-01-02"), inert.Line(x.Person), p.t("acc."+string(x.Measure)), inert.Line(x.Clause), inert.Line(x.Text)))
	}
	p.assessLines(r, title, line)
	return p.scroll.view(p.common, g.ID, lines[:1], nil, lines[1:], w, h, keymap.Name(p.km.HalfDown)+"/"+keymap.Name(p.km.HalfUp))
}

// chainNames names the people of one part of a responsibility chain, one after the other.
func chainNames(c *common, rs []model.Responsible) string {
	if len(rs) == 0 {
		return c.t("none")
	}
	ns := make([]string, len(rs))
	for i, r := range rs {
		ns[i] = i18n.ChainPerson(c.lang, r)
	}
	return strings.Join(ns, c.t("list.sep"))
}
