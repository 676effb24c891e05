package review

import (
	"math/rand/v2"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only separators", " \t\n\u3000，。！？…—·、；：“”‘’【】《》()[]{}<>/\\|@#$%^&*_+=~`", ""},
		{"plain chinese", "明天上午九点开会", "明天上午九点开会"},
		{"already normal", "qq123加微信", "qq123加微信"},
		{"normal then dropped", "abc。", "abc"},
		{"normal then changed", "abcD", "abcd"},
		{"chinese punctuation", "各位同事：请于周五前提交周报，谢谢！", "各位同事请于周五前提交周报谢谢"},

		// Full-width ASCII.
		{"full-width letters", "ＶＸ", "vx"},
		{"full-width lower", "ｖｘ：ａｂｃ", "vxabc"},
		{"full-width digits", "０１２３４５６７８９", "0123456789"},
		{"full-width mixed", "加ＱＱ：１２３４５６７８", "加qq12345678"},
		{"full-width punctuation dropped", "！＃＄％＆（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～", ""},
		{"ideographic space", "加\u3000微\u3000信", "加微信"},

		// Case.
		{"ascii upper", "WeChat QQ VX", "wechatqqvx"},
		{"mixed case", "Vx vX", "vxvx"},
		{"latin accents kept", "Café ÉCOLE", "caféécole"},
		{"greek sigma orbit", "ΣΑΣ σας", "σασσασ"},
		{"kelvin sign", "\u212A", "k"},
		{"long s", "ſ", "s"},
		{"cyrillic", "ПРИВЕТ Мир", "приветмир"},
		{"turkish dotted I", "İ", "i"},

		// Traditional → simplified.
		{"traditional common", "購買賣們這時說國會對發經過還點現業為開關機員見長門問間題體學電動號黨書記",
			"购买卖们这时说国会对发经过还点现业为开关机员见长门问间题体学电动号党书记"},
		{"traditional moderation", "群組廣告紅包錢騙賭毒槍祕密絕資料傳轉發據內部消息緊急擴散",
			"群组广告红包钱骗赌毒枪秘密绝资料传转发据内部消息紧急扩散"},
		{"traditional sentence", "請各位同事把這個檔案轉發給組長，謝謝！", "请各位同事把这个档案转发给组长谢谢"},
		{"simplified unchanged", "微信群里发红包", "微信群里发红包"},
		{"taiwan variant", "裡面", "里面"},
		{"hong kong variant", "衞生", "卫生"},
		{"compatibility ideograph", "\uF900\uFA5F", "岂著"},
		{"zhu kept", "著名", "著名"},
		{"mixed scripts", "代購ＶＸ：ABC１２３", "代购vxabc123"},

		// Separators of every kind.
		{"space", "加 微 信", "加微信"},
		{"dash", "加-微-信", "加微信"},
		{"dot", "加.微.信", "加微信"},
		{"zero-width space", "加\u200b微\u200b信", "加微信"},
		{"zero-width joiners", "加\u200c微\u200d信\u2060", "加微信"},
		{"bom", "\ufeff加\ufeff微\ufeff信", "加微信"},
		{"soft hyphen", "加\u00ad微", "加微"},
		{"no-break space", "加\u00a0微\u202f信", "加微信"},
		{"bidi controls", "加\u202e微\u202c信", "加微信"},
		{"tab newline", "加\t微\r\n信", "加微信"},
		{"control characters", "加\x00微\x1b信\x7f\u0085", "加微信"},
		{"nul only", "\x00", ""},
		{"emoji between", "加🌸微🌸信", "加微信"},
		{"emoji zwj sequence", "加👨\u200d👩\u200d👧微", "加微"},
		{"variation selectors", "加\ufe0f微\ufe0e信\U000E0100", "加微信"},
		{"combining marks", "加\u0301微\u20e3信", "加微信"},
		{"symbols", "加★微☆信♥号", "加微信号"},
		{"keycap digits", "1\ufe0f\u20e32\ufe0f\u20e3", "12"},
		{"emoji only", "👍🎉😂🙏", ""},
		{"emoji around text", "👍好的🎉", "好的"},

		// Invalid UTF-8 is a separator.
		{"invalid bytes", "加\xff微\xc0信", "加微信"},
		{"truncated sequence", "加\xe5\xbe微", "加微"},
		{"lone continuation", "\x80\x80加", "加"},
		{"encoded surrogate", "加\xed\xa0\x80微", "加微"},
		{"overlong", "\xe0\x81\x81\xc1\x81", ""},
		{"invalid at end", "微信\xe4", "微信"},
		{"replacement char", "加\uFFFD微", "加微"},

		// Numbers of other scripts are kept as they are.
		{"other numbers", "Ⅻ②٣", "ⅻ②٣"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Normalize(c.in); got != c.want {
				t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
			}
			if got := Normalize(c.want); got != c.want {
				t.Errorf("Normalize not idempotent on %q: %q", c.want, got)
			}
		})
	}
}

