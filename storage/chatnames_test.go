package storage

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"qunshen/model"
)

// fixture copies a file of the chat formats' fixtures (internal/ingest/testdata) beside the
// database, under its own name, and gives its path.
func (e *env) fixture(name string) string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "internal", "ingest", "testdata", name))
	e.check(err)
	return e.file(filepath.Base(name), string(b))
}

// members lists the ids of a group's members.
func (e *env) members(group string) []string {
	e.t.Helper()
	var ids []string
	e.check(e.st.ForEachMember(group, func(m *model.Member) error {
		ids = append(ids, m.ID)
		return nil
	}))
	return ids
}

func byName(ids []string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return !strings.HasPrefix(id, "name:") })
}

// The members an older WeChatMsg names only by nickname in its invitation (its rows give
// wxids, never nicknames) are the members of that nickname a roster stored: one person, one
// member.
func TestChatNamesFoundAmongStoredMembers(t *testing.T) {
	e := newEnv(t)
	e.check(e.err(e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})))
	e.check(e.err(e.st.Import(e.admin, []string{e.fixture("roster/display-name.csv")}, ImportOptions{Group: "g1"})))
	before := e.members("g1")
	res, err := e.st.Import(e.admin, []string{e.fixture("wechat/v2023-12-29/第三党支部工作群_utf8.csv")}, ImportOptions{Group: "g1", SkipBad: true})
	e.check(err)
	after := e.members("g1")
	// wxid_left is the one sender the roster does not list.
	if len(after) != len(before)+1 || len(byName(after)) != 0 || !slices.Contains(after, "wxid_left") {
		t.Fatalf("members %v after %v (notes %v)", after, before, res.Notes)
	}
	e.verify()
}

// A name that two members have is not guessed: the notice that names it changes neither, and
// a note says so.
func TestChatNamesAmbiguous(t *testing.T) {
	e := newEnv(t)
	const g = "telegram-1987654321"
	e.check(e.err(e.st.Import(e.admin, []string{e.file("q.jsonl",
		`{"type":"group","id":"`+g+`","name":"第三党支部工作群","kind":"work","platform":"telegram"}
{"type":"member","id":"user2002","group":"`+g+`","name":"王芳"}
`)}, ImportOptions{})))
	res, err := e.st.Import(e.admin, []string{e.fixture("telegram/single.json")}, ImportOptions{})
	e.check(err)
	other, _, err := e.st.Member(g, "user2002")
	e.check(err)
	wang, _, err := e.st.Member(g, "user1002")
	e.check(err)
	// The group's creation names 王芳 before user1002 speaks: not applied to either. The
	// invitation at 09:40 comes after user1002 spoke under that name in the chat, and the
	// export gives her id there.
	if !other.Joined.IsZero() || !wang.Joined.Equal(time.Date(2024, 3, 1, 1, 40, 0, 0, time.UTC)) {
		t.Errorf("user2002 joined %v, user1002 %v", other.Joined, wang.Joined)
	}
	if ids := byName(e.members(g)); slices.Contains(ids, "name:王芳") {
		t.Errorf("a member by name was made of a name two members have: %v", ids)
	}
	note := false
	for _, n := range res.Notes {
		note = note || strings.Contains(n.Error(), `the name "王芳" is shared by several members (user1002, user2002)`)
	}
	if !note {
		t.Errorf("no note of the name two members have: %v", res.Notes)
	}
	e.verify()
}

// qq-chat-exporter's text names senders by their display name only; imported into the group
// its JSON made, each sender is the member of that name, with the QQ number the JSON gave.
func TestChatNamesTextAfterJSON(t *testing.T) {
	e := newEnv(t)
	e.check(e.err(e.st.Import(e.admin, []string{e.fixture("qqnt/group_123456789_20240604_101500.json")}, ImportOptions{})))
	const g = "qq-nt-123456789"
	before := e.members(g)
	txt := e.fixture("qqnt-txt/group_123456789_20240604_101500.txt")
	res, err := e.st.Import(e.admin, []string{txt}, ImportOptions{Group: g})
	e.check(err)
	after := e.members(g)
	if !slices.Equal(after, before) {
		t.Fatalf("members %v, were %v (notes %v)", after, before, res.Notes)
	}
	n := 0
	posts, err := e.st.Posts([]model.PostStatus{model.PostPending, model.PostRecalled}, 0)
	e.check(err)
	for _, p := range posts {
		if p.Source == "qq-nt-txt" {
			n++
			if strings.HasPrefix(p.Author, "name:") {
				t.Errorf("post %s by %s", p.ID, p.Author)
			}
		}
	}
	if n == 0 {
		t.Fatal("no post of the text export")
	}
	// Again: nothing changes.
	h := e.hash()
	e.check(e.err(e.st.Import(e.admin, []string{txt}, ImportOptions{Group: g})))
	if e.hash() != h {
		t.Fatal("importing the text again changed the state")
	}
	e.verify()
}
