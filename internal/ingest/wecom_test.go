package ingest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestWeComArchive(t *testing.T) {
	items, err := csvCollect(t, "wecom", csvReadFixture(t, "wecom/archive.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	g := "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA//group"
	csvExpect(t, items, []string{
		`post 10001_1717380000 @1 chat=` + g + ` at=2024-06-03T02:00:00.123Z from=zhangsan/// text="各位同事：明天上午九点开会。\n请准时参加。"`,
		`post 10002_1717380060 @2 chat=//single at=2024-06-03T02:01:00Z from=lisi/// text="收到"`,
		`post 10003 @3 chat=` + g + ` at=2024-06-03T02:02:00Z from=wangwu/// media=["image"]`,
		`post 10004 @4 chat=` + g + ` at=2024-06-03T02:03:00Z from=zhangsan/// media=["六月工作安排.docx"]`,
		`post 10005 @5 chat=` + g + ` at=2024-06-03T02:04:00Z from=lisi/// text="关于做好防汛工作的通知\n各单位请注意\nhttps://example.com/notice/1" media=["link"]`,
		`post 10006 @6 chat=` + g + ` at=2024-06-03T02:05:00Z from=wb_robot/// text="**值班提醒**\n今晚值班：王五"`,
		`post 10007 @7 chat=` + g + ` at=2024-06-03T02:06:00Z from=wangwu/// text="现场照片如下" media=["image" "emotion"]`,
		`recall 10008 @9 chat=` + g + ` at=2024-06-03T02:07:00Z from=wangwu/// target=10007`,
		`system 10009_switch @10 chat=// at=2024-06-03T02:08:00Z from=zhangsan///`,
		`post 10010 @11 chat=` + g + ` at=2024-06-03T02:09:00Z from=lisi/// text="材料已报送" media=["chatrecord" "报送表.xlsx"] fwd="张三和李四的聊天记录"`,
		`post 10011 @12 chat=` + g + ` at=2024-06-03T02:10:00Z from=zhangsan/// text="周五团建地点\n公园\n博物馆" media=["vote"]`,
		`system 10012 @13 chat=` + g + ` at=2024-06-03T02:11:00Z from=lisi/// media=["vote"]`,
		`system 10013 @14 chat=//single at=2024-06-03T02:12:00Z from=wmExternal01/// media=["agree"]`,
		`note in: line 15: message type "hologram" is not known; its messages are kept with the type as media`,
		`post 10014 @15 chat=` + g + ` at=2024-06-03T02:13:00Z from=zhangsan/// media=["hologram"]`,
		`bad @16 not a JSON object of the archive: ` + wecomBadJSONReason(t, 16),
		`bad @17 no msgid`,
		`post 10017 @18 chat=` + g + ` at=2024-06-03T02:16:00Z from=lisi/// text="恭喜发财" media=["redpacket"]`,
		`bad @19 no msgtime`,
	})
}

// wecomBadJSONReason is what the JSON decoder says of the broken line of the fixture.
func wecomBadJSONReason(t *testing.T, line int) string {
	data := csvReadFixture(t, "wecom/archive.jsonl")
	l := bytes.Split(data, []byte("\n"))[line-1]
	_, _, reason := wecomMessage(l, Pos{})
	return strings.TrimPrefix(reason.Error(), "not a JSON object of the archive: ")
}

func TestWeComBOMCRLF(t *testing.T) {
	items, err := csvCollect(t, "wecom", csvReadFixture(t, "wecom/bom-crlf.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		`post 20001 @1 chat=wrBBB//group at=2024-06-03T07:33:20Z from=zhaoliu/// text="带 BOM 和 CRLF 的文件"`,
		`post 20002 @2 chat=wrBBB//group at=2024-06-03T07:33:21Z from=qianqi/// text="六月值班表\nhttps://doc.example.com/x" media=["docmsg"]`,
	})
	if want := int64(bytes.IndexByte(csvReadFixture(t, "wecom/bom-crlf.jsonl"), '\n') + 1); items[1].Msg.Pos.Offset != want {
		t.Errorf("offset of line 2: %d", items[1].Msg.Pos.Offset)
	}
}

func TestWeComBadLines(t *testing.T) {
	for in, want := range map[string]string{
		`{"msgid":"1","action":"recall","msgtime":1,"msgtype":"revoke","revoke":{}}`: "bad @1 a recall without revoke.pre_msgid",
		`{"msgid":"1","action":"switch","user":"u"}`:                                 "bad @1 a switch record without its time",
		`{"msgid":"1","action":"forward","msgtime":1,"msgtype":"text"}`:              `bad @1 unknown action "forward"`,
		`{"msgid":"1","action":"send","msgtime":1}`:                                  "bad @1 no msgtype",
		`{"msgid":"1","action":"send","msgtime":"soon","msgtype":"text"}`:            "",
		`[1,2,3]`: "",
		`{"msgid":"1","action":"send","msgtime":-5,"msgtype":"text","text":{"content":"x"}}`:  "bad @1 no msgtime",
		`{"msgid":"1","action":"send","msgtime":1,"msgtype":"text","text":{"content":["x"]}}`: "",
	} {
		items, err := csvCollect(t, "wecom", []byte(in))
		if err != nil || len(items) != 1 || items[0].Bad == nil {
			t.Errorf("%s: got %v %v", in, items, err)
			continue
		}
		if want != "" && csvSummary(items[0]) != want {
			t.Errorf("%s: got %s, want %s", in, csvSummary(items[0]), want)
		}
	}
}

func TestWeComLongLine(t *testing.T) {
	long := `{"msgid":"1","action":"send","msgtime":1,"msgtype":"text","text":{"content":"` + strings.Repeat("长", csvMaxRecord/3+10) + `"}}`
	in := long + "\n" + `{"msgid":"2","action":"send","roomid":"r","msgtime":1717380000000,"msgtype":"text","text":{"content":"ok"}}` + "\n"
	items, err := csvCollect(t, "wecom", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		"bad @1 a line longer than 1 MiB",
		`post 2 @2 chat=r//group at=2024-06-03T02:00:00Z from=/// text="ok"`,
	})
	if len(items[0].Bad.Raw) != csvMaxRaw {
		t.Errorf("raw of a long line: %d bytes", len(items[0].Bad.Raw))
	}
}

func FuzzWeCom(f *testing.F) {
	csvFuzzSeeds(f, "wecom")
	f.Fuzz(func(t *testing.T, data []byte) { csvFuzzCheck(t, "wecom", data) })
}

// wecomBenchData makes about n bytes of a realistic archive: mostly text in group chats, some
// images, files, links, mixed messages and recalls.
func wecomBenchData(n int) []byte {
	var b bytes.Buffer
	texts := []string{"收到", "好的，明天上午九点在三楼会议室开会，请各位准时参加。", "请大家在周五前把六月的工作总结发到群里，谢谢配合！", "已报送", "关于做好防汛工作的通知已下发，请各社区网格员认真落实，做好值班值守。"}
	t := int64(1717380000000)
	for i := 0; b.Len() < n; i++ {
		t += 1379
		room := fmt.Sprintf("wrOgQhDgAAMYQiS5ol9G7gK9JV%04d", i%37)
		from := fmt.Sprintf("user%03d", i%211)
		switch i % 20 {
		case 7:
			fmt.Fprintf(&b, `{"msgid":"%d_%d_external","action":"send","from":"%s","tolist":["zhangsan","lisi"],"roomid":"%s","msgtime":%d,"msgtype":"image","image":{"md5sum":"50de8e5ae8ffe4f1df7a93841f71993a","filesize":70961,"sdkfileid":"CtYBMzA2OTAyMDEwMjA0NjIzMDYwMDIwMTAwMDIwNGQ3Yjk0ZmIwMjAzMGYzZmY3MDIwNDc0ZmQ3NjAyMDQ1ZWVmZjU5"}}`, i, t/1000, from, room, t)
		case 11:
			fmt.Fprintf(&b, `{"msgid":"%d_%d_external","action":"send","from":"%s","tolist":["zhangsan"],"roomid":"%s","msgtime":%d,"msgtype":"file","file":{"md5sum":"18e93fc2ea884df23b3d2d3b8667b9f0","filename":"第%d周工作安排.docx","fileext":"docx","filesize":18176,"sdkfileid":"Cr4BMzA2OTAyMDEwMjA0NjIzMDYwMDIwMTAwMDIwNA"}}`, i, t/1000, from, room, t, i%52)
		case 13:
			fmt.Fprintf(&b, `{"msgid":"%d_%d_external","action":"send","from":"%s","tolist":["zhangsan"],"roomid":"%s","msgtime":%d,"msgtype":"mixed","mixed":{"item":[{"type":"text","content":"{\"content\":\"现场照片如下，请查看\"}"},{"type":"image","content":"{\"md5sum\":\"aa\",\"filesize\":1,\"sdkfileid\":\"bb\"}"}]}}`, i, t/1000, from, room, t)
		case 17:
			fmt.Fprintf(&b, `{"msgid":"%d_%d_recall","action":"recall","from":"%s","tolist":["zhangsan"],"roomid":"%s","msgtime":%d,"msgtype":"revoke","revoke":{"pre_msgid":"%d_%d_external"}}`, i, t/1000, from, room, t, i-1, t/1000)
		default:
			fmt.Fprintf(&b, `{"msgid":"%d_%d_external","action":"send","from":"%s","tolist":["zhangsan","lisi","wangwu"],"roomid":"%s","msgtime":%d,"msgtype":"text","text":{"content":"%s"}}`, i, t/1000, from, room, t, texts[i%len(texts)])
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func BenchmarkWeCom(b *testing.B) {
	csvBenchParse(b, "wecom", wecomBenchData(48<<20))
}

// TestWeComSDKExamples reads the messages of Tencent's own documentation of the archive SDK,
// whose image example has "msgtime":0 (testdata/wecom/README.md): it takes the time of the
// message before it, and a note says so; a msgid that holds a time gives that time.
func TestWeComSDKExamples(t *testing.T) {
	items, err := csvCollect(t, "wecom", csvReadFixture(t, "wecom/sdk-examples.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		`post CAQQluDa4QUY0On2rYSAgAMgzPrShAE= @1 chat=//single at=2019-01-10T02:38:14.783Z from=XuJinSheng/// text="test"`,
		`post CAQQvPnc4QUY0On2rYSAgAMgooLa0Q8= @2 chat=//single at=2019-01-10T02:38:14.783Z from=XuJinSheng/// media=["image"]`,
		`post 4538352996756104940_1691386670520_external @3 chat=//single at=2023-08-07T05:37:50.52Z from=wm1cKySwAAg9qJcBjjyWF8FArK4k5wHw/// media=["8.7预开票差额.xls"]`,
		`note in: line 2 on: 1 messages have msgtime 0 (as in WeCom's own examples) and no time in their msgid: they were given the time of the message before them in the file`,
	})
	items, _ = csvCollect(t, "wecom", bytes.SplitN(csvReadFixture(t, "wecom/sdk-examples.jsonl"), []byte("\n"), 2)[1])
	if items[0].Bad == nil || items[0].Bad.Why.Key != "ingest.wecom.zero-first" {
		t.Errorf("msgtime 0 first in the file: %s", csvSummary(items[0]))
	}
}
