package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"qunshen/internal/atomicfile"
	"qunshen/internal/document"
	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
)

// The actions of the Groups pane, each the service's that the command line takes too (group
// approve and refuse, incident open, measure, escalate, followup, close and report,
// accountability record). A role that may not, or a row the action does not fit, goes
// straight to the service, which refuses and says why; otherwise a question asks what the
// action needs.

// writtenMsg says where an upward report was written.
type writtenMsg struct {
	paths []string
	err   error
}

func (p *groupsPane) act(kind model.Kind, label string, do func(Backend) error) tea.Cmd {
	return actionCmd(p.common, p, kind, label, do)
}

// incidentPrompt asks the kind of an incident and what happened, found in a post, about a
// member or in a group (n names which), where says so in words. owner is the pane that shows
// the outcome.
func incidentPrompt(c *common, owner any, n review.NewIncident, where string) *choicePrompt {
	q := newChoicePrompt(c, c.t("groups.ask.incident"))
	q.info = append(q.info, c.tf("groups.ask.incident.on", inert.Line(where)))
	for _, k := range model.IncidentKinds {
		q.choices = append(q.choices, c.t("incident.kind."+string(k)))
	}
	q.withReason(c.t("groups.ask.summary"))
	q.needText = true
	q.run = func(i int, text string) tea.Cmd {
		if i < 0 || i >= len(model.IncidentKinds) {
			return nil
		}
		n.Kind, n.Summary = model.IncidentKinds[i], text
		return actionCmd(c, owner, model.IncidentOpen, inert.Line(where), func(be Backend) error {
			_, _, err := be.OpenIncident(n)
			return err
		})
	}
	return q
}

// askDecide approves and files a group or an application (a filing number), or refuses an
// application (a reason).
func (p *groupsPane) askDecide(r *groupRow, approve bool) tea.Cmd {
	kind := model.GroupRefuse
	if approve {
		kind = model.GroupApprove
	}
	id, label := r.Group.ID, inert.Line(r.Group.Name)
	decide := func(text string) tea.Cmd {
		return p.act(kind, label, func(be Backend) error {
			filing, reason := "", text
			if approve {
				filing, reason = text, ""
			}
			_, err := be.DecideGroup(id, approve, filing, reason)
			return err
		})
	}
	pending := r.Status == review.StatusApplied
	fits := pending || approve && !r.IsApplication() && r.Group.FilingNo == ""
	if !model.Allowed(p.op.Role, kind) || !fits {
		return decide("") // the service refuses, and says why: decided already, filed already
	}
	title, label2 := "groups.ask.refuse", "groups.ask.reason"
	if approve {
		title, label2 = "groups.ask.approve", "groups.ask.filing"
	}
	q := newChoicePrompt(p.common, p.t(title)+" — "+label)
	if g := &r.Group; g.Purpose != "" {
		q.info = append(q.info, p.t("cli.show.f.purpose")+p.t("msg.colon")+inert.Line(g.Purpose))
	}
	for _, c := range r.Checks {
		q.info = append(q.info, "! "+p.t("register.check."+c))
	}
	q.withReason(p.t(label2))
	q.needText = true
	q.run = func(_ int, text string) tea.Cmd { return decide(text) }
	p.prompt = q
	return nil
}

// askApply files an application to create a group (IW 第四条, GO 二(一)1): its kind and name,
// then its purpose; the branch is the operator's. The supervisor, or the branch secretary for
// a party group, approves it here with a.
func (p *groupsPane) askApply() tea.Cmd {
	apply := func(n review.NewGroup) tea.Cmd {
		return p.act(model.GroupApply, inert.Line(n.Name), func(be Backend) error {
			_, _, err := be.ApplyGroup(n)
			return err
		})
	}
	if !model.Allowed(p.op.Role, model.GroupApply) {
		return apply(review.NewGroup{}) // the service refuses, and says why
	}
	branch := p.op.Branch
	q := newChoicePrompt(p.common, p.t("groups.ask.apply"))
	if branch != "" {
		q.info = append(q.info, p.tf("groups.ask.apply.branch", inert.Line(branch)))
	}
	for _, k := range model.GroupKinds {
		q.choices = append(q.choices, p.kindName(k))
	}
	q.withReason(p.t("groups.ask.apply.name"))
	q.needText = true
	q.run = func(i int, name string) tea.Cmd {
		if i < 0 || i >= len(model.GroupKinds) {
			return nil
		}
		kind := model.GroupKinds[i]
		q2 := newChoicePrompt(p.common, p.t("groups.ask.apply")+" — "+inert.Line(name))
		q2.info = append(q2.info, p.kindName(kind))
		q2.withReason(p.t("groups.ask.apply.purpose"))
		q2.needText = true
		q2.run = func(_ int, purpose string) tea.Cmd {
			return apply(review.NewGroup{Name: name, Kind: kind, Purpose: purpose, Branch: branch})
		}
		p.prompt = q2
		return nil
	}
	p.prompt = q
	return nil
}

