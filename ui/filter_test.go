package ui

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"qunshen/internal/gen"
	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
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

func TestPinyinKey(t *testing.T) {
	for _, c := range []struct{ in, key string }{
		{"曾志强", "zeng zhi qiang"},
		{"单海燕", "shan hai yan"},
		{"欧阳娜娜", "ou yang na na"},
		{"尉迟恭", "yu chi gong"},
		{"万俟雅琴", "mo qi ya qin"},
		{"长孙无忌", "zhang sun wu ji"},
		{"解晓东", "xie xiao dong"},
		{"仇国庆", "qiu guo qing"},
		{"朴海波", "piao hai bo"},
		{"查建华", "zha jian hua"},
		{"乐嘉怡", "yue jia yi"},
		{"区志明", "ou zhi ming"},
		{"盖丽华", "ge li hua"},
		{"陳明", "chen ming"},
		{"張偉", "zhang wei"},
		{"劉德華", "liu de hua"},
		{"黃曉明", "huang xiao ming"},
		{"單海燕", "shan hai yan"},
		{"歐陽娜娜", "ou yang na na"},
		{"第一党支部-曾志强", "di yi dang zhi bu zeng zhi qiang"},
		{"曾志强(办公室)", "zeng zhi qiang ban gong shi"},
		{"单位会议通知安排", "dan wei hui yi tong zhi an pai"}, // a title, not a name
		{"曾经的时光", "ceng jing de shi guang"},
		{"Team3 张伟", "team3 zhang wei"},
		{"张伟ABC x-1", "zhang wei abc x 1"},
		{"吕", "lv"},
		{"wx_abc", ""},
		{strings.Repeat("很长", 21), ""},
	} {
		if key := pinyinKey(c.in); key != c.key {
			t.Errorf("%s: %q, want %q", c.in, key, c.key)
		}
	}
}

func TestPinyinMatch(t *testing.T) {
	for _, c := range []struct {
		q, key string
		score  int
		ok     bool
	}{
		{"zw", "zhang wei", 20, true},
		{"zhw", "zhang wei", 20, true},
		{"zhangw", "zhang wei", 20, true},
		{"zhangwei", "zhang wei", 20, true},
		{"zhang", "zhang wei", 14, true},
		{"wei", "zhang wei", 4, true},
		{"zwg", "zhang wei", 0, false},
		{"zg", "zhang wei guo", 0, false}, // consecutive words only
		{"zhanwei", "zhan wei", 20, true},
		{"zhang", "zhan ghang", 20, true}, // zhan|g: the parts are any beginnings
		{"zhangha", "zhan ghang", 20, true},
		{"zhangx", "zhan ghang", 0, false},
		{"wfy", "di san dang zhi bu wang feng ying", 10, true},
		{"aab", "a ab", 20, true}, // a|ab, found by trying every cut
		{"b", "a ab", 0, false},
		{"x", "", 0, false},
	} {
		score, ok := pinyinMatch(c.q, c.key)
		if ok != c.ok || score != c.score {
			t.Errorf("%q in %q: %d %v, want %d %v", c.q, c.key, score, ok, c.score, c.ok)
		}
	}
}

