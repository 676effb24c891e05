package ingest

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"qunshen/internal/i18n"
)

// mapped is what the second pass of the mapper made of a fixture.
type mapped struct {
	members map[string]time.Time // member id → when it joined (zero when no notice says)
	authors map[string]string    // post id → author
	left    []string
	faults  []string
	notes   []*i18n.Error
	passed  map[string]int
	groups  []string
}

// mapTwice maps a fixture as an import does: a first pass that learns, Rewind, a second that
// stores; group is --group ("" for none), known the groups the store holds.
func mapTwice(t *testing.T, format, fixture, group string, known ...string) mapped {
	t.Helper()
	p, _ := Lookup(format)
	var items []Item
	err := p.Parse(bytes.NewReader(readFixture(t, fixture)), filepath.Join("testdata", fixture), func(it Item) error {
		items = append(items, it)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return mapItems(&p, items, fixture, group, known...)
}

// mapItems maps the items of a file named file as mapTwice does.
func mapItems(p *Parser, items []Item, file, group string, known ...string) mapped {
	isKnown := func(id string) bool { return slices.Contains(known, id) }
	m := NewChatMapper(p, group, false, isKnown)
	for _, it := range items {
		m.Map(it, func(*Record) {})
	}
	out := mapped{members: map[string]time.Time{}, authors: map[string]string{}, notes: m.Notes(file)}
	m.Rewind(isKnown)
	put := func(r *Record) {
		switch {
		case r.Seen != nil:
			if j, ok := out.members[r.Seen.ID]; !ok || j.IsZero() {
				out.members[r.Seen.ID] = r.Seen.Joined
			}
		case r.Left != nil:
			out.left = append(out.left, r.Left.ID)
		case r.Post != nil:
			out.authors[r.Post.ID] = r.Post.Author
		case r.Group != nil:
			out.groups = append(out.groups, r.Group.ID)
		}
	}
	for _, it := range items {
		if why := m.Map(it, put); why != nil {
			out.faults = append(out.faults, ItemPos(it).String()+": "+why.Error())
		}
	}
	m.Finish(put)
	out.passed = m.Passed()
	return out
}

func (m mapped) byName() []string {
	var out []string
	for id := range m.members {
		if strings.HasPrefix(id, NamePrefix) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// WeChat: a member invited by nickname who speaks only later in the file is the member of
// that later sender's wxid, not a second member by name (a later export of the chat, as
// WeChatMsg 1.1.2 writes it: testdata/wechat/README.md).
func TestChatNamesWeChatInvitedSpeaksLater(t *testing.T) {
	m := mapTwice(t, "wechat-csv", "wechat/v2024-02-later/第三党支部工作群_utf8.csv", "g1", "g1")
	if len(m.faults) > 0 {
		t.Fatalf("faults: %v", m.faults)
	}
	if len(m.members) != 7 || len(m.byName()) != 0 {
		t.Fatalf("%d members %v, by name %v; want 7, none by name", len(m.members), m.members, m.byName())
	}
	at := time.Date(2024, 6, 3, 2, 12, 0, 0, time.UTC)
	if j := m.members["wxid_zhaomin"]; !j.Equal(at) {
		t.Errorf("赵敏 joined at %v, want %v (the invitation)", j, at)
	}
	found := false
	for _, a := range m.authors {
		found = found || a == "wxid_zhaomin"
	}
	if !found {
		t.Errorf("no post by wxid_zhaomin: %v", m.authors)
	}
	// Invited earlier in the file, and speaking before: the same members still.
	for _, id := range []string{"wxid_xuqing", "wxid_chenjing"} {
		if m.members[id].IsZero() {
			t.Errorf("%s: no join", id)
		}
	}
}

// Telegram: the member that a create_group names only by name (王芳) is the sender who
// speaks later with the id user1002; a name no sender has stays a member by name.
func TestChatNamesTelegramMemberSpeaksLater(t *testing.T) {
	m := mapTwice(t, "telegram", "telegram/single.json", "")
	if len(m.faults) > 0 {
		t.Fatalf("faults: %v", m.faults)
	}
	want := []string{"name:刘洋", "name:赵敏"}
	if len(m.members) != 6 || !slices.Equal(m.byName(), want) {
		t.Fatalf("%d members %v, by name %v; want 6, by name %v", len(m.members), m.members, m.byName(), want)
	}
	if j := m.members["user1002"]; !j.Equal(time.Date(2024, 3, 1, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("王芳 (user1002) joined at %v, want the group's creation", j)
	}
	if m.authors["telegram:1987654321:3"] != "user1002" {
		t.Errorf("message 3 by %q", m.authors["telegram:1987654321:3"])
	}
	note := false
	for _, n := range m.notes {
		note = note || n.Key == "ingest.map.by-name" && strings.Contains(n.Error(), "name:刘洋")
	}
	if !note {
		t.Errorf("no note names the member known only by name: %v", m.notes)
	}
}

// One-to-one chats are passed over, each named in a note, without --group; --group puts them
// in the group named, whatever the format.
func TestChatOneToOne(t *testing.T) {
	for _, c := range []struct {
		format, fixture, chat string
		msgs                  int
	}{
		{"wechat-csv", "wechat/single-old.csv", "wxid_friend", 3},
		{"wechat-csv", "wechat/v2024-02/李娜_utf8.csv", "李娜", 4},
		{"qq-nt", "qqnt/chunked.json", "王芳", 0},
		{"telegram", "telegram/account.json", "王芳", 0},
	} {
		m := mapTwice(t, c.format, c.fixture, "")
		for _, g := range m.groups {
			if strings.Contains(g, c.chat) || strings.Contains(g, "1002") {
				t.Errorf("%s: the one-to-one chat became group %s", c.fixture, g)
			}
		}
		note := false
		for _, n := range m.notes {
			note = note || n.Key == "ingest.map.private" && strings.Contains(n.Error(), c.chat)
		}
		if !note || m.passed[PassedPrivate] == 0 || len(m.faults) > 0 {
			t.Errorf("%s: passed %v, notes %v, faults %v", c.fixture, m.passed, m.notes, m.faults)
		}
		if c.msgs > 0 && m.passed[PassedPrivate] != c.msgs {
			t.Errorf("%s: %d passed over, want %d", c.fixture, m.passed[PassedPrivate], c.msgs)
		}
		with := mapTwice(t, c.format, c.fixture, "g1", "g1")
		if with.passed[PassedPrivate] != 0 || len(with.authors) == 0 {
			t.Errorf("%s --group g1: passed %v, %d posts", c.fixture, with.passed, len(with.authors))
		}
	}
}

// Two senders of a WeChat group have had the nickname an invitation names: the invitation is
// given to neither, and a note says so.
func TestChatNamesWeChatAmbiguous(t *testing.T) {
	const head = "\ufefflocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\r\n"
	data := head + `5,5,1,0,0,1717380000,2,大家好,2024-06-03 10:00:00,张伟,张伟,wxid_zhangwei` + "\r\n" +
		`6,5,1,0,0,1717380060,2,我也叫张伟,2024-06-03 10:01:00,张伟,张伟,wxid_zw2` + "\r\n" +
		`7,5,10000,0,0,1717380120,2,"""李娜""邀请""张伟""加入了群聊",2024-06-03 10:02:00,张伟,张伟,wxid_zw2` + "\r\n" +
		`8,5,1,0,0,1717380180,2,欢迎,2024-06-03 10:03:00,李娜,Lina.W,wxid_lina` + "\r\n"
	items, err := csvCollect(t, "wechat-csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := Lookup("wechat-csv")
	m := mapItems(&p, items, "群_utf8.csv", "g1", "g1")
	if len(m.faults) > 0 || len(m.byName()) > 0 || len(m.members) != 3 {
		t.Fatalf("members %v, faults %v", m.members, m.faults)
	}
	for id, j := range m.members {
		if !j.IsZero() {
			t.Errorf("%s joined %v: the invitation was given to one of two", id, j)
		}
	}
	note := false
	for _, n := range m.notes {
		note = note || n.Key == "ingest.map.ambiguous" && strings.Contains(n.Error(), "wxid_zhangwei, wxid_zw2")
	}
	if !note {
		t.Errorf("no note of the name two members have: %v", m.notes)
	}
}
