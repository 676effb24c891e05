// Package model is the domain of qunshen: the entities of DOMAIN.md §2, the roles and the
// permission table, the state machines, the signed events and the deterministic fold
// event → state. It imports nothing of the project.
package model

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what an operator is in the organisation. Every event carries the role of its actor.
type Role string

const (
	RoleAdmin     Role = "admin"     // 群管理员: triages the pre-review queue, keeps order
	RoleSecretary Role = "secretary" // 支部书记: signs off major-matter posts, approves applications
	// RoleDeptHead is the head of a department or community (部门/社区负责人), who reviews the
	// department's posts (ST 三(四)2): the secretary's powers, over the groups of a department.
	RoleDeptHead   Role = "depthead"
	RoleOwner      Role = "owner"      // 群主: accountable for the group
	RoleSupervisor Role = "supervisor" // 党委/宣传部: spot checks, rectification, dissolution
	// RoleAuthority is the committee's own key (党委, or its publicity department): it
	// designates operators and revokes designations, and takes no other action. It is made by
	// qunshen authority init, never by init.
	RoleAuthority Role = "authority"
)

// Roles lists every role an operator may hold, in a fixed order. The authority is not among
// them: it is no operator.
var Roles = []Role{RoleAdmin, RoleSecretary, RoleDeptHead, RoleOwner, RoleSupervisor}

