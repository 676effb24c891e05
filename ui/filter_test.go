package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/keymap"
)

func filterTestCommon() *common {
	return &common{lang: i18n.ZH, km: keymap.New(i18n.ZH), styles: newStyles()}
}

type fRow struct{ id, name, group string }

func fRowFields(p fRow) []string { return []string{p.name, p.id, p.group} }

// fRows makes rows from fNames; their ids are u000, u001…, their group "g".
func fRows(ns ...string) []fRow {
	out := make([]fRow, len(ns))
	for i, n := range ns {
		out[i] = fRow{id: fmt.Sprintf("u%03d", i), name: n, group: "g"}
	}
	return out
}

func newFRowFilter(rows []fRow) *Filter[fRow] {
	l := NewList(func(p fRow) string { return p.id }, func(p fRow, w int) string { return p.name })
	l.SetRows(rows)
	return NewFilter(filterTestCommon(), l, fRowFields)
}

// query runs a query to the end, as the program would: the command, then its message.
func fQuery(f *Filter[fRow], q string) []string {
	f.query = q
	if cmd := f.run(); cmd != nil {
		f.update(cmd().(filterMsg))
	}
	return fShown(f)
}

func fShown(f *Filter[fRow]) []string {
	var out []string
	for i := range f.list.Len() {
		out = append(out, f.list.At(i).name)
	}
	return out
}

var fNames = []string{
	"张伟", "张卫国", "王伟", "曾志强", "陈志强", "单海燕", "丹海燕", "陳明", "欧阳娜娜", "欧娜",
	"解晓东", "仇国庆", "朴海波", "查建华", "乐嘉怡", "区志明", "盖丽华", "尉迟恭", "万俟雅琴",
	"长孙无忌", "張偉", "劉德華", "黃曉明", "李娜", "Zhang Wei", "第一党支部-曾志强",
}

func TestFilterPinyin(t *testing.T) {
	f := newFRowFilter(fRows(fNames...))
	for _, c := range []struct {
		q       string
		has     []string
		hasNot  []string
		exactly []string
	}{
		{q: "zw", has: []string{"张伟", "张卫国", "張偉", "Zhang Wei"}, hasNot: []string{"王伟"}},
		{q: "zhangwei", has: []string{"张伟", "张卫国", "張偉", "Zhang Wei"}, hasNot: []string{"王伟"}},
		{q: "zhangw", has: []string{"张伟", "張偉"}},
		{q: "zzq", has: []string{"曾志强", "第一党支部-曾志强"}, hasNot: []string{"陈志强"}},
		{q: "zengzhiqiang", has: []string{"曾志强"}},
		{q: "czq", has: []string{"陈志强"}, hasNot: []string{"曾志强", "第一党支部-曾志强"}},
		{q: "shy", has: []string{"单海燕"}, hasNot: []string{"丹海燕"}},
		{q: "shanhaiyan", exactly: []string{"单海燕"}},
		{q: "dhy", has: []string{"丹海燕"}, hasNot: []string{"单海燕"}},
		{q: "chenming", exactly: []string{"陳明"}},
		{q: "cm", has: []string{"陳明"}},
		{q: "oyn", has: []string{"欧阳娜娜"}, hasNot: []string{"欧娜"}},
		{q: "ouyang", exactly: []string{"欧阳娜娜"}},
		{q: "xxd", exactly: []string{"解晓东"}},
		{q: "qiuguoqing", exactly: []string{"仇国庆"}},
		{q: "piaohaibo", exactly: []string{"朴海波"}},
		{q: "zjh", exactly: []string{"查建华"}},
		{q: "yuejiayi", exactly: []string{"乐嘉怡"}},
		{q: "ouzhiming", exactly: []string{"区志明"}},
		{q: "glh", exactly: []string{"盖丽华"}},
		{q: "yuchi", exactly: []string{"尉迟恭"}},
		{q: "moqi", exactly: []string{"万俟雅琴"}},
		{q: "zhangsun", exactly: []string{"长孙无忌"}},
		{q: "ldh", exactly: []string{"劉德華"}},
		{q: "huangxiaoming", exactly: []string{"黃曉明"}},
		{q: "LDH", exactly: []string{"劉德華"}},
		{q: "li na", has: []string{"李娜"}},
		{q: "张伟", exactly: []string{"张伟"}},
		{q: "曾志", exactly: []string{"曾志强", "第一党支部-曾志强"}},
	} {
		got := fQuery(f, c.q)
		for _, n := range c.has {
			if !slices.Contains(got, n) {
				t.Errorf("%q: %s missing from %v", c.q, n, got)
			}
		}
		for _, n := range c.hasNot {
			if slices.Contains(got, n) {
				t.Errorf("%q: %s found in %v", c.q, n, got)
			}
		}
		if c.exactly != nil && !slices.Equal(got, c.exactly) {
			t.Errorf("%q: got %v, want %v", c.q, got, c.exactly)
		}
	}
}

