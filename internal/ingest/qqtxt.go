package ingest

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// QQ message-manager TXT (QQ 消息管理器 "导出为 txt"): a header naming the group of chats and the
// chat, then the messages, each a blank line, a sender line and the body over one or more lines:
//
//	消息记录（此消息记录为文本格式，不支持重新导入）
//
//	================================================================
//	消息分组:我的QQ群
//	================================================================
//	消息对象:某某工作群
//	================================================================
//
//	2016-05-20 10:12:33 【管理员】张三(123456789)
//	明天上午九点开会。
//
//	2016-05-20 9:02:11 李四<lisi@example.com>
//	收到[表情]
//
// The sender line is read as qqtxt_line.go describes (24- or 12-hour clock, an account that is
// a QQ number, a mobile number or an e-mail address). It starts a message only when it follows
// a blank line (or the header), and its time is not earlier than the previous message's of the
// chat. Any other line is body text: so a quoted message pasted into a body stays in it (its
// time is earlier), while a pasted line with a later time after a blank line would start a
// message, as the export cannot tell them apart. A line of sender shape that cannot be read
// (an account of another form, a time that is none) is a bad record with the text after it:
// never part of the message before. LF, CRLF and a bare CR all end a line.

func init() {
	Register(Parser{
		Name:     "qq-txt",
		Platform: "QQ",
		Title:    "QQ message manager export (消息管理器 导出为 txt)",
		Order:    90,
		Detect:   qqtxtDetect,
		Parse:    qqtxtParse,
	})
}

const qqtxtTitle = "消息记录（此消息记录为文本格式，不支持重新导入）"

// qqtxtDetect accepts the export's title, a 消息分组/消息对象 header line, or a sender line at the
// start of the file or after a blank line, within the first lines of the head.
func qqtxtDetect(head []byte) bool {
	h := textHead(head)
	if bytes.Contains(h, []byte(qqtxtTitle)) {
		return true
	}
	blank := true
	for i := 0; i < 64 && len(h) > 0; i++ {
		line := textFirstLine(h)
		if _, _, ok := qqtxtHeader(line); ok {
			return true
		}
		if blank {
			if _, ok := qqtxtSenderLine(line); ok {
				return true
			}
		}
		blank = len(bytes.TrimSpace(line)) == 0
		j := bytes.IndexByte(h, '\n')
		if j < 0 {
			break
		}
		h = h[j+1:]
	}
	return false
}

// qqtxtHeader reads a 消息分组: or 消息对象: line.
func qqtxtHeader(line []byte) (key, value string, ok bool) {
	for _, k := range []string{"消息分组", "消息对象"} {
		if rest, found := bytes.CutPrefix(line, []byte(k)); found {
			if v, f := bytes.CutPrefix(rest, []byte(":")); f {
				return k, string(bytes.TrimSpace(v)), true
			}
			if v, f := bytes.CutPrefix(rest, []byte("：")); f {
				return k, string(bytes.TrimSpace(v)), true
			}
		}
	}
	return "", "", false
}

// qqtxtRule reports whether a line is a row of '=' (the export's separator).
func qqtxtRule(line []byte) bool {
	line = bytes.TrimRight(line, " ")
	return len(line) >= 10 && len(bytes.Trim(line, "=")) == 0
}

// qqtxtMedia are the placeholders the export writes for what is not text.
var qqtxtMedia = []struct{ mark, media string }{
	{"[图片]", "image"}, {"[表情]", "sticker"}, {"[语音]", "voice"}, {"[视频]", "video"}, {"[文件]", "file"},
}

type qqtxtParser struct {
	file string
	emit func(Item) error

	chat      Chat
	started   bool // a message or a header has been read
	header    bool // the line before was a header line
	blank     bool // the line before was blank
	lastTime  time.Time
	cur       *Message
	body      []byte
	bodyLines []int // where each body line starts in body
	bodyOver  bool
	raw       []byte // the sender line, for a Bad
	junk      *Bad   // lines before the first message

	second  int64 // the second of the repeats being counted
	repeats map[uint64]int
	intern  csvInterner
}

