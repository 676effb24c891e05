package review

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// The loop of the regulations (DOMAIN.md §8), as the service closes it: a rejection for a
// block finding records the violation, an approval over one is an override with a reason, a
// published post is retracted with an explanation, a violation is recorded by hand, the ladder
// proposes the next step, and the outbox tells the chat side and the people.

// DecideOptions are what a decision may carry beyond its kind.
type DecideOptions struct {
	// Reason is told to the author (reject, changes, return), to the group and the author
	// (retract, undo), or says why an override was made.
	Reason string
	// Override approves or signs off a post over its block findings: the decision names every
	// one of them, and Reason says why. A post without block findings is refused it.
	Override bool
}

// DecideWith records a decision on a post, as Decide does, with what opt carries. In the same
// transaction, all or nothing: a rejection or a change request of a post with block findings
// records one violation per rule against its author (source check, verified by that
// decision); an undo of such a decision dismisses the violations it recorded.
func (s *Service) DecideWith(postID string, kind model.Kind, opt DecideOptions) (model.Hash, error) {
	role := s.Signer.Operator.Role
	if !model.Allowed(role, kind) {
		return model.Hash{}, &model.PermissionError{Role: role, Kind: kind}
	}
	if opt.Override {
		if kind != model.PostApprove && kind != model.PostSignOff {
			return model.Hash{}, i18n.E("review.override.kind", string(kind))
		}
		if strings.TrimSpace(opt.Reason) == "" {
			return model.Hash{}, i18n.E("review.override.reason")
		}
	}
	p, ok, err := s.Store.Post(postID)
	if err != nil {
		return model.Hash{}, err
	}
	if !ok {
		return model.Hash{}, i18n.E("review.unknown-post", postID)
	}
	d := model.Draft{Kind: kind, Subject: postID}
	pl := model.ReasonPayload{Reason: opt.Reason}
	var more []model.Draft
	if kind == model.PostUndo {
		i := p.LastDecision()
		if i < 0 {
			return model.Hash{}, &model.TransitionError{Entity: "post", ID: postID, State: string(p.Status), Kind: kind, Role: role, Why: "there is no decision to undo"}
		}
		d.Refs = []model.Hash{p.History[i].Event}
		if more, err = s.undoFindings(&p, p.History[i]); err != nil {
			return model.Hash{}, err
		}
	} else {
		// The decision follows the history the decider saw: on another machine that decided
		// the post meanwhile, the two meet as concurrent decisions (model.Replay).
		seen := len(p.History)
		pl.Seen = &seen
		pl.Checked = kind == model.PostApprove || kind == model.PostSignOff
	}
	if opt.Override {
		rules := p.BlockRules()
		if len(rules) == 0 {
			return model.Hash{}, i18n.E("review.override.none", postID)
		}
		// The reason is the override's: an approval tells the author nothing.
		pl.Override, pl.Reason = &model.Override{Reason: opt.Reason, Rules: rules}, ""
	}
	if kind == model.PostReject || kind == model.PostChanges {
		if more, err = s.foundViolations(&p); err != nil {
			return model.Hash{}, err
		}
	}
	if d.Payload, err = json.Marshal(pl); err != nil {
		return model.Hash{}, err
	}
	ids, err := s.Store.Append(s.Signer, append([]model.Draft{d}, more...)...)
	if err != nil {
		return model.Hash{}, err
	}
	if len(ids) == 0 {
		return model.Hash{}, fmt.Errorf("post %s: the decision wrote no event", postID)
	}
	return ids[0], nil
}

// Retract takes back a published post (approved, signed off, or from the chat's history),
// the group and the author told why (CW 三(四)2).
func (s *Service) Retract(postID, reason string) (model.Hash, error) {
	return s.DecideWith(postID, model.PostRetract, DecideOptions{Reason: reason})
}

// CheckViolationID is the id of the violation that the checks found in a post, of a rule: the
// n-th of them (from 1) when the ones before were dismissed.
func CheckViolationID(post, rule string, n int) string {
	id := "v-" + post + "-" + rule
	if n > 1 {
		id += "-" + strconv.Itoa(n)
	}
	return id
}