func TestFilterLatin(t *testing.T) {
	rows := []fRow{
		{id: "wx_abc123", name: "张三", group: "g-party-1"},
		{id: "wx_zzab", name: "李四", group: "g-work-2"},
		{id: "qq_ab", name: "王五", group: "g-street-1"},
		{id: "wx_b9a", name: "赵六", group: "g-party-2"},
	}
	f := newFRowFilter(rows)
	if got := fQuery(f, "wx_ab"); !slices.Equal(got, []string{"张三", "李四"}) {
		t.Errorf("wx_ab: %v", got)
	}
	if got := fQuery(f, "WX_AB"); !slices.Equal(got, []string{"张三", "李四"}) {
		t.Errorf("WX_AB: %v", got)
	}
	if got := fQuery(f, "party"); !slices.Equal(got, []string{"张三", "赵六"}) {
		t.Errorf("party: %v", got)
	}
	if got := fQuery(f, "abc123"); !slices.Equal(got, []string{"张三"}) {
		t.Errorf("abc123: %v", got)
	}
	if got := fQuery(f, "nothing"); len(got) != 0 || f.list.shown == nil {
		t.Errorf("nothing: %v (shown %v)", got, f.list.shown)
	}
	if got := fQuery(f, ""); len(got) != 4 {
		t.Errorf("empty query shows %v", got)
	}
	// the best match first: "ab" is whole in qq_ab, leading wx_zzab, then the others in order
	got := fQuery(f, "ab")
	if len(got) != 3 || got[0] != "王五" {
		t.Errorf("ab: %v", got)
	}
	// case folding beyond ASCII: the Kelvin sign is a k to the matcher, and to the masks
	f = newFRowFilter([]fRow{{id: "x1", name: "\u212Aelvin"}, {id: "x2", name: "ſun"}})
	if got := fQuery(f, "kel"); !slices.Equal(got, []string{"\u212Aelvin"}) {
		t.Errorf("kel: %v", got)
	}
	if got := fQuery(f, "SUN"); !slices.Equal(got, []string{"ſun"}) {
		t.Errorf("SUN: %v", got)
	}
}

func TestFilterTies(t *testing.T) {
	f := newFRowFilter(fRows("李娜1", "李娜2", "李娜3", "王娜", "李娜4"))
	if got := fQuery(f, "李娜"); !slices.Equal(got, []string{"李娜1", "李娜2", "李娜3", "李娜4"}) {
		t.Errorf("ties keep the rows' order: %v", got)
	}
}

