package ui

import (
	"fmt"
	"testing"
)

// A list not drawn yet that takes new rows before the cursor's row keeps its first row in
// sight: a violation recorded while the Violations pane was not shown comes at its top.
func TestListNotDrawnKeepsItsTop(t *testing.T) {
	l := NewList(func(s string) string { return s }, func(s string, w int) string { return s })
	var rows []string
	for i := range 20 {
		rows = append(rows, fmt.Sprintf("r%02d", i))
	}
	l.SetRows(rows)
	l.SetRows(append([]string{"new"}, rows...)) // the cursor stays on r00
	got := l.View(10, 5, nil)
	if len(got) != 5 || got[0] != "new" {
		t.Fatalf("drawn: %v", got)
	}
	if cur, _ := l.Current(); cur != "r00" {
		t.Fatalf("cursor on %q", cur)
	}
}
