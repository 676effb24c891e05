package ingest

import (
	"bytes"
	"fmt"
	"testing"
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
		"bad @1 a message longer than 16 MiB",
		`post qq-be1aa5a6ba031639 @9 chat=// at=2016-05-20T02:12:34Z from=2//李四/ text="短"`,
	})
}

func FuzzQQTXT(f *testing.F) {
	csvFuzzSeeds(f, "qqtxt")
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
