package ingest

import (
	"slices"
	"testing"
)

// Messages of the types the checks look for, as qq-chat-exporter writes them: a wallet
// element (a red packet), the dice and rock-paper-scissors faces, a game result, a plain face,
// a wallet as the TypeScript versions write it (a system element of QQ's type 9) beside
// another system element, and a red packet beside a picture.
const msgTypesQQNT = `{"metadata":{"name":"QQChatExporter V5"},"chatInfo":{"name":"工作群","type":"group","peerUin":"876543210"},"messages":[
{"id":"1","timestamp":1709256600000,"sender":{"uin":"12345","name":"张伟"},"content":{"text":"恭喜发财","elements":[{"type":"wallet","data":{"summary":"恭喜发财","payload":{"channel":1}}}],"resources":[]}},
{"id":"2","timestamp":1709256660000,"sender":{"uin":"12345","name":"张伟"},"content":{"text":"/骰子（点数 6）","elements":[{"type":"face","data":{"id":"358","name":"/骰子","resultId":"6"}}]}},
{"id":"3","timestamp":1709256720000,"sender":{"uin":"12345","name":"张伟"},"content":{"text":"/猜拳（布）","elements":[{"type":"face","data":{"id":359,"name":"/猜拳"}}]}},
{"id":"4","timestamp":1709256780000,"sender":{"uin":"12345","name":"张伟"},"content":{"text":"[YOLO游戏结果]","elements":[{"type":"yolo_game_result","data":{"summary":"YOLO游戏结果","userInfo":[]}}]}},
{"id":"5","timestamp":1709256840000,"sender":{"uin":"12345","name":"张伟"},"content":{"text":"/微笑","elements":[{"type":"face","data":{"id":{"odd":true},"name":"/微笑"}}]}},
{"id":"7","timestamp":1709256960000,"sender":{"uin":"12345","name":"张伟"},"content":{"text":"钱包/红包消息","elements":[{"type":"system","data":{"elementType":9,"summary":"钱包/红包消息","text":"钱包/红包消息"}}]}},
{"id":"8","timestamp":1709257020000,"sender":{"uin":"12345","name":"张伟"},"content":{"text":"商城表情","elements":[{"type":"system","data":{"elementType":11,"summary":"商城表情"}}]}},
{"id":"6","timestamp":1709256900000,"sender":{"uin":"12345","name":"张伟"},"content":{"text":"[图片:现场.jpg]","elements":[{"type":"image","data":{"filename":"现场.jpg"}},{"type":"wallet","data":{}}],"resources":[{"type":"image","filename":"现场.jpg"}]}}
]}`

// A red packet as the QQ message manager exports it.
const msgTypesQQTXT = "2016-05-20 10:12:33 张三(123456789)\n[QQ红包]请使用新版手机QQ查收红包。\n\n2016-05-20 10:12:40 李四(2)\n收到[图片]\n"

// A game sent by a bot, as Telegram Desktop exports it.
const msgTypesTelegram = `{"name":"工作群","type":"private_supergroup","id":1987654321,"messages":[
{"id":2,"type":"message","date":"2024-03-01T09:30:00","date_unixtime":"1709256600","from":"张伟","from_id":"user1001","game_title":"Lumberjack","game_description":"Chop","text":"","text_entities":[]}
]}`

// A red packet sent in a WeCom group, its wish the text.
const msgTypesWeCom = `{"msgid":"10017","action":"send","from":"lisi","roomid":"wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA","msgtime":1717380960000,"msgtype":"redpacket","redpacket":{"type":2,"wish":"恭喜发财","totalcnt":5,"totalamount":500}}` + "\n"

// A red packet, a game or the dice sent as a message are noted among the message's media by
// their type, in every format that marks them, whatever text the message has.
func TestMessageTypes(t *testing.T) {
	media := func(items []Item) [][]string {
		var out [][]string
		for _, it := range items {
			if it.Bad != nil {
				t.Fatalf("bad record: %s", it.Bad.Reason)
			}
			if it.Msg != nil && it.Msg.Kind == KindPost {
				out = append(out, it.Msg.Media)
			}
		}
		return out
	}
	want := func(name string, got [][]string, wants ...[]string) {
		t.Helper()
		if !slices.EqualFunc(got, wants, slices.Equal) {
			t.Errorf("%s: media %q, want %q", name, got, wants)
		}
	}

	items, err := qqParse([]byte(msgTypesQQNT))
	if err != nil {
		t.Fatal(err)
	}
	want("qq-nt", media(items), []string{MediaRedPacket}, []string{MediaDice}, []string{MediaGame}, []string{MediaGame}, nil,
		[]string{MediaRedPacket}, nil, []string{"现场.jpg", MediaRedPacket})

	// "[QQ红包]" stays in the text, and the id is the one the reader gave before it noted red
	// packets: an export imported earlier is not imported twice.
	items, err = csvCollect(t, "qq-txt", []byte(msgTypesQQTXT))
	if err != nil {
		t.Fatal(err)
	}
	want("qq-txt", media(items), []string{MediaRedPacket}, []string{"image"})
	if m := items[0].Msg; m.Text != "[QQ红包]请使用新版手机QQ查收红包。" || m.ID != "qq-35e26cf441e3efdc" {
		t.Errorf("qq-txt: text %q, id %s", m.Text, m.ID)
	}

	items, err = tgParse([]byte(msgTypesTelegram))
	if err != nil {
		t.Fatal(err)
	}
	want("telegram", media(items), []string{MediaGame})

	items, err = csvCollect(t, "wecom", []byte(msgTypesWeCom))
	if err != nil {
		t.Fatal(err)
	}
	want("wecom", media(items), []string{MediaRedPacket})
}