// foundViolations are the drafts of the violations a rejection of p records: one per block
// rule of its findings, against its author, unless one stands already for that post and rule.
func (s *Service) foundViolations(p *model.Post) ([]model.Draft, error) {
	rules := p.BlockRules()
	if len(rules) == 0 {
		return nil, nil
	}
	record, err := s.Store.MemberViolations(p.Group, p.Author)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	standing := map[string]bool{}
	for _, v := range record {
		ids[v.ID] = true
		if v.Post == p.ID && v.Source == model.SourceCheck && v.Status != model.ViolationDismissed {
			standing[v.Rule] = true
		}
	}
	var out []model.Draft
	for _, rule := range rules {
		if standing[rule] {
			continue // a second rejection of the post, resubmitted, records it once
		}
		n := 1
		for ids[CheckViolationID(p.ID, rule, n)] {
			n++
		}
		v := model.Violation{ID: CheckViolationID(p.ID, rule, n), Group: p.Group, Member: p.Author, Post: p.ID, Rule: rule,
			Severity: model.SeverityBlock, Source: model.SourceCheck, Time: s.Now().UTC()}
		for _, f := range p.Findings {
			if f.Rule == rule && f.Severity == model.SeverityBlock {
				v.Clause = f.Clause
				break
			}
		}
		raw, err := json.Marshal(&v)
		if err != nil {
			return nil, err
		}
		out = append(out, model.Draft{Kind: model.ViolationRecord, Subject: v.ID, Payload: raw})
	}
	return out, nil
}

// undoFindings are the drafts that dismiss the violations a rejection recorded, when d, the
// decision undone, is one: those found by the checks in the post, verified, dated by it or
// after.
func (s *Service) undoFindings(p *model.Post, d model.Decision) ([]model.Draft, error) {
	if d.Kind != model.PostReject && d.Kind != model.PostChanges {
		return nil, nil
	}
	record, err := s.Store.MemberViolations(p.Group, p.Author)
	if err != nil {
		return nil, err
	}
	var out []model.Draft
	for _, v := range record {
		if v.Post == p.ID && v.Source == model.SourceCheck && v.Status == model.ViolationVerified && !v.Time.Before(d.Time) {
			raw, err := json.Marshal(model.ReasonPayload{})
			if err != nil {
				return nil, err
			}
			out = append(out, model.Draft{Kind: model.ViolationDismiss, Subject: v.ID, Payload: raw})
		}
	}
	slices.SortFunc(out, func(a, b model.Draft) int { return strings.Compare(a.Subject, b.Subject) })
	return out, nil
}

// NewViolation is a violation an operator records by hand: in a post (its author's, in its
// group), or of a member of a group; of a rule the policy knows; with a note.
type NewViolation struct {
	Post          string
	Member, Group string
	Rule          string
	Note          string
}

// violationStore reads one violation by its id; storage.Store satisfies it.
type violationStore interface {
	Violation(id string) (model.Violation, bool, error)
}

// RecordViolation records a violation by hand (source admin), open until it is verified, and
// returns it as recorded, with its event's id.
func (s *Service) RecordViolation(in NewViolation) (model.Violation, model.Hash, error) {
	role := s.Signer.Operator.Role
	if !model.Allowed(role, model.ViolationRecord) {
		return model.Violation{}, model.Hash{}, &model.PermissionError{Role: role, Kind: model.ViolationRecord}
	}
	rule := s.Policy().Rule(in.Rule)
	if rule == nil {
		return model.Violation{}, model.Hash{}, i18n.E("review.violation.rule", in.Rule)
	}
	v := model.Violation{Group: in.Group, Member: in.Member, Post: in.Post, Rule: rule.ID, Clause: rule.Clause,
		Source: model.SourceAdmin, Text: in.Note, Time: s.Now().UTC()}
	if in.Post != "" {
		p, ok, err := s.Store.Post(in.Post)
		if err != nil {
			return model.Violation{}, model.Hash{}, err
		}
		if !ok {
			return model.Violation{}, model.Hash{}, i18n.E("review.unknown-post", in.Post)
		}
		v.Group, v.Member = p.Group, p.Author
	}
	if _, err := s.member(v.Group, v.Member); err != nil {
		return model.Violation{}, model.Hash{}, err
	}
	g, _, err := s.Group(v.Group)
	if err != nil {
		return model.Violation{}, model.Hash{}, err
	}
	v.Severity = s.Policy().SeverityFor(rule, g.Kind)
	id, err := s.freeID("V-"+v.Time.In(ChinaTime).Format("20060102-150405"), func(id string) (bool, error) {
		if is, ok := s.Store.(violationStore); ok {
			_, taken, err := is.Violation(id)
			return taken, err
		}
		_, taken, err := s.Violation(id)
		return taken, err
	})
	if err != nil {
		return model.Violation{}, model.Hash{}, err
	}
	v.ID = id
	ev, err := s.Act(model.ViolationRecord, v.ID, &v)
	v.Status = model.ViolationOpen // as the fold records it
	return v, ev, err
}

