package review

import (
	"strings"

	"qunshen/model"
)

// NicknameOK reports whether a member's nickname follows the group's rule: "branch+name"
// (所在党支部+姓名, PM 二(一)2) and "dept+name" (部门/社区+姓名, ST 二(一)2) want the member's
// branch (or the group's) and real name in it, "name" the real name; no rule, or one this
// version does not know, asks nothing. Both sides are compared normalised (no spaces or
// punctuation, traditional characters as simplified).
func NicknameOK(rule string, g model.Group, m model.Member) bool {
	nick := Normalize(m.Nickname)
	has := func(s string) bool { return strings.Contains(nick, Normalize(s)) }
	switch rule {
	case "branch+name", "dept+name":
		branch := m.Branch
		if branch == "" {
			branch = g.Branch
		}
		return has(m.Name) && has(branch)
	case "name":
		return has(m.Name)
	}
	return true
}
