package review

import (
	"cmp"
	"slices"
	"sync"
)

// Matcher finds every occurrence of a set of terms in normalised text.
//
// Matching happens in the normalised stream (see Normalize): separators (spaces, punctuation,
// emoji, zero-width characters, invalid bytes…) between the characters of a term do not stop
// it from matching, letters and digits do (加 微-信 matches 加微信, 加油微信 does not). A term
// matches anywhere in that stream, without regard to word boundaries: "qq" matches in "qq123"
// and in "QQ群", "vx" in "ＶＸ号"; false positives are the business of the allow-list of the
// policy, not of the matcher.
//
// How: FindAll decodes and normalises the text through a table, a chunk of runes at a time, into
// a small buffer of normalised runes and their byte offsets (pooled, with the runes before the
// chunk kept as history as long as the longest term); there is no intermediate string. Terms
// are anchored at their end: every term of two runes or more is filed under its last two runes
// (its end bigram), one-rune terms under their rune. A second pass over the chunk tests each
// position against a bitset of the one-rune terms and a Bloom filter keyed by the end bigram,
// whose word also tells whether a longer term ends with the last three runes; one load rejects
// most positions of real text. Only the positions that pass are looked up in a hash table,
// whose bucket holds the terms of that end bigram sorted by their reversed runes, and the
// bucket is narrowed rune by rune, walking back through the buffer, by binary search (a linear
// scan for small ranges): a huge bucket (11,000 URL terms ending in "om" in a real list) costs a
// few probes per rune, not a scan.
//
// A Matcher is immutable once built and safe for use by many goroutines at once.
type Matcher struct {
	terms []string
	hist  int       // normalised runes kept before a chunk: ≥ the longest term, ≥ 2
	chunk int       // normalised runes decoded at a time: ≥ hist, so that keeping costs little
	bufs  sync.Pool // *matchBuf

	single     *[1024]uint64 // bit c&0xFFFF set: a one-rune term may be c
	bloom      []uint64      // blocked Bloom filter over the end bigrams and trigrams
	bloomShift uint

	slots     []matchSlot // open addressing, key → ents[lo:hi]
	slotShift uint
	slotMask  uint64

	ents  []matchPattern // grouped by key, each group sorted by reversed runes
	runes []rune         // reversed runes of every pattern
	ids   []int32        // term ids of every pattern, ascending
}

// Match is one occurrence: the term id and the byte span [Start, End) in the original text,
// from the start of the first rune that belongs to the match to the end of the last one.
type Match struct {
	Term       int32
	Start, End int
}

// matchPattern is one distinct normalised term.
type matchPattern struct {
	off, n     uint32 // runes[off:off+n]: the normalised runes, last first
	idLo, idHi uint32 // ids[idLo:idHi]: the terms that normalise to it
}

// matchSlot is an entry of the hash table; key 0 marks an empty slot.
type matchSlot struct {
	key    uint64
	lo, hi uint32
}

// matchBuf is the scratch space of a FindAll call.
type matchBuf struct {
	rs   []rune  // normalised runes: hist of history, then a chunk
	st   []int   // the byte offset in the text of the original rune of each
	cand []int32 // chunk positions where a term may end: j<<2 | 1 (one-rune term) | 2 (longer)
}

const (
	matchHashMul   = 0x9E3779B97F4A7C15
	matchHashMul2  = 0xD6E8FEB86659FD93
	matchSingleKey = 1 << 63 // key of a one-rune term: matchSingleKey | rune
	matchHist      = 128     // history of the buffer, unless a term is longer
	matchChunk     = 512     // runes decoded at a time, unless a term is longer
)

// matchBigramKey is the key of the terms ending in a, b (normalised runes, < 1<<21).
func matchBigramKey(a, b rune) uint64 { return uint64(a)<<21 | uint64(b) }

