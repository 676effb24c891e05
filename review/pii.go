package review

// Personal-data detectors (ST 五(一)2, CW 三(二)5): resident identity numbers, mainland mobile
// numbers and bank card numbers in the text of a post.
//
// The scan is a candidate scan: a tight loop skips every byte that cannot begin a digit, and
// only the digit runs it lands on are cut into groups and checked (check digit, birth date,
// Luhn). A run is a maximal sequence of digit groups joined by single separators (one ASCII
// space or one hyphen); digits are ASCII 0-9 or full-width ０-９. How a run is read:
//
//   - A group of 11 digits or more is a number in its own right: it is judged alone, whatever
//     groups the separators join to it (nobody writes one number as two long blocks). It is a
//     mobile number (11 digits, or 86 / 0086 written straight in front), a resident ID (17
//     digits and X, or 18 digits), or a bank card (16-19 digits passing Luhn); anything else,
//     a group of 20 digits say, is nothing, and no number is looked for inside it.
//   - The shorter groups between the long ones are the grouped forms: 3-4-4 for a mobile
//     (optionally after a +86 or 0086 group), 4-4-4-4 with an optional last block of 1-3 for a
//     card, 6-8-4 for a resident ID. One number uses one separator throughout. Every group of
//     such a stretch must either belong to a recognised number or be cut off from it by a
//     change of separator ("2024-05-01 138-1234-5678" holds a mobile, "138 1234 5678 9" does
//     not: there the number would be part of a longer run).

import (
	"strconv"
	"time"
)

// PIIKind is a kind of personal data.
type PIIKind uint8

const (
	PIIResidentID PIIKind = iota + 1 // 18-digit resident identity number, GB 11643
	PIIMobile                        // mainland mobile number
	PIIBankCard                      // bank card number passing the Luhn check
)

// String returns the kind's name: "resident-id", "mobile", "bank-card".
func (k PIIKind) String() string {
	switch k {
	case PIIResidentID:
		return "resident-id"
	case PIIMobile:
		return "mobile"
	case PIIBankCard:
		return "bank-card"
	}
	return "PIIKind(" + strconv.Itoa(int(k)) + ")"
}

// PIIMatch is one finding: its kind and its byte span [Start, End) in the original text.
type PIIMatch struct {
	Kind       PIIKind
	Start, End int
}

// piiNow is the clock against which birth dates are judged; tests replace it.
var piiNow = time.Now

// piiLead marks the bytes at which a digit may begin: '0'-'9', and 0xEF, the lead byte of the
// full-width digits U+FF10-FF19 (EF BC 90-99).
var piiLead = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t[0xEF] = true
	return t
}()

// piiDigit decodes the digit at s[i]: its value and its width in bytes (1 or 3), or width 0
// when there is no digit there.
func piiDigit(s string, i int) (byte, int) {
	c := s[i]
	if c-'0' < 10 {
		return c - '0', 1
	}
	if c == 0xEF && i+2 < len(s) && s[i+1] == 0xBC && s[i+2]-0x90 < 10 {
		return s[i+2] - 0x90, 3
	}
	return 0, 0
}

// piiDigitAt reports whether a digit begins at s[i] (i may be out of range).
func piiDigitAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	_, w := piiDigit(s, i)
	return w > 0
}

// piiCheckX returns the width of an X check character (X, x, Ｘ, ｘ) at s[i], or 0.
func piiCheckX(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	switch c := s[i]; {
	case c == 'X' || c == 'x':
		return 1
	case c == 0xEF && i+2 < len(s) && (s[i+1] == 0xBC && s[i+2] == 0xB8 || s[i+1] == 0xBD && s[i+2] == 0x98):
		return 3 // U+FF38 Ｘ, U+FF58 ｘ
	}
	return 0
}

// piiPlusBefore returns the start of a '+' or '＋' (U+FF0B) that ends right at s[i], or -1.
func piiPlusBefore(s string, i int) int {
	if i >= 1 && s[i-1] == '+' {
		return i - 1
	}
	if i >= 3 && s[i-3] == 0xEF && s[i-2] == 0xBC && s[i-1] == 0x8B {
		return i - 3
	}
	return -1
}

// FindPII appends every piece of personal data in text to dst, in order of Start, and returns it.
// It accepts any string (invalid UTF-8 included) and never panics.
func FindPII(text string, dst []PIIMatch) []PIIMatch {
	i, n := 0, len(text)
	for i < n {
		// The hot loop: in Chinese prose almost no byte can begin a digit.
		for i+4 <= n && !piiLead[text[i]] && !piiLead[text[i+1]] && !piiLead[text[i+2]] && !piiLead[text[i+3]] {
			i += 4
		}
		for i < n && !piiLead[text[i]] {
			i++
		}
		if i >= n {
			break
		}
		if _, w := piiDigit(text, i); w == 0 {
			i++ // 0xEF of some other full-width character: ，：（ and the like
			continue
		}
		dst, i = piiRun(text, i, dst)
	}
	return dst
}

