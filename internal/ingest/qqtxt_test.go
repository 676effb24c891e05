package ingest

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

var qqtxtGroupWant = []string{
	`post qq-ffc14c72d1f371c6 @9 chat=某某工作群/某某工作群/group at=2016-05-20T01:02:11Z from=lisi@example.com//李四/ text="各位早上好"`,
	`post qq-31b7c918812eeb0d @12 chat=某某工作群/某某工作群/group at=2016-05-20T02:12:33Z from=123456789//张三/admin text="通知：明天上午九点开会。\n\n请各位准时参加，不得缺席。\n2016-05-20 10:13:00 王五(345678901)\n（上面这行不是新消息：前面没有空行）"`,
	`post qq-aebf24e67ddb7574 @19 chat=某某工作群/某某工作群/group at=2016-05-20T02:15:40Z from=345678901//王五/ text="转一下：\n\n2016-05-20 09:00:00 李四(222222)\n原话在此"`,
	`post qq-9f3595bb8da4833b @25 chat=某某工作群/某某工作群/group at=2016-05-20T02:16:02Z from=456789012//赵六/ media=["image"]`,
	`post qq-e9036e39a98f6485 @28 chat=某某工作群/某某工作群/group at=2016-05-20T02:16:30Z from=567890123//钱七/owner text="好的" media=["sticker" "sticker"]`,
	`system qq-f41b2395a62f4fd9 @31 chat=某某工作群/某某工作群/group at=2016-05-20T02:17:00Z from=10000//系统消息/ text="孙八 加入本群。"`,
	`post qq-a1866c58b1936768 @34 chat=某某工作群/某某工作群/group at=2016-05-20T02:18:09Z from=456789012//赵六/ text="收到"`,
	`post qq-a1866c58b1936768-2 @37 chat=某某工作群/某某工作群/group at=2016-05-20T02:18:09Z from=456789012//赵六/ text="收到"`,
	`post qq-7676255b771bea39 @46 chat=另一个群/另一个群/group at=2015-01-02T00:00:00Z from=678901234//周九/ text="新年好\n==========\n这一行上面的等号是正文"`,
	`post qq-7886de9d82482350 @51 chat=另一个群/另一个群/group at=2015-01-02T00:00:01Z from=678901234//周九/ text="最后一条"`,
}

// TestQQTXTGroup covers the awkward cases: an e-mail sender with a one-digit hour, titles
// (【管理员】, 【群主】, 【活跃】), a body over lines with a blank line inside, a sender-shaped
// line without a blank line before it, a pasted quote with an earlier time after a blank
// line, placeholders for pictures and stickers, a system message, a repeat within one second,
// a second chat in the same file, and a row of '=' in a body.
func TestQQTXTGroup(t *testing.T) {
	items, err := csvCollect(t, "qq-txt", csvReadFixture(t, "qqtxt/group.txt"))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, qqtxtGroupWant)
	again, _ := csvCollect(t, "qq-txt", csvReadFixture(t, "qqtxt/group-bom-crlf.txt"))
	csvExpect(t, again, qqtxtGroupWant)
}

func TestQQTXTEncodings(t *testing.T) {
	want := []string{`post qq-bc0b9a236dd4eb8b @9 chat=街道工作群/街道工作群/group at=2016-05-20T02:12:33Z from=123456789//张三/ text="请各社区今天下班前报送数据。"`}
	for _, f := range []string{"qqtxt/gbk.txt", "qqtxt/utf16le.txt"} {
		data := csvReadFixture(t, f)
		items, err := csvCollect(t, "qq-txt", data)
		if err != nil {
			t.Fatal(err)
		}
		csvExpect(t, items, want)
		if !qqtxtDetect(data) {
			t.Errorf("%s is not detected", f)
		}
	}
}

func TestQQTXTNoHeader(t *testing.T) {
	items, err := csvCollect(t, "qq-txt", csvReadFixture(t, "qqtxt/no-header.txt"))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		`bad @1 text before the first message (a sender line such as "2016-05-20 10:12:33 张三(123456789)")`,
		`post qq-8e049b2ef8f25347 @4 chat=// at=2016-05-20T02:12:33Z from=123456789//张三/ text="正文"`,
	})
	if string(items[0].Bad.Raw) != "这不是导出的开头\n还是不是" {
		t.Errorf("raw: %q", items[0].Bad.Raw)
	}
}