// NewMatcher builds a matcher for terms; the term's index in the slice is its id. Terms are
// normalised with Normalize; a term whose normal form is empty is ignored; duplicates (after
// normalisation) are kept as distinct ids, each reported.
func NewMatcher(terms []string) *Matcher {
	m := &Matcher{terms: slices.Clone(terms), single: new([1024]uint64)}

	// Distinct normal forms, their runes reversed, and the ids of each.
	byNorm := make(map[string]int32, len(terms))
	termPat := make([]int32, len(terms))
	var raw []rune // reversed runes of pattern p at raw[rawOff[p]:rawOff[p+1]]
	rawOff := []uint32{0}
	var nids []uint32
	for id, t := range terms {
		nt := Normalize(t)
		if nt == "" {
			termPat[id] = -1
			continue
		}
		p, ok := byNorm[nt]
		if !ok {
			p = int32(len(nids))
			byNorm[nt] = p
			n := len(raw)
			raw = append(raw, []rune(nt)...)
			slices.Reverse(raw[n:])
			rawOff = append(rawOff, uint32(len(raw)))
			nids = append(nids, 0)
		}
		termPat[id] = p
		nids[p]++
	}
	npat := len(nids)
	if npat == 0 {
		return m // FindAll finds nothing without looking
	}
	rev := func(p int32) []rune { return raw[rawOff[p]:rawOff[p+1]] }
	key := func(p int32) uint64 {
		r := rev(p)
		if len(r) == 1 {
			return matchSingleKey | uint64(r[0])
		}
		return matchBigramKey(r[1], r[0])
	}

	// ids grouped by pattern, ascending within each.
	idStart := make([]uint32, npat+1)
	for p, n := range nids {
		idStart[p+1] = idStart[p] + n
	}
	m.ids = make([]int32, idStart[npat])
	fill := slices.Clone(idStart[:npat])
	for id, p := range termPat {
		if p >= 0 {
			m.ids[fill[p]] = int32(id)
			fill[p]++
		}
	}

	// Patterns sorted by key, then by reversed runes (a prefix before its extensions).
	order := make([]int32, npat)
	keys := make([]uint64, npat)
	for p := range order {
		order[p] = int32(p)
		keys[p] = key(int32(p))
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := cmp.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		ra, rb := rev(a), rev(b)
		return slices.Compare(ra[min(2, len(ra)):], rb[min(2, len(rb)):])
	})

	m.ents = make([]matchPattern, npat)
	m.runes = make([]rune, 0, len(raw))
	maxLen, nkeys, nsingles := 0, 0, 0
	for i, p := range order {
		r := rev(p)
		m.ents[i] = matchPattern{off: uint32(len(m.runes)), n: uint32(len(r)), idLo: idStart[p], idHi: idStart[p+1]}
		m.runes = append(m.runes, r...)
		maxLen = max(maxLen, len(r))
		if i == 0 || keys[p] != keys[order[i-1]] {
			nkeys++
		}
		if len(r) == 1 {
			nsingles++
		}
	}
	m.hist = max(matchHist, maxLen)
	m.chunk = max(matchChunk, m.hist)

	// Hash table, at most half full.
	size := 8
	for size < 2*nkeys {
		size *= 2
	}
	m.slots = make([]matchSlot, size)
	m.slotShift = uint(64 - matchLog2(size))
	m.slotMask = uint64(size - 1)
	// Bloom filter: about 16 bits a pattern, two bits in one word; at most 1<<20 words so that
	// the word index (the top bits of the hash) never overlaps the bit positions (bits 32–43).
	words := 64
	for words*64 < 16*(npat-nsingles) && words < 1<<20 {
		words *= 2
	}
	m.bloom = make([]uint64, words)
	m.bloomShift = uint(64 - matchLog2(words))

	for i := 0; i < npat; {
		k := keys[order[i]]
		j := i + 1
		for j < npat && keys[order[j]] == k {
			j++
		}
		h := k * matchHashMul
		s := h >> m.slotShift
		for m.slots[s].key != 0 {
			s = (s + 1) & m.slotMask
		}
		m.slots[s] = matchSlot{key: k, lo: uint32(i), hi: uint32(j)}
		if k&matchSingleKey != 0 {
			c := rune(k &^ matchSingleKey)
			m.single[(c>>6)&1023] |= 1 << (c & 63)
		}
		for _, p := range m.ents[i:j] {
			switch {
			case p.n == 2:
				m.bloom[h>>m.bloomShift] |= matchBloomBits(h)
			case p.n > 2:
				m.bloom[h>>m.bloomShift] |= matchBloomBits3(h, m.runes[p.off+2])
			}
		}
		i = j
	}
	return m
}

func matchLog2(n int) int {
	b := 0
	for 1<<b < n {
		b++
	}
	return b
}

