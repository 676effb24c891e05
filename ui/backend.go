// Package ui is the workbench screen: four panes over the store, every decision at a key.
// It talks to the rest only through model types and the Backend; View never touches the
// database — every read and write runs in a tea.Cmd.
package ui

import (
	"time"

	"qunshen/model"
	"qunshen/review"
)

// Backend is what the screen needs of the store and the decision service; the command line
// wires the real one (internal/cli/open.go). Every method may be slow: the screen calls them
// from commands.
type Backend interface {
	Operator() model.Operator
	Location() string // the database, for the status bar
	Policy() *review.Policy
	Now() time.Time

	Groups() ([]model.Group, error)
	// PostSummaries returns the summaries of the posts in these statuses, oldest first; limit
	// 0 means all. A list holds these; Post reads the one shown.
	PostSummaries(statuses []model.PostStatus, limit int) ([]model.PostSummary, error)
	Post(id string) (model.Post, bool, error)
	Members() ([]model.Member, error)
	Member(group, id string) (model.Member, bool, error)
	// MemberViolations is a member's record, newest first.
	MemberViolations(group, id string) ([]model.Violation, error)
	Violations() ([]model.Violation, error)
	Applications() ([]model.Application, error)

	// Decide records a decision on a post, with the permission checks of the model.
	Decide(postID string, kind model.Kind, reason string) (model.Hash, error)
	// Act records any other action (a member warned, a violation verified …).
	Act(kind model.Kind, subject string, payload any) (model.Hash, error)

	// The actions of the Roster and Violations panes, which the command line takes too
	// (review/actions.go): each checks the operator's role before anything else.
	MemberAct(a review.MemberAction) (model.Hash, error)
	DecideApplication(id string, kind model.Kind, reason string) (model.Hash, error)
	MoveViolation(id string, kind model.Kind) (model.Hash, error)
	Dismiss(id, feedback string) ([]model.Hash, error)
	Sanction(id, step, reason, lang string) (review.Sanctioned, error)
	Feedback(id, text string) (model.Hash, error)
	AppealViolation(id string, overturned bool, reason string) (model.Hash, error)

	// Report makes the supervisor's report of a period and a scope.
	Report(o review.ReportOptions) (*review.Report, error)
	// ReportDrill lists what a figure of a report counts: post or violation ids, or member keys.
	ReportDrill(r *review.Report, d *review.Drill) ([]string, error)
}
