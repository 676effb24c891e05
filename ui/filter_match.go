package ui

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"
)

// The fuzzy matching of a search: texts of one shape matched once (shaper), texts without the
// query's characters in order skipped (inOrder).

// strsAt is the strings at some positions, for the fuzzy matcher.
type strsAt struct {
	strs []string
	ids  []int32
}

func (s strsAt) String(i int) string { return s.strs[s.ids[i]] }

func (s strsAt) Len() int { return len(s.ids) }

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
				memo[c[m.Index]] = clampScore(m.Score) + scoreBias
			}
		}
		scores := make([]int32, len(shapes))
		for lo := 0; lo < len(shapes); lo += chunk {
			for _, m := range fuzzy.FindNoSort(pattern, shapes[lo:min(lo+chunk, len(shapes))]) {
				scores[lo+m.Index] = clampScore(m.Score) + scoreBias
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
