package ingest

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
)

// qceRead parses a fixture under its own name, as an import does.
func qceRead(t testing.TB, format, fixture string) []Item {
	t.Helper()
	p, _ := Lookup(format)
	var items []Item
	err := p.Parse(bytes.NewReader(csvReadFixture(t, fixture)), filepath.Join("testdata", fixture), func(it Item) error {
		items = append(items, it)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// TestQCETXT reads the text export qq-chat-exporter wrote itself (testdata/qqnt-txt/README.md):
// senders by display name, times, texts over lines, files from the 资源 lines, a mention and
// a reply kept, the chat's number from the file's name.
func TestQCETXT(t *testing.T) {
	const c = "chat=123456789/第三党支部工作群/group"
	items := qceRead(t, "qq-nt-txt", "qqnt-txt/group_123456789_20240604_101500.txt")
	csvExpect(t, items, []string{
		`post qce-bf8c9f247b297287 @16 ` + c + ` at=2024-06-03T12:00:15Z from=//三支部-张伟/ text="各位同志：\n周五下午三点开支部党员大会，请准时参加。"`,
		`post qce-f257eaca4ce28ac6 @22 ` + c + ` at=2024-06-03T12:01:15Z from=//李娜/ text="@三支部-张伟 收到，材料见 https://example.gov.cn/n/1"`,
		`post qce-7632346b1a2ace97 @28 ` + c + ` at=2024-06-03T12:02:10Z from=//徐  清/ media=["六月工作安排.docx"]`,
		`post qce-965a5dc3c28e6276 @35 ` + c + ` at=2024-06-03T12:03:20Z from=//三支部-王明/ text="[回复 : 原消息]\n好的，我来准备会场\n回复: 01-01 07:58 - 原消息"`,
		`post qce-c9a245007ff470a @42 ` + c + ` at=2024-06-03T15:00:11Z from=//李娜/ media=["现场.jpg"]`,
		`post qce-5b3b3ae415cdfedf @49 ` + c + ` at=2024-06-03T16:00:00Z from=//三支部-张伟/ text="[1]"`,
		`note testdata/qqnt-txt/group_123456789_20240604_101500.txt: qq-chat-exporter's txt names each sender by display name only, without a QQ number: members are known by name (name:…)`,
	})
	if !qceDetect(csvReadFixture(t, "qqnt-txt/group_123456789_20240604_101500.txt")) {
		t.Error("not detected")
	}
}

// Lines the reader cannot place are reported, never given to a message: a time without a
// date, text before the first message; a sender-like line without a 时间 line stays text.
func TestQCETXTFaults(t *testing.T) {
	in := "[QQChatExporter V5 / https://github.com/shuakami/qq-chat-exporter]\n\n聊天名称: 群\n聊天类型: 群聊\n时间范围: x\n\n" +
		"多出来的一行\n\n张三:\n时间: 20:00:15\n内容: 只有时间\n\n李四:\n时间: 2024-06-03 20:01:00\n内容: 第一行\n注意:\n第三行\n\n"
	items, err := csvCollect(t, "qq-nt-txt", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		`bad @7 a line that cannot be read: text outside any message`,
		`bad @9 a line that cannot be read: the time "20:00:15" has no date (the export was made with time only, or relative times)`,
		`post qce-c0714707030aa61b @13 chat=/群/group at=2024-06-03T12:01:00Z from=//李四/ text="第一行\n注意:\n第三行"`,
		`note in: qq-chat-exporter's txt names each sender by display name only, without a QQ number: members are known by name (name:…)`,
	})
}

// The JSON export names no chat number in chatInfo; the file's name does.
func TestQQNTChatFromFile(t *testing.T) {
	items := qceRead(t, "qq-nt", "qqnt/group_123456789_20240604_101500.json")
	senders := map[string]bool{}
	n := 0
	for _, it := range items {
		if it.Msg != nil {
			n++
			if it.Msg.Chat.ID != "123456789" || it.Msg.Chat.Name != "第三党支部工作群" {
				t.Errorf("chat %+v", it.Msg.Chat)
			}
			if it.Msg.Kind == KindPost {
				senders[it.Msg.Sender.ID+"/"+it.Msg.Sender.Nickname] = true
			}
		}
		if it.Notice != nil && it.Notice.Key != "ingest.qqnt.chat-from-file" {
			t.Errorf("note %s", it.Note)
		}
	}
	if n != 6 || fmt.Sprint(len(senders)) != "4" || !senders["10003/徐  清"] || !senders["10001/三支部-张伟"] {
		t.Errorf("%d messages, senders %v", n, senders)
	}
	for f, want := range map[string]string{
		"group_123456789_20240604_101500.json":            "123456789",
		"out/friend_u_AbC_1x_20240604_101500.txt":         "u_AbC_1x",
		"group_42_20240604_101500_chunked_jsonl/manifest": "42",
		"聊天记录.json":                                       "",
		"group_42.json":                                   "",
	} {
		if got := qqFileChat(f); got != want {
			t.Errorf("%s: %q, want %q", f, got, want)
		}
	}
}

func FuzzQCETXT(f *testing.F) {
	csvFuzzSeeds(f, "qqnt-txt")
	f.Fuzz(func(t *testing.T, data []byte) { csvFuzzCheck(t, "qq-nt-txt", data) })
}

// qceBenchData makes about n bytes of a text export: one to a few lines a message, files and
// mentions now and then.
func qceBenchData(n int) []byte {
	var b bytes.Buffer
	b.WriteString("[QQChatExporter V5 / https://github.com/shuakami/qq-chat-exporter]\n\n===============================================\n           QQ聊天记录导出文件\n===============================================\n\n聊天名称: 第三党支部工作群\n聊天类型: 群聊\n时间范围: x\n\n\n")
	texts := []string{"收到", "好的，明天上午九点在三楼会议室开会，请各位准时参加。", "请大家在周五前把六月的工作总结发到群里，谢谢配合！\n附件稍后发。"}
	names := []string{"三支部-张伟", "李娜", "徐  清", "[优秀] 王明"}
	sec := int64(1717416000)
	for i := 0; b.Len() < n; i++ {
		sec += int64(i % 3)
		fmt.Fprintf(&b, "%s:\n时间: %s\n", names[i%len(names)], csvTimeUnix(sec).In(China).Format("2006-01-02 15:04:05"))
		if i%13 == 0 {
			b.WriteString("内容: [文件: 六月工作安排.docx]\n资源: 1 个文件\n  - file: 六月工作安排.docx\n")
		} else {
			fmt.Fprintf(&b, "内容: %s\n", texts[i%len(texts)])
		}
		b.WriteString("\n\n")
	}
	b.WriteString("===============================================\n              导出完成\n")
	return b.Bytes()
}

func BenchmarkQCETXT(b *testing.B) {
	csvBenchParse(b, "qq-nt-txt", qceBenchData(48<<20))
}
