package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var tgParse = parseWith(func(r *bytes.Reader, emit func(Item) error) error {
	return parseTelegram(r, "result.json", emit)
})

var tgParseSlow = parseWith(func(r *bytes.Reader, emit func(Item) error) error {
	data, _ := io.ReadAll(r)
	return parseTelegram(&oneByteReader{data: data}, "result.json", emit)
})

func TestTelegramSingleChat(t *testing.T) {
	data := readFixture(t, "telegram/single.json")
	items, err := tgParse(data)
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, data, items, err)
	checkLines(t, items, []string{
		`join 1 2024-03-01T01:00:00Z user1001/张伟/owner title="第三党支部工作群" members=[user1001/张伟/owner name:王芳/王芳]`,
		`post 2 2024-03-01T01:30:00Z user1001/张伟 text="各位同志：\n本周五下午三点开支部党员大会。"`,
		`post 3 2024-03-01T01:31:00Z user1002/王芳 text="@zhangwei 收到，准时参加。材料见通知原文 (https://example.gov.cn/n/1)"`,
		`join 4 2024-03-01T01:40:00Z user1001/张伟 members=[name:刘洋/刘洋 user1002/王芳]`,
		`join 5 2024-03-01T01:41:00Z user1005/陈静`,
		`post 6 2024-03-01T02:00:00Z user1005/陈静 text="转发：关于做好春季防火工作的通知" media=["photo_1@01-03-2024_10-00-00.jpg"] fwd=市委组织部`,
		`post 7 2024-03-01T02:05:00Z user1001/张伟 text="会议纪要（已更正时间）" media=["会议纪要.docx"]`,
		`post 8 2024-03-01T02:06:00Z user1002/王芳 media=["sticker"]`,
		`post 9 2024-03-01T02:08:00Z user1005/陈静 text="好的 👍 🙏 \"引号\" \\ 反斜杠 a\x01b"`,
		`post 10 2024-03-01T02:09:00Z user1002/王芳 text="没有 from_id 的消息"`,
		`post 11 2024-03-01T02:10:00Z name:赵敏/赵敏 text="陌生人"`,
		`pin 12 2024-03-01T02:11:00Z user1001/张伟 target=2`,
		`leave 13 2024-03-01T02:12:00Z user1001/张伟 members=[name:刘洋/刘洋]`,
		`post 14 2024-03-01T02:13:00Z user1001/张伟 text="只有 date，没有 date_unixtime"`,
		`system 15 2024-03-01T02:14:00Z user1001/张伟 text="edit_group_title" title="第三党支部工作群（2024）"`,
		`post 16 2024-03-01T02:15:00Z user1009/ text="已注销账号的消息"`,
		`leave 18 2024-03-01T02:16:00Z user1005/陈静 members=[user1005/陈静]`,
		`note chat 1987654321 (第三党支部工作群): 1 messages that Telegram Desktop could not export ("unsupported") left out`,
		`note chat 1987654321 (第三党支部工作群): 4 senders or members of join and leave messages are named only by a name not seen with an id earlier in the chat; they were given ids made of their names (name:…)`,
		`note chat 1987654321 (第三党支部工作群): 1 members of join or leave messages without a name (deleted accounts) left out`,
	})
	for _, it := range items {
		if it.Msg != nil && it.Msg.Chat != (Chat{ID: "1987654321", Name: "第三党支部工作群", Type: "private_supergroup"}) {
			t.Fatalf("message %s in chat %+v", it.Msg.ID, it.Msg.Chat)
		}
	}
	// The same file read a byte at a time gives the same items.
	slow, err := tgParseSlow(data)
	if err != nil || len(slow) != len(items) {
		t.Fatalf("read a byte at a time: %d items, %v", len(slow), err)
	}
	for i := range slow {
		if render(slow[i]) != render(items[i]) || slow[i].Msg != nil && slow[i].Msg.Pos != items[i].Msg.Pos {
			t.Fatalf("read a byte at a time: item %d differs", i)
		}
	}
}

