package ingest

import (
	"bytes"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"qunshen/internal/i18n"
)

// The JSON export of qq-chat-exporter (github.com/shuakami/qq-chat-exporter) from QQ NT:
// {"metadata", "chatInfo", "statistics", "messages": [CleanMessage, …], "avatars"?,
// "exportOptions"?}, or, when it split the export, {"metadata", "chunkInfo", "chunks": [{…the
// same…}, …]}. See docs/chat-json.md for what maps to what.

func init() {
	Register(Parser{
		Name:     "qq-nt",
		Platform: "QQ",
		Title:    "QQ NT JSON export (qq-chat-exporter)",
		Order:    20,
		Detect:   detectQQNT,
		Parse:    parseQQNT,
	})
}

// qqRecallSuffix makes the id of the KindRecall item that follows a message the export marks
// recalled: the message keeps its own id.
const qqRecallSuffix = ":recall"

func detectQQNT(head []byte) bool {
	h := bytes.TrimLeft(TrimBOM(head), " \t\r\n")
	if len(h) == 0 || h[0] != '{' {
		return false
	}
	if bytes.Contains(h, []byte(`"chatInfo"`)) && (bytes.Contains(h, []byte(`"messages"`)) || bytes.Contains(h, []byte(`"metadata"`))) {
		return true
	}
	return bytes.Contains(h, []byte(`"metadata"`)) && (bytes.Contains(h, []byte("qq-chat-exporter")) || bytes.Contains(h, []byte("QQChatExporter")))
}

type qqChatInfo struct {
	Name    nullStr `json:"name"`
	Type    nullStr `json:"type"`
	PeerUID jsonID  `json:"peerUid"`
	PeerUIN jsonID  `json:"peerUin"`
}

type qqMessage struct {
	ID        jsonID `json:"id"`
	Timestamp jsonID `json:"timestamp"`
	Time      string `json:"time"`
	Sender    struct {
		UID       jsonID  `json:"uid"`
		UIN       jsonID  `json:"uin"`
		Name      nullStr `json:"name"`
		Nickname  nullStr `json:"nickname"`
		GroupCard nullStr `json:"groupCard"`
	} `json:"sender"`
	Type    string `json:"type"`
	Content struct {
		Text     nullStr `json:"text"`
		Elements []struct {
			Type string `json:"type"`
			Data struct {
				Title    looseStr `json:"title"`
				Filename looseStr `json:"filename"`
			} `json:"data"`
		} `json:"elements"`
		Resources []struct {
			Type     looseStr `json:"type"`
			Filename looseStr `json:"filename"`
		} `json:"resources"`
	} `json:"content"`
	Recalled bool `json:"recalled"`
	System   bool `json:"system"`
}

// looseStr keeps a string and lets any other value pass: the element data of the export
// changes shape from one element type to the next.
type looseStr string

func (v *looseStr) UnmarshalJSON(b []byte) error {
	if s, ok := jsonString(b); ok {
		*v = looseStr(s)
	}
	return nil
}

type qqChat struct {
	Chat
	known    bool // chatInfo has been read
	started  bool
	nameID   bool // chatInfo gives no id: the chat's id is made from its name, or is empty
	fromFile bool // the chat's id is taken from the file's name
	lateInfo bool
}

type qqParser struct {
	s    *jsonScanner
	file string
	emit func(Item) error
	m    qqMessage
}

func parseQQNT(r io.Reader, file string, emit func(Item) error) error {
	s := newJSONScanner(r, file)
	if err := s.begin("QQ NT JSON export"); err != nil {
		return err
	}
	p := &qqParser{s: s, file: file, emit: emit}
	found, err := p.export("the export", true)
	if err != nil {
		return err
	}
	if err := s.finish(); err != nil {
		return err
	}
	if !found {
		return &Error{File: file, Msg: `no "messages": not a qq-chat-exporter JSON export`}
	}
	return nil
}

