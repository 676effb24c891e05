package ingest

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// Telegram Desktop's JSON export (result.json), as export_output_json.cpp writes it: one chat
// ({"name", "type", "id", "messages": […]}) or a whole account ({"about", …, "chats": {"about",
// "list": [chat, …]}, "left_chats": {…}}). See docs/chat-json.md for what maps to what.

func init() {
	Register(Parser{
		Name:     "telegram",
		Platform: "Telegram",
		Title:    "Telegram Desktop JSON export (result.json)",
		Order:    21,
		Detect:   detectTelegram,
		Parse:    parseTelegram,
	})
}

// tgNamePrefix starts the id given to a member that a service message names only by a name
// never seen on a message of theirs. Telegram's own ids are "user…", "channel…", "chat…", so
// the two never meet.
const tgNamePrefix = "name:"

var tgChatTypes = [][]byte{
	[]byte(`"personal_chat"`), []byte(`"private_group"`), []byte(`"private_supergroup"`),
	[]byte(`"public_supergroup"`), []byte(`"private_channel"`), []byte(`"public_channel"`),
	[]byte(`"bot_chat"`), []byte(`"saved_messages"`),
}

func detectTelegram(head []byte) bool {
	h := bytes.TrimLeft(TrimBOM(head), " \t\r\n")
	if len(h) == 0 || h[0] != '{' {
		return false
	}
	if bytes.Contains(h, []byte(`"chatInfo"`)) {
		return false
	}
	if bytes.Contains(h, []byte(`"personal_information"`)) {
		return true
	}
	if bytes.Contains(h, []byte(`"chats"`)) && bytes.Contains(h, []byte(`"list"`)) && bytes.Contains(h, []byte(`"about"`)) {
		return true
	}
	if !bytes.Contains(h, []byte(`"messages"`)) {
		return false
	}
	for _, k := range [][]byte{[]byte(`"date_unixtime"`), []byte(`"text_entities"`), []byte(`"from_id"`), []byte(`"actor_id"`)} {
		if bytes.Contains(h, k) {
			return true
		}
	}
	for _, t := range tgChatTypes {
		if bytes.Contains(h, t) {
			return true
		}
	}
	return false
}

// tgMessage is one message of the export: the fields qunshen reads.
type tgMessage struct {
	ID            jsonID    `json:"id"`
	Type          string    `json:"type"`
	Date          string    `json:"date"`
	DateUnix      jsonID    `json:"date_unixtime"`
	From          nullStr   `json:"from"`
	FromID        jsonID    `json:"from_id"`
	Actor         nullStr   `json:"actor"`
	ActorID       jsonID    `json:"actor_id"`
	Action        string    `json:"action"`
	Members       []nullStr `json:"members"`
	Title         nullStr   `json:"title"`
	MessageID     jsonID    `json:"message_id"`
	ForwardedFrom rawRef    `json:"forwarded_from"`
	Photo         string    `json:"photo"`
	File          string    `json:"file"`
	FileName      string    `json:"file_name"`
	MediaType     string    `json:"media_type"`
	MimeType      string    `json:"mime_type"`
	Contact       rawRef    `json:"contact_information"`
	Location      rawRef    `json:"location_information"`
	Poll          rawRef    `json:"poll"`
	Buttons       rawRef    `json:"inline_bot_buttons"`
	Information   nullStr   `json:"information_text"`
	Text          tgText    `json:"text"`
	TextEntities  rawRef    `json:"text_entities"`
}

// tgChat is what the parser knows of the chat whose messages it reads.
type tgChat struct {
	Chat
	hasID    bool
	started  bool // its messages have begun
	lateName bool // its name or type came after its messages
	// names maps a sender's name to their id, for members named only by name; "" marks a
	// name that two senders share.
	names       map[string]string
	unsupported int
	nameOnly    int
	ambiguous   int
	nameless    int
	otherTypes  int
}

type tgParser struct {
	s    *jsonScanner
	file string
	emit func(Item) error
	m    tgMessage
}