func TestTelegramAccount(t *testing.T) {
	data := readFixture(t, "telegram/account.json")
	items, err := tgParse(data)
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, data, items, err)
	checkLines(t, items, []string{
		`post 101 2024-04-01T00:00:00Z user1002/王芳 text="今天走访东片区。"`,
		`join 102 2024-04-01T00:05:00Z user1002/王芳 members=[user1002/王芳]`,
		`post 101 2024-04-02T00:00:00Z user1001/张伟 text="明天的会改到下午。"`,
		`post 7 2023-12-31T15:59:00Z user1004/刘洋 text="项目结束，本群将解散。"`,
	})
	chats := []Chat{
		{ID: "4001", Name: "网格员工作群", Type: "private_group"},
		{ID: "4001", Name: "网格员工作群", Type: "private_group"},
		{ID: "1002", Name: "王芳", Type: "personal_chat"},
		{ID: "5001", Name: "旧项目群", Type: "public_supergroup"},
	}
	for i, it := range items {
		if it.Msg.Chat != chats[i] {
			t.Errorf("item %d in chat %+v, want %+v", i, it.Msg.Chat, chats[i])
		}
	}
}

// A hostile file may put the chat's id after its messages: the messages cannot be given to a
// chat, and the file is refused rather than its messages mis-assigned.
func TestTelegramIDAfterMessages(t *testing.T) {
	data := []byte(`{"name": "群", "type": "private_group", "messages": [{"id": 1, "type": "message", "date_unixtime": "1709256600", "from": "张伟", "from_id": "user1", "text": "x"}], "id": 5}`)
	items, err := tgParse(data)
	var fe *Error
	if !errors.As(err, &fe) || fe.Pos.Offset != int64(bytes.Index(data, []byte(`"messages"`))) || !strings.Contains(fe.Msg, `before the chat's "id"`) {
		t.Fatalf("got %v", err)
	}
	if len(items) != 0 {
		t.Fatalf("items were given before the fault: %v", items)
	}
	// Name and type after the messages are a note, the id before them is enough.
	data = []byte(`{"id": 5, "messages": [{"id": 1, "type": "message", "date_unixtime": "1709256600", "from": "张伟", "from_id": "user1", "text": "x"}], "name": "群", "type": "private_group"}`)
	items, err = tgParse(data)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, items, []string{
		`post 1 2024-03-01T01:30:00Z user1/张伟 text="x"`,
		`note chat 5 (群): its name or type comes after its messages, which carry none`,
	})
}

func TestTelegramMalformed(t *testing.T) {
	msg := `{"id": 9, "type": "message", "date_unixtime": "1709256600", "from": "张伟", "from_id": "user1", "text": "好"}`
	head := `{"name": "群", "type": "private_group", "id": 5, "messages": [`
	cases := []malformedCase{
		{name: "empty", data: "", err: "empty"},
		{name: "not json", data: "hello, world", err: "does not begin with a JSON object"},
		{name: "array", data: `[{"id": 1}]`, err: "does not begin with a JSON object", errAt: "["},
		{name: "no messages", data: `{"about": "x"}`, err: `neither "messages" nor "chats"`},
		{name: "messages not an array", data: `{"id": 5, "messages": {"id": 1}}`, err: "is not an array", errAt: `{"id": 1}`},
		{name: "list not an array", data: `{"chats": {"about": "", "list": 5}}`, err: "is not an array", errAt: "5}"},
		{name: "unmatched", data: head + `{"id": 1]]}`, err: "unmatched ']'", errAt: "]]}"},
		{name: "garbage after", data: `{"id": 5, "messages": []} x`, err: "after the end", errAt: "x"},
		{name: "missing comma", data: `{"id": 5 "messages": []}`, err: "expected ',' or '}'", errAt: `"messages"`},
		{name: "bad literal", data: `{"id": 5, "x": nope, "messages": []}`, err: "not a JSON value", errAt: "nope"},
		{
			name: "message not an object", data: head + `1, "x", ` + msg + `]}`,
			want: []string{"bad @63 a message that is not a JSON object", "bad @66 a message that is not a JSON object", `post 9 2024-03-01T01:30:00Z user1/张伟 text="好"`},
		},
		{
			name: "wrong field types", data: head + `{"id": 1, "type": "message", "date_unixtime": {}, "from": "a", "from_id": "user1"}, {"id": 2, "type": "message", "date_unixtime": "1709256600", "from": 5, "from_id": "user1"}, {"id": [], "type": "message"}, ` + msg + `]}`,
			want: []string{"bad", "bad", "bad", `post 9 2024-03-01T01:30:00Z user1/张伟 text="好"`},
		},
		{
			name: "missing fields", data: head + `{"type": "message", "date_unixtime": "1709256600", "from_id": "user1"}, {"id": 2, "type": "message", "from_id": "user1"}, {"id": 3, "type": "message", "date_unixtime": "1709256600"}, {"id": 4, "type": "message", "date": "yesterday", "from_id": "user1"}, {"id": 5, "type": "service", "date_unixtime": "1709256600", "action": "invite_members", "members": [null]}]}`,
			want: []string{`bad @63 a message without an "id"`, `bad @135 a message without a "date"`, `bad @185 a message without a sender: no "from_id" and no "from"`, `bad @246 "date" "yesterday" is not a time like 2024-03-01T09:30:00`, `bad @317 a "invite_members" message that names nobody`, `note chat 5 (群): 1 members of join or leave messages without a name (deleted accounts) left out`},
		},
		{name: "truncated inside a message", data: head + msg[:40], err: "truncated"},
		{name: "truncated inside a string", data: head + `{"id": 1, "text": "没有结`, err: "truncated"},
		{name: "key not a string", data: head + msg + `], 5: 1}`, err: "expected a key", errAt: "5: 1}"},
	}
	checkMalformed(t, tgParse, "result.json", cases)
}

