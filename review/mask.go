package review

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaskPersonalData masks the personal data the checks find in text (resident id numbers,
// mobile numbers, bank cards: FindPII), for a document read by someone whose role may not see
// them (model.MaySeePersonalData): of each number's digits the first three and the last four
// stay, the others become *. Nothing else of the text changes.
func MaskPersonalData(text string) string {
	ms := FindPII(text, nil)
	if len(ms) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	at := 0
	for _, m := range ms {
		if m.Start < at || m.End > len(text) {
			continue
		}
		b.WriteString(text[at:m.Start])
		span := text[m.Start:m.End]
		n := 0
		for _, r := range span {
			if isDigit(r) {
				n++
			}
		}
		i := 0
		for _, r := range span {
			if !isDigit(r) {
				b.WriteRune(r)
				continue
			}
			if i < 3 || i >= n-4 {
				b.WriteRune(r)
			} else {
				b.WriteByte('*')
			}
			i++
		}
		at = m.End
	}
	b.WriteString(text[at:])
	return b.String()
}

// isDigit is a digit the checks read: ASCII or full-width, and the X of an id's check digit.
func isDigit(r rune) bool {
	return r < utf8.RuneSelf && unicode.IsDigit(r) || r >= '０' && r <= '９' || r == 'X' || r == 'x'
}
