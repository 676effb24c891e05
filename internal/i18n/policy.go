package i18n

// The faults of a policy file (qunshen policy check, --policy), each told with its file and
// line. The English texts are those of the faults' Error.
func init() {
	add(map[string][2]string{
		"review.policy.syntax":          {"语法错误：%s", "%s"},
		"review.policy.unknown-setting": {"未知的设置 %q", "unknown setting %q"},
		"review.policy.version":         {"版本 %d：本程序只读取第 1 版策略（“version = 1”）", "version %d: this qunshen reads policy version 1"},
		"review.policy.positive":        {"%s 必须是正数", "%s must be a positive number"},
		"review.policy.similarity":      {"“repeat_similarity” 必须大于 0、不超过 1", "repeat_similarity must be above 0 and at most 1"},
		"review.policy.no-id":           {"有一条规则没有编号（“id”）", "a rule without an id"},
		"review.policy.twice":           {"规则 %q 重复定义", "rule %q is defined twice"},
		"review.policy.no-category":     {"规则 %q 没有类别（“category”）", "rule %q has no category"},
		"review.policy.no-clause":       {"规则 %q 没有引用条款（“clause”）", "rule %q cites no clause"},
		"review.policy.severity":        {"规则 %q：级别 %q 不是 “block”、“escalate”、“warn”、“info” 之一", "rule %q: severity %q is not one of block, escalate, warn, info"},
		"review.policy.detector":        {"规则 %q：未知的检测器 %q（可用：%s）", "rule %q: unknown detector %q (known: %s)"},
		"review.policy.detector-terms":  {"规则 %q 既有检测器又有词语", "rule %q has both a detector and terms"},
		"review.policy.files-beside":    {"规则 %q：词表 %q 必须是策略文件所在文件夹中的文件", "rule %q: word list %q must be a file beside the policy"},
		"review.policy.files":           {"规则 %q：%v", "rule %q: %v"},
		"review.policy.no-terms":        {"规则 %q 既没有词语也没有检测器", "rule %q has neither terms nor a detector"},
		"review.policy.pair":            {"规则 %q：“subjects” 与 “near” 须同时给出：主词只在附近有 “near” 中的词时才命中", "rule %q: subjects and near go together: a subject trips the rule only near a term of near"},
		"review.policy.within":          {"规则 %q：“within” 须在 1 到 %d 个字之间", "rule %q: within must be between 1 and %d characters"},
		"review.policy.within-alone":    {"规则 %q：有 “within” 却没有 “subjects” 和 “near”", "rule %q: within without subjects and near"},
		"review.policy.empty-term":      {"规则 %q：词语 %q 没有文字或数字，什么也匹配不到", "rule %q: term %q has no letter or digit, it would match nothing"},
		"review.policy.type":            {"规则 %q：消息类型 %q：应为 “redpacket” 这样的名称，前后不带空格", "rule %q: message type %q: want a name such as redpacket, without spaces around it"},
		"review.policy.texts":           {"规则 %q 需要名称和说明（“zh”，以及 “en”）", "rule %q needs a name and an explanation (zh, and en)"},
		"review.policy.rule-kind":       {"规则 %q：未知的群组类型 %q", "rule %q: unknown group kind %q"},
		"review.policy.rule-ladder":     {"规则 %q：处理阶梯 %q：只能是 “top” 或不写", "rule %q: ladder %q: want \"top\" or nothing"},
		"review.policy.ladder-steps":    {"处理阶梯须有 “general” 和 “party” 两组步骤", "the ladder needs its general and party steps"},
		"review.policy.ladder-days":     {"“window_days” 和 “half_life_days” 必须是正数", "window_days and half_life_days must be positive"},
		"review.policy.kind":            {"未知的群组类型 %q", "unknown group kind %q"},
		"review.policy.kind-ladder":     {"“kinds.%s”：处理阶梯只能是 “general” 或 “party”", "kinds.%s: ladder must be general or party"},
		"review.policy.kind-rule":       {"“kinds.%s”：没有规则 %q", "kinds.%s: no rule %q"},
		"review.policy.kind-severity":   {"“kinds.%[1]s”：%[3]s 的级别 %[2]q 不是 “block”、“escalate”、“warn”、“info” 之一", "kinds.%[1]s: severity %[2]q of %[3]s is not one of block, escalate, warn, info"},
		"review.policy.utf8":            {"不是有效的 UTF-8 文本", "invalid UTF-8"},
	})
}
