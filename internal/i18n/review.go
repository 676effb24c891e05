package i18n

// The faults of review that reach a person: a period, a scope or a calendar that cannot be
// read, a group or a post that does not exist.
func init() {
	add(map[string][2]string{
		"review.unknown-post":    {"没有信息 %q", "unknown post %q"},
		"review.unknown-group":   {"没有群组 %q", "unknown group %q"},
		"review.override.kind":   {"只有通过（approve）或审签（signoff）才能越过拦截，%s 不能", "only approve or signoff overrides block findings, not %s"},
		"review.override.reason": {"越过拦截须用 --reason 说明理由", "an override needs its reason (--reason)"},
		"review.override.none":   {"信息 %s 没有拦截级检查发现，无须越过拦截：去掉 --override", "post %s has no block finding to override: leave out --override"},
		"review.violation.rule":  {"策略中没有规则 %q", "the policy has no rule %q"},
		// The words told to the group when a post published is taken back without a retraction of its own.
		"outbox.retract.undone":     {"撤销通过", "approval undone"},
		"outbox.retract.disputed":   {"审核决定有争议，暂停发布", "decisions in dispute: publication suspended"},
		"outbox.retract.why":        {"%s：%s", "%s: %s"},
		"review.period.bad":         {"时段 %q：可用 week、month、quarter、year（或 last-week …）、2026-W23、2026-06、2026-Q2、2026，或 2026-06-01..2026-06-30", "period %q: want week, month, quarter, year (or last-week …), 2026-W23, 2026-06, 2026-Q2, 2026, or 2026-06-01..2026-06-30"},
		"review.period.backwards":   {"时段 %q 的结束早于开始", "period %q ends before it begins"},
		"review.scope.bad":          {"范围 %q：可用 all、group:群组编号 或 branch:支部名称", "scope %q: want all, group:ID or branch:NAME"},
		"review.calendar.utf8":      {"日历不是 UTF-8 文本", "the calendar is not UTF-8 text"},
		"review.calendar.fields":    {"第 %d 行：应为日期或 起..止，再写 holiday（休）或 workday（班）", "line %d: want a date or FROM..TO, then holiday or workday"},
		"review.calendar.kind":      {"第 %d 行：%q 既不是 holiday（休）也不是 workday（班）", "line %d: %q is neither holiday (休) nor workday (班)"},
		"review.calendar.date":      {"第 %d 行：%q 不是日期（YYYY-MM-DD）", "line %d: %q is not a date (YYYY-MM-DD)"},
		"review.calendar.backwards": {"第 %d 行：范围的结束早于开始", "line %d: the range ends before it starts"},
		"review.calendar.long":      {"第 %d 行：范围超过 %d 天", "line %d: a range of more than %d days"},
		"review.calendar.twice":     {"第 %d 行：%s 重复给出", "line %d: %s is given twice"},
		"review.calendar.read":      {"第 %d 行：%v", "line %d: %v"},
	})
}
