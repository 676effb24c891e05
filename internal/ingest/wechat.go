package ingest

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"qunshen/internal/i18n"
)

// WeChat CSV, as WeChatMsg (github.com/LC044/WeChatMsg) writes it from a decrypted PC WeChat
// database, one message a row, fields quoted by Python's csv module. Its versions differ:
//
//	v0.2 (Nov 2023)        localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime
//	                       written by pandas: an unnamed index column first, UTF-8 without a BOM
//	Dec 3–28, 2023         the same nine names, and each row 10, 11 or 12 fields: MsgSvrID,
//	                       BytesExtra and CompressContent after StrTime, unnamed
//	v1.0.1 (Dec 29, 2023)  twelve names (…,StrTime,Remark,NickName,Sender), but a row holds
//	                       MsgSvrID, BytesExtra, CompressContent there, and in a group a 13th
//	                       field (a Python object's name)
//	v1.0.2–v1.1 (Jan 2024) twelve names; a group's rows 12 fields (the sender's remark,
//	                       nickname and wxid), a one-to-one chat's rows 9
//	since Feb 27, 2024     twelve names and twelve fields in every chat
//
// TalkerId is the row of the chat in the exporting machine's database, not the chat's wxid: a
// file of WeChatMsg carries no identity of its chat, and the importer needs --group (a file
// whose TalkerId is a wxid or a chat room's id, as other tools write it, keeps it as the
// chat's id). The chat's name is taken from the file's name (聊天名_utf8.csv). Where a row
// names no sender, the sender is read from BytesExtra as the tool itself reads it; where there
// is none, the row says so (a bad record) rather than guess. A message's id is made from its
// time and its sender's wxid, so that every export of the chat, by any version on any machine,
// gives the same ids, and the notice that replaces a recalled message takes its id.

func init() {
	Register(Parser{
		Name:     "wechat-csv",
		Platform: "微信",
		Title:    "WeChat chat export as CSV (WeChatMsg / MemoTrace)",
		Order:    10,
		Detect:   wechatDetect,
		Parse:    wechatParse,
	})
}

const (
	wechatLocalID = iota
	wechatTalkerID
	wechatType
	wechatSubType
	wechatIsSender
	wechatCreateTime
	wechatStrContent
	wechatStrTime
	wechatRemark
	wechatNickName
	wechatSender
	wechatColumns
)

