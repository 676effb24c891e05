package ingest

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wechatRead parses a fixture under the name WeChatMsg gives the file, as a user's import does.
func wechatRead(t *testing.T, fixture string) []Item {
	t.Helper()
	p, _ := Lookup("wechat-csv")
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

// TestWeChatRealVersions reads the files WeChatMsg's own exporter wrote, version by version
// (testdata/wechat/README.md): who sent each message, how many senders, the chat's type, its
// name from the file and no id, times and texts; the same message has the same id in every
// version that names its sender.
func TestWeChatRealVersions(t *testing.T) {
	at := func(hhmm string) time.Time {
		tm, _ := time.ParseInLocation("2006-01-02 15:04", "2024-06-03 "+hhmm, China)
		return tm.UTC()
	}
	for _, c := range []struct {
		file     string
		chatType string
		senders  int // distinct senders of posts
		bad      int // messages whose sender the file does not give
		// who sent the messages of 10:00, 10:01, 10:02 and 10:11, "" for a bad record
		who [4]string
	}{
		{"wechat/v2024-02/第三党支部工作群_utf8.csv", ChatGroup, 6, 0, [4]string{"wxid_zhangwei", "wxid_lina", "wxid_wangming", "wxid_xuqing"}},
		{"wechat/v2024-01/第三党支部工作群_utf8.csv", ChatGroup, 6, 0, [4]string{"wxid_zhangwei", "wxid_lina", "wxid_wangming", "wxid_xuqing"}},
		{"wechat/v2023-12-29/第三党支部工作群_utf8.csv", ChatGroup, 5, 2, [4]string{"wxid_zhangwei", "wxid_lina", "", "wxid_xuqing"}},
		{"wechat/v2023-12-26/第三党支部工作群_utf8.csv", ChatGroup, 5, 2, [4]string{"wxid_zhangwei", "wxid_lina", "", "wxid_xuqing"}},
		{"wechat/v2023-11/第三党支部工作群.csv", ChatGroup, 0, 10, [4]string{"", "", "", ""}},
	} {
		items := wechatRead(t, c.file)
		senders := map[string]bool{}
		byTime := map[time.Time]*Message{}
		ids := map[string]string{}
		bad, notice := 0, false
		for _, it := range items {
			switch {
			case it.Notice != nil && it.Notice.Key == "ingest.wechat.no-chat-id":
				notice = true
			case it.Bad != nil:
				if it.Bad.Why == nil || it.Bad.Why.Key != "ingest.unknown-sender" {
					t.Errorf("%s: %s", c.file, csvSummary(it))
				}
				bad++
			case it.Msg != nil:
				m := it.Msg
				if m.Chat.ID != "" || m.Chat.Name != "第三党支部工作群" || m.Chat.Type != c.chatType {
					t.Errorf("%s: chat %+v", c.file, m.Chat)
				}
				if m.Kind == KindPost {
					senders[m.Sender.ID] = true
					byTime[m.Time] = m
					ids[m.ID] = m.Sender.ID
				}
			}
		}
		if !notice {
			t.Errorf("%s: no note that the chat has no id", c.file)
		}
		if len(senders) != c.senders || bad != c.bad {
			t.Errorf("%s: %d senders %v, %d bad; want %d, %d", c.file, len(senders), senders, bad, c.senders, c.bad)
		}
		for i, hhmm := range []string{"10:00", "10:01", "10:02", "10:11"} {
			m := byTime[at(hhmm)]
			got := ""
			if m != nil {
				got = m.Sender.ID
			}
			if got != c.who[i] {
				t.Errorf("%s: the message of %s from %q, want %q", c.file, hhmm, got, c.who[i])
			}
		}
		if m := byTime[at("10:01")]; m != nil && m.Text != "收到。\n请带上\"工作证\", 按时到" {
			t.Errorf("%s: text %q", c.file, m.Text)
		}
		if m := byTime[at("10:05")]; m != nil && m.Text != "关于做好防汛工作的通知\n各单位注意\nhttps://example.com/n?a=1&b=2" {
			t.Errorf("%s: the link's text %q", c.file, m.Text)
		}
		if m := byTime[at("10:00")]; m != nil && m.ID != "wx-1717380000-79da88c4c865" {
			t.Errorf("%s: the id of the first message is %s, not the same as in the other versions", c.file, m.ID)
		}
	}
}

// The current version: remarks, nicknames, a member the tool does not know (its wxid written
// as the nickname), the invitation that names members by nickname, and the recall notice.
func TestWeChatRealCurrent(t *testing.T) {
	const g = "/第三党支部工作群/group"
	csvExpect(t, wechatRead(t, "wechat/v2024-02/第三党支部工作群_utf8.csv")[3:12], []string{
		`post wx-1717380120-17110d345395 @5 chat=` + g + ` at=2024-06-03T02:02:00Z from=wxid_wangming//王明/ text="好的，我来准备材料"`,
		`post wx-1717380180-3313c92d7b91 @6 chat=` + g + ` at=2024-06-03T02:03:00Z from=wxid_xuqing//徐  清/ media=["image"]`,
		`post wx-1717380240-ca5618dd9dcd @7 chat=` + g + ` at=2024-06-03T02:04:00Z from=wxid_chenjing//陈静/ media=["六月工作安排.docx"]`,
		`post wx-1717380300-a660ec91cac4 @8 chat=` + g + ` at=2024-06-03T02:05:00Z from=wxid_zhangwei//张伟/ text="关于做好防汛工作的通知\n各单位注意\nhttps://example.com/n?a=1&b=2" media=["link"]`,
		`join wx-1717380360-b9c120f02367 @9 chat=` + g + ` at=2024-06-03T02:06:00Z from=wxid_zhangwei//张伟/ text="\"张伟\"邀请\"徐  清、陈静\"加入了群聊" member=wxid_xuqing/徐  清 member=wxid_chenjing/陈静`,
		`post wx-1717380420-e78b3b49312b @10 chat=` + g + ` at=2024-06-03T02:07:00Z from=wxid_left/// text="我是已经退群的人发的"`,
		`recall wx-1717380480-e093d9c270df @11 chat=` + g + ` at=2024-06-03T02:08:00Z from=wxid_zhangwei//张伟/ target=wx-1717380480-e093d9c270df`,
		`post wx-1717380540-206a80050472 @12 chat=` + g + ` at=2024-06-03T02:09:00Z from=wxid_lina/李娜/Lina.W/ text="收到，马上办"`,
		`post wx-1717380600-d4b1af5133de @13 chat=` + g + ` at=2024-06-03T02:10:00Z from=wxid_wangming//王明/ media=["sticker"]`,
	})
}

// One-to-one chats of each version are known as such, so that an import passes them over
// without --group; none is a bad record.
func TestWeChatRealSingle(t *testing.T) {
	for _, f := range []string{"wechat/v2024-02/李娜_utf8.csv", "wechat/v2024-01/李娜_utf8.csv", "wechat/v2023-12-29/李娜_utf8.csv"} {
		n := 0
		for _, it := range wechatRead(t, f) {
			if it.Bad != nil {
				t.Errorf("%s: %s", f, csvSummary(it))
			}
			if it.Msg != nil {
				n++
				if it.Msg.Chat.Type != ChatSingle || it.Msg.Chat.ID != "" {
					t.Errorf("%s: chat %+v", f, it.Msg.Chat)
				}
			}
		}
		if n != 4 {
			t.Errorf("%s: %d messages", f, n)
		}
	}
}

func TestWeChatExtraSender(t *testing.T) {
	for in, want := range map[string]string{
		`b'\n\x04\x08\x01\x10\x02\x1a\x11\x08\x01\x12\rwxid_zhangwei\x1aK\x08\x07\x12G<msgsource><silence>0</silence><membercount>6</membercount></msgsource>'`: "wxid_zhangwei",
		`b'\n\x04\x08\x01\x10\x02\x1a\x1f\x08\x01\x12\x1bwxid_ewi8gfgpp0eu22:25319:1'`:                                                                          "wxid_ewi8gfgpp0eu22",
		`b'\n\x04\x08\x01\x10\x02'`:      "",
		``:                               "",
		`b'\x1a\x05\x08\x01\x12\x09abc'`: "!",
		`b'\q'`:                          "!",
		`not bytes`:                      "!",
	} {
		got, ok := wechatExtraSender([]byte(in))
		if !ok {
			got = "!"
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", in, got, want)
		}
	}
}

// A WeChatMsg group carries no chat identity: mapped without --group, every message says so;
// with it, every message goes to that group; a one-to-one chat is passed over.
func TestWeChatRealIdentity(t *testing.T) {
	p, _ := Lookup("wechat-csv")
	known := func(id string) bool { return id == "g1" }
	for _, c := range []struct {
		file, group string
		posts       int
		refused     bool
	}{
		{"wechat/v2024-02/第三党支部工作群_utf8.csv", "", 0, true},
		{"wechat/v2024-02/第三党支部工作群_utf8.csv", "g1", 10, false},
		{"wechat/v2024-02/李娜_utf8.csv", "", 0, false},
	} {
		m := NewChatMapper(&p, c.group, false, known)
		posts, refused := 0, false
		for _, it := range wechatRead(t, c.file) {
			reason := m.Map(it, func(r *Record) {
				if r.Post != nil {
					posts++
					if r.Post.Group != "g1" {
						t.Errorf("%s: post in %s", c.file, r.Post.Group)
					}
				}
			})
			if reason != nil {
				refused = true
				if !strings.Contains(reason.Error(), "no chat identity in this export") {
					t.Errorf("%s: %s", c.file, reason)
				}
			}
		}
		if posts != c.posts || refused != c.refused {
			t.Errorf("%s --group %q: %d posts, refused %v", c.file, c.group, posts, refused)
		}
	}
}
