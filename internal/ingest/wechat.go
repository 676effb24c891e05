package ingest

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
	"time"
)

// WeChat CSV, as WeChatMsg and its successor MemoTrace (留痕) write it from a decrypted PC
// WeChat database: UTF-8 with a BOM, one message a row, fields quoted by Python's csv module.
//
//	localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender
//	1024,123@chatroom,1,0,0,1717380000,2,大家好,2024-06-03 10:00:00,张三,老张,wxid_zhang
//
// localId is the row of the message in the database; TalkerId the chat (a group ends in
// @chatroom); Type and SubType the kind of message; IsSender 1 for the exporting user;
// CreateTime Unix seconds; StrTime the same as China time; Remark, NickName and Sender the
// sender's remark (given by the exporting user), nickname and wxid. Older versions wrote the
// first nine columns only; the columns are found by their names.

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

type wechatParser struct {
	file   string
	emit   func(Item) error
	col    [wechatColumns]int // the column of each field, or -1
	ncols  int
	intern csvInterner
	// nicks maps, for each chat, a sender's nickname (and remark) to their wxid, to name the
	// members of join and leave notices, which give nicknames only. Bounded: see wechatMaxNicks.
	nicks   map[string]map[string]string
	nnicks  int
	unknown map[int]bool
}

const wechatMaxNicks = 1 << 20

func wechatParse(r io.Reader, file string, emit func(Item) error) error {
	cr := newCSVReader(r, ',')
	p := &wechatParser{file: file, emit: emit, nicks: map[string]map[string]string{}, unknown: map[int]bool{}}
	header, err := cr.read()
	if err == io.EOF {
		return &Error{File: file, Msg: "an empty file: no header row"}
	}
	if se, ok := err.(*csvSyntaxError); ok {
		return &Error{File: file, Pos: Pos{Line: se.Line}, Msg: "the header row: " + se.Msg}
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
			return nil
		}
		pos := Pos{Line: cr.recLine, Offset: cr.recOff}
		if se, ok := err.(*csvSyntaxError); ok {
			if err := emit(Item{Bad: &Bad{Pos: pos, Raw: cr.rawCopy(), Reason: se.Msg}}); err != nil {
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
		m, note, reason := p.row(rec, pos)
		if reason != "" {
			err = emit(Item{Bad: &Bad{Pos: pos, Raw: cr.rawCopy(), Reason: reason}})
		} else {
			if note != "" {
				if err := emit(Item{Note: fmt.Sprintf("%s: %s: %s", file, pos, note)}); err != nil {
					return err
				}
			}
			err = emit(Item{Msg: m})
		}
		if err != nil {
			return err
		}
	}
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
	return nil
}

func (p *wechatParser) field(rec [][]byte, f int) []byte {
	if i := p.col[f]; i >= 0 {
		return rec[i]
	}
	return nil
}

// row reads one message; reason says why it cannot be read, note is worth telling.
func (p *wechatParser) row(rec [][]byte, pos Pos) (m *Message, note, reason string) {
	if len(rec) != p.ncols {
		return nil, "", fmt.Sprintf("%d fields, the header has %d", len(rec), p.ncols)
	}
	id := p.field(rec, wechatLocalID)
	if len(id) == 0 {
		return nil, "", "no localId"
	}
	talker := p.field(rec, wechatTalkerID)
	if len(talker) == 0 {
		return nil, "", "no TalkerId"
	}
	typ, err := strconv.Atoi(string(p.field(rec, wechatType)))
	if err != nil {
		return nil, "", fmt.Sprintf("Type %q is not a number", p.field(rec, wechatType))
	}
	sub, _ := strconv.Atoi(string(p.field(rec, wechatSubType)))
	var at time.Time
	if sec, err := strconv.ParseInt(string(p.field(rec, wechatCreateTime)), 10, 64); err == nil && sec > 0 {
		at = time.Unix(sec, 0).UTC()
	} else if t, err := csvParseTime(string(p.field(rec, wechatStrTime))); err == nil {
		at = t.UTC()
	} else {
		return nil, "", fmt.Sprintf("no time: CreateTime %q, StrTime %q", p.field(rec, wechatCreateTime), p.field(rec, wechatStrTime))
	}
	m = &Message{ID: string(id), Time: at, Pos: pos}
	m.Chat.ID = p.intern.get(talker)
	m.Chat.Type = "single"
	group := bytes.HasSuffix(talker, []byte("@chatroom"))
	if group {
		m.Chat.Type = "group"
	}
	self := string(p.field(rec, wechatIsSender)) == "1"
	m.Sender.ID = p.intern.get(p.field(rec, wechatSender))
	m.Sender.Nickname = p.intern.get(p.field(rec, wechatNickName))
	if remark := p.field(rec, wechatRemark); len(remark) > 0 && !bytes.Equal(remark, p.field(rec, wechatNickName)) {
		m.Sender.Name = p.intern.get(remark)
	}
	if m.Sender.ID == "" && !group && !self {
		m.Sender.ID = m.Chat.ID // the other side of a one-to-one chat
	}
	content := string(p.field(rec, wechatStrContent))
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
			note = fmt.Sprintf("message Type %d is not known; its messages are counted as system messages", typ)
		}
	}
	if m.Kind == KindPost && group && m.Sender.ID != "" {
		p.remember(m.Chat.ID, m.Sender)
	}
	return m, note, ""
}

