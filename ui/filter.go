package ui

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"qunshen/internal/inert"
)

// Filter narrows a list as the user types after /. Matching runs in a command, off the
// screen's goroutine; a result for an older query is dropped.
//
// A row matches when any of its texts matches the query fuzzily (the characters of the
// query in order, not necessarily together; case does not matter, by sahilm/fuzzy), and a
// query of Latin letters also matches Chinese text by its pinyin, each part of the query the
// beginning of the reading of a character, of consecutive ones: "zw", "zhw", "zhangw" and
// "zhangwei" find 张伟 (see pinyinMatch). Rows come best match first, in their own order
// among equals.
//
// The texts of the rows are read (on the screen's goroutine) once per set of rows; their
// pinyin and character masks are computed once per distinct text, off the screen's
// goroutine, and kept across reloads. Each keystroke then skips every text that lacks a
// character of the query (by the masks), searches only the rows of the previous query when
// the query grew, and matches each distinct text (or pinyin) once.
type Filter[T any] struct {
	c      *common
	list   *List[T]
	fields func(T) []string
	input  textinput.Model
	active bool
	query  string
	gen    int

	keys  *textCache // masks and pinyin keys of texts, kept across reloads
	ix    *index     // over the rows below; nil until needed or after Refresh
	first *T         // the rows ix is over: their first element and number
	n     int

	hlq   string              // the query of the rows shown, for Highlight
	drawn map[string]struct{} // rows rendered through Highlight since hlq changed
}

// filterMsg is the result of one query.
type filterMsg struct {
	owner any
	gen   int
	idx   []int32
	q     string
	ix    *index // the rows searched
}

// NewFilter makes a filter over a list; fields are the texts of a row that the query matches.
func NewFilter[T any](c *common, l *List[T], fields func(T) []string) *Filter[T] {
	in := textinput.New()
	in.Prompt = "/"
	return &Filter[T]{c: c, list: l, fields: fields, input: in, keys: newTextCache(), drawn: map[string]struct{}{}}
}

// Active reports whether the filter has the keyboard.
func (f *Filter[T]) Active() bool { return f.active }

// Query is the query in force.
func (f *Filter[T]) Query() string { return f.query }

// Start gives the filter the keyboard, and prepares the index of the rows in the background.
func (f *Filter[T]) Start() {
	f.active = true
	f.input.SetValue(f.query)
	f.input.CursorEnd()
	f.input.Focus()
	go f.index().build()
}

// Clear drops the query.
func (f *Filter[T]) Clear() {
	f.query = ""
	f.active = false
	f.gen++
	f.list.Show(nil)
	f.setHighlight("")
}

// Refresh runs the query again over new rows (or rows whose texts changed). The pane must
// return (or batch) the command: the rows stay unfiltered until its result comes.
func (f *Filter[T]) Refresh() tea.Cmd {
	f.ix = nil
	if f.query == "" {
		return nil
	}
	return f.run()
}

func (f *Filter[T]) key(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, f.c.km.Confirm):
		f.active = false
		return nil
	case key.Matches(msg, f.c.km.Back):
		f.Clear()
		return nil
	}
	f.input, _ = f.input.Update(msg)
	if v := f.input.Value(); v != f.query {
		f.query = v
		return f.run()
	}
	return nil
}

func (f *Filter[T]) run() tea.Cmd {
	f.gen++
	gen, q := f.gen, f.query
	if q == "" {
		f.list.Show(nil)
		f.setHighlight("")
		return nil
	}
	ix := f.index()
	return func() tea.Msg {
		return filterMsg{owner: f, gen: gen, idx: ix.search(q), q: q, ix: ix}
	}
}

func (f *Filter[T]) update(msg filterMsg) tea.Cmd {
	if msg.owner != any(f) || msg.gen != f.gen {
		return nil // another list's, or an older query's
	}
	if msg.ix != f.ix || !f.indexed() {
		return f.run() // the rows changed (SetRows without Refresh): search them
	}
	f.list.Show(msg.idx)
	f.setHighlight(msg.q)
	return nil
}

