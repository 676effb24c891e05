package review

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// The actions on members, violations and applications, as the Roster and Violations panes
// and the command line take them. Each checks the operator's role before it reads anything,
// then what the action needs, then appends its events in one transaction; the fold checks
// role and transition again inside it.

// MemberAction is an action on a member: a warning, a mute, a removal or a restoration.
type MemberAction struct {
	Kind   model.Kind // member.warn, member.mute, member.remove or member.restore
	Group  string     // empty: the one group the member is in
	Member string
	Reason string    // told to the member
	Until  time.Time // the end of a mute
	// Violation names the violation the action answers, when there is one: it must be the
	// member's own, and is carried in the event's payload.
	Violation string
	// Lang is the language the step of the ladder is recorded in (a warning records the step
	// proposed for the member, a mute the ladder's mute step), as the operator reads it.
	Lang string
}

// allowed refuses an action the operator's role may not take.
func (s *Service) allowed(kind model.Kind) error {
	if role := s.Signer.Operator.Role; !model.Allowed(role, kind) {
		return &model.PermissionError{Role: role, Kind: kind}
	}
	return nil
}

// refusal is a refusal of the service, in the words of the model's.
func (s *Service) refusal(entity, id, state string, kind model.Kind, why string) error {
	return &model.TransitionError{Entity: entity, ID: id, State: state, Kind: kind, Role: s.Signer.Operator.Role, Why: why}
}

// appendAll signs and appends drafts in one transaction: all of them or none.
func (s *Service) appendAll(drafts ...model.Draft) ([]model.Hash, error) {
	ids, err := s.Store.Append(s.Signer, drafts...)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s %s: the action wrote no event", drafts[0].Kind, drafts[0].Subject)
	}
	return ids, nil
}

func draft(kind model.Kind, subject string, payload any) (model.Draft, error) {
	raw, err := json.Marshal(payload)
	return model.Draft{Kind: kind, Subject: subject, Payload: raw}, err
}

// MemberAct warns, mutes, removes or restores a member. A warning records the step proposed
// for the member, a mute the ladder's mute step; restoring a muted member lifts the mute.
func (s *Service) MemberAct(a MemberAction) (model.Hash, error) {
	switch a.Kind {
	case model.MemberWarn, model.MemberMute, model.MemberRemove, model.MemberRestore:
	default:
		return model.Hash{}, &model.PermissionError{Role: s.Signer.Operator.Role, Kind: a.Kind}
	}
	if err := s.allowed(a.Kind); err != nil {
		return model.Hash{}, err
	}
	if a.Group == "" {
		g, err := s.groupOf(a.Member)
		if err != nil {
			return model.Hash{}, err
		}
		a.Group = g
	}
	m, err := s.member(a.Group, a.Member)
	if err != nil {
		return model.Hash{}, err
	}
	if a.Violation != "" {
		if a.Kind == model.MemberRestore {
			return model.Hash{}, i18n.E("review.restore-violation", a.Violation)
		}
		v, err := s.violation(a.Violation)
		if err != nil {
			return model.Hash{}, err
		}
		if v.Group != m.Group || v.Member != m.ID {
			return model.Hash{}, i18n.E("review.violation-of-other", v.ID, v.Member, v.Group, m.ID, m.Group)
		}
	}
	pl := model.ReasonPayload{Reason: a.Reason, Violation: a.Violation}
	switch a.Kind {
	case model.MemberWarn:
		pr, err := s.MemberProposal(m)
		if err != nil {
			return model.Hash{}, err
		}
		pl.Step = pr.Step.Name(a.Lang)
	case model.MemberMute:
		g, _, err := s.Group(m.Group)
		if err != nil {
			return model.Hash{}, err
		}
		pl.Until, pl.Step = a.Until, s.Policy().MuteStep(g.Kind, m.PartyMember, a.Lang)
	}
	return s.Act(a.Kind, m.Key(), pl)
}

// Sanctioned is what Sanction applied.
type Sanctioned struct {
	Step   Step
	Index  int        // the step's place on the member's ladder, from 0
	Action model.Kind // the member action the step called for
	Until  time.Time  // the end of a mute
	Events []model.Hash
}

// Sanction applies a step of the member's ladder to a verified violation: the step proposed
// for it, or the one named (FindStep). The violation's sanction records the step, and the
// member action the step calls for (StepAction) names the violation; both are appended in
// one transaction. lang is the language the step is recorded in; reason is told to the
// member.
func (s *Service) Sanction(id, step, reason, lang string) (Sanctioned, error) {
	var out Sanctioned
	if err := s.allowed(model.ViolationSanction); err != nil {
		return out, err
	}
	v, err := s.violation(id)
	if err != nil {
		return out, err
	}
	if v.Status != model.ViolationVerified {
		return out, s.refusal("violation", v.ID, string(v.Status), model.ViolationSanction, "")
	}
	m, err := s.member(v.Group, v.Member)
	if err != nil {
		return out, err
	}
	g, _, err := s.Group(v.Group)
	if err != nil {
		return out, err
	}
	ladder, party := s.Policy().LadderFor(g.Kind, m.PartyMember)
	if step == "" {
		pr, err := s.ViolationProposal(v)
		if err != nil {
			return out, err
		}
		out.Index = pr.Index
	} else if out.Index = FindStep(ladder, step); out.Index < 0 {
		names := make([]string, len(ladder))
		for i, st := range ladder {
			names[i] = st.ID
		}
		return out, i18n.E("review.unknown-step", step, strings.Join(names, ", "))
	}
	out.Step = ladder[out.Index]
	var days int
	out.Action, days = StepAction(ladder, party, out.Index)
	if err := s.allowed(out.Action); err != nil {
		return out, err
	}
	name := out.Step.Name(lang)
	pl := model.ReasonPayload{Reason: reason, Step: name, Violation: v.ID}
	if days > 0 {
		out.Until = s.Now().AddDate(0, 0, days)
		pl.Until = out.Until
	}
	sanction, err := draft(model.ViolationSanction, v.ID, model.ReasonPayload{Reason: reason, Step: name})
	if err != nil {
		return out, err
	}
	act, err := draft(out.Action, m.Key(), pl)
	if err != nil {
		return out, err
	}
	out.Events, err = s.appendAll(sanction, act)
	return out, err
}

