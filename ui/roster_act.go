package ui

import (
	"slices"

	tea "charm.land/bubbletea/v2"

	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
)

// The actions of the Roster pane: each opens a prompt, or goes to the store, which refuses
// what the role may not do.

// askMember opens the prompt of an action on the current member: the proposed step, a
// duration for a mute, an optional reason. A role that may not take the action is refused
// by the store, and the refusal shown, without a prompt.
func (p *rosterPane) askMember(kind model.Kind) tea.Cmd {
	cur, ok := p.current()
	if !ok {
		p.note(p.t("roster.need.member"))
		return nil
	}
	m := cur.Member
	subject, label := m.Key(), inert.Line(m.Name)
	rec, haveRec := p.records[m.Key()]
	step := ""
	if haveRec {
		step = rec.proposal.Step.Name(string(p.lang))
	}
	if !model.Allowed(p.op.Role, kind) {
		return actionCmd(p.common, p, kind, subject, label, model.ReasonPayload{Step: step})
	}
	pr := newChoicePrompt(p.common, p.t("roster.ask."+string(kind))+" — "+label)
	pr.withReason(p.t("roster.reason"))
	switch kind {
	case model.MemberWarn:
		if haveRec {
			pr.info = append(pr.info, p.tf("roster.ask.step", inert.Line(step), inert.Line(rec.proposal.Step.Clause)))
		}
		gkind, lang := p.groups[m.Group].Kind, string(p.lang)
		pr.run = func(_ int, reason string) tea.Cmd {
			return actionCmdWith(p.common, p, kind, subject, label, func(be Backend) (any, error) {
				s := step
				if s == "" { // the record was not read yet: propose from the store's
					vs, err := be.MemberViolations(m.Group, m.ID)
					if err != nil {
						return nil, err
					}
					s = be.Policy().NextStep(gkind, m.PartyMember, vs, review.Warn, be.Now()).Step.Name(lang)
				}
				return model.ReasonPayload{Reason: reason, Step: s}, nil
			})
		}
	case model.MemberMute:
		days := []int{1, 3, 7, 30}
		suggested := 0
		if haveRec {
			suggested = rec.proposal.Step.MuteDays
		}
		if suggested > 0 && !slices.Contains(days, suggested) {
			days = append(days, suggested)
			slices.Sort(days)
		}
		muteStep := p.muteStep(m)
		for i, d := range days {
			choice := p.tf("roster.days.n", d)
			if d == suggested {
				choice += " " + p.tf("roster.suggested", inert.Line(step))
				pr.cursor = i
			}
			pr.choices = append(pr.choices, choice)
		}
		pr.run = func(i int, reason string) tea.Cmd {
			until := p.be.Now().AddDate(0, 0, days[i])
			return actionCmd(p.common, p, kind, subject, label, model.ReasonPayload{Reason: reason, Until: until, Step: muteStep})
		}
	default:
		pr.run = func(_ int, reason string) tea.Cmd {
			return actionCmd(p.common, p, kind, subject, label, model.ReasonPayload{Reason: reason})
		}
	}
	p.prompt = pr
	return nil
}

// muteStep is the name of the step of the member's ladder that is a mute, if there is one:
// a mute moves the member to it.
func (p *rosterPane) muteStep(m model.Member) string {
	if p.pol == nil {
		return ""
	}
	ladder, _ := p.pol.LadderFor(p.groups[m.Group].Kind, m.PartyMember)
	for _, s := range ladder {
		if s.MuteDays > 0 {
			return s.Name(string(p.lang))
		}
	}
	return ""
}

// pendingAppeal is the member's open appeal, if any.
func (p *rosterPane) pendingAppeal(m *rosterMember) (*rosterApp, bool) {
	for i := range p.apps {
		a := &p.apps[i]
		if a.Kind == model.AppAppeal && a.Group == m.Group && a.Member == m.ID {
			return a, true
		}
	}
	return nil, false
}

// askAppeal records the outcome of the current member's open appeal: upheld or overturned.
func (p *rosterPane) askAppeal() tea.Cmd {
	var a *rosterApp
	if r, ok := p.list.Current(); ok && r.app != nil && r.app.Kind == model.AppAppeal {
		a = r.app
	} else if m, ok := p.current(); ok {
		if a, ok = p.pendingAppeal(m); !ok {
			p.note(p.t("roster.no.appeal"))
			return nil
		}
	} else {
		p.note(p.t("roster.need.member"))
		return nil
	}
	id, label := a.ID, inert.Line(a.ID)
	if !model.Allowed(p.op.Role, model.AppealUphold) {
		return actionCmd(p.common, p, model.AppealUphold, id, label, model.ReasonPayload{})
	}
	pr := newChoicePrompt(p.common, p.t("roster.ask.appeal")+" — "+p.appLabel(a))
	pr.info = append(pr.info, inert.Line(firstLine(a.Text)))
	pr.choices = []string{p.t("roster.appeal.uphold"), p.t("roster.appeal.overturn")}
	pr.withReason(p.t("roster.reason"))
	pr.run = func(i int, reason string) tea.Cmd {
		kind := model.AppealUphold
		if i == 1 {
			kind = model.AppealOverturn
		}
		return actionCmd(p.common, p, kind, id, label, model.ReasonPayload{Reason: reason})
	}
	p.prompt = pr
	return nil
}

// askApplication approves or refuses the current application; for an appeal, approving
// overturns the sanction and refusing upholds it.
func (p *rosterPane) askApplication(approve bool) tea.Cmd {
	r, ok := p.list.Current()
	if !ok || r.app == nil {
		p.note(p.t("roster.need.app"))
		return nil
	}
	a := r.app
	kind := model.ApplicationRefuse
	switch {
	case a.Kind == model.AppAppeal && approve:
		kind = model.AppealOverturn
	case a.Kind == model.AppAppeal:
		kind = model.AppealUphold
	case approve:
		kind = model.ApplicationApprove
	}
	id, label := a.ID, inert.Line(a.ID)
	if !model.Allowed(p.op.Role, kind) {
		return actionCmd(p.common, p, kind, id, label, model.ReasonPayload{})
	}
	pr := newChoicePrompt(p.common, p.t("roster.ask."+string(kind))+" — "+p.appLabel(a))
	if a.Text != "" {
		pr.info = append(pr.info, inert.Line(firstLine(a.Text)))
	}
	pr.withReason(p.t("roster.reason"))
	pr.run = func(_ int, reason string) tea.Cmd {
		return actionCmd(p.common, p, kind, id, label, model.ReasonPayload{Reason: reason})
	}
	p.prompt = pr
	return nil
}

// appLabel names an application: its kind and the member.
func (p *rosterPane) appLabel(a *rosterApp) string {
	return p.t("roster.app."+string(a.Kind)) + " " + inert.Line(a.name)
}

// acted shows the outcome of an action of this pane and reads the roster again.
func (p *rosterPane) acted(m actionMsg) tea.Cmd {
	p.inflight--
	if m.err != nil {
		p.fail(m.err, p.advise(m.kind, m.err))
		return nil
	}
	p.note(p.tf("roster.done."+string(m.kind), m.label))
	return p.load()
}
