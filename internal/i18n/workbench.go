package i18n

// The workbench's frame and its Pending pane: the messages and their log, the views, the
// questions before a decision, the marks, the column headings, the findings by severity.
func init() {
	add(map[string][2]string{
		// Messages.
		"msg.sep":    {"；", "; "},
		"msg.colon":  {"：", ": "},
		"msg.more":   {"（按 %s 看全文）", " (%s shows it all)"},
		"log.empty":  {"（本次还没有消息）", "(no messages yet)"},
		"log.title":  {"消息记录 %d 条，最新的在前（%s 或 %s 关闭）", "Messages: %d, newest first (%s or %s to close)"},
		"hint.first": {"常用键：%s，%s 全部按键", "%s, %s all keys"},
		"hint.sep":   {"，", ", "},

		// The ? screen.
		"help.zone":         {"时间均为%s（可用 --tz 或环境变量 QUNSHEN_TZ 更改）", "Times are in %s (change it with --tz or QUNSHEN_TZ)"},
		"help.legend.title": {"列表中的标记", "Marks in the lists"},
		"help.legend":       {"* 已选中；^ 已提交书记、待审签；< 书记退回。检查一栏：禁 禁止类，审 须书记审签，提 提醒，示 提示，争 有争议（两台电脑的决定不一致）；数字为条数。", "* marked; ^ escalated, waiting for the secretary; < returned by the secretary. Findings: B block, E needs the secretary's sign-off, W warn, I info, D disputed (two machines decided differently); each with how many."},

		// Kinds of group, in the scope picker.
		"group.kind.party":   {"党员群", "party group"},
		"group.kind.work":    {"工作群", "work group"},
		"group.kind.street":  {"街道工作群", "street office group"},
		"group.kind.city":    {"市直单位群", "city group"},
		"group.kind.project": {"项目群", "project group"},

		// Severities, whole and as the badges of a row.
		"sev.block":      {"禁止类", "block"},
		"sev.escalate":   {"须审签", "sign-off"},
		"sev.warn":       {"提醒", "warn"},
		"sev.info":       {"提示", "info"},
		"badge.block":    {"禁", "B"},
		"badge.escalate": {"审", "E"},
		"badge.warn":     {"提", "W"},
		"badge.info":     {"示", "I"},
		"badge.disputed": {"争", "D"},
		"rule.clause":    {"%s（%s）", "%s (%s)"},
		"rule.times":     {"%s（%d 处）", "%s (%d)"},

		// Column headings.
		"col.time":     {"时间", "time"},
		"col.group":    {"群组", "group"},
		"col.author":   {"发布者", "author"},
		"col.title":    {"标题", "title"},
		"col.findings": {"检查", "findings"},
		"col.name":     {"姓名", "name"},
		"col.nickname": {"群昵称", "nickname"},
		"col.verdict":  {"昵称", "rule"},
		"col.silent":   {"未发言", "silent"},
		"col.status":   {"状态", "status"},
		"col.step":     {"处理阶段", "step"},
		"col.why":      {"清理原因", "why"},
		"col.app":      {"申请", "kind"},
		"col.member":   {"成员", "member"},
		"col.text":     {"内容", "text"},
		"col.rule":     {"违规事项", "rule"},
		"col.clause":   {"条款", "clause"},
		"col.source":   {"来源", "source"},
		"col.sanction": {"处理", "sanction"},

		// The filter.
		"filter.count": {"%d 条", "%d found"},

		// The views of the Pending pane.
		"view.queue":                     {"我的待审", "My queue"},
		"view.returned":                  {"书记退回", "Returned to me"},
		"view.escalated":                 {"已提交书记", "With the secretary"},
		"view.escalated.secretary":       {"待我审签", "Escalated to me"},
		"view.findings":                  {"有检查结果", "With findings"},
		"view.block":                     {"含禁止类", "Block findings"},
		"view.signoff":                   {"须书记审签", "For the secretary"},
		"view.warn":                      {"仅有提醒", "Warnings only"},
		"view.published":                 {"已通过与已发布", "Published"},
		"view.about.queue":               {"待审的信息，书记退回的排在前面", "posts to review, those the secretary returned first"},
		"view.about.queue.secretary":     {"提交给我审签的信息在前，其后为待审信息", "posts escalated to you first, then those pending"},
		"view.about.returned":            {"书记退回、需再处理的信息", "returned by the secretary, to decide again"},
		"view.about.escalated":           {"已提交支部书记，等待审签", "escalated, waiting for the secretary"},
		"view.about.escalated.secretary": {"提交给我审签的信息", "escalated to you for sign-off"},
		"view.about.findings":            {"有检查结果的待审信息，问题最严重的在前", "open posts with findings, the worst first"},
		"view.about.block":               {"含禁止类问题（个人信息、违禁内容等）：驳回，或写明理由放行", "with a block finding (personal data, prohibited content …): reject, or override with a reason"},
		"view.about.signoff":             {"重大事项、涉密等，须提交书记审签", "major matters, secrets …: escalate to the secretary"},
		"view.about.warn":                {"只有提醒类问题，通过前须确认", "warnings only: approving asks first"},
		"view.about.published":           {"已通过、已审签或已发布的信息：可撤回", "approved, signed off or published: to retract"},
		"view.oldest":                    {"最早的在前", "oldest first"},
		"view.newest":                    {"最新的在前", "newest first"},
		"view.order.queue":               {"书记退回的在前", "returned first"},
		"view.order.queue.secretary":     {"待审签的在前", "escalated first"},
		"view.order.worst":               {"最严重的在前", "worst first"},
		"view.order.sep":                 {"，", ", "},
		"view.hint":                      {"%s 切换视图  %s 排序", "%s views  %s order"},
		"view.pick":                      {"选择视图（%s 确定，%s 取消）", "Choose a view (%s to choose, %s to cancel)"},

		// Marks.
		"marks.n":       {"已选 %d", "%d marked"},
		"marks.hidden":  {"已选 %d（%d 条未显示）", "%d marked, %d hidden"},
		"marks.all":     {"已选中所列的 %d 条", "marked the %d shown"},
		"marks.cleared": {"已清除 %d 条选中", "cleared %d marks"},
		"flagged.none":  {"下面没有更多有问题的信息", "no more flagged posts below"},

		// The detail of a post.
		"detail.position": {"第 %d/%d 条", "%d of %d"},
		"detail.marked":   {"[已选]", "[marked]"},
		"detail.more":     {"第 %d-%d 行，共 %d 行（%s 翻看）", "lines %d-%d of %d (%s to scroll)"},

		// Questions before a decision.
		"needs.secretary":     {"此信息须经支部书记审签后方可发布（PM 三(三)2）：%s。请按 %s 提交书记", "this post is published only after the secretary signs it off (PM 三(三)2): %s. Press %s to escalate it"},
		"needs.major-flag":    {"发布者标为重大事项", "marked a major matter by its author"},
		"ask.warn":            {"此信息有 %d 项提醒：%s", "This post has %d warnings: %s"},
		"ask.warn.keys":       {"确定通过？按 %s 或再按 %s 通过，%s 取消", "Approve it? %s or %s again to approve, %s to cancel"},
		"ask.override":        {"此信息有禁止类问题，不能直接%s：", "Block findings stop this post (%s):"},
		"ask.override.then":   {"如确需放行，请写明理由（记入审核记录），按 %s 确定；理由留空或按 %s 取消。通常应按 %s 驳回。", "To let it through, type the reason (it is recorded) and press %s; an empty reason or %s cancels. Usually, reject it with %s."},
		"ask.override.reason": {"放行理由：", "Reason: "},
		"ask.keys":            {"按 %s 确定，%s 取消", "%s to go ahead, %s to cancel"},
		"ask.cancelled":       {"已取消，未作任何决定", "cancelled: nothing decided"},
		"batch.ask":           {"对已选的 %[2]d 条信息执行“%[1]s”？", "%[1]s the %[2]d marked posts?"},
		"batch.hidden":        {"其中 %d 条当前未显示（被筛选或视图隐藏）", "%d of them are not shown (hidden by the filter or the view)"},
		"batch.blocked":       {"%d 条有禁止类问题，不在此批：须逐条查看，写明理由方可放行", "%d have block findings and are left out: each needs its own override, with a reason"},
		"batch.secretary":     {"%d 条须书记审签，不在此批：请按 %s 提交书记", "%d need the secretary's sign-off and are left out: press %s to escalate them"},
		"batch.warned":        {"%d 条有提醒类问题", "%d have warnings"},
		"batch.none":          {"已选的 %[2]d 条都不能“%[1]s”", "%[1]s: none of the %[2]d marked posts can take it"},
		"batch.reason":        {"将用于已选的 %d 条", "for the %d marked posts"},
		"decided.more.errors": {"另有 %d 条未成", "%d more refused"},
		"decided.partly":      {"其余 %[2]d 条已%[1]s", "the other %[2]d: %[1]s"},
		"undone.n":            {"已撤销 %d 条决定", "undone: %d"},

		// The loop: a violation recorded from a post, a retraction, the outbox of a post.
		"record.ask":             {"记录违规", "Record a violation"},
		"record.about":           {"选择违反的规则（本信息的检查结果有 %d 条，列在前面），可写备注；记录后待核实", "Choose the rule broken (the %d this post tripped come first), with a note if you like; it is recorded as open, to verify"},
		"record.found":           {"← 本信息的检查结果", "← found in this post"},
		"record.note":            {"备注（可不填）：", "Note (optional): "},
		"record.done":            {"已记录 %s 的违规，待核实（见违规页）", "violation of %s recorded, to verify (see Violations)"},
		"retract.told":           {"撤回时会告知群内和发布者理由（CW 三(四)2）", "the group and the author are told why (CW 三(四)2)"},
		"retract.rule":           {"该信息因%s（%s）已撤回，特此说明。", "This post was withdrawn: %s (%s)."},
		"retract.general":        {"该信息内容有误，现予撤回，特此说明。", "This post was wrong and has been withdrawn."},
		"retract.wrong":          {"该信息未经审核误发，现予撤回，以后续通知为准。", "This post was published in error and has been withdrawn; a corrected notice follows."},
		"outbox.title":           {"告知聊天端", "Told the chat side"},
		"outbox.none":            {"（无）", "(nothing)"},
		"outbox.action.publish":  {"发布", "publish"},
		"outbox.action.notify":   {"告知发布者", "tell the author"},
		"outbox.action.retract":  {"撤回并告知群内", "retract, telling the group"},
		"outbox.action.add":      {"加入群聊", "add to the group"},
		"outbox.action.remove":   {"移出群聊", "remove from the group"},
		"outbox.action.restore":  {"恢复成员", "restore"},
		"outbox.action.warn":     {"警告", "warn"},
		"outbox.action.mute":     {"禁言", "mute"},
		"outbox.action.unmute":   {"解除禁言", "unmute"},
		"outbox.action.feedback": {"反馈举报人", "tell the reporter"},
		"outbox.action.answer":   {"答复申诉人", "answer the appellant"},
		"post.override":          {"%s（越过拦截：%s）", "%s over block findings (%s)"},
		"decided.override":       {"禁止类问题的放行理由已记录", "the override and its reason are recorded"},

		// What to do after a refusal.
		"advice.escalate":      {"如需发布，请按 %s 提交支部书记审签", "to publish it, press %s to escalate it to the secretary"},
		"advice.secretary":     {"支部书记在此按 %s 审签或按 %s 退回", "a secretary signs off with %s or returns with %s here"},
		"advice.ask.secretary": {"请交支部书记处理", "ask the secretary"},
		"advice.ask":           {"请交%s处理", "ask someone who is: %s"},
		"advice.reread":        {"已重新读取，请再看一遍后决定", "read again: look at it once more and decide"},
		"advice.undo-own":      {"只能撤销自己作出的决定", "you can undo only your own decisions"},
		"advice.override":      {"在此逐条处理：按 %s 后写明放行理由，或按 %s 驳回", "here, one post at a time: %s and the reason to let it through, or %s to reject it"},
		"advice.published":     {"这是已发布的信息：如有错误，请按 %s 撤回", "this post is published: to take it back, press %s"},
		"decided.recorded":     {"已按禁止类问题对 %d 条信息的发布者记录违规（见违规页）", "a violation recorded against the authors of %d of them, for their block findings (see Violations)"},
		"advice.verify-first":  {"请先按 %s 核实", "verify it first with %s"},

		// Reports.
		"report.chart.max":   {"最多 %d", "max %d"},
		"report.pane.latest": {"本期 %s 没有数据，显示往前 %d 期、最近有数据的一期（按 %s 向后翻）", "%s has no data: showing the latest period with data, %d back (%s goes forward)"},
	})
}
