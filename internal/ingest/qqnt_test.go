package ingest

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

var qqParse = parseWith(func(r *bytes.Reader, emit func(Item) error) error {
	return parseQQNT(r, "group.json", emit)
})

var qqParseSlow = parseWith(func(r *bytes.Reader, emit func(Item) error) error {
	data, _ := io.ReadAll(r)
	return parseQQNT(&oneByteReader{data: data}, "group.json", emit)
})

func TestQQNTGroup(t *testing.T) {
	data := readFixture(t, "qqnt/group.json")
	items, err := qqParse(data)
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, data, items, err)
	noSender := bytes.Index(data, []byte(`{"id":"7340000000000000011"`))
	checkLines(t, items, []string{
		`post 7340000000000000001 2024-03-01T01:30:00Z 12345/第三支部-张伟 text="各位同志，周五下午三点开会。"`,
		`post 7340000000000000002 2024-03-01T01:31:00Z 23456/王芳 text="@第三支部-张伟 收到[图片:IMG_1.jpg]" media=["IMG_1.jpg"]`,
		`system 7340000000000000003 2024-03-01T01:32:00Z /0 text="李娜 加入了本群"`,
		`recall 7340000000000000004:recall 2024-03-01T01:33:00Z 12345/第三支部-张伟 target=7340000000000000004`,
		`post 7340000000000000005 2024-03-01T01:34:00Z 23456/王芳 text="发错群了"`,
		`recall 7340000000000000005:recall 2024-03-01T01:34:00Z 23456/王芳 target=7340000000000000005`,
		`post 7340000000000000006 2024-03-01T01:35:00Z u_xyz/陈静 text="没有 QQ 号的发送者"`,
		`post 7340000000000000007 2024-03-01T02:00:00Z 12345/第三支部-张伟 text="只有本地时间"`,
		`post 7340000000000000008 2024-03-01T02:05:00Z 23456/王芳 text="RFC 3339 时间"`,
		`post 7340000000000000009 2024-03-01T02:05:00Z 23456/王芳 text="[转发消息: 2条]\n  张伟: 通知\n  李娜: 收到" fwd=群聊的聊天记录`,
		`post 7340000000000000010 2024-03-01T02:06:00Z 12345/第三支部-张伟 text="会议纪要 👍 🙏 \"引号\"[文件:会议纪要.docx]" media=["会议纪要.docx"]`,
		"bad @" + strconv.Itoa(noSender) + ` a message without a sender: no "uin" and no "uid"`,
		`post 7340000000000000012 2024-03-01T02:08:00Z 23456/王芳 text="[语音:5秒]" media=["audio"]`,
	})
	for _, it := range items {
		if it.Msg != nil && it.Msg.Chat != (Chat{ID: "876543210", Name: "第三党支部工作群", Type: "group"}) {
			t.Fatalf("message %s in chat %+v", it.Msg.ID, it.Msg.Chat)
		}
	}
	slow, err := qqParseSlow(data)
	if err != nil || len(slow) != len(items) {
		t.Fatalf("read a byte at a time: %d items, %v", len(slow), err)
	}
	for i := range slow {
		if render(slow[i]) != render(items[i]) {
			t.Fatalf("read a byte at a time: item %d differs", i)
		}
	}
}

// The export split into chunks, of a private chat whose chatInfo has no number.
func TestQQNTChunked(t *testing.T) {
	data := readFixture(t, "qqnt/chunked.json")
	items, err := qqParse(data)
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, data, items, err)
	note := `note chat "王芳": the export gives no group or peer number ("peerUid", "peerUin"), so the chat's id is made of its name`
	checkLines(t, items, []string{
		`post 7341 2024-03-01T01:30:00Z 23456/王芳 text="在吗"`,
		note,
		`post 7342 2024-03-01T01:31:00Z 10001/管理员 text="在"`,
		note,
	})
	if c := items[0].Msg.Chat; c != (Chat{ID: "name:王芳", Name: "王芳", Type: "private"}) {
		t.Fatalf("chat %+v", c)
	}
}

