package review

import (
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// The supervisor's desk as the screen and the command line act on it: incidents, their
// measures linked to the decisions that carried them out, their reports upward, follow-up and
// closing (CW 五, IW 第八条(五)); accountability (IW 第十二条(三)); the register's applications
// to create groups and the edits of a group's record (IW 第四条, 第八条(三)). As elsewhere, each
// action checks the operator's role first, then what it names, then appends its event; the
// fold checks both again.

// DeskStore is what the desk reads of the store beyond Store; storage.Store satisfies it.
type DeskStore interface {
	Group(id string) (model.Group, bool, error)
	GroupApplication(id string) (model.GroupApplication, bool, error)
	GroupApplications() ([]model.GroupApplication, error)
	Incident(id string) (model.Incident, bool, error)
	Incidents() ([]model.Incident, error)
	Accountabilities() ([]model.Accountability, error)
	Rectification(id string) (model.Rectification, bool, error)
	Rectifications() ([]model.Rectification, error)
}

func (s *Service) desk() (DeskStore, error) {
	d, ok := s.Store.(DeskStore)
	if !ok {
		return nil, i18n.E("review.desk.store")
	}
	return d, nil
}

// Incidents lists the incidents, by id.
func (s *Service) Incidents() ([]model.Incident, error) {
	d, err := s.desk()
	if err != nil {
		return nil, err
	}
	return d.Incidents()
}

// Accountabilities lists the measures of accountability, by id.
func (s *Service) Accountabilities() ([]model.Accountability, error) {
	d, err := s.desk()
	if err != nil {
		return nil, err
	}
	return d.Accountabilities()
}

// GroupApplications lists the applications to create groups, by id.
func (s *Service) GroupApplications() ([]model.GroupApplication, error) {
	d, err := s.desk()
	if err != nil {
		return nil, err
	}
	return d.GroupApplications()
}

// Rectifications lists the inspection findings, by id.
func (s *Service) Rectifications() ([]model.Rectification, error) {
	d, err := s.desk()
	if err != nil {
		return nil, err
	}
	return d.Rectifications()
}

// OpenRectifications are the rectifications still open against a group: those ordered for
// it, and those ordered for its whole branch or department.
func OpenRectifications(g *model.Group, rs []model.Rectification) []model.Rectification {
	var out []model.Rectification
	for _, x := range rs {
		if x.Status == model.RectOpen && (x.Group == g.ID || x.Group == "" && x.Branch != "" && x.Branch == g.Branch) {
			out = append(out, x)
		}
	}
	return out
}

// Incident reads one incident, or says there is none.
func (s *Service) Incident(id string) (model.Incident, error) {
	d, err := s.desk()
	if err != nil {
		return model.Incident{}, err
	}
	in, ok, err := d.Incident(id)
	if err == nil && !ok {
		err = i18n.E("review.incident.unknown", id)
	}
	return in, err
}

// NewIncident is an incident to open: from a post, a member or a group.
type NewIncident struct {
	ID      string // empty: I-YYYYMMDD-HHMMSS of now, in China time
	Kind    model.IncidentKind
	Group   string // empty: the post's group, or the one group of the member
	Post    string
	Member  string
	Summary string
	Found   time.Time // zero: now
}

// OpenIncident records an incident found in a post, about a member, or in a group.
func (s *Service) OpenIncident(n NewIncident) (model.Incident, model.Hash, error) {
	var in model.Incident
	if err := s.allowed(model.IncidentOpen); err != nil {
		return in, model.Hash{}, err
	}
	d, err := s.desk()
	if err != nil {
		return in, model.Hash{}, err
	}
	if n.Post != "" {
		p, ok, err := s.Store.Post(n.Post)
		if err != nil {
			return in, model.Hash{}, err
		}
		if !ok {
			return in, model.Hash{}, i18n.E("review.unknown-post", n.Post)
		}
		if n.Group != "" && n.Group != p.Group {
			return in, model.Hash{}, i18n.E("review.incident.post-group", p.ID, p.Group, n.Group)
		}
		n.Group = p.Group
	}
	if n.Group == "" && n.Member != "" {
		if n.Group, err = s.groupOf(n.Member); err != nil {
			return in, model.Hash{}, err
		}
	}
	if n.Group == "" {
		return in, model.Hash{}, i18n.E("review.incident.where")
	}
	if _, ok, err := d.Group(n.Group); err != nil || !ok {
		if err == nil {
			err = i18n.E("review.unknown-group", n.Group)
		}
		return in, model.Hash{}, err
	}
	if n.Member != "" {
		if _, err := s.member(n.Group, n.Member); err != nil {
			return in, model.Hash{}, err
		}
	}
	now := s.Now()
	if n.Found.After(now) {
		return in, model.Hash{}, i18n.E("review.incident.found-later")
	}
	if n.ID == "" {
		if n.ID, err = s.freeID("I-"+now.In(ChinaTime).Format("20060102-150405"), func(id string) (bool, error) {
			_, taken, err := d.Incident(id)
			return taken, err
		}); err != nil {
			return in, model.Hash{}, err
		}
	} else if _, taken, err := d.Incident(n.ID); err != nil || taken {
		if err == nil {
			err = i18n.E("review.incident.exists", n.ID)
		}
		return in, model.Hash{}, err
	}
	in = model.Incident{ID: n.ID, Group: n.Group, Kind: n.Kind, Post: n.Post, Member: n.Member, Summary: n.Summary, Found: n.Found}
	ev, err := s.Act(model.IncidentOpen, in.ID, in)
	if err != nil {
		return in, ev, err
	}
	in, err = s.Incident(in.ID)
	return in, ev, err
}

// open reads an incident that is not closed, or refuses the action kind on it.
func (s *Service) openIncident(id string, kind model.Kind) (model.Incident, error) {
	if err := s.allowed(kind); err != nil {
		return model.Incident{}, err
	}
	in, err := s.Incident(id)
	if err != nil {
		return in, err
	}
	if in.Status == model.IncClosed {
		return in, s.refusal("incident", in.ID, string(in.Status), kind, model.WhyIncidentClosed)
	}
	return in, nil
}

// MeasureIncident records a measure taken on an incident. Given a post, the measure is linked
// to the latest decision on it that stands (a retraction, a rejection …); given a member, to
// the latest action taken on them in the incident's group (a warning, a mute, a removal). A
// measure taken on the chat side alone (the group closed to posts) names neither. linked is
// false when the post or member named has no decision to link.
func (s *Service) MeasureIncident(id, text, post, member string) (m model.MeasurePayload, ev model.Hash, err error) {
	in, err := s.openIncident(id, model.IncidentMeasure)
	if err != nil {
		return m, ev, err
	}
	m = model.MeasurePayload{Text: text, Post: post, Member: member}
	switch {
	case post != "":
		p, ok, err := s.Store.Post(post)
		if err != nil {
			return m, ev, err
		}
		if !ok {
			return m, ev, i18n.E("review.unknown-post", post)
		}
		if p.Group != in.Group {
			return m, ev, i18n.E("review.incident.post-group", p.ID, p.Group, in.Group)
		}
		for i := len(p.History) - 1; i >= 0; i-- {
			if d := p.History[i]; !d.Undone && !d.Event.IsZero() && model.IsDecision(d.Kind) {
				m.Decision, m.DecisionKind, m.DecisionTime = d.Event, d.Kind, d.Time
				break
			}
		}
	case member != "":
		if _, err := s.member(in.Group, member); err != nil {
			return m, ev, err
		}
		if ob, ok := s.Store.(OutboxStore); ok {
			err := ob.Outbox(time.Time{}, func(l *model.OutboxLine) error {
				if l.Group != in.Group || l.Member != member || l.Application != "" {
					return nil
				}
				if k, ok := outboxActs[l.Action]; ok {
					m.Decision, m.DecisionKind, m.DecisionTime = l.Event, k, l.Time
				}
				return nil
			})
			if err != nil {
				return m, ev, err
			}
		}
	}
	ev, err = s.Act(model.IncidentMeasure, in.ID, m)
	return m, ev, err
}

// outboxActs are the lines of the outbox that an action on a member makes, by their action.
var outboxActs = map[string]model.Kind{
	model.OutWarn: model.MemberWarn, model.OutMute: model.MemberMute, model.OutRemove: model.MemberRemove,
	model.OutRestore: model.MemberRestore, model.OutUnmute: model.MemberRestore,
}

// EscalateIncident records a report of the incident upward: to whom, and what was said.
func (s *Service) EscalateIncident(id, to, text string) (model.Hash, error) {
	if strings.TrimSpace(to) == "" {
		return model.Hash{}, i18n.E("review.incident.to")
	}
	if _, err := s.openIncident(id, model.IncidentEscalate); err != nil {
		return model.Hash{}, err
	}
	return s.Act(model.IncidentEscalate, id, model.EscalatePayload{To: to, Text: text})
}

// FollowUpIncident records the follow-up of an incident: what was done, the impact, the next
// steps.
func (s *Service) FollowUpIncident(id, text, impact, next string) (model.Hash, error) {
	if strings.TrimSpace(text+impact+next) == "" {
		return model.Hash{}, i18n.E("review.incident.followup")
	}
	if _, err := s.openIncident(id, model.IncidentFollowUp); err != nil {
		return model.Hash{}, err
	}
	return s.Act(model.IncidentFollowUp, id, model.FollowUpPayload{Text: text, Impact: impact, Next: next})
}

// CloseIncident closes an incident with its outcome.
func (s *Service) CloseIncident(id, outcome string) (model.Hash, error) {
	if strings.TrimSpace(outcome) == "" {
		return model.Hash{}, i18n.E("review.incident.outcome")
	}
	if _, err := s.openIncident(id, model.IncidentClose); err != nil {
		return model.Hash{}, err
	}
	return s.Act(model.IncidentClose, id, model.ClosePayload{Outcome: outcome})
}

// ParseIncidentKind reads a kind of incident: its code, or its name in either language.
func ParseIncidentKind(s string) (model.IncidentKind, bool) {
	for _, k := range model.IncidentKinds {
		if s == string(k) || s == i18n.T(i18n.ZH, "incident.kind."+string(k)) || strings.EqualFold(s, i18n.T(i18n.EN, "incident.kind."+string(k))) {
			return k, true
		}
	}
	return "", false
}

// ParseAccountabilityMeasure reads a measure of accountability: its code (talk …), or its
// name in either language (约谈, 通报, 责令检查, 移交纪检, 移送司法).
func ParseAccountabilityMeasure(s string) (model.AccountabilityMeasure, bool) {
	s = strings.TrimSpace(s)
	for _, m := range model.AccountabilityMeasures {
		if s == string(m) || s == i18n.T(i18n.ZH, "acc."+string(m)) || strings.EqualFold(s, i18n.T(i18n.EN, "acc."+string(m))) {
			return m, true
		}
	}
	return "", false
}

// NewAccountability is a measure of accountability to record.
type NewAccountability struct {
	ID            string // empty: Q-YYYYMMDD-HHMMSS of now, in China time
	Group         string
	Person        string
	Measure       model.AccountabilityMeasure
	Incident      string
	Rectification string
	Text          string
}

// RecordAccountability records a measure of accountability against a person of a group, tied
// to an incident of the group or to a rectification of it refused or overdue.
func (s *Service) RecordAccountability(n NewAccountability) (model.Accountability, model.Hash, error) {
	var x model.Accountability
	if err := s.allowed(model.AccountabilityRecord); err != nil {
		return x, model.Hash{}, err
	}
	d, err := s.desk()
	if err != nil {
		return x, model.Hash{}, err
	}
	if n.Group == "" && n.Incident != "" {
		in, err := s.Incident(n.Incident)
		if err != nil {
			return x, model.Hash{}, err
		}
		n.Group = in.Group
	}
	if n.Group == "" && n.Rectification != "" {
		r, ok, err := d.Rectification(n.Rectification)
		if err != nil {
			return x, model.Hash{}, err
		}
		if !ok {
			return x, model.Hash{}, i18n.E("review.acc.unknown-rect", n.Rectification)
		}
		n.Group = r.Group
	}
	if _, ok, err := d.Group(n.Group); err != nil || !ok {
		if err == nil {
			err = i18n.E("review.unknown-group", n.Group)
		}
		return x, model.Hash{}, err
	}
	if n.Incident != "" {
		in, err := s.Incident(n.Incident)
		if err != nil {
			return x, model.Hash{}, err
		}
		if in.Group != n.Group {
			return x, model.Hash{}, i18n.E("review.acc.incident-group", in.ID, in.Group, n.Group)
		}
	}
	if n.Rectification != "" {
		r, ok, err := d.Rectification(n.Rectification)
		if err != nil {
			return x, model.Hash{}, err
		}
		if !ok {
			return x, model.Hash{}, i18n.E("review.acc.unknown-rect", n.Rectification)
		}
		now := s.Now()
		if r.Deadline.IsZero() || r.Status == model.RectOpen && !r.Deadline.Before(now) || r.Status == model.RectClosed && !r.Closed.After(r.Deadline) {
			return x, model.Hash{}, i18n.E("review.acc.not-overdue", r.ID, day(r.Deadline))
		}
	}
	if n.ID == "" {
		if n.ID, err = s.freeID("Q-"+s.Now().In(ChinaTime).Format("20060102-150405"), func(id string) (bool, error) {
			xs, err := d.Accountabilities()
			for _, x := range xs {
				if x.ID == id {
					return true, err
				}
			}
			return false, err
		}); err != nil {
			return x, model.Hash{}, err
		}
	}
	x = model.Accountability{ID: n.ID, Group: n.Group, Person: n.Person, Measure: n.Measure, Incident: n.Incident, Rectification: n.Rectification, Text: n.Text}
	ev, err := s.Act(model.AccountabilityRecord, x.ID, x)
	if err != nil {
		return x, ev, err
	}
	x.Clause, x.By = model.AccountabilityClause(x.Measure), s.Signer.Operator.Name
	return x, ev, nil
}

// NewGroup is an application to create a group.
type NewGroup struct {
	ID, Name, Purpose, Branch, Owner, Platform, NicknameRule string
	Kind                                                     model.GroupKind
	ProjectEnd                                               time.Time
}

// ApplyGroup files an application to create a group (IW 第四条, GO 二(一)1); the id is the
// group's to be, G-YYYYMMDD-HHMMSS of now when none is given.
func (s *Service) ApplyGroup(n NewGroup) (model.GroupApplication, model.Hash, error) {
	var ga model.GroupApplication
	if err := s.allowed(model.GroupApply); err != nil {
		return ga, model.Hash{}, err
	}
	d, err := s.desk()
	if err != nil {
		return ga, model.Hash{}, err
	}
	taken := func(id string) (bool, error) {
		if _, ok, err := d.Group(id); err != nil || ok {
			return ok, err
		}
		_, ok, err := d.GroupApplication(id)
		return ok, err
	}
	if n.ID == "" {
		if n.ID, err = s.freeID("G-"+s.Now().In(ChinaTime).Format("20060102-150405"), taken); err != nil {
			return ga, model.Hash{}, err
		}
	} else if t, err := taken(n.ID); err != nil || t {
		if err == nil {
			err = i18n.E("review.group.exists", n.ID)
		}
		return ga, model.Hash{}, err
	}
	ga = model.GroupApplication{ID: n.ID, Name: n.Name, Kind: n.Kind, Platform: n.Platform, Purpose: n.Purpose, Branch: n.Branch,
		Owner: n.Owner, NicknameRule: n.NicknameRule, ProjectEnd: n.ProjectEnd}
	ev, err := s.Act(model.GroupApply, ga.ID, ga)
	if err != nil {
		return ga, ev, err
	}
	ga, _, err = d.GroupApplication(ga.ID)
	return ga, ev, err
}

// DecideGroup approves (with a filing number) or refuses (with a reason) an application to
// create a group; an approval of a group that exists without one files it afterwards.
func (s *Service) DecideGroup(id string, approve bool, filingNo, reason string) (model.Hash, error) {
	kind := model.GroupRefuse
	if approve {
		kind = model.GroupApprove
	}
	if err := s.allowed(kind); err != nil {
		return model.Hash{}, err
	}
	d, err := s.desk()
	if err != nil {
		return model.Hash{}, err
	}
	ga, hasApp, err := d.GroupApplication(id)
	if err != nil {
		return model.Hash{}, err
	}
	g, hasGroup, err := d.Group(id)
	if err != nil {
		return model.Hash{}, err
	}
	switch {
	case hasApp && ga.Status != model.AppPending:
		return model.Hash{}, i18n.E("review.group.decided."+string(ga.Status), ga.ID, ga.DecidedBy, day(ga.DecidedAt))
	case !hasApp && hasGroup && approve && g.FilingNo != "":
		return model.Hash{}, i18n.E("review.group.filed", g.ID, g.ApprovedBy, g.FilingNo)
	case !hasApp && hasGroup && !approve:
		return model.Hash{}, i18n.E("review.group.refuse-group", g.ID)
	case !hasApp && !hasGroup:
		return model.Hash{}, i18n.E("review.unknown-group", id)
	case approve && strings.TrimSpace(filingNo) == "":
		return model.Hash{}, i18n.E("review.group.filing-no")
	case !approve && strings.TrimSpace(reason) == "":
		return model.Hash{}, i18n.E("review.group.reason")
	}
	return s.Act(kind, id, model.ApprovalPayload{FilingNo: filingNo, Reason: reason})
}

// EditGroup changes fields of a group's record.
func (s *Service) EditGroup(id string, c model.GroupChanges) (model.Hash, error) {
	if err := s.allowed(model.GroupEdit); err != nil {
		return model.Hash{}, err
	}
	d, err := s.desk()
	if err != nil {
		return model.Hash{}, err
	}
	g, ok, err := d.Group(id)
	if err != nil {
		return model.Hash{}, err
	}
	if !ok {
		return model.Hash{}, i18n.E("review.unknown-group", id)
	}
	n := g
	apply := func(dst *string, v *string) bool { return v != nil && *dst != *v }
	changed := apply(&n.Name, c.Name) || apply(&n.Platform, c.Platform) || apply(&n.Purpose, c.Purpose) || apply(&n.Owner, c.Owner) ||
		apply(&n.Branch, c.Branch) || apply(&n.NicknameRule, c.NicknameRule) ||
		c.Kind != nil && *c.Kind != g.Kind || c.RealName != nil && *c.RealName != g.RealName ||
		c.ProjectEnd != nil && !c.ProjectEnd.Equal(g.ProjectEnd) || c.Admins != nil && strings.Join(*c.Admins, "\x00") != strings.Join(g.Admins, "\x00")
	if !changed {
		return model.Hash{}, i18n.E("review.group.unchanged", id)
	}
	return s.Act(model.GroupEdit, id, c)
}