// Line is the filter's line above the list, or "" when there is no query.
func (f *Filter[T]) Line(w int) string {
	if !f.active && f.query == "" {
		return ""
	}
	if f.active {
		return Cut(f.input.View(), w)
	}
	return Cut("/"+inert.Line(f.query), w)
}

// Highlight is one text of a row made safe to draw (as inert.Line(text)), with the
// characters that the query of the rows shown matched styled, when that query matched this
// very text of the row (by its characters, not by pinyin). A row renderer may call it in
// place of inert.Line; the filter forgets the rendering of the rows it drew when the query changes.
func (f *Filter[T]) Highlight(row T, text string) string {
	f.drawn[f.list.id(row)] = struct{}{}
	if f.hlq == "" || text == "" || !slices.Contains(f.fields(row), text) {
		return inert.Line(text)
	}
	ms := fuzzy.Find(f.hlq, []string{text})
	if len(ms) == 0 {
		return inert.Line(text)
	}
	at := ms[0].MatchedIndexes // byte offsets of the first byte of each rune matched
	var b, part strings.Builder
	on := false
	flush := func() {
		if part.Len() == 0 {
			return
		}
		if on {
			b.WriteString(f.c.styles.hl.Render(part.String()))
		} else {
			b.WriteString(part.String())
		}
		part.Reset()
	}
	k := 0
	eachDrawn(text, false, func(i int, drawn string) {
		for k < len(at) && at[k] < i {
			k++
		}
		if hit := k < len(at) && at[k] == i; hit != on {
			flush()
			on = hit
		}
		part.WriteString(drawn)
	})
	flush()
	return b.String()
}

// setHighlight sets the query Highlight marks, forgetting the rendering of the rows drawn
// under the previous one.
func (f *Filter[T]) setHighlight(q string) {
	if q == f.hlq {
		return
	}
	f.hlq = q
	for id := range f.drawn {
		f.list.Invalidate(id)
	}
	clear(f.drawn)
}

// indexed reports whether f.ix is over the list's rows as they are.
func (f *Filter[T]) indexed() bool {
	rows := f.list.Rows()
	var first *T
	if len(rows) > 0 {
		first = &rows[0]
	}
	return f.ix != nil && f.first == first && f.n == len(rows)
}

// index is the index over the list's rows, made anew when the rows changed: their texts are
// read here, on the screen's goroutine (a fields function reads the pane), the rest is built
// by the first command that needs it.
func (f *Filter[T]) index() *index {
	if f.indexed() {
		return f.ix
	}
	rows := f.list.Rows()
	var first *T
	if len(rows) > 0 {
		first = &rows[0]
	}
	texts := make([][]string, len(rows))
	for i, r := range rows {
		texts[i] = f.fields(r)
	}
	f.ix, f.first, f.n = &index{cache: f.keys, texts: texts}, first, len(rows)
	return f.ix
}

// textCache holds what a filter computed about each text (and pinyin key), across reloads
// of the rows.
type textCache struct {
	mu    sync.Mutex
	texts map[string]*textInfo
	keys  map[string]*keyInfo // pinyin keys, shared by the texts that read alike
	stamp uint32              // the index being built
}

// slot is a string's position among the strings of the index being built, when its stamp
// is that index's.
type slot struct {
	stamp uint32
	id    int32
}

type textInfo struct {
	slot
	mask uint64
	py   *keyInfo // the pinyin key, nil when the text has none
}

type keyInfo struct {
	slot
	s     string
	mask  uint64 // its letters' bits, and the first letters' of its words shifted by headShift
	words int32
	pairs uint64 // pairBit of the first two letters of each word, and of each two words' first
}

// pairBit is the bit of two letters in keyInfo.pairs. The first two letters of a query for
// pinyin are the first two of a word, or the first letters of two words one after the other:
// a key without their bit cannot match.
func pairBit(a, b byte) uint64 { return 1 << ((uint32(a)*37 + uint32(b)) * 2654435761 >> 26) }

// headShift places the mask of the first letters of the words of a pinyin key above the bits
// of ASCII letters and digits, which are the only ones a key's characters have (with the
// space's, which no query for pinyin has).
const headShift = 36

func newTextCache() *textCache {
	return &textCache{texts: map[string]*textInfo{}, keys: map[string]*keyInfo{}}
}

