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
	if err := a.inScope("application", ap.ID, ap.Group); err != nil {
		return err
	}
	ap.Status, ap.DecidedBy, ap.DecidedAt, ap.Reason = AppPending, "", time.Time{}, ""
	old, ok, err := a.st.Application(ap.ID)
	if err != nil {
		return err
	}
	if ok {
		if SameApplication(&old, &ap) {
			return ErrNoChange
		}
		return fmt.Errorf("application %s exists already with other content", ap.ID)
	}
	return a.st.PutApplication(nil, &ap)
}

// SameApplication reports whether ap, an application filed again, is old as it is stored:
// filing it changes nothing, where another content under its id is refused.
func SameApplication(old, ap *Application) bool {
	return old.Group == ap.Group && old.Member == ap.Member && old.Kind == ap.Kind && old.Time.Equal(ap.Time) && old.Text == ap.Text &&
		old.Name == ap.Name && old.Branch == ap.Branch && old.Nickname == ap.Nickname && old.PartyMember == ap.PartyMember
}

func (a *applier) applicationDecide() error {
	var p ReasonPayload
	ap, err := load(a, applicationKind, &p, nil)
	if err != nil {
		return err
	}
	if err := a.inScope("application", ap.ID, ap.Group); err != nil {
		return err
	}
	appeal := a.e.Kind == AppealUphold || a.e.Kind == AppealOverturn
	if ap.Status != AppPending || appeal != (ap.Kind == AppAppeal) {
		why := "an appeal is upheld or overturned; a join or exit is approved or refused"
		if ap.Status != AppPending {
			why = "it was decided already, by " + ap.DecidedBy
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
	if appeal {
		// The appellant is answered, whatever the outcome (ST 二(三)2, GO 四(二)3).
		outcome := AppealUpheld
		if a.e.Kind == AppealOverturn {
			outcome = AppealOverturned
		}
		a.emit(OutboxLine{Action: OutAnswer, Group: ap.Group, Member: ap.Member, Application: ap.ID, Decision: outcome, Reason: p.Reason})
	}
	return a.st.PutApplication(&old, &ap)
}

// applicationEffect carries out an approved application on the membership, and tells the
// chat side: a join makes the member (from what the application says of them, when they are
// not on the roster) and adds them, an exit removes them, an appeal overturned restores them.
func (a *applier) applicationEffect(ap *Application) error {
	m, ok, err := a.st.Member(MemberKey(ap.Group, ap.Member))
	if err != nil {
		return err
	}
	line := OutboxLine{Group: ap.Group, Member: ap.Member, Application: ap.ID, Reason: ap.Reason}
	if !ok {
		if ap.Kind != AppJoin {
			return nil // an exit or appeal of someone not on the roster changes nothing
		}
		g, _, err := a.st.Group(ap.Group)
		if err != nil {
			return err
		}
		n := Member{ID: ap.Member, Group: ap.Group, Name: ap.Name, Branch: ap.Branch, Nickname: ap.Nickname, Role: MemberPlain,
			PartyMember: ap.PartyMember, Joined: a.e.Time, Status: MemberActive}
		if n.Name == "" {
			n.Name = n.ID
		}
		if n.Nickname == "" {
			n.Nickname = NicknameFor(g.NicknameRule, &g, n.Name, n.Branch)
		}
		line.Action, line.Name, line.Nickname, line.Branch = OutAdd, n.Name, n.Nickname, n.Branch
		a.emit(line)
		return a.st.PutMember(nil, &n)
	}
	old := m
	switch ap.Kind {
	case AppJoin:
		if m.Status == MemberActive || m.Status == MemberMuted {
			return nil
		}
		// An applicant, or someone who left or was removed, joins (again).
		if ap.Name != "" {
			m.Name = ap.Name
		}
		if ap.Branch != "" {
			m.Branch = ap.Branch
		}
		if ap.Nickname != "" {
			m.Nickname = ap.Nickname
		}
		m.PartyMember = m.PartyMember || ap.PartyMember
		if m.Nickname == "" {
			g, _, err := a.st.Group(ap.Group)
			if err != nil {
				return err
			}
			m.Nickname = NicknameFor(g.NicknameRule, &g, m.Name, m.Branch)
		}
		m.Status, m.MutedUntil = MemberActive, time.Time{}
		if m.Joined.IsZero() {
			m.Joined = a.e.Time
		}
		line.Action, line.Name, line.Nickname, line.Branch = OutAdd, m.Name, m.Nickname, m.Branch
	case AppExit:
		if m.Status == MemberRemoved || m.Status == MemberExited {
			return nil
		}
		m.Status, m.MutedUntil = MemberExited, time.Time{}
		line.Action = OutRemove
	case AppAppeal:
		if m.Status != MemberRemoved && m.Status != MemberMuted {
			return nil
		}
		line.Action = OutRestore
		if m.Status == MemberMuted {
			line.Action = OutUnmute
		}
		m.Status, m.MutedUntil = MemberActive, time.Time{}
	}
	a.emit(line)
	return a.st.PutMember(&old, &m)
}
