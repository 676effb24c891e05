package ui

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// The index a Filter searches: the distinct texts of the rows and their pinyin keys, with
// character masks to skip what cannot match, and the search over it.

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
	texts [][]string  // the rows' texts, until built
	kinds []fieldKind // of the texts, by position

	tiers  []uint8  // of the strings at refs: the rank of a match in them
	bodies []string // of each row, its long texts in lower case, matched as they are; nil when none

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
		refs, masks, tiers := make([]int32, 0, n*6), make([]uint64, 0, n*6), make([]uint8, 0, n*6)
		var keys []*keyInfo
		var keyTiers []uint8
		for r, ts := range ix.texts {
			s := int32(len(refs))
			ix.start[r] = s
			keys, keyTiers = keys[:0], keyTiers[:0]
			for j, t := range ts {
				if t == "" {
					continue
				}
				kind := fieldText
				if j < len(ix.kinds) {
					kind = ix.kinds[j]
				}
				if kind == fieldBody {
					if ix.bodies == nil {
						ix.bodies = make([]string, n)
					}
					if ix.bodies[r] != "" {
						ix.bodies[r] += "\n"
					}
					ix.bodies[r] += strings.ToLower(t)
					continue
				}
				e := c.text(t)
				if id := ix.id(&e.slot, st, t, 0, 0); !slices.Contains(refs[s:], id) {
					refs, masks, tiers = append(refs, id), append(masks, e.mask), append(tiers, kind.tier())
				}
				if e.py != nil && kind != fieldID {
					if i := slices.Index(keys, e.py); i < 0 {
						keys, keyTiers = append(keys, e.py), append(keyTiers, kind.tier())
					} else {
						keyTiers[i] = max(keyTiers[i], kind.tier())
					}
				}
			}
			ix.py[r] = int32(len(refs))
			for i, k := range keys {
				refs, masks, tiers = append(refs, ix.id(&k.slot, st, k.s, k.words, k.pairs)), append(masks, k.mask), append(tiers, keyTiers[i])
			}
		}
		ix.tiers = tiers
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
// noMatch the matcher found no match, else the matcher's score plus scoreBias. A row's score
// adds the tier of the text matched, shifted above any score of the matcher.
const (
	noMatch   = 1
	scoreBias = 1 << 30
	tierShift = 12
	maxScore  = 1<<(tierShift-1) - 1
)

// clampScore keeps a matcher's score under the tiers' steps.
func clampScore(s int) int32 { return int32(min(max(s, -maxScore), maxScore)) }

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
	refs, masks, start, py, tiers := ix.refs, ix.masks, ix.start, ix.py, ix.tiers
	var inBody []bool // rows whose long texts hold the query
	lq := strings.ToLower(q)
	if ix.bodies != nil {
		inBody = make([]bool, len(ix.bodies))
	}
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
			body := inBody != nil && ix.bodies[r] != "" && strings.Contains(ix.bodies[r], lq)
			if body {
				inBody[r] = true
			}
			if !texts && !keys && !body {
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
							atomic.StoreInt32(&memo[id], clampScore(int(score))+scoreBias)
						} else if score, ok := pinyinMatch(pq, ix.strs[id]); ok {
							atomic.StoreInt32(&memo[id], clampScore(score)+scoreBias)
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
					if m := memo[refs[k]]; m > noMatch {
						best = max(best, m+int32(tiers[k])<<tierShift)
					}
				}
			}
			if inBody != nil && inBody[r] {
				best = max(best, scoreBias+int32(fieldBody.tier())<<tierShift)
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