func (c *textCache) text(s string) *textInfo {
	if e := c.texts[s]; e != nil {
		return e
	}
	e := &textInfo{mask: maskOf(s)}
	if key := pinyinKey(s); key != "" {
		e.py = c.key(key)
	}
	c.texts[s] = e
	return e
}

func (c *textCache) key(s string) *keyInfo {
	if k := c.keys[s]; k != nil {
		return k
	}
	k := &keyInfo{s: s, mask: maskOf(s) &^ asciiBits[' '], words: int32(strings.Count(s, " ") + 1)}
	prev := byte(0) // the first letter of the word before
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i-1] != ' ' {
			continue
		}
		k.mask |= (asciiBits[s[i]&0x7f] & (1<<26 - 1)) << headShift
		if i+1 < len(s) && s[i+1] != ' ' {
			k.pairs |= pairBit(s[i], s[i+1])
		}
		if prev != 0 {
			k.pairs |= pairBit(prev, s[i])
		}
		prev = s[i]
	}
	c.keys[s] = k
	return k
}

// index is what a search runs over: the distinct texts and pinyin keys of the rows (strs)
// with their masks, and for each row the positions of its texts, then of their pinyin keys.
type index struct {
	once  sync.Once
	cache *textCache
	texts [][]string // the rows' texts, until built

	strs  []string
	words []int32  // of the pinyin keys in strs, their number of words
	pairs []uint64 // of the pinyin keys in strs, keyInfo.pairs
	refs  []int32  // positions in strs
	masks []uint64 // of the strings at refs
	start []int32  // row r: texts at refs[start[r]:py[r]], pinyin keys at refs[py[r]:start[r+1]]
	py    []int32
	// row r: the masks of its texts together at rowMasks[2r], of its pinyin keys at 2r+1
	rowMasks []uint64
	all      []int32 // every row

	mu   sync.Mutex
	done map[string]*result // recent queries, to narrow from and to come back to
	fifo []string
	memo sync.Pool // of *[]int32, len(strs)
}

// result is the rows a query matched, in the rows' order (set) and best first (order).
type result struct{ set, order []int32 }

const keepResults = 16

// id is the position of a string in strs, added when met first in this build.
func (ix *index) id(sl *slot, st uint32, s string, words int32, pairs uint64) int32 {
	if sl.stamp != st {
		sl.stamp, sl.id = st, int32(len(ix.strs))
		ix.strs = append(ix.strs, s)
		ix.words = append(ix.words, words)
		ix.pairs = append(ix.pairs, pairs)
	}
	return sl.id
}

// build computes the index once; the texts met for the first time get their keys now.
func (ix *index) build() {
	ix.once.Do(func() {
		c := ix.cache
		c.mu.Lock()
		defer c.mu.Unlock()
		c.stamp++
		st := c.stamp
		n := len(ix.texts)
		ix.start = make([]int32, n+1)
		ix.py = make([]int32, n)
		refs, masks := make([]int32, 0, n*6), make([]uint64, 0, n*6)
		var keys []*keyInfo
		for r, ts := range ix.texts {
			s := int32(len(refs))
			ix.start[r] = s
			keys = keys[:0]
			for _, t := range ts {
				if t == "" {
					continue
				}
				e := c.text(t)
				if id := ix.id(&e.slot, st, t, 0, 0); !slices.Contains(refs[s:], id) {
					refs, masks = append(refs, id), append(masks, e.mask)
				}
				if e.py != nil && !slices.Contains(keys, e.py) {
					keys = append(keys, e.py)
				}
			}
			ix.py[r] = int32(len(refs))
			for _, k := range keys {
				refs, masks = append(refs, ix.id(&k.slot, st, k.s, k.words, k.pairs)), append(masks, k.mask)
			}
		}
		ix.start[n] = int32(len(refs))
		ix.refs, ix.masks = refs, masks
		ix.rowMasks = make([]uint64, 2*n)
		for r := range n {
			for k := ix.start[r]; k < ix.start[r+1]; k++ {
				if k < ix.py[r] {
					ix.rowMasks[2*r] |= masks[k]
				} else {
					ix.rowMasks[2*r+1] |= masks[k]
				}
			}
		}
		ix.all = make([]int32, n)
		for r := range ix.all {
			ix.all[r] = int32(r)
		}
		ix.texts = nil
		// forget the texts of rows long gone
		if len(c.texts)+len(c.keys) > 2*len(ix.strs)+4096 {
			for t, e := range c.texts {
				if e.stamp != st {
					delete(c.texts, t)
				}
			}
			for k, e := range c.keys {
				if e.stamp != st {
					delete(c.keys, k)
				}
			}
		}
	})
}

