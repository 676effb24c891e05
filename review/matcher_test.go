package review

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// matchHit is an expected match: the term's text and the exact text of the span.
type matchHit struct{ term, span string }

func TestFindAll(t *testing.T) {
	terms := []string{
		"加微信", "微信", "信号", "代购", "vx", "qq", "刷单", "刷单返利", "加油", "代理",
		"法轮功", "紧急扩散", "內部消息", // traditional in the list: 内部消息
		"WeChat", "兼职", "红包", "群",
	}
	m := NewMatcher(terms)
	cases := []struct {
		name, text string
		want       []matchHit
	}{
		{"plain", "想买东西可以加微信", []matchHit{{"加微信", "加微信"}, {"微信", "微信"}}},
		{"space", "有需要的加 微 信联系我", []matchHit{{"加微信", "加 微 信"}, {"微信", "微 信"}}},
		{"dash", "加-微-信", []matchHit{{"加微信", "加-微-信"}, {"微信", "微-信"}}},
		{"dot", "加.微.信", []matchHit{{"加微信", "加.微.信"}, {"微信", "微.信"}}},
		{"zero-width space", "加\u200b微\u200b信", []matchHit{{"加微信", "加\u200b微\u200b信"}, {"微信", "微\u200b信"}}},
		{"bom", "加\ufeff微\ufeff信", []matchHit{{"加微信", "加\ufeff微\ufeff信"}, {"微信", "微\ufeff信"}}},
		{"emoji between", "速度加🌸微🌸信！", []matchHit{{"加微信", "加🌸微🌸信"}, {"微信", "微🌸信"}}},
		{"ideographic space and punctuation", "加\u3000微，信。", []matchHit{{"加微信", "加\u3000微，信"}, {"微信", "微，信"}}},
		{"invalid bytes between", "加\xff微\xc0信", []matchHit{{"加微信", "加\xff微\xc0信"}, {"微信", "微\xc0信"}}},
		{"full-width", "有事加ＶＸ：abc123", []matchHit{{"vx", "ＶＸ"}}},
		{"mixed case", "加Vx了吗", []matchHit{{"vx", "Vx"}}},
		{"full-width spaced", "Ｖ  ｘ", []matchHit{{"vx", "Ｖ  ｘ"}}},
		{"latin anywhere", "qq123 和 QQ群", []matchHit{{"qq", "qq"}, {"qq", "QQ"}, {"群", "群"}}},
		{"traditional", "淘寶代購正品", []matchHit{{"代购", "代購"}}},
		{"traditional term", "有内部消息，紧急扩散！", []matchHit{{"內部消息", "内部消息"}, {"紧急扩散", "紧急扩散"}}},
		{"traditional both", "內部消息，緊急擴散", []matchHit{{"內部消息", "內部消息"}, {"紧急扩散", "緊急擴散"}}},
		{"case of term", "wechat 或 WECHAT", []matchHit{{"WeChat", "wechat"}, {"WeChat", "WECHAT"}}},
		{"overlapping", "加微信号", []matchHit{{"加微信", "加微信"}, {"微信", "微信"}, {"信号", "信号"}}},
		{"term inside term", "兼职刷单返利", []matchHit{{"兼职", "兼职"}, {"刷单", "刷单"}, {"刷单返利", "刷单返利"}}},
		{"repeated", "微信微信", []matchHit{{"微信", "微信"}, {"微信", "微信"}}},
		{"must not: letter between", "加油微信", []matchHit{{"加油", "加油"}, {"微信", "微信"}}},
		{"must not: 代理购买", "代理购买", []matchHit{{"代理", "代理"}}},
		{"must not: digit between", "加1微信", []matchHit{{"微信", "微信"}}},
		{"must not: latin between", "加x微x信", nil},
		{"nothing", "明天上午九点在三楼会议室开会，请准时参加。", nil},
		{"empty", "", nil},
		{"only separators", " ，。🌸\u200b\xff", nil},
		{"single rune term", "这个群的红包", []matchHit{{"群", "群"}, {"红包", "红包"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := m.FindAll(c.text, nil)
			var gotHits []matchHit
			for _, g := range got {
				gotHits = append(gotHits, matchHit{m.Term(g.Term), c.text[g.Start:g.End]})
			}
			if !slices.Equal(gotHits, c.want) {
				t.Errorf("FindAll(%q)\n got %q\nwant %q", c.text, gotHits, c.want)
			}
			matchCheck(t, m, c.text, got)
		})
	}
}

func TestFindAllSpans(t *testing.T) {
	m := NewMatcher([]string{"微信", "加微信", "信号"})
	text := "请加微信号"
	got := m.FindAll(text, nil)
	want := []Match{{1, 3, 12}, {0, 6, 12}, {2, 9, 15}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// Separators before and after a match are not part of it.
	got = m.FindAll(" 🌸微 信🌸 ", nil)
	if want := []Match{{0, 5, 12}}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// dst is appended to, not overwritten.
	dst := []Match{{Term: 99}}
	dst = m.FindAll("微信", dst)
	if want := []Match{{Term: 99}, {0, 0, 6}}; !slices.Equal(dst, want) {
		t.Fatalf("got %v, want %v", dst, want)
	}
}

func TestMatcherTerms(t *testing.T) {
	terms := []string{"微信", "", "  ", "微 信", "🌸", "WEIXIN", "weixin", "微信"}
	m := NewMatcher(terms)
	if m.Len() != len(terms) {
		t.Fatalf("Len = %d", m.Len())
	}
	for i, s := range terms {
		if m.Term(int32(i)) != s {
			t.Errorf("Term(%d) = %q, want %q", i, m.Term(int32(i)), s)
		}
	}
	if m.Term(-1) != "" || m.Term(int32(len(terms))) != "" {
		t.Error("Term out of range should be empty")
	}
	got := m.FindAll("加微信或Weixin", nil)
	want := []Match{{0, 3, 9}, {3, 3, 9}, {7, 3, 9}, {5, 12, 18}, {6, 12, 18}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}

	empty := NewMatcher(nil)
	if empty.Len() != 0 || len(empty.FindAll("微信", nil)) != 0 {
		t.Error("empty matcher matched")
	}
	blank := NewMatcher([]string{"", "。", "🌸"})
	if blank.Len() != 3 || len(blank.FindAll("。🌸", nil)) != 0 {
		t.Error("matcher of blank terms matched")
	}
	var nilM *Matcher
	if nilM.Len() != 0 || nilM.FindAll("x", nil) != nil || nilM.Term(0) != "" {
		t.Error("nil matcher")
	}
}

// TestFindAllLongTerms exercises terms longer than the ring FindAll keeps on the stack.
func TestFindAllLongTerms(t *testing.T) {
	long := strings.Repeat("法", 150) + "轮功"
	m := NewMatcher([]string{long, "法法", "轮功"})
	text := "前言" + strings.Repeat("法 ", 151) + "轮功。"
	got := m.FindAll(text, nil)
	want := matchOracle(m, text)
	if !slices.Equal(got, want) {
		t.Fatalf("got %d matches, want %d", len(got), len(want))
	}
	var found bool
	for _, g := range got {
		if g.Term == 0 {
			found = true
			if Normalize(text[g.Start:g.End]) != Normalize(long) {
				t.Errorf("long term span %q", text[g.Start:g.End])
			}
		}
	}
	if !found {
		t.Error("long term not found")
	}
}

// TestFindAllChunks checks texts of many chunks, matches across the chunk boundaries, terms
// longer than a chunk, and that nothing of an earlier call is seen by the next.
func TestFindAllChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, longLen := range []int{0, 200, 700} {
		terms := []string{"加微信", "微信", "信号", "代购", "vx", "法轮功", "信"}
		if longLen > 0 {
			var b strings.Builder
			for range longLen {
				b.WriteString([]string{"加", "微", "信"}[rng.IntN(3)])
			}
			terms = append(terms, b.String())
		}
		m := NewMatcher(terms)
		for range 30 {
			var b strings.Builder
			for b.Len() < 12000 {
				if rng.IntN(50) == 0 && longLen > 0 {
					b.WriteString(terms[len(terms)-1])
				} else {
					b.WriteString(matchAlphabet[rng.IntN(len(matchAlphabet))])
				}
			}
			text := b.String()
			got := m.FindAll(text, nil)
			matchCheck(t, m, text, got)
			if want := matchOracle(m, text); !slices.Equal(got, want) {
				t.Fatalf("long term %d: got %d matches, want %d", longLen, len(got), len(want))
			}
		}
	}
	m := NewMatcher([]string{"加微信"})
	for range 3 {
		if got := m.FindAll("请加微", nil); len(got) != 0 {
			t.Fatalf("got %v", got)
		}
		if got := m.FindAll("信", nil); len(got) != 0 {
			t.Fatalf("a match made of the runes of the previous call: %v", got)
		}
	}
}

func TestFindAllConcurrent(t *testing.T) {
	m := NewMatcher([]string{"加微信", "微信", "信号", "代购"})
	texts := []string{"加 微 信号", "淘寶代購", strings.Repeat("请加微信，", 300), ""}
	want := make([][]Match, len(texts))
	for i, s := range texts {
		want[i] = m.FindAll(s, nil)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			var dst []Match
			for k := range 200 {
				i := (g + k) % len(texts)
				if dst = m.FindAll(texts[i], dst[:0]); !slices.Equal(dst, want[i]) {
					t.Errorf("goroutine %d: FindAll(%q) = %v, want %v", g, texts[i], dst, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestFindAllBigBucket exercises buckets that are narrowed by binary search: many terms
// sharing their last runes, as the URL terms of real lists do.
func TestFindAllBigBucket(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var terms []string
	for range 500 {
		var b strings.Builder
		b.WriteString("www.")
		for range 1 + rng.IntN(4) {
			b.WriteByte("abcxyz"[rng.IntN(6)])
		}
		b.WriteString(".com")
		terms = append(terms, b.String())
	}
	terms = append(terms, "com", "om", "m")
	m := NewMatcher(terms)
	for range 200 {
		var b strings.Builder
		for range rng.IntN(30) {
			switch rng.IntN(5) {
			case 0:
				b.WriteString(terms[rng.IntN(len(terms))])
			case 1:
				b.WriteString(" ")
			case 2:
				b.WriteString("访问")
			default:
				b.WriteByte("abcxyzwmo."[rng.IntN(10)])
			}
		}
		text := b.String()
		got := m.FindAll(text, nil)
		if want := matchOracle(m, text); !slices.Equal(got, want) {
			t.Fatalf("FindAll(%q):\n got %v\nwant %v", text, got, want)
		}
	}
}

// matchAlphabet mixes the letters of the test terms with separators, full-width and upper-case
// forms, traditional characters, emoji and invalid bytes.
var matchAlphabet = []string{
	"加", "微", "信", "号", "代", "购", "購", "v", "V", "ｖ", "Ｘ", "x", "q", "Q", "1", "１",
	"法", "轮", "功", "油", "們", "们",
	" ", "-", ".", "\u200b", "\ufeff", "🌸", "，", "\u3000", "\ufe0f", "\t",
	"\xff", "\x80", "\xe5", "\xe5\xbe", "\xed\xa0\x80", "\xc3",
}

func matchRandString(rng *rand.Rand, maxRunes int) string {
	var b strings.Builder
	for range rng.IntN(maxRunes + 1) {
		b.WriteString(matchAlphabet[rng.IntN(len(matchAlphabet))])
	}
	return b.String()
}

// TestFindAllRandom compares FindAll with a brute-force oracle on random texts and term lists.
func TestFindAllRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 3000 {
		terms := make([]string, 1+rng.IntN(12))
		for i := range terms {
			terms[i] = matchRandString(rng, 1+rng.IntN(4))
		}
		m := NewMatcher(terms)
		for range 5 {
			text := matchRandString(rng, 60)
			got := m.FindAll(text, nil)
			matchCheck(t, m, text, got)
			if want := matchOracle(m, text); !slices.Equal(got, want) {
				t.Fatalf("iteration %d: terms %q, FindAll(%q):\n got %v\nwant %v", iter, terms, text, got, want)
			}
		}
	}
}

// matchCheck checks the properties every match must have.
func matchCheck(t *testing.T, m *Matcher, text string, got []Match) {
	t.Helper()
	bounds := matchRuneBounds(text)
	for i, g := range got {
		if g.Start < 0 || g.Start >= g.End || g.End > len(text) {
			t.Fatalf("match %v out of bounds of %q", g, text)
		}
		if !utf8.RuneStart(text[g.Start]) || !bounds[g.Start] || !bounds[g.End] {
			t.Fatalf("match %v not on rune boundaries of %q", g, text)
		}
		if utf8.ValidString(text) && g.End < len(text) && !utf8.RuneStart(text[g.End]) {
			t.Fatalf("match %v ends inside a rune of %q", g, text)
		}
		if g.Term < 0 || int(g.Term) >= m.Len() {
			t.Fatalf("match %v: bad term id", g)
		}
		if a, b := Normalize(text[g.Start:g.End]), Normalize(m.Term(g.Term)); a != b {
			t.Fatalf("match %v of %q: span normalises to %q, term to %q", g, text, a, b)
		}
		if i > 0 && compareMatch(got[i-1], g) >= 0 {
			t.Fatalf("matches out of order or repeated: %v then %v", got[i-1], g)
		}
	}
}

// matchRuneBounds marks the offsets at which utf8.DecodeRuneInString steps through text (an invalid
// byte being a step of one), and len(text).
func matchRuneBounds(text string) []bool {
	b := make([]bool, len(text)+1)
	for i := 0; i < len(text); {
		b[i] = true
		_, n := utf8.DecodeRuneInString(text[i:])
		i += n
	}
	b[len(text)] = true
	return b
}

// matchOracle finds the matches by brute force: normalise each rune on its own, remembering its
// offsets, and compare every term at every position.
func matchOracle(m *Matcher, text string) []Match {
	type nrune struct {
		r          rune
		start, end int
	}
	var ns []nrune
	for i := 0; i < len(text); {
		_, n := utf8.DecodeRuneInString(text[i:])
		if rs := []rune(Normalize(text[i : i+n])); len(rs) == 1 {
			ns = append(ns, nrune{rs[0], i, i + n})
		} else if len(rs) > 1 {
			panic(fmt.Sprintf("rune %q normalises to %q", text[i:i+n], string(rs)))
		}
		i += n
	}
	var out []Match
	for id := range m.Len() {
		p := []rune(Normalize(m.Term(int32(id))))
		if len(p) == 0 {
			continue
		}
	next:
		for s := 0; s+len(p) <= len(ns); s++ {
			for k, r := range p {
				if ns[s+k].r != r {
					continue next
				}
			}
			out = append(out, Match{Term: int32(id), Start: ns[s].start, End: ns[s+len(p)-1].end})
		}
	}
	slices.SortFunc(out, compareMatch)
	return out
}

func FuzzFindAll(f *testing.F) {
	terms := []string{"加微信", "微信", "信号", "代购", "vx", "qq", "刷单", "刷单返利", "法轮功", "群", "www.abc.com", "com"}
	m := NewMatcher(terms)
	for _, s := range []string{
		"", "加微信号", "加 微 信", "加-微-信", "加\u200b微\u200b信", "加\ufeff微\ufeff信", "加🌸微🌸信",
		"ＶＸ", "Vx", "淘寶代購", "加油微信", "代理购买", "兼职刷单返利", "www.abc.com",
		"加\xff微\xc0信", "\xed\xa0\x80", "\xe0\x81\x81", "微信\x80", "\xe5\xbe", "qq123",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := m.FindAll(text, nil)
		matchCheck(t, m, text, got)
		if len(text) <= 256 {
			if want := matchOracle(m, text); !slices.Equal(got, want) {
				t.Fatalf("FindAll(%q):\n got %v\nwant %v", text, got, want)
			}
		}
	})
}
