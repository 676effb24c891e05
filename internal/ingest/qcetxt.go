package ingest

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	"qunshen/internal/i18n"
)

// The text export of qq-chat-exporter (github.com/shuakami/qq-chat-exporter, TextExporter of
// its versions 4 and 5 and the text_exporter.rs that replaced it): a header, then each message
// as lines, messages apart by blank lines, then a footer:
//
//	[QQChatExporter V5 / https://github.com/shuakami/qq-chat-exporter]
//	…
//	聊天名称: 第三党支部工作群
//	聊天类型: 群聊
//	…
//
//	三支部-张伟:
//	时间: 2024-06-03 20:00:15
//	内容: 各位同志：
//	周五下午三点开支部党员大会。
//	资源: 1 个文件
//	  - file: 六月工作安排.docx
//	提及: 李娜
//	回复: 06-03 19:58 李娜 - 原话
//
//	===============================================
//	              导出完成
//
// A sender is written by display name only ([头衔] 名字: since May 2026), never by QQ number:
// members are known by name. A message starts at a line ending in ':' followed by a 时间: line;
// a [N] line before it (the export's message numbers) and a 类型: line after the time are
// passed over. The time is the exporting machine's local time, read as China time. The chat's
// number is not in the file: qq-chat-exporter puts it in the file's name
// (group_123456789_20240604_101500.txt), where it is taken from; else the importer needs --group.

func init() {
	Register(Parser{
		Name:     "qq-nt-txt",
		Platform: "QQ",
		Title:    "QQ NT text export (qq-chat-exporter)",
		Order:    85,
		Detect:   qceDetect,
		Parse:    qceParse,
	})
}

var qceRule = []byte("===============================================")

func qceDetect(head []byte) bool {
	h := textHead(head)
	return bytes.Contains(h, []byte("[QQChatExporter")) || (bytes.Contains(h, []byte("QQ聊天记录导出文件")) && bytes.Contains(h, []byte("聊天名称:")))
}

type qceParser struct {
	file  string
	emit  func(Item) error
	chat  Chat
	inMsg bool
	cur   *Message
	part  string // where the lines go: "text", "res", "" (after the header, before a message)
	text  []string
	extra []string // 回复 and 提及 lines
	held  []byte   // a line ending in ':' that may start a message
	heldN int
	junk  *Bad
	done  bool // the footer was read

	second  int64
	repeats map[uint64]int
	intern  csvInterner
}

func qceParse(r io.Reader, file string, emit func(Item) error) error {
	br, _, err := textDecoder(r)
	if err != nil {
		return &Error{File: file, Msg: err.Error()}
	}
	p := &qceParser{file: file, emit: emit, repeats: map[uint64]int{}}
	p.chat.ID = qqFileChat(file)
	lines := newCSVLines(br, csvMaxRecord)
	header := true
	for {
		line, _, err := lines.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &Error{File: file, Pos: Pos{Line: lines.line + 1}, Msg: err.Error()}
		}
		if lines.line == 1 {
			line = TrimBOM(line)
		}
		n := lines.line
		if header {
			if k, v, ok := bytes.Cut(line, []byte(": ")); ok {
				switch string(k) {
				case "聊天名称":
					p.chat.Name = string(v)
				case "聊天类型":
					p.chat.Type = map[string]string{"群聊": ChatGroup, "私聊": "private", "临时会话": "temp"}[string(v)]
				case "时间范围":
					header = false
				}
			}
			if len(line) == 0 && p.chat.Name != "" && n > 8 {
				header = false
			}
			continue
		}
		if err := p.line(line, n); err != nil {
			return err
		}
	}
	if err := p.release(); err != nil {
		return err
	}
	if err := p.flush(); err != nil {
		return err
	}
	if p.junk != nil {
		if err := p.emit(Item{Bad: p.junk}); err != nil {
			return err
		}
	}
	if p.chat.Name != "" || p.chat.ID != "" {
		return p.emit(noticeItem(i18n.E("ingest.qcetxt.names", file)))
	}
	return nil
}

func (p *qceParser) line(line []byte, n int) error {
	if p.done {
		return nil
	}
	if p.held != nil {
		held, heldN := p.held, p.heldN
		p.held = nil
		if t, ok := bytes.CutPrefix(line, []byte("时间: ")); ok {
			return p.start(held, heldN, t, n)
		}
		if err := p.body(held, heldN); err != nil {
			return err
		}
	}
	switch {
	case bytes.Equal(line, qceRule):
		// the footer (or a rule inside a text, kept as text when a message goes on)
		if err := p.flush(); err != nil {
			return err
		}
		p.done = true
		return nil
	case len(line) > 1 && line[len(line)-1] == ':' && !bytes.HasPrefix(line, []byte("  - ")):
		p.held, p.heldN = bytes.Clone(line), n
		return nil
	}
	return p.body(line, n)
}