// Scores in the memo of a search: 0 not tried (the string lacks a character of the query),
// noMatch the matcher found no match, else the matcher's score plus scoreBias.
const (
	noMatch   = 1
	scoreBias = 1 << 30
)

// search is the rows matching q, best first. A row's score is the best of its texts': by
// the fuzzy matcher, or for a query of letters by pinyinMatch on their pinyin.
func (ix *index) search(q string) []int32 {
	ix.build()
	pq, usePy := pinyinQuery(q)
	ix.mu.Lock()
	if r, ok := ix.done[q]; ok {
		ix.mu.Unlock()
		return r.order
	}
	// A row matching q matches every prefix of q (the matcher finds the characters in
	// order; pinyinMatch the beginnings of words), so the rows of the longest prefix
	// searched are the only candidates; but a search with pinyin cannot narrow one without.
	var base *result
	for p := q; base == nil && p != ""; {
		_, size := utf8.DecodeLastRuneInString(p)
		p = p[:len(p)-size]
		if r, ok := ix.done[p]; ok {
			if _, py := pinyinQuery(p); py || !usePy {
				base = r
			}
		}
	}
	ix.mu.Unlock()

	rows := ix.all
	if base != nil {
		rows = base.set
	}
	qm, pm, pair := maskOf(q), uint64(0), ^uint64(0)
	if usePy {
		pm = maskOf(pq) | asciiBits[pq[0]]<<headShift
		if len(pq) > 1 {
			pair = pairBit(pq[0], pq[1])
		}
	}
	mp, _ := ix.memo.Get().(*[]int32)
	if mp == nil {
		m := make([]int32, len(ix.strs))
		mp = &m
	}
	memo := *mp
	defer func() {
		clear(memo)
		ix.memo.Put(mp)
	}()
	refs, masks, start, py := ix.refs, ix.masks, ix.start, ix.py
	// The rows go in parts to as many goroutines as there are processors: each string is
	// tried once (the first to claim it in memo does), the pinyin at once, the texts after,
	// by the fuzzy matcher, all together.
	w := partsFor(len(rows))
	todos := make([][]int32, w)
	cands := make([][]int32, w) // the rows with a string tried
	inParts(len(rows), w, func(part, lo, hi int) {
		var todo, cand []int32
		for _, r := range rows[lo:hi] {
			texts, keys := ix.rowMasks[2*r]&qm == qm, usePy && ix.rowMasks[2*r+1]&pm == pm
			if !texts && !keys {
				continue
			}
			cand = append(cand, r)
			s, p := start[r], py[r]
			for k := s; texts && k < p; k++ {
				if masks[k]&qm == qm {
					if id := refs[k]; claim(memo, id) {
						todo = append(todo, id)
					}
				}
			}
			for k, e := p, start[r+1]; keys && k < e; k++ {
				if masks[k]&pm == pm {
					if id := refs[k]; ix.pairs[id]&pair != 0 && claim(memo, id) {
						if len(pq) == 1 { // the mask has found the word: pinyinMatch's score
							key, n := ix.strs[id], ix.words[id]
							score := 5 - (n - 1)
							if key[0] == pq[0] {
								score += 10
							}
							atomic.StoreInt32(&memo[id], score+scoreBias)
						} else if score, ok := pinyinMatch(pq, ix.strs[id]); ok {
							atomic.StoreInt32(&memo[id], int32(score)+scoreBias)
						}
					}
				}
			}
		}
		todos[part], cands[part] = todo, cand
	})
	ix.match(memo, q, slices.Concat(todos...))
	hitsIn, scoresIn := make([][]int32, w), make([][]int32, w)
	inParts(w, w, func(part, _, _ int) {
		cand := cands[part]
		hits, scores := make([]int32, 0, len(cand)), make([]int32, 0, len(cand))
		for _, r := range cand {
			s, p, e := start[r], py[r], py[r]
			if usePy {
				e = start[r+1]
			}
			best := int32(0)
			for k := s; k < e; k++ {
				if k >= p || masks[k]&qm == qm {
					best = max(best, memo[refs[k]])
				}
			}
			if best > noMatch {
				hits = append(hits, r)
				scores = append(scores, best)
			}
		}
		hitsIn[part], scoresIn[part] = hits, scores
	})
	hits, scores := slices.Concat(hitsIn...), slices.Concat(scoresIn...)
	if hits == nil {
		hits = []int32{}
	}
	res := &result{set: hits, order: rank(hits, scores)}
	ix.mu.Lock()
	if ix.done == nil {
		ix.done = map[string]*result{}
	}
	if _, ok := ix.done[q]; !ok {
		if len(ix.fifo) >= keepResults {
			delete(ix.done, ix.fifo[0])
			ix.fifo = ix.fifo[1:]
		}
		ix.done[q] = res
		ix.fifo = append(ix.fifo, q)
	}
	ix.mu.Unlock()
	return res.order
}