// piiGroup is one group of consecutive digits in a run.
type piiGroup struct {
	start, end int  // byte span
	n          int  // number of digits
	off        int  // where its digit values begin in the run's buffer, if n <= 19
	sep        byte // the separator before the group; 0 for the first group of a run
}

// piiRun reads the run of digit groups that begins at text[i], appends what it holds to dst,
// and returns the offset just past the run.
func piiRun(text string, i int, dst []PIIMatch) ([]PIIMatch, int) {
	start, n := i, 0
	for i < len(text) {
		_, w := piiDigit(text, i)
		if w == 0 {
			break
		}
		i += w
		n++
	}
	if piiJoins(text, i) {
		return piiGroups(text, start, dst)
	}
	// A lone group, the common case: years, amounts, times, short numbers.
	if n < 11 || n > 19 {
		return dst, i
	}
	var d [19]byte
	for j, k := start, 0; k < n; k++ {
		v, w := piiDigit(text, j)
		d[k] = v
		j += w
	}
	xEnd := 0
	if n == 17 {
		xEnd = piiXEnd(text, i)
	}
	return piiLong(text, piiGroup{start: start, end: i, n: n}, d[:n], xEnd, -1, dst), i
}

// piiJoins reports whether a separator at text[i] joins the group ending there to a next one.
func piiJoins(text string, i int) bool {
	return i+1 < len(text) && (text[i] == ' ' || text[i] == '-') && piiDigitAt(text, i+1)
}

// piiXEnd returns the end of the X check character right after a group ending at i, or 0 when
// there is none, or when a digit follows it (then it is not the end of an identity number).
func piiXEnd(text string, i int) int {
	w := piiCheckX(text, i)
	if w == 0 || piiDigitAt(text, i+w) {
		return 0
	}
	return i + w
}

// piiRunOf is a run of several groups: the groups, and the digit values of those of 19
// digits at most.
type piiRunOf struct {
	text string
	gs   []piiGroup
	ds   []byte
}

// digits returns the digit values of g, which has 19 digits at most.
func (r *piiRunOf) digits(g piiGroup) []byte { return r.ds[g.off : g.off+g.n] }

// piiGroups reads a run of several groups that begins at text[start] and judges it: long
// groups alone, the stretches of short groups between them by their grouped forms.
func piiGroups(text string, start int, dst []PIIMatch) ([]PIIMatch, int) {
	var gbuf [8]piiGroup
	var dbuf [64]byte
	gs, ds := gbuf[:0], dbuf[:0]
	i, sep := start, byte(0)
	for {
		g := piiGroup{start: i, off: len(ds), sep: sep}
		for i < len(text) {
			v, w := piiDigit(text, i)
			if w == 0 {
				break
			}
			i += w
			g.n++
			if g.n <= 19 {
				ds = append(ds, v)
			} else if g.n == 20 {
				ds = ds[:g.off] // too long to be anything
			}
		}
		g.end = i
		gs = append(gs, g)
		if !piiJoins(text, i) {
			break
		}
		sep = text[i]
		i++
	}
	r := piiRunOf{text: text, gs: gs, ds: ds}
	xEnd := piiXEnd(text, i)

	k, s := len(gs), 0
	for j := 0; j <= k; j++ {
		if j < k && gs[j].n < 11 {
			continue
		}
		stretch := gs[s:j]
		last := j == k
		plus := -1 // where a prefix group before a long mobile begins
		if !last && len(stretch) > 0 && gs[j].n == 11 && piiMobile(r.digits(gs[j])) {
			if p := r.prefix(stretch[len(stretch)-1]); p >= 0 {
				plus = p
				stretch = stretch[:len(stretch)-1]
			}
		}
		sx := 0
		if last {
			sx = xEnd
		}
		dst = r.stretch(stretch, sx, dst)
		if !last && gs[j].n <= 19 {
			lx := 0
			if j == k-1 && gs[j].n == 17 {
				lx = xEnd
			}
			dst = piiLong(text, gs[j], r.digits(gs[j]), lx, plus, dst)
		}
		s = j + 1
	}
	return dst, i
}

// piiMobile reports whether the 11 digits d make a mainland mobile number: 1[3-9]xxxxxxxxx.
func piiMobile(d []byte) bool {
	return len(d) == 11 && d[0] == 1 && d[1] >= 3
}

