package review

import (
	"math"
	"time"

	"qunshen/model"
)

// Suggested actions of triage.
const (
	SuggestApprove  = "approve"
	SuggestLook     = "look"     // look closer before deciding
	SuggestReject   = "reject"   // a block finding
	SuggestEscalate = "escalate" // the secretary must sign off
)

// Suggestion is what triage proposes for a post, with the findings that make it.
type Suggestion struct {
	Action  string
	Reasons []model.Finding
}

// Triage proposes the next step for a post from its findings: a block finding means reject,
// an escalate finding (or the author's own major flag) the secretary, a warning a closer look,
// and nothing, or notes only, approval.
func Triage(p *model.Post) Suggestion {
	best := len(severities)
	for _, f := range p.Findings {
		best = min(best, SeverityRank(f.Severity))
	}
	s := Suggestion{Action: SuggestApprove}
	switch {
	case best == SeverityRank(Block):
		s.Action = SuggestReject
	case best == SeverityRank(Escalate) || p.Major:
		s.Action = SuggestEscalate
	case best == SeverityRank(Warn):
		s.Action = SuggestLook
	}
	for _, f := range p.Findings {
		if SeverityRank(f.Severity) == best && best < SeverityRank(Info) {
			s.Reasons = append(s.Reasons, f)
		}
	}
	return s
}

// Proposal is the next step of the discipline ladder for a member, as the workbench proposes
// it; a person decides.
type Proposal struct {
	Step   Step
	Index  int     // place on the ladder, from 0
	Of     int     // steps of the ladder
	Weight float64 // the member's history, weighed: a violation counts 1 now, less as it ages
	Report bool    // refer upward as well (a block-severity case: GO 四(二)2, IW 第十二条(三))
	Party  bool    // the party ladder (PM 五(二)3)
}

// NextStep proposes the step for a new violation by a member, from their earlier violations:
// those verified or sanctioned within the window count, each weighing less as it ages (halved
// every half-life), and the weight, rounded, is the number of steps already climbed; and it is
// never a step at or below the highest that those of them were sanctioned with, so that after
// a step is applied the next proposal moves on. severity no longer changes it: a block
// finding climbs the ladder as any other, and only a rule whose ladder is "top" goes straight
// to the last step (Propose, which knows the rule and the member's last step).
func (p *Policy) NextStep(kind model.GroupKind, partyMember bool, history []model.Violation, severity string, now time.Time) Proposal {
	return p.Propose(kind, model.Member{PartyMember: partyMember}, history, "", now)
}

// Propose proposes the step of the discipline ladder for a member (whose own violation, of
// rule, is not in history) as NextStep does, and never a step at or below the member's last
// step applied (Member.Step); a rule whose ladder is "top" goes straight to the last step and
// is reported upward. rule may be "": the next step for the member as they stand.
func (p *Policy) Propose(kind model.GroupKind, m model.Member, history []model.Violation, rule string, now time.Time) Proposal {
	ladder, party := p.LadderFor(kind, m.PartyMember)
	pr := Proposal{Of: len(ladder), Party: party}
	window := time.Duration(p.Ladder.WindowDays) * 24 * time.Hour
	half := float64(p.Ladder.HalfLifeDays) * 24
	floor := StepIndex(ladder, m.Step) // the highest step applied, or -1
	for _, v := range history {
		switch v.Status {
		case model.ViolationVerified, model.ViolationSanctioned, model.ViolationClosed:
		default:
			continue // open ones are not yet proved; dismissed ones never were
		}
		if v.Appeal == model.AppealOverturned {
			continue
		}
		age := now.Sub(v.Time)
		if age < 0 || age > window {
			continue
		}
		floor = max(floor, StepIndex(ladder, v.Sanction))
		pr.Weight += math.Pow(0.5, age.Hours()/half)
	}
	// A violation counts as a whole step until it is a half-life old.
	pr.Index = min(max(int(math.Round(pr.Weight)), floor+1), len(ladder)-1)
	if r := p.Rule(rule); r != nil && r.Ladder == LadderTop {
		pr.Index, pr.Report = len(ladder)-1, true
	}
	pr.Step = ladder[pr.Index]
	return pr
}

// StepIndex is the place on the ladder of a step named by its id or its name in either
// language (what a sanction records), or -1.
func StepIndex(ladder []Step, step string) int {
	if step == "" {
		return -1
	}
	for i, s := range ladder {
		if s.ID == step || s.ZH == step || s.EN == step {
			return i
		}
	}
	return -1
}

// Explain is the explanation of a finding in a language, naming its rule and clause.
func (p *Policy) Explain(f model.Finding, lang string) string {
	r := p.Rule(f.Rule)
	if r == nil {
		return f.Rule + " (" + f.Clause + ")"
	}
	if f.Clause == "" {
		return r.Name.In(lang) + ": " + r.Explain.In(lang)
	}
	if lang == "en" {
		return r.Name.In(lang) + " (" + f.Clause + "): " + r.Explain.In(lang)
	}
	return r.Name.In(lang) + "（" + f.Clause + "）：" + r.Explain.In(lang)
}
