package model

import (
	"fmt"
	"slices"
	"time"
)

func (a *applier) violationNew() error {
	var v Violation
	if err := entity(a, &v); err != nil {
		return err
	}
	if v.ID == "" || v.ID != a.e.Subject {
		return fmt.Errorf("%s: subject %q and id %q differ", a.e.Kind, a.e.Subject, v.ID)
	}
	if _, ok, err := a.st.Member(MemberKey(v.Group, v.Member)); err != nil || !ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("violation %s: unknown member %q in group %q", v.ID, v.Member, v.Group)
	}
	if err := a.inScope("violation", v.ID, v.Group); err != nil {
		return err
	}
	// v.Post may name a post that never passed through this queue (one published before, or
	// on another machine): a report about it is still a report.
	old, ok, err := a.st.Violation(v.ID)
	if err != nil {
		return err
	}
	if a.e.Kind == ComplaintFile {
		v.Source = SourceComplaint
	} else if v.Source != SourceCheck {
		v.Source = SourceAdmin
	}
	v.Status, v.Sanction, v.Feedback, v.Appeal, v.UpdatedAt, v.SanctionedAt = ViolationOpen, "", "", "", time.Time{}, time.Time{}
	v.DismissedAt, v.FeedbackAt = time.Time{}, time.Time{}
	if v.Source == SourceCheck {
		if err := a.checkFinding(&v); err != nil {
			return err
		}
	}
	if ok {
		if SameViolation(&old, &v) {
			return ErrNoChange
		}
		return fmt.Errorf("violation %s exists already with other content", v.ID)
	}
	return a.st.PutViolation(nil, &v)
}

// SameViolation reports whether v, a violation being recorded again (its source set, as a
// complaint, a check or an administrator's), is old as it is stored: recording it changes
// nothing, where another content under its id is refused.
func SameViolation(old, v *Violation) bool {
	return old.Group == v.Group && old.Member == v.Member && old.Post == v.Post && old.Reporter == v.Reporter &&
		old.Text == v.Text && (old.Time.Equal(v.Time) || v.Source == SourceCheck) && old.Rule == v.Rule && old.Source == v.Source
}

// checkFinding admits a violation found by the checks: a block finding of its rule in the
// post it names, by the post's author, which the administrator has just rejected or sent
// back for changes. That rejection verifies it (the ladder counts it), and it is dated by it.
func (a *applier) checkFinding(v *Violation) error {
	p, ok, err := a.st.Post(v.Post)
	if err != nil {
		return err
	}
	switch {
	case !ok:
		return fmt.Errorf("violation %s: found by the checks in post %q, which is not known", v.ID, v.Post)
	case p.Author != v.Member || p.Group != v.Group:
		return fmt.Errorf("violation %s: post %s is not by member %q of group %q", v.ID, p.ID, v.Member, v.Group)
	case !slices.Contains(p.BlockRules(), v.Rule):
		return fmt.Errorf("violation %s: post %s has no block finding of rule %q", v.ID, p.ID, v.Rule)
	case p.Status != PostRejected && p.Status != PostChangesRequested:
		return a.refuse("post", p.ID, string(p.Status), "a violation found by the checks is recorded when the post is rejected or sent back for changes")
	}
	v.Status, v.Time = ViolationVerified, a.e.Time
	return nil
}

var violationMoves = map[Kind]struct {
	from []ViolationStatus
	to   ViolationStatus
}{
	ViolationVerify:   {[]ViolationStatus{ViolationOpen}, ViolationVerified},
	ViolationSanction: {[]ViolationStatus{ViolationVerified}, ViolationSanctioned},
	ViolationDismiss:  {[]ViolationStatus{ViolationOpen, ViolationVerified}, ViolationDismissed},
	ViolationClose:    {[]ViolationStatus{ViolationSanctioned}, ViolationClosed},
	ViolationAppeal:   {[]ViolationStatus{ViolationSanctioned, ViolationClosed}, ""},
	ViolationFeedback: {ViolationStatuses, ""},
}

func (a *applier) violationAction() error {
	mv := violationMoves[a.e.Kind]
	v, err := load(a, violationKind, nil, nil)
	if err != nil {
		return err
	}
	if err := a.inScope("violation", v.ID, v.Group); err != nil {
		return err
	}
	if !slices.Contains(mv.from, v.Status) {
		return a.refuse("violation", v.ID, string(v.Status), "")
	}
	old := v
	v.UpdatedAt = a.e.Time
	if mv.to != "" {
		v.Status = mv.to
	}
	switch a.e.Kind {
	case ViolationDismiss:
		v.DismissedAt = a.e.Time
	case ViolationSanction:
		var p ReasonPayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if p.Step == "" {
			return a.refuse("violation", v.ID, string(old.Status), "a sanction names its step of the ladder")
		}
		v.Sanction, v.SanctionedAt = p.Step, a.e.Time
		if err := a.setStep(v.Group, v.Member, p.Step); err != nil {
			return err
		}
	case ViolationFeedback:
		var p FeedbackPayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if v.Source != SourceComplaint || p.Text == "" {
			return a.refuse("violation", v.ID, string(v.Status), "feedback goes to the member who reported, and says something")
		}
		if v.Status == ViolationDismissed && !v.FeedbackAt.IsZero() && !v.FeedbackAt.Before(v.DismissedAt) {
			// A dismissal is final, and its reporter is told once, with it (review.Service.Dismiss).
			return a.refuse("violation", v.ID, string(v.Status), "the report was dismissed: its reporter is told with the dismissal")
		}
		v.Feedback, v.FeedbackAt = p.Text, a.e.Time
		a.emit(OutboxLine{Action: OutFeedback, Group: v.Group, Member: v.Reporter, Violation: v.ID, Decision: string(v.Status), Text: p.Text})
	case ViolationAppeal:
		var p AppealPayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if v.Appeal != "" {
			return a.refuse("violation", v.ID, string(v.Status), "the appeal was answered already")
		}
		v.Appeal = AppealUpheld
		if p.Overturned {
			v.Appeal, v.Status, v.DismissedAt = AppealOverturned, ViolationDismissed, a.e.Time
		}
		a.emit(OutboxLine{Action: OutAnswer, Group: v.Group, Member: v.Member, Violation: v.ID, Decision: v.Appeal, Reason: p.Reason})
	}
	return a.st.PutViolation(&old, &v)
}
