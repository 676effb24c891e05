package ui

import (
	"cmp"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// The Groups pane's part of assessment, archive access and shared files: a group's
// commendations and rewards (CW 六(三)1, 六(一)2), its requests to read the archive (GO 五(二))
// with the keys that record, approve, grant and refuse them, and the register of its shared
// files (ST 六), read apart from the register since it reads the published posts.

// filesMsg is the register of one group's shared files.
type filesMsg struct {
	group string
	files []review.SharedFile
	err   error
}

// loadFiles reads the register of a group's shared files (F): it reads the group's published
// posts, so the pane reads it on asking, not with the register.
func (p *groupsPane) loadFiles(group string) tea.Cmd {
	be := p.be
	p.status, p.errText = p.t("loading"), "" // a passing state: not kept in the log
	return func() tea.Msg {
		fs, err := be.SharedFiles(group)
		return filesMsg{group: group, files: fs, err: err}
	}
}

// assessed adds to the rows their commendations, rewards and requests to read the archive.
func assessed(be Backend, byID map[string]*groupRow) error {
	cs, err := be.Commendations()
	if err != nil {
		return err
	}
	for _, x := range cs {
		if r, ok := byID[x.Group]; ok {
			r.commends = append(r.commends, x)
		}
	}
	xs, err := be.ArchiveAccesses()
	if err != nil {
		return err
	}
	for _, x := range xs {
		if r, ok := byID[x.Group]; ok {
			r.access = append(r.access, x)
		}
	}
	for _, r := range byID {
		slices.SortStableFunc(r.commends, func(a, b model.Commendation) int { return a.Time.Compare(b.Time) })
		slices.SortStableFunc(r.access, func(a, b model.ArchiveAccess) int { return a.Filed.Compare(b.Filed) })
	}
	return nil
}

// assessLines are the detail's lines of the group's commendations and rewards, its requests to
// read the archive and its shared files.
func (p *groupsPane) assessLines(r *groupRow, title func(string), line func(string)) {
	title("groups.commend")
	if len(r.commends) == 0 {
		line(p.t("none"))
	}
	for _, x := range r.commends {
		what := p.t("groups.commend.group")
		if x.Kind == model.CommendReward {
			what = p.tf("groups.commend.reward", inert.Line(x.Reporter), inert.Line(x.Report))
		}
		line(p.tf("groups.commend.line", inert.Line(x.ID), p.when(x.Time, "2006-01-02"), what, inert.Line(x.Text), inert.Line(x.By)))
	}

	title("groups.access")
	if len(r.access) == 0 {
		line(p.t("none"))
	}
	for _, x := range r.access {
		status := p.t("access." + string(x.Status))
		if x.Status == model.AccessRequested {
			status = p.styles.sev["warn"].Render(status)
		}
		period := x.Period
		if period == "" {
			period = p.t("cli.archive.all-time")
		}
		line(p.tf("groups.access.line", inert.Line(x.ID), p.when(x.Filed, "2006-01-02"), inert.Line(x.Member), period, status, inert.Line(firstLine(x.Reason))))
		switch {
		case x.Confidential:
			line("  " + p.tf("groups.access.conf", inert.Line(x.ApprovedBy)))
		case x.Approved():
			line("  " + p.tf("groups.access.approved", inert.Line(x.ApprovedBy)))
		}
	}

	title("groups.files")
	fs, loaded := p.files[r.Group.ID]
	switch {
	case !loaded:
		line(p.tf("groups.files.ask", keymap.Name(p.km.Files)))
		return
	case len(fs) == 0:
		line(p.t("none"))
		return
	}
	bad, media := 0, 0
	for _, f := range fs {
		if !f.NamedOK {
			bad++
		}
		if f.Backup {
			media++
		}
	}
	line(p.tf("groups.files.counts", len(fs), bad, media))
	for _, f := range fs {
		mark := "  "
		if !f.NamedOK {
			mark = p.styles.sev["warn"].Render("! ")
		}
		s := mark + p.t("file.cat."+f.Category) + "  " + inert.Line(f.Name) + "  " + p.when(f.Time, "2006-01-02") + "  " + inert.Line(f.Author)
		if f.Backup {
			s += "  " + p.t("cli.files.backup")
		}
		line(s)
		if !f.NamedOK {
			line("    " + p.tf("groups.files.suggest", inert.Line(f.Suggest)))
		}
	}
}

// askCommend commends the group (the supervisor's): what for.
func (p *groupsPane) askCommend(r *groupRow) tea.Cmd {
	id, label := r.Group.ID, inert.Line(r.Group.Name)
	if !model.Allowed(p.op.Role, model.GroupCommend) || r.IsApplication() {
		return p.act(model.GroupCommend, label, func(be Backend) error {
			_, _, err := be.Commend("", id, "")
			return err
		})
	}
	q := newChoicePrompt(p.common, p.t("groups.ask.commend")+" — "+label)
	q.info = append(q.info, p.t("groups.ask.commend.info"))
	q.withReason(p.t("groups.ask.commend.text"))
	q.needText = true
	q.run = func(_ int, text string) tea.Cmd {
		return p.act(model.GroupCommend, label, func(be Backend) error {
			_, _, err := be.Commend("", id, text)
			return err
		})
	}
	p.prompt = q
	return nil
}

// askAccess is the key of the requests to read the archive: a new request, or one waiting,
// then what the role may do with it — the secretary or supervisor approves its confidential
// material, the owner grants it (with that material once approved) or refuses it.
func (p *groupsPane) askAccess(r *groupRow) tea.Cmd {
	if r.IsApplication() {
		return nil
	}
	label := inert.Line(r.Group.Name)
	var waiting []model.ArchiveAccess
	for _, x := range r.access {
		if x.Status == model.AccessRequested {
			waiting = append(waiting, x)
		}
	}
	q := newChoicePrompt(p.common, p.t("groups.ask.access")+" — "+label)
	for _, x := range waiting {
		q.choices = append(q.choices, p.tf("groups.access.choice", inert.Line(x.ID), inert.Line(x.Member), inert.Line(firstLine(x.Reason))))
	}
	q.choices = append(q.choices, p.t("groups.access.new"))
	q.cursor = 0
	q.run = func(i int, _ string) tea.Cmd {
		if i < 0 || i >= len(waiting) {
			p.prompt = p.newAccessPrompt(r)
			return nil
		}
		p.prompt = p.accessDecision(waiting[i])
		return nil
	}
	p.prompt = q
	return nil
}

// accessPeriods are the periods a request asks for on the screen, as --period names them: all
// time first.
func accessPeriods() []string {
	return []string{"", "month", "last-month", "quarter", "last-quarter", "year", "last-year"}
}

// newAccessPrompt records a member's request: the period it asks for, who (a member's id in the
// group) and why.
func (p *groupsPane) newAccessPrompt(r *groupRow) *choicePrompt {
	id, label := r.Group.ID, inert.Line(r.Group.Name)
	q := newChoicePrompt(p.common, p.t("groups.access.new")+" — "+label)
	q.info = append(q.info, p.t("groups.ask.access.info"))
	for _, s := range accessPeriods() {
		q.choices = append(q.choices, p.t("groups.access.period."+cmp.Or(s, "all")))
	}
	q.withReason(p.t("groups.ask.access.text"))
	q.needText = true
	now := p.be.Now()
	q.run = func(i int, text string) tea.Cmd {
		member, reason, _ := strings.Cut(strings.TrimSpace(text), " ")
		n := review.NewArchiveAccess{Group: id, Member: member, Reason: reason}
		if s := accessPeriods()[min(max(i, 0), len(accessPeriods())-1)]; s != "" {
			if per, err := review.ParsePeriod(s, now); err == nil {
				n.Period = &per
			}
		}
		return p.act(model.ArchiveRequest, label, func(be Backend) error {
			_, _, err := be.RequestArchive(n)
			return err
		})
	}
	return q
}

// accessDecision asks what to do with a request waiting: the actions the role may take.
func (p *groupsPane) accessDecision(x model.ArchiveAccess) *choicePrompt {
	type choice struct {
		kind         model.Kind
		confidential bool
	}
	var cs []choice
	q := newChoicePrompt(p.common, p.t("groups.ask.access")+" — "+inert.Line(x.ID))
	q.info = append(q.info, p.tf("groups.access.choice", inert.Line(x.ID), inert.Line(x.Member), inert.Line(firstLine(x.Reason))))
	role := p.op.Role
	if model.Allowed(role, model.ArchiveApprove) {
		cs, q.choices = append(cs, choice{kind: model.ArchiveApprove}), append(q.choices, p.t("groups.access.approve"))
	}
	if model.Allowed(role, model.ArchiveGrant) {
		cs, q.choices = append(cs, choice{kind: model.ArchiveGrant}), append(q.choices, p.t("groups.access.grant"))
		cs, q.choices = append(cs, choice{kind: model.ArchiveGrant, confidential: true}), append(q.choices, p.t("groups.access.grant-conf"))
		cs, q.choices = append(cs, choice{kind: model.ArchiveRefuse}), append(q.choices, p.t("groups.access.refuse"))
	}
	if len(cs) == 0 { // the service refuses the role, and says why
		cs, q.choices = append(cs, choice{kind: model.ArchiveGrant}), append(q.choices, p.t("groups.access.grant"))
	}
	q.withReason(p.t("groups.ask.access.note"))
	id := x.ID
	q.run = func(i int, text string) tea.Cmd {
		c := cs[min(max(i, 0), len(cs)-1)]
		return p.act(c.kind, inert.Line(id), func(be Backend) error {
			var err error
			switch c.kind {
			case model.ArchiveApprove:
				_, _, err = be.ApproveArchive(id, text)
			case model.ArchiveGrant:
				_, _, err = be.GrantArchive(id, c.confidential)
			case model.ArchiveRefuse:
				_, _, err = be.RefuseArchive(id, text)
			}
			return err
		})
	}
	return q
}
