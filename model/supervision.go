package model

import "time"

// The supervisor's desk (DOMAIN.md §10): the register of groups with their creation
// applications, incidents reported upward, and accountability. Each belongs to one group.

// GroupApplication is an application to create a group (审批报备, IW 第四条; GO 二(一)1): an
// owner applies with the group's purpose; the supervisor, or for a party group the branch
// secretary, approves it with a filing number, which makes the group, or refuses it. Its id is
// the id the group will have.
type GroupApplication struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Kind         GroupKind         `json:"kind"`
	Platform     string            `json:"platform,omitempty"`
	Purpose      string            `json:"purpose"`
	Branch       string            `json:"branch,omitempty"`
	Owner        string            `json:"owner,omitempty"`
	NicknameRule string            `json:"nickname_rule,omitempty"`
	ProjectEnd   time.Time         `json:"project_end,omitzero"`
	Applicant    string            `json:"applicant,omitempty"` // the operator who applied
	Filed        time.Time         `json:"filed,omitzero"`
	Status       ApplicationStatus `json:"status"`
	DecidedBy    string            `json:"decided_by,omitempty"`
	DecidedAt    time.Time         `json:"decided_at,omitzero"`
	FilingNo     string            `json:"filing_no,omitempty"`
	Reason       string            `json:"reason,omitempty"`
}

