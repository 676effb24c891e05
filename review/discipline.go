package review

import (
	"strconv"
	"strings"
	"time"

	"qunshen/model"
)

// The discipline ladder as the workbench applies it: the step proposed for a member or for
// one violation, the step an operator names, and the member action a step calls for. The
// Roster and Violations panes and the command line read them here, so that they propose and
// apply alike.

// MemberProposal is the step proposed for a member from their record (newest first): the
// step a new violation would take them to, above the last step applied to them (Propose).
// The Roster pane shows it and a warning records it.
func (p *Policy) MemberProposal(kind model.GroupKind, m model.Member, record []model.Violation, now time.Time) Proposal {
	return p.Propose(kind, m, record, "", now)
}

// ProposeFor is the step proposed for a violation, from the member's other violations in
// record and the last step applied to them; the violation's rule decides whether it goes
// straight to the last step (a rule whose ladder is "top").
func (p *Policy) ProposeFor(kind model.GroupKind, m model.Member, v model.Violation, record []model.Violation, now time.Time) Proposal {
	var history []model.Violation
	for _, x := range record {
		if x.ID != v.ID {
			history = append(history, x)
		}
	}
	return p.Propose(kind, m, history, v.Rule, now)
}

// FindStep finds a step of a ladder by what an operator calls it: its id (warning), its name
// in either language (警告, warning), or its place counted from 1. It returns the step's
// index, or -1.
func FindStep(ladder []Step, name string) int {
	name = strings.TrimSpace(name)
	if name == "" {
		return -1
	}
	for i, s := range ladder {
		if strings.EqualFold(s.ID, name) || s.ZH == name || strings.EqualFold(s.EN, name) {
			return i
		}
	}
	if n, err := strconv.Atoi(name); err == nil && n >= 1 && n <= len(ladder) {
		return n - 1
	}
	return -1
}

// StepAction is the member action that step i of a ladder calls for: a step with mute days
// mutes for them (ST 五(二)1); the last step of the general ladder removes the member from
// the group (GO 四(二)1); every other step, the party ladder's included, is a warning told to
// the member (a reminder, a warning, a criticism, a referral: the chat side says it).
func StepAction(ladder []Step, party bool, i int) (model.Kind, int) {
	switch {
	case i < 0 || i >= len(ladder):
		return "", 0
	case ladder[i].MuteDays > 0:
		return model.MemberMute, ladder[i].MuteDays
	case !party && i == len(ladder)-1:
		return model.MemberRemove, 0
	}
	return model.MemberWarn, 0
}

// MuteStep is the name, in lang, of the step of a member's ladder that is a mute, if there
// is one: a mute moves the member to it.
func (p *Policy) MuteStep(kind model.GroupKind, partyMember bool, lang string) string {
	ladder, _ := p.LadderFor(kind, partyMember)
	for _, s := range ladder {
		if s.MuteDays > 0 {
			return s.Name(lang)
		}
	}
	return ""
}
