package ingest

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// The lexical pieces of the queue line decoder (queuedec.go): keys, strings and their escapes,
// and the values it passes over.

// unescape decodes the escape at b[i] into buf at w, returning the indexes after both:
// a \u escape of a lone or misordered surrogate becomes U+FFFD, as encoding/json has it.
func unescape(b, buf []byte, i, w int) (int, int, bool) {
	if i+1 >= len(b) {
		return 0, 0, false
	}
	switch e := b[i+1]; e {
	case '"', '\\', '/':
		buf[w] = e
	case 'b':
		buf[w] = '\b'
	case 'f':
		buf[w] = '\f'
	case 'n':
		buf[w] = '\n'
	case 'r':
		buf[w] = '\r'
	case 't':
		buf[w] = '\t'
	case 'u':
		r, ok := hex4(b, i+2)
		if !ok {
			return 0, 0, false
		}
		i += 6
		if utf16.IsSurrogate(r) {
			r2 := rune(-1)
			if i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
				if x, ok := hex4(b, i+2); ok {
					r2 = x
				}
			}
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				return i + 6, w + utf8.EncodeRune(buf[w:], dec), true
			}
			r = utf8.RuneError
		}
		return i, w + utf8.EncodeRune(buf[w:], r), true
	default:
		return 0, 0, false
	}
	return i + 2, w + 1, true
}

// keyPlain[c] is true for a byte a key is decoded on the fast path with: ASCII, no
// escape, no control byte.
var keyPlain = func() (t [256]bool) {
	for i := range t {
		t[i] = i >= 0x20 && i < utf8.RuneSelf && i != '"' && i != '\\'
	}
	return
}()

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	if i < len(b) && b[i] > ' ' { // the common case: no space at all
		return i
	}
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// escapedKey reads a key that holds escapes or non-ASCII bytes, from its content at
// b[i]. Only keys that are ASCII once decoded are taken: a non-ASCII key may match a
// field by a Unicode case fold (ſ for s, the Kelvin sign for k).
func escapedKey(b []byte, i int, q *queueLine) (next int, f queueField, ok bool) {
	var key [qMaxKey]byte
	n := 0
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			if n > qMaxKey {
				return i + 1, queueField{}, true
			}
			return i + 1, q.fieldFold(key[:n]), true
		case c == '\\':
			if i+1 >= len(b) {
				return 0, queueField{}, false
			}
			switch b[i+1] {
			case '"', '\\', '/':
				c = b[i+1]
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'u':
				r, ok := hex4(b, i+2)
				if !ok || r >= utf8.RuneSelf {
					return 0, queueField{}, false
				}
				c = byte(r)
				i += 4
			default:
				return 0, queueField{}, false
			}
			i += 2
		case keyPlain[c]:
			i++
		default: // a control or non-ASCII byte
			return 0, queueField{}, false
		}
		if n < qMaxKey {
			key[n] = c
		}
		n++
	}
	return 0, queueField{}, false
}

