package i18n

// The words of the keys' documents (key files, authority files, designations) and of the
// rules of trust by designation. The English texts of the key file's refusals are those it
// had before the catalogue: tests and scripts read them.
func init() {
	add(map[string][2]string{
		"keyring.noun.key":         {"密钥文件", "key file"},
		"keyring.noun.authority":   {"指定机关文件", "authority file"},
		"keyring.noun.designation": {"指定书文件", "designation file"},
		"keyring.what.key":         {"密钥", "key"},
		"keyring.what.authority":   {"指定机关", "authority"},
		"keyring.what.designation": {"指定书", "designation"},

		"keyring.doc.too-large":     {"文件过大，不是%[1]s（超过 %[2]d KiB）", "too large for a %s (over %d KiB)"},
		"keyring.doc.not-json":      {"不是 qunshen 的%s（%s）", "not a qunshen %s (%s)"},
		"keyring.doc.format":        {"不是 qunshen 的%[1]s（格式为 %[2]s，应为 %[3]q）", "not a qunshen %s (format %s, want %q)"},
		"keyring.doc.version":       {"%[1]s的版本 %[2]s 不是本程序能读的（本程序读第 %[3]d 版）", "%s version %s is not one this qunshen reads (it reads version %d)"},
		"keyring.doc.damaged":       {"%s已损坏：%s", "damaged %s: %s"},
		"keyring.doc.trailing":      {"%s已损坏：%s之后还有内容", "damaged %s: more after the %s"},
		"keyring.doc.not-regular":   {"%s 不是普通文件：请写到一个文件", "%s: not a regular file: write it to a file"},
		"keyring.key.length":        {"密钥不是 %d 位十六进制数（%d 个字符）", "the key is not %d hex digits (%d characters)"},
		"keyring.key.hex":           {"密钥不是十六进制数：%s", "the key is not hex: %s"},
		"keyring.role":              {"未知的角色 %q（应为 admin、secretary、depthead、owner 或 supervisor）", "unknown role %q (want admin, secretary, depthead, owner or supervisor)"},
		"keyring.fingerprint.none":  {"没有指纹", "no fingerprint"},
		"keyring.fingerprint.other": {"指纹 %[1]q 不是该密钥的（%[2]s）：文件被改动或已损坏", "the fingerprint %q is not the key's (%s): the file was altered or damaged"},
		"keyring.field.name":        {"姓名", "name"},
		"keyring.field.branch":      {"支部", "branch"},
		"keyring.text.empty":        {"%s为空", "the %s is empty"},
		"keyring.text.long":         {"%s过长（%d 字节，最多 %d）", "the %s is too long (%d bytes, at most %d)"},
		"keyring.text.utf8":         {"%s不是 UTF-8", "the %s is not UTF-8"},
		"keyring.text.control":      {"%s %s 含有控制字符", "the %s %s has control characters"},
		"keyring.authority.no-date": {"没有生成时间（made）", "no date it was made (made)"},
		"keyring.designation.signature": {"签名不是指定机关 %[1]s（指纹 %[2]s）的：指定书被改动，或由其他密钥签名",
			"the signature is not that of the authority %s (fingerprint %s): the designation was altered, or signed by another key"},

		"keyring.event":         {"事件“%[1]s”（%[2]s）%[3]s（来源 %[4]s，指纹 %[5]s，序号 %[6]d）", "event %[2]s %[3]s (origin %[4]s, fingerprint %[5]s, sequence %[6]d)"},
		"keyring.event.refused": {"%s：%s", "%s: %s"},
		"keyring.event.record":  {"导入的第 %d 条记录：%s", "record %d of the import: %s"},
		"keyring.designated.none": {"本机不信任该来源的密钥，它也没有携带指定书",
			"this machine does not trust the key of its origin, and the origin carries no designation"},
		"keyring.designated.other-key": {"指定书 %[1]s 指定的是 %[2]s 的密钥（%[3]s），不是该来源的密钥（%[4]s）",
			"the designation %s names the key of %s (%s), not the key of this origin (%s)"},
		"keyring.designated.untrusted": {"指定书 %[1]s 由指定机关 %[2]s（指纹 %[3]s）签发，本机不信任该指定机关：请先用 qunshen trust --authority 信任其公钥文件",
			"the designation %s is signed by the authority %s (fingerprint %s), which this machine does not trust: run qunshen trust --authority on its file first"},
		"keyring.designated.authority-revoked": {"指定书 %[1]s 的指定机关 %[2]s 已于 %[3]s 在本机被撤销信任",
			"the designation %s is by the authority %s, whose trust was revoked here on %s"},
		"keyring.designated.role": {"事件自称角色 %[1]s，但指定书 %[2]s 指定的角色是 %[3]s",
			"the event claims the role %s, but the designation %s is of a %s"},
		"keyring.designated.register": {"登记与指定书 %[1]s 不符（应为 %[2]s，%[3]s）",
			"the registration does not match the designation %s (%s, %s)"},
	})
}
