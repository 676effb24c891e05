package model

import (
	"fmt"
	"time"
)

// importedMember reads the member of an import record (member.add, member.seen): its subject
// must be the member's key and its group known; old is the member as stored, if it is.
func (a *applier) importedMember() (m, old Member, ok bool, err error) {
	if err = entity(a, &m); err != nil {
		return
	}
	if m.ID == "" || m.Key() != a.e.Subject {
		err = fmt.Errorf("%s: subject and member %q of group %q differ", a.e.Kind, m.ID, m.Group)
		return
	}
	if _, known, gerr := a.st.Group(m.Group); gerr != nil || !known {
		err = gerr
		if err == nil {
			err = fmt.Errorf("member %s: unknown group %q", m.ID, m.Group)
		}
		return
	}
	old, ok, err = a.st.Member(m.Key())
	return
}

func (a *applier) memberAdd() error {
	m, old, ok, err := a.importedMember()
	if err != nil {
		return err
	}
	if !ok {
		m.Status, m.MutedUntil, m.Warnings, m.Step = MemberActive, time.Time{}, 0, ""
		return a.st.PutMember(nil, &m)
	}
	// The roster updates the details; status and discipline are the workbench's.
	m.Status, m.MutedUntil, m.Warnings, m.Step = old.Status, old.MutedUntil, old.Warnings, old.Step
	if m.LastActive.Before(old.LastActive) {
		m.LastActive = old.LastActive
	}
	if m == old {
		return ErrNoChange
	}
	return a.st.PutMember(&old, &m)
}

func (a *applier) memberAction() error {
	var p ReasonPayload
	m, err := load(a, memberKind, &p, nil)
	if err != nil {
		return err
	}
	if p.Violation != "" {
		// The step applied for a violation: the violation must be this member's.
		v, ok, err := a.st.Violation(p.Violation)
		if err != nil {
			return err
		}
		if !ok || v.Group != m.Group || v.Member != m.ID {
			return a.refuse("member", m.ID, string(m.Status), fmt.Sprintf("violation %s is not this member's", p.Violation))
		}
	}
	old := m
	line := OutboxLine{Group: m.Group, Member: m.ID, Reason: p.Reason, Violation: p.Violation, Step: p.Step}
	switch a.e.Kind {
	case MemberWarn:
		if m.Status != MemberActive && m.Status != MemberMuted {
			return a.refuse("member", m.ID, string(m.Status), "")
		}
		m.Warnings++
		line.Action = OutWarn
	case MemberMute:
		if m.Status != MemberActive && m.Status != MemberMuted {
			return a.refuse("member", m.ID, string(m.Status), "")
		}
		if !p.Until.After(a.e.Time) || p.Until.Year() > 9999 { // a time JSON can write
			return a.refuse("member", m.ID, string(m.Status), "a mute needs an end after now")
		}
		m.Status, m.MutedUntil = MemberMuted, p.Until.UTC()
		line.Action, line.Until = OutMute, m.MutedUntil
	case MemberRemove:
		if m.Status == MemberRemoved || m.Status == MemberExited {
			return a.refuse("member", m.ID, string(m.Status), "")
		}
		m.Status, m.MutedUntil = MemberRemoved, time.Time{}
		line.Action = OutRemove
	case MemberRestore:
		if m.Status != MemberMuted && m.Status != MemberRemoved {
			return a.refuse("member", m.ID, string(m.Status), "")
		}
		line.Action = OutRestore
		if m.Status == MemberMuted {
			line.Action = OutUnmute
		}
		m.Status, m.MutedUntil = MemberActive, time.Time{}
	}
	if p.Step != "" {
		m.Step = p.Step
	}
	a.emit(line)
	return a.st.PutMember(&old, &m)
}

// memberSeen folds a sender seen in a chat export. An unknown one becomes an active member;
// a known one keeps what the roster and the workbench said of it, and takes from the chat
// only what the chat knows better: the latest nickname, the last time it spoke, the earliest
// time it joined, a name or a role where none was known.
func (a *applier) memberSeen() error {
	m, old, ok, err := a.importedMember()
	if err != nil {
		return err
	}
	if !ok {
		n := Member{ID: m.ID, Group: m.Group, Name: m.Name, Nickname: m.Nickname, Role: m.Role,
			Joined: m.Joined, LastActive: m.LastActive, Status: MemberActive}
		if n.Name == "" {
			n.Name = n.Nickname
		}
		return a.st.PutMember(nil, &n)
	}
	n := old
	if n.Name == "" {
		n.Name = m.Name
	}
	if n.Role == "" {
		n.Role = m.Role
	}
	if m.Nickname != "" && !m.LastActive.Before(old.LastActive) {
		n.Nickname = m.Nickname
	}
	if m.LastActive.After(n.LastActive) {
		n.LastActive = m.LastActive
	}
	if !m.Joined.IsZero() && (n.Joined.IsZero() || m.Joined.Before(n.Joined)) {
		n.Joined = m.Joined
	}
	// Joining again after leaving makes the member active again.
	if old.Status == MemberExited && !m.Joined.IsZero() && m.Joined.After(old.LastActive) {
		n.Status = MemberActive
		n.LastActive = m.Joined
	}
	if n == old {
		return ErrNoChange
	}
	return a.st.PutMember(&old, &n)
}

// memberLeave folds a member leaving the chat (a service message of the export): an active
// or muted member is then exited. Its LastActive is when it left.
func (a *applier) memberLeave() error {
	var m Member
	if err := entity(a, &m); err != nil {
		return err
	}
	if m.ID == "" || m.Key() != a.e.Subject {
		return fmt.Errorf("member.leave: subject and member %q of group %q differ", m.ID, m.Group)
	}
	old, ok, err := a.st.Member(m.Key())
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("member %s of group %q left, but is not known", m.ID, m.Group)
	}
	if old.Status != MemberActive && old.Status != MemberMuted || m.LastActive.Before(old.LastActive) {
		return ErrNoChange
	}
	n := old
	n.Status, n.MutedUntil, n.LastActive = MemberExited, time.Time{}, m.LastActive
	return a.st.PutMember(&old, &n)
}

func (a *applier) setStep(group, member, step string) error {
	m, ok, err := a.st.Member(MemberKey(group, member))
	if err != nil || !ok {
		return err
	}
	old := m
	m.Step = step
	return a.st.PutMember(&old, &m)
}
