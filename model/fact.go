package model

import (
	"slices"
	"time"
)

// FactKind is a kind of entry of the report index: one dated thing that a report of the
// supervisor counts (ST 七(一)1). The index is derived from the entities alone, as any other
// projection, so that the store keeps it in the transaction that changes them, verify
// compares it with a fresh fold, and an older database has it built when opened.
type FactKind byte

const (
	FactSubmit      FactKind = 'S' // a post, at its submission time, with its findings
	FactDecide      FactKind = 'D' // a decision on a post that stands (not undone), at its time
	FactViolation   FactKind = 'V' // a violation, at the time it was recorded or reported
	FactSanction    FactKind = 'X' // a violation's sanction, at the time it was applied
	FactApplication FactKind = 'A' // an application, at the time it was filed
	FactAppDecided  FactKind = 'B' // an application's decision, at its time
	FactOverride    FactKind = 'O' // an approval or sign-off over block findings that stands, at its time
)

// FactKinds lists every kind of fact.
var FactKinds = []FactKind{FactSubmit, FactDecide, FactViolation, FactSanction, FactApplication, FactAppDecided, FactOverride}

// FactFinding is what the report keeps of a finding: its category and clause.
type FactFinding struct {
	Category string
	Clause   string
}

// Fact is one entry of the report index. Which fields are set depends on the kind.
type Fact struct {
	Kind  FactKind
	Time  time.Time
	ID    string // the post, violation or application
	N     int    // FactDecide: the decision's place in the post's history
	Group string

	Findings []FactFinding // FactSubmit

	Decision Kind          // FactDecide, FactOverride
	Rules    []string      // FactOverride: the block findings' rules overridden
	First    bool          // FactDecide: the first decision after a submission (from pending)
	Latency  time.Duration // FactDecide: since the submission; -1 when not known

	Member   string          // FactViolation, FactSanction
	Rule     string          // FactViolation
	Clause   string          // FactViolation
	Source   string          // FactViolation
	Status   string          // FactViolation, FactApplication, FactAppDecided: the status now
	Feedback bool            // FactViolation: the reporter was told
	Step     string          // FactViolation, FactSanction: the sanction's step of the ladder
	Appeal   string          // FactViolation, FactSanction
	AppKind  ApplicationKind // FactApplication, FactAppDecided
	Wait     time.Duration   // FactApplication, FactAppDecided: filing to decision; -1 while pending
}

// PostFacts are the index entries of a post: its submission, and each decision that stands.
// A decision's latency is counted from the submission it answered: the post's time for the
// decisions after its latest resubmission, the resubmission's time for those before; for the
// decisions before the first resubmission the first submission's time is no longer held, and
// the latency is not known.
func PostFacts(p *Post) []Fact {
	out := make([]Fact, 0, 1+len(p.History))
	out = append(out, SubmitFact(p))
	last := -1
	for i, d := range p.History {
		if d.Kind == PostSubmit {
			last = i
		}
	}
	var since time.Time
	known := last < 0
	if known {
		since = p.Time
	}
	for i, d := range p.History {
		if d.Kind == PostSubmit {
			known, since = true, d.Time
			if i == last {
				since = p.Time
			}
			continue
		}
		if d.Undone || !IsDecision(d.Kind) {
			continue
		}
		f := Fact{Kind: FactDecide, Time: d.Time, ID: p.ID, N: i, Group: p.Group, Decision: d.Kind, First: d.From == PostPending, Latency: -1}
		if known {
			f.Latency = max(d.Time.Sub(since), 0)
		}
		out = append(out, f)
		if len(d.Override) > 0 {
			out = append(out, Fact{Kind: FactOverride, Time: d.Time, ID: p.ID, N: i, Group: p.Group, Decision: d.Kind, Rules: d.Override})
		}
	}
	return out
}

// SubmitFact is a post's fact of submission: the first of its PostFacts.
func SubmitFact(p *Post) Fact {
	s := Fact{Kind: FactSubmit, Time: p.Time, ID: p.ID, Group: p.Group}
	if len(p.Findings) > 0 {
		s.Findings = make([]FactFinding, len(p.Findings))
		for i, f := range p.Findings {
			s.Findings[i] = FactFinding{Category: f.Category, Clause: f.Clause}
		}
	}
	return s
}

// Extends reports whether p is base with one entry added to its history, and nothing else
// that its facts are made of changed: then p's facts are base's, and the fact of the entry
// added (LastFact), if it has one. An entry with an override has two facts: not so.
func Extends(base, p *Post) bool {
	n := len(base.History)
	if len(p.History) != n+1 || p.History[n].Kind == PostSubmit || len(p.History[n].Override) > 0 || p.ID != base.ID || p.Group != base.Group ||
		!p.Time.Equal(base.Time) || !slices.Equal(p.Findings, base.Findings) {
		return false
	}
	for i, d := range base.History {
		if e := p.History[i]; e.Kind != d.Kind || !e.Time.Equal(d.Time) || e.From != d.From || e.Undone != d.Undone {
			return false
		}
	}
	return true
}

// LastFact is the fact of the last entry of p's history, as PostFacts makes it, when that
// entry is not a submission: after the post's latest submission, its latency is counted from
// the post's time.
func LastFact(p *Post) (Fact, bool) {
	n := len(p.History) - 1
	if n < 0 {
		return Fact{}, false
	}
	d := p.History[n]
	if d.Kind == PostSubmit || d.Undone || !IsDecision(d.Kind) {
		return Fact{}, false
	}
	return Fact{Kind: FactDecide, Time: d.Time, ID: p.ID, N: n, Group: p.Group, Decision: d.Kind, First: d.From == PostPending,
		Latency: max(d.Time.Sub(p.Time), 0)}, true
}

// IsDecision reports whether k is a decision on a post (approve, reject, changes, escalate,
// sign off, return, retract). Its fold reads of the post only what review decided, the post's
// id, group, author, time and findings, and whether it is a major matter — never what the
// author wrote — and changes only what review decides: its status, reason, history and
// dispute. (The outbox's lines of a decision name the post's title: the export adds it.)
func IsDecision(k Kind) bool {
	_, ok := postMoves[k]
	return ok
}

// ViolationFacts are the index entries of a violation: its record and its sanction.
func ViolationFacts(v *Violation) []Fact {
	f := Fact{Kind: FactViolation, Time: v.Time, ID: v.ID, Group: v.Group, Member: v.Member, Rule: v.Rule, Clause: v.Clause,
		Source: v.Source, Status: string(v.Status), Feedback: v.Feedback != "", Step: v.Sanction, Appeal: v.Appeal}
	out := []Fact{f}
	if v.Sanction != "" {
		at := v.SanctionedAt
		if at.IsZero() {
			at = v.UpdatedAt
		}
		out = append(out, Fact{Kind: FactSanction, Time: at, ID: v.ID, Group: v.Group, Member: v.Member, Step: v.Sanction, Appeal: v.Appeal})
	}
	return out
}

// ApplicationFacts are the index entries of an application: its filing and its decision.
func ApplicationFacts(a *Application) []Fact {
	f := Fact{Kind: FactApplication, Time: a.Time, ID: a.ID, Group: a.Group, Status: string(a.Status), AppKind: a.Kind, Wait: -1}
	if a.Status != AppPending && !a.DecidedAt.IsZero() {
		f.Wait = max(a.DecidedAt.Sub(a.Time), 0)
		d := f
		d.Kind, d.Time = FactAppDecided, a.DecidedAt
		return []Fact{f, d}
	}
	return []Fact{f}
}
