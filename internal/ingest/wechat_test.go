package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"testing"
)

// TestWeChatGroup covers a group chat: a quoted field with commas, quotes and line breaks,
// pictures, files, links and replies (Type 49), recalls by others and by the exporting user,
// invitations and QR-code joins, a removal, another notice, an unknown Type, and rows that
// cannot be read.
func TestWeChatGroup(t *testing.T) {
	items, err := csvCollect(t, "wechat-csv", csvReadFixture(t, "wechat/group.csv"))
	if err != nil {
		t.Fatal(err)
	}
	g := "20001234567@chatroom//group"
	csvExpect(t, items, []string{
		`post 101 @2 chat=` + g + ` at=2024-06-03T02:00:00Z from=wxid_zhang/张三/老张/ text="各位好，明天开会"`,
		`post 102 @3 chat=` + g + ` at=2024-06-03T02:01:00Z from=wxid_li//李四/ text="李四在此"`,
		`post 103 @4 chat=` + g + ` at=2024-06-03T02:02:00Z from=wxid_me//我/ text="通知：\n1. 带上\"工作证\", 按时到\n2. 不得缺席"`,
		`post 104 @7 chat=` + g + ` at=2024-06-03T02:03:00Z from=wxid_zhang/张三/老张/ media=["image"]`,
		`post 105 @8 chat=` + g + ` at=2024-06-03T02:04:00Z from=wxid_li//李四/ media=["六月工作安排.docx"]`,
		`post 106 @9 chat=` + g + ` at=2024-06-03T02:05:00Z from=wxid_li//李四/ text="关于做好防汛工作的通知\n各单位注意\nhttps://example.com/n?a=1&b=2" media=["link"]`,
		`post 107 @10 chat=` + g + ` at=2024-06-03T02:06:00Z from=wxid_zhang/张三/老张/ text="收到，马上办"`,
		`recall 108 @11 chat=` + g + ` at=2024-06-03T02:07:00Z from=wxid_zhang//老张/ target=108`,
		`recall 109 @12 chat=` + g + ` at=2024-06-03T02:08:00Z from=wxid_me//我/ target=109`,
		`join 110 @13 chat=` + g + ` at=2024-06-03T02:09:00Z from=wxid_zhang//老张/ text="\"老张\"邀请\"李四、王五\"加入了群聊" member=wxid_li/李四 member=/王五`,
		`join 111 @14 chat=` + g + ` at=2024-06-03T02:10:00Z from=wxid_zhang//老张/ text="\"赵六\"通过扫描\"老张\"分享的二维码加入群聊" member=/赵六`,
		`leave 112 @15 chat=` + g + ` at=2024-06-03T02:11:00Z from=/// text="你将\"李四\"移出了群聊" member=wxid_li/李四`,
		`system 113 @16 chat=` + g + ` at=2024-06-03T02:12:00Z from=/// text="\"老张\"修改群名为“第三党支部工作群”"`,
		`post 114 @17 chat=` + g + ` at=2024-06-03T02:13:00Z from=wxid_zhang/张三/老张/ media=["sticker"]`,
		`note in: line 18: message Type 9999 is not known; its messages are counted as system messages`,
		`system 115 @18 chat=` + g + ` at=2024-06-03T02:14:00Z from=wxid_zhang/张三/老张/`,
		`bad @19 Type "x" is not a number`,
		`bad @20 8 fields, the header has 12`,
		`bad @21 no time: CreateTime "", StrTime ""`,
		`post 119 @22 chat=` + g + ` at=2024-06-03T02:18:00Z from=wxid_zhang/张三/老张/ text="只有 StrTime"`,
	})
}

// TestWeChatSingleOld reads the nine columns of older WeChatMsg versions, in a one-to-one
// chat: the other side is the chat, the exporting user has no id.
func TestWeChatSingleOld(t *testing.T) {
	items, err := csvCollect(t, "wechat-csv", csvReadFixture(t, "wechat/single-old.csv"))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		`post 1 @2 chat=wxid_friend//single at=2024-06-03T02:00:00Z from=wxid_friend/// text="在吗"`,
		`post 2 @3 chat=wxid_friend//single at=2024-06-03T02:00:05Z from=/// text="在"`,
		`post 3 @4 chat=wxid_friend//single at=2024-06-03T02:00:10Z from=wxid_friend/// media=["voice"]`,
	})
}

