package ingest

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-json"

	"qunshen/internal/i18n"
)

// WeCom message archive (企业微信 会话内容存档): the decrypted messages that the archive SDK hands
// out, one JSON object per line, as an organisation's archive tool writes them:
//
//	{"msgid":"1001","action":"send","from":"zhangsan","tolist":["lisi"],"roomid":"wrAbc","msgtime":1717380000000,"msgtype":"text","text":{"content":"大家好"}}
//
// Each message's body is under the key of its msgtype ("text", "image", "file" …), but for
// markdown and news (under "info") and docmsg (under "doc"); a vote has its fields at the top.

func init() {
	Register(Parser{
		Name:     "wecom",
		Platform: "企业微信",
		Title:    "WeCom message archive (企业微信 会话内容存档), JSON Lines",
		Order:    20,
		Detect:   wecomDetect,
		Parse:    wecomParse,
	})
}

// wecomDetect accepts a head whose first line is a JSON object with "msgid", and where some
// line has both "msgid" and "msgtime" (the first record may be a switch, which has no msgtime).
func wecomDetect(head []byte) bool {
	head = TrimBOM(head)
	head = bytes.TrimLeft(head, " \t\r\n")
	first := textFirstLine(head)
	if len(first) == 0 || first[0] != '{' || !bytes.Contains(first, []byte(`"msgid"`)) {
		return false
	}
	for len(head) > 0 {
		line := textFirstLine(head)
		if bytes.Contains(line, []byte(`"msgid"`)) && bytes.Contains(line, []byte(`"msgtime"`)) {
			return true
		}
		i := bytes.IndexByte(head, '\n')
		if i < 0 {
			break
		}
		head = head[i+1:]
	}
	return false
}

// wecomNumber is a number that some archive tools write as a JSON string.
type wecomNumber int64

func (n *wecomNumber) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	b = bytes.Trim(b, `"`)
	if len(b) == 0 {
		return nil
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(b), 64)
		if ferr != nil || f != f || f > 1<<62 || f < -(1<<62) {
			return fmt.Errorf("not a number: %.40s", b)
		}
		v = int64(f)
	}
	*n = wecomNumber(v)
	return nil
}

// wecomStamp is msgtime: a number, and whether the line has one (Tencent's own examples
// write "msgtime":0).
type wecomStamp struct {
	wecomNumber
	set bool
}

func (n *wecomStamp) UnmarshalJSON(b []byte) error {
	if err := n.wecomNumber.UnmarshalJSON(b); err != nil {
		return err
	}
	n.set = !bytes.Equal(b, []byte("null"))
	return nil
}

type wecomItem struct {
	Type    string `json:"type"`
	Content string `json:"content"`
}

type wecomTitled struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Content     string `json:"content"`
	LinkURL     string `json:"link_url"`
	URL         string `json:"url"`
}

