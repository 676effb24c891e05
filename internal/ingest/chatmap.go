package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// Reasons a message does not become a post, as ChatMapper.Passed counts them.
const (
	PassedService = "service messages"
	PassedPrivate = "one-to-one messages"
	PassedEmpty   = "empty messages"
)

// ChatMapper turns the items of one chat export into records: the groups it needs, the
// senders as members seen, the messages as posts, recalls and pins as marks. It is run twice
// over a file — to validate, then (after Rewind) to store. The first pass learns the names of
// the file's senders, so that a person a notice names only by a name is found in the second
// wherever in the file they speak (see nameBook); the records of the two passes differ only
// in who such a person is.
type ChatMapper struct {
	format   string
	platform string
	group    string // --group, or "" to take each chat's own
	history  bool
	// groupKnown reports whether a group is stored.
	groupKnown func(id string) bool
	made       map[string]bool // groups this import makes, by id
	senders    map[senderKey]*senderSeen
	order      []senderKey
	passed     map[string]int
	names      *nameBook
	// private counts the messages of each one-to-one chat passed over, for the notes.
	private      map[string]int
	privateOrder []string
}

// senderKey names a sender in a group.
type senderKey struct{ group, id string }

type senderSeen struct {
	sender Sender
	first  time.Time // the LastActive of the record that made it known
	last   time.Time
}

// NewChatMapper maps the items of an export of format p: into the stored group group ("" for
// a group of each chat's own), as published already when history is set. groupKnown reports
// whether a group is stored.
func NewChatMapper(p *Parser, group string, history bool, groupKnown func(string) bool) *ChatMapper {
	return &ChatMapper{format: p.Name, platform: p.Platform, group: group, history: history, groupKnown: groupKnown,
		made: map[string]bool{}, senders: map[senderKey]*senderSeen{}, passed: map[string]int{}, names: newNameBook(),
		private: map[string]int{}}
}

// StoredMembers lets the first pass find people named only by a name among the stored
// members of a group: lookup calls each with every member of the group (id, name, nickname).
func (m *ChatMapper) StoredMembers(lookup func(group string, each func(Sender)) error) {
	m.names.lookup = lookup
}

// Rewind readies the mapper for the second pass over the same file, groupKnown reporting
// whether a group is stored: what the first pass learned of names is kept (the store is not
// asked again), the rest starts anew.
func (m *ChatMapper) Rewind(groupKnown func(string) bool) {
	m.groupKnown = groupKnown
	m.made, m.senders, m.order, m.passed = map[string]bool{}, map[senderKey]*senderSeen{}, nil, map[string]int{}
	m.names.frozen, m.names.lookup = true, nil
}

// Notes tells, after the first pass over file, what the user should hear of its mapping: the
// one-to-one chats passed over, and what became of the people named only by a name.
func (m *ChatMapper) Notes(file string) []*i18n.Error {
	var out []*i18n.Error
	for _, c := range m.privateOrder {
		out = append(out, i18n.E("ingest.map.private", file, c, m.private[c]))
	}
	return append(out, m.names.notes(file)...)
}

// OneToOne reports whether a chat type, as the formats give it, is a one-to-one chat.
func OneToOne(chatType string) bool {
	switch chatType {
	case ChatSingle, "private", "temp", "personal_chat", "bot_chat", "saved_messages":
		return true
	}
	return false
}