// body places a line that does not start a message.
func (p *qceParser) body(line []byte, n int) error {
	if p.cur == nil {
		if len(bytes.TrimSpace(line)) == 0 || qceNumberLine(line) {
			return nil
		}
		if p.junk == nil {
			w := i18n.E("ingest.qcetxt.unread", i18n.E("ingest.qcetxt.outside"))
			p.junk = &Bad{Pos: Pos{Line: n}, Reason: w.Error(), Why: w}
		} else {
			p.junk.Raw = append(p.junk.Raw, '\n')
		}
		if len(p.junk.Raw) < csvMaxRaw {
			p.junk.Raw = append(p.junk.Raw, line[:min(len(line), csvMaxRaw-len(p.junk.Raw))]...)
		}
		return nil
	}
	s := string(line)
	switch {
	case p.part == "" && strings.HasPrefix(s, "类型: "):
		return nil
	case strings.HasPrefix(s, "内容: ") && p.part == "":
		p.part = "text"
		p.text = append(p.text, s[len("内容: "):])
	case strings.HasPrefix(s, "资源: ") && strings.HasSuffix(s, " 个文件"):
		p.part = "res"
	case p.part == "res" && strings.HasPrefix(s, "  - "):
		if _, name, ok := strings.Cut(s[4:], ": "); ok && name != "" {
			p.cur.Media = append(p.cur.Media, name)
		} else {
			p.cur.Media = append(p.cur.Media, strings.TrimSuffix(s[4:], ":"))
		}
	case strings.HasPrefix(s, "提及: ") || strings.HasPrefix(s, "回复: "):
		p.part = "meta"
		p.extra = append(p.extra, s)
	case p.part == "text":
		p.text = append(p.text, s)
	default:
		if len(strings.TrimSpace(s)) > 0 {
			p.extra = append(p.extra, s)
		}
	}
	return nil
}

// qceNumberLine reports whether a line is [N], the export's number of the message after it.
func qceNumberLine(line []byte) bool {
	if len(line) < 3 || line[0] != '[' || line[len(line)-1] != ']' {
		return false
	}
	_, err := strconv.Atoi(string(line[1 : len(line)-1]))
	return err == nil
}

// start begins a message at its sender line (n) and its time.
func (p *qceParser) start(sender []byte, n int, t []byte, tn int) error {
	if err := p.flush(); err != nil {
		return err
	}
	if p.junk != nil {
		if err := p.emit(Item{Bad: p.junk}); err != nil {
			return err
		}
		p.junk = nil
	}
	name := bytes.TrimSuffix(sender, []byte(":"))
	if bytes.HasPrefix(name, []byte("[")) {
		if i := bytes.Index(name, []byte("] ")); i > 0 {
			name = name[i+2:] // [头衔] 名字
		}
	}
	at, err := csvParseTimeBytes(t)
	if err != nil || !bytes.Contains(t, []byte("-")) {
		w := i18n.E("ingest.qcetxt.unread", i18n.E("ingest.qcetxt.no-date", string(t)))
		p.junk = &Bad{Pos: Pos{Line: n}, Raw: append(append(bytes.Clone(sender), '\n'), t...), Reason: w.Error(), Why: w}
		return nil
	}
	p.cur = &Message{Kind: KindPost, Chat: p.chat, Time: at.UTC(), Pos: Pos{Line: n},
		Sender: Sender{Nickname: p.intern.get(name)}}
	p.part, p.text, p.extra = "", p.text[:0], p.extra[:0]
	return nil
}

// release gives the line held at the end of the file to the text.
func (p *qceParser) release() error {
	if p.held == nil {
		return nil
	}
	held, n := p.held, p.heldN
	p.held = nil
	return p.body(held, n)
}

// qcePlaceholders are what the export writes as a message's content when it has no text.
var qcePlaceholders = []string{"[系统消息]", "[表情消息]", "[无文本内容]"}

func (p *qceParser) flush() error {
	m := p.cur
	if m == nil {
		return nil
	}
	p.cur = nil
	for len(p.text) > 0 && strings.TrimSpace(p.text[len(p.text)-1]) == "" {
		p.text = p.text[:len(p.text)-1]
	}
	text := strings.Join(p.text, "\n")
	// [图片: 现场.jpg] and the like stand for the files the 资源 lines name.
	for _, f := range m.Media {
		for _, w := range []string{"[图片: ", "[文件: ", "[视频: ", "[语音: "} {
			text = strings.Replace(text, w+f+"]", "", 1)
		}
	}
	if strings.HasSuffix(text, "消息]") && strings.HasPrefix(text, "[") && len(m.Media) > 0 {
		text = ""
	}
	for _, ph := range qcePlaceholders {
		if text == ph {
			text = ""
		}
	}
	for _, e := range p.extra {
		if rest, ok := strings.CutPrefix(e, "提及: "); ok {
			missing := false
			for _, who := range strings.Split(rest, ", ") {
				missing = missing || !strings.Contains(text, "@"+who)
			}
			if !missing {
				continue
			}
		}
		text = strings.TrimPrefix(text+"\n"+e, "\n")
	}
	m.Text = strings.TrimSpace(text)
	m.ID = p.id(m)
	return p.emit(Item{Msg: m})
}

// id makes a message's id from its chat, time, sender and text, as qqtxt does.
func (p *qceParser) id(m *Message) string {
	sec := m.Time.Unix()
	h := qqtxtHash(14695981039346656037, m.Chat.ID)
	for i := range 8 {
		h = (h ^ uint64(byte(sec>>(8*i)))) * 1099511628211
	}
	h = qqtxtHash(h, m.Sender.Nickname)
	h = qqtxtHash(h, m.Text)
	if sec != p.second {
		p.second = sec
		clear(p.repeats)
	}
	p.repeats[h]++
	id := "qce-" + strconv.FormatUint(h, 16)
	if n := p.repeats[h]; n > 1 {
		id += "-" + strconv.Itoa(n)
	}
	return id
}