func parseTelegram(r io.Reader, file string, emit func(Item) error) error {
	s := newJSONScanner(r, file)
	if err := s.begin("Telegram Desktop export"); err != nil {
		return err
	}
	p := &tgParser{s: s, file: file, emit: emit}
	root := &tgChat{}
	found := false
	first := true
	for {
		key, off, ok, err := s.nextMember(&first, "the export")
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch string(key) {
		case "messages":
			found = true
			err = p.messages(root, off)
		case "name", "type", "id":
			err = p.chatField(root, string(key), off)
		case "chats", "left_chats":
			found = true
			err = p.chatList(string(key))
		default:
			err = s.skip("the export")
		}
		if err != nil {
			return err
		}
	}
	if err := s.finish(); err != nil {
		return err
	}
	if !found {
		return &Error{File: file, Msg: `neither "messages" nor "chats": not a Telegram Desktop export`}
	}
	return p.chatEnd(root)
}

// chatField reads the name, type or id of a chat.
func (p *tgParser) chatField(c *tgChat, key string, off int64) error {
	voff, _, err := p.s.valueOffset("the chat's " + key)
	if err != nil {
		return err
	}
	raw, err := p.s.cut("the chat's " + key)
	if err != nil {
		return err
	}
	var v string
	var ok bool
	if key == "id" {
		v, ok = jsonScalarString(raw)
	} else {
		v, ok = jsonString(raw)
	}
	if !ok {
		return p.s.errAt(voff, "the chat's %q is %s, not a string or number", key, truncateBytes(raw, 40))
	}
	switch key {
	case "id":
		if c.started && (!c.hasID || v != c.ID) {
			return p.s.errAt(off, `the chat's "id" comes after its messages: they cannot be given to a chat`)
		}
		c.ID, c.hasID = v, true
	case "name":
		c.Name = v
		c.lateName = c.lateName || c.started
	case "type":
		c.Type = v
		c.lateName = c.lateName || c.started
	}
	return nil
}

// chatList reads {"about": …, "list": [chat, …]}.
func (p *tgParser) chatList(what string) error {
	if err := p.s.expect('{', `"`+what+`"`); err != nil {
		return err
	}
	first := true
	for {
		key, _, ok, err := p.s.nextMember(&first, `"`+what+`"`)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if string(key) != "list" {
			if err := p.s.skip(`"` + what + `"`); err != nil {
				return err
			}
			continue
		}
		off, c, err := p.s.valueOffset(`"` + what + `"."list"`)
		if err != nil {
			return err
		}
		if c != '[' {
			return p.s.errAt(off, `"%s"."list" is not an array`, what)
		}
		p.s.pos++
		efirst := true
		for {
			ok, err := p.s.nextElem(&efirst, `"`+what+`"."list"`)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if err := p.chatObject(what); err != nil {
				return err
			}
		}
	}
}

// chatObject reads one chat of a whole-account export.
func (p *tgParser) chatObject(list string) error {
	off, c, err := p.s.valueOffset(`a chat of "` + list + `"`)
	if err != nil {
		return err
	}
	if c != '{' {
		return p.s.errAt(off, `a chat of "%s" is not an object`, list)
	}
	p.s.pos++
	chat := &tgChat{}
	first := true
	for {
		key, koff, ok, err := p.s.nextMember(&first, "a chat")
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch string(key) {
		case "messages":
			err = p.messages(chat, koff)
		case "name", "type", "id":
			err = p.chatField(chat, string(key), koff)
		default:
			err = p.s.skip("a chat")
		}
		if err != nil {
			return err
		}
	}
	return p.chatEnd(chat)
}