// scanString checks a JSON string whose content starts at b[i] (in the value of a key
// that names no field), returning the index of its closing quote. It checks that the
// content is valid UTF-8.
func scanString(b []byte, i int) (end int, ok bool) {
	for {
		if i+8 <= len(b) {
			// Eight bytes at a time while they are plain ASCII: the lowest byte flagged
			// in m is the first that is not (the flags above it may be false).
			w := binary.LittleEndian.Uint64(b[i:])
			m := ((w-lsb*0x20)&^w | hasZero(w^(lsb*'"')) | hasZero(w^(lsb*'\\')) | w) & msb
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		} else {
			for i < len(b) && strASCII[b[i]] {
				i++
			}
			if i >= len(b) {
				return 0, false
			}
		}
		switch c := b[i]; {
		case c == '"':
			return i, true
		case c == '\\':
			if i+1 >= len(b) {
				return 0, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := hex4(b, i+2); !ok {
					return 0, false
				}
				i += 6
			default:
				return 0, false
			}
		case c >= utf8.RuneSelf:
			// A run of non-ASCII characters. Chinese text is mostly runes of three bytes
			// led by 0xe1-0xec or 0xee-0xef, which need no check beyond their form: two
			// such runes at a time, then one, then any rune.
			for i+8 <= len(b) {
				w := binary.LittleEndian.Uint64(b[i:])
				if w&0xc0c0f0c0c0f0 != 0x8080e08080e0 || !plain3[byte(w)] || !plain3[byte(w>>24)] {
					break
				}
				i += 6
			}
			for i < len(b) && b[i] >= utf8.RuneSelf {
				if i+2 < len(b) && plain3[b[i]] && b[i+1]&0xc0 == 0x80 && b[i+2]&0xc0 == 0x80 {
					i += 3
					continue
				}
				n := utf8Len(b, i)
				if n == 0 {
					return 0, false
				}
				i += n
			}
		default: // a control byte
			return 0, false
		}
	}
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// hasZero flags (in bit 7 of the byte) the lowest zero byte of w, and maybe bytes above it.
func hasZero(w uint64) uint64 { return (w - lsb) &^ w }

// strASCII[c] is true for an ASCII byte that stands for itself inside a JSON string.
var strASCII = func() (t [256]bool) {
	for i := range t {
		t[i] = i >= 0x20 && i < utf8.RuneSelf && i != '"' && i != '\\'
	}
	return
}()

// plain3[c] is true for the first byte of a rune of three bytes whose other two bytes
// may be any continuation bytes (0x80-0xbf): 0xe0 and 0xed allow fewer.
var plain3 = func() (t [256]bool) {
	for c := 0xe1; c <= 0xef; c++ {
		t[c] = c != 0xed
	}
	return
}()

// utf8Len is the length of the valid UTF-8 encoding of a non-ASCII rune at b[i], or 0
// when the bytes there are not one.
func utf8Len(b []byte, i int) int {
	c := b[i]
	switch {
	case c < 0xc2:
		return 0
	case c < 0xe0:
		if i+1 < len(b) && b[i+1]&0xc0 == 0x80 {
			return 2
		}
	case c < 0xf0:
		if i+2 < len(b) {
			lo, hi := byte(0x80), byte(0xbf)
			switch c {
			case 0xe0:
				lo = 0xa0 // no overlong forms
			case 0xed:
				hi = 0x9f // no surrogates
			}
			if lo <= b[i+1] && b[i+1] <= hi && b[i+2]&0xc0 == 0x80 {
				return 3
			}
		}
	case c < 0xf5:
		if i+3 < len(b) {
			lo, hi := byte(0x80), byte(0xbf)
			switch c {
			case 0xf0:
				lo = 0x90 // no overlong forms
			case 0xf4:
				hi = 0x8f // nothing above U+10FFFF
			}
			if lo <= b[i+1] && b[i+1] <= hi && b[i+2]&0xc0 == 0x80 && b[i+3]&0xc0 == 0x80 {
				return 4
			}
		}
	}
	return 0
}

// hex4 reads the four hex digits of a \u escape at b[i].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// hasLit reports whether the literal lit is at b[i]. What follows it is checked by the
// caller, as a delimiter.
func hasLit(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// qMaxDepth bounds the nesting of a value skipped for an unknown key; deeper lines take
// the general path.
const qMaxDepth = 64

// skipValue checks the JSON value at b[i] and returns the index after it.
func skipValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		end, ok := scanString(b, i+1)
		return end + 1, ok
	case c == '{' || c == '[':
		if depth >= qMaxDepth {
			return 0, false
		}
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == closing {
			return i + 1, true
		}
		for {
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return 0, false
				}
				end, ok := scanString(b, i+1)
				if !ok {
					return 0, false
				}
				i = skipSpace(b, end+1)
				if i >= len(b) || b[i] != ':' {
					return 0, false
				}
				i = skipSpace(b, i+1)
			}
			var ok bool
			if i, ok = skipValue(b, i, depth+1); !ok {
				return 0, false
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return 0, false
			}
			switch b[i] {
			case ',':
				i = skipSpace(b, i+1)
			case closing:
				return i + 1, true
			default:
				return 0, false
			}
		}
	case c == '-' || '0' <= c && c <= '9':
		return skipNumber(b, i)
	case hasLit(b, i, "true"), hasLit(b, i, "null"):
		return i + 4, true
	case hasLit(b, i, "false"):
		return i + 5, true
	}
	return 0, false
}

// skipNumber checks a JSON number at b[i]: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func skipNumber(b []byte, i int) (int, bool) {
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return 0, false
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}
