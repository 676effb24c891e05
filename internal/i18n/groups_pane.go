package i18n

// The Groups pane of the workbench (ui/groups.go): the register as a list with its checks'
// badges, a group whole with its responsibility chain, rectifications, incidents and
// accountability, and the questions of its actions. The record's field names are the command
// line's (cli.show.f.*), the checks' and statuses' names the desk's (desk.go).
func init() {
	add(map[string][2]string{
		"tab.groups": {"群组", "Groups"},

		// Column headings.
		"col.gname":  {"群名", "group"},
		"col.kind":   {"类型", "kind"},
		"col.owner":  {"群主", "owner"},
		"col.filing": {"备案编号", "filing no."},
		"col.checks": {"检查", "checks"},

		// The detail.
		"groups.kind-status":     {"%s · %s", "%s · %s"},
		"groups.application":     {"建群申请：%[1]s 于 %[2]s 提出，%[3]s", "application: filed by %[1]s on %[2]s, %[3]s"},
		"groups.decided":         {"，%[1]s 于 %[2]s 审批", ", decided by %[1]s on %[2]s"},
		"groups.why":             {"，理由：%s", ", because: %s"},
		"groups.checks":          {"检查", "Checks"},
		"groups.checks.none":     {"全部通过", "all passed"},
		"groups.chain":           {"责任链（IW 第六条）", "Responsibility chain (IW 第六条)"},
		"groups.members":         {"成员", "Members"},
		"groups.nickname-bad":    {"昵称不合规 %d 人（在群 %d 人）", "%d nicknames against the rule (of %d present)"},
		"groups.last-active":     {"最近活动：%s", "last activity: %s"},
		"groups.never":           {"无", "none"},
		"groups.posts-after":     {"解散后仍有 %d 条信息", "%d posts after its dissolution"},
		"groups.rects":           {"未销号的整改", "Open rectifications"},
		"groups.rect.line":       {"%[1]s  期限 %[2]s  %[3]s  %[4]s", "%[1]s  due %[2]s  %[3]s  %[4]s"},
		"groups.incidents":       {"突发事件", "Incidents"},
		"groups.incident.line":   {"%[1]s  %[2]s  %[3]s  %[4]s  %[5]s", "%[1]s  %[2]s  %[3]s  %[4]s  %[5]s"},
		"groups.incident.counts": {"措施 %d 项 · 上报 %d 次 · 首项措施用时 %s", "measures: %d · reports upward: %d · first measure after %s"},
		"groups.incident.nomeas": {"措施 0 项 · 上报 %d 次", "no measure yet · reports upward: %d"},
		"groups.acc":             {"问责", "Accountability"},
		"groups.acc.line":        {"%[1]s  %[2]s  %[3]s  %[4]s（%[5]s）  %[6]s", "%[1]s  %[2]s  %[3]s  %[4]s (%[5]s)  %[6]s"},

		// The questions of the actions.
		"groups.ask.apply":         {"申请建群（IW 第四条）", "Apply to create a group (IW 第四条)"},
		"groups.ask.apply.name":    {"群名（体现功能和所属单位）：", "name (its function and unit): "},
		"groups.ask.apply.purpose": {"建群目的：", "purpose: "},
		"groups.ask.apply.branch":  {"所属支部或部门：%s", "branch or department: %s"},
		"groups.ask.approve":       {"审批建群并备案", "Approve and file the group"},
		"groups.ask.filing":        {"备案编号：", "filing number: "},
		"groups.ask.refuse":        {"不批准建群申请", "Refuse the application"},
		"groups.ask.reason":        {"理由：", "reason: "},
		"groups.ask.incident":      {"登记突发事件", "Open an incident"},
		"groups.ask.incident.on":   {"发现于：%s", "found in: %s"},
		"groups.ask.summary":       {"发生了什么：", "what happened: "},
		"groups.ask.which":         {"选择事件", "Choose the incident"},
		"groups.ask.measure":       {"登记处置措施", "Record a measure"},
		"groups.ask.measure.text":  {"做了什么：", "what was done: "},
		"groups.link.post":         {"关联信息 %s 的决定", "linked to the decision on post %s"},
		"groups.link.member":       {"关联对成员 %s 的处理", "linked to the action on member %s"},
		"groups.link.none":         {"不关联决定", "not linked to a decision"},
		"groups.ask.escalate":      {"向上级报告", "Report upward"},
		"groups.ask.escalate.to":   {"报告对象（如 街道党工委）：", "to whom (the street party working committee …): "},
		"groups.ask.followup":      {"登记跟进情况", "Record the follow-up"},
		"groups.ask.followup.text": {"跟进情况：", "follow-up: "},
		"groups.ask.close":         {"办结事件", "Close the incident"},
		"groups.ask.close.text":    {"处理结果：", "outcome: "},
		"groups.ask.write":         {"写出情况报告（文档和文本两个文件，写到当前目录）", "Write the upward report (.docx and .md files, in the working folder)"},
		"groups.ask.acc":           {"登记问责", "Record accountability"},
		"groups.ask.acc.person":    {"被问责人：", "person held to account: "},
		"groups.ask.acc.tie":       {"问责事由关联", "Tied to"},
		"groups.ask.acc.text":      {"事由：", "why: "},
		"groups.tie.incident":      {"事件 %s：%s", "incident %s: %s"},
		"groups.tie.rect":          {"逾期整改 %s：%s", "overdue rectification %s: %s"},
		"groups.tie.none":          {"不关联", "neither"},
		"groups.no-incident":       {"%s 没有处置中的突发事件：按 %s 登记", "%s has no open incident: %s opens one"},
		"groups.no-incidents":      {"%s 没有突发事件", "%s has no incident"},
		"groups.not-application":   {"%s 已备案", "%s is filed already"},

		// What was done.
		"desk.done.group.apply":           {"已申请建群：%s（待审批）", "applied to create a group: %s (waiting for approval)"},
		"desk.done.group.approve":         {"已审批备案：%s", "approved and filed: %s"},
		"desk.done.group.refuse":          {"已不批准：%s", "refused: %s"},
		"desk.done.incident.open":         {"已登记突发事件：%s（在 5 群组 中跟进）", "incident opened: %s (follow it in 5 Groups)"},
		"desk.done.incident.measure":      {"已登记处置措施：%s", "measure recorded: %s"},
		"desk.done.incident.escalate":     {"已登记向上级报告：%s", "report upward recorded: %s"},
		"desk.done.incident.followup":     {"已登记跟进情况：%s", "follow-up recorded: %s"},
		"desk.done.incident.close":        {"已办结：%s", "closed: %s"},
		"desk.done.accountability.record": {"已登记问责：%s", "accountability recorded: %s"},
		"desk.written":                    {"情况报告已写入当前目录：%s", "upward report written in the working folder: %s"},
	})
}