// The Bloom filter has one 64-bit word for each hash h of an end bigram (h>>bloomShift), and
// two kinds of bit pairs in it: matchBloomBits(h) for a term of two runes, and
// matchBloomBits3(h, c) for a longer term whose third rune from the end is c. One load
// answers both "does a two-rune term end here?" and "does a longer term end with these three
// runes?". On the tencent list it lets through 3–5% of the positions of real posts, where the
// bigram alone would let through 12–18%.
func matchBloomBits(h uint64) uint64 { return 1<<(h>>32&63) | 1<<(h>>38&63) }

func matchBloomBits3(h uint64, c rune) uint64 {
	h = (h ^ uint64(c)) * matchHashMul2
	return 1<<(h>>58) | 1<<(h>>52&63)
}

// Len is the number of terms.
func (m *Matcher) Len() int {
	if m == nil {
		return 0
	}
	return len(m.terms)
}

// Term returns the original text of term id ("" when there is no such term).
func (m *Matcher) Term(id int32) string {
	if m == nil || id < 0 || int(id) >= len(m.terms) {
		return ""
	}
	return m.terms[id]
}

// FindAll appends every occurrence of every term (overlapping ones included, and a term found
// inside another term found too) to dst, ordered by Start then End then Term, and returns it.
// It must accept any string, invalid UTF-8 included (an invalid byte is a separator), never panic.
func (m *Matcher) FindAll(text string, dst []Match) []Match {
	if m == nil || len(m.ents) == 0 || len(text) == 0 {
		return dst
	}
	buf, _ := m.bufs.Get().(*matchBuf)
	if buf == nil {
		buf = &matchBuf{
			rs:   make([]rune, m.hist+m.chunk),
			st:   make([]int, m.hist+m.chunk),
			cand: make([]int32, m.chunk),
		}
	}
	dst = m.findAll(text, dst, buf)
	m.bufs.Put(buf)
	return dst
}

func (m *Matcher) findAll(text string, dst []Match, buf *matchBuf) []Match {
	tab := normTable()
	rs, st, cand := buf.rs, buf.st, buf.cand
	h0 := m.hist
	rs[h0-1], rs[h0-2] = 0, 0 // no term has a rune 0
	first := h0               // rs[first:] are runes of this text
	n := h0
	base := len(dst)
	sorted := true
	for i := 0; ; {
		from := n
		i, n = normChunk(text, i, tab, rs, st, n)
		nc := m.filterChunk(rs, from, n, cand)

		// Verify the positions where a term may end.
		for _, x := range cand[:nc] {
			j := int(x >> 2)
			_, size := normDecodeRune(text, st[j])
			end := st[j] + size
			g := len(dst)
			if x&1 != 0 {
				dst = m.matchSingle(dst, rs[j], st[j], end)
			}
			if x&2 != 0 {
				dst = m.matchBigram(dst, rs, st, j, first, end)
			}
			if len(dst) > g {
				// The matches ending here came shortest first, ids descending: reversed,
				// they are in order. They follow the earlier ones unless one starts before
				// the last earlier one (a term that contains an earlier match).
				if len(dst)-g > 1 {
					slices.Reverse(dst[g:])
				}
				if g > base && dst[g].Start < dst[g-1].Start {
					sorted = false
				}
			}
		}

		if i >= len(text) {
			break
		}
		// Keep the last h0 runes as the history of the next chunk.
		copy(rs, rs[n-h0:n])
		copy(st, st[n-h0:n])
		first = max(first-(n-h0), 0)
		n = h0
	}
	if !sorted {
		slices.SortFunc(dst[base:], compareMatch)
	}
	return dst
}

// normChunk decodes and normalises text[i:] into rs[n:] and the offsets of the runes into
// st[n:], until rs is full or the text ends, and returns the new i and n. A rune that
// normalises to nothing is written and not counted. (This loop and the next are the matcher's
// cost: they make no call but in the rare cases, taken out of the inner loop, so that the
// compiler keeps everything in registers.)
func normChunk(text string, i int, tab *[0x10000]uint16, rs []rune, st []int, n int) (int, int) {
	st = st[:len(rs)]
	for n < len(rs) && i < len(text) {
		// ASCII and three-byte runes of the BMP (normDecodeRune, inlined).
		for n < len(rs) && i < len(text) {
			start := i
			var r rune
			b := text[i]
			if b < 0x80 {
				r = rune(b)
				i++
			} else if b&0xF0 == 0xE0 && i+2 < len(text) && text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80 &&
				(b != 0xE0 || text[i+1] >= 0xA0) {
				r = rune(b&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F)
				i += 3
			} else {
				break
			}
			c := rune(tab[uint16(r)])
			if c == normSlowMark {
				i = start
				break
			}
			// Written whether kept or not, and kept by counting it: separators come at
			// random, a branch on them would be mispredicted.
			rs[n] = c
			st[n] = start
			n += int(uint32(c|-c) >> 31)
		}
		if n >= len(rs) || i >= len(text) {
			break
		}
		// Any other rune, or an invalid byte.
		r, size := normDecodeRune(text, i)
		c := normRune(r)
		rs[n] = c
		st[n] = i
		n += int(uint32(c|-c) >> 31)
		i += size
	}
	return i, n
}

