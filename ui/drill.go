package ui

import (
	tea "charm.land/bubbletea/v2"
)

// A drill-down from the Reports pane: the posts, members or violations behind a figure,
// shown in their own pane instead of its usual list until Esc.

// drillSet is what a pane is narrowed to: ids (member keys in the roster) and the figure's
// label.
type drillSet struct {
	label string
	ids   []string
	in    map[string]bool
}

func newDrillSet(label string, ids []string) *drillSet {
	d := &drillSet{label: label, ids: ids, in: make(map[string]bool, len(ids))}
	for _, id := range ids {
		d.in[id] = true
	}
	return d
}

// keep reports whether a row stays: every row when there is no drill.
func (d *drillSet) keep(id string) bool { return d == nil || d.in[id] }

// drillable is a pane that a figure can narrow.
type drillable interface {
	setDrill(d *drillSet) tea.Cmd
	drilled() *drillSet
	// canClear reports whether Esc would clear the drill now (no detail zoomed, no filter).
	canClear() bool
}

// drillMsg carries the ids behind a figure to the pane that shows them.
type drillMsg struct {
	pane int // 0 pending, 1 roster, 2 violations, 4 groups
	set  *drillSet
}

// drillPane is the pane that shows a drill's target.
func drillPane(target string) int {
	switch target {
	case "members":
		return 1
	case "violations":
		return 2
	case "groups":
		return 4
	}
	return 0
}

// filterRows keeps the rows that the drill names.
func filterRows[T any](d *drillSet, rows []T, id func(T) string) []T {
	if d == nil {
		return rows
	}
	out := make([]T, 0, len(d.ids))
	for _, r := range rows {
		if d.in[id(r)] {
			out = append(out, r)
		}
	}
	return out
}
