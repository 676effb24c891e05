package review

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// piiTestClock fixes the clock of the birth-date check at 15 June 2025 for one test.
func piiTestClock(t testing.TB) {
	t.Helper()
	old := piiNow
	piiNow = func() time.Time { return time.Date(2025, time.June, 15, 12, 0, 0, 0, time.Local) }
	t.Cleanup(func() { piiNow = old })
}

// piiTestCheck computes the GB 11643 check character of 17 ASCII digits, independently of the
// code under test.
func piiTestCheck(s17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s17[i]-'0') * weights[i]
	}
	return string("10X98765432"[sum%11])
}

// piiTestID makes a resident ID with a correct check character from a region, a birth date
// and a sequence number.
func piiTestID(region, birth, seq string) string {
	s17 := region + birth + seq
	return s17 + piiTestCheck(s17)
}

// piiTestLuhnComplete appends to the digits the one digit that makes them pass Luhn.
func piiTestLuhnComplete(p string) string {
	for c := byte('0'); c <= '9'; c++ {
		s := p + string(c)
		sum := 0
		for i := 0; i < len(s); i++ {
			v := int(s[len(s)-1-i] - '0')
			if i%2 == 1 {
				v = v * 2 % 9
				if v == 0 && s[len(s)-1-i] == '9' {
					v = 9
				}
			}
			sum += v
		}
		if sum%10 == 0 {
			return s
		}
	}
	panic("unreachable")
}

// piiTestBump changes the last character of an ID or card to the next one in 0-9, X.
func piiTestBump(s string) string {
	const order = "0123456789X"
	c := s[len(s)-1]
	if c == 'x' {
		c = 'X'
	}
	i := strings.IndexByte(order, c)
	return s[:len(s)-1] + string(order[(i+1)%len(order)])
}

// piiWant is an expected finding: its kind and the exact text of its span.
type piiWant struct {
	kind PIIKind
	text string
}

// piiCheck runs FindPII on text and compares the findings with want, spans included: each
// wanted text is looked up in order after the end of the previous one.
func piiCheck(t *testing.T, text string, want ...piiWant) {
	t.Helper()
	got := FindPII(text, nil)
	var exp []PIIMatch
	from := 0
	for _, w := range want {
		i := strings.Index(text[from:], w.text)
		if i < 0 {
			t.Fatalf("bad test: %q not in %q", w.text, text)
		}
		exp = append(exp, PIIMatch{w.kind, from + i, from + i + len(w.text)})
		from += i + len(w.text)
	}
	if fmt.Sprint(got) != fmt.Sprint(exp) {
		t.Errorf("FindPII(%q)\n got %s\nwant %s", text, piiShow(text, got), piiShow(text, exp))
	}
}

func piiShow(text string, ms []PIIMatch) string {
	var b strings.Builder
	b.WriteString("[")
	for i, m := range ms {
		if i > 0 {
			b.WriteString(" ")
		}
		if m.Start < 0 || m.End > len(text) || m.Start > m.End {
			fmt.Fprintf(&b, "%v[%d,%d)!", m.Kind, m.Start, m.End)
			continue
		}
		fmt.Fprintf(&b, "%v[%d,%d)%q", m.Kind, m.Start, m.End, text[m.Start:m.End])
	}
	b.WriteString("]")
	return b.String()
}