func qqtxtParse(r io.Reader, file string, emit func(Item) error) error {
	br, _, err := textDecoder(r)
	if err != nil {
		return &Error{File: file, Msg: err.Error()}
	}
	lines := newCSVLines(br, csvMaxRecord)
	p := &qqtxtParser{file: file, emit: emit, repeats: map[uint64]int{}}
	n := 0 // lines so far: a bare CR ends a line as LF and CRLF do
	for {
		line, over, err := lines.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &Error{File: file, Pos: Pos{Line: n + 1}, Msg: err.Error()}
		}
		if over {
			p.bodyOver = true
		}
		off := lines.off
		for {
			part, more, found := bytes.Cut(line, []byte{'\r'})
			n++
			if err := p.line(part, Pos{Line: n, Offset: off}); err != nil {
				return err
			}
			if !found {
				break
			}
			off += int64(len(part) + 1)
			line = more
		}
	}
	if err := p.flushJunk(); err != nil {
		return err
	}
	return p.flush()
}

func (p *qqtxtParser) line(line []byte, pos Pos) error {
	if !p.started && pos.Line == 1 {
		line = TrimBOM(line)
	}
	// Most lines are bodies and sender lines: the first byte tells which checks can apply
	// (消 of the title and the headers starts with 0xE6).
	var c byte
	if len(line) > 0 {
		c = line[0]
	}
	if (c == 0xE6 || c == ' ') && p.cur == nil && bytes.Equal(bytes.TrimSpace(line), []byte(qqtxtTitle)) {
		p.header, p.blank, p.started = true, false, true
		return p.flushJunk()
	}
	if c == '=' && qqtxtRule(line) && (p.header || p.cur == nil) {
		p.header, p.blank = true, false
		return p.flushJunk()
	}
	if c == 0xE6 {
		if done, err := p.headerLine(line); done {
			return err
		}
	}
	if len(line) == 0 || c <= ' ' && len(bytes.TrimSpace(line)) == 0 {
		if p.cur != nil {
			p.addBody(nil)
		}
		p.blank = true
		return nil
	}
	if p.blank || p.header || p.cur == nil {
		s, why, ok := qqtxtReadSender(line)
		if ok && !s.time.Before(p.lastTime) {
			if err := p.flush(); err != nil {
				return err
			}
			if err := p.flushJunk(); err != nil {
				return err
			}
			p.start(s, line, pos)
			p.header, p.blank, p.started = false, false, true
			return nil
		}
		if why != nil {
			// A sender line this reader cannot read: it and the text after it are one bad
			// record, never part of the message before.
			if err := p.flush(); err != nil {
				return err
			}
			if err := p.flushJunk(); err != nil {
				return err
			}
			detail := i18n.E("ingest.qqtxt.account", why.account)
			if why.account == "" {
				detail = i18n.E("ingest.qqtxt.time", why.time)
			}
			w := i18n.E("ingest.qqtxt.unread-sender", detail)
			p.junk = &Bad{Pos: pos, Raw: bytes.Clone(line[:min(len(line), csvMaxRaw)]), Reason: w.Error(), Why: w}
			p.header, p.blank, p.started = false, false, true
			return nil
		}
	}
	p.header, p.blank = false, false
	if p.cur == nil {
		if p.junk == nil {
			w := i18n.E("ingest.qqtxt.before")
			p.junk = &Bad{Pos: pos, Reason: w.Error(), Why: w}
		} else {
			p.junk.Raw = append(p.junk.Raw, '\n')
		}
		if len(p.junk.Raw) < csvMaxRaw {
			p.junk.Raw = append(p.junk.Raw, line[:min(len(line), csvMaxRaw-len(p.junk.Raw))]...)
		}
		return nil
	}
	p.addBody(line)
	return nil
}

// headerLine reads a 消息分组 or 消息对象 line, where a header can stand.
func (p *qqtxtParser) headerLine(line []byte) (done bool, err error) {
	key, value, ok := qqtxtHeader(line)
	if !ok || !(p.header || p.cur == nil || p.lastBodyRule()) {
		return false, nil
	}
	if p.lastBodyRule() {
		p.dropLastBodyLine()
	}
	if err := p.flush(); err != nil {
		return true, err
	}
	if err := p.flushJunk(); err != nil {
		return true, err
	}
	if key == "消息分组" {
		p.chat.Type = qqtxtChatType(value)
	} else {
		p.chat.ID, p.chat.Name = value, value
	}
	p.lastTime, p.second = time.Time{}, 0
	clear(p.repeats)
	p.header, p.blank, p.started = true, false, true
	return true, nil
}