// freeID is base, or base-2, base-3 … : the first that taken says is free.
func (s *Service) freeID(base string, taken func(string) (bool, error)) (string, error) {
	for n := 1; ; n++ {
		id := base
		if n > 1 {
			id += "-" + strconv.Itoa(n)
		}
		t, err := taken(id)
		if err != nil || !t {
			return id, err
		}
	}
}

// RectificationID is the id of a new inspection finding made at now: R-YYYYMMDD-HHMMSS in
// China time, with -2, -3 … when findings of the same second are stored already, so that two
// inspections never collide.
func (s *Service) RectificationID(now time.Time) (string, error) {
	held := map[string]bool{}
	if rs, ok := s.Store.(ReportStore); ok {
		list, err := rs.Rectifications()
		if err != nil {
			return "", err
		}
		for _, r := range list {
			held[r.ID] = true
		}
	}
	return s.freeID("R-"+now.In(ChinaTime).Format("20060102-150405"), func(id string) (bool, error) { return held[id], nil })
}

// OutboxStore is the outbox of a store; storage.Store satisfies it.
type OutboxStore interface {
	// Outbox calls f with the lines made at or after since, in order.
	Outbox(since time.Time, f func(*model.OutboxLine) error) error
	// PostOutbox is the lines the decisions on a post made, in order.
	PostOutbox(id string) ([]model.OutboxLine, error)
	Group(id string) (model.Group, bool, error)
}

// Outbox calls f with the lines of the outbox made since since, in the order of the log, as
// `export decisions` writes them: the brief of a member added is the policy in force's for
// the group, and a retraction that an undo or a dispute made says so in the group's words.
func (s *Service) Outbox(since time.Time, f func(*model.OutboxLine) error) error {
	ob, ok := s.Store.(OutboxStore)
	if !ok {
		return fmt.Errorf("this store keeps no outbox")
	}
	kinds := map[string]model.GroupKind{}
	return ob.Outbox(since, func(l *model.OutboxLine) error {
		s.complete(ob, l, kinds)
		return f(l)
	})
}

// PostOutbox is the lines of the outbox that the decisions on one post made, completed as
// Outbox completes them: what the detail of a decision shows.
func (s *Service) PostOutbox(id string) ([]model.OutboxLine, error) {
	ob, ok := s.Store.(OutboxStore)
	if !ok {
		return nil, fmt.Errorf("this store keeps no outbox")
	}
	lines, err := ob.PostOutbox(id)
	kinds := map[string]model.GroupKind{}
	for i := range lines {
		s.complete(ob, &lines[i], kinds)
	}
	return lines, err
}

// complete adds to a line what the fold does not know: the brief of an add, from the policy,
// and the words of a retraction that an undo or a dispute made without any.
func (s *Service) complete(ob OutboxStore, l *model.OutboxLine, kinds map[string]model.GroupKind) {
	switch l.Action {
	case model.OutAdd:
		kind, ok := kinds[l.Group]
		if !ok {
			if g, found, err := ob.Group(l.Group); err == nil && found {
				kind = g.Kind
			}
			kinds[l.Group] = kind
		}
		l.Brief = s.Policy().Brief(kind)
	case model.OutRetract:
		// Told to the group, in its language: the chat's, whatever the operator's.
		switch l.Decision {
		case model.RetractUndone, model.RetractDisputed:
			words := i18n.T(i18n.ZH, "outbox.retract."+l.Decision)
			if l.Reason != "" {
				words = i18n.Tf(i18n.ZH, "outbox.retract.why", words, l.Reason)
			}
			l.Reason = words
		}
	}
}