// wecomRecord holds what is read of a line: only the fields that become text or media, so that
// a field of an unexpected type elsewhere does not spoil the line.
type wecomRecord struct {
	MsgID   string      `json:"msgid"`
	Action  string      `json:"action"`
	From    string      `json:"from"`
	RoomID  string      `json:"roomid"`
	MsgTime wecomStamp  `json:"msgtime"`
	MsgType string      `json:"msgtype"`
	Time    wecomNumber `json:"time"` // switch
	User    string      `json:"user"` // switch

	Text *struct {
		Content string `json:"content"`
	} `json:"text"`
	Info *struct { // markdown, news, qydiskfile
		Content  string        `json:"content"`
		Item     []wecomTitled `json:"item"`
		Filename string        `json:"filename"`
	} `json:"info"`
	File *struct {
		Filename string `json:"filename"`
	} `json:"file"`
	Link   *wecomTitled                `json:"link"`
	Weapp  *wecomTitled                `json:"weapp"`
	Doc    *wecomTitled                `json:"doc"`
	Todo   *wecomTitled                `json:"todo"`
	Mixed  *struct{ Item []wecomItem } `json:"mixed"`
	Revoke *struct {
		PreMsgID string `json:"pre_msgid"`
	} `json:"revoke"`
	ChatRecord *struct {
		Title string      `json:"title"`
		Item  []wecomItem `json:"item"`
	} `json:"chatrecord"`
	VoteTitle string      `json:"votetitle"`
	VoteItem  []string    `json:"voteitem"`
	VoteType  wecomNumber `json:"votetype"`
	Vote      *struct {
		VoteTitle string      `json:"votetitle"`
		VoteItem  []string    `json:"voteitem"`
		VoteType  wecomNumber `json:"votetype"`
	} `json:"vote"`
	Meeting *struct {
		Topic string `json:"topic"`
	} `json:"meeting"`
	RedPacket *struct {
		Wish string `json:"wish"`
	} `json:"redpacket"`
	Location *struct {
		Title   string `json:"title"`
		Address string `json:"address"`
	} `json:"location"`
	Calendar *struct {
		Title   string `json:"title"`
		Place   string `json:"place"`
		Remarks string `json:"remarks"`
	} `json:"calendar"`
	Collect *struct {
		RoomName string `json:"room_name"`
		Title    string `json:"title"`
	} `json:"collect"`
	SphFeed *struct {
		SphName string `json:"sph_name"`
	} `json:"sphfeed"`
}

// wecomSystemTypes are records of the archive that are not a member's message.
var wecomSystemTypes = map[string]bool{
	"agree": true, "disagree": true, "meeting_voice_call": true, "voip_doc_share": true,
	"voiptext": true, "meeting_notification": true,
}

// wecomMediaTypes are messages whose content is a file of a kind: noted by that kind.
var wecomMediaTypes = map[string]bool{
	"image": true, "voice": true, "video": true, "emotion": true, "card": true,
}