func (p *qqtxtParser) flushJunk() error {
	if p.junk == nil {
		return nil
	}
	j := p.junk
	p.junk = nil
	return p.emit(Item{Bad: j})
}

func (p *qqtxtParser) start(s qqtxtSender, line []byte, pos Pos) {
	p.lastTime = s.time
	m := &Message{Kind: KindPost, Chat: p.chat, Time: s.time.UTC(), Pos: pos}
	m.Sender.ID = p.intern.get(s.id)
	m.Sender.Nickname = p.intern.get(s.nick)
	switch string(s.title) {
	case "群主":
		m.Sender.Role = model.MemberOwner
	case "管理员":
		m.Sender.Role = model.MemberAdmin
	}
	if m.Sender.ID == "10000" || m.Sender.ID == "1000000" {
		m.Kind = KindSystem // 系统消息
	}
	p.cur = m
	p.body, p.bodyLines, p.bodyOver = p.body[:0], p.bodyLines[:0], false
	p.raw = append(p.raw[:0], line...)
}

func (p *qqtxtParser) addBody(line []byte) {
	if len(p.body)+len(line) > csvMaxRecord {
		p.bodyOver = true
		return
	}
	p.bodyLines = append(p.bodyLines, len(p.body))
	if len(p.bodyLines) > 1 {
		p.body = append(p.body, '\n')
		p.bodyLines[len(p.bodyLines)-1]++
	}
	p.body = append(p.body, line...)
}

func (p *qqtxtParser) lastBodyRule() bool {
	if p.cur == nil || len(p.bodyLines) == 0 {
		return false
	}
	return qqtxtRule(p.body[p.bodyLines[len(p.bodyLines)-1]:])
}

func (p *qqtxtParser) dropLastBodyLine() {
	n := len(p.bodyLines) - 1
	end := p.bodyLines[n]
	if n > 0 {
		end-- // the '\n' before it
	}
	p.body, p.bodyLines = p.body[:end], p.bodyLines[:n]
}

// flush emits the message being read.
func (p *qqtxtParser) flush() error {
	m := p.cur
	if m == nil {
		return nil
	}
	p.cur = nil
	if p.bodyOver {
		return p.emit(badItem(m.Pos, bytes.Clone(p.raw), i18n.E("ingest.qqtxt.long", csvMaxRecord>>20)))
	}
	body := bytes.Trim(p.body, "\n")
	text := string(body)
	for _, pm := range qqtxtMedia {
		if strings.IndexByte(text, '[') < 0 {
			break
		}
		if strings.Contains(text, pm.mark) {
			for range strings.Count(text, pm.mark) {
				m.Media = append(m.Media, pm.media)
			}
			text = strings.ReplaceAll(text, pm.mark, "")
		}
	}
	if len(m.Media) > 0 {
		text = strings.TrimSpace(text)
	}
	m.Text = text
	m.ID = p.id(m)
	return p.emit(Item{Msg: m})
}

// id makes a message's id from its chat, time, sender and text, and counts repeats of the
// same within one second (the times of a chat never go back, so only the current second's
// need counting).
func (p *qqtxtParser) id(m *Message) string {
	sec := m.Time.Unix()
	h := qqtxtHash(14695981039346656037, m.Chat.ID)
	for i := range 8 {
		h = (h ^ uint64(byte(sec>>(8*i)))) * 1099511628211
	}
	h = qqtxtHash(h, m.Sender.ID)
	h = qqtxtHash(h, m.Text)
	for _, s := range m.Media {
		h = qqtxtHash(h, s)
	}
	if sec != p.second {
		p.second = sec
		clear(p.repeats)
	}
	p.repeats[h]++
	n := p.repeats[h]
	var b [19]byte
	copy(b[:], "qq-")
	for i := 18; i >= 3; i-- {
		b[i] = "0123456789abcdef"[h&15]
		h >>= 4
	}
	id := string(b[:])
	if n > 1 {
		id += "-" + strconv.Itoa(n)
	}
	return id
}

// qqtxtHash is FNV-1a over s and a closing zero byte.
func qqtxtHash(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return (h ^ 0) * 1099511628211
}

// qqtxtChatType reads the 消息分组: a group of QQ groups, of discussion groups, or of friends.
func qqtxtChatType(group string) string {
	switch {
	case strings.Contains(group, "讨论组"):
		return "discussion"
	case strings.Contains(group, "群"):
		return "group"
	}
	return "private"
}
