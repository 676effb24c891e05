package i18n

// The faults and refusals of the service's actions on members, violations and applications
// (review/actions.go), for the screen and the command line alike.
func init() {
	add(map[string][2]string{
		"review.unknown-member":      {"群组 %[2]q 中没有成员 %[1]q", "no member %[1]q in group %[2]q"},
		"review.no-member":           {"没有成员 %q（任何群组中都没有）", "no member %q in any group"},
		"review.member-groups":       {"%[1]q 是多个群组（%[2]s）的成员：请用 --group 指明群组", "%[1]q is a member of several groups (%[2]s): name one with --group"},
		"review.unknown-violation":   {"没有违规记录 %q", "unknown violation %q"},
		"review.unknown-application": {"没有申请 %q", "unknown application %q"},
		"review.unknown-step":        {"处理阶梯上没有步骤 %q（可用：%s，或序号）", "no step %q on the member's ladder (want one of %s, or its number)"},
		"review.restore-violation":   {"恢复成员不针对违规记录 %q：请去掉 --violation", "a restoration answers no violation (%q): leave out --violation"},
		"review.violation-of-other":  {"违规记录 %[1]s 属于群组 %[3]s 的成员 %[2]s，不是群组 %[5]s 的成员 %[4]s", "violation %[1]s is of member %[2]s in group %[3]s, not of %[4]s in group %[5]s"},

		"why.feedback-notreport":  {"只有群众举报才有举报人需要反馈", "only a report has a reporter to tell"},
		"why.feedback-dismissed":  {"该举报已不予处理：应在不予处理时一并反馈举报人", "the report was dismissed: its reporter is told with the dismissal"},
		"why.application-decided": {"该申请已由 %s 作出决定，不能再次决定", "it was decided already, by %s"},
		"why.application-done":    {"该申请已作出决定，不能再次决定", "it was decided already"},
	})
}