// export reads the members of an export object (the document, or one of its chunks) whose
// '{' has been taken; found reports whether it held messages.
func (p *qqParser) export(what string, top bool) (found bool, err error) {
	c := &qqChat{}
	first := true
	for {
		key, off, ok, err := p.s.nextMember(&first, what)
		if err != nil {
			return found, err
		}
		if !ok {
			break
		}
		switch string(key) {
		case "chatInfo":
			err = p.chatInfo(c)
		case "messages":
			found = true
			err = p.messages(c, off)
		case "chunks":
			if !top {
				err = p.s.skip(what)
				break
			}
			var f bool
			f, err = p.chunks()
			found = found || f
		default:
			err = p.s.skip(what)
		}
		if err != nil {
			return found, err
		}
	}
	if c.started {
		if c.lateInfo {
			if err := p.emit(noticeItem(i18n.E("ingest.qqnt.late-info", c.ID))); err != nil {
				return found, err
			}
		}
		switch {
		case c.fromFile:
			if err := p.emit(noticeItem(i18n.E("ingest.qqnt.chat-from-file", p.file, c.ID))); err != nil {
				return found, err
			}
		case c.nameID && c.ID == "":
			if err := p.emit(noticeItem(i18n.E("ingest.qqnt.no-chat-id", p.file, c.Name))); err != nil {
				return found, err
			}
		case c.nameID:
			if err := p.emit(noticeItem(i18n.E("ingest.qqnt.name-id", c.Name))); err != nil {
				return found, err
			}
		}
	}
	return found, nil
}

// chunks reads "chunks": [export, …].
func (p *qqParser) chunks() (bool, error) {
	off, c, err := p.s.valueOffset(`"chunks"`)
	if err != nil {
		return false, err
	}
	if c != '[' {
		return false, p.s.errAt(off, `"chunks" is not an array`)
	}
	p.s.pos++
	found := false
	first := true
	for {
		ok, err := p.s.nextElem(&first, `"chunks"`)
		if err != nil || !ok {
			return found, err
		}
		if err := p.s.expect('{', "a chunk"); err != nil {
			return found, err
		}
		f, err := p.export("a chunk", false)
		found = found || f
		if err != nil {
			return found, err
		}
	}
}

func (p *qqParser) chatInfo(c *qqChat) error {
	off, _, err := p.s.valueOffset(`"chatInfo"`)
	if err != nil {
		return err
	}
	raw, err := p.s.cut(`"chatInfo"`)
	if err != nil {
		return err
	}
	if c.started {
		c.lateInfo = true
		return nil
	}
	var ci qqChatInfo
	if len(raw) == 0 || raw[0] != '{' {
		return p.s.errAt(off, `"chatInfo" is not an object`)
	}
	if err := decodeRecord(raw, &ci); err != nil {
		return p.s.errAt(off, `"chatInfo" cannot be read: %v`, err)
	}
	c.Name, c.Type = ci.Name.s, ci.Type.s
	switch {
	case ci.PeerUIN.s != "" && ci.PeerUIN.s != "0":
		c.ID = ci.PeerUIN.s
	case ci.PeerUID.s != "":
		c.ID = ci.PeerUID.s
	case qqFileChat(p.file) != "":
		// qq-chat-exporter names its file (group|friend)_号_日期_时间: the chat's number.
		c.ID, c.fromFile = qqFileChat(p.file), true
	case ci.Name.s != "" && ci.Type.s == "group":
		c.nameID = true // no id: the importer needs --group
	case ci.Name.s != "":
		c.ID, c.nameID = tgNamePrefix+ci.Name.s, true
	default:
		return p.s.errAt(off, `"chatInfo" names no chat: no "peerUid", "peerUin" or "name"`)
	}
	c.known = true
	return nil
}

func (p *qqParser) messages(c *qqChat, keyOff int64) error {
	if !c.known {
		return p.s.errAt(keyOff, `"messages" before "chatInfo" (qq-chat-exporter writes metadata, chatInfo, statistics, then messages): the messages cannot be given to a chat`)
	}
	if c.started {
		return p.s.errAt(keyOff, `a second "messages"`)
	}
	c.started = true
	off, b, err := p.s.valueOffset(`"messages"`)
	if err != nil {
		return err
	}
	if b != '[' {
		return p.s.errAt(off, `"messages" is not an array (found %s)`, describeByte(b))
	}
	return p.s.eachMessage(p.emit, func(off int64, raw []byte) error { return p.message(c, off, raw) })
}