// prefix reports whether g is a country-code group that may stand before a mobile number
// across a separator: "0086", or "86" right after a '+'. It returns where the prefix begins,
// or -1.
func (r *piiRunOf) prefix(g piiGroup) int {
	switch g.n {
	case 2:
		if d := r.digits(g); d[0] == 8 && d[1] == 6 {
			return piiPlusBefore(r.text, g.start)
		}
	case 4:
		if d := r.digits(g); d[0] == 0 && d[1] == 0 && d[2] == 8 && d[3] == 6 {
			return g.start
		}
	}
	return -1
}

// piiLong judges a group of 11 to 19 digits on its own; d holds its digit values. xEnd is the
// end of an X check character after a 17-digit group, or 0; plus is where a prefix group
// joined to an 11-digit group begins, or -1.
func piiLong(text string, g piiGroup, d []byte, xEnd, plus int, dst []PIIMatch) []PIIMatch {
	switch g.n {
	case 11:
		if piiMobile(d) {
			start := g.start
			if plus >= 0 {
				start = plus
			}
			return append(dst, PIIMatch{PIIMobile, start, g.end})
		}
		return dst
	case 13, 15:
		// 86 or 0086 written straight in front of the number, perhaps after a '+'.
		p := g.n - 11
		if (p == 2 && d[0] == 8 && d[1] == 6 || p == 4 && d[0] == 0 && d[1] == 0 && d[2] == 8 && d[3] == 6) && piiMobile(d[p:]) {
			start := g.start
			if q := piiPlusBefore(text, g.start); q >= 0 {
				start = q
			}
			return append(dst, PIIMatch{PIIMobile, start, g.end})
		}
		return dst
	case 17:
		if xEnd > 0 {
			var id [18]byte
			copy(id[:], d)
			id[17] = 10
			if piiValidID(&id) {
				return append(dst, PIIMatch{PIIResidentID, g.start, xEnd})
			}
		}
	case 18:
		if piiValidID((*[18]byte)(d)) {
			return append(dst, PIIMatch{PIIResidentID, g.start, g.end})
		}
	}
	if g.n >= 16 && piiLuhn(d) {
		return append(dst, PIIMatch{PIIBankCard, g.start, g.end})
	}
	return dst
}

// cat returns the digit values of the consecutive groups gs, which are all short: their
// digits lie next to each other in the buffer.
func (r *piiRunOf) cat(gs []piiGroup) []byte {
	last := gs[len(gs)-1]
	return r.ds[gs[0].off : last.off+last.n]
}

// piiCand is a grouped number that may begin at one group of a stretch.
type piiCand struct {
	kind       PIIKind
	groups     int  // how many groups it takes
	sep        byte // the separator inside it
	start, end int  // its span
	digits     int  // how many digits its span holds: its score
}

// piiShape reports whether gs[i:] begins with groups of the lengths ns, the second and later
// ones all after the same separator.
func piiShape(gs []piiGroup, i int, ns string) bool {
	if i+len(ns) > len(gs) {
		return false
	}
	for j := 0; j < len(ns); j++ {
		if gs[i+j].n != int(ns[j]) || j >= 2 && gs[i+j].sep != gs[i+1].sep {
			return false
		}
	}
	return true
}

// cands lists the grouped numbers that begin at gs[i] and pass their checks. xEnd is the end
// of an X check character after the last group of gs, or 0.
func (r *piiRunOf) cands(gs []piiGroup, i, xEnd int, out *[3]piiCand) int {
	m := 0
	var buf [18]byte
	switch gs[i].n {
	case 6: // resident ID, 6-8-4 or 6-8-3 and X
		if piiShape(gs, i, "\x06\x08\x04") {
			if d := r.cat(gs[i : i+3]); piiValidID((*[18]byte)(d)) {
				out[m] = piiCand{PIIResidentID, 3, gs[i+1].sep, gs[i].start, gs[i+2].end, 18}
				m++
			}
		} else if xEnd > 0 && i+3 == len(gs) && piiShape(gs, i, "\x06\x08\x03") {
			d := append(append(buf[:0], r.cat(gs[i:i+3])...), 10)
			if piiValidID((*[18]byte)(d)) {
				out[m] = piiCand{PIIResidentID, 3, gs[i+1].sep, gs[i].start, xEnd, 18}
				m++
			}
		}
	case 3: // mobile, 3-4-4
		if piiShape(gs, i, "\x03\x04\x04") && piiMobile(r.cat(gs[i:i+3])) {
			out[m] = piiCand{PIIMobile, 3, gs[i+1].sep, gs[i].start, gs[i+2].end, 11}
			m++
		}
	case 2, 4: // +86 or 0086 and a mobile 3-4-4; or a card in blocks of 4
		if piiShape(gs, i+1, "\x03\x04\x04") {
			if p := r.prefix(gs[i]); p >= 0 {
				if piiMobile(r.cat(gs[i+1 : i+4])) {
					out[m] = piiCand{PIIMobile, 4, gs[i+2].sep, p, gs[i+3].end, 11 + gs[i].n}
					m++
				}
			}
		} else if piiShape(gs, i, "\x04\x04\x04\x04") {
			if piiLuhn(r.cat(gs[i : i+4])) {
				out[m] = piiCand{PIIBankCard, 4, gs[i+1].sep, gs[i].start, gs[i+3].end, 16}
				m++
			}
			if i+4 < len(gs) && gs[i+4].n <= 3 && gs[i+4].sep == gs[i+1].sep {
				if d := r.cat(gs[i : i+5]); piiLuhn(d) {
					out[m] = piiCand{PIIBankCard, 5, gs[i+1].sep, gs[i].start, gs[i+4].end, len(d)}
					m++
				}
			}
		}
	}
	return m
}

