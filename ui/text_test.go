package ui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"qunshen/internal/inert"
)

// FuzzEachDrawn: the pieces eachDrawn gives, together, are the text inert.Line or
// inertBody makes, and hold no control character but the line breaks of a body.
func FuzzEachDrawn(f *testing.F) {
	for _, s := range []string{"", "张伟", "a\r\nb", "a\rb\n", "\xff李\u202e娜\n", "x\x1b]0;t\a\t\u2028y\r", "\r\r\n\n", "\ufffe\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, lines := range []bool{false, true} {
			var b strings.Builder
			at := -1
			eachDrawn(s, lines, func(i int, drawn string) {
				if i <= at {
					t.Fatalf("%q: offset %d after %d", s, i, at)
				}
				at = i
				b.WriteString(drawn)
			})
			want := inert.Line(s)
			if lines {
				want = inertBody(s)
			}
			if b.String() != want {
				t.Fatalf("%q (lines %v): pieces %q, the whole %q", s, lines, b.String(), want)
			}
			if !utf8.ValidString(want) || strings.ContainsAny(want, "\x1b\r\t\a") || !lines && strings.Contains(want, "\n") {
				t.Fatalf("%q (lines %v): not inert: %q", s, lines, want)
			}
		}
	})
}

// A line drawn is as wide for a terminal that measures each character as for one that
// measures graphemes, whatever emoji the text holds: the columns of a list stay aligned.
func TestWidthAgreesAcrossTerminals(t *testing.T) {
	for _, s := range []string{"欧阳娜娜👩🏽‍💻", "👨‍👩‍👧家庭", "❤️点赞👍🏻", "1️⃣第一", "🇨🇳国旗", "第三党支部党员工作交流群（二〇二六年度）👨‍👩‍👧"} {
		for _, w := range []int{4, 10, 30} {
			for _, got := range []string{Fit(s, w), Cut(s, w)} {
				if g, wc := ansi.StringWidth(got), ansi.StringWidthWc(got); g != wc || g > w {
					t.Errorf("%q at %d: %q is %d cells by graphemes, %d by characters", s, w, got, g, wc)
				}
			}
			if g := ansi.StringWidth(Fit(s, w)); g != w {
				t.Errorf("%q fitted to %d: %d cells", s, w, g)
			}
		}
	}
}