func TestTelegramTruncated(t *testing.T) {
	for _, f := range []string{"telegram/single.json", "telegram/account.json"} {
		truncations(t, tgParse, readFixture(t, f))
	}
}

// An error from emit stops the reading and comes back as it is.
func TestTelegramEmitError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := parseTelegram(bytes.NewReader(readFixture(t, "telegram/single.json")), "result.json", func(Item) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Fatalf("got %v after %d items", err, n)
	}
}

// Telegram Desktop writes a control character as \xHH, which is not JSON; a byte-order mark
// before the document is passed over.
func TestTelegramHexEscapeAndBOM(t *testing.T) {
	data := append(append([]byte{}, BOM...), []byte(`{"id": 5, "messages": [{"id": 1, "type": "message", "date_unixtime": "1709256600", "from": "a\x02", "from_id": "user1", "text": "x\x1Fy"}]}`)...)
	items, err := tgParse(data)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, items, []string{"post 1 2024-03-01T01:30:00Z user1/a\x02 text=\"x\\x1fy\""})
}

func TestTelegramSample(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteTelegramSample(&a, 77, 3000, 5); err != nil {
		t.Fatal(err)
	}
	if err := WriteTelegramSample(&b, 77, 3000, 5); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the sample is not deterministic")
	}
	if !detectTelegram(a.Bytes()) {
		t.Fatal("the sample is not detected as Telegram")
	}
	items, err := tgParse(a.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, a.Bytes(), items, err)
	kinds := map[MsgKind]int{}
	for _, it := range items {
		if it.Bad != nil {
			t.Fatalf("bad record in the sample: %s", render(it))
		}
		if it.Msg != nil {
			kinds[it.Msg.Kind]++
		}
	}
	if kinds[KindPost] < 2800 || kinds[KindJoin] == 0 || kinds[KindLeave] == 0 || kinds[KindPin] == 0 {
		t.Fatalf("kinds of the sample: %v", kinds)
	}
}

