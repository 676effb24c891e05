package inert

import (
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for _, c := range []struct{ in, text, line string }{
		{"plain 中文", "plain 中文", "plain 中文"},
		{"\x1b[2Jcleared", "␛[2Jcleared", "␛[2Jcleared"},
		{"\x1b]0;PWNED\a", "␛]0;PWNED␇", "␛]0;PWNED␇"},
		{"a\r\nb\rc\u2028d", "a\nb\nc\nd", "a↵b↵c↵d"},
		{"tab\there", "tab\there", "tab here"},
		{"\u202egnp.exe", "⟦U+202E⟧gnp.exe", "⟦U+202E⟧gnp.exe"},
		{"\u061c", "⟦U+061C⟧", "⟦U+061C⟧"},
		{"c1\u009b31m", "c1\uFFFD31m", "c1\uFFFD31m"},
		{"bad\xffbyte", "bad\uFFFDbyte", "bad\uFFFDbyte"},
		{"del\x7f", "del␡", "del␡"},
		{"nul\x00", "nul␀", "nul␀"},
	} {
		if got := Text(c.in); got != c.text {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.text)
		}
		if got := Line(c.in); got != c.line {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.line)
		}
	}
}

// FuzzInert holds the rule: whatever comes in, what comes out is valid UTF-8 with no control
// character but LF and tab (none at all on one line), no bidirectional control, and it is
// left as it is by a second pass.
func FuzzInert(f *testing.F) {
	for _, s := range []string{"", "abc", "\x1b[31mred", "\u202e", "\r\n", "\xc0\x80", "\u0085", "群审\x07"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, keep := range []bool{true, false} {
			out := clean(s, keep)
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 from %q", s)
			}
			for _, r := range out {
				if r < 0x20 && !(keep && (r == '\n' || r == '\t')) || r == 0x7f || (r >= 0x80 && r < 0xa0) || IsBidi(r) || r == 0x2028 || r == 0x2029 {
					t.Fatalf("%U left in %q (from %q)", r, out, s)
				}
			}
			if again := clean(out, keep); again != out {
				t.Fatalf("not stable: %q -> %q", out, again)
			}
			if Safe(s, keep) != (out == s) {
				t.Fatalf("Safe(%q) disagrees with clean", s)
			}
		}
	})
}