// ParseRole accepts the role names of the command line: an operator's roles.
func ParseRole(s string) (Role, bool) {
	for _, r := range Roles {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

// KnownRole reports whether r is an operator's role or the authority's: the roles that an
// event, a registration or a trust record may name.
func KnownRole(r Role) bool {
	_, ok := ParseRole(string(r))
	return ok || r == RoleAuthority
}

// GroupKind is the kind of a group; each kind has its own regulation.
type GroupKind string

const (
	KindParty   GroupKind = "party"   // 党员群 (PM)
	KindWork    GroupKind = "work"    // 工作群 (IW)
	KindStreet  GroupKind = "street"  // 街道工作群 (ST)
	KindCity    GroupKind = "city"    // 市直微信群 (CW)
	KindProject GroupKind = "project" // 项目群: dissolved within 5 working days of its end (IW 第十条(四))
)

// GroupKinds lists every kind of group.
var GroupKinds = []GroupKind{KindParty, KindWork, KindStreet, KindCity, KindProject}

// GroupStatus is the life of a group.
type GroupStatus string

const (
	GroupActive     GroupStatus = "active"
	GroupRectifying GroupStatus = "rectifying"
	GroupDissolved  GroupStatus = "dissolved"
)

// Group is a chat group under management.
type Group struct {
	ID           string      `json:"id"`
	Name         string      `json:"name"`
	Kind         GroupKind   `json:"kind"`
	Platform     string      `json:"platform,omitempty"`
	Owner        string      `json:"owner,omitempty"`
	Admins       []string    `json:"admins,omitempty"`
	Branch       string      `json:"branch,omitempty"`
	Purpose      string      `json:"purpose,omitempty"`
	NicknameRule string      `json:"nickname_rule,omitempty"`
	ApprovedBy   string      `json:"approved_by,omitempty"`
	ApprovedAt   time.Time   `json:"approved_at,omitzero"`
	FilingNo     string      `json:"filing_no,omitempty"`
	ProjectEnd   time.Time   `json:"project_end,omitzero"`
	RealName     bool        `json:"real_name,omitempty"`
	Status       GroupStatus `json:"status,omitempty"`
	Deadline     time.Time   `json:"deadline,omitzero"` // of a rectification in progress
	// Dissolved is when the group was dissolved (group.dissolve).
	Dissolved time.Time `json:"dissolved,omitzero"`
}

// MemberRole is a member's place in a group.
type MemberRole string

const (
	MemberOwner MemberRole = "owner"
	MemberAdmin MemberRole = "admin"
	MemberPlain MemberRole = "member"
)

// MemberStatus is the life of a membership.
type MemberStatus string

const (
	MemberApplicant MemberStatus = "applicant"
	MemberActive    MemberStatus = "active"
	MemberMuted     MemberStatus = "muted"
	MemberRemoved   MemberStatus = "removed"
	MemberExited    MemberStatus = "exited"
)

// MemberStatuses lists every member status.
var MemberStatuses = []MemberStatus{MemberApplicant, MemberActive, MemberMuted, MemberRemoved, MemberExited}

// Member is one person's membership of one group; ID is the platform id.
type Member struct {
	ID          string       `json:"id"`
	Group       string       `json:"group"`
	Name        string       `json:"name"`
	Nickname    string       `json:"nickname,omitempty"`
	Branch      string       `json:"branch,omitempty"`
	Role        MemberRole   `json:"role,omitempty"`
	PartyMember bool         `json:"party_member,omitempty"`
	Joined      time.Time    `json:"joined,omitzero"`
	LastActive  time.Time    `json:"last_active,omitzero"`
	Status      MemberStatus `json:"status,omitempty"`
	MutedUntil  time.Time    `json:"muted_until,omitzero"`
	Warnings    int          `json:"warnings,omitempty"`
	Step        string       `json:"step,omitempty"` // the last step of the discipline ladder applied
}

// Key is the member's key in the store: group and platform id.
func (m *Member) Key() string { return MemberKey(m.Group, m.ID) }

// MemberKey joins a group id and a member id into one key.
func MemberKey(group, id string) string { return group + "\x00" + id }

// PostStatus is where a post stands in pre-review.
type PostStatus string

const (
	PostPending          PostStatus = "pending"
	PostApproved         PostStatus = "approved"
	PostRejected         PostStatus = "rejected"
	PostChangesRequested PostStatus = "changes-requested"
	PostEscalated        PostStatus = "escalated"
	PostSignedOff        PostStatus = "signed-off"
	PostReturned         PostStatus = "returned"
	// PostPublished is a post taken from a chat's history: it was published without passing
	// through this workbench, and is kept for the checks, the archive and the reports.
	PostPublished PostStatus = "published"
	// PostRecalled is a post its author recalled in the chat: it leaves the queue.
	PostRecalled PostStatus = "recalled"
	// PostRetracted is a post taken back after it was published, the group and the author
	// told why (CW 三(四)2): it leaves the chat and the archive.
	PostRetracted PostStatus = "retracted"
)

// PostStatuses lists every post status.
var PostStatuses = []PostStatus{PostPending, PostApproved, PostRejected, PostChangesRequested, PostEscalated, PostSignedOff, PostReturned, PostPublished, PostRecalled, PostRetracted}

// Finding is what one check found in a post.
type Finding struct {
	Rule     string `json:"rule"`
	Category string `json:"category"`
	Clause   string `json:"clause"`
	Severity string `json:"severity"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Field    string `json:"field,omitempty"` // title or body
}

// Decision is one step of a post's review history.
type Decision struct {
	Event  Hash       `json:"event"`
	Kind   Kind       `json:"kind"`
	Actor  string     `json:"actor"`
	Role   Role       `json:"role"`
	Time   time.Time  `json:"time"`
	Reason string     `json:"reason,omitempty"`
	From   PostStatus `json:"from"`
	To     PostStatus `json:"to"`
	Undone bool       `json:"undone,omitempty"`
	// Concurrent marks a decision made without seeing the one before it in the canonical
	// order (on another machine, before the bundles met); Resolves one that ended a dispute.
	Concurrent bool `json:"concurrent,omitempty"`
	Resolves   bool `json:"resolves,omitempty"`
	// Override names the block findings (their rules) that an approval or a sign-off
	// overrode; Reason then says why. Who and when are the decision's.
	Override []string `json:"override,omitempty"`
}

// Post is a member's post awaiting or past pre-review.
type Post struct {
	ID          string    `json:"id"`
	Group       string    `json:"group"`
	Author      string    `json:"author"`
	Time        time.Time `json:"time"`
	Title       string    `json:"title,omitempty"`
	Body        string    `json:"body,omitempty"`
	Attachments []string  `json:"attachments,omitempty"`
	Category    string    `json:"category,omitempty"`
	Major       bool      `json:"major,omitempty"`
	// Confidential marks material under the confidentiality rules (GO 五(二)): it stays out
	// of an archive unless an operator whose role permits it asks for it.
	Confidential bool `json:"confidential,omitempty"`
	// Source names the export a post came from (telegram, qq, wecom …), Forwarded whom a
	// forwarded message came from.
	Source    string `json:"source,omitempty"`
	Forwarded string `json:"forwarded,omitempty"`
	// FromHistory marks a post taken from a chat's history rather than from a pre-review
	// queue: it is published already when it comes.
	FromHistory bool       `json:"from_history,omitempty"`
	Findings    []Finding  `json:"findings,omitempty"`
	Status      PostStatus `json:"status,omitempty"`
	Reason      string     `json:"reason,omitempty"` // told to the author on reject / changes / return
	History     []Decision `json:"history,omitempty"`
	Disputed    bool       `json:"disputed,omitempty"`
	// Pinned is a message pinned in the chat: an important notice for the archive.
	Pinned bool `json:"pinned,omitempty"`
	// Recalled is when the author recalled the post in the chat.
	Recalled time.Time `json:"recalled,omitzero"`
}

// IsConfidential reports whether the post is confidential material: marked so, or found to
// carry a confidentiality mark by the secrets check.
func (p *Post) IsConfidential() bool {
	if p.Confidential {
		return true
	}
	for _, f := range p.Findings {
		if f.Category == "secret" {
			return true
		}
	}
	return false
}

// BlockRules are the distinct rules of the post's findings of block severity, sorted: what
// stops its approval and sign-off unless an operator overrides them with a reason.
func (p *Post) BlockRules() []string {
	var out []string
	for _, f := range p.Findings {
		if f.Severity == SeverityBlock && !slices.Contains(out, f.Rule) {
			out = append(out, f.Rule)
		}
	}
	slices.Sort(out)
	return out
}

// SeverityBlock is the severity of a finding that stops a post (review.Block).
const SeverityBlock = "block"

// Published reports whether the post stands published in the chat: approved, signed off, or
// taken from the chat's history.
func (s PostStatus) Published() bool {
	return s == PostApproved || s == PostSignedOff || s == PostPublished
}

// NeedsSignOff reports whether the post is a major matter: marked so by its author, or found
// so by a check of escalate severity. It cannot be approved; the secretary signs it off.
func (p *Post) NeedsSignOff() bool {
	if p.Major {
		return true
	}
	for _, f := range p.Findings {
		if f.Severity == "escalate" {
			return true
		}
	}
	return false
}

// ViolationStatus is the life of a violation record.
type ViolationStatus string

const (
	ViolationOpen       ViolationStatus = "open"
	ViolationVerified   ViolationStatus = "verified"
	ViolationSanctioned ViolationStatus = "sanctioned"
	ViolationClosed     ViolationStatus = "closed"
	ViolationDismissed  ViolationStatus = "dismissed"
)

// ViolationStatuses lists every violation status.
var ViolationStatuses = []ViolationStatus{ViolationOpen, ViolationVerified, ViolationSanctioned, ViolationClosed, ViolationDismissed}

// Violation sources.
const (
	SourceCheck     = "check"
	SourceAdmin     = "admin"
	SourceComplaint = "report"
)

// Violation is a recorded breach of the rules by a member.
type Violation struct {
	ID        string          `json:"id"`
	Group     string          `json:"group"`
	Member    string          `json:"member"`
	Post      string          `json:"post,omitempty"`
	Rule      string          `json:"rule,omitempty"`
	Clause    string          `json:"clause,omitempty"`
	Severity  string          `json:"severity,omitempty"`
	Source    string          `json:"source"`
	Reporter  string          `json:"reporter,omitempty"`
	Text      string          `json:"text,omitempty"`
	Time      time.Time       `json:"time"`
	Status    ViolationStatus `json:"status"`
	Sanction  string          `json:"sanction,omitempty"`
	Feedback  string          `json:"feedback,omitempty"` // told to the reporter (PM 五(二)2)
	Appeal    string          `json:"appeal,omitempty"`   // outcome of an appeal: upheld / overturned
	UpdatedAt time.Time       `json:"updated_at,omitzero"`
	// SanctionedAt is when the sanction was applied, so that reports count sanctions by the
	// period they fell in; a violation sanctioned before it existed has only UpdatedAt.
	SanctionedAt time.Time `json:"sanctioned_at,omitzero"`
	// DismissedAt is when it was dismissed (or its sanction overturned), FeedbackAt when the
	// reporter was last told: a dismissed report's reporter is told once, with the dismissal.
	DismissedAt time.Time `json:"dismissed_at,omitzero"`
	FeedbackAt  time.Time `json:"feedback_at,omitzero"`
}

// ApplicationKind is what a member applies for.
type ApplicationKind string

const (
	AppJoin   ApplicationKind = "join"
	AppExit   ApplicationKind = "exit"
	AppAppeal ApplicationKind = "appeal"
)

// ApplicationStatus is the life of an application.
type ApplicationStatus string

const (
	AppPending  ApplicationStatus = "pending"
	AppApproved ApplicationStatus = "approved"
	AppRefused  ApplicationStatus = "refused"
)

// ApplicationStatuses lists every application status.
var ApplicationStatuses = []ApplicationStatus{AppPending, AppApproved, AppRefused}

// Application is a join, exit or appeal application.
type Application struct {
	ID     string          `json:"id"`
	Group  string          `json:"group"`
	Member string          `json:"member"`
	Kind   ApplicationKind `json:"kind"`
	Time   time.Time       `json:"time"`
	Text   string          `json:"text,omitempty"`
	// Who applies, for a join of someone not yet on the roster: the member approved is made
	// of them (a nickname by the group's rule when none is given).
	Name        string            `json:"name,omitempty"`
	Branch      string            `json:"branch,omitempty"`
	Nickname    string            `json:"nickname,omitempty"`
	PartyMember bool              `json:"party_member,omitempty"`
	Status      ApplicationStatus `json:"status"`
	DecidedBy   string            `json:"decided_by,omitempty"`
	DecidedAt   time.Time         `json:"decided_at,omitzero"`
	Reason      string            `json:"reason,omitempty"`
}

// RectificationStatus is the life of an inspection finding.
type RectificationStatus string

const (
	RectOpen   RectificationStatus = "open"
	RectClosed RectificationStatus = "closed"
)

// Rectification is an inspection finding against a group or department (ST 七(三), IW 第十二条).
type Rectification struct {
	ID       string              `json:"id"`
	Group    string              `json:"group,omitempty"`
	Branch   string              `json:"branch,omitempty"`
	Item     string              `json:"item"`
	Finding  string              `json:"finding"`
	Deadline time.Time           `json:"deadline,omitzero"`
	Dissolve bool                `json:"dissolve,omitempty"`
	Status   RectificationStatus `json:"status"`
	Opened   time.Time           `json:"opened"`
	Closed   time.Time           `json:"closed,omitzero"`
}

// Operator is a person who acts on this or another machine, known by an ed25519 public key.
// Branch is the branch or department the operator named at init: it describes the operator.
// What the operator may act on is the scope of the designation in force, which Designation
// names (the serial of the last one the operator attached): an operator without one acts, as
// before designations, on every group.
type Operator struct {
	Key         Key    `json:"key"`
	Name        string `json:"name"`
	Role        Role   `json:"role"`
	Branch      string `json:"branch,omitempty"`
	Designation string `json:"designation,omitempty"`
}

// PostSummary is what a list of posts holds of each: enough to draw its row, count it, filter
// it and find the next one flagged. The post is read whole when it is shown (its detail), so
// that a list of millions holds only this.
type PostSummary struct {
	ID     string
	Group  string
	Author string
	Time   time.Time
	Title  string
	// Line is the first line of the body when there is no title, cut to MaxSummaryLine bytes.
	Line       string
	Status     PostStatus
	Disputed   bool
	Major      bool     // marked a major matter by its author
	History    int      // the decisions taken on it
	Severities []string // of the findings, in their order
}

// NeedsSignOff is Post.NeedsSignOff, of the summary.
func (s *PostSummary) NeedsSignOff() bool {
	return s.Major || slices.Contains(s.Severities, "escalate")
}

// HasSeverity reports whether a finding of the post has this severity.
func (s *PostSummary) HasSeverity(severity string) bool {
	return slices.Contains(s.Severities, severity)
}

// MaxSummaryLine is how much of the body's first line a summary keeps: more than a row of any
// terminal shows.
const MaxSummaryLine = 1024

// Summary is the post's summary. Its strings are copies: the post's body, and whatever else
// the post holds, are not kept alive by it.
func (p *Post) Summary() PostSummary {
	s := PostSummary{ID: strings.Clone(p.ID), Group: strings.Clone(p.Group), Author: strings.Clone(p.Author),
		Time: p.Time, Title: strings.Clone(p.Title), Status: p.Status, Disputed: p.Disputed,
		Major: p.Major, History: len(p.History)}
	if p.Title == "" {
		line, _, _ := strings.Cut(p.Body, "\n")
		if len(line) > MaxSummaryLine {
			n := MaxSummaryLine
			for n > 0 && !utf8.RuneStart(line[n]) {
				n--
			}
			line = line[:n]
		}
		s.Line = strings.Clone(line)
	}
	if len(p.Findings) > 0 {
		s.Severities = make([]string, len(p.Findings))
		for i, f := range p.Findings {
			s.Severities[i] = strings.Clone(f.Severity)
			for _, name := range severityNames {
				if f.Severity == name {
					s.Severities[i] = name // one string for all
				}
			}
		}
	}
	return s
}

// severityNames are the severities of the built-in policy, which summaries share.
var severityNames = [...]string{SeverityBlock, "escalate", "warn", "info"}
