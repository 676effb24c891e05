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
	// v.Post may name a post that never passed through this queue (one published before, or
	// on another machine): a report about it is still a report.
	old, ok, err := a.st.Violation(v.ID)
	if err != nil {
		return err
	}
	if a.e.Kind == ReportFile {
		v.Source = SourceReport
	} else if v.Source != SourceCheck {
		v.Source = SourceAdmin
	}
	v.Status, v.Sanction, v.Feedback, v.Appeal, v.UpdatedAt, v.SanctionedAt = ViolationOpen, "", "", "", time.Time{}, time.Time{}
	if ok {
		if old.Group == v.Group && old.Member == v.Member && old.Post == v.Post && old.Reporter == v.Reporter &&
			old.Text == v.Text && old.Time.Equal(v.Time) && old.Rule == v.Rule && old.Source == v.Source {
			return ErrNoChange
		}
		return fmt.Errorf("violation %s exists already with other content", v.ID)
	}
	return a.st.PutViolation(nil, &v)
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
	v, err := load(a, violationKind, nil, func(v *Violation) bool { return slices.Contains(mv.from, v.Status) })
	if err != nil {
		return err
	}
	old := v
	v.UpdatedAt = a.e.Time
	if mv.to != "" {
		v.Status = mv.to
	}
	switch a.e.Kind {
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
		if v.Source != SourceReport || p.Text == "" {
			return a.refuse("violation", v.ID, string(v.Status), "feedback goes to the member who reported, and says something")
		}
		v.Feedback = p.Text
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
			v.Appeal, v.Status = AppealOverturned, ViolationDismissed
		}
	}
	return a.st.PutViolation(&old, &v)
}