// ApprovalPayload goes with group.approve (the filing number) and group.refuse (the reason).
type ApprovalPayload struct {
	FilingNo string `json:"filing_no,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// GroupChanges is the payload of group.edit: the fields of a group's record that change, each
// nil when it stays as it is. The approval and the status are not among them: they are the
// organisation's decisions, made by their own events.
type GroupChanges struct {
	Name         *string    `json:"name,omitempty"`
	Kind         *GroupKind `json:"kind,omitempty"`
	Platform     *string    `json:"platform,omitempty"`
	Purpose      *string    `json:"purpose,omitempty"`
	Owner        *string    `json:"owner,omitempty"`
	Admins       *[]string  `json:"admins,omitempty"`
	Branch       *string    `json:"branch,omitempty"`
	NicknameRule *string    `json:"nickname_rule,omitempty"`
	RealName     *bool      `json:"real_name,omitempty"`
	ProjectEnd   *time.Time `json:"project_end,omitempty"`
}

// IncidentKind is what kind of incident: an emergency (突发事件, CW 五(一)), public opinion
// (舆情, CW 五(二)), or a security matter (GO 二(四)2).
type IncidentKind string

const (
	IncidentEmergency IncidentKind = "emergency"
	IncidentOpinion   IncidentKind = "opinion"
	IncidentSecurity  IncidentKind = "security"
)

// IncidentKinds lists every kind of incident.
var IncidentKinds = []IncidentKind{IncidentEmergency, IncidentOpinion, IncidentSecurity}

// IncidentClause is the clause behind a kind of incident.
func IncidentClause(k IncidentKind) string {
	switch k {
	case IncidentEmergency:
		return "CW 五(一)"
	case IncidentOpinion:
		return "CW 五(二)"
	case IncidentSecurity:
		return "GO 二(四)2"
	}
	return ""
}

// IncidentStatus is the life of an incident: open when found, escalated once reported
// upward, closed with its outcome.
type IncidentStatus string

const (
	IncOpen      IncidentStatus = "open"
	IncEscalated IncidentStatus = "escalated"
	IncClosed    IncidentStatus = "closed"
)

// IncidentStatuses lists every status of an incident.
var IncidentStatuses = []IncidentStatus{IncOpen, IncEscalated, IncClosed}

// Incident is an emergency or a flare-up of opinion in a group (CW 五; IW 第八条(五)): found,
// stopped at once by measures each linked to the decision that carried it out, reported
// upward, followed up, closed with its outcome.
type Incident struct {
	ID      string       `json:"id"`
	Group   string       `json:"group"`
	Kind    IncidentKind `json:"kind"`
	Post    string       `json:"post,omitempty"`   // the post it was found in
	Member  string       `json:"member,omitempty"` // the member it concerns
	Summary string       `json:"summary"`
	// Found is when it was found; Opened when it was recorded, by OpenedBy.
	Found       time.Time      `json:"found"`
	Opened      time.Time      `json:"opened"`
	OpenedBy    string         `json:"opened_by"`
	Status      IncidentStatus `json:"status"`
	Measures    []Measure      `json:"measures,omitempty"`
	Escalations []Escalation   `json:"escalations,omitempty"`
	FollowUps   []FollowUp     `json:"follow_ups,omitempty"`
	// Impact and Next are the latest assessment of its impact and the next steps, from the
	// follow-ups.
	Impact   string    `json:"impact,omitempty"`
	Next     string    `json:"next,omitempty"`
	Outcome  string    `json:"outcome,omitempty"`
	Closed   time.Time `json:"closed,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"`
}

// Measure is a measure taken on an incident: what was done, and the decision of the
// workbench that carried it out (a retraction, a rejection, a mute, a removal), when there is
// one; a measure taken on the chat side alone (the group closed to posts) has only its text.
type Measure struct {
	Time   time.Time `json:"time"`
	By     string    `json:"by"`
	Role   Role      `json:"role"`
	Text   string    `json:"text"`
	Post   string    `json:"post,omitempty"`
	Member string    `json:"member,omitempty"`
	// Decision is the event of the decision, DecisionKind its kind (post.retract,
	// member.mute …) and DecisionTime its time.
	Decision     Hash      `json:"decision,omitzero"`
	DecisionKind Kind      `json:"decision_kind,omitempty"`
	DecisionTime time.Time `json:"decision_time,omitzero"`
}

// Escalation is a report upward: to whom, when, what was said (CW 五(一)2, IW 第八条(五)).
type Escalation struct {
	Time time.Time `json:"time"`
	By   string    `json:"by"`
	Role Role      `json:"role"`
	To   string    `json:"to"`
	Text string    `json:"text,omitempty"`
}

// FollowUp is a note of the follow-up, with the impact and next steps as then assessed.
type FollowUp struct {
	Time   time.Time `json:"time"`
	By     string    `json:"by"`
	Role   Role      `json:"role"`
	Text   string    `json:"text,omitempty"`
	Impact string    `json:"impact,omitempty"`
	Next   string    `json:"next,omitempty"`
}

// Payloads of the incidents' actions.
type (
	// MeasurePayload goes with incident.measure; the decision, when named, is the service's
	// reading of the post's history or the member's actions.
	MeasurePayload struct {
		Text         string    `json:"text"`
		Post         string    `json:"post,omitempty"`
		Member       string    `json:"member,omitempty"`
		Decision     Hash      `json:"decision,omitzero"`
		DecisionKind Kind      `json:"decision_kind,omitempty"`
		DecisionTime time.Time `json:"decision_time,omitzero"`
	}
	// EscalatePayload goes with incident.escalate.
	EscalatePayload struct {
		To   string `json:"to"`
		Text string `json:"text,omitempty"`
	}
	// FollowUpPayload goes with incident.followup.
	FollowUpPayload struct {
		Text   string `json:"text,omitempty"`
		Impact string `json:"impact,omitempty"`
		Next   string `json:"next,omitempty"`
	}
	// ClosePayload goes with incident.close.
	ClosePayload struct {
		Outcome string `json:"outcome"`
	}
)

// FirstMeasure is the time of the incident's first measure, or zero.
func (i *Incident) FirstMeasure() time.Time {
	if len(i.Measures) == 0 {
		return time.Time{}
	}
	return i.Measures[0].Time
}

// FirstEscalation is the time the incident was first reported upward, or zero.
func (i *Incident) FirstEscalation() time.Time {
	if len(i.Escalations) == 0 {
		return time.Time{}
	}
	return i.Escalations[0].Time
}

// AccountabilityMeasure is a measure of accountability (问责) against a group's owner or a
// person responsible (IW 第十二条(三), CW 六(二)2).
type AccountabilityMeasure string

const (
	AccTalk       AccountabilityMeasure = "talk"             // 约谈
	AccNotice     AccountabilityMeasure = "notice"           // 通报
	AccExamine    AccountabilityMeasure = "self-examination" // 责令检查
	AccDiscipline AccountabilityMeasure = "discipline"       // 移交纪检
	AccJudicial   AccountabilityMeasure = "judicial"         // 移送司法
)

// AccountabilityMeasures lists the measures, mildest first.
var AccountabilityMeasures = []AccountabilityMeasure{AccTalk, AccNotice, AccExamine, AccDiscipline, AccJudicial}

// AccountabilityClause is the clause behind a measure: accountability of the owner and those
// responsible for a serious incident (IW 第十二条(三)) or a rectification refused (CW 六(二)2);
// a breach of the law goes to the judicial organs (IW 第十二条(三), GO 四(二)2).
func AccountabilityClause(m AccountabilityMeasure) string {
	switch m {
	case AccTalk, AccNotice, AccExamine, AccDiscipline:
		return "IW 第十二条(三)"
	case AccJudicial:
		return "IW 第十二条(三), GO 四(二)2"
	}
	return ""
}

// Accountability is a measure of accountability recorded by a supervisor against a person of
// a group, tied to an incident or to a rectification refused or overdue.
type Accountability struct {
	ID            string                `json:"id"`
	Group         string                `json:"group"`
	Person        string                `json:"person"`
	Measure       AccountabilityMeasure `json:"measure"`
	Incident      string                `json:"incident,omitempty"`
	Rectification string                `json:"rectification,omitempty"`
	Text          string                `json:"text"`
	Clause        string                `json:"clause"`
	Time          time.Time             `json:"time"`
	By            string                `json:"by"`
}
