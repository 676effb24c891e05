// Package ui is the workbench screen: five panes over the store, every decision at a key.
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
	// DecideWith is Decide with what a decision may carry beyond its reason: the override of
	// a post's block findings.
	DecideWith(postID string, kind model.Kind, opt review.DecideOptions) (model.Hash, error)
	// UndoBatch undoes the last decision of each post, all or none, in one append.
	UndoBatch(postIDs []string) ([]model.Hash, error)
	// RecordViolation records a violation by hand, in a post or of a member.
	RecordViolation(in review.NewViolation) (model.Violation, model.Hash, error)
	// PostOutbox is what the decisions on a post told the chat side and the people.
	PostOutbox(id string) ([]model.OutboxLine, error)
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

	// Chains are the responsibility chains of the groups (IW 第六条), by group id.
	Chains() (map[string]model.Chain, error)

	// The supervisor's desk (review/desk.go), which the command line takes too: the register
	// with its checks, the incidents, accountability and rectifications the Groups pane
	// shows, and its actions, each checking the role, then the scope in the fold.
	Register() ([]review.RegisterEntry, error)
	Group(id string) (model.Group, bool, error)
	Incident(id string) (model.Incident, error)
	Incidents() ([]model.Incident, error)
	Accountabilities() ([]model.Accountability, error)
	Rectifications() ([]model.Rectification, error)
	ApplyGroup(n review.NewGroup) (model.GroupApplication, model.Hash, error)
	DecideGroup(id string, approve bool, filingNo, reason string) (model.Hash, error)
	OpenIncident(n review.NewIncident) (model.Incident, model.Hash, error)
	MeasureIncident(id, text, post, member string) (model.MeasurePayload, model.Hash, error)
	EscalateIncident(id, to, text string) (model.Hash, error)
	FollowUpIncident(id, text, impact, next string) (model.Hash, error)
	CloseIncident(id, outcome string) (model.Hash, error)
	RecordAccountability(n review.NewAccountability) (model.Accountability, model.Hash, error)

	// Assessment, archive access and shared files (review/assess.go, review/files.go): the
	// commendations and rewards, the requests to read the archive and the register of shared
	// files the Groups pane shows, and their actions.
	Commendations() ([]model.Commendation, error)
	ArchiveAccesses() ([]model.ArchiveAccess, error)
	SharedFiles(group string) ([]review.SharedFile, error)
	Commend(id, group, text string) (model.Commendation, model.Hash, error)
	Reward(id, report, text string) (model.Commendation, model.Hash, error)
	RequestArchive(n review.NewArchiveAccess) (model.ArchiveAccess, model.Hash, error)
	ApproveArchive(id, note string) (model.ArchiveAccess, model.Hash, error)
	GrantArchive(id string, confidential bool) (model.ArchiveAccess, model.Hash, error)
	RefuseArchive(id, reason string) (model.ArchiveAccess, model.Hash, error)

	// CheckDocument checks the database whole before a document made from it is written: a
	// damaged one gives no report.
	CheckDocument() error
	// Report makes the supervisor's report of a period and a scope.
	Report(o review.ReportOptions) (*review.Report, error)
	// ReportDrill lists what a figure of a report counts: post or violation ids, or member keys.
	ReportDrill(r *review.Report, d *review.Drill) ([]string, error)
}