func (p *qqParser) message(c *qqChat, off int64, raw []byte) error {
	m := &p.m
	*m = qqMessage{}
	if err := decodeRecord(raw, m); err != nil {
		return p.emit(badRecord(off, raw, i18n.E("ingest.json.unread", err.Error())))
	}
	bad := func(why *i18n.Error) error { return p.emit(badRecord(off, raw, why)) }
	if m.ID.s == "" {
		return bad(i18n.E("ingest.json.no-id"))
	}
	t, err := qqTime(m)
	if err != nil {
		return bad(err)
	}
	msg := &Message{ID: m.ID.s, Chat: c.Chat, Time: t, Sender: m.sender(), Text: m.Content.Text.s, Pos: Pos{Offset: off}}
	if m.System && !m.Recalled {
		msg.Kind = KindSystem
		return p.emit(Item{Msg: msg})
	}
	if msg.Sender.ID == "" {
		return bad(i18n.E("ingest.qqnt.no-sender"))
	}
	msg.Media = m.media()
	for _, e := range m.Content.Elements {
		if e.Type == "forward" {
			msg.Forwarded = string(e.Data.Title)
			if msg.Forwarded == "" {
				msg.Forwarded = "聊天记录"
			}
			break
		}
	}
	// A recalled message: the post itself when the export still holds what it said (so that
	// it is known and then taken back), and its recall; QQ NT usually keeps only a grey tip
	// ("… 撤回了一条消息"), marked system, and then only the recall is told.
	if m.Recalled {
		if !m.System && (msg.Text != "" || len(msg.Media) > 0) {
			if err := p.emit(Item{Msg: msg}); err != nil {
				return err
			}
		}
		rc := &Message{Kind: KindRecall, ID: m.ID.s + qqRecallSuffix, Chat: c.Chat, Time: t, Sender: msg.Sender, Target: m.ID.s, Pos: msg.Pos}
		return p.emit(Item{Msg: rc})
	}
	msg.Kind = KindPost
	return p.emit(Item{Msg: msg})
}

// qqFileChat is the chat's number in the name qq-chat-exporter gives its files:
// group_123456789_20240604_101500.json, friend_u_abc_….txt (or the folder of a chunked export).
func qqFileChat(file string) string {
	file = strings.ReplaceAll(file, `\`, "/")
	for _, name := range []string{path.Base(file), path.Base(path.Dir(file))} {
		parts := strings.Split(name, "_")
		if len(parts) < 4 || (parts[0] != "group" && parts[0] != "friend") {
			continue
		}
		// the number may hold underscores (u_… uids): the date and time are the two parts
		// after it
		for i := 2; i+1 < len(parts); i++ {
			d, t := parts[i], strings.SplitN(parts[i+1], ".", 2)[0]
			if len(d) == 8 && len(t) == 6 && strings.Trim(d+t, "0123456789") == "" {
				return strings.Join(parts[1:i], "_")
			}
		}
	}
	return ""
}

// qqTime reads timestamp (Unix milliseconds), or else time: RFC 3339, or a local
// "2006-01-02 15:04:05" read as China time.
func qqTime(m *qqMessage) (time.Time, *i18n.Error) {
	if m.Timestamp.s != "" && m.Timestamp.s != "0" {
		n, err := strconv.ParseInt(m.Timestamp.s, 10, 64)
		if err != nil || n <= 0 || n > 1<<50 {
			return time.Time{}, i18n.E("ingest.qqnt.timestamp", m.Timestamp.s)
		}
		return time.UnixMilli(n).UTC(), nil
	}
	if m.Time == "" {
		return time.Time{}, i18n.E("ingest.qqnt.no-time")
	}
	if t, err := time.Parse(time.RFC3339Nano, m.Time); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04:05", m.Time, China); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, i18n.E("ingest.qqnt.time", m.Time)
}

// sender: the QQ number when the export has it, else the NT uid; the group card, else the
// display name.
func (m *qqMessage) sender() Sender {
	s := Sender{}
	switch uin, uid := m.Sender.UIN.s, m.Sender.UID.s; {
	case uin != "" && uin != "0":
		s.ID = uin
	case uid != "" && uid != "0" && uid != "未知":
		s.ID = uid
	}
	switch {
	case m.Sender.GroupCard.s != "":
		s.Nickname = m.Sender.GroupCard.s
	case m.Sender.Name.s != "":
		s.Nickname = m.Sender.Name.s
	default:
		s.Nickname = m.Sender.Nickname.s
	}
	return s
}

// media notes the attachments by file name, else by type.
func (m *qqMessage) media() []string {
	var out []string
	for _, r := range m.Content.Resources {
		switch {
		case r.Filename != "":
			out = append(out, string(r.Filename))
		case r.Type != "":
			out = append(out, string(r.Type))
		default:
			out = append(out, "file")
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, e := range m.Content.Elements {
		switch e.Type {
		case "image", "file", "video", "audio":
			if e.Data.Filename != "" {
				out = append(out, string(e.Data.Filename))
			} else {
				out = append(out, e.Type)
			}
		}
	}
	return out
}