// TestNormRune checks every rune: the BMP table agrees with normRune, the normal form is a
// lower-case letter or digit (or nothing), and normalising is idempotent.
func TestNormRune(t *testing.T) {
	tab := normTable()
	bad := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		n := normRune(r)
		if r < 0x10000 {
			tv := rune(tab[r])
			if tv == normSlowMark {
				tv = normRune(r)
				if tv < 0x10000 {
					t.Errorf("U+%04X marked slow but normalises to U+%04X", r, tv)
				}
			}
			if tv != n {
				t.Errorf("table U+%04X → U+%04X, normRune → U+%04X", r, tv, n)
				bad++
			}
		}
		if n == 0 {
			continue
		}
		if !unicode.IsLetter(n) && !unicode.IsNumber(n) {
			t.Errorf("U+%04X → U+%04X is not a letter or number", r, n)
			bad++
		}
		if n2 := normRune(n); n2 != n {
			t.Errorf("not idempotent: U+%04X → U+%04X → U+%04X", r, n, n2)
			bad++
		}
		if bad > 20 {
			t.Fatal("too many errors")
		}
	}
	// Each rune normalises to one rune at most, so Normalize is one rune per kept rune.
	for _, s := range []string{"ǅ", "ﬀ", "ß", "İ", "ŉ"} {
		if n := utf8.RuneCountInString(Normalize(s)); n != 1 {
			t.Errorf("Normalize(%q) has %d runes", s, n)
		}
	}
}

func TestT2SPairs(t *testing.T) {
	if len(t2sPairs) < 4000 {
		t.Fatalf("only %d pairs", len(t2sPairs))
	}
	keys := map[rune]bool{}
	for i, p := range t2sPairs {
		if i > 0 && t2sPairs[i-1][0] >= p[0] {
			t.Fatalf("not sorted at %d: %U after %U", i, p[0], t2sPairs[i-1][0])
		}
		if p[0] == p[1] {
			t.Errorf("identity pair %c", p[0])
		}
		keys[p[0]] = true
	}
	for _, p := range t2sPairs {
		if keys[p[1]] {
			t.Errorf("chain: %c → %c is itself mapped", p[0], p[1])
		}
	}
	for trad, simp := range map[rune]rune{'購': '购', '們': '们', '國': '国', '祕': '秘', '槍': '枪', '黨': '党', '擴': '扩', '發': '发', '髮': '发'} {
		if got := t2s(trad); got != simp {
			t.Errorf("t2s(%c) = %c, want %c", trad, got, simp)
		}
	}
	for _, r := range "微信群秘密消息著干后" {
		if got := t2s(r); got != r {
			t.Errorf("simplified %c changed to %c", r, got)
		}
	}
}

func TestDecodeRune(t *testing.T) {
	// normDecodeRune agrees with utf8.DecodeRuneInString except on encoded surrogates.
	for _, s := range []string{"a", "加", "é", "🌸", "\xff", "\xe5\xbe", "\xe0\x81\x81", "\xef\xbf\xbd", "\xed\x9f\xbf", "\xee\x80\x80"} {
		r, n := normDecodeRune(s, 0)
		wr, wn := utf8.DecodeRuneInString(s)
		if r != wr || n != wn {
			t.Errorf("normDecodeRune(%q) = %U, %d; want %U, %d", s, r, n, wr, wn)
		}
	}
	if r, n := normDecodeRune("\xed\xa0\x80", 0); r != 0xD800 || n != 3 || normRune(r) != 0 {
		t.Errorf("surrogate: %U %d", r, n)
	}
}

// TestNormalizeRandom compares Normalize with its definition, rune by rune through normRune,
// on random strings and random bytes.
func TestNormalizeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := append([]string{"\x00", "Ａ", "ǅ", "𠀀", "𝐀", "\U0002F800", "\uFA5F", "İ", "K"}, matchAlphabet...)
	for range 20000 {
		var s string
		if rng.IntN(2) == 0 {
			s = matchRandString(rng, 20)
			for range rng.IntN(3) {
				s += pieces[rng.IntN(len(pieces))]
			}
		} else {
			b := make([]byte, rng.IntN(24))
			for i := range b {
				b[i] = byte(rng.IntN(256))
			}
			s = string(b)
		}
		var want []rune
		for _, r := range s { // invalid bytes decode as U+FFFD, which is dropped
			if n := normRune(r); n != 0 {
				want = append(want, n)
			}
		}
		if got := Normalize(s); got != string(want) {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, string(want))
		}
	}
}
