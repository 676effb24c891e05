package review

import (
	"strings"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// Reads of one thing by its id, for the actions of the service and for the command line's
// show. The store lists groups, violations and applications whole; these find one in the
// list.

// Group is the group of this id.
func (s *Service) Group(id string) (model.Group, bool, error) {
	gs, err := s.Store.Groups()
	if err != nil {
		return model.Group{}, false, err
	}
	for _, g := range gs {
		if g.ID == id {
			return g, true, nil
		}
	}
	return model.Group{}, false, nil
}

// Violation is the violation of this id.
func (s *Service) Violation(id string) (model.Violation, bool, error) {
	vs, err := s.Store.Violations()
	if err != nil {
		return model.Violation{}, false, err
	}
	for _, v := range vs {
		if v.ID == id {
			return v, true, nil
		}
	}
	return model.Violation{}, false, nil
}

// Application is the application of this id.
func (s *Service) Application(id string) (model.Application, bool, error) {
	as, err := s.Store.Applications()
	if err != nil {
		return model.Application{}, false, err
	}
	for _, a := range as {
		if a.ID == id {
			return a, true, nil
		}
	}
	return model.Application{}, false, nil
}

// MembersByID lists the memberships of one platform id, one for each group it is in.
func (s *Service) MembersByID(id string) ([]model.Member, error) {
	ms, err := s.Store.Members()
	if err != nil {
		return nil, err
	}
	var out []model.Member
	for _, m := range ms {
		if m.ID == id {
			out = append(out, m)
		}
	}
	return out, nil
}

// MemberProposal is the step of the ladder proposed for a member, from their record, as the
// Roster pane shows it.
func (s *Service) MemberProposal(m model.Member) (Proposal, error) {
	g, _, err := s.Group(m.Group)
	if err != nil {
		return Proposal{}, err
	}
	record, err := s.Store.MemberViolations(m.Group, m.ID)
	if err != nil {
		return Proposal{}, err
	}
	return s.Policy().MemberProposal(g.Kind, m, record, s.Now()), nil
}

// ViolationProposal is the step of the ladder proposed for a violation, as the Violations
// pane shows it and as Sanction applies it when no step is named.
func (s *Service) ViolationProposal(v model.Violation) (Proposal, error) {
	g, _, err := s.Group(v.Group)
	if err != nil {
		return Proposal{}, err
	}
	m, _, err := s.Store.Member(v.Group, v.Member)
	if err != nil {
		return Proposal{}, err
	}
	record, err := s.Store.MemberViolations(v.Group, v.Member)
	if err != nil {
		return Proposal{}, err
	}
	return s.Policy().ProposeFor(g.Kind, m, v, record, s.Now()), nil
}

// member reads a member, or says that there is none.
func (s *Service) member(group, id string) (model.Member, error) {
	m, ok, err := s.Store.Member(group, id)
	if err != nil {
		return m, err
	}
	if !ok {
		return m, i18n.E("review.unknown-member", id, group)
	}
	return m, nil
}

// groupOf is the one group a platform id is a member of, or says that it is in none or in
// several.
func (s *Service) groupOf(id string) (string, error) {
	ms, err := s.MembersByID(id)
	if err != nil {
		return "", err
	}
	switch len(ms) {
	case 0:
		return "", i18n.E("review.no-member", id)
	case 1:
		return ms[0].Group, nil
	}
	groups := make([]string, len(ms))
	for i, m := range ms {
		groups[i] = m.Group
	}
	return "", i18n.E("review.member-groups", id, strings.Join(groups, ", "))
}

// violation reads a violation, or says that there is none.
func (s *Service) violation(id string) (model.Violation, error) {
	v, ok, err := s.Violation(id)
	if err != nil {
		return v, err
	}
	if !ok {
		return v, i18n.E("review.unknown-violation", id)
	}
	return v, nil
}
