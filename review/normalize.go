package review

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:generate go run ./internal/gent2s -o t2s_table.go

// Normalize returns the normalised form of s: only letters and digits kept (Unicode L* and N*,
// CJK ideographs included), full-width ASCII folded to ASCII, letters lower-cased, traditional
// Chinese characters mapped to simplified; everything else (spaces of every kind, punctuation,
// symbols, emoji, variation selectors, zero-width and other format/control characters) dropped.
//
// Each rune of s is normalised on its own, to one rune or to nothing, so that a normalised
// rune always stands for exactly one rune of the original text; an invalid UTF-8 byte is
// dropped like a separator. Lower-casing is a simple case fold: every rune of a case orbit
// (K, k and the Kelvin sign K; Σ, σ and ς) gives the same rune. Traditional characters map to
// their default simplified character by t2sPairs, generated from OpenCC (see t2s_table.go);
// CJK compatibility ideographs map to their unified ideograph first. Normalize is idempotent.
func Normalize(s string) string {
	tab := normTable()
	var b strings.Builder
	for i := 0; i < len(s); {
		start := i
		// normDecodeRune, with the common cases inlined.
		var r rune
		if c := s[i]; c < utf8.RuneSelf {
			r = rune(c)
			i++
		} else if c&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			(c != 0xE0 || s[i+1] >= 0xA0) {
			r = rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
			i += 3
		} else {
			var size int
			r, size = normDecodeRune(s, i)
			i += size
		}
		var n rune
		if r < 0x10000 {
			if n = rune(tab[r]); n == normSlowMark {
				n = normRune(r)
			}
		} else {
			n = normRune(r)
		}
		if n == r && n != 0 && b.Cap() == 0 {
			continue // s[:i] is normal so far: nothing to write yet
		}
		if b.Cap() == 0 {
			if i == len(s) && n == 0 {
				return s[:start]
			}
			b.Grow(len(s))
			b.WriteString(s[:start])
		}
		switch {
		case n == 0:
		case n < utf8.RuneSelf:
			b.WriteByte(byte(n))
		default:
			b.WriteRune(n)
		}
	}
	if b.Cap() == 0 {
		return s // already normal
	}
	return b.String()
}

// normDecodeRune decodes the rune at s[i:], i < len(s), like utf8.DecodeRuneInString, except that
// an encoded surrogate (ED A0 80…ED BF BF) is returned as one rune of three bytes; Normalize and
// the matcher drop it like the three invalid bytes DecodeRuneInString would see, so spans do
// not change.
func normDecodeRune(s string, i int) (rune, int) {
	b := s[i]
	if b < utf8.RuneSelf {
		return rune(b), 1
	}
	if b&0xF0 == 0xE0 && i+2 < len(s) {
		b1, b2 := s[i+1], s[i+2]
		if b1&0xC0 == 0x80 && b2&0xC0 == 0x80 {
			if r := rune(b&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F); r >= 0x800 {
				return r, 3
			}
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}

// normSlowMark in the BMP table marks a rune whose normal form is outside the BMP (a few
// traditional characters simplify to CJK Extension B and later): call normRune.
const normSlowMark = 0xFFFF

var (
	normOnce sync.Once
	normBMP  *[0x10000]uint16
)

// normTable returns the normal form of every BMP rune: 0 when the rune is dropped, normSlowMark
// when normRune must be asked, the normalised rune otherwise. It is built on first use, from
// Unicode's range tables rather than rune by rune, in well under a millisecond.
func normTable() *[0x10000]uint16 {
	normOnce.Do(func() { normBMP = normBuildTable() })
	return normBMP
}

func normBuildTable() *[0x10000]uint16 {
	t := new([0x10000]uint16)
	keep := func(rt *unicode.RangeTable) {
		for _, rg := range rt.R16 {
			for r := int(rg.Lo); r <= int(rg.Hi); r += int(rg.Stride) {
				t[r] = uint16(r)
			}
		}
	}
	keep(unicode.Letter)
	keep(unicode.Number)
	// Only runes with a case mapping can fold to another rune.
	for _, cr := range unicode.CaseRanges {
		for r := cr.Lo; r <= cr.Hi && r < 0x10000; r++ {
			if t[r] != 0 {
				if f := normFoldCase(rune(r)); f < 0x10000 {
					t[r] = uint16(f)
				} else {
					t[r] = normSlowMark
				}
			}
		}
	}
	// Full-width digits and letters (the rest of the full-width ASCII block is punctuation,
	// dropped as it is not a letter or digit).
	for r := rune(0xFF10); r <= 0xFF5A; r++ {
		if a := r - 0xFEE0; t[a] != 0 {
			t[r] = t[a]
		}
	}
	for _, p := range t2sPairs {
		if p[0] < 0x10000 && t[p[0]] != 0 {
			if p[1] < 0x10000 {
				t[p[0]] = uint16(p[1])
			} else {
				t[p[0]] = normSlowMark
			}
		}
	}
	return t
}

// normRune is the normal form of one rune, 0 when it is dropped: the definition the BMP table
// caches, and the path for runes outside it.
func normRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0 // full-width ASCII
	}
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		}
		return 0
	}
	if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
		return 0
	}
	return t2s(normFoldCase(r))
}

// normFoldCase maps every kept rune (letter or number) of a simple case-folding orbit to the same
// rune: the lower case of the orbit's smallest kept member (so K, k and K give k; ſ, S and s
// give s; Σ, σ and ς give σ; Ι, ι and ι give ι, the combining ypogegrammeni of that orbit
// being dropped as a mark).
func normFoldCase(r rune) rune {
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < m && (unicode.IsLetter(f) || unicode.IsNumber(f)) {
			m = f
		}
	}
	return unicode.ToLower(m)
}

// t2s maps a traditional Chinese character (or a CJK compatibility ideograph) to its
// simplified character; other runes map to themselves.
func t2s(r rune) rune {
	lo, hi := 0, len(t2sPairs)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if t2sPairs[h][0] < r {
			lo = h + 1
		} else {
			hi = h
		}
	}
	if lo < len(t2sPairs) && t2sPairs[lo][0] == r {
		return t2sPairs[lo][1]
	}
	return r
}
