// Package i18n is the one catalogue of user-facing strings, in Chinese (the default) and English.
package i18n

// Lang is a language of the interface.
type Lang string

const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// T returns the string of key in the language; a key missing from the catalogue is returned
// as it is, so that a gap shows and never crashes.
func T(l Lang, key string) string {
	if e, ok := catalog[key]; ok {
		if l == EN {
			return e[1]
		}
		return e[0]
	}
	return key
}

var catalog = map[string][2]string{
	"app.title":      {"群审", "qunshen"},
	"db":             {"数据库", "database"},
	"operator":       {"操作员", "operator"},
	"events":         {"事件", "events"},
	"disputed":       {"有争议", "disputed"},
	"posts":          {"信息", "posts"},
	"members":        {"成员", "members"},
	"violations":     {"违规", "violations"},
	"applications":   {"申请", "applications"},
	"groups":         {"群组", "groups"},
	"oldest.pending": {"最早的待审信息", "oldest pending posts"},
	"none":           {"无", "none"},

	"role.admin":      {"群管理员", "administrator"},
	"role.secretary":  {"支部书记", "branch secretary"},
	"role.owner":      {"群主", "group owner"},
	"role.supervisor": {"监督人", "supervisor"},

	"post.pending":           {"待审", "pending"},
	"post.approved":          {"已通过", "approved"},
	"post.rejected":          {"已驳回", "rejected"},
	"post.changes-requested": {"待修改", "changes requested"},
	"post.escalated":         {"待书记审签", "escalated"},
	"post.signed-off":        {"已审签", "signed off"},
	"post.returned":          {"书记退回", "returned"},

	"member.applicant": {"申请中", "applicant"},
	"member.active":    {"正常", "active"},
	"member.muted":     {"禁言", "muted"},
	"member.removed":   {"已移出", "removed"},
	"member.exited":    {"已退群", "exited"},

	"violation.open":       {"待核实", "open"},
	"violation.verified":   {"已核实", "verified"},
	"violation.sanctioned": {"已处理", "sanctioned"},
	"violation.closed":     {"已结案", "closed"},
	"violation.dismissed":  {"不予处理", "dismissed"},

	"application.pending":  {"待批", "pending"},
	"application.approved": {"已批准", "approved"},
	"application.refused":  {"未批准", "refused"},

	"group.active":     {"正常", "active"},
	"group.rectifying": {"整改中", "rectifying"},
	"group.dissolved":  {"已解散", "dissolved"},
}
