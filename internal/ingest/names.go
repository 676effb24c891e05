package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NameKey is the form of a person's name or nickname that matching compares: trimmed, the
// spaces inside a run of CJK characters removed (徐  清 and 徐清 are one person: spreadsheets and
// chat clients pad two-character names), other runs of spaces made one, full-width forms of
// letters and digits made ASCII. The name as written is kept for display.
func NameKey(s string) string {
	s = strings.TrimFunc(s, nameSpace)
	if s == "" {
		return s
	}
	plain := true
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain && !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var prev rune // the last rune written
	pending := false
	for _, r := range s {
		if nameSpace(r) {
			pending = true
			continue
		}
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
			r -= 0xFF01 - 0x21
		}
		if pending && !(nameCJK(prev) && nameCJK(r)) {
			b.WriteByte(' ')
		}
		pending = false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func nameSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u3000' || r == '\ufeff' || r == '\u200b'
}

// nameCJK reports whether r is a character of a Chinese, Japanese or Korean name.
func nameCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || r == '·' || r == '•'
}
