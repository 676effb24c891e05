// Package i18n is the one catalogue of user-facing strings, in Chinese (the default) and English.
package i18n

import "fmt"

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
	"superseded":     {"已搁置的事件", "events set aside"},
	"parked":         {"待前序包的事件", "events waiting for an earlier bundle"},
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
	"post.published":         {"已发布(历史)", "published (history)"},
	"post.recalled":          {"已撤回", "recalled"},
	"post.retracted":         {"已撤销发布", "retracted"},

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

	// The frame.
	"tab.pending":    {"待审", "Pending"},
	"tab.roster":     {"成员", "Roster"},
	"tab.violations": {"违规", "Violations"},
	"tab.reports":    {"报表", "Reports"},
	"scope.all":      {"全部群组", "all groups"},
	"scope":          {"范围", "scope"},
	"escalated":      {"待审签", "escalated"},
	"pending":        {"待审", "pending"},
	"saving":         {"保存中", "saving"},
	"saved":          {"已保存", "saved"},
	"quit.waiting":   {"正在保存决定，保存后退出……", "storing decisions, then quitting..."},
	"help.title":     {"按键说明（按 %s 或 %s 关闭）", "Keys (%s or %s to close)"},
	"scope.title":    {"选择群组（%s 确定，%s 取消）", "Choose a group (%s to choose, %s to cancel)"},
	"loading":        {"正在读取……", "loading..."},
	"empty":          {"（无）", "(none)"},
	"filter":         {"筛选", "filter"},
	"marked":         {"已选", "marked"},
	"error":          {"出错", "error"},

	// Pending posts.
	"post.time":        {"时间", "time"},
	"post.group":       {"群组", "group"},
	"post.author":      {"发布者", "author"},
	"post.title":       {"标题", "title"},
	"post.status":      {"状态", "status"},
	"post.findings":    {"检查结果", "findings"},
	"post.suggest":     {"建议", "suggested"},
	"post.record":      {"发布者记录", "author's record"},
	"post.attachments": {"附件", "attachments"},
	"post.notitle":     {"（无标题）", "(no title)"},
	"post.disputed":    {"有争议", "disputed"},
	"post.major":       {"重大事项", "major matter"},
	"suggest.approve":  {"可以通过", "approve"},
	"suggest.look":     {"需仔细查看", "look closer"},
	"suggest.reject":   {"建议驳回", "reject"},
	"suggest.escalate": {"提交支部书记审签", "escalate to the secretary"},
	"record.none":      {"无违规记录", "no violations"},
	"record.count":     {"违规 %d 次，当前处理：%s", "%d violations, current step: %s"},
	"reason.title":     {"选择理由（告知发布者）：↑↓ 选择，Enter 确定，Esc 取消", "Choose the reason told to the author: up/down, Enter, Esc to cancel"},
	"reason.custom":    {"自行填写……", "type a reason..."},
	"reason.type":      {"理由：", "Reason: "},
	"reason.rule":      {"因%s（%s），请修改或删除后重新提交。", "Because of %s (%s): please change or delete it and submit again."},
	"reason.general":   {"内容不符合群发布要求，请修改后重新提交。", "The content does not meet the group's rules; please change it and submit again."},
	"reason.format":    {"请按发布格式要求（标题不超过20字、注明落款）修改后提交。", "Please follow the format (a title of at most 20 characters, a signature) and submit again."},
	"decided":          {"已%s：%d 条", "%s: %d"},
	"undone":           {"已撤销", "undone"},
	"nothing.undo":     {"没有可以撤销的决定", "nothing to undo"},

	"group.active":     {"正常", "active"},
	"group.rectifying": {"整改中", "rectifying"},
	"group.dissolved":  {"已解散", "dissolved"},
}

// Tf is T with fmt.Sprintf arguments.
func Tf(l Lang, key string, args ...any) string { return fmt.Sprintf(T(l, key), args...) }

// add puts entries into the catalogue; the files of this package that hold the strings of one
// part of the screen call it from init.
func add(entries map[string][2]string) {
	for k, v := range entries {
		if _, dup := catalog[k]; dup {
			panic("i18n: key defined twice: " + k)
		}
		catalog[k] = v
	}
}