// claim marks the string id as tried, telling whether it was not yet.
func claim(memo []int32, id int32) bool {
	return atomic.LoadInt32(&memo[id]) == 0 && atomic.CompareAndSwapInt32(&memo[id], 0, noMatch)
}

// partsFor is the number of parts to cut n rows in: one a processor, one when they are few.
func partsFor(n int) int {
	if n < 4096 {
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// inParts runs f over [0, n) cut in w parts, in goroutines, and returns when all are done.
func inParts(n, w int, f func(part, lo, hi int)) {
	var wg sync.WaitGroup
	for p := range w - 1 {
		wg.Go(func() { f(p, n*p/w, n*(p+1)/w) })
	}
	f(w-1, n*(w-1)/w, n)
	wg.Wait()
}

// strsAt is the strings at some positions, for the fuzzy matcher.
type strsAt struct {
	strs []string
	ids  []int32
}

func (s strsAt) String(i int) string { return s.strs[s.ids[i]] }
func (s strsAt) Len() int            { return len(s.ids) }

// match runs the fuzzy matcher on the strings at ids, recording the scores in memo. The
// strings go in chunks to as many goroutines as there are processors; only one string of
// each shape is matched (see shaper), and of those without a shape only those that may hold
// the characters of the pattern in order.
func (ix *index) match(memo []int32, pattern string, ids []int32) {
	const chunk = 512
	parts := slices.Collect(slices.Chunk(ids, chunk))
	in, sh := inOrderOf(pattern), shaperOf(pattern)
	ascii := true // then shaping a text costs no more than the test of inOrder
	for i := 0; i < len(pattern); i++ {
		ascii = ascii && pattern[i] < utf8.RuneSelf
	}
	var next atomic.Int32
	work := func() {
		var (
			direct []int32 // strings matched as they are
			seen   = map[string]int32{}
			shapes []string
			shaped []int32 // pairs: a string, the position of its shape in shapes
			buf    []byte
		)
		for {
			i := int(next.Add(1)) - 1
			if i >= len(parts) {
				break
			}
			for _, id := range parts[i] {
				s := ix.strs[id]
				if !ascii && !in.may(s) {
					continue
				}
				var ok bool
				if buf, ok = sh.shape(buf[:0], s); !ok {
					if !ascii || in.may(s) {
						direct = append(direct, id)
					}
					continue
				}
				k, found := seen[string(buf)]
				if !found {
					k = int32(len(shapes))
					shapes = append(shapes, string(buf))
					seen[shapes[k]] = k
				}
				shaped = append(shaped, id, k)
			}
		}
		for c := range slices.Chunk(direct, chunk) {
			for _, m := range fuzzy.FindFromNoSort(pattern, strsAt{ix.strs, c}) {
				memo[c[m.Index]] = int32(m.Score) + scoreBias
			}
		}
		scores := make([]int32, len(shapes))
		for lo := 0; lo < len(shapes); lo += chunk {
			for _, m := range fuzzy.FindNoSort(pattern, shapes[lo:min(lo+chunk, len(shapes))]) {
				scores[lo+m.Index] = int32(m.Score) + scoreBias
			}
		}
		for j := 0; j < len(shaped); j += 2 {
			if score := scores[shaped[j+1]]; score != 0 {
				memo[shaped[j]] = score
			}
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(parts)/4+1) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

// shaper gives a text the shape the fuzzy matcher sees of it for one pattern, so that texts
// of one shape are matched once. The matcher compares each character with the pattern's
// (ignoring case) and looks at the character before a match (a separator? a lower-case
// letter before an upper-case match?), at byte positions and at the length. So the shape
// keeps the characters equal to the pattern's and the separators; puts one letter for every
// other lower-case ASCII letter, one other character for the rest of ASCII (or the letter for
// all of them when no upper-case character matches), and one caseless character of the same
// length for every other caseless character (Han, mostly). Ids such as wx_k3f9a2bq, or the
// names of one surname for a query of it, come in a few shapes.
type shaper struct {
	ok           bool
	keep         [utf8.RuneSelf]bool // ASCII
	keepRunes    []rune              // the others
	lower, other byte
	caseless     [utf8.UTFMax + 1]string // by length in bytes, from 2
}

func shaperOf(pattern string) shaper {
	var sh shaper
	for _, c := range []byte(fuzzySeparators) {
		sh.keep[c] = true
	}
	for _, r := range pattern {
		if r == 0 || r == utf8.RuneError {
			return shaper{}
		}
		f := r
		for {
			if f < utf8.RuneSelf {
				sh.keep[f] = true
			} else {
				sh.keepRunes = append(sh.keepRunes, f)
			}
			if f = unicode.SimpleFold(f); f == r {
				break
			}
		}
	}
	for c := byte('a'); c <= 'z' && sh.lower == 0; c++ {
		if !sh.keep[c] {
			sh.lower = c
		}
	}
	for _, c := range []byte("#%&*+0123456789") {
		if !sh.keep[c] {
			sh.other = c
			break
		}
	}
	for _, r := range []rune("×÷〇〆𠀀𠀁") {
		if n := utf8.RuneLen(r); sh.caseless[n] == "" && !slices.Contains(sh.keepRunes, r) {
			sh.caseless[n] = string(r)
		}
	}
	sh.ok = sh.lower != 0 && sh.other != 0
	return sh
}

// fuzzySeparators are the characters after which sahilm/fuzzy gives a match a bonus.
const fuzzySeparators = "/-_ .\\"

// shape appends the shape of s to buf; false when s has a character the shape does not
// stand for (invalid UTF-8, a NUL, where the matcher stops, a letter not ASCII).
func (sh *shaper) shape(buf []byte, s string) ([]byte, bool) {
	if !sh.ok {
		return buf, false
	}
	upper := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0:
			return buf, false
		case c < utf8.RuneSelf && sh.keep[c]:
			buf = append(buf, c)
			upper = upper || c >= 'A' && c <= 'Z'
		case c >= 'a' && c <= 'z':
			buf = append(buf, sh.lower)
		case c < utf8.RuneSelf:
			buf = append(buf, sh.other)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && n == 1:
				return buf, false
			case slices.Contains(sh.keepRunes, r):
				buf = append(buf, s[i:i+n]...)
				upper = upper || unicode.IsUpper(r)
			case sh.caseless[n] != "" && (noCase(r) ||
				unicode.SimpleFold(r) == r && !unicode.IsLower(r) && !unicode.IsUpper(r)):
				buf = append(buf, sh.caseless[n]...)
			default:
				return buf, false
			}
			i += n
			continue
		}
		i++
	}
	if !upper {
		for i, c := range buf {
			if c == sh.other {
				buf[i] = sh.lower
			}
		}
	}
	return buf, true
}

// inOrder is a quick test of whether a text holds the characters of a pattern in order,
// which the fuzzy matcher needs for a match. It is made for patterns of ASCII characters and
// characters without case; for others it lets every text through.
type inOrder struct {
	chars []inChar
	all   bool // the test does not apply
}

// inChar is a character of a pattern: an ASCII letter, in either case, or a character s.
type inChar struct {
	lo, up byte
	s      string
}

func inOrderOf(pattern string) inOrder {
	var in inOrder
	for _, r := range pattern {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			lo, up := r|0x20, r&^0x20
			if lo == 'k' || lo == 's' { // also the Kelvin sign, the long s
				return inOrder{all: true}
			}
			in.chars = append(in.chars, inChar{lo: byte(lo), up: byte(up)})
		case r < utf8.RuneSelf, r != utf8.RuneError && (noCase(r) || unicode.SimpleFold(r) == r):
			in.chars = append(in.chars, inChar{s: string(r)})
		default:
			return inOrder{all: true}
		}
	}
	return in
}

