// Package review holds the rules of the regulations and the workflows that apply them: the
// checks on posts, triage, the discipline ladder, statistics, and the service through which
// the screen and the command line decide.
package review

import (
	"encoding/json"
	"fmt"
	"time"

	"qunshen/model"
)

// Store is what the workflows need of storage; storage.Store satisfies it.
type Store interface {
	Path() string
	Post(id string) (model.Post, bool, error)
	Posts(statuses []model.PostStatus, limit int) ([]model.Post, error)
	PostSummaries(statuses []model.PostStatus, limit int) ([]model.PostSummary, error)
	Groups() ([]model.Group, error)
	Members() ([]model.Member, error)
	Member(group, id string) (model.Member, bool, error)
	MemberViolations(group, id string) ([]model.Violation, error)
	Violations() ([]model.Violation, error)
	Applications() ([]model.Application, error)
	Operators() ([]model.Operator, error)
	Designations() ([]model.DesignationRecord, error)
	Append(signer *model.Signer, drafts ...model.Draft) ([]model.Hash, error)
}

// CheckDocument checks the database whole before a document made from it is written (a
// report exported from the screen), as the command line does before its documents; a store
// that cannot is taken as it is.
func (s *Service) CheckDocument() error {
	if c, ok := s.Store.(interface{ CheckDocument() error }); ok {
		return c.CheckDocument()
	}
	return nil
}

// Service is the workflows on behalf of one operator: what the screen and the command line
// call to read the state and to decide.
type Service struct {
	Store  Store
	Signer *model.Signer
	Rules  *Policy          // the policy in force (the built-in one when nil)
	Clock  func() time.Time // the time of "now" for the screen (time.Now when nil)
	// Calendar counts working days in reports (the built-in one when nil).
	Calendar *Calendar
}

// Operator is the operator the service acts for.
func (s *Service) Operator() model.Operator { return s.Signer.Operator }

// Location is the database.
func (s *Service) Location() string { return s.Store.Path() }

// Policy is the policy in force.
func (s *Service) Policy() *Policy {
	if s.Rules == nil {
		s.Rules = DefaultPolicy()
	}
	return s.Rules
}

// Now is the service's clock.
func (s *Service) Now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

// Reads, passed through.
func (s *Service) Groups() ([]model.Group, error)   { return s.Store.Groups() }
func (s *Service) Members() ([]model.Member, error) { return s.Store.Members() }
func (s *Service) Post(id string) (model.Post, bool, error) {
	return s.Store.Post(id)
}
func (s *Service) Posts(statuses []model.PostStatus, limit int) ([]model.Post, error) {
	return s.Store.Posts(statuses, limit)
}
func (s *Service) PostSummaries(statuses []model.PostStatus, limit int) ([]model.PostSummary, error) {
	return s.Store.PostSummaries(statuses, limit)
}
func (s *Service) Member(group, id string) (model.Member, bool, error) {
	return s.Store.Member(group, id)
}
func (s *Service) MemberViolations(group, id string) ([]model.Violation, error) {
	return s.Store.MemberViolations(group, id)
}
func (s *Service) Violations() ([]model.Violation, error)     { return s.Store.Violations() }
func (s *Service) Applications() ([]model.Application, error) { return s.Store.Applications() }

// Act records an action other than a decision on a post (a member warned, a violation
// verified …), with the permission check first.
func (s *Service) Act(kind model.Kind, subject string, payload any) (model.Hash, error) {
	role := s.Signer.Operator.Role
	if !model.Allowed(role, kind) {
		return model.Hash{}, &model.PermissionError{Role: role, Kind: kind}
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return model.Hash{}, err
	}
	ids, err := s.Store.Append(s.Signer, model.Draft{Kind: kind, Subject: subject, Payload: raw})
	if err != nil {
		return model.Hash{}, err
	}
	if len(ids) != 1 {
		return model.Hash{}, fmt.Errorf("%s %s: the action wrote no event", kind, subject)
	}
	return ids[0], nil
}

// Decisions maps the words of the command line to the kinds of decision.
var Decisions = map[string]model.Kind{
	"approve":  model.PostApprove,
	"reject":   model.PostReject,
	"changes":  model.PostChanges,
	"escalate": model.PostEscalate,
	"signoff":  model.PostSignOff,
	"return":   model.PostReturn,
	"undo":     model.PostUndo,
	"retract":  model.PostRetract,
}

// Decide records a decision on a post: it checks the permission first, so that a forbidden
// action is refused before anything is read, then appends the signed event; the store checks
// the transition again inside its transaction. It returns the event's id. (DecideWith says
// what else a decision does.)
func (s *Service) Decide(postID string, kind model.Kind, reason string) (model.Hash, error) {
	return s.DecideWith(postID, kind, DecideOptions{Reason: reason})
}
