package review

// FindPII against a simple reference scan, on random and fuzzed text.

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// piiReference finds personal data in text that holds no separators, no plus signs and no X:
// every maximal run of digits is one number, judged by its length alone.
func piiReference(text string) []PIIMatch {
	var out []PIIMatch
	for i := 0; i < len(text); {
		_, w := piiDigit(text, i)
		if w == 0 {
			i++
			continue
		}
		start := i
		var ds []byte
		for i < len(text) {
			v, w := piiDigit(text, i)
			if w == 0 {
				break
			}
			ds = append(ds, '0'+v)
			i += w
		}
		s := string(ds)
		mobile := func(s string) bool { return len(s) == 11 && s[0] == '1' && s[1] >= '3' }
		switch {
		case mobile(s), len(s) == 13 && s[:2] == "86" && mobile(s[2:]), len(s) == 15 && s[:4] == "0086" && mobile(s[4:]):
			out = append(out, PIIMatch{PIIMobile, start, i})
		case len(s) == 18 && ValidResidentID(s):
			out = append(out, PIIMatch{PIIResidentID, start, i})
		case len(s) >= 16 && len(s) <= 19 && LuhnValid(s):
			out = append(out, PIIMatch{PIIBankCard, start, i})
		}
	}
	return out
}

// piiInvariants checks what must hold of any result: spans in bounds, on rune boundaries,
// sorted and disjoint, not touching other digits, and holding what their kind says.
func piiInvariants(t *testing.T, text string, got []PIIMatch) {
	t.Helper()
	boundary := make([]bool, len(text)+1)
	for i := range text {
		boundary[i] = true
	}
	boundary[len(text)] = true
	prevEnd := 0
	for _, m := range got {
		if m.Start < prevEnd || m.End <= m.Start || m.End > len(text) {
			t.Fatalf("%q: bad span %v after %d in %s", text, m, prevEnd, piiShow(text, got))
		}
		prevEnd = m.End
		if !boundary[m.Start] || !boundary[m.End] {
			t.Fatalf("%q: span %v not on rune boundaries", text, m)
		}
		if m.Start > 0 && text[m.Start] != '+' && !strings.HasPrefix(text[m.Start:], "＋") {
			if _, w := piiDigit(text, m.Start-1); w > 0 || m.Start >= 3 && piiDigitAt(text, m.Start-3) && text[m.Start-3] == 0xEF {
				t.Fatalf("%q: span %v follows a digit", text, m)
			}
		}
		if piiDigitAt(text, m.End) {
			t.Fatalf("%q: span %v is followed by a digit", text, m)
		}
		// What the span holds: digits, separators, a leading plus, a trailing X.
		var ds []byte
		x := false
		for i := m.Start; i < m.End; {
			if v, w := piiDigit(text, i); w > 0 {
				ds = append(ds, '0'+v)
				i += w
				continue
			}
			if w := piiCheckX(text, i); w > 0 && i+w == m.End {
				x = true
				i += w
				continue
			}
			if w := piiPlusBefore(text, i+1); w == i && i == m.Start {
				i++
				continue
			}
			if i+3 <= m.End && text[i:i+3] == "＋" && i == m.Start {
				i += 3
				continue
			}
			if (text[i] == ' ' || text[i] == '-') && len(ds) > 0 && piiDigitAt(text, i+1) {
				i++
				continue
			}
			t.Fatalf("%q: span %v holds %q", text, m, text[i:])
		}
		s := string(ds)
		switch m.Kind {
		case PIIResidentID:
			if x {
				s += "X"
			}
			if !ValidResidentID(s) {
				t.Fatalf("%q: %v holds no valid ID: %s", text, m, s)
			}
		case PIIMobile:
			n := len(s)
			if x || n < 11 || !(n == 11 || n == 13 && s[:2] == "86" || n == 15 && s[:4] == "0086") || s[n-11] != '1' || s[n-10] < '3' {
				t.Fatalf("%q: %v holds no mobile: %s", text, m, s)
			}
		case PIIBankCard:
			if x || len(s) < 16 || len(s) > 19 || !LuhnValid(s) || len(s) == 18 && ValidResidentID(s) {
				t.Fatalf("%q: %v holds no card: %s", text, m, s)
			}
		default:
			t.Fatalf("%q: kind %v", text, m.Kind)
		}
	}
}

func piiSimple(text string) bool {
	return !strings.ContainsAny(text, " -+＋Xxｘ") && !strings.Contains(text, "Ｘ")
}

// TestPIIRandom throws generated digit-heavy text at FindPII: the invariants always, and the
// reference when the text has no separators.
func TestPIIRandom(t *testing.T) {
	piiTestClock(t)
	pieces := []string{"0", "1", "3", "8", "6", "9", "4", "2", "5", "7", "１", "８", "６", "０", " ", " ", "-", "+", "＋", "X", "x", "Ｘ", "号", "，", "。", "a", "\xef", "\xef\xbc", "\xbc\x91", "\x80",
		"13812345678", "11010519491231002", "11010519491231002X", "6222021234567894", "86", "0086", "6222", "138", "1234", "5678", "110105", "19491231", "002"}
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 50000; n++ {
		var b strings.Builder
		for k := r.Intn(30); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		text := b.String()
		got := FindPII(text, nil)
		piiInvariants(t, text, got)
		if piiSimple(text) {
			if want := piiReference(text); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("FindPII(%q)\n got %s\nwant %s", text, piiShow(text, got), piiShow(text, want))
			}
		}
	}
}

func FuzzFindPII(f *testing.F) {
	for _, s := range []string{
		"", "请拨打13812345678联系", "身份证11010519491231002X。", "１１０１０５１９４９１２３１００２ｘ",
		"+86 138 1234 5678", "0086-138-1234-5678", "6222 0212 3456 7894 138 1234 5678", "6228-4801-2345-6789-015",
		"110105 19491231 002X", "2024-05-01 138-1234-5678", "62220212345678941230", "\xef\xbc", "\xef\xbc\x91\xef",
		"\xff\xfe13812345678\xe4", "1 2 3 4 5 6 7 8 9 0", "11010519491231002X5", "＋８６ １３８１２３４５６７８",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		old := piiNow
		piiNow = func() time.Time { return time.Date(2025, time.June, 15, 12, 0, 0, 0, time.Local) }
		defer func() { piiNow = old }()
		got := FindPII(text, nil)
		piiInvariants(t, text, got)
		if piiSimple(text) {
			if want := piiReference(text); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("FindPII(%q)\n got %s\nwant %s", text, piiShow(text, got), piiShow(text, want))
			}
		}
		if !utf8.ValidString(text) {
			return
		}
		// Writing every ASCII digit full-width finds the same numbers at shifted offsets.
		if strings.ContainsAny(text, "０１２３４５６７８９") {
			return
		}
		var b strings.Builder
		shift := make([]int, len(text)+1)
		for i := 0; i < len(text); i++ {
			shift[i] = b.Len()
			if c := text[i]; c >= '0' && c <= '9' {
				b.WriteRune(rune(0xFF10 + int(c-'0')))
			} else {
				b.WriteByte(c)
			}
		}
		shift[len(text)] = b.Len()
		wide := FindPII(b.String(), nil)
		if len(wide) != len(got) {
			t.Fatalf("%q: %d findings, %d when written full-width", text, len(got), len(wide))
		}
		for i, m := range got {
			if w := wide[i]; w.Kind != m.Kind || w.Start != shift[m.Start] || w.End != shift[m.End] {
				t.Fatalf("%q: %v, full-width %v", text, m, w)
			}
		}
	})
}