func TestDetectJSONFormats(t *testing.T) {
	tg, _ := Lookup("telegram")
	qq, _ := Lookup("qq-nt")
	for _, f := range []string{"telegram/single.json", "telegram/account.json"} {
		head := readFixture(t, f)
		if !tg.Detect(head) || qq.Detect(head) {
			t.Errorf("%s: telegram %v, qq-nt %v", f, tg.Detect(head), qq.Detect(head))
		}
		if p, ok := Detect(head); !ok || p.Name != "telegram" {
			t.Errorf("%s detected as %q", f, p.Name)
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "qqnt", "*.json"))
	if len(files) == 0 {
		t.Fatal("no QQ NT fixtures")
	}
	for _, f := range files {
		head, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !qq.Detect(head) || tg.Detect(head) {
			t.Errorf("%s: qq-nt %v, telegram %v", f, qq.Detect(head), tg.Detect(head))
		}
		if p, ok := Detect(head); !ok || p.Name != "qq-nt" {
			t.Errorf("%s detected as %q", f, p.Name)
		}
	}
	others := map[string]string{
		"queue jsonl": `{"type":"group","id":"g1","name":"第三党支部党员群","kind":"party"}` + "\n" + `{"type":"post","id":"p1","group":"g1","author":"m1","text":"messages"}` + "\n",
		"csv":         "\ufeff姓名,手机号,所在支部,messages\n张伟,13800000000,第三党支部,\n",
		"qq txt":      "消息记录（此消息记录为文本格式，不支持重新导入）\n\n================================================================\n消息分组:我的群聊\n================================================================\n消息对象:第三党支部工作群\n================================================================\n\n2024-03-01 9:30:00 张伟(12345)\n收到\n",
		"wecom":       `{"msgid":"1","action":"send","from":"zhangwei","tolist":["lisi"],"roomid":"wr1","msgtime":1709256600000,"msgtype":"text","text":{"content":"messages"}}` + "\n",
		"json array":  `[{"messages": [], "date_unixtime": "1"}]`,
		"plain text":  "各位同志：本周五开会。\n",
		"empty":       "",
	}
	for name, head := range others {
		if tg.Detect([]byte(head)) || qq.Detect([]byte(head)) {
			t.Errorf("%s: telegram %v, qq-nt %v", name, tg.Detect([]byte(head)), qq.Detect([]byte(head)))
		}
	}
}

// FuzzTelegram: run it with -fuzzminimizetime 1s (the decoder's caches make the coverage of
// a new input hard to reproduce, and the fuzzer then spends its full minute minimising it).
func FuzzTelegram(f *testing.F) {
	for _, seed := range smallSeeds(f, readFixture(f, "telegram/single.json"), `{"name": "第三党支部工作群", "type": "private_supergroup", "id": 1987654321, `) {
		f.Add(seed)
	}
	account := readFixture(f, "telegram/account.json")
	f.Add(account[:1024])
	f.Add(account[len(account)-1024:])
	var sample bytes.Buffer
	if err := WriteTelegramSample(&sample, 9, 4, 1); err != nil {
		f.Fatal(err)
	}
	f.Add(sample.Bytes())
	f.Add([]byte(msgTypesTelegram))
	f.Add([]byte(`{"id": 5, "messages": [1, {"id": 2, "type": "service", "date": "2024-03-01T09:30:00", "action": "pin_message", "message_id": 1, "actor": "x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, tgParse, tgParseSlow, data)
	})
}

func BenchmarkTelegram(b *testing.B) {
	var buf bytes.Buffer
	// About 64 MB: 200,000 messages.
	if err := WriteTelegramSample(&buf, 1234567890, 200_000, 1); err != nil {
		b.Fatal(err)
	}
	benchParse(b, buf.Bytes(), func(r *bytes.Reader, emit func(Item) error) error {
		return parseTelegram(r, "result.json", emit)
	})
}

// TestTelegramLinks: what Telegram Desktop writes for a hidden link (text_link, its address
// in "href"), a poll and a bot's buttons reaches the checks (testdata/telegram/README.md).
func TestTelegramLinks(t *testing.T) {
	data := readFixture(t, "telegram/links.json")
	items, err := tgParse(data)
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, data, items, err)
	checkLines(t, items, []string{
		`post 11 2024-05-06T12:15:03Z user2001/陈志远 text="刘洋 补贴申请今天截止，点这里登记 (https://butie-dengji.example.com/login?id=8)，官网 https://www.gov.cn"`,
		`post 12 2024-05-06T12:16:40Z user2002/刘洋 text="周六的活动去哪里？\n社区广场\n加微信 abc123 领红包" media=["poll"]`,
		`post 13 2024-05-06T12:20:00Z user2009/通知机器人 text="请查看最新通知\n打开 (https://t.example.com/x)\n收到"`,
	})
}
