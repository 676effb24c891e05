package gen

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The tricky content of the posts: evasions, personal data, hostile text, traditional
// characters, floods and repeats.

func TestTrickyContent(t *testing.T) {
	for _, seed := range testSeeds() {
		t.Run(strconv.FormatInt(seed, 10), func(t *testing.T) { trickyContent(t, seed) })
	}
}

func trickyContent(t *testing.T, seed int64) {
	o := Options{Posts: 3000, Members: 400, Seed: seed}
	data := generate(t, o)
	p := check(t, data, o)
	var sb strings.Builder
	for _, po := range p.posts {
		sb.WriteString(*po.Title)
		sb.WriteByte('\n')
		sb.WriteString(*po.Body)
		sb.WriteByte('\n')
	}
	text := sb.String()
	raw := string(data)

	markers := map[string][]string{
		"ads":      {"加微信", "代购", "拉票", "帮忙投票", "兼职刷单", "抢红包", "投资理财高回报"},
		"evasions": {"加 微 信", "加-微-信", "加\u200b微\u200b信", "加.微.信", "ＶＸ：", "加ＱＱ", "代購", "幫忙投票"},
		"rumours":  {"紧急扩散", "据内部消息", "转发周知", "不转不是中国人"},
		"insults":  {"傻 逼", "傻-逼", "白痴", "垃圾"},
		"secrets":  {"绝密", "机密", "秘密", "内部资料", "不得外传", "密级"},
		"major":    {"干部任免", "人事任免", "重大决策", "大额资金", "三重一大", "重大事项"},
		"format":   {"——"},
	}
	for cat, ms := range markers {
		for _, m := range ms {
			if !either(text, m) {
				t.Errorf("%s: marker %q not found", cat, m)
			}
		}
	}
	for _, m := range []string{`\u001b[2J`, `\u001b]0;`, `\u0007`, `"major":true`, `"major":false`} {
		if !strings.Contains(raw, m) {
			t.Errorf("raw marker %q not found", m)
		}
	}
	hostile := 0
	for _, po := range p.posts {
		if strings.ContainsRune(*po.Body+*po.Title, 0x1b) {
			hostile++
		}
	}
	if hostile == 0 || hostile > 10 {
		t.Errorf("%d hostile posts", hostile)
	}

	// Resident ID numbers: both valid and invalid check digits.
	idRE := regexp.MustCompile(`身份(?:证|證)号(?:码|碼)?[：: ]*([0-9]{17}[0-9X])|身份證號(?:碼)?[：: ]*([0-9]{17}[0-9X])`)
	valid, invalid := 0, 0
	for _, m := range idRE.FindAllStringSubmatch(text, -1) {
		id := m[1] + m[2]
		if ResidentIDValid(id) {
			valid++
		} else {
			invalid++
		}
	}
	if valid == 0 || invalid == 0 {
		t.Errorf("resident ids: %d valid, %d invalid", valid, invalid)
	}

	// Bank card numbers: Luhn-valid and -invalid.
	cardRE := regexp.MustCompile(`(?:卡：|银行卡|卡号|銀行卡|卡號)([0-9][0-9 ]{14,22}[0-9])`)
	lv, li := 0, 0
	for _, m := range cardRE.FindAllStringSubmatch(text, -1) {
		c := strings.ReplaceAll(m[1], " ", "")
		if len(c) < 16 || len(c) > 19 {
			t.Errorf("card number %q has %d digits", m[1], len(c))
			continue
		}
		if LuhnValid(c) {
			lv++
		} else {
			li++
		}
	}
	if lv == 0 || li == 0 {
		t.Errorf("card numbers: %d Luhn-valid, %d invalid", lv, li)
	}

	// Mobile numbers in all four spellings.
	for _, re := range []string{
		`(^|[^0-9+ ])1[3-9][0-9]{9}([^0-9]|$)`,
		`1[3-9][0-9] [0-9]{4} [0-9]{4}`,
		`1[3-9][0-9]-[0-9]{4}-[0-9]{4}`,
		`\+86 1[3-9][0-9]{9}`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("no mobile number matching %s", re)
		}
	}

	// Shares: long titles, traditional posts, major flags, attachments.
	long, trad, major, unmentioned, majorKW := 0, 0, 0, 0, 0
	for _, po := range p.posts {
		if utf8.RuneCountInString(*po.Title) > 20 {
			long++
		}
		if strings.ContainsFunc(*po.Body, isTradOnly) && toTrad(*po.Body) == *po.Body {
			trad++
		}
		if *po.Major {
			major++
		}
		for _, kw := range []string{"重大事项", "干部任免", "人事任免", "重大决策", "大额资金", "三重一大", "重大事項", "幹部任免", "人事任免", "重大決策", "大額資金"} {
			if strings.Contains(*po.Body+*po.Title, kw) {
				majorKW++
				break
			}
		}
		for _, a := range po.Attachments {
			if !strings.Contains(*po.Body, a) {
				unmentioned++
				break
			}
		}
	}
	n := float64(len(p.posts))
	if s := float64(long) / n; s < 0.01 || s > 0.04 {
		t.Errorf("titles over 20 runes: %.2f%%", 100*s)
	}
	if s := float64(trad) / n; s < 0.08 || s > 0.25 {
		t.Errorf("traditional posts: %.2f%%", 100*s)
	}
	if os.Getenv("GEN_SHARES") != "" {
		t.Logf("seed %d: traditional %.1f%%, long titles %.1f%%, unmentioned attachments %.1f%%, major %d/%d",
			seed, 100*float64(trad)/n, 100*float64(long)/n, 100*float64(unmentioned)/n, major, majorKW)
	}
	if major == 0 || major >= majorKW {
		t.Errorf("%d major-flagged posts, %d with major keywords", major, majorKW)
	}
	if s := float64(unmentioned) / n; s < 0.01 || s > 0.04 {
		t.Errorf("unmentioned attachments: %.2f%%", 100*s)
	}
}