func TestFilterKeys(t *testing.T) {
	f := newFRowFilter(fRows(fNames...))
	f.Start()
	if !f.Active() {
		t.Fatal("not active")
	}
	for _, r := range "zzq" {
		cmd := f.key(tea.KeyPressMsg{Code: r, Text: string(r)})
		if cmd == nil {
			t.Fatalf("no command for %c", r)
		}
		f.update(cmd().(filterMsg))
	}
	if f.Query() != "zzq" || !slices.Equal(fShown(f), []string{"曾志强", "第一党支部-曾志强"}) {
		t.Errorf("typed zzq: %q %v", f.Query(), fShown(f))
	}
	if l := f.Line(40); !strings.Contains(ansi.Strip(l), "/zzq") {
		t.Errorf("line %q", l)
	}
	f.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	if f.Active() || f.Query() != "zzq" {
		t.Errorf("enter: active %v query %q", f.Active(), f.Query())
	}
	if l := ansi.Strip(f.Line(40)); l != "/zzq" {
		t.Errorf("line %q", l)
	}
	f.Start()
	f.key(tea.KeyPressMsg{Code: tea.KeyEscape})
	if f.Active() || f.Query() != "" || f.list.Len() != len(fNames) || f.Line(40) != "" {
		t.Errorf("esc: active %v query %q len %d", f.Active(), f.Query(), f.list.Len())
	}
}

func TestFilterStale(t *testing.T) {
	f := newFRowFilter(fRows(fNames...))
	f.query = "z"
	older := f.run()
	f.query = "zzq"
	newer := f.run()
	f.update(newer().(filterMsg))
	f.update(older().(filterMsg)) // comes last, must be dropped
	if got := fShown(f); !slices.Equal(got, []string{"曾志强", "第一党支部-曾志强"}) {
		t.Errorf("after a stale result: %v", got)
	}
	// another filter's result is dropped too
	g := newFRowFilter(fRows(fNames...))
	g.query = "ldh"
	msg := g.run()().(filterMsg)
	msg.gen = f.gen
	f.update(msg)
	if got := fShown(f); !slices.Equal(got, []string{"曾志强", "第一党支部-曾志强"}) {
		t.Errorf("after another filter's result: %v", got)
	}
	// a result after Clear is dropped
	f.query = "ldh"
	cmd := f.run()
	f.Clear()
	f.update(cmd().(filterMsg))
	if f.list.Len() != len(fNames) {
		t.Errorf("after clear: %v", fShown(f))
	}
}

func TestFilterRefresh(t *testing.T) {
	f := newFRowFilter(fRows(fNames[:10]...))
	if got := fQuery(f, "zzq"); !slices.Equal(got, []string{"曾志强"}) {
		t.Fatalf("zzq: %v", got)
	}
	before := len(f.keys.texts)
	f.list.SetRows(fRows(fNames...))
	cmd := f.Refresh()
	if cmd == nil {
		t.Fatal("no command")
	}
	f.update(cmd().(filterMsg))
	if got := fShown(f); !slices.Equal(got, []string{"曾志强", "第一党支部-曾志强"}) {
		t.Errorf("after refresh: %v", got)
	}
	// the ids u000… and the group were met before; the new fNames and ids are added
	if n := len(f.keys.texts); n != before+2*(len(fNames)-10) {
		t.Errorf("cache %d → %d", before, n)
	}
	// new rows without Refresh while a search runs: its result is not shown, the new rows
	// are searched
	f.query = "ldh"
	cmd = f.run()
	f.list.SetRows(fRows("劉德華", "张伟", "刘德华"))
	again := f.update(cmd().(filterMsg))
	if again == nil {
		t.Fatal("a result over the old rows was taken")
	}
	f.update(again().(filterMsg))
	if got := fShown(f); !slices.Equal(got, []string{"劉德華", "刘德华"}) {
		t.Errorf("after new rows: %v", got)
	}
	f.Clear()
	if f.Refresh() != nil {
		t.Error("refresh without a query made a command")
	}
}