// chatEnd tells what was passed over or guessed in a chat.
func (p *tgParser) chatEnd(c *tgChat) error {
	if !c.started {
		return nil
	}
	name := c.ID
	if c.Name != "" {
		name = fmt.Sprintf("%s (%s)", c.ID, c.Name)
	}
	var notes []*i18n.Error
	if c.lateName {
		notes = append(notes, i18n.E("ingest.telegram.late-name", name))
	}
	if c.unsupported > 0 {
		notes = append(notes, i18n.E("ingest.telegram.unsupported", name, c.unsupported))
	}
	if c.otherTypes > 0 {
		notes = append(notes, i18n.E("ingest.telegram.other-types", name, c.otherTypes))
	}
	if c.nameOnly > 0 {
		notes = append(notes, i18n.E("ingest.telegram.name-only", name, c.nameOnly, tgNamePrefix))
	}
	if c.ambiguous > 0 {
		notes = append(notes, i18n.E("ingest.telegram.ambiguous", name, c.ambiguous, tgNamePrefix))
	}
	if c.nameless > 0 {
		notes = append(notes, i18n.E("ingest.telegram.nameless", name, c.nameless))
	}
	for _, n := range notes {
		if err := p.emit(noticeItem(n)); err != nil {
			return err
		}
	}
	return nil
}

// messages reads the "messages" array of a chat.
func (p *tgParser) messages(c *tgChat, keyOff int64) error {
	if !c.hasID {
		return p.s.errAt(keyOff, `"messages" before the chat's "id" (Telegram Desktop writes name, type, id, then messages): the messages cannot be given to a chat`)
	}
	if c.started {
		return p.s.errAt(keyOff, `a second "messages" in chat %s`, c.ID)
	}
	c.started = true
	c.names = make(map[string]string)
	off, b, err := p.s.valueOffset(`"messages"`)
	if err != nil {
		return err
	}
	if b != '[' {
		return p.s.errAt(off, `"messages" of chat %s is not an array (found %s)`, c.ID, describeByte(b))
	}
	return p.s.eachMessage(p.emit, func(off int64, raw []byte) error { return p.message(c, off, raw) })
}

func (p *tgParser) message(c *tgChat, off int64, raw []byte) error {
	m := &p.m
	*m = tgMessage{}
	if err := decodeRecord(raw, m); err != nil {
		return p.emit(badRecord(off, raw, i18n.E("ingest.json.unread", err.Error())))
	}
	bad := func(why *i18n.Error) error { return p.emit(badRecord(off, raw, why)) }
	if m.Type == "unsupported" {
		c.unsupported++
		return nil
	}
	if m.ID.s == "" {
		return bad(i18n.E("ingest.json.no-id"))
	}
	t, err := tgTime(m)
	if err != nil {
		return bad(err)
	}
	msg := &Message{ID: m.ID.s, Chat: c.Chat, Time: t, Pos: Pos{Offset: off}}
	switch m.Type {
	case "message":
		msg.Kind = KindPost
		msg.Sender = c.sender(m.From, m.FromID)
		if msg.Sender.ID == "" {
			return bad(i18n.E("ingest.telegram.no-sender"))
		}
		msg.Text = m.text()
		if extra := m.extras(); len(extra) > 0 {
			msg.Text = strings.Join(wecomAppend([]string{msg.Text}, extra...), "\n")
			msg.Text = strings.TrimPrefix(msg.Text, "\n")
		}
		msg.Media = m.media()
		if len(m.ForwardedFrom) > 0 {
			name, ok := jsonString(m.ForwardedFrom)
			if !ok {
				return bad(i18n.E("ingest.telegram.forwarded"))
			}
			if name == "" {
				name = "(unknown)"
			}
			msg.Forwarded = name
		}
	case "service":
		msg.Sender = c.sender(m.Actor, m.ActorID)
		msg.Title = m.Title.s
		msg.Text = m.text()
		if err := c.service(m, msg); err != nil {
			return bad(err)
		}
	default:
		c.otherTypes++
		msg.Kind = KindSystem
		msg.Sender = c.sender(m.From, m.FromID)
		msg.Text = m.text()
	}
	return p.emit(Item{Msg: msg})
}