// incidentLabel is an incident as a choice names it.
func (p *groupsPane) incidentLabel(in model.Incident) string {
	return inert.Line(in.ID) + "  " + p.t("incident.kind."+string(in.Kind)) + "  " + p.t("incident."+string(in.Status)) + "  " + inert.Line(firstLine(in.Summary))
}

// withIncident runs ask on the group's open incident, or on the one chosen when it has
// several; a role that may not is refused as the service refuses it.
func (p *groupsPane) withIncident(r *groupRow, kind model.Kind, ask func(in model.Incident) tea.Cmd) tea.Cmd {
	var open []model.Incident
	for _, in := range r.incidents {
		if in.Status != model.IncClosed {
			open = append(open, in)
		}
	}
	if !model.Allowed(p.op.Role, kind) {
		p.fail(&model.PermissionError{Role: p.op.Role, Kind: kind}, "") // as the service would refuse it
		return nil
	}
	if len(open) == 0 {
		p.note(p.tf("groups.no-incident", inert.Line(r.Group.Name), p.km.OpenIncident.Help().Key))
		return nil
	}
	return p.chooseIncident(r, open, kind, ask)
}

// chooseIncident asks which incident, when there are several, then asks the action's question.
func (p *groupsPane) chooseIncident(r *groupRow, ins []model.Incident, kind model.Kind, ask func(in model.Incident) tea.Cmd) tea.Cmd {
	if len(ins) == 1 {
		return ask(ins[0])
	}
	q := newChoicePrompt(p.common, p.t("groups.ask.which")+" — "+inert.Line(r.Group.Name))
	for _, in := range ins {
		q.choices = append(q.choices, p.incidentLabel(in))
	}
	q.cursor = len(ins) - 1 // the latest
	q.run = func(i int, _ string) tea.Cmd {
		if i < 0 || i >= len(ins) {
			return nil
		}
		return ask(ins[i])
	}
	p.prompt = q
	return nil
}

// askText asks the one text an action on an incident needs, then runs it.
func (p *groupsPane) askText(in model.Incident, kind model.Kind, title, label string, choices []string, do func(be Backend, choice int, text string) error) tea.Cmd {
	q := newChoicePrompt(p.common, p.t(title)+" — "+inert.Line(in.ID))
	q.info = append(q.info, p.incidentLabel(in))
	q.choices = choices
	q.withReason(p.t(label))
	q.needText = true
	q.run = func(i int, text string) tea.Cmd {
		return p.act(kind, inert.Line(in.ID), func(be Backend) error { return do(be, i, text) })
	}
	p.prompt = q
	return nil
}

// askMeasure records a measure taken, linked to the decision on the incident's post or the
// action on its member when it was the measure.
func (p *groupsPane) askMeasure(in model.Incident) tea.Cmd {
	type link struct{ post, member string }
	var links []link
	var choices []string
	if in.Post != "" {
		links, choices = append(links, link{post: in.Post}), append(choices, p.tf("groups.link.post", inert.Line(in.Post)))
	}
	if in.Member != "" {
		links, choices = append(links, link{member: in.Member}), append(choices, p.tf("groups.link.member", inert.Line(in.Member)))
	}
	links, choices = append(links, link{}), append(choices, p.t("groups.link.none"))
	id := in.ID
	return p.askText(in, model.IncidentMeasure, "groups.ask.measure", "groups.ask.measure.text", choices, func(be Backend, i int, text string) error {
		l := links[min(max(i, 0), len(links)-1)]
		_, _, err := be.MeasureIncident(id, text, l.post, l.member)
		return err
	})
}

func (p *groupsPane) askEscalate(in model.Incident) tea.Cmd {
	id := in.ID
	return p.askText(in, model.IncidentEscalate, "groups.ask.escalate", "groups.ask.escalate.to", nil, func(be Backend, _ int, to string) error {
		_, err := be.EscalateIncident(id, to, in.Summary)
		return err
	})
}

func (p *groupsPane) askFollowUp(in model.Incident) tea.Cmd {
	id := in.ID
	return p.askText(in, model.IncidentFollowUp, "groups.ask.followup", "groups.ask.followup.text", nil, func(be Backend, _ int, text string) error {
		_, err := be.FollowUpIncident(id, text, "", "")
		return err
	})
}

func (p *groupsPane) askClose(in model.Incident) tea.Cmd {
	id := in.ID
	return p.askText(in, model.IncidentClose, "groups.ask.close", "groups.ask.close.text", nil, func(be Backend, _ int, text string) error {
		_, err := be.CloseIncident(id, text)
		return err
	})
}