func TestPIIKindString(t *testing.T) {
	for k, want := range map[PIIKind]string{PIIResidentID: "resident-id", PIIMobile: "mobile", PIIBankCard: "bank-card", 0: "PIIKind(0)", 9: "PIIKind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("PIIKind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

// The vectors were computed outside this code; the helper must agree with them.
func TestResidentIDTestVectors(t *testing.T) {
	for _, id := range []string{"11010519491231002X", "440304198506153216", "31010120000229004X", "510107199003071236", "650102197811118880", "810000199912310012", "32058319720101456X"} {
		if got := piiTestID(id[:6], id[6:14], id[14:17]); got != id {
			t.Errorf("check digit of %s: helper gives %s", id, got)
		}
	}
}

func TestResidentIDValid(t *testing.T) {
	piiTestClock(t)
	valid := []string{
		"11010519491231002X", // the example of GB 11643
		"440304198506153216",
		"31010120000229004X", // 29 February 2000: 2000 is a leap year
		"510107199003071236",
		"650102197811118880",
		"810000199912310012", // Hong Kong
		"32058319720101456X",
		"11010519491231002x", // lowercase x
		"１１０１０５１９４９１２３１００２Ｘ", // full-width
		"１１０１０５１９４９１２３１００２ｘ",
		piiTestID("110105", "19000101", "001"), // the first day allowed
		piiTestID("110105", "20240229", "001"), // leap day
		piiTestID("110105", "20250615", "001"), // born today
		piiTestID("710000", "19800101", "001"), // Taiwan
		piiTestID("830000", "19800101", "001"), // residence permit, Taiwan residents
		piiTestID("910000", "19800101", "001"),
		piiTestID("110105", "19901231", "001"),
		piiTestID("110105", "19900131", "001"),
		piiTestID("110105", "19900331", "001"),
		piiTestID("110105", "19900228", "001"),
	}
	for _, id := range valid {
		if !ValidResidentID(id) {
			t.Errorf("ValidResidentID(%q) = false, want true", id)
		}
		text := "身份证号" + id + "，请核对"
		piiCheck(t, text, piiWant{PIIResidentID, id})
	}
}

func TestResidentIDInvalid(t *testing.T) {
	piiTestClock(t)
	invalid := []string{
		"110105199003071234",                   // the check digit should be 9
		piiTestID("110105", "19900230", "123"), // 30 February
		piiTestID("110105", "20001301", "123"), // month 13
		piiTestID("110105", "20000001", "123"), // month 0
		piiTestID("110105", "20000100", "123"), // day 0
		piiTestID("110105", "19900431", "123"), // 31 April
		piiTestID("110105", "19900631", "123"),
		piiTestID("110105", "19900931", "123"),
		piiTestID("110105", "19901131", "123"),
		piiTestID("110105", "19900132", "123"),
		piiTestID("110105", "19000229", "123"), // 1900 is not a leap year
		piiTestID("110105", "20230229", "123"),
		piiTestID("110105", "20990101", "123"), // in the future
		piiTestID("110105", "20250616", "123"), // tomorrow
		piiTestID("110105", "18991231", "123"), // before 1900
		piiTestID("000000", "19800101", "123"), // no such province
		piiTestID("100000", "19800101", "123"),
		piiTestID("160000", "19800101", "123"),
		piiTestID("720000", "19800101", "123"),
		piiTestID("840000", "19800101", "123"),
		piiTestID("900000", "19800101", "123"),
		piiTestID("920000", "19800101", "123"),
		piiTestID("990000", "19800101", "123"),
		"11010519491231002",   // 17 characters
		"11010519491231002X0", // 19
		"1101051949123100X2",  // X not last
		"11010519491231002Y",
		"",
	}
	for _, id := range []string{"11010519491231002X", "440304198506153216", "510107199003071236", "650102197811118880"} {
		for s := piiTestBump(id); s != id; s = piiTestBump(s) {
			invalid = append(invalid, s) // every wrong check character
		}
	}
	for _, id := range invalid {
		if ValidResidentID(id) {
			t.Errorf("ValidResidentID(%q) = true, want false", id)
		}
		if len(id) != 18 {
			continue
		}
		for _, m := range FindPII("身份证号"+id+"，请核对", nil) {
			if m.Kind == PIIResidentID {
				t.Errorf("%s found as a resident ID", id)
			}
		}
	}
}

func TestResidentIDInText(t *testing.T) {
	piiTestClock(t)
	id := "11010519491231002X"
	piiCheck(t, "ID:"+id, piiWant{PIIResidentID, id})
	piiCheck(t, id+"是他的身份证号", piiWant{PIIResidentID, id})
	piiCheck(t, "请核对身份证 "+id+" 与 510107199003071236 两张", piiWant{PIIResidentID, id}, piiWant{PIIResidentID, "510107199003071236"})
	// grouped 6-8-4
	piiCheck(t, "身份证 110105 19491231 002X 已登记", piiWant{PIIResidentID, "110105 19491231 002X"})
	piiCheck(t, "身份证 510107-19900307-1236。", piiWant{PIIResidentID, "510107-19900307-1236"})
	piiCheck(t, "身份证 510107 19900307-1236。") // mixed separators
	// the X is the end only when no digit follows it
	for _, m := range FindPII(id+"5", nil) {
		if m.Kind == PIIResidentID {
			t.Errorf("ID found in %s5", id)
		}
	}
	// inside a longer run of digits
	piiCheck(t, "编号1"+"440304198506153216")
	piiCheck(t, "编号440304198506153216"+"0")
	piiCheck(t, "编号440304198506153216"+"０")
	// full-width, exact byte spans
	fw := "１１０１０５１９４９１２３１００２Ｘ"
	text := "证件：" + fw + "。"
	got := FindPII(text, nil)
	if len(got) != 1 || got[0] != (PIIMatch{PIIResidentID, len("证件："), len("证件：") + 17*3 + 3}) {
		t.Errorf("full-width ID: got %s", piiShow(text, got))
	}
	// mixed ASCII and full-width digits make one number
	piiCheck(t, "号码11010519491231００２X。", piiWant{PIIResidentID, "11010519491231００２X"})
}

func TestResidentIDDependsOnTheClock(t *testing.T) {
	id := piiTestID("110105", "20250616", "123")
	old := piiNow
	defer func() { piiNow = old }()
	piiNow = func() time.Time { return time.Date(2025, time.June, 15, 23, 59, 0, 0, time.UTC) }
	if ValidResidentID(id) {
		t.Errorf("%s valid on 15 June 2025", id)
	}
	piiNow = func() time.Time { return time.Date(2025, time.June, 16, 0, 0, 0, 0, time.UTC) }
	if !ValidResidentID(id) {
		t.Errorf("%s invalid on 16 June 2025", id)
	}
}

func TestPIIMobile(t *testing.T) {
	piiTestClock(t)
	m := func(s string) piiWant { return piiWant{PIIMobile, s} }
	piiCheck(t, "请拨打13812345678联系", m("13812345678"))
	piiCheck(t, "电话13812345678", m("13812345678"))
	piiCheck(t, "13812345678", m("13812345678"))
	piiCheck(t, "手机 138 1234 5678，晚上打", m("138 1234 5678"))
	piiCheck(t, "手机：138-1234-5678。", m("138-1234-5678"))
	piiCheck(t, "请联系+8613912345678", m("+8613912345678"))
	piiCheck(t, "请联系+86 13912345678", m("+86 13912345678"))
	piiCheck(t, "请联系+86-13912345678", m("+86-13912345678"))
	piiCheck(t, "请联系＋86 13912345678", m("＋86 13912345678"))
	piiCheck(t, "请联系8613912345678", m("8613912345678"))
	piiCheck(t, "请联系008613912345678", m("008613912345678"))
	piiCheck(t, "请联系0086 13912345678", m("0086 13912345678"))
	piiCheck(t, "请联系+86 139 1234 5678", m("+86 139 1234 5678"))
	piiCheck(t, "请联系+86-139-1234-5678", m("+86-139-1234-5678"))
	piiCheck(t, "请联系0086 139 1234 5678", m("0086 139 1234 5678"))
	piiCheck(t, "请联系86 13912345678", m("13912345678")) // 86 apart without + is no prefix
	piiCheck(t, "号码１５９１２３４５６７８。", m("１５９１２３４５６７８"))
	piiCheck(t, "号码１５９ １２３４ ５６７８。", m("１５９ １２３４ ５６７８"))
	for _, p := range []string{"13", "14", "15", "16", "17", "18", "19"} {
		piiCheck(t, "电话"+p+"012345678", m(p+"012345678"))
	}
	// two numbers side by side
	piiCheck(t, "13812345678 13912345678", m("13812345678"), m("13912345678"))
	piiCheck(t, "13812345678/13912345678", m("13812345678"), m("13912345678"))
	piiCheck(t, "138 1234 5678 139 1234 5678", m("138 1234 5678"), m("139 1234 5678"))
	piiCheck(t, "138-1234-5678 139-1234-5678", m("138-1234-5678"), m("139-1234-5678"))
	// a long list: many groups, one run
	var list []piiWant
	for i := 0; i < 100; i++ {
		list = append(list, m("139 1234 5678"))
	}
	piiCheck(t, "名单："+strings.Repeat("139 1234 5678 ", 100)+"。", list...)
	piiCheck(t, "名单："+strings.Repeat("139 1234 5678 ", 100)+"1。")
	// a change of separator cuts the number from its neighbours
	piiCheck(t, "2024-05-01 138-1234-5678 到岗", m("138-1234-5678"))
	piiCheck(t, "12 13812345678", m("13812345678"))
	// not mobiles
	piiCheck(t, "单号138123456789")    // 12 digits
	piiCheck(t, "单号1381234567")      // 10 digits
	piiCheck(t, "单号123451381234567") // 15 digits with a mobile inside
	piiCheck(t, "单号13812345678９")    // 12 with a full-width digit
	piiCheck(t, "座机010-12345678")
	piiCheck(t, "座机0755-88886666")
	piiCheck(t, "座机010-1234-5678")
	piiCheck(t, "号码12812345678") // 12 is no mobile prefix
	piiCheck(t, "号码10812345678")
	piiCheck(t, "号码138 1234 5678 9") // part of a longer run
	piiCheck(t, "号码138 1234 56789")
	piiCheck(t, "号码1 138 1234 5678")
	piiCheck(t, "号码138 1234-5678")   // mixed separators
	piiCheck(t, "号码138  1234  5678") // double spaces: three short numbers
	piiCheck(t, "号码1381 234 5678")
	piiCheck(t, "号码138/1234/5678") // only spaces and hyphens group digits
	piiCheck(t, "号码138.1234.5678")
	piiCheck(t, "号码138_1234_5678")
	piiCheck(t, "号码138　1234　5678") // ideographic space
	piiCheck(t, "号码+87 13812345678", m("13812345678"))
	piiCheck(t, "号码0013812345678") // 13 digits, no 86
}

func TestLuhnValid(t *testing.T) {
	for _, s := range []string{"4111111111111111", "79927398713", "6222021234567894", "62170001234567891", "622848012345678900", "6228480123456789015", "0", "００", "６２２２０２１２３４５６７８９４"} {
		if !LuhnValid(s) {
			t.Errorf("LuhnValid(%q) = false", s)
		}
	}
	for _, s := range []string{"4111111111111112", "79927398710", "6222021234567895", "", "1", "4111 1111 1111 1111", "4111-1111-1111-1111", "411111111111111a"} {
		if LuhnValid(s) {
			t.Errorf("LuhnValid(%q) = true", s)
		}
	}
	for _, p := range []string{"622202123456789", "6217000123456789", "62284801234567890", "622848012345678901", "411111111111111"} {
		if s := piiTestLuhnComplete(p); !LuhnValid(s) || LuhnValid(piiTestBump(s)) {
			t.Errorf("LuhnValid disagrees with the helper on %s", s)
		}
	}
}

func TestPIIBankCard(t *testing.T) {
	piiTestClock(t)
	c := func(s string) piiWant { return piiWant{PIIBankCard, s} }
	for _, card := range []string{"4111111111111111", "6222021234567894", "62170001234567891", "622848012345678900", "6228480123456789015"} {
		piiCheck(t, "卡号"+card+"，户名张三", c(card))
		piiCheck(t, "卡号"+card[:len(card)-1]+string("0123456789"[(card[len(card)-1]-'0'+1)%10])+"，户名张三") // Luhn fails
		// grouped by 4
		var blocks []string
		for i := 0; i < len(card); i += 4 {
			blocks = append(blocks, card[i:min(i+4, len(card))])
		}
		spaced, dashed := strings.Join(blocks, " "), strings.Join(blocks, "-")
		piiCheck(t, "卡号 "+spaced+" 户名张三", c(spaced))
		piiCheck(t, "卡号："+dashed+"。", c(dashed))
	}
	piiCheck(t, "工资卡6222 0212 3456 7894，开户行工行", c("6222 0212 3456 7894"))
	piiCheck(t, "卡 ６２２２ ０２１２ ３４５６ ７８９４。", c("６２２２ ０２１２ ３４５６ ７８９４"))
	// two cards, and a card and a phone
	piiCheck(t, "6222 0212 3456 7894 4111 1111 1111 1111", c("6222 0212 3456 7894"), c("4111 1111 1111 1111"))
	piiCheck(t, "6222 0212 3456 7894 138 1234 5678", c("6222 0212 3456 7894"), piiWant{PIIMobile, "138 1234 5678"})
	// not cards
	piiCheck(t, "流水号62220212345678941230")     // 20 digits, Luhn-valid
	piiCheck(t, "流水号6222 0212 3456 7894 1230") // 20 digits in blocks
	piiCheck(t, "流水号6222 0212 3456 7894 1")    // a block more, the 17 digits fail Luhn
	piiCheck(t, "流水号1 6222 0212 3456 7894")
	piiCheck(t, "流水号6222 0212 3456-7894")                            // mixed separators
	piiCheck(t, "流水号62220 212 3456 7894")                            // not in blocks of 4
	piiCheck(t, "流水号411111111111")                                   // 12 digits
	piiCheck(t, "流水号4111-1111-1111-1111-", c("4111-1111-1111-1111")) // a trailing hyphen joins nothing
}

func TestPIIIDAndCard(t *testing.T) {
	piiTestClock(t)
	// Valid IDs that also pass Luhn are reported once, as IDs.
	for _, id := range []string{"440304198506150138", "440304198506150146", "440304198506150955"} {
		if !ValidResidentID(id) || !LuhnValid(id) {
			t.Fatalf("bad vector %s", id)
		}
		piiCheck(t, "身份证"+id+"。", piiWant{PIIResidentID, id})
	}
	// 18 digits with a wrong check digit are a card when they pass Luhn.
	id := "440304198506153216"
	card := piiTestLuhnComplete(id[:17])
	if card == id || ValidResidentID(card) {
		t.Fatal("bad vector")
	}
	piiCheck(t, "号码"+card+"。", piiWant{PIIBankCard, card})
	// an impossible date, Luhn-valid: a card
	d := piiTestLuhnComplete("11010519900230123")
	piiCheck(t, "号码"+d+"。", piiWant{PIIBankCard, d})
}

// Long and odd runs stay linear.
func TestPIILongRuns(t *testing.T) {
	piiTestClock(t)
	for _, unit := range []string{"1 ", "1-", "6222 ", "138 1234 5678 1 ", "9", "９", "1 22 333 4444 ", "6222 0212 3456 7894 1 "} {
		text := strings.Repeat(unit, 1<<20/len(unit))
		start := time.Now()
		got := FindPII(text, nil)
		piiInvariants(t, text, got)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%q repeated: %v", unit, d)
		}
	}
}

func TestPIIMixedPost(t *testing.T) {
	piiTestClock(t)
	text := "【通知】各位同事，2025年6月20日（周五）14:30在3楼会议室开会。报销请把金额1,280.50元和卡号6222 0212 3456 7894发给财务王芳（电话138-1234-5678），" +
		"身份证号11010519491231002x也一并提供。外地同事可拨+86 13912345678，或座机010-62345678转8021。订单号20250615000123456789请勿外传。"
	piiCheck(t, text,
		piiWant{PIIBankCard, "6222 0212 3456 7894"},
		piiWant{PIIMobile, "138-1234-5678"},
		piiWant{PIIResidentID, "11010519491231002x"},
		piiWant{PIIMobile, "+86 13912345678"},
	)
	// dst is appended to
	pre := []PIIMatch{{PIIMobile, 0, 1}}
	got := FindPII("电话13812345678", pre)
	if len(got) != 2 || got[0] != pre[0] || got[1] != (PIIMatch{PIIMobile, 6, 17}) {
		t.Errorf("append: got %v", got)
	}
}