var wechatColumnNames = [wechatColumns]string{"localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "StrContent", "StrTime", "Remark", "NickName", "Sender"}

// wechatDetect accepts a head whose first line names localId, TalkerId and Type first (after
// the unnamed index column pandas writes, if any) and has CreateTime and StrContent.
func wechatDetect(head []byte) bool {
	line := textFirstLine(TrimBOM(head))
	line = bytes.TrimPrefix(line, []byte{','})
	return bytes.HasPrefix(line, []byte("localId,TalkerId,Type,")) &&
		bytes.Contains(line, []byte(",CreateTime")) && bytes.Contains(line, []byte(",StrContent"))
}

// wechatLayout is how a row's fields stand, by its number of fields.
type wechatLayout int

const (
	wxNamed          wechatLayout = iota // every field under its own name
	wxTrailing                           // MsgSvrID, BytesExtra, CompressContent after the named ones
	wxTrailingSingle                     // the same, in v1.0.1's one-to-one chats
	wxShort                              // v1.0.2–v1.1 one-to-one: no Remark, NickName, Sender
)

type wechatParser struct {
	file   string
	emit   func(Item) error
	col    [wechatColumns]int // the column of each field, or -1
	ncols  int
	named  int // how many of Remark, NickName, Sender the header names
	intern csvInterner
	// nicks maps a sender's nickname (and remark) to their wxid, to name the members of join
	// and leave notices, which give nicknames only. Bounded: see wechatMaxNicks.
	nicks   map[string]map[string]string
	nnicks  int
	unknown map[int]bool

	chatName string // from the file's name
	legacy   bool   // TalkerId is a chat id (not WeChatMsg's row number)
	// What is known of the chat: its type once decided; until then the rows wait in pend.
	chatType string
	pend     []wechatPending
	pendSize int
	others   map[string]bool // the wxids of senders who are not the exporting user
	noted    bool
	second   int64
	repeats  map[string]int
}

// wechatPending is a row read before the chat's type was known.
type wechatPending struct {
	it      Item
	raw     []byte
	unknown *i18n.Error // the row's sender is not known: a bad record unless the chat is one-to-one
}

const (
	wechatMaxNicks = 1 << 20
	// wechatMaxPend bounds the rows held while the chat's type is not known.
	wechatMaxPend     = 2000
	wechatMaxPendSize = 32 << 20
)

func wechatParse(r io.Reader, file string, emit func(Item) error) error {
	cr := newCSVReader(r, ',')
	p := &wechatParser{file: file, emit: emit, nicks: map[string]map[string]string{}, unknown: map[int]bool{},
		others: map[string]bool{}, repeats: map[string]int{}, chatName: wechatChatName(file)}
	header, err := cr.read()
	if err == io.EOF {
		return &Error{File: file, Msg: "an empty file: no header row"}
	}
	if se, ok := err.(*csvSyntaxError); ok {
		return &Error{File: file, Pos: Pos{Line: se.Line}, Msg: "the header row: " + se.Why.Error()}
	}
	if err != nil {
		return &Error{File: file, Msg: err.Error()}
	}
	if err := p.header(header); err != nil {
		return err
	}
	for {
		rec, err := cr.read()
		if err == io.EOF {
			return p.decide(p.chatTypeAtEnd())
		}
		pos := Pos{Line: cr.recLine, Offset: cr.recOff}
		if se, ok := err.(*csvSyntaxError); ok {
			if err := p.out(wechatPending{it: badItem(pos, cr.rawCopy(), se.Why)}); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return &Error{File: file, Pos: Pos{Line: cr.lines.line + 1}, Msg: err.Error()}
		}
		if len(rec) == 1 && len(rec[0]) == 0 {
			continue // a blank line
		}
		if err := p.row(rec, pos, cr); err != nil {
			return err
		}
	}
}

// wechatChatName is the chat's name as WeChatMsg names the file: 聊天名_utf8.csv (聊天名.csv
// before December 2023).
func wechatChatName(file string) string {
	name := filepath.Base(strings.ReplaceAll(file, `\`, "/"))
	name = strings.TrimSuffix(name, filepath.Ext(name))
	return strings.TrimSuffix(name, "_utf8")
}

func (p *wechatParser) header(rec [][]byte) error {
	for i := range p.col {
		p.col[i] = -1
	}
	p.ncols = len(rec)
	for i, cell := range rec {
		name := string(bytes.TrimSpace(TrimBOM(cell)))
		for f, n := range wechatColumnNames {
			if strings.EqualFold(name, n) && p.col[f] < 0 {
				p.col[f] = i
			}
		}
	}
	var missing []string
	for _, f := range []int{wechatLocalID, wechatTalkerID, wechatType, wechatStrContent} {
		if p.col[f] < 0 {
			missing = append(missing, wechatColumnNames[f])
		}
	}
	if p.col[wechatCreateTime] < 0 && p.col[wechatStrTime] < 0 {
		missing = append(missing, "CreateTime")
	}
	if len(missing) > 0 {
		return &Error{File: p.file, Pos: Pos{Line: 1}, Msg: "the header row lacks the columns " + strings.Join(missing, ", ") + " of a WeChatMsg export"}
	}
	for _, f := range []int{wechatRemark, wechatNickName, wechatSender} {
		if p.col[f] >= 0 {
			p.named++
		}
	}
	return nil
}

func (p *wechatParser) field(rec [][]byte, f int) []byte {
	if i := p.col[f]; i >= 0 && i < len(rec) {
		return rec[i]
	}
	return nil
}

// layout tells how the fields of a row of n fields stand, and where the unnamed MsgSvrID,
// BytesExtra, CompressContent begin (extra); ok is false for a row no version writes.
func (p *wechatParser) layout(rec [][]byte) (l wechatLayout, extra int, ok bool) {
	n, h := len(rec), p.ncols
	last := p.col[wechatStrTime]
	if last < 0 {
		last = p.col[wechatStrContent]
	}
	switch {
	case p.named == 0 && n == h:
		return wxNamed, -1, true
	case p.named == 0 && n > h && n <= h+3 && last == h-1:
		return wxTrailing, h, true
	case p.named == 3 && n == h+1 && last == h-4:
		return wxTrailing, h - 3, true // v1.0.1, a group
	case p.named == 3 && n == h && last == h-4 && wechatPyBytesCell(p.field(rec, wechatNickName)):
		return wxTrailingSingle, h - 3, true // v1.0.1, a one-to-one chat
	case p.named == 3 && n == h-3 && last == h-4:
		return wxShort, -1, true
	case n == h:
		return wxNamed, -1, true
	}
	return 0, 0, false
}

// wechatPyBytesCell reports whether a cell is a bytes value as Python writes it.
func wechatPyBytesCell(b []byte) bool {
	return len(b) >= 3 && b[0] == 'b' && (b[1] == '\'' || b[1] == '"')
}

// row reads one message.
func (p *wechatParser) row(rec [][]byte, pos Pos, cr *csvReader) error {
	bad := func(why *i18n.Error) error {
		return p.out(wechatPending{it: badItem(pos, cr.rawCopy(), why)})
	}
	layout, extra, ok := p.layout(rec)
	if !ok {
		return bad(i18n.E("ingest.wechat.fields", len(rec), p.ncols))
	}
	id := p.field(rec, wechatLocalID)
	if len(id) == 0 {
		return bad(i18n.E("ingest.wechat.no-field", "localId"))
	}
	talker := p.field(rec, wechatTalkerID)
	if len(talker) == 0 {
		return bad(i18n.E("ingest.wechat.no-field", "TalkerId"))
	}
	typ, err := strconv.Atoi(string(p.field(rec, wechatType)))
	if err != nil {
		return bad(i18n.E("ingest.wechat.type", p.field(rec, wechatType)))
	}
	sub, _ := strconv.Atoi(string(p.field(rec, wechatSubType)))
	var at time.Time
	if sec, err := strconv.ParseInt(string(p.field(rec, wechatCreateTime)), 10, 64); err == nil && sec > 0 {
		at = time.Unix(sec, 0).UTC()
	} else if t, err := csvParseTime(string(p.field(rec, wechatStrTime))); err == nil {
		at = t.UTC()
	} else {
		return bad(i18n.E("ingest.wechat.no-time", p.field(rec, wechatCreateTime), p.field(rec, wechatStrTime)))
	}
	if !p.noted {
		p.noted = true
		p.legacy = len(bytes.Trim(talker, "0123456789")) != 0
		if !p.legacy {
			if err := p.emit(noticeItem(i18n.E("ingest.wechat.no-chat-id", p.file, string(talker), p.chatName))); err != nil {
				return err
			}
		}
	}
	m := &Message{ID: string(id), Time: at, Pos: pos}
	self := string(p.field(rec, wechatIsSender)) == "1"
	var unknown *i18n.Error
	if p.legacy {
		p.legacySender(m, rec, talker, self)
	} else {
		m.Chat.Name = p.chatName
		unknown = p.sender(m, rec, layout, extra, self)
	}
	content := string(p.field(rec, wechatStrContent))
	var note *i18n.Error
	switch typ {
	case 1:
		m.Text = content
	case 3:
		m.Media = []string{"image"}
	case 34:
		m.Media = []string{"voice"}
	case 42:
		m.Media = []string{"card"}
	case 43:
		m.Media = []string{"video"}
	case 47:
		m.Media = []string{"sticker"}
	case 48:
		m.Media = []string{"location"}
		m.Text = wechatXMLAttr(content, "label")
	case 49:
		p.appMessage(m, sub, content)
	case 50:
		m.Kind = KindSystem
		m.Media = []string{"call"}
	case 10000:
		p.system(m, content)
	case 10002:
		m.Kind = KindSystem
	default:
		m.Kind = KindSystem
		if !p.unknown[typ] {
			p.unknown[typ] = true
			note = i18n.E("ingest.note.at", pos.At(p.file), i18n.E("ingest.wechat.unknown-type", typ))
		}
	}
	if !p.legacy {
		p.evidence(m, layout, typ, self, content)
		m.ID = p.messageID(m, content)
		if m.Kind == KindRecall {
			m.Target = m.ID
		}
	}
	if m.Kind != KindPost {
		unknown = nil // a notice needs no sender
	}
	if m.Kind == KindPost && m.Sender.ID != "" {
		p.remember(m.Chat.ID, m.Sender)
	}
	if note != nil {
		if err := p.out(wechatPending{it: noticeItem(note)}); err != nil {
			return err
		}
	}
	pe := wechatPending{it: Item{Msg: m}, unknown: unknown}
	if unknown != nil {
		pe.raw = cr.rawCopy()
	}
	return p.out(pe)
}

// legacySender reads the sender of a file whose TalkerId is the chat's id.
func (p *wechatParser) legacySender(m *Message, rec [][]byte, talker []byte, self bool) {
	m.Chat.ID = p.intern.get(talker)
	m.Chat.Type = ChatSingle
	group := bytes.HasSuffix(talker, []byte("@chatroom"))
	if group {
		m.Chat.Type = ChatGroup
	}
	p.chatType = m.Chat.Type
	m.Sender.ID = p.intern.get(p.field(rec, wechatSender))
	m.Sender.Nickname = p.intern.get(p.field(rec, wechatNickName))
	if remark := p.field(rec, wechatRemark); len(remark) > 0 && !bytes.Equal(remark, p.field(rec, wechatNickName)) {
		m.Sender.Name = p.intern.get(remark)
	}
	if m.Sender.ID == "" && !group && !self {
		m.Sender.ID = m.Chat.ID // the other side of a one-to-one chat
	}
}

// sender reads who sent a row of WeChatMsg; unknown says why it is not known.
func (p *wechatParser) sender(m *Message, rec [][]byte, layout wechatLayout, extra int, self bool) *i18n.Error {
	switch layout {
	case wxNamed:
		if p.named == 0 {
			return i18n.E("ingest.unknown-sender", i18n.E("ingest.wechat.no-sender"))
		}
		wxid, nick, remark := p.field(rec, wechatSender), p.field(rec, wechatNickName), p.field(rec, wechatRemark)
		if len(wxid) == 0 {
			return i18n.E("ingest.unknown-sender", i18n.E("ingest.wechat.no-sender"))
		}
		m.Sender.ID = p.intern.get(wxid)
		if !bytes.Equal(nick, wxid) { // the tool writes the wxid as the nickname of a member it does not know
			m.Sender.Nickname = p.intern.get(nick)
			if len(remark) > 0 && !bytes.Equal(remark, nick) && !wechatSanitized(remark, nick) {
				m.Sender.Name = p.intern.get(remark)
			}
		}
		return nil
	case wxTrailing, wxTrailingSingle:
		if self {
			return i18n.E("ingest.unknown-sender", i18n.E("ingest.wechat.self-unknown"))
		}
		var cell []byte
		if extra+1 < len(rec) {
			cell = rec[extra+1]
		}
		wxid, ok := wechatExtraSender(cell)
		switch {
		case !ok:
			return i18n.E("ingest.unknown-sender", i18n.E("ingest.wechat.bad-extra"))
		case wxid == "":
			return i18n.E("ingest.unknown-sender", i18n.E("ingest.wechat.no-sender"))
		}
		m.Sender.ID = p.intern.get([]byte(wxid))
		return nil
	}
	if self {
		return i18n.E("ingest.unknown-sender", i18n.E("ingest.wechat.self-unknown"))
	}
	return i18n.E("ingest.unknown-sender", i18n.E("ingest.wechat.no-sender"))
}

// wechatSanitized reports whether remark is nick as WeChatMsg's Contact writes a contact
// without a remark: the nickname, its / \ : * ? " < > | spaces (and, since 2024, dots) made _.
func wechatSanitized(remark, nick []byte) bool {
	if len(remark) != len(nick) {
		// a space of another width than one byte becomes one _
		r, n := []rune(string(remark)), []rune(string(nick))
		if len(r) != len(n) {
			return false
		}
		for i := range r {
			if r[i] != n[i] && !(r[i] == '_' && wechatUnsafe(n[i])) {
				return false
			}
		}
		return true
	}
	for i := range remark {
		if remark[i] != nick[i] && !(remark[i] == '_' && nick[i] < 0x80 && wechatUnsafe(rune(nick[i]))) {
			return false
		}
	}
	return true
}

func wechatUnsafe(r rune) bool {
	return strings.ContainsRune(`\/:*?"<>|.`, r) || r == ' ' || r == '\t' || r == '\u3000' || r == '\u00a0'
}

// evidence learns the chat's type from a row of WeChatMsg, and decides it when it can.
func (p *wechatParser) evidence(m *Message, layout wechatLayout, typ int, self bool, content string) {
	if p.chatType != "" {
		m.Chat.Type = p.chatType
		return
	}
	switch {
	case layout == wxShort || layout == wxTrailingSingle:
		p.chatType = ChatSingle
	case typ == 10000 && wechatGroupNotice(content):
		p.chatType = ChatGroup
	case !self && m.Sender.ID != "":
		p.others[m.Sender.ID] = true
		if len(p.others) > 1 || layout == wxTrailing {
			// two others speak; or BytesExtra names a sender, which it does only in a group
			p.chatType = ChatGroup
		}
	}
	m.Chat.Type = p.chatType
}

// wechatGroupNotice reports whether a notice is one that only a group chat has.
func wechatGroupNotice(s string) bool {
	for _, w := range []string{"群聊", "群名", "群公告", "移出", "加入群", "群主", "群管理员"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// chatTypeAtEnd is the chat's type when the file ends before it was decided: a one-to-one
// chat when a single other person spoke, else not known (the importer then asks for --group).
func (p *wechatParser) chatTypeAtEnd() string {
	if p.chatType == "" && len(p.others) == 1 && p.named == 3 {
		return ChatSingle
	}
	return p.chatType
}

// messageID makes a message's id: its time, and its sender's wxid (for a notice without a
// sender, its text), counting repeats within one second.
func (p *wechatParser) messageID(m *Message, content string) string {
	sec := m.Time.Unix()
	key := m.Sender.ID
	if key == "" {
		key = "\x00" + content
	}
	if sec != p.second {
		p.second = sec
		clear(p.repeats)
	}
	p.repeats[key]++
	n := p.repeats[key]
	h := qqtxtHash(14695981039346656037, key)
	for i := range 8 {
		h = (h ^ uint64(byte(sec>>(8*i)))) * 1099511628211
	}
	id := fmt.Sprintf("wx-%d-%012x", sec, h&0xffffffffffff)
	if n > 1 {
		id += "-" + strconv.Itoa(n)
	}
	return id
}

// out hands an item on, or holds it while the chat's type is not known.
func (p *wechatParser) out(pe wechatPending) error {
	if p.chatType == "" && !p.legacy {
		p.pend = append(p.pend, pe)
		p.pendSize += len(pe.raw) + 256
		if pe.it.Msg != nil {
			p.pendSize += len(pe.it.Msg.Text)
		}
		if len(p.pend) < wechatMaxPend && p.pendSize < wechatMaxPendSize {
			return nil
		}
		return p.decide("")
	}
	if err := p.decide(p.chatType); err != nil {
		return err
	}
	return p.give(pe)
}

// decide settles the chat's type and hands on the rows held.
func (p *wechatParser) decide(t string) error {
	if len(p.pend) == 0 {
		return nil
	}
	if p.chatType == "" {
		p.chatType = t
		if t == "" {
			p.chatType = "unknown"
		}
	}
	pend := p.pend
	p.pend, p.pendSize = nil, 0
	for _, pe := range pend {
		if err := p.give(pe); err != nil {
			return err
		}
	}
	return nil
}

// give hands on one item, now that the chat's type is known: a message whose sender is not
// known is a bad record, but in a one-to-one chat (which is passed over without --group).
func (p *wechatParser) give(pe wechatPending) error {
	if m := pe.it.Msg; m != nil && !p.legacy {
		m.Chat.Type = p.chatType
		if m.Chat.Type == "unknown" {
			m.Chat.Type = ""
		}
		if pe.unknown != nil && m.Chat.Type != ChatSingle {
			return p.emit(badItem(m.Pos, pe.raw, pe.unknown))
		}
	}
	return p.emit(pe.it)
}
