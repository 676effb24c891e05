package i18n

// The words of the model's refusals, as Explain gives them: the actions (kinds of event), the
// entities and their states, and the reasons the fold and the service give.
func init() {
	add(map[string][2]string{
		"list.sep": {"、", ", "},

		"explain.permission":       {"%[2]s无权执行“%[4]s”（%[3]s），只有%[6]s可以", "the role %[1]s may not take the action %[3]s (only %[5]s)"},
		"explain.unknown-action":   {"未知的操作 %q", "unknown action %q"},
		"explain.transition":       {"%[2]s %[3]s 当前为“%[5]s”，%[9]s不能执行“%[7]s”（%[6]s）", "%[1]s %[3]s is %[4]s: the action %[6]s (by the role %[8]s) is not allowed"},
		"explain.why":              {"：%s", " (%s)"},
		"explain.app-state":        {"%[2]s的%[4]s", "%[1]s %[3]s"},
		"explain.confidential":     {"%[2]s不能把涉密信息收入存档（GO 五(二)2：只有%[4]s可以）；请去掉 --include-confidential", "the role %[1]s may not put confidential posts into an archive (GO 五(二)2: only %[3]s); leave out --include-confidential"},
		"explain.unknown-operator": {"未登记的操作员", "unknown operator"},

		"entity.post":          {"信息", "post"},
		"entity.member":        {"成员", "member"},
		"entity.violation":     {"违规", "violation"},
		"entity.application":   {"申请", "application"},
		"entity.rectification": {"整改", "rectification"},
		"entity.group":         {"群组", "group"},

		"rectification.open":   {"整改中", "open"},
		"rectification.closed": {"已销号", "closed"},

		"kind.operator.register":   {"登记操作员", "register an operator"},
		"kind.group.register":      {"登记群组", "register a group"},
		"kind.group.dissolve":      {"解散群组", "dissolve the group"},
		"kind.member.add":          {"登记成员", "add a member"},
		"kind.member.warn":         {"警告", "warn"},
		"kind.member.mute":         {"禁言", "mute"},
		"kind.member.remove":       {"移出", "remove"},
		"kind.member.restore":      {"恢复", "restore"},
		"kind.member.seen":         {"记录发言成员", "record a sender"},
		"kind.member.leave":        {"记录退群", "record a member leaving"},
		"kind.post.submit":         {"提交", "submit"},
		"kind.post.approve":        {"通过", "approve"},
		"kind.post.reject":         {"驳回", "reject"},
		"kind.post.changes":        {"要求修改", "request changes"},
		"kind.post.escalate":       {"提交书记审签", "escalate"},
		"kind.post.signoff":        {"审签", "sign off"},
		"kind.post.return":         {"退回", "return"},
		"kind.post.undo":           {"撤销", "undo"},
		"kind.post.recall":         {"撤回", "recall"},
		"kind.post.pin":            {"置顶", "pin"},
		"kind.report.file":         {"登记举报", "file a report"},
		"kind.violation.record":    {"记录违规", "record a violation"},
		"kind.violation.verify":    {"核实", "verify"},
		"kind.violation.sanction":  {"处理", "sanction"},
		"kind.violation.dismiss":   {"不予处理", "dismiss"},
		"kind.violation.close":     {"结案", "close"},
		"kind.violation.feedback":  {"反馈举报人", "give the reporter feedback"},
		"kind.violation.appeal":    {"登记申诉", "record an appeal"},
		"kind.application.file":    {"登记申请", "file an application"},
		"kind.application.approve": {"批准申请", "approve the application"},
		"kind.application.refuse":  {"不批准申请", "refuse the application"},
		"kind.appeal.uphold":       {"维持处理", "uphold the sanction"},
		"kind.appeal.overturn":     {"撤销处理", "overturn the sanction"},
		"kind.rectification.order": {"下达整改", "order a rectification"},
		"kind.rectification.close": {"整改销号", "close the finding"},
		"kind.import.batch":        {"导入", "import"},

		// The reasons of refusals: the English text is the model's, %s and %d where it
		// carries a value (see Why).
		"why.mute-end":         {"禁言须有晚于现在的结束时间", "a mute needs an end after now"},
		"why.resubmit":         {"已作出决定的信息不能用同一编号重新提交", "a post already decided cannot be resubmitted under the same id"},
		"why.major":            {"重大事项须经支部书记审签后方可发布（PM 三(三)2）", "a major matter is published only after the secretary signs it off (PM 三(三)2)"},
		"why.reason":           {"须告知发布者理由（PM 三(三)1）", "the author must be told a reason (PM 三(三)1)"},
		"why.changed":          {"读取后已有变化（当时审核经过 %d 步，现在 %d 步）：请重新查看", "it changed since it was read (%d steps of history then, %d now): look at it again"},
		"why.undo-last":        {"只能撤销最后一个决定", "only the last decision can be undone"},
		"why.undo-actor":       {"只有作出该决定的 %s 可以撤销", "only %s, who decided, can undo it"},
		"why.sanction-step":    {"处理须写明处理步骤", "a sanction names its step of the ladder"},
		"why.feedback":         {"反馈须发给举报人，且须有内容", "feedback goes to the member who reported, and says something"},
		"why.appeal-answered":  {"申诉已答复", "the appeal was answered already"},
		"why.application-kind": {"申诉只能维持或撤销处理；入群、退群申请只能批准或不批准", "an appeal is upheld or overturned; a join or exit is approved or refused"},
		"why.nothing-to-undo":  {"没有可以撤销的决定", "there is no decision to undo"},
	})
}