func wecomParse(r io.Reader, file string, emit func(Item) error) error {
	lines := newCSVLines(r, csvMaxRecord)
	unknown := map[string]bool{}
	var last time.Time // the time of the message before
	zero, zeroLine := 0, 0
	for {
		line, over, err := lines.read()
		if err == io.EOF {
			if zero > 0 {
				return emit(noticeItem(i18n.E("ingest.wecom.zero-time", Pos{Line: zeroLine}.At(file), zero)))
			}
			return nil
		}
		if err != nil {
			return &Error{File: file, Pos: Pos{Line: lines.line + 1, Offset: lines.next}, Msg: err.Error()}
		}
		if lines.line == 1 {
			line = TrimBOM(line)
		}
		pos := Pos{Line: lines.line, Offset: lines.off}
		if over {
			if err := emit(badItem(pos, bytes.Clone(line[:min(len(line), csvMaxRaw)]), i18n.E("ingest.line-long", csvMaxRecord>>20))); err != nil {
				return err
			}
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		msg, unknownType, why := wecomMessage(line, pos)
		if why != nil {
			if err := emit(badItem(pos, bytes.Clone(line[:min(len(line), csvMaxRaw)]), why)); err != nil {
				return err
			}
			continue
		}
		if msg.Time.IsZero() {
			if last.IsZero() {
				if err := emit(badItem(pos, bytes.Clone(line[:min(len(line), csvMaxRaw)]), i18n.E("ingest.wecom.zero-first"))); err != nil {
					return err
				}
				continue
			}
			msg.Time = last
			if zero++; zero == 1 {
				zeroLine = pos.Line
			}
		}
		last = msg.Time
		if unknownType != "" && !unknown[unknownType] {
			unknown[unknownType] = true
			if err := emit(noticeItem(i18n.E("ingest.note.at", pos.At(file), i18n.E("ingest.wecom.unknown-type", unknownType)))); err != nil {
				return err
			}
		}
		if err := emit(Item{Msg: msg}); err != nil {
			return err
		}
	}
}

// wecomMessage reads one line; why says why it cannot be read, unknownType names a message
// type this version does not know (kept as a post with the type as media).
func wecomMessage(line []byte, pos Pos) (m *Message, unknownType string, why *i18n.Error) {
	var rec wecomRecord
	if err := json.Unmarshal(line, &rec); err != nil {
		return nil, "", i18n.E("ingest.wecom.not-json", wecomShortErr(err))
	}
	if rec.MsgID == "" {
		return nil, "", i18n.E("ingest.wecom.no-field", "msgid")
	}
	m = &Message{ID: rec.MsgID, Pos: pos, Sender: Sender{ID: rec.From}}
	if rec.RoomID != "" {
		m.Chat = Chat{ID: rec.RoomID, Type: "group"}
	} else {
		m.Chat = Chat{Type: "single"}
	}
	switch rec.Action {
	case "switch":
		if rec.Time <= 0 {
			return nil, "", i18n.E("ingest.wecom.switch-time")
		}
		m.Kind = KindSystem
		m.Time = time.UnixMilli(int64(rec.Time)).UTC()
		m.Sender = Sender{ID: rec.User}
		m.Chat = Chat{}
		return m, "", nil
	case "send", "recall", "":
	default:
		return nil, "", i18n.E("ingest.wecom.action", wecomShort(rec.Action))
	}
	switch {
	case rec.MsgTime.wecomNumber > 0:
		m.Time = time.UnixMilli(int64(rec.MsgTime.wecomNumber)).UTC()
	case rec.MsgTime.set && rec.MsgTime.wecomNumber == 0:
		// "msgtime":0: the msgid often holds the time (…_1691386670520_external); else the
		// reader gives the message the time of the one before it.
		m.Time = wecomIDTime(rec.MsgID)
	default:
		return nil, "", i18n.E("ingest.wecom.no-field", "msgtime")
	}
	if rec.Action == "recall" || rec.MsgType == "revoke" {
		if rec.Revoke == nil || rec.Revoke.PreMsgID == "" {
			return nil, "", i18n.E("ingest.wecom.recall")
		}
		m.Kind = KindRecall
		m.Target = rec.Revoke.PreMsgID
		return m, "", nil
	}
	t := rec.MsgType
	switch {
	case t == "text":
		if rec.Text != nil {
			m.Text = rec.Text.Content
		}
	case t == "markdown":
		if rec.Info != nil {
			m.Text = rec.Info.Content
		}
	case t == "news":
		m.Media = []string{"news"}
		if rec.Info != nil {
			var parts []string
			for _, it := range rec.Info.Item {
				parts = wecomAppend(parts, it.Title, it.Description, it.URL)
			}
			m.Text = strings.Join(parts, "\n")
		}
	case wecomMediaTypes[t]:
		m.Media = []string{t}
	case t == "file":
		m.Media = []string{"file"}
		if rec.File != nil && rec.File.Filename != "" {
			m.Media[0] = rec.File.Filename
		}
	case t == "qydiskfile":
		m.Media = []string{"qydiskfile"}
		if rec.Info != nil && rec.Info.Filename != "" {
			m.Media[0] = rec.Info.Filename
		}
	case t == "link" || t == "weapp" || t == "docmsg" || t == "todo":
		var v *wecomTitled
		switch t {
		case "link":
			v = rec.Link
		case "weapp":
			v = rec.Weapp
		case "docmsg":
			v = rec.Doc
		case "todo":
			v = rec.Todo
		}
		m.Media = []string{t}
		if v != nil {
			m.Text = strings.Join(wecomAppend(nil, v.Title, v.Description, v.Content, v.LinkURL, v.URL), "\n")
		}
	case t == "mixed":
		if rec.Mixed != nil {
			m.Text, m.Media = wecomItems(rec.Mixed.Item)
		}
	case t == "chatrecord":
		m.Media = []string{"chatrecord"}
		if rec.ChatRecord != nil {
			text, media := wecomItems(rec.ChatRecord.Item)
			m.Forwarded = rec.ChatRecord.Title
			m.Text = text
			m.Media = append(m.Media, media...)
		}
	case t == "vote":
		title, items, vt := rec.VoteTitle, rec.VoteItem, rec.VoteType
		if rec.Vote != nil {
			title, items, vt = rec.Vote.VoteTitle, rec.Vote.VoteItem, rec.Vote.VoteType
		}
		m.Media = []string{"vote"}
		if vt == 102 { // taking part in a vote
			m.Kind = KindSystem
			return m, "", nil
		}
		m.Text = strings.Join(wecomAppend([]string{title}, items...), "\n")
	case t == "redpacket" || t == "external_redpacket":
		m.Media = []string{"redpacket"}
		if rec.RedPacket != nil {
			m.Text = rec.RedPacket.Wish
		}
	case t == "meeting":
		m.Media = []string{"meeting"}
		if rec.Meeting != nil {
			m.Text = rec.Meeting.Topic
		}
	case t == "location":
		m.Media = []string{"location"}
		if rec.Location != nil {
			m.Text = strings.Join(wecomAppend(nil, rec.Location.Title, rec.Location.Address), "\n")
		}
	case t == "calendar":
		m.Media = []string{"calendar"}
		if rec.Calendar != nil {
			m.Text = strings.Join(wecomAppend(nil, rec.Calendar.Title, rec.Calendar.Place, rec.Calendar.Remarks), "\n")
		}
	case t == "collect":
		m.Media = []string{"collect"}
		if rec.Collect != nil {
			m.Text = strings.Join(wecomAppend(nil, rec.Collect.Title, rec.Collect.RoomName), "\n")
		}
	case t == "sphfeed":
		m.Media = []string{"sphfeed"}
		if rec.SphFeed != nil {
			m.Text = rec.SphFeed.SphName
		}
	case wecomSystemTypes[t]:
		m.Kind = KindSystem
		m.Media = []string{t}
	case t == "":
		return nil, "", i18n.E("ingest.wecom.no-field", "msgtype")
	default:
		unknownType = wecomShort(t)
		m.Media = []string{unknownType}
	}
	return m, unknownType, nil
}

// wecomIDTime is the time in milliseconds that a msgid holds after an underscore
// (4538352996756104940_1691386670520_external), or the zero time.
func wecomIDTime(id string) time.Time {
	for _, part := range strings.Split(id, "_") {
		if len(part) == 13 && strings.Trim(part, "0123456789") == "" {
			ms, err := strconv.ParseInt(part, 10, 64)
			if err == nil && ms > 1e12 {
				return time.UnixMilli(ms).UTC()
			}
		}
	}
	return time.Time{}
}

// wecomItems renders the items of a mixed message or a chat record: the text of the text items,
// one per line, and the others as media (a file by its name).
func wecomItems(items []wecomItem) (string, []string) {
	var text []string
	var media []string
	for _, it := range items {
		kind := strings.ToLower(strings.TrimPrefix(it.Type, "ChatRecord"))
		var body struct {
			Content  string `json:"content"`
			Filename string `json:"filename"`
			Title    string `json:"title"`
		}
		if strings.HasPrefix(strings.TrimSpace(it.Content), "{") {
			_ = json.Unmarshal([]byte(it.Content), &body)
		} else {
			body.Content = it.Content
		}
		switch kind {
		case "text", "markdown":
			if body.Content != "" {
				text = append(text, body.Content)
			}
		case "file":
			if body.Filename != "" {
				media = append(media, body.Filename)
			} else {
				media = append(media, "file")
			}
		case "link":
			text = wecomAppend(text, body.Title)
			media = append(media, "link")
		default:
			if kind != "" {
				media = append(media, kind)
			}
		}
	}
	return strings.Join(text, "\n"), media
}

func wecomAppend(dst []string, s ...string) []string {
	for _, v := range s {
		if v != "" {
			dst = append(dst, v)
		}
	}
	return dst
}

func wecomShort(s string) string {
	if len(s) > 40 {
		return strings.ToValidUTF8(s[:40], "") + "…"
	}
	return s
}

func wecomShortErr(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = strings.ToValidUTF8(s[:160], "") + "…"
	}
	return s
}