func TestQQTXTSenderLine(t *testing.T) {
	for in, want := range map[string]string{
		"2016-05-20 10:12:33 张三(123456789)":          "123456789|张三|",
		"2016-05-20 9:02:11 某某<someone@example.com>": "someone@example.com|某某|",
		"2016/5/2 10:12:33 【管理员】张三(技术部)(10001)":      "10001|张三(技术部)|管理员",
		"2016-05-20 10:12:33 (10001)":                "10001||",
		"2016-05-20 10:12:33 张三(12a)":                "",
		"2016-05-20 10:12:33 张三":                     "",
		"2016-05-20 10:12:33 张三<no-at>":              "",
		"2016-05-20 10:12 张三(1)":                     "",
		"2016-02-30 10:12:33 张三(1)":                  "",
		"2016-05-20 24:00:00 张三(1)":                  "",
		"2016-05-20 10:12:33 张三(1) 说":                "",
	} {
		s, ok := qqtxtSenderLine([]byte(in))
		got := ""
		if ok {
			got = fmt.Sprintf("%s|%s|%s", s.id, s.nick, s.title)
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestQQTXTDetect(t *testing.T) {
	for in, want := range map[string]bool{
		"消息记录（此消息记录为文本格式，不支持重新导入）\n":                      true,
		"\n====\n消息分组:我的QQ群\n":                            true,
		"2016-05-20 10:12:33 张三(123456789)\n你好\n":         true,
		"\n2016-05-20 10:12:33 张三<a@b.cn>\n你好\n":          true,
		"2016-05-20 10:12:33,张三(123456789)\n":             false,
		"姓名,QQ号\n张三,123\n":                                false,
		`{"msgid":"1","msgtime":1}`:                       false,
		"随便一段文字\n2016-05-20 10:12:33 张三(123456789)\n你好\n": false,
	} {
		if got := qqtxtDetect([]byte(in)); got != want {
			t.Errorf("%q: got %v", in, got)
		}
	}
}

func TestQQTXTLongBody(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("2016-05-20 10:12:33 张三(123456789)\n")
	line := bytes.Repeat([]byte("长"), 1<<20)
	for range 6 {
		b.Write(line)
		b.WriteByte('\n')
	}
	b.WriteString("\n2016-05-20 10:12:34 李四(2)\n短\n")
	items, err := csvCollect(t, "qq-txt", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		"bad @1 a message longer than 1 MiB",
		`post qq-be1aa5a6ba031639 @9 chat=// at=2016-05-20T02:12:34Z from=2//李四/ text="短"`,
	})
}

func FuzzQQTXT(f *testing.F) {
	csvFuzzSeeds(f, "qqtxt")
	f.Add([]byte(msgTypesQQTXT))
	f.Fuzz(func(t *testing.T, data []byte) { csvFuzzCheck(t, "qq-txt", data) })
}

// qqtxtBenchData makes about n bytes of an export: several chats, one to a few lines a
// message, titles, e-mail senders and pictures now and then.
func qqtxtBenchData(n int) []byte {
	var b bytes.Buffer
	rule := bytes.Repeat([]byte("="), 64)
	b.WriteString("消息记录（此消息记录为文本格式，不支持重新导入）\n\n")
	texts := []string{"收到", "好的，明天上午九点在三楼会议室开会，请各位准时参加。", "请大家在周五前把六月的工作总结发到群里，谢谢配合！\n附件稍后发。", "[图片]", "关于做好防汛工作的通知已下发，请各社区网格员认真落实，做好值班值守。[表情]"}
	names := []string{"张三", "【管理员】李四", "王五", "【群主】赵六", "钱七", "【活跃】孙八"}
	sec := int64(1463700000)
	for i := 0; b.Len() < n; i++ {
		if i%20000 == 0 {
			fmt.Fprintf(&b, "%s\n消息分组:我的QQ群\n%s\n消息对象:第%d工作群\n%s\n", rule, rule, i/20000, rule)
		}
		sec += int64(i % 3)
		t := qqtxtTimeChina(sec)
		b.WriteByte('\n')
		if i%17 == 0 {
			fmt.Fprintf(&b, "%s %s<user%d@example.com>\n", t, names[i%len(names)], i%300)
		} else {
			fmt.Fprintf(&b, "%s %s(%d)\n", t, names[i%len(names)], 100000000+i%300)
		}
		b.WriteString(texts[i%len(texts)])
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func qqtxtTimeChina(sec int64) string {
	t := csvTimeUnix(sec).In(China)
	return fmt.Sprintf("%d-%02d-%02d %d:%02d:%02d", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second())
}

func BenchmarkQQTXT(b *testing.B) {
	csvBenchParse(b, "qq-txt", qqtxtBenchData(48<<20))
}

// TestQQTXTRealForms reads the forms of real exports (see testdata/qqtxt/README.md): senders
// whose account in angle brackets is a mobile number or an e-mail address, a 12-hour clock
// (12 AM is midnight, 12 PM noon), a bare CR inside a message, and a sender line whose
// account cannot be read, which is reported with its line and keeps its text out of the
// message before it.
func TestQQTXTRealForms(t *testing.T) {
	items, err := csvCollect(t, "qq-txt", csvReadFixture(t, "qqtxt/phone-12h.txt"))
	if err != nil {
		t.Fatal(err)
	}
	const chat = "chat=城关街道工作群/城关街道工作群/group"
	csvExpect(t, items, []string{
		`post qq-90bbc6c3119da456 @9 ` + chat + ` at=2016-05-06T01:15:03Z from=13912345678//陈志远/ text="各位早，今天下午两点开会。"`,
		`post qq-a79cd7d68bb6d902 @12 ` + chat + ` at=2016-05-06T01:16:40Z from=10086123//刘洋/admin text="收到"`,
		`post qq-2c85dc8f3992d2f6 @15 ` + chat + ` at=2016-05-06T03:02:17Z from=zhoumin@example.com//周敏/ text="材料已发邮箱。\n请查收。"`,
		`post qq-a07b23dcc7d11e2b @19 ` + chat + ` at=2016-05-06T04:30:05Z from=13912345678//陈志远/ media=["image"]`,
		`system qq-c23745b60a638ed7 @22 ` + chat + ` at=2016-05-06T05:05:44Z from=10000//系统消息/ text="王静 加入本群。"`,
		`post qq-fbd156c111c6075d @25 ` + chat + ` at=2016-05-06T06:00:00Z from=2233445566//王静/ text="大家好，我是新来的王静。"`,
		`post qq-3397703114494e12 @28 ` + chat + ` at=2016-05-06T07:12:09Z from=987654321//张 伟/ text="会议纪要见群文件。"`,
		`bad @31 a line of the form of a sender line (time, name, account in brackets) that cannot be read: the account "lina@" is not a QQ number, a phone number or an e-mail address; the text after it is not given to the message before`,
		`post qq-751504903e2a0ef3 @35 ` + chat + ` at=2016-05-06T15:59:59Z from=13912345678//陈志远/ text="晚安"`,
		`post qq-7e3fd914cb1658fc @38 ` + chat + ` at=2016-05-06T16:00:30Z from=zhoumin@example.com//周敏/ text="晚安"`,
	})
	bad := items[7].Bad
	if string(bad.Raw) != "2016-05-06 3:20:31 PM 李娜<lina@>\n这条消息的发送者无法识别\n第二行" || bad.Why == nil || bad.Why.Key != "ingest.qqtxt.unread-sender" {
		t.Errorf("the unread sender line: %q %v", bad.Raw, bad.Why)
	}
	senders := map[string]bool{}
	for _, it := range items {
		if it.Msg != nil && it.Msg.Kind == KindPost {
			senders[it.Msg.Sender.ID] = true
		}
	}
	if len(senders) != 5 {
		t.Errorf("%d senders, want 5: %v", len(senders), senders)
	}
}

func TestQQTXTClock(t *testing.T) {
	for in, want := range map[string]string{
		"2019-09-23 8:43:38 PM 骰娘-Roll100(87200175)": "2019-09-23T20:43:38+08:00 87200175 骰娘-Roll100",
		"2020-03-04 12:12:29 AM 礼(852649)":           "2020-03-04T00:12:29+08:00 852649 礼",
		"2020-03-04 12:13:41 PM 围观<indo@qq.com>":     "2020-03-04T12:13:41+08:00 indo@qq.com 围观",
		"2026-09-15 上午 08:00:00 Alice(1)":            "2026-09-15T08:00:00+08:00 1 Alice",
		"2026-09-15 下午 1:05:00 Bob<+8613912345678>":  "2026-09-15T13:05:00+08:00 +8613912345678 Bob",
		"2016-05-06 9:15:03 陈志远<13912345678>":        "2016-05-06T09:15:03+08:00 13912345678 陈志远",
		"2022-05-10 1:02:03 名字(带(嵌套)括号) (0012345)  ": "2022-05-10T01:02:03+08:00 0012345 名字(带(嵌套)括号)",
		"2016-05-06 13:15:03 PM 张三(1)":               "",
		"2016-05-06 0:15:03 AM 张三(1)":                "",
	} {
		s, ok := qqtxtSenderLine([]byte(in))
		got := ""
		if ok {
			got = fmt.Sprintf("%s %s %s", s.time.Format(time.RFC3339), s.id, s.nick)
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}