// TestFuzzyShape checks that the fuzzy matcher cannot tell a text from its shape: same
// match, same score, same characters.
func TestFuzzyShape(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("abcxyzABCXYZ019_-. /\\#%&*+!:张伟王第三党支〇×·")
	pick := func(from []rune, n int) string {
		b := make([]rune, n)
		for i := range b {
			b[i] = from[rnd.IntN(len(from))]
		}
		return string(b)
	}
	patterns := []string{"ſ", "\u212A", "k", "#", "0", "a_", "王", "第三党", "〇", "×x"}
	for range 400 {
		patterns = append(patterns, pick(alphabet, 1+rnd.IntN(4)))
	}
	texts := append(alphabet, []rune("kKsSéÉ𠀀ſ")...)
	shaped := 0
	for _, p := range patterns {
		sh := shaperOf(p)
		for range 200 {
			s := pick(texts, rnd.IntN(16))
			b, ok := sh.shape(nil, s)
			if !ok {
				continue
			}
			shaped++
			want, got := fuzzy.Find(p, []string{s}), fuzzy.Find(p, []string{string(b)})
			if len(b) != len(s) || len(want) != len(got) || len(want) > 0 && (want[0].Score != got[0].Score ||
				!slices.Equal(want[0].MatchedIndexes, got[0].MatchedIndexes)) {
				t.Fatalf("%q in %q (shape %q): %v, shape %v", p, s, b, want, got)
			}
		}
	}
	if shaped < 30000 {
		t.Errorf("only %d shaped", shaped)
	}
	sh := shaperOf("x")
	for _, s := range []string{"éx", "a\x00x", "\xffx"} {
		if _, ok := sh.shape(nil, s); ok {
			t.Errorf("%q shaped", s)
		}
	}
	if b, ok := sh.shape(nil, "第三党支部-x张伟"); !ok || string(b) != "〇〇〇〇〇-x〇〇" {
		t.Errorf("shape %q %v", b, ok)
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

// fReference is the plain meaning of the filter: fuzzy over every text, and for a query of
// letters pinyin over the texts' pinyin (refPinyin); best score first, then the rows' order.
func fReference(rows []fRow, q string) []string {
	pq, py := pinyinQuery(q)
	type hit struct {
		i, score int
	}
	var hits []hit
	for i, r := range rows {
		best, ok := 0, false
		try := func(score int) {
			if !ok || score > best {
				best, ok = score, true
			}
		}
		for _, s := range fRowFields(r) {
			if s == "" {
				continue
			}
			if ms := fuzzy.Find(q, []string{s}); len(ms) > 0 {
				try(ms[0].Score)
			}
			if key := pinyinKey(s); py && key != "" {
				if score, ok := refPinyin(pq, key); ok {
					try(score)
				}
			}
		}
		if ok {
			hits = append(hits, hit{i, best})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return b.score - a.score })
	out := []string{}
	for _, h := range hits {
		out = append(out, rows[h.i].name)
	}
	return out
}

// refPinyin is pinyinMatch by trying every cut of the query.
func refPinyin(q, key string) (int, bool) {
	words := strings.Split(key, " ")
	n := len(words)
	for s := range words {
		if k := refWords(q, words[s:]); k > 0 {
			score := 5*k - (n - k)
			if s == 0 {
				score += 10
			}
			return score, true
		}
	}
	return 0, false
}

// refWords is the fewest words from the first whose beginnings q is made of, 0 if none.
func refWords(q string, words []string) int {
	best := 0
	for l := 1; len(words) > 0 && l <= len(q) && l <= len(words[0]) && q[:l] == words[0][:l]; l++ {
		if l == len(q) {
			return 1
		}
		if k := refWords(q[l:], words[1:]); k > 0 && (best == 0 || k+1 < best) {
			best = k + 1
		}
	}
	return best
}

var filterGenOnce = sync.OnceValues(func() ([]model.Member, error) {
	var buf bytes.Buffer
	if err := gen.Write(&buf, gen.Options{Posts: 0, Members: 50000, Groups: 40, Seed: 1}); err != nil {
		return nil, err
	}
	var out []model.Member
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if !bytes.Contains(sc.Bytes(), []byte(`"type":"member"`)) {
			continue
		}
		var m model.Member
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, sc.Err()
})

// filterMembers are the 50,000 members of the generator's seed 1.
func filterMembers(tb testing.TB) []model.Member {
	ms, err := filterGenOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return ms
}

func TestFilterNarrowing(t *testing.T) {
	ms := filterMembers(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	var rows []fRow
	for range 300 {
		m := ms[rnd.IntN(len(ms))]
		rows = append(rows, fRow{id: m.ID, name: m.Name + "·" + m.Nickname, group: m.Group})
	}
	rows = append(rows, fRows(fNames...)...)
	// queries: pinyin-ish letters, id characters, characters of the fNames, and spaces
	var han []rune
	for _, r := range rows {
		for _, c := range r.name {
			if isHan(c) {
				han = append(han, c)
			}
		}
	}
	letters := []rune("zhangweiqoudxyslmcbt_x-9 ")
	for range 200 {
		var q []rune
		for range 1 + rnd.IntN(7) {
			if rnd.IntN(4) == 0 {
				q = append(q, han[rnd.IntN(len(han))])
			} else {
				q = append(q, letters[rnd.IntN(len(letters))])
			}
		}
		f := newFRowFilter(rows)
		for k := 1; k <= len(q); k++ { // typed key by key: each search narrows the last
			fQuery(f, string(q[:k]))
		}
		typed := fShown(f)
		full := fQuery(newFRowFilter(rows), string(q))
		want := fReference(rows, string(q))
		if !slices.Equal(typed, full) || !slices.Equal(full, want) {
			t.Fatalf("%q: typed %v\nfull %v\nwant %v", string(q), typed, full, want)
		}
		// and back: deleting a character gives the shorter query's rows again
		if len(q) > 1 {
			back := fQuery(f, string(q[:len(q)-1]))
			if want := fReference(rows, string(q[:len(q)-1])); !slices.Equal(back, want) {
				t.Fatalf("%q back: %v, want %v", string(q), back, want)
			}
		}
	}
}

// TestFilterParallel searches enough rows that the work is shared among goroutines (run it
// with -race too).
func TestFilterParallel(t *testing.T) {
	ms := filterMembers(t)[:6000]
	rows := make([]fRow, len(ms))
	for i, m := range ms {
		rows[i] = fRow{id: m.ID, name: m.Name, group: m.Nickname}
	}
	f := newFRowFilter(rows)
	f.Start() // builds the index in the background
	for _, w := range []string{"zhang", "zw", "wx_a", "王", "第三党", "shy", "w", "ab"} {
		var cmds []tea.Cmd
		for k := range len([]rune(w)) { // typed fast: every command runs at once
			f.query = string([]rune(w)[:k+1])
			cmds = append(cmds, f.run())
		}
		msgs := make([]tea.Msg, len(cmds))
		var wg sync.WaitGroup
		for i, cmd := range cmds {
			wg.Go(func() { msgs[i] = cmd() })
		}
		wg.Wait()
		for _, m := range msgs {
			f.update(m.(filterMsg))
		}
		if got, want := fShown(f), fReference(rows, w); !slices.Equal(got, want) {
			t.Errorf("%q: %d rows, want %d", w, len(got), len(want))
		}
		// typed slowly: each search narrows the one before
		g := newFRowFilter(rows)
		for k := range len([]rune(w)) {
			fQuery(g, string([]rune(w)[:k+1]))
		}
		if got, want := fShown(g), fReference(rows, w); !slices.Equal(got, want) {
			t.Errorf("%q typed: %d rows, want %d", w, len(got), len(want))
		}
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
