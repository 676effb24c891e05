// Package inert makes outside text harmless before it reaches a terminal or a document. Post
// bodies, names, nicknames, file names and paths are hostile input: an escape sequence in them
// could clear the screen, move the cursor, set the window title or write the clipboard, and a
// bidirectional override could make a reader see text in another order than it is stored.
//
// There is one rule, used by the screen, the command line and the documents (archive,
// reports): every character that could act instead of being read is drawn as a visible
// symbol, and nothing else changes.
//
//   - C0 control characters become their Control Pictures (␛ for ESC, ␇ for BEL, ␍ for CR,
//     ␀ …), DEL becomes ␡: an escape sequence loses its ESC and is left as plain text.
//   - C1 control characters (U+0080–U+009F, which some terminals read as CSI and OSC),
//     invalid UTF-8 and the noncharacters U+FFFE and U+FFFF become U+FFFD.
//   - Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) become
//     a visible ⟦U+202E⟧.
//   - Line breaks: in Text, LF stays, CR LF, a lone CR, U+2028 and U+2029 become LF; in Line,
//     every line break becomes ↵. A tab stays in Text and becomes a space in Line.
//
// What comes out is valid UTF-8 with no control character but LF and tab, and is valid XML
// character data.
package inert

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text makes s inert, keeping its line breaks and tabs: for bodies shown or written whole.
func Text(s string) string { return clean(s, true) }

// Line makes s inert on one line: for names, titles, paths and anything printed inside a
// sentence. Line breaks become ↵, tabs spaces.
func Line(s string) string { return clean(s, false) }

// Quote is Line in the double quotes of a message: `"name"`.
func Quote(s string) string { return `"` + Line(s) + `"` }

// Safe reports whether Text (keepLines) or Line would return s unchanged.
func Safe(s string, keepLines bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '\n' || c == '\t' {
				if !keepLines {
					return false
				}
			} else if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || acts(r) || r == 0x2028 || r == 0x2029 {
			return false
		}
		i += size
	}
	return true
}

// acts reports whether a non-ASCII rune is drawn as a symbol: C1 controls, noncharacters, bidirectional controls.
func acts(r rune) bool {
	return (r >= 0x80 && r < 0xa0) || r == 0xFFFE || r == 0xFFFF || IsBidi(r)
}

// IsBidi reports whether r is a bidirectional control character.
func IsBidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

func clean(s string, keepLines bool) string {
	if Safe(s, keepLines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune('\uFFFD')
			i += max(size, 1)
			continue
		}
		i += size
		switch {
		case r == '\r' && i < len(s) && s[i] == '\n':
			// CR LF: the LF makes the line break.
		case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			if keepLines {
				b.WriteByte('\n')
			} else {
				b.WriteRune('↵')
			}
		case r == '\t':
			if keepLines {
				b.WriteByte('\t')
			} else {
				b.WriteByte(' ')
			}
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune('␡')
		case IsBidi(r):
			h := strings.ToUpper(strconv.FormatInt(int64(r), 16))
			b.WriteString("⟦U+")
			b.WriteString(strings.Repeat("0", 4-len(h)))
			b.WriteString(h)
			b.WriteString("⟧")
		case acts(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