// may is false when s does not hold the characters in order.
func (in inOrder) may(s string) bool {
	if in.all {
		return true
	}
	at := 0
	for _, c := range in.chars {
		if c.s == "" {
			i := strings.IndexByte(s[at:], c.lo)
			if j := strings.IndexByte(s[at:], c.up); j >= 0 && (i < 0 || j < i) {
				i = j
			}
			if i < 0 {
				return false
			}
			at += i + 1
			continue
		}
		i := strings.Index(s[at:], c.s)
		if i < 0 {
			return false
		}
		at += i + len(c.s)
	}
	return true
}

// rank orders rows by score, highest first, keeping the rows' order among equal scores.
func rank(rows, scores []int32) []int32 {
	out := make([]int32, len(rows))
	if len(rows) == 0 {
		return out
	}
	lo, hi := slices.Min(scores), slices.Max(scores)
	if hi-lo > 1<<16 {
		idx := make([]int, len(rows))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return int(scores[b]) - int(scores[a]) })
		for i, k := range idx {
			out[i] = rows[k]
		}
		return out
	}
	// counting sort: pos[hi-s] is where the next row of score s goes
	pos := make([]int32, hi-lo+2)
	for _, s := range scores {
		pos[hi-s+1]++
	}
	for i := 1; i < len(pos); i++ {
		pos[i] += pos[i-1]
	}
	for i, s := range scores {
		out[pos[hi-s]] = rows[i]
		pos[hi-s]++
	}
	return out
}

