package ingest

import (
	"html"
	"strings"
)

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
			// The notice names who recalled; its row may name them too (the sender of the
			// message it replaced), where the notice's name is not known.
			if w := p.who(m.Chat.ID, names[0]); w.ID != "" || m.Sender.ID == "" {
				m.Sender = w
			}
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

// remember notes the wxid of a sender's nickname and remark in a chat. A name two senders
// have had is remembered as "": a notice that names it is not given to either here (the
// importer tells such a name apart where it can, and says so where it cannot).
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
		if n == "" {
			continue
		}
		switch prev, ok := c[n]; {
		case !ok:
			c[n] = s.ID
			p.nnicks++
		case prev != s.ID:
			c[n] = ""
		}
	}
}

// who is the member a notice names: their wxid when a message of theirs was seen, and no
// other sender had the name.
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
