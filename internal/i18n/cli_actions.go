package i18n

// The commands of the screen's actions (member, violation, application, appeal): their help,
// what they say, and the faults they find in a command line.
func init() {
	add(map[string][2]string{
		// member
		"cli.member.args":              {"warn|mute|remove|restore 成员 [--group 群组] [--until 时长] [--violation 违规编号] --reason 理由", "warn|mute|remove|restore MEMBER [--group GROUP] [--until DURATION] [--violation ID] --reason TEXT"},
		"cli.member.short":             {"警告、禁言、移出或恢复群成员（同成员页的操作）", "warn, mute, remove or restore a member (the Roster pane's actions)"},
		"cli.member.long":              {"对群成员执行成员页的操作，权限检查与工作台相同：\n  warn     警告（记下建议的处理步骤）\n  mute     禁言，须用 --until 给出时长（24h、3d、7d）\n  remove   移出群聊\n  restore  恢复被移出或禁言的成员（禁言的即解除禁言）\n成员只在一个群组中时可省略 --group。--violation 写明此操作所针对的违规记录（须是该成员的）。", "take the Roster pane's actions on a member, with the workbench's permission checks:\n  warn     a warning (the step proposed for the member is recorded)\n  mute     a mute, for as long as --until says (24h, 3d, 7d)\n  remove   out of the group\n  restore  back into the group, or the mute lifted\n--group may be left out when the member is in one group only. --violation names the violation the action answers (the member's own)."},
		"cli.member.flag.group":        {"成员所在的`群组`编号", "the `group` the member is in"},
		"cli.member.flag.until":        {"mute：禁言`时长`，如 24h、3d、7d", "mute: how long, a `duration` such as 24h, 3d, 7d"},
		"cli.member.flag.violation":    {"此操作所针对的`违规编号`", "the `violation` the action answers"},
		"cli.member.flag.reason":       {"告知成员的`理由`（必填）", "the `reason` told to the member (required)"},
		"cli.member.want":              {"需要 warn、mute、remove 或 restore，以及成员编号", "want warn, mute, remove or restore, and a member id"},
		"cli.member.unknown":           {"未知的成员操作 %q（可用 warn、mute、remove、restore）", "unknown member action %q (want warn, mute, remove or restore)"},
		"cli.member.until-needed":      {"禁言须用 --until 给出时长，如 24h、3d、7d", "a mute needs --until: how long, such as 24h, 3d, 7d"},
		"cli.member.until-only":        {"--until 只用于 mute", "--until is for mute only"},
		"cli.member.until-bad":         {"--until %q：时长应为天数（3d）或小时、分钟（24h、90m），大于零且不超过十年", "--until %q: want days (3d) or hours and minutes (24h, 90m), above zero and at most ten years"},
		"cli.member.restore-violation": {"restore 不针对违规记录：请去掉 --violation", "restore answers no violation: leave out --violation"},
		"cli.member.reason-needed":     {"须用 --reason 给出告知成员的理由", "--reason is required: the reason told to the member"},
		"cli.member.done":              {"成员 %[1]s（群组 %[2]s）：%[3]s；现为%[4]s（事件 %[5]s，操作员 %[6]s）", "member %[1]s of %[2]s: %[3]s; now %[4]s (event %[5]s, by %[6]s)"},
		"cli.member.until":             {"至 %s", " until %s"},
		"cli.member.warnings":          {"，已警告 %d 次", ", %d warnings"},
		"cli.member.step":              {"，处理步骤：%s", ", step %s"},

		"cli.did.member.warn":    {"已警告", "warned"},
		"cli.did.member.mute":    {"已禁言", "muted"},
		"cli.did.member.remove":  {"已移出", "removed"},
		"cli.did.member.restore": {"已恢复", "restored"},

		// violation
		"cli.violation.args":        {"record (--post 信息编号 | --member 成员 --group 群组) --rule 规则 --note 说明 | verify|dismiss|sanction|feedback|close 违规编号 [--step 步骤] [--reason 理由] [--text 反馈]", "record (--post POST-ID | --member ID --group ID) --rule RULE --note TEXT | verify|dismiss|sanction|feedback|close ID [--step STEP] [--reason TEXT] [--text TEXT]"},
		"cli.violation.short":       {"记录违规；核实、不予处理、处理、反馈举报人或结案（同违规页的操作）", "record a violation; verify, dismiss, sanction, answer the reporter or close (the Violations pane's actions)"},
		"cli.violation.long":        {"记录违规，或对违规记录执行违规页的操作，权限检查与工作台相同：\n  record    手工记录一条违规（来源“管理员记录”，待核实）：某条信息的发布者（--post），或某群的某成员（--member 和 --group），违反策略中的规则（--rule），并写明说明（--note）\n  verify    核实\n  dismiss   不予处理（举报可用 --text 同时反馈举报人）\n  sanction  按处理阶梯处理：默认为建议的步骤，或用 --step 指明（编号、名称或序号）；\n            同时对成员执行该步骤的操作（警告、禁言或移出），并记下所针对的违规\n  feedback  用 --text 反馈举报人（只用于群众举报，不予处理之后不再反馈）\n  close     结案", "record a violation, or take the Violations pane's actions on one, with the workbench's permission checks:\n  record    an administrator's own record (source admin, open until verified): against the author\n            of a post (--post) or a member of a group (--member and --group), of a rule of the\n            policy (--rule), with a note (--note)\n  verify    verify it\n  dismiss   dismiss it (a report: --text tells the reporter at once)\n  sanction  apply the step of the ladder proposed for it, or the one --step names (its id,\n            name or number): the member action the step calls for (a warning, a mute or a\n            removal) is taken with it, naming the violation\n  feedback  tell the reporter, with --text (a report only; none after a dismissal)\n  close     close it"},
		"cli.violation.flag.step":   {"sanction：处理阶梯上的`步骤`（编号、名称或序号），默认为建议的步骤", "sanction: the `step` of the ladder (its id, name or number); the proposed one by default"},
		"cli.violation.flag.text":   {"feedback、dismiss：告知举报人的`反馈`", "feedback, dismiss: the `text` told to the reporter"},
		"cli.violation.flag.reason": {"sanction：告知成员的`理由`", "sanction: the `reason` told to the member"},
		"cli.violation.want":        {"需要 record，或 verify、dismiss、sanction、feedback 或 close 以及违规编号", "want record, or verify, dismiss, sanction, feedback or close and a violation id"},
		"cli.violation.unknown":     {"未知的违规操作 %q（可用 record、verify、dismiss、sanction、feedback、close）", "unknown violation action %q (want record, verify, dismiss, sanction, feedback or close)"},
		"cli.violation.only":        {"%s 只用于 %s", "%s is for %s only"},
		"cli.violation.text-needed": {"反馈须用 --text 写明告知举报人的内容", "feedback needs --text: what the reporter is told"},
		"cli.violation.done":        {"违规 %[1]s：%[2]s（事件 %[3]s，操作员 %[4]s）", "violation %[1]s: %[2]s (events %[3]s, by %[4]s)"},
		"cli.violation.step":        {"处理步骤 %[1]s（%[2]s）：群组 %[4]s 的成员 %[3]s %[5]s；现为%[6]s", "step %[1]s (%[2]s): member %[3]s of %[4]s %[5]s; now %[6]s"},

		// application, appeal
		"cli.application.args":        {"approve|refuse 申请编号 [--reason 理由]", "approve|refuse ID [--reason TEXT]"},
		"cli.application.short":       {"批准或不批准入群、退群申请（同成员页的操作）", "approve or refuse a join or exit application (the Roster pane's actions)"},
		"cli.application.flag.reason": {"随决定保存的`理由`", "the `reason` kept with the decision"},
		"cli.application.want":        {"需要 approve 或 refuse，以及申请编号", "want approve or refuse, and an application id"},
		"cli.application.unknown":     {"未知的申请决定 %q（可用 approve、refuse）", "unknown decision %q (want approve or refuse)"},
		"cli.application.done":        {"申请 %[1]s（%[2]s）：%[3]s（事件 %[4]s，操作员 %[5]s）", "application %[1]s (%[2]s): %[3]s (event %[4]s, by %[5]s)"},

		"cli.appeal.args":          {"uphold|overturn 编号 --reason 理由", "uphold|overturn ID --reason TEXT"},
		"cli.appeal.short":         {"答复申诉：维持或撤销处理（同成员页、违规页的操作）", "answer an appeal: uphold or overturn the sanction (the Roster and Violations panes' actions)"},
		"cli.appeal.long":          {"答复申诉：uphold 维持处理，overturn 撤销处理。编号为申诉申请（撤销时恢复成员），或已处理的违规记录（撤销时该违规不予处理）。", "answer an appeal: uphold the sanction, or overturn it. ID is an appeal application (overturned: the member is restored) or a sanctioned violation (overturned: the violation is dismissed)."},
		"cli.appeal.flag.reason":   {"告知申诉人的`理由`（必填）", "the `reason` told to the appellant (required)"},
		"cli.appeal.want":          {"需要 uphold 或 overturn，以及申诉或违规编号", "want uphold or overturn, and an appeal or violation id"},
		"cli.appeal.unknown":       {"未知的申诉答复 %q（可用 uphold、overturn）", "unknown answer %q (want uphold or overturn)"},
		"cli.appeal.reason-needed": {"须用 --reason 给出告知申诉人的理由", "--reason is required: the reason told to the appellant"},
		"cli.appeal.both":          {"%q 既是申请编号也是违规编号，无法判断要答复哪一个", "%q is both an application and a violation: which one is answered cannot be told"},
		"cli.appeal.none":          {"没有编号为 %q 的申诉或违规记录", "no appeal or violation %q"},
		"cli.appeal.violation":     {"违规 %[1]s：%[2]s；现为%[3]s（事件 %[4]s，操作员 %[5]s）", "violation %[1]s: %[2]s; now %[3]s (event %[4]s, by %[5]s)"},
		"cli.appeal.upheld":        {"申诉不成立，维持处理", "appeal upheld, the sanction stands"},
		"cli.appeal.overturned":    {"申诉成立，撤销处理", "appeal granted, the sanction overturned"},
	})
}