// pinyinQuery is the query to match pinyin keys with, when the query is Latin letters (and
// spaces, dropped): lower case letters.
func pinyinQuery(q string) (string, bool) {
	b := make([]byte, 0, len(q))
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case c == ' ':
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			b = append(b, c|0x20)
		default:
			return "", false
		}
	}
	return string(b), len(b) > 0
}

// The mask of a text has a bit for each character it holds: one for each ASCII letter (either
// case) and digit, the others hashed into the remaining 28 bits. A text whose mask lacks a bit
// of the query's cannot match it.
var asciiBits = func() (t [utf8.RuneSelf]uint64) {
	for c := range rune(utf8.RuneSelf) {
		switch {
		case c >= 'a' && c <= 'z':
			t[c] = 1 << (c - 'a')
		case c >= 'A' && c <= 'Z':
			t[c] = 1 << (c - 'A')
		case c >= '0' && c <= '9':
			t[c] = 1 << (26 + c - '0')
		default:
			t[c] = hashBit(c)
		}
	}
	return
}()

func hashBit(r rune) uint64 { return 1 << (36 + (uint32(r)*2654435761>>16)%28) }

// runeBit is the bit of a character; characters the matcher takes as equal (by Unicode case
// folding: K, k and the Kelvin sign) share it.
func runeBit(r rune) uint64 {
	if r < utf8.RuneSelf && r >= 0 {
		return asciiBits[r]
	}
	if noCase(r) {
		return hashBit(r)
	}
	c := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		c = min(c, f)
	}
	if c < utf8.RuneSelf && c >= 0 {
		return asciiBits[c]
	}
	return hashBit(c)
}

// noCase reports whether r is in the CJK, Hangul or supplementary ideographic ranges, where
// no character has a case.
func noCase(r rune) bool {
	return r >= 0x2E80 && r <= 0xA48F || r >= 0xAC00 && r <= 0xD7AF || r >= 0x20000 && r <= 0x3FFFF
}

func maskOf(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			m |= asciiBits[c]
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		m |= runeBit(r)
		i += size
	}
	return m
}