func TestQQNTMalformed(t *testing.T) {
	head := `{"chatInfo": {"name": "群", "type": "group", "peerUid": "42"}, "messages": [`
	msg := `{"id": "9", "timestamp": 1709256600000, "sender": {"uid": "u1", "uin": "100"}, "content": {"text": "好"}, "recalled": false, "system": false}`
	cases := []malformedCase{
		{name: "not json", data: "QQ 消息记录", err: "does not begin with a JSON object"},
		{name: "no messages", data: `{"metadata": {}, "chatInfo": {"name": "x"}}`, err: `no "messages"`},
		{name: "messages before chatInfo", data: `{"messages": [], "chatInfo": {"name": "x"}}`, err: `"messages" before "chatInfo"`, errAt: `"messages"`},
		{name: "chatInfo not an object", data: `{"chatInfo": "x", "messages": []}`, err: `"chatInfo" is not an object`, errAt: `"x"`},
		{name: "chatInfo names nothing", data: `{"chatInfo": {"type": "group"}, "messages": []}`, err: `names no chat`, errAt: `{"type"`},
		{name: "messages not an array", data: `{"chatInfo": {"name": "x"}, "messages": "x"}`, err: "is not an array", errAt: `"x"}`},
		{name: "chunks not an array", data: `{"chunks": {}}`, err: `"chunks" is not an array`, errAt: `{}}`},
		{name: "truncated", data: head + msg[:50], err: "truncated"},
		{
			name: "records", data: head + `"x", {"id": "1", "timestamp": "soon", "sender": {"uin": "1"}}, {"id": "2", "timestamp": 1, "recalled": "yes"}, {"timestamp": 1709256600000}, {"id": "4", "sender": {"uin": "1"}}, {"id": "5", "time": "昨天", "sender": {"uin": "1"}}, ` + msg + `]}`,
			want: []string{"bad", "bad", "bad", "bad", "bad", "bad", `post 9 2024-03-01T01:30:00Z 100/ text="好"`},
		},
	}
	checkMalformed(t, qqParse, "", cases)
}

func TestQQNTTruncated(t *testing.T) {
	for _, f := range []string{"qqnt/group.json", "qqnt/chunked.json"} {
		truncations(t, qqParse, readFixture(t, f))
	}
}

func TestQQNTSample(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteQQNTSample(&a, "876543210", 3000, 5); err != nil {
		t.Fatal(err)
	}
	if err := WriteQQNTSample(&b, "876543210", 3000, 5); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the sample is not deterministic")
	}
	if !detectQQNT(a.Bytes()) || detectTelegram(a.Bytes()) {
		t.Fatal("the sample is not detected as QQ NT alone")
	}
	items, err := qqParse(a.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, a.Bytes(), items, err)
	kinds := map[MsgKind]int{}
	for _, it := range items {
		if it.Bad != nil {
			t.Fatalf("bad record in the sample: %s", render(it))
		}
		kinds[it.Msg.Kind]++
	}
	if kinds[KindPost] < 2800 || kinds[KindRecall] == 0 || kinds[KindSystem] == 0 {
		t.Fatalf("kinds of the sample: %v", kinds)
	}
}

// FuzzQQNT: run it with -fuzzminimizetime 1s, as FuzzTelegram.
func FuzzQQNT(f *testing.F) {
	for _, seed := range smallSeeds(f, readFixture(f, "qqnt/group.json"), `{"chatInfo": {"name": "第三党支部工作群", "type": "group", "peerUid": "876543210"}, `) {
		f.Add(seed)
	}
	chunked := readFixture(f, "qqnt/chunked.json")
	f.Add(chunked[:1024])
	var sample bytes.Buffer
	if err := WriteQQNTSample(&sample, "42", 3, 1); err != nil {
		f.Fatal(err)
	}
	f.Add(sample.Bytes())
	f.Add([]byte(msgTypesQQNT))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, qqParse, qqParseSlow, data)
	})
}

func BenchmarkQQNT(b *testing.B) {
	var buf bytes.Buffer
	// About 64 MB: 120,000 messages.
	if err := WriteQQNTSample(&buf, "876543210", 120_000, 1); err != nil {
		b.Fatal(err)
	}
	benchParse(b, buf.Bytes(), func(r *bytes.Reader, emit func(Item) error) error {
		return parseQQNT(r, "group.json", emit)
	})
}