// MoveViolation verifies or closes a violation (violation.verify, violation.close); the fold
// refuses a move its status does not allow.
func (s *Service) MoveViolation(id string, kind model.Kind) (model.Hash, error) {
	if err := s.allowed(kind); err != nil {
		return model.Hash{}, err
	}
	if _, err := s.violation(id); err != nil {
		return model.Hash{}, err
	}
	return s.Act(kind, id, model.ReasonPayload{})
}

// Dismiss dismisses an open or verified violation. feedback, when given, is told to the
// member who reported it, in the same transaction, after the dismissal (the outbox's line
// tells the outcome, dismissed): once dismissed, a report takes no other feedback.
func (s *Service) Dismiss(id, feedback string) ([]model.Hash, error) {
	if err := s.allowed(model.ViolationDismiss); err != nil {
		return nil, err
	}
	if feedback != "" {
		if err := s.allowed(model.ViolationFeedback); err != nil {
			return nil, err
		}
	}
	v, err := s.violation(id)
	if err != nil {
		return nil, err
	}
	d, err := draft(model.ViolationDismiss, v.ID, model.ReasonPayload{})
	if err != nil {
		return nil, err
	}
	drafts := []model.Draft{d}
	if feedback != "" {
		if err := s.feedbackRefused(v, feedback); err != nil {
			return nil, err
		}
		d, err := draft(model.ViolationFeedback, v.ID, model.FeedbackPayload{Text: feedback})
		if err != nil {
			return nil, err
		}
		drafts = append(drafts, d)
	}
	return s.appendAll(drafts...)
}

// Feedback records what the member who reported a violation was told (PM 五(二)2). Only a
// report has a reporter; a dismissed one was answered when it was dismissed.
func (s *Service) Feedback(id, text string) (model.Hash, error) {
	if err := s.allowed(model.ViolationFeedback); err != nil {
		return model.Hash{}, err
	}
	v, err := s.violation(id)
	if err != nil {
		return model.Hash{}, err
	}
	if err := s.feedbackRefused(v, text); err != nil {
		return model.Hash{}, err
	}
	return s.Act(model.ViolationFeedback, v.ID, model.FeedbackPayload{Text: text})
}

func (s *Service) feedbackRefused(v model.Violation, text string) error {
	why := ""
	switch {
	case v.Source != model.SourceComplaint:
		why = "only a report has a reporter to tell"
	case v.Status == model.ViolationDismissed:
		why = "the report was dismissed: its reporter is told with the dismissal"
	case strings.TrimSpace(text) == "":
		why = "feedback goes to the member who reported, and says something"
	default:
		return nil
	}
	return s.refusal("violation", v.ID, string(v.Status), model.ViolationFeedback, why)
}

// AppealViolation records the outcome of an appeal against a violation's sanction: upheld,
// or overturned, which dismisses the violation.
func (s *Service) AppealViolation(id string, overturned bool, reason string) (model.Hash, error) {
	if err := s.allowed(model.ViolationAppeal); err != nil {
		return model.Hash{}, err
	}
	if _, err := s.violation(id); err != nil {
		return model.Hash{}, err
	}
	return s.Act(model.ViolationAppeal, id, model.AppealPayload{Overturned: overturned, Reason: reason})
}

// DecideApplication approves or refuses a join or exit application (application.approve,
// application.refuse), or upholds or overturns an appeal (appeal.uphold, appeal.overturn).
// An application is decided once.
func (s *Service) DecideApplication(id string, kind model.Kind, reason string) (model.Hash, error) {
	switch kind {
	case model.ApplicationApprove, model.ApplicationRefuse, model.AppealUphold, model.AppealOverturn:
	default:
		return model.Hash{}, &model.PermissionError{Role: s.Signer.Operator.Role, Kind: kind}
	}
	if err := s.allowed(kind); err != nil {
		return model.Hash{}, err
	}
	a, ok, err := s.Application(id)
	if err != nil {
		return model.Hash{}, err
	}
	if !ok {
		return model.Hash{}, i18n.E("review.unknown-application", id)
	}
	if a.Status != model.AppPending {
		why := "it was decided already"
		if a.DecidedBy != "" {
			why = fmt.Sprintf("it was decided already, by %s", a.DecidedBy)
		}
		return model.Hash{}, s.refusal("application", a.ID, string(a.Status)+" "+string(a.Kind), kind, why)
	}
	return s.Act(kind, a.ID, model.ReasonPayload{Reason: reason})
}
