package model

import (
	"fmt"
	"slices"
)

// Appeal outcomes are further kinds of event on appeal applications.
const (
	AppealUphold   Kind = "appeal.uphold"   // the sanction stands
	AppealOverturn Kind = "appeal.overturn" // the sanction is lifted and the member restored
)

var (
	anyone    = []Role{RoleAdmin, RoleSecretary, RoleOwner, RoleSupervisor}
	keepers   = []Role{RoleAdmin, RoleOwner}
	secretary = []Role{RoleSecretary}
)

// permissions is the one table of who may take which action, with the clause behind it.
var permissions = map[Kind][]Role{
	OperatorRegister: anyone,

	// The administrator (or the owner) brings the queue and the roster in (PM 二(三)1, GO 二).
	GroupRegister:   keepers,
	MemberAdd:       keepers,
	PostSubmit:      keepers,
	ApplicationFile: keepers,
	ComplaintFile:   {RoleAdmin, RoleOwner, RoleSupervisor},
	MemberSeen:      keepers,
	MemberLeave:     keepers,
	PostRecall:      keepers,
	PostPin:         keepers,
	ImportBatch:     {RoleAdmin, RoleOwner, RoleSupervisor}, // and each record by its own kind

	// Pre-review is the administrator's (PM 三(三)1); a major matter is the secretary's (PM 三(三)2).
	PostApprove:  keepers,
	PostReject:   keepers,
	PostChanges:  keepers,
	PostEscalate: keepers,
	PostSignOff:  secretary,
	PostReturn:   secretary,
	PostUndo:     {RoleAdmin, RoleOwner, RoleSecretary},
	// A wrong post published is corrected or retracted by those who publish (CW 三(四)2).
	PostRetract: {RoleAdmin, RoleOwner, RoleSecretary},

	// Only an administrator or the owner warns, mutes or removes (ST 五(二)1, GO 四(二)).
	MemberWarn:    keepers,
	MemberMute:    keepers,
	MemberRemove:  keepers,
	MemberRestore: keepers,

	// Violations: recorded by keepers and supervisors, verified with the branch (PM 二(三)2).
	ViolationRecord:   {RoleAdmin, RoleOwner, RoleSupervisor},
	ViolationVerify:   {RoleAdmin, RoleOwner, RoleSecretary},
	ViolationSanction: keepers,
	ViolationDismiss:  anyone,
	ViolationClose:    keepers,
	ViolationFeedback: {RoleAdmin, RoleOwner, RoleSupervisor},
	ViolationAppeal:   {RoleAdmin, RoleOwner, RoleSupervisor},

	// Join and exit are approved by the branch (PM 二(一)1, 二(二)2); appeals answered by the office (ST 二(三)2).
	ApplicationApprove: {RoleSecretary, RoleOwner},
	ApplicationRefuse:  {RoleSecretary, RoleOwner},
	AppealUphold:       {RoleAdmin, RoleOwner, RoleSupervisor},
	AppealOverturn:     {RoleAdmin, RoleOwner, RoleSupervisor},

	// The supervisor orders rectification or dissolution (PM 五(二)1, IW 第十二条, ST 七(三)).
	RectificationOrder: {RoleSupervisor},
	RectificationClose: {RoleSupervisor},
	GroupDissolve:      {RoleSupervisor, RoleOwner},
}

// Kinds lists every kind of event, sorted.
func Kinds() []Kind {
	ks := make([]Kind, 0, len(permissions))
	for k := range permissions {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Allowed reports whether role may take the action kind.
func Allowed(r Role, k Kind) bool { return slices.Contains(permissions[k], r) }

// AllowedRoles lists the roles that may take the action.
func AllowedRoles(k Kind) []Role { return slices.Clone(permissions[k]) }

// PermissionError is a forbidden action.
type PermissionError struct {
	Role Role
	Kind Kind
}

func (e *PermissionError) Error() string {
	if _, known := permissions[e.Kind]; !known {
		return fmt.Sprintf("unknown action %q", e.Kind)
	}
	return fmt.Sprintf("the role %s may not take the action %s (only %s)", e.Role, e.Kind, roleList(permissions[e.Kind]))
}

// TransitionError is an action that the entity's state does not allow.
type TransitionError struct {
	Entity string // post, member, violation, application, rectification, group
	ID     string
	State  string
	Kind   Kind
	Role   Role
	Why    string // optional: a rule beyond the state machine
}

func (e *TransitionError) Error() string {
	s := fmt.Sprintf("%s %s is %s: the action %s (by the role %s) is not allowed", e.Entity, e.ID, e.State, e.Kind, e.Role)
	if e.Why != "" {
		s += " (" + e.Why + ")"
	}
	return s
}

func roleList(rs []Role) string {
	out := ""
	for i, r := range rs {
		if i > 0 {
			out += ", "
		}
		out += string(r)
	}
	return out
}

// MayArchiveConfidential reports whether an operator of role r may put confidential posts
// into a group's archive. GO 五(二)2 puts confidential archive material under the
// organisation's confidentiality rules: it is read only by approval, not for the asking. The
// group owner keeps the archive and answers for it (GO 五(一)1, IW 第三条), the branch
// secretary approves the major matters that are most of such material (PM 三(三)2), and the
// supervisor (party committee, publicity department) inspects the groups (PM 五(二)1, ST 七);
// each of them may make an archive with the confidential posts in it. The administrator keeps
// order in the chat day to day and is not an approver under the confidentiality rules: an
// administrator's archive leaves confidential posts out.
func MayArchiveConfidential(r Role) bool {
	return slices.Contains(archiveConfidential, r)
}

var archiveConfidential = []Role{RoleOwner, RoleSecretary, RoleSupervisor}

// ConfidentialArchiveError refuses --include-confidential to a role that may not.
type ConfidentialArchiveError struct{ Role Role }

func (e *ConfidentialArchiveError) Error() string {
	return fmt.Sprintf("the role %s may not put confidential posts into an archive (GO 五(二)2: only %s); leave out --include-confidential", e.Role, roleList(archiveConfidential))
}
