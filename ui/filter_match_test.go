package ui

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"qunshen/internal/gen"
	"qunshen/model"
)

// The filter against a reference matcher, on generated members: narrowing, parallel search,
// pinyin keys, shapes.

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
