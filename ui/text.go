package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"qunshen/internal/inert"
)

// Outside text reaches the screen through internal/inert, the one rule of the workbench for
// hostile text: inert.Line for names, titles and anything on one line, inertBody for a text
// shown whole. What the screen adds is layout, never a second rule.

// tabCells is how a tab of a body is drawn: the wrapping counts cells, and a tab has none.
const tabCells = "  "

// inertBody is inert.Text with each tab drawn as spaces.
func inertBody(s string) string {
	t := inert.Text(s)
	if strings.IndexByte(t, '\t') >= 0 {
		t = strings.ReplaceAll(t, "\t", tabCells)
	}
	return t
}

// eachDrawn calls f with the byte offset of each rune of s and what the screen draws for it:
// inert.Line's rule (inertBody's, when lines) applied rune by rune, a CR before an LF drawn as
// nothing, so that the pieces together are inert.Line(s) (inertBody(s)) and a highlighted
// byte range of the stored text keeps its place.
func eachDrawn(s string, lines bool, f func(at int, drawn string)) {
	for i, r := range s {
		switch {
		case r == '\r' && i+1 < len(s) && s[i+1] == '\n':
			f(i, "")
		case lines:
			f(i, inertBody(string(r)))
		default:
			f(i, inert.Line(string(r)))
		}
	}
}

// Width is the width of s in terminal cells, each character measured on its own as bubbletea's
// renderer measures it (which, on the text oneWidth leaves, is what measuring graphemes gives
// too, and costs a third of it).
func Width(s string) int { return ansi.StringWidthWc(oneWidth(s)) }

// oneWidth drops from s what terminals disagree on the width of: the joiner of emoji
// sequences (U+200D), the variation selectors of text and emoji presentation (U+FE0E,
// U+FE0F) and the skin tones (U+1F3FB-U+1F3FF). A terminal that measures each character
// (tmux, xterm, VTE, and bubbletea's renderer unless the terminal takes mode 2027) draws
// 👩🏽‍💻 in six cells, one that measures graphemes in two; without them, 👩💻 takes four in
// both, and the columns of a list stay aligned whatever the names hold.
func oneWidth(s string) string {
	if !strings.Contains(s, "\u200d") && !strings.Contains(s, "\ufe0e") && !strings.Contains(s, "\ufe0f") && !strings.Contains(s, "\xf0\x9f\x8f") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == 0x200d, r == 0xfe0e, r == 0xfe0f, r >= 0x1f3fb && r <= 0x1f3ff:
			return -1
		}
		return r
	}, s)
}

// Fit cuts s to at most w cells, marking a cut with ">", and pads it with spaces to exactly w.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = oneWidth(s)
	if Width(s) > w {
		s = ansi.TruncateWc(s, w, ">")
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
	s = oneWidth(s)
	if Width(s) > w {
		return ansi.TruncateWc(s, w, ">")
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
	// lastBreak is the index in cur after which a Latin word may be broken from what is
	// before it: a space, or a character of CJK text, after which any break is allowed.
	lastBreak := -1
	breakAfter := func(r rune) bool { return r == ' ' || r >= 0x80 && !strings.ContainsRune(noLineStart, r) }
	flush := func(n int) {
		lines = append(lines, strings.TrimRight(string(cur[:n]), " "))
		rest := cur[n:]
		for len(rest) > 0 && rest[0] == ' ' {
			rest = rest[1:]
		}
		cur = append([]rune(nil), rest...)
		curW = Width(string(cur))
		lastBreak = -1
		for i, r := range cur {
			if breakAfter(r) {
				lastBreak = i
			}
		}
	}
	for _, r := range s {
		rw := Width(string(r))
		if curW+rw > w && len(cur) > 0 {
			cut := len(cur)
			if r < 0x80 && r != ' ' && lastBreak >= 0 {
				cut = lastBreak + 1 // break before the Latin word that does not fit
			} else if strings.ContainsRune(noLineStart, r) && len(cur) > 1 {
				cut = len(cur) - 1 // carry one character down with the punctuation
			}
			flush(cut)
			if r == ' ' && len(cur) == 0 {
				continue // a space that ends a line begins none
			}
		}
		if breakAfter(r) {
			lastBreak = len(cur)
		}
		cur = append(cur, r)
		curW += rw
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(string(cur), " "))
	}
	return lines
}