func TestFilterHighlight(t *testing.T) {
	rows := []fRow{
		{id: "wx_abc", name: "张三伟", group: "g-1"},
		{id: "wx_\x1b[2J", name: "\xff李\u202e娜\n", group: "g-2"},
	}
	f := newFRowFilter(rows)
	hl := f.c.styles.hl
	if got := f.Highlight(rows[0], "张三伟"); got != "张三伟" {
		t.Errorf("no query: %q", got)
	}
	fQuery(f, "张伟")
	got := f.Highlight(rows[0], "张三伟")
	if want := hl.Render("张") + "三" + hl.Render("伟"); got != want {
		t.Errorf("张伟: %q, want %q", got, want)
	}
	if f.Highlight(rows[0], "wx_abc") != "wx_abc" {
		t.Error("a text the query did not match is marked")
	}
	if f.Highlight(rows[0], "张伟") != "张伟" {
		t.Error("a text not of the row is marked")
	}
	fQuery(f, "wxb")
	if got, want := f.Highlight(rows[0], "wx_abc"), hl.Render("wx")+"_a"+hl.Render("b")+"c"; got != want {
		t.Errorf("wxb: %q, want %q", got, want)
	}
	// by pinyin: the row is shown, the text is not marked
	fQuery(f, "zsw")
	if got := fShown(f); !slices.Equal(got, []string{"张三伟"}) {
		t.Errorf("zsw: %v", got)
	}
	if got := f.Highlight(rows[0], "张三伟"); got != "张三伟" {
		t.Errorf("pinyin match marked: %q", got)
	}
	// outside text stays inert and valid UTF-8, whatever is marked
	for _, c := range []struct{ q, text string }{
		{"李娜", rows[1].name}, {"[2j", rows[1].id}, {"娜", rows[1].name}, {"w", rows[1].id},
	} {
		fQuery(f, c.q)
		got := f.Highlight(rows[1], c.text)
		if !utf8.ValidString(got) {
			t.Errorf("%q: invalid UTF-8 %q", c.q, got)
		}
		plain := ansi.Strip(got)
		if plain != inert.Line(c.text) {
			t.Errorf("%q: %q is not the inert text %q", c.q, plain, inert.Line(c.text))
		}
		if strings.ContainsAny(plain, "\x1b\n\u202e") {
			t.Errorf("%q: not inert: %q", c.q, got)
		}
		if got == plain {
			t.Errorf("%q: nothing marked in %q", c.q, got)
		}
	}
	fQuery(f, "李娜")
	if got, want := f.Highlight(rows[1], rows[1].name), "\uFFFD"+hl.Render("李")+"⟦U+202E⟧"+hl.Render("娜")+"↵"; got != want {
		t.Errorf("李娜: %q, want %q", got, want)
	}
}

func TestFilterHighlightCache(t *testing.T) {
	rows := fRows("张伟", "王伟", "李娜")
	var f *Filter[fRow]
	l := NewList(func(p fRow) string { return p.id }, func(p fRow, w int) string { return f.Highlight(p, p.name) })
	l.SetRows(rows)
	f = NewFilter(filterTestCommon(), l, fRowFields)
	hl := f.c.styles.hl
	view := func() []string { return l.View(20, 5, nil) }
	if got := view(); ansi.Strip(got[0]) != "张伟" || got[0] != "张伟" {
		t.Fatalf("view %q", got)
	}
	fQuery(f, "伟")
	if got := view(); len(got) != 2 || got[0] != "张"+hl.Render("伟") || got[1] != "王"+hl.Render("伟") {
		t.Errorf("伟: %q", got)
	}
	fQuery(f, "王伟")
	if got := view(); len(got) != 1 || got[0] != hl.Render("王伟") {
		t.Errorf("王伟: %q", got)
	}
	fQuery(f, "伟") // back: the rows drawn under 王伟 are drawn again
	if got := view(); len(got) != 2 || got[1] != "王"+hl.Render("伟") {
		t.Errorf("伟 again: %q", got)
	}
	f.Clear()
	if got := view(); len(got) != 3 || got[0] != "张伟" || got[1] != "王伟" {
		t.Errorf("cleared: %q", got)
	}
}
