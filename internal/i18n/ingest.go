package i18n

// What the chat-format readers (internal/ingest) tell about a file: where in it (a line or a
// byte offset), records they cannot read and why, and notes on what they read.
func init() {
	add(map[string][2]string{
		"ingest.at.line": {"%s：第 %d 行", "%s: line %d"},
		"ingest.at.byte": {"%s：第 %d 字节", "%s: byte %d"},

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