func TestWeChatFaults(t *testing.T) {
	for in, want := range map[string]string{
		"": "in: an empty file: no header row",
		"localId,TalkerId,Type,SubType\n1,a,1,0\n": "in: line 1: the header row lacks the columns StrContent, CreateTime of a WeChatMsg export",
	} {
		_, err := csvCollect(t, "wechat-csv", []byte(in))
		if fmt.Sprint(err) != want {
			t.Errorf("%q: got %v, want %s", in, err, want)
		}
	}
	in := "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime\n" +
		"1,a,1,0,0,1717380000,2,\"x\"y,t\n" +
		",a,1,0,0,1717380000,2,x,t\n" +
		"3,,1,0,0,1717380000,2,x,t\n" +
		"4,a,1,0,0,1717380000,2,\"never closed,t\n"
	items, err := csvCollect(t, "wechat-csv", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		"bad @2 text after the closing quote of field 8",
		"bad @3 no localId",
		"bad @4 no TalkerId",
		"bad @5 a quoted field is not closed at the end of the file",
	})
}

func TestWeChatDetect(t *testing.T) {
	for in, want := range map[string]bool{
		"\ufefflocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\r\n": true,
		",localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime\n":                               true,
		"localId,TalkerId\n": false,
		"QQ号,姓名\n":           false,
	} {
		if got := wechatDetect([]byte(in)); got != want {
			t.Errorf("%q: got %v", in, got)
		}
	}
}

func FuzzWeChatCSV(f *testing.F) {
	csvFuzzSeeds(f, "wechat")
	f.Fuzz(func(t *testing.T, data []byte) { csvFuzzCheck(t, "wechat-csv", data) })
}

// wechatBenchData makes about n bytes of a WeChatMsg export of a busy group: mostly text,
// some pictures, files, replies and notices, a few bodies with quotes and line breaks.
func wechatBenchData(n int) []byte { return wechatBenchDataOf(n, "20001234567@chatroom") }

// wechatBenchDataOf is wechatBenchData with the TalkerId given: a chat room's id, or a row
// number as WeChatMsg writes it.
func wechatBenchDataOf(n int, talker string) []byte {
	var b bytes.Buffer
	b.WriteString("\ufefflocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\r\n")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	texts := []string{"收到", "好的，明天上午九点在三楼会议室开会，请各位准时参加。", "请大家在周五前把六月的工作总结发到群里，谢谢配合！\n附件稍后发。", "关于做好防汛工作的通知已下发，请各社区网格员认真落实，做好值班值守。", "带上\"工作证\", 按时到"}
	sec := int64(1717380000)
	for i := 0; b.Len() < n; i++ {
		sec += int64(i % 5)
		typ, sub, content := "1", "0", texts[i%len(texts)]
		switch i % 25 {
		case 5:
			typ, content = "3", `<?xml version="1.0"?><msg><img aeskey="0123456789abcdef" length="70961" md5="50de8e5ae8ffe4f1df7a93841f71993a"/></msg>`
		case 9:
			typ, sub, content = "49", "6", `<?xml version="1.0"?><msg><appmsg appid="" sdkver="0"><title>六月工作安排.docx</title><type>6</type></appmsg></msg>`
		case 13:
			typ, sub, content = "49", "57", `<msg><appmsg><title>收到，马上办</title><refermsg><content>各位好</content></refermsg></appmsg></msg>`
		case 21:
			typ, content = "10000", `"老张"撤回了一条消息`
		}
		t := csvTimeUnix(sec).In(China).Format("2006-01-02 15:04:05")
		id := strconv.Itoa(100000 + i%400)
		w.Write([]string{strconv.Itoa(i + 1), talker, typ, sub, strconv.Itoa(i % 7 / 6), strconv.FormatInt(sec, 10), "2", content, t, "张三" + id, "老张" + id, "wxid_" + id})
		if i%1000 == 0 {
			w.Flush()
		}
	}
	w.Flush()
	return b.Bytes()
}

func BenchmarkWeChatCSV(b *testing.B) {
	csvBenchParse(b, "wechat-csv", wechatBenchData(48<<20))
}

// BenchmarkWeChatMsgCSV reads the same export as WeChatMsg writes it, its TalkerId a row
// number: the chat's type decided from the rows, ids made from times and senders.
func BenchmarkWeChatMsgCSV(b *testing.B) {
	csvBenchParse(b, "wechat-csv", wechatBenchDataOf(48<<20, "5"))
}

// BenchmarkWeChatStdlibCSV is encoding/csv alone on the same export, for comparison with our
// reader (BenchmarkWeChatOwnCSV).
func BenchmarkWeChatStdlibCSV(b *testing.B) { csvStdlibRate(b, wechatBenchData(48<<20)) }

func BenchmarkWeChatOwnCSV(b *testing.B) { csvOwnRate(b, wechatBenchData(48<<20)) }