// States of the stretch parse: what came just before the next group.
const (
	piiAtStart     = iota // the start of the stretch: no constraint
	piiAfterOdd           // a group that belongs to no number
	piiAfterSpace         // a number grouped with spaces
	piiAfterHyphen        // a number grouped with hyphens
	piiStates
)

func piiAfter(sep byte) int {
	if sep == ' ' {
		return piiAfterSpace
	}
	return piiAfterHyphen
}

// stretch finds the grouped numbers in a stretch of short groups: the reading that covers
// the most digits with numbers, where a group outside every number may touch a number only
// across a separator other than the number's own (else the number would be part of a longer
// run). xEnd is the end of an X check character after the stretch's last group, or 0.
func (r *piiRunOf) stretch(gs []piiGroup, xEnd int, dst []PIIMatch) []PIIMatch {
	k := len(gs)
	if k < 3 {
		return dst // every grouped form takes three groups at least
	}
	// Most stretches are dates, times and the like: give up on them at once.
	maybe := false
	for i := 0; i+2 < k && !maybe; i++ {
		switch gs[i].n {
		case 2, 3, 4, 6:
			n := gs[i+1].n
			maybe = n == 3 || n == 4 || n == 8
		}
	}
	if !maybe {
		return dst
	}
	var cs [3]piiCand
	// The common case: the stretch is one number, as "138 1234 5678" or "6222 0212 3456 7894".
	if m := r.cands(gs, 0, xEnd, &cs); m > 0 {
		best := -1
		for c := 0; c < m; c++ {
			if cs[c].groups == k && (best < 0 || cs[c].digits > cs[best].digits) {
				best = c
			}
		}
		if best >= 0 {
			return append(dst, PIIMatch{cs[best].kind, cs[best].start, cs[best].end})
		}
	}
	const none = -1 << 30
	var bestBuf [piiStates * 17]int32
	var choiceBuf [piiStates * 17]int8
	best, choice := bestBuf[:], choiceBuf[:]
	if k > 16 {
		best = make([]int32, piiStates*(k+1))
		choice = make([]int8, piiStates*(k+1))
	}
	for s := 0; s < piiStates; s++ {
		best[k*piiStates+s] = 0
	}
	for i := k - 1; i >= 0; i-- {
		m := r.cands(gs, i, xEnd, &cs)
		for s := 0; s < piiStates; s++ {
			b, ch := int32(none), int8(-2)
			odd := !(s == piiAfterSpace && gs[i].sep == ' ' || s == piiAfterHyphen && gs[i].sep == '-')
			if odd {
				if v := best[(i+1)*piiStates+piiAfterOdd]; v > none {
					b, ch = v, -1
				}
			}
			for c := 0; c < m; c++ {
				if s == piiAfterOdd && gs[i].sep == cs[c].sep {
					continue
				}
				if v := best[(i+cs[c].groups)*piiStates+piiAfter(cs[c].sep)]; v > none {
					if v += int32(cs[c].digits); v > b {
						b, ch = v, int8(c)
					}
				}
			}
			best[i*piiStates+s], choice[i*piiStates+s] = b, ch
		}
	}
	for i, s := 0, piiAtStart; i < k; {
		ch := choice[i*piiStates+s]
		if ch < 0 {
			i, s = i+1, piiAfterOdd
			continue
		}
		m := r.cands(gs, i, xEnd, &cs)
		if int(ch) >= m {
			break // cannot happen: the candidates are the same as in the first pass
		}
		c := cs[ch]
		dst = append(dst, PIIMatch{c.kind, c.start, c.end})
		i, s = i+c.groups, piiAfter(c.sep)
	}
	return dst
}
