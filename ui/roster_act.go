package ui

import (
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
)

// The actions of the Roster pane: each opens a prompt, or goes to the service, which refuses
// what the role may not do.

// askMember opens the prompt of an action on the current member: the proposed step, a
// duration for a mute, an optional reason. The service records the step (review.MemberAct).
// A role that may not take the action is refused by the service, and the refusal shown,
// without a prompt.
func (p *rosterPane) askMember(kind model.Kind) tea.Cmd {
	cur, ok := p.current()
	if !ok {
		p.note(p.t("roster.need.member"))
		return nil
	}
	m := cur.Member
	label := inert.Line(m.Name)
	act := func(reason string, until time.Time) tea.Cmd {
		a := review.MemberAction{Kind: kind, Group: m.Group, Member: m.ID, Reason: reason, Until: until, Lang: string(p.lang)}
		return actionCmd(p.common, p, kind, label, func(be Backend) error {
			_, err := be.MemberAct(a)
			return err
		})
	}
	rec, haveRec := p.records[m.Key()]
	step := ""
	if haveRec {
		step = rec.proposal.Step.Name(string(p.lang))
	}
	if !model.Allowed(p.op.Role, kind) {
		return act("", time.Time{})
	}
	pr := newChoicePrompt(p.common, p.t("roster.ask."+string(kind))+" — "+label)
	pr.withReason(p.t("roster.reason"))
	switch kind {
	case model.MemberWarn:
		if haveRec {
			pr.info = append(pr.info, p.tf("roster.ask.step", inert.Line(step), inert.Line(rec.proposal.Step.Clause)))
		}
		pr.run = func(_ int, reason string) tea.Cmd { return act(reason, time.Time{}) }
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
		for i, d := range days {
			choice := p.tf("roster.days.n", d)
			if d == suggested {
				choice += " " + p.tf("roster.suggested", inert.Line(step))
				pr.cursor = i
			}
			pr.choices = append(pr.choices, choice)
		}
		pr.run = func(i int, reason string) tea.Cmd { return act(reason, p.be.Now().AddDate(0, 0, days[i])) }
	default:
		pr.run = func(_ int, reason string) tea.Cmd { return act(reason, time.Time{}) }
	}
	p.prompt = pr
	return nil
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
		return p.decide(model.AppealUphold, id, label, "")
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
		return p.decide(kind, id, label, reason)
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
		return p.decide(kind, id, label, "")
	}
	pr := newChoicePrompt(p.common, p.t("roster.ask."+string(kind))+" — "+p.appLabel(a))
	if a.Text != "" {
		pr.info = append(pr.info, inert.Line(firstLine(a.Text)))
	}
	pr.withReason(p.t("roster.reason"))
	pr.run = func(_ int, reason string) tea.Cmd { return p.decide(kind, id, label, reason) }
	p.prompt = pr
	return nil
}

// decide decides an application through the service (review.DecideApplication).
func (p *rosterPane) decide(kind model.Kind, id, label, reason string) tea.Cmd {
	return actionCmd(p.common, p, kind, label, func(be Backend) error {
		_, err := be.DecideApplication(id, kind, reason)
		return err
	})
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
	if m.kind == model.IncidentOpen {
		p.note(p.tf("desk.done.incident.open", m.label))
		return nil
	}
	p.note(p.tf("roster.done."+string(m.kind), m.label))
	return p.load()
}