// idPart makes an export's id usable in ours: as it is when it is short and plain, else a
// digest of it.
func idPart(s string) string {
	plain := len(s) > 0 && len(s) <= 64
	for i := 0; plain && i < len(s); i++ {
		c := s[i]
		plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.@=+", c) >= 0
	}
	if plain {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "h" + hex.EncodeToString(sum[:8])
}

// groupOf is the group of a chat: --group, or one made from the format and the chat's id.
func (m *ChatMapper) groupOf(c Chat) string {
	if m.group != "" {
		return m.group
	}
	return m.format + "-" + idPart(c.ID)
}

// postID is a post's id: the format, the chat and the message's own id, so that importing
// the same export again finds the same posts.
func (m *ChatMapper) postID(c Chat, msg string) string {
	return m.format + ":" + idPart(c.ID) + ":" + idPart(msg)
}

// memberID is a sender's id in its group: the platform id, or its name when the export gives
// none.
func memberID(s Sender) string {
	switch {
	case s.ID != "":
		return validText(s.ID)
	case s.Name != "":
		return NamePrefix + validText(s.Name)
	case s.Nickname != "":
		return NamePrefix + validText(s.Nickname)
	}
	return ""
}

// Map maps one item; emit receives the records in order. A reason is returned for an item
// that cannot be mapped: the file's fault, like a Bad item.
func (m *ChatMapper) Map(it Item, emit func(*Record)) *i18n.Error {
	switch {
	case it.Bad != nil:
		if it.Bad.Why != nil {
			return it.Bad.Why
		}
		return i18n.E("ingest.bad", it.Bad.Reason)
	case it.Member != nil:
		return m.rosterRow(it.Member, emit)
	case it.Msg != nil:
		return m.message(it.Msg, emit)
	}
	return nil
}

func (m *ChatMapper) rosterRow(r *Member, emit func(*Record)) *i18n.Error {
	mem := r.Member
	if m.group != "" {
		mem.Group = m.group
	}
	switch {
	case mem.Group == "":
		return i18n.E("ingest.map.roster-no-group")
	case mem.ID == "":
		return i18n.E("ingest.map.member-no-id")
	case len(mem.ID) > maxIDLen || len(mem.Group) > maxIDLen:
		return i18n.E("ingest.map.long-id")
	case longText(mem.Name, mem.Nickname, mem.Branch):
		return i18n.E("ingest.map.long-name", MaxText)
	case !m.groupKnown(mem.Group):
		return i18n.E("ingest.map.unknown-group", mem.Group)
	}
	mem.Status, mem.MutedUntil, mem.Warnings, mem.Step = "", time.Time{}, 0, ""
	// Instants in UTC, as they come back from the store, so that an unchanged row compares
	// equal to what is stored.
	if !mem.Joined.IsZero() {
		mem.Joined = mem.Joined.UTC()
	}
	if !mem.LastActive.IsZero() {
		mem.LastActive = mem.LastActive.UTC()
	}
	emit(&Record{Line: r.Pos.Line, Member: &mem, Merge: true})
	return nil
}

func (m *ChatMapper) message(msg *Message, emit func(*Record)) *i18n.Error {
	if msg.Kind == KindSystem {
		m.passed[PassedService]++
		return nil
	}
	if OneToOne(msg.Chat.Type) && m.group == "" {
		// A one-to-one chat is no work group: passed over, and named in a note; --group
		// puts it in a group.
		m.passed[PassedPrivate]++
		c := msg.Chat.Name
		if c == "" {
			c = msg.Chat.ID
		}
		if n, ok := m.private[c]; ok || len(m.private) < 1000 {
			if !ok {
				m.privateOrder = append(m.privateOrder, c)
			}
			m.private[c] = n + 1
		}
		return nil
	}
	if msg.Chat.ID == "" && m.group == "" {
		// A group chat whose export carries no identity of it (a WeChatMsg CSV): never a
		// group made of a number that means nothing elsewhere.
		return i18n.E("ingest.no-chat-id", msg.Chat.Name)
	}
	if msg.Time.IsZero() {
		return i18n.E("ingest.map.no-time")
	}
	gid := m.groupOf(msg.Chat)
	if len(gid) > maxIDLen {
		return i18n.E("ingest.map.long-group")
	}
	if !m.made[gid] && !m.groupKnown(gid) {
		if m.group != "" {
			return i18n.E("ingest.map.unknown-group-flag", gid)
		}
		name := msg.Chat.Name
		if name == "" {
			name = msg.Chat.ID
		}
		m.made[gid] = true
		emit(&Record{Line: msg.Pos.Line, Group: &model.Group{ID: gid, Name: cutBytes(name, 200), Kind: model.KindWork, Platform: m.platform}})
	}
	t := msg.Time.UTC()
	switch msg.Kind {
	case KindRecall, KindPin:
		if msg.Target == "" {
			return i18n.E("ingest.map.no-target")
		}
		kind := model.PostRecall
		if msg.Kind == KindPin {
			kind = model.PostPin
		}
		emit(&Record{Line: msg.Pos.Line, Mark: &Mark{Kind: kind, Post: m.postID(msg.Chat, msg.Target), Time: t}})
		return nil
	case KindJoin, KindLeave:
		who := msg.Members
		if len(who) == 0 {
			who = []Sender{msg.Sender}
		}
		for _, s := range who {
			if id := memberID(s); id == "" || len(id) > maxIDLen {
				return i18n.E("ingest.map.nobody")
			}
		}
		for _, s := range who {
			m.names.learn(gid, s)
		}
		for _, s := range who {
			found, how := m.names.find(gid, s)
			if how != nameOwn {
				m.names.use(gid, s, false)
			}
			if how == nameAmbiguous {
				continue // several members have the name: the notice is kept off all of them
			}
			s = found
			id := memberID(s)
			if msg.Kind == KindJoin {
				m.seen(gid, id, s, t, t, msg.Pos.Line, emit)
				continue
			}
			m.seen(gid, id, s, t, time.Time{}, msg.Pos.Line, emit)
			emit(&Record{Line: msg.Pos.Line, Left: &model.Member{ID: id, Group: gid, LastActive: t}})
		}
		return nil
	}
	sender := msg.Sender
	id := memberID(sender)
	switch {
	case id == "":
		return i18n.E("ingest.map.no-sender")
	case len(id) > maxIDLen:
		return i18n.E("ingest.map.long-sender")
	case msg.ID == "":
		return i18n.E("ingest.map.no-id")
	case len(msg.Text) > maxTextLen || len(msg.Title) > maxTextLen:
		return i18n.E("ingest.map.long-text", maxTextLen)
	case longText(sender.Name, sender.Nickname, msg.Chat.Name):
		return i18n.E("ingest.map.long-name", MaxText)
	case !utf8.ValidString(msg.Text) || !utf8.ValidString(msg.Title):
		return i18n.E("ingest.map.utf8")
	}
	if strings.TrimSpace(msg.Text) == "" && strings.TrimSpace(msg.Title) == "" && len(msg.Media) == 0 {
		m.passed[PassedEmpty]++
		return nil
	}
	m.names.learn(gid, sender)
	found, how := m.names.find(gid, sender)
	if how != nameOwn {
		// A sender the export names only by a name: the member of that name, where one is
		// found; else, as several members share it, a member by that name (the notes say).
		m.names.use(gid, sender, true)
		if how == nameFound {
			sender = found
			id = memberID(sender)
		}
	}
	m.seen(gid, id, sender, t, time.Time{}, msg.Pos.Line, emit)
	p := &model.Post{ID: m.postID(msg.Chat, msg.ID), Group: gid, Author: id, Time: t, Title: msg.Title, Body: msg.Text,
		Attachments: clipAll(msg.Media), Source: m.format, Forwarded: cutBytes(validText(msg.Forwarded), 200)}
	p.FromHistory = m.history
	emit(&Record{Line: msg.Pos.Line, Post: p, ByName: how != nameOwn})
	return nil
}

// seen makes a sender known the first time the file names it, and remembers the last time
// it spoke for Finish.
func (m *ChatMapper) seen(gid, id string, s Sender, t, joined time.Time, line int, emit func(*Record)) {
	k := senderKey{gid, id}
	if x, ok := m.senders[k]; ok && joined.IsZero() {
		if t.After(x.last) {
			x.last = t
			if s.Nickname != "" {
				x.sender.Nickname = s.Nickname
			}
		}
		return
	}
	if x, ok := m.senders[k]; ok {
		x.last = laterOf(x.last, t)
	} else {
		m.senders[k] = &senderSeen{sender: s, first: t, last: t}
		m.order = append(m.order, k)
	}
	name := s.Name
	if name == "" && s.Nickname == "" {
		name = strings.TrimPrefix(id, "name:") // an export that knows only the sender's id
	}
	emit(&Record{Line: line, Seen: &model.Member{ID: id, Group: gid, Name: cutBytes(name, 200), Nickname: cutBytes(s.Nickname, 200), Role: s.Role, Joined: joined, LastActive: t}})
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Finish brings every sender's last-active time and latest nickname up to date, in the order
// the senders were first seen.
func (m *ChatMapper) Finish(emit func(*Record)) {
	for _, k := range m.order {
		x := m.senders[k]
		if x.last.After(x.first) {
			emit(&Record{Seen: &model.Member{ID: k.id, Group: k.group, Nickname: cutBytes(x.sender.Nickname, 200), LastActive: x.last}})
		}
	}
}

// clipAll keeps at most 64 attachments of a message, each name cut at 512 bytes.
func clipAll(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, 0, min(len(ss), 64))
	for _, s := range ss[:min(len(ss), 64)] {
		out = append(out, cutBytes(validText(s), 512))
	}
	return out
}

// validText is s as JSON carries it: each byte of invalid UTF-8 a U+FFFD. A post is stored as
// the import gives it, and replayed from its payload in JSON: the two must be the same post.
// (The text and title of a message are refused when they are not UTF-8.)
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// cutBytes cuts s to at most n bytes, on a character boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Passed counts the messages that did not become posts, by what they are (PassedService …).
func (m *ChatMapper) Passed() map[string]int { return m.passed }