// appMessage reads a Type 49 message by its SubType; the XML of StrContent gives its title.
func (p *wechatParser) appMessage(m *Message, sub int, content string) {
	title := content
	if strings.Contains(content, "<") {
		title = wechatXMLTag(content, "title")
	}
	switch sub {
	case 6:
		m.Media = []string{"file"}
		if title != "" {
			m.Media[0] = title
		}
	case 5, 4, 3:
		m.Media = []string{"link"}
		m.Text = strings.Join(wecomAppend(nil, title, wechatXMLTag(content, "des"), wechatXMLTag(content, "url")), "\n")
	case 57: // a reply quoting an earlier message: the title is the reply
		m.Text = title
	case 19, 40:
		m.Media = []string{"chatrecord"}
		m.Text = title
	case 33, 36:
		m.Media = []string{"miniprogram"}
		m.Text = title
	case 2000:
		m.Media = []string{"transfer"}
	case 2001:
		m.Media = []string{"redpacket"}
		m.Text = title
	case 51:
		m.Media = []string{"channels"}
		m.Text = title
	case 87:
		m.Media = []string{"announcement"}
		m.Text = wechatXMLTag(content, "textannouncement")
		if m.Text == "" {
			m.Text = title
		}
	default:
		m.Media = []string{"app"}
		m.Text = title
	}
}