func TestFloodingAndRepeats(t *testing.T) {
	for _, seed := range testSeeds() {
		t.Run(strconv.FormatInt(seed, 10), func(t *testing.T) { floodingAndRepeats(t, seed) })
	}
}

func floodingAndRepeats(t *testing.T, seed int64) {
	o := Options{Posts: 3000, Members: 400, Seed: seed}
	p := check(t, generate(t, o), o)

	byAuthor := map[string][]time.Time{}
	for _, po := range p.posts {
		byAuthor[po.Author] = append(byAuthor[po.Author], parseTime(t, po.Time))
	}
	bursts := 0
	for _, ts := range byAuthor {
		for i := 0; i+5 < len(ts); i++ {
			if ts[i+5].Sub(ts[i]) <= 5*time.Minute {
				bursts++
				break
			}
		}
	}
	if bursts == 0 {
		t.Error("no member posted 6 times within 5 minutes")
	}

	type key struct{ group, author string }
	last := map[key][]*rec{}
	exact, near, notice := 0, 0, 0
	for _, po := range p.posts {
		k := key{po.Group, po.Author}
		tm := parseTime(t, po.Time)
		for _, q := range last[k] {
			d := tm.Sub(parseTime(t, q.Time))
			if utf8.RuneCountInString(*q.Body) < 10 {
				continue
			}
			switch {
			case d <= time.Hour && *q.Body == *po.Body:
				exact++
			case d <= time.Hour && oneRuneApart(*q.Body, *po.Body):
				near++
			case d > 24*time.Hour && *q.Body == *po.Body && *q.Title == *po.Title:
				notice++
			}
		}
		last[k] = append(last[k], po)
	}
	if exact == 0 || near == 0 || notice == 0 {
		t.Errorf("repeats: %d exact within an hour, %d near, %d after a day", exact, near, notice)
	}
}

func oneRuneApart(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	diff := 0
	for i := range ra {
		if ra[i] != rb[i] {
			diff++
		}
	}
	return diff == 1
}

func TestTraditional(t *testing.T) {
	for in, want := range map[string]string{
		"关于召开支部党员大会的通知": "關於召開支部黨員大會的通知",
		"请回复，下周报送干部名单":  "請回覆，下週報送幹部名單",
		"若干准则":          "若干準則",
	} {
		if got := toTrad(in); got != want {
			t.Errorf("toTrad(%s) = %s, want %s", in, got, want)
		}
	}
	if tradSurname("于") != "于" || tradSurname("陈") != "陳" || tradSurname("钟") != "鍾" {
		t.Error("tradSurname")
	}
	// Every simplified character in the pair table maps to a different one.
	rs := []rune(tradPairs)
	seen := map[rune]bool{}
	for i := 0; i < len(rs); i += 2 {
		if rs[i] == rs[i+1] || seen[rs[i]] {
			t.Errorf("pair %c%c", rs[i], rs[i+1])
		}
		seen[rs[i]] = true
	}
}