// filterChunk writes to cand the positions of rs[from:n] where a term may end, and returns
// their number.
func (m *Matcher) filterChunk(rs []rune, from, n int, cand []int32) int {
	single, bloom, bshift := m.single, m.bloom, m.bloomShift
	nc := 0
	for j := from; j < n; j++ {
		c := rs[j]
		f := int32(single[(c>>6)&1023]>>(c&63)) & 1
		h := matchBigramKey(rs[j-1], c) * matchHashMul
		w := bloom[h>>bshift]
		b2, b3 := matchBloomBits(h), matchBloomBits3(h, rs[j-2])
		if w&b2 == b2 || w&b3 == b3 {
			f |= 2
		}
		if f != 0 {
			cand[nc] = int32(j)<<2 | f
			nc++
		}
	}
	return nc
}

func compareMatch(a, b Match) int {
	if c := cmp.Compare(a.Start, b.Start); c != 0 {
		return c
	}
	if c := cmp.Compare(a.End, b.End); c != 0 {
		return c
	}
	return cmp.Compare(a.Term, b.Term)
}

// lookup returns the patterns filed under key k of hash h.
func (m *Matcher) lookup(k, h uint64) []matchPattern {
	for s := h >> m.slotShift; ; s = (s + 1) & m.slotMask {
		sl := &m.slots[s]
		if sl.key == k {
			return m.ents[sl.lo:sl.hi]
		}
		if sl.key == 0 {
			return nil
		}
	}
}

// emit appends the ids of p, descending, as matches of [start, end).
func (m *Matcher) emit(dst []Match, p *matchPattern, start, end int) []Match {
	for j := p.idHi; j > p.idLo; j-- {
		dst = append(dst, Match{Term: m.ids[j-1], Start: start, End: end})
	}
	return dst
}

func (m *Matcher) matchSingle(dst []Match, c rune, start, end int) []Match {
	k := matchSingleKey | uint64(c)
	if ps := m.lookup(k, k*matchHashMul); len(ps) > 0 {
		dst = m.emit(dst, &ps[0], start, end)
	}
	return dst
}

// matchBigram reports the terms of two runes or more that end at rs[j], shortest first; rs[first:]
// are runes of the text, st their offsets, end the offset after rs[j].
func (m *Matcher) matchBigram(dst []Match, rs []rune, st []int, j, first, end int) []Match {
	k := matchBigramKey(rs[j-1], rs[j])
	ps := m.lookup(k, k*matchHashMul)
	runes := m.runes
	// Every pattern in ps agrees with the text on its last d runes; those of length d come
	// first.
	for d := 2; len(ps) > 0; d++ {
		x := 0
		for x < len(ps) && int(ps[x].n) == d {
			x++
		}
		if x > 0 {
			start := st[j-d+1]
			for y := range ps[:x] {
				dst = m.emit(dst, &ps[y], start, end)
			}
			ps = ps[x:]
		}
		if len(ps) == 0 || j-d < first {
			break
		}
		// Keep the patterns whose rune d back equals the text's (all have more than d runes).
		c := rs[j-d]
		lo, hi := 0, len(ps)
		if hi <= 8 {
			for lo < hi && runes[ps[lo].off+uint32(d)] < c {
				lo++
			}
			hi = lo
			for hi < len(ps) && runes[ps[hi].off+uint32(d)] == c {
				hi++
			}
		} else {
			for lo < hi {
				y := int(uint(lo+hi) >> 1)
				if runes[ps[y].off+uint32(d)] < c {
					lo = y + 1
				} else {
					hi = y
				}
			}
			hi = len(ps)
			for l := lo; l < hi; {
				y := int(uint(l+hi) >> 1)
				if runes[ps[y].off+uint32(d)] <= c {
					l = y + 1
				} else {
					hi = y
				}
			}
		}
		ps = ps[lo:hi]
	}
	return dst
}
