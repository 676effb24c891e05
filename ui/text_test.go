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

// A Latin word that does not fit goes down from the last place a line may break, a space or
// a character of CJK text, not from a space far back.
func TestWrapMixedText(t *testing.T) {
	s := "出错：信息 p-000002 当前为“已通过”，群管理员不能执行“提交书记审签”（post.escalate）"
	got := Wrap(s, 60)
	if len(got) != 2 || Width(got[0]) < 55 || !strings.HasSuffix(got[1], "（post.escalate）") {
		t.Fatalf("wrapped at 60: %q", got)
	}
	if got := Wrap("请按 e 提交书记审签", 6); got[0] != "请按 e" {
		t.Fatalf("a key between CJK words: %q", got)
	}
}
