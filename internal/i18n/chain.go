package i18n

import (
	"time"

	"qunshen/internal/inert"
	"qunshen/model"
)

// The words of a group's responsibility chain (IW 第六条), as group show and the screen's group
// picker show it.
func init() {
	add(map[string][2]string{
		"chain.title":            {"%s 的责任链（IW 第六条）", "The responsibility chain of %s (IW 第六条)"},
		"chain.line":             {"  %s：%s", "  %s: %s"},
		"chain.first":            {"第一责任人", "first responsible"},
		"chain.managers":         {"直接管理", "managers"},
		"chain.supervisors":      {"监督", "supervisors"},
		"chain.designated":       {"%s（%s，指定书 %s）", "%s (%s, designation %s)"},
		"chain.designated-until": {"%s（%s，指定书 %s，至 %s）", "%s (%s, designation %s, until %s)"},
		"chain.group":            {"%s（%s，群组登记）", "%s (%s, group record)"},
		"chain.authority":        {"%s（%s）", "%s (%s)"},
	})
}

// ChainPerson names one person of a responsibility chain: name, role, and where the link
// comes from (a designation and the last day it holds, the group's record, the authority).
func ChainPerson(l Lang, r model.Responsible) string {
	role := roleName(l, r.Role)
	switch r.Source {
	case model.FromDesignation:
		if r.Until.IsZero() {
			return Tf(l, "chain.designated", inert.Line(r.Name), role, inert.Line(r.Serial))
		}
		return Tf(l, "chain.designated-until", inert.Line(r.Name), role, inert.Line(r.Serial), Day(r.Until.Add(-time.Nanosecond)))
	case model.FromGroup:
		return Tf(l, "chain.group", inert.Line(r.Name), role)
	}
	return Tf(l, "chain.authority", inert.Line(r.Name), role)
}

// Day shows the day of an instant to a person, in China time.
func Day(t time.Time) string { return t.In(chinaTime).Format(time.DateOnly) }
