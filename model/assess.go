package model

import "time"

// Assessment and archive access (DOMAIN.md §10): the commendation of a well-run group and the
// reward of a reporter whose report checked out (CW 六(三)1, 六(一)2; IW 第九条), and a
// member's request to read a group's archive, granted by its owner, confidential material
// only with an approval recorded (GO 五(二)).

const (
	// GroupCommend commends a well-run group (CW 六(三)1, IW 第九条).
	GroupCommend Kind = "group.commend"
	// ReportReward rewards the reporter of a report that checked out (CW 六(一)2).
	ReportReward Kind = "report.reward"

	// ArchiveRequest records a member's request to read a group's archive (GO 五(二)1);
	// ArchiveApprove the approval, by the branch secretary or the supervisor, of its
	// confidential material (GO 五(二)2); ArchiveGrant the owner's grant after checking the
	// reason; ArchiveRefuse the owner's refusal.
	ArchiveRequest Kind = "archive.request"
	ArchiveApprove Kind = "archive.approve"
	ArchiveGrant   Kind = "archive.grant"
	ArchiveRefuse  Kind = "archive.refuse"
)

// Kinds of commendation.
const (
	CommendGroup  = "group"  // a group commended
	CommendReward = "reward" // a reporter rewarded
)

// Commendation is a group commended or a reporter rewarded, by a supervisor, with the clause.
type Commendation struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"` // group or reward
	Group string `json:"group"`
	// Report is, for a reward, the report (a violation reported by a member) that checked
	// out, and Reporter who made it.
	Report   string    `json:"report,omitempty"`
	Reporter string    `json:"reporter,omitempty"`
	Text     string    `json:"text"`
	Clause   string    `json:"clause"`
	Time     time.Time `json:"time"`
	By       string    `json:"by"`
}

// CommendClause is the clause behind a kind of commendation.
func CommendClause(kind string) string {
	if kind == CommendReward {
		return "CW 六(一)2"
	}
	return "CW 六(三)1"
}

// ArchiveAccessStatus is where a request to read the archive stands.
type ArchiveAccessStatus string

const (
	AccessRequested ArchiveAccessStatus = "requested"
	AccessGranted   ArchiveAccessStatus = "granted"
	AccessRefused   ArchiveAccessStatus = "refused"
)

// ArchiveAccessStatuses lists every status of a request.
var ArchiveAccessStatuses = []ArchiveAccessStatus{AccessRequested, AccessGranted, AccessRefused}

// ArchiveAccess is a member's request to read a group's archive for their work (GO 五(二)1):
// recorded, its confidential material approved by the branch secretary or the supervisor
// (GO 五(二)2), granted by the owner after checking the reason, or refused.
type ArchiveAccess struct {
	ID     string `json:"id"`
	Group  string `json:"group"`
	Member string `json:"member"`
	// Period names the period asked for ("2026-10" …), From and To bound it (To exclusive);
	// all empty for all time.
	Period  string              `json:"period,omitempty"`
	From    time.Time           `json:"from,omitzero"`
	To      time.Time           `json:"to,omitzero"`
	Reason  string              `json:"reason"`
	Filed   time.Time           `json:"filed,omitzero"`
	FiledBy string              `json:"filed_by,omitempty"`
	Status  ArchiveAccessStatus `json:"status"`
	// The approval of the confidential material: by whom, in which role, when, with a note.
	ApprovedBy   string    `json:"approved_by,omitempty"`
	ApprovedRole Role      `json:"approved_role,omitempty"`
	ApprovedAt   time.Time `json:"approved_at,omitzero"`
	ApprovalNote string    `json:"approval_note,omitempty"`
	// The owner's decision; Confidential when the grant includes the confidential material.
	DecidedBy    string    `json:"decided_by,omitempty"`
	DecidedAt    time.Time `json:"decided_at,omitzero"`
	Confidential bool      `json:"confidential,omitempty"`
	RefuseReason string    `json:"refuse_reason,omitempty"`
}

// Approved reports whether the confidential material of the request was approved.
func (x *ArchiveAccess) Approved() bool { return x.ApprovedBy != "" }

// Payloads of the archive requests' actions.
type (
	// ArchiveApprovePayload goes with archive.approve.
	ArchiveApprovePayload struct {
		Note string `json:"note,omitempty"`
	}
	// ArchiveGrantPayload goes with archive.grant.
	ArchiveGrantPayload struct {
		Confidential bool `json:"confidential,omitempty"`
	}
	// ArchiveRefusePayload goes with archive.refuse.
	ArchiveRefusePayload struct {
		Reason string `json:"reason"`
	}
)
