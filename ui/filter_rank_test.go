package ui

import (
	"fmt"
	"slices"
	"testing"
)

// mRow is a member as the roster finds it: a name, a nickname, an account id.
type mRow struct{ id, name, nick, body string }

func newMRowFilter(rows []mRow) *Filter[mRow] {
	l := NewList(func(r mRow) string { return r.id }, func(r mRow, w int) string { return r.name })
	l.SetRows(rows)
	return NewFilter(filterTestCommon(), l, func(r mRow) []string { return []string{r.name, r.nick, r.id, r.body} },
		fieldName, fieldName, fieldID, fieldBody)
}

func mQuery(f *Filter[mRow], q string) []string {
	f.query = q
	if cmd := f.run(); cmd != nil {
		f.update(cmd().(filterMsg))
	}
	var out []string
	for i := range f.list.Len() {
		out = append(out, f.list.At(i).name)
	}
	return out
}

// A query for a name finds the person before the accounts whose ids happen to hold its
// letters: /wy finds 王颖 first, though every wx_ id matches w and y.
func TestFilterRanksNamesBeforeIDs(t *testing.T) {
	var rows []mRow
	for i := range 40 {
		rows = append(rows, mRow{id: fmt.Sprintf("wx_%02dy%03d", i, i*7), name: fmt.Sprintf("成员%02d", i)})
	}
	rows = append(rows, mRow{id: "wx_k3f9a2bq", name: "王颖"}, mRow{id: "wx_pq", name: "李四", nick: "市财政局-王一"})
	got := mQuery(newMRowFilter(rows), "wy")
	if len(got) < 2 || got[0] != "王颖" || got[1] != "李四" {
		t.Fatalf("/wy: %v", got[:min(len(got), 5)])
	}
	if len(got) != 42 {
		t.Fatalf("/wy: %d rows, want the 40 ids too", len(got))
	}
}

// A long text is found where it holds the query as typed, case aside, and ranks after the
// names; a short query does not match it letter by letter.
func TestFilterFindsBodies(t *testing.T) {
	rows := []mRow{
		{id: "p1", name: "甲", body: "下周一起全市停水三天"},
		{id: "p2", name: "乙", body: "Water Supply resumes"},
		{id: "p3", name: "停水通知", body: ""},
		{id: "p4", name: "丙", body: "停 水"},
	}
	f := newMRowFilter(rows)
	if got := mQuery(f, "停水"); !slices.Equal(got, []string{"停水通知", "甲"}) {
		t.Errorf("/停水: %v", got)
	}
	if got := mQuery(f, "water"); !slices.Equal(got, []string{"乙"}) {
		t.Errorf("/water: %v", got)
	}
	if got := mQuery(f, "wsr"); len(got) != 0 {
		t.Errorf("/wsr matched a body letter by letter: %v", got)
	}
}
