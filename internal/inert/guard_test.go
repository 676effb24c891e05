package inert

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestGuard(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"plain 中文\n", "plain 中文\n"},
		{"a\tb\r\n", "a\tb\r\n"},
		{"\x1b[2J", `\u001b[2J`},
		{"c1\u009b31m", `c1\u009b31m`},
		{"\u202egnp", `\u202egnp`},
		{"del\x7f", `del\u007f`},
		{"␛ shown already", "␛ shown already"},
		{"bad\xffbyte", "bad\xffbyte"},
	} {
		var b bytes.Buffer
		g := NewGuard(&b)
		g.Write([]byte(c.in))
		g.Flush()
		if b.String() != c.out {
			t.Errorf("guarded %q = %q, want %q", c.in, b.String(), c.out)
		}
	}
}

// FuzzGuard: written in any pieces, what comes out has no acting character, and JSON out
// decodes to the same value after the guard.
func FuzzGuard(f *testing.F) {
	for _, s := range []string{"", "abc", "\x1b[31mred", "\u202e中文", "\u009b", "\xe4\xb8", "x\u2066y"} {
		f.Add(s, uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, step uint8) {
		n := int(step%7) + 1
		raw, _ := json.Marshal(map[string]string{"s": s})
		for _, in := range [][]byte{[]byte(s), raw} {
			var b bytes.Buffer
			g := NewGuard(&b)
			for i := 0; i < len(in); i += n {
				if _, err := g.Write(in[i:min(i+n, len(in))]); err != nil {
					t.Fatal(err)
				}
			}
			if err := g.Flush(); err != nil {
				t.Fatal(err)
			}
			out := b.Bytes()
			for i := 0; i < len(out); {
				r, size := utf8.DecodeRune(out[i:])
				if (r != utf8.RuneError || size > 1) && acting(r) {
					t.Fatalf("%q came out with %U: %q", in, r, out)
				}
				i += size
			}
			if bytes.Equal(in, raw) {
				var before, after map[string]string
				json.Unmarshal(raw, &before)
				if err := json.Unmarshal(out, &after); err != nil || after["s"] != before["s"] {
					t.Fatalf("JSON %q guarded to %q: %v %q", in, out, err, after["s"])
				}
			}
		}
	})
}