// tgTime reads date_unixtime (Unix seconds), or else date, a local time without a zone,
// read as China time.
func tgTime(m *tgMessage) (time.Time, *i18n.Error) {
	if m.DateUnix.s != "" {
		n, err := strconv.ParseInt(m.DateUnix.s, 10, 64)
		if err != nil || n <= 0 || n > 1<<40 {
			return time.Time{}, i18n.E("ingest.telegram.unixtime", m.DateUnix.s)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	if m.Date == "" {
		return time.Time{}, i18n.E("ingest.telegram.no-date")
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05", m.Date, China)
	if err != nil {
		return time.Time{}, i18n.E("ingest.telegram.date", m.Date)
	}
	return t.UTC(), nil
}

func (m *tgMessage) text() string {
	if m.Text.set {
		return m.Text.s
	}
	if len(m.TextEntities) > 0 {
		if s, err := joinText(m.TextEntities); err == nil {
			return s
		}
	}
	return m.Information.s
}

// media notes the attachments: a file by its name, else by its kind.
func (m *tgMessage) media() []string {
	var out []string
	if m.Photo != "" {
		out = append(out, tgFileName(m.Photo, "photo"))
	}
	if m.File != "" || m.FileName != "" || m.MediaType != "" {
		kind := m.MediaType
		if kind == "" {
			kind = "file"
		}
		name := m.FileName
		if name == "" {
			name = tgFileName(m.File, kind)
		}
		out = append(out, name)
	}
	if len(m.Contact) > 0 {
		out = append(out, "contact")
	}
	if len(m.Location) > 0 && string(m.Location) != "null" {
		out = append(out, "location")
	}
	if len(m.Poll) > 0 {
		out = append(out, "poll")
	}
	return out
}

// tgFileName is the base name of an exported file, or kind when the file was not exported
// (Telegram then writes "(File not included. …)").
func tgFileName(p, kind string) string {
	if p == "" || strings.HasPrefix(p, "(") {
		return kind
	}
	return path.Base(p)
}

// sender is who sent a message or acted in a service message; a sender seen with an id
// teaches the name → id map used for members named only by name.
func (c *tgChat) sender(name nullStr, id jsonID) Sender {
	sid := id.s
	if sid != "" && sid[0] >= '0' && sid[0] <= '9' || strings.HasPrefix(sid, "-") {
		sid = "user" + sid // older exports wrote from_id as a bare number
	}
	if sid != "" {
		if name.s != "" {
			if prev, ok := c.names[name.s]; !ok {
				c.names[name.s] = sid
			} else if prev != sid {
				c.names[name.s] = ""
			}
		}
		return Sender{ID: sid, Nickname: name.s}
	}
	if name.s == "" {
		return Sender{}
	}
	return c.byName(name.s)
}

// byName is a member named only by name.
func (c *tgChat) byName(name string) Sender {
	id, ok := c.names[name]
	switch {
	case ok && id != "":
		return Sender{ID: id, Nickname: name}
	case ok:
		c.ambiguous++
	default:
		c.nameOnly++
	}
	return Sender{ID: tgNamePrefix + name, Nickname: name}
}

// service reads a service message into msg.
func (c *tgChat) service(m *tgMessage, msg *Message) *i18n.Error {
	members := func() []Sender {
		var out []Sender
		for _, n := range m.Members {
			if n.s == "" {
				c.nameless++
				continue
			}
			out = append(out, c.byName(n.s))
		}
		return out
	}
	switch m.Action {
	case "invite_members", "join_group_by_link", "join_group_by_request":
		msg.Kind = KindJoin
		msg.Members = members()
	case "create_group":
		msg.Kind = KindJoin
		msg.Sender.Role = model.MemberOwner
		ms := members()
		if msg.Sender.ID != "" {
			out := []Sender{msg.Sender}
			for _, s := range ms {
				if s.ID != msg.Sender.ID {
					out = append(out, s)
				}
			}
			ms = out
		}
		msg.Members = ms
	case "remove_members":
		msg.Kind = KindLeave
		msg.Members = members()
	case "pin_message":
		if m.MessageID.s == "" {
			msg.Kind = KindSystem
		} else {
			msg.Kind = KindPin
			msg.Target = m.MessageID.s
		}
	default:
		msg.Kind = KindSystem
	}
	if (msg.Kind == KindJoin || msg.Kind == KindLeave) && len(msg.Members) == 0 && msg.Sender.ID == "" {
		return i18n.E("ingest.telegram.nobody", m.Action)
	}
	if msg.Kind == KindSystem && msg.Text == "" {
		msg.Text = m.Action
	}
	return nil
}
