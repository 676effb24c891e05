package review

import (
	"testing"

	"qunshen/model"
)

func TestFindStepAndStepAction(t *testing.T) {
	p := DefaultPolicy()
	general, party := p.Ladder.General, p.Ladder.Party
	for _, c := range []struct {
		ladder []Step
		name   string
		want   int
	}{
		{general, "warning", 1}, {general, "警告", 1}, {general, "Warning", 1}, {general, "2", 1},
		{general, "禁言", 2}, {general, "removal", 3}, {general, "4", 3},
		{general, "5", -1}, {general, "0", -1}, {general, "", -1}, {general, "flogging", -1},
		{party, "党内通报批评", 2}, {party, "referral", 3},
	} {
		if got := FindStep(c.ladder, c.name); got != c.want {
			t.Errorf("FindStep(%q) = %d, want %d", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		ladder []Step
		party  bool
		i      int
		want   model.Kind
		days   int
	}{
		{general, false, 0, model.MemberWarn, 0}, {general, false, 1, model.MemberWarn, 0},
		{general, false, 2, model.MemberMute, 7}, {general, false, 3, model.MemberRemove, 0},
		// The party ladder removes no one from the chat: its last step is a referral.
		{party, true, 3, model.MemberWarn, 0},
		{general, false, 4, "", 0}, {general, false, -1, "", 0},
	} {
		if got, days := StepAction(c.ladder, c.party, c.i); got != c.want || days != c.days {
			t.Errorf("StepAction(%d, party %v) = %s %d, want %s %d", c.i, c.party, got, days, c.want, c.days)
		}
	}
	if s := p.MuteStep(model.KindWork, false, "en"); s != "mute" {
		t.Errorf("the general ladder's mute step: %q", s)
	}
	if s := p.MuteStep(model.KindParty, true, "zh"); s != "" {
		t.Errorf("the party ladder has no mute step, got %q", s)
	}
}