// askWrite writes the upward report of one of the group's incidents, as Word and Markdown,
// into the working folder; the personal data masked unless the role may see it.
func (p *groupsPane) askWrite(r *groupRow) tea.Cmd {
	if len(r.incidents) == 0 {
		p.note(p.tf("groups.no-incidents", inert.Line(r.Group.Name)))
		return nil
	}
	write := func(in model.Incident) tea.Cmd {
		be, lang, op := p.be, p.lang, p.op
		return func() tea.Msg {
			if err := be.CheckDocument(); err != nil {
				return writtenMsg{err: err} // nothing is written from a damaged database
			}
			rep, err := document.GatherUpward(be, in.ID)
			if err != nil {
				return writtenMsg{err: err}
			}
			rep.Made, rep.Unmasked = be.Now(), model.MaySeePersonalData(op.Role)
			base := "qunshen-incident-" + strings.NewReplacer(":", "-", "/", "-", "\\", "-", " ", "-").Replace(in.ID)
			var paths []string
			for _, format := range []string{"docx", "md"} {
				var b bytes.Buffer
				if err := document.WriteIncidentReport(&b, format, rep, lang); err != nil {
					return writtenMsg{err: err}
				}
				path, err := filepath.Abs(base + "." + format)
				if err != nil {
					return writtenMsg{err: err}
				}
				if err := atomicfile.Write(path, func(f *os.File) error {
					_, err := f.Write(b.Bytes())
					return err
				}); err != nil {
					return writtenMsg{err: err}
				}
				paths = append(paths, filepath.Base(path))
			}
			return writtenMsg{paths: paths}
		}
	}
	ins := slices.Clone(r.incidents)
	if len(ins) == 1 {
		return write(ins[0])
	}
	q := newChoicePrompt(p.common, p.t("groups.ask.write")+" — "+inert.Line(r.Group.Name))
	for _, in := range ins {
		q.choices = append(q.choices, p.incidentLabel(in))
	}
	q.cursor = len(ins) - 1
	q.run = func(i int, _ string) tea.Cmd {
		if i < 0 || i >= len(ins) {
			return nil
		}
		return write(ins[i])
	}
	p.prompt = q
	return nil
}

// askAccountability records a measure of accountability: the measure and the person first
// (the group's owner offered), then what it is tied to (an incident of the group, a
// rectification overdue, or neither) and why.
func (p *groupsPane) askAccountability(r *groupRow) tea.Cmd {
	id, label := r.Group.ID, inert.Line(r.Group.Name)
	if !model.Allowed(p.op.Role, model.AccountabilityRecord) || r.IsApplication() {
		return p.act(model.AccountabilityRecord, label, func(be Backend) error {
			_, _, err := be.RecordAccountability(review.NewAccountability{Group: id})
			return err
		})
	}
	q := newChoicePrompt(p.common, p.t("groups.ask.acc")+" — "+label)
	for _, m := range model.AccountabilityMeasures {
		q.choices = append(q.choices, p.t("acc."+string(m))+"  "+model.AccountabilityClause(m))
	}
	q.withReason(p.t("groups.ask.acc.person"))
	q.input.SetValue(p.ownerName(r))
	q.input.CursorEnd()
	q.needText = true
	q.run = func(i int, person string) tea.Cmd {
		if i < 0 || i >= len(model.AccountabilityMeasures) {
			return nil
		}
		p.prompt = p.accountabilityTie(r, model.AccountabilityMeasures[i], person)
		return nil
	}
	p.prompt = q
	return nil
}

// accountabilityTie is the second question of accountability: tied to what, and why.
func (p *groupsPane) accountabilityTie(r *groupRow, m model.AccountabilityMeasure, person string) *choicePrompt {
	type tie struct{ incident, rect string }
	var ties []tie
	q := newChoicePrompt(p.common, p.t("groups.ask.acc")+" — "+inert.Line(r.Group.Name))
	q.info = append(q.info, p.t("acc."+string(m))+"  "+inert.Line(person))
	for i := len(r.incidents) - 1; i >= 0; i-- { // the latest first
		in := r.incidents[i]
		ties = append(ties, tie{incident: in.ID})
		q.choices = append(q.choices, p.tf("groups.tie.incident", inert.Line(in.ID), inert.Line(firstLine(in.Summary))))
	}
	now := p.be.Now()
	for _, x := range r.rects {
		if !x.Deadline.IsZero() && x.Deadline.Before(now) {
			ties = append(ties, tie{rect: x.ID})
			q.choices = append(q.choices, p.tf("groups.tie.rect", inert.Line(x.ID), inert.Line(firstLine(x.Finding))))
		}
	}
	ties = append(ties, tie{})
	q.choices = append(q.choices, p.t("groups.tie.none"))
	q.withReason(p.t("groups.ask.acc.text"))
	q.needText = true
	id := r.Group.ID
	q.run = func(i int, text string) tea.Cmd {
		t := ties[min(max(i, 0), len(ties)-1)]
		return p.act(model.AccountabilityRecord, inert.Line(person), func(be Backend) error {
			_, _, err := be.RecordAccountability(review.NewAccountability{Group: id, Person: person, Measure: m, Incident: t.incident, Rectification: t.rect, Text: text})
			return err
		})
	}
	return q
}