// system reads a Type 10000 notice. WeChat replaces a recalled message, in its own row, by the
// notice "“张三”撤回了一条消息": the notice keeps the message's localId and its text is gone, so
// the notice is a recall of itself (Target = its own ID). Invitations and removals name members
// by nickname; their wxid is found from earlier messages of the chat, where there are some.
func (p *wechatParser) system(m *Message, text string) {
	m.Kind = KindSystem
	m.Text = text
	names := wechatQuoted(text)
	switch {
	case strings.Contains(text, "撤回了一条消息"):
		m.Kind = KindRecall
		m.Target = m.ID
		m.Text = ""
		if !strings.HasPrefix(text, "你") && len(names) > 0 {
			m.Sender = p.who(m.Chat.ID, names[0])
		}
	case strings.Contains(text, "通过扫描") && strings.Contains(text, "加入群聊") && len(names) >= 1:
		m.Kind = KindJoin
		m.Members = []Sender{p.who(m.Chat.ID, names[0])}
		m.Sender = Sender{}
		if len(names) > 1 {
			m.Sender = p.who(m.Chat.ID, names[1])
		}
	case strings.Contains(text, "邀请") && strings.Contains(text, "加入了群聊"):
		before, after, _ := strings.Cut(text, "邀请")
		invited := wechatQuoted(after)
		if len(invited) == 0 {
			return // 邀请你加入了群聊: the exporting user joined
		}
		m.Kind = KindJoin
		m.Sender = Sender{}
		if by := wechatQuoted(before); len(by) > 0 {
			m.Sender = p.who(m.Chat.ID, by[0])
		}
		for _, n := range invited {
			for _, one := range strings.Split(n, "、") {
				m.Members = append(m.Members, p.who(m.Chat.ID, one))
			}
		}
	case strings.Contains(text, "移出了群聊") || strings.Contains(text, "移出群聊"):
		before, after, found := strings.Cut(text, "将")
		if !found {
			return
		}
		removed := wechatQuoted(after)
		if len(removed) == 0 {
			return
		}
		m.Kind = KindLeave
		m.Sender = Sender{}
		if by := wechatQuoted(before); len(by) > 0 {
			m.Sender = p.who(m.Chat.ID, by[0])
		}
		for _, n := range removed {
			for _, one := range strings.Split(n, "、") {
				m.Members = append(m.Members, p.who(m.Chat.ID, one))
			}
		}
	case strings.Contains(text, "退出了群聊") && len(names) > 0:
		m.Kind = KindLeave
		m.Members = []Sender{p.who(m.Chat.ID, names[0])}
		m.Sender = Sender{}
	}
	if m.Kind != KindSystem && m.Kind != KindRecall {
		m.Text = text
	}
}

// remember notes the wxid of a sender's nickname and remark in a chat.
func (p *wechatParser) remember(chat string, s Sender) {
	if p.nnicks >= wechatMaxNicks {
		return
	}
	c := p.nicks[chat]
	if c == nil {
		c = map[string]string{}
		p.nicks[chat] = c
	}
	for _, n := range []string{s.Nickname, s.Name} {
		if n != "" && c[n] != s.ID {
			if _, ok := c[n]; !ok {
				p.nnicks++
			}
			c[n] = s.ID
		}
	}
}

// who is the member a notice names: their wxid when a message of theirs was seen.
func (p *wechatParser) who(chat, name string) Sender {
	return Sender{ID: p.nicks[chat][name], Nickname: name}
}

// wechatQuoted returns the names in quotes ("…" or “…”) of a notice.
func wechatQuoted(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "\"“")
		if i < 0 {
			break
		}
		open := s[i : i+1]
		closing := "\""
		if open != "\"" {
			open, closing = "“", "”"
		}
		rest := s[i+len(open):]
		j := strings.Index(rest, closing)
		if j < 0 {
			break
		}
		out = append(out, rest[:j])
		s = rest[j+len(closing):]
	}
	return out
}

// wechatXMLTag returns the text of the first <tag> of an app message's XML, unescaped.
func wechatXMLTag(s, tag string) string {
	i := strings.Index(s, "<"+tag+">")
	if i < 0 {
		return ""
	}
	s = s[i+len(tag)+2:]
	j := strings.Index(s, "</"+tag+">")
	if j < 0 {
		return ""
	}
	s = strings.TrimSpace(s[:j])
	if c, ok := strings.CutPrefix(s, "<![CDATA["); ok {
		return strings.TrimSuffix(c, "]]>")
	}
	return html.UnescapeString(s)
}

// wechatXMLAttr returns the value of the first attribute name="…" of the XML.
func wechatXMLAttr(s, name string) string {
	i := strings.Index(s, " "+name+"=\"")
	if i < 0 {
		return ""
	}
	s = s[i+len(name)+3:]
	j := strings.IndexByte(s, '"')
	if j < 0 {
		return ""
	}
	return html.UnescapeString(s[:j])
}
