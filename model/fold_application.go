package model

import (
	"fmt"
	"time"
)

func (a *applier) applicationFile() error {
	var ap Application
	if err := entity(a, &ap); err != nil {
		return err
	}
	if ap.ID == "" || ap.ID != a.e.Subject {
		return fmt.Errorf("application.file: subject %q and id %q differ", a.e.Subject, ap.ID)
	}
	switch ap.Kind {
	case AppJoin, AppExit, AppAppeal:
	default:
		return fmt.Errorf("application %s: unknown kind %q", ap.ID, ap.Kind)
	}
	if _, ok, err := a.st.Group(ap.Group); err != nil || !ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("application %s: unknown group %q", ap.ID, ap.Group)
	}
	ap.Status, ap.DecidedBy, ap.DecidedAt, ap.Reason = AppPending, "", time.Time{}, ""
	old, ok, err := a.st.Application(ap.ID)
	if err != nil {
		return err
	}
	if ok {
		if old.Group == ap.Group && old.Member == ap.Member && old.Kind == ap.Kind && old.Time.Equal(ap.Time) && old.Text == ap.Text {
			return ErrNoChange
		}
		return fmt.Errorf("application %s exists already with other content", ap.ID)
	}
	return a.st.PutApplication(nil, &ap)
}

func (a *applier) applicationDecide() error {
	var p ReasonPayload
	ap, err := load(a, applicationKind, &p, nil)
	if err != nil {
		return err
	}
	appeal := a.e.Kind == AppealUphold || a.e.Kind == AppealOverturn
	if ap.Status != AppPending || appeal != (ap.Kind == AppAppeal) {
		why := ""
		if ap.Status == AppPending {
			why = "an appeal is upheld or overturned; a join or exit is approved or refused"
		}
		return a.refuse("application", ap.ID, string(ap.Status)+" "+string(ap.Kind), why)
	}
	old := ap
	ap.DecidedBy, ap.DecidedAt, ap.Reason = a.actor, a.e.Time, p.Reason
	ap.Status = AppApproved
	if a.e.Kind == ApplicationRefuse || a.e.Kind == AppealUphold {
		ap.Status = AppRefused
	}
	if ap.Status == AppApproved {
		if err := a.applicationEffect(&ap); err != nil {
			return err
		}
	}
	return a.st.PutApplication(&old, &ap)
}

// applicationEffect carries out an approved application on the membership.
func (a *applier) applicationEffect(ap *Application) error {
	m, ok, err := a.st.Member(MemberKey(ap.Group, ap.Member))
	if err != nil || !ok {
		return err // a join of someone not yet on the roster: the administrator adds them
	}
	old := m
	switch ap.Kind {
	case AppJoin:
		if m.Status != MemberApplicant {
			return nil
		}
		m.Status = MemberActive
	case AppExit:
		if m.Status == MemberRemoved || m.Status == MemberExited {
			return nil
		}
		m.Status, m.MutedUntil = MemberExited, time.Time{}
	case AppAppeal:
		if m.Status != MemberRemoved && m.Status != MemberMuted {
			return nil
		}
		m.Status, m.MutedUntil = MemberActive, time.Time{}
	}
	return a.st.PutMember(&old, &m)
}
