package ingest

import (
	"fmt"
	"strings"

	fastjson "github.com/goccy/go-json"
)

// jsonID is an id or a count written as a number or as a string of digits.
type jsonID struct {
	s   string
	set bool
}

func (v *jsonID) UnmarshalJSON(b []byte) error {
	s, ok := jsonScalarString(b)
	if !ok {
		return fmt.Errorf("%s is neither a number nor a string", truncateBytes(b, 40))
	}
	*v = jsonID{s: s, set: string(b) != "null"}
	return nil
}

// nullStr is a string that may be null (Telegram writes null for the name of a deleted
// account).
type nullStr struct {
	s   string
	set bool
}

func (v *nullStr) UnmarshalJSON(b []byte) error {
	s, ok := jsonString(b)
	if !ok {
		return fmt.Errorf("%s is not a string", truncateBytes(b, 40))
	}
	*v = nullStr{s: s, set: true}
	return nil
}

// rawRef keeps a value as the decoder saw it, without copying: the decoder's input is its
// own copy of the record, alive as long as this refers to it.
type rawRef []byte

func (v *rawRef) UnmarshalJSON(b []byte) error {
	*v = b
	return nil
}

// tgText is a message text: a string, or an array of strings and entity objects whose
// "text" parts, joined, are the text.
type tgText struct {
	s   string
	set bool
}

type tgPart struct{ s string }

func (p *tgPart) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var o struct {
			Type string  `json:"type"`
			Text nullStr `json:"text"`
			Href nullStr `json:"href"`
		}
		if err := fastjson.Unmarshal(b, &o); err != nil {
			return err
		}
		p.s = tgLinkText(o.Text.s, o.Href.s)
		return nil
	}
	s, ok := jsonString(b)
	if !ok {
		return fmt.Errorf("a text part %s is neither a string nor an object", truncateBytes(b, 40))
	}
	p.s = s
	return nil
}

func (t *tgText) UnmarshalJSON(b []byte) error {
	s, err := joinText(b)
	if err != nil {
		return err
	}
	*t = tgText{s: s, set: true}
	return nil
}

func joinText(b []byte) (string, error) {
	if len(b) > 0 && b[0] == '[' {
		var parts []tgPart
		if err := fastjson.Unmarshal(b, &parts); err != nil {
			return "", err
		}
		n := 0
		for _, p := range parts {
			n += len(p.s)
		}
		var sb strings.Builder
		sb.Grow(n)
		for _, p := range parts {
			sb.WriteString(p.s)
		}
		return sb.String(), nil
	}
	s, ok := jsonString(b)
	if !ok {
		return "", fmt.Errorf("text %s is neither a string nor an array", truncateBytes(b, 40))
	}
	return s, nil
}

// tgLinkText is the text of a text_link entity: its words, and the address they hide after
// them in brackets, so that the checks see where a link leads (a hidden advertising or
// phishing address), unless the words are the address.
func tgLinkText(text, href string) string {
	if href == "" || strings.TrimSpace(text) == href || strings.Contains(text, href) {
		return text
	}
	return text + " (" + href + ")"
}

// tgExtras is what a message carries besides its text that the checks must see: a poll's
// question and answers, the addresses and words of its inline buttons.
func (m *tgMessage) extras() []string {
	var out []string
	if len(m.Poll) > 0 && m.Poll[0] == '{' {
		var poll struct {
			Question tgText `json:"question"`
			Answers  []struct {
				Text tgText `json:"text"`
			} `json:"answers"`
		}
		if fastjson.Unmarshal(m.Poll, &poll) == nil {
			out = wecomAppend(out, poll.Question.s)
			for _, a := range poll.Answers {
				out = wecomAppend(out, a.Text.s)
			}
		}
	}
	if len(m.Buttons) > 0 && m.Buttons[0] == '[' {
		var rows [][]struct {
			Type string `json:"type"`
			Text string `json:"text"`
			Data string `json:"data"`
		}
		if fastjson.Unmarshal(m.Buttons, &rows) == nil {
			for _, row := range rows {
				for _, b := range row {
					if b.Type == "url" || b.Type == "auth" || b.Type == "web_view" || b.Type == "simple_web_view" {
						out = wecomAppend(out, tgLinkText(b.Text, b.Data))
					} else {
						out = wecomAppend(out, b.Text)
					}
				}
			}
		}
	}
	return out
}
