package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Inert makes text from the outside safe to draw: control characters (C0, DEL, C1 — ESC, BEL,
// CR among them) become visible Control Pictures, and bidirectional overrides, which would
// reorder the line, become a visible mark. No post, name or nickname can clear the screen,
// move the cursor, set the title, ring the bell or write the clipboard. Invalid UTF-8 shows as
// U+FFFD. Newlines and tabs are kept when keepLines is set, else drawn as ↵ and a space.
func Inert(s string, keepLines bool) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError || isBidi(r) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\n' && keepLines:
			b.WriteByte('\n')
		case r == '\n':
			b.WriteRune('↵')
		case r == '\t':
			b.WriteString("  ")
		case r < 0x20:
			b.WriteRune(0x2400 + r) // ␀ … ␟: ␛ for ESC, ␇ for BEL, ␍ for CR
		case r == 0x7f:
			b.WriteRune('␡')
		case r >= 0x80 && r < 0xa0, r == utf8.RuneError:
			b.WriteRune('\uFFFD')
		case isBidi(r):
			b.WriteRune('¦')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isBidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// Width is the width of s in terminal cells.
func Width(s string) int { return ansi.StringWidth(s) }

// Fit cuts s to at most w cells, marking a cut with ">", and pads it with spaces to exactly w.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) > w {
		s = ansi.Truncate(s, w, ">")
	}
	if n := Width(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// Cut cuts s to at most w cells, without padding.
func Cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) > w {
		return ansi.Truncate(s, w, ">")
	}
	return s
}

// noLineStart are the characters a line must not begin with in Chinese typesetting.
const noLineStart = "。，、；：？！）」』》〉】〕…．”’,.;:?!)"

// Wrap breaks plain text (no escape sequences) into lines of at most w cells: between any two
// CJK characters, at spaces in Latin text, never before a closing punctuation mark, and a
// word longer than a line is broken where it must be.
func Wrap(s string, w int) []string {
	if w < 2 {
		w = 2
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapLine(para, w)...)
	}
	return out
}

func wrapLine(s string, w int) []string {
	var lines []string
	var cur []rune
	curW := 0
	lastSpace := -1 // index in cur after which a Latin break may come
	flush := func(n int) {
		lines = append(lines, strings.TrimRight(string(cur[:n]), " "))
		rest := cur[n:]
		for len(rest) > 0 && rest[0] == ' ' {
			rest = rest[1:]
		}
		cur = append([]rune(nil), rest...)
		curW = Width(string(cur))
		lastSpace = -1
	}
	for _, r := range s {
		rw := Width(string(r))
		if curW+rw > w && len(cur) > 0 {
			cut := len(cur)
			if r < 0x80 && r != ' ' && lastSpace >= 0 {
				cut = lastSpace + 1 // break at the last space of a Latin word
			} else if strings.ContainsRune(noLineStart, r) && len(cur) > 1 {
				cut = len(cur) - 1 // carry one character down with the punctuation
			}
			flush(cut)
		}
		if r == ' ' {
			lastSpace = len(cur)
		}
		cur = append(cur, r)
		curW += rw
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(string(cur), " "))
	}
	return lines
}
