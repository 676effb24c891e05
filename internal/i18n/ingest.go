package i18n

// What the chat-format readers (internal/ingest) tell about a file: where in it (a line or a
// byte offset), records they cannot read and why, and notes on what they read.
func init() {
	add(map[string][2]string{
		"ingest.at.line": {"%s：第 %d 行", "%s: line %d"},
		"ingest.at.byte": {"%s：第 %d 字节", "%s: byte %d"},

		"ingest.bad":        {"%s", "%s"},
		"ingest.fault.line": {"%s：第 %d 行：%s", "%s:%d: %s"},
		"ingest.fault.byte": {"%s：第 %d 字节：%s", "%s: byte %d: %s"},
		"ingest.fault.skip": {"%s（加 --skip-bad 可导入其余记录）", "%s (--skip-bad imports the rest)"},
		"ingest.note.file":  {"%s：%s", "%s: %s"},

		"ingest.map.roster-no-group":    {"名册没有写明该成员所在的群组：请用 --group 指定", "the roster names no group for this member: give --group"},
		"ingest.map.member-no-id":       {"成员没有账号", "a member without an id"},
		"ingest.map.long-id":            {"账号长于 256 字节", "an id longer than 256 bytes"},
		"ingest.map.unknown-group":      {"未知群组 %q：请先导入该群组", "unknown group %q: import the group first"},
		"ingest.map.unknown-group-flag": {"未知群组 %q：请先导入该群组，或去掉 --group", "unknown group %q: import the group first, or leave out --group"},
		"ingest.map.no-time":            {"消息没有时间", "a message without a time"},
		"ingest.map.long-group":         {"群组编号长于 256 字节", "a group id longer than 256 bytes"},
		"ingest.map.no-target":          {"撤回或置顶没有指明消息", "a recall or pin that names no message"},
		"ingest.map.nobody":             {"入群或退群的成员既无账号也无名称", "a member who joined or left without an id or a name"},
		"ingest.map.no-sender":          {"消息没有发送者", "a message without a sender"},
		"ingest.map.long-sender":        {"发送者账号长于 256 字节", "a sender id longer than 256 bytes"},
		"ingest.map.no-id":              {"消息没有编号", "a message without an id"},
		"ingest.map.long-text":          {"消息长于 %d 字节", "a message longer than %d bytes"},
		"ingest.map.utf8":               {"消息不是有效的 UTF-8 文字", "a message that is not valid UTF-8"},
		"ingest.map.changed":            {"消息 %s 已存储且%s，此后又有改动：改动后的信息须换用新的编号", "message %s is stored and %s already, and has changed since: a changed post must come under a new id"},
		"ingest.map.private":            {"%s：一对一聊天“%s”不是工作群，其 %d 条消息已略过（用 --group 可归入指定群组）", "%s: the one-to-one chat %q is not a work group: its %d messages were passed over (--group puts them in a group)"},
		"ingest.map.ambiguous":          {"%s：名称“%s”同时属于几名成员（%s），无法分辨：提到这一名称的 %d 处入群、退群未记到任何人名下，以这一名称发出的 %d 条消息记在只以名称识别的成员（name:…）名下", "%s: the name %q is shared by several members (%s) and cannot be told apart: the %d joins and leaves that name it were applied to none of them, and the %d messages sent under it were given to a member known only by that name (name:…)"},
		"ingest.map.by-name":            {"%s：入群、退群通知中有 %d 人只有名称，文件和已存储的成员中都找不到有账号的同名成员，按名称记为成员：%s", "%s: %d people of join and leave notices are named only by a name that no member with an id has, in the file or stored: they are members by name (%s)"},
		"ingest.map.linked":             {"%s：%d 个只有名称的发送者按名称对应到有账号的成员：%s", "%s: the messages of %d senders named only by a name were given to the member with an id of that name: %s"},

		"storage.import.more":    {"（列出 %d 处问题后停止查找）", "(stopped after %d faults)"},
		"storage.import.nothing": {"未导入任何内容", "nothing was imported"},

		"ingest.no-chat-id": {"导出文件中没有聊天的标识（文件称之为“%s”）：请用 --group 指定群组", "no chat identity in this export (it names the chat %q): give --group"},

		"ingest.qqtxt.unread-sender": {"此行形如发言行（时间、昵称、括号中的账号），但无法读取：%s；其后的正文不归入上一条消息", "a line of the form of a sender line (time, name, account in brackets) that cannot be read: %s; the text after it is not given to the message before"},
		"ingest.qqtxt.account":       {"账号 %q 不是 QQ 号、手机号或电子邮箱", "the account %q is not a QQ number, a phone number or an e-mail address"},
		"ingest.qqtxt.time":          {"时间 %q 无法读取", "the time %q cannot be read"},
		"ingest.unknown-sender":      {"导出文件没有写明这条消息是谁发的（%s）", "this export does not say who sent this message (%s)"},
		"ingest.wechat.self-unknown": {"这是导出者本人发的，但这一版 WeChatMsg 没有写出本人的 wxid", "it is the exporting user's own, and this version of WeChatMsg does not write that user's wxid"},
		"ingest.wechat.no-sender":    {"这一版 WeChatMsg 没有写出发送者（2023 年 12 月 10 日之前的版本）", "this version of WeChatMsg writes no sender (versions before 10 December 2023)"},
		"ingest.wechat.bad-extra":    {"BytesExtra 列无法读取，发送者不明", "its BytesExtra column cannot be read, so its sender is not known"},
		"ingest.wechat.fields":       {"有 %d 个字段，表头有 %d 列（WeChatMsg 的任何版本都不这样写）", "%d fields, the header has %d"},
		"ingest.wechat.layout":       {"%s：按 WeChatMsg %s 的列读取", "%s: read with the columns of WeChatMsg %s"},
		"ingest.wechat.no-chat-id":   {"%s：WeChatMsg 的 CSV 不含聊天的标识（TalkerId %s 只是导出者本机数据库中的行号），文件名称该聊天为“%s”", "%s: a WeChatMsg CSV carries no identity of its chat (TalkerId %s is only a row of the exporting machine's database); the file names the chat %q"},
		"ingest.wechat.single":       {"%s：这是一对一聊天（%s）", "%s: a one-to-one chat (%s)"},
		"ingest.qqnt.chat-from-file": {"%s：导出内容中没有群号或对方账号，按文件名（qq-chat-exporter 的命名）取 %s", "%s: the export carries no group or peer number; it is taken from the file's name (as qq-chat-exporter names it): %s"},
		"ingest.qqnt.no-chat-id":     {"%s：导出内容中没有群号或对方账号（chatInfo 只有名称“%s”），文件名也不是 qq-chat-exporter 的命名", "%s: the export carries no group or peer number (chatInfo has only the name %q), and the file's name is not the one qq-chat-exporter gives"},
		"ingest.qcetxt.unread":       {"此行无法读取：%s", "a line that cannot be read: %s"},
		"ingest.qcetxt.want-time":    {"发言人之后应是“时间: ”行", "a sender line is followed by a 时间: line"},
		"ingest.qcetxt.no-date":      {"时间 %q 没有日期（导出时选了“仅时间”或“相对时间”）", "the time %q has no date (the export was made with time only, or relative times)"},
		"ingest.qcetxt.outside":      {"消息之外的文字", "text outside any message"},
		"ingest.qcetxt.names":        {"%s：qq-chat-exporter 的 txt 只写发言人的显示名称，不写 QQ 号：成员按名称识别（name:…）", "%s: qq-chat-exporter's txt names each sender by display name only, without a QQ number: members are known by name (name:…)"},
		"ingest.roster.short-row":    {"%s 起：%d 行缺少末尾的单元格，它们属于未读取的列（%s），已按空白读取", "%s on: %d rows lack trailing cells, of columns that are not read (%s); they were read as empty"},
		"ingest.roster.short":        {"有 %d 个字段，表头有 %d 列：缺少的是要读取的列", "%d fields, the header has %d"},
		"ingest.wecom.zero-time":     {"%s 起：%d 条消息的 msgtime 为 0（企业微信自己的示例也是如此），且消息编号中没有时间：取文件中前一条消息的时间", "%s on: %d messages have msgtime 0 (as in WeCom's own examples) and no time in their msgid: they were given the time of the message before them in the file"},
		"ingest.wecom.zero-first":    {"msgtime 为 0，且文件中此前没有可借用时间的消息", "msgtime is 0 and no message before it in the file has a time to take"},
		"ingest.telegram.bad-href":   {"链接 %q 的地址不是字符串", "the link %q has an address that is not a string"},
	})
}
