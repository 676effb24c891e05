package ingest

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"qunshen/model"
)

// The payload of a post's submission is the post's JSON as encoding/json writes it. An import
// of a million posts spends a fifth of its time in encoding/json's reflection over model.Post,
// which is most of what it encodes, so the posts an import brings (no history, times in UTC)
// are written by appendPostJSON, field by field, byte for byte what encoding/json writes:
// FuzzAppendPostJSON holds it to encoding/json, and TestAppendPostJSONKnowsEveryField fails
// when model.Post gains a field that it does not write. Everything else goes to
// encoding/json. The bytes are the event's payload: they are hashed once, by the machine that
// makes the event, and carried as they are.

// postPayload is the JSON of a submitted post.
func postPayload(p *model.Post) ([]byte, error) {
	if out, ok := appendPostJSON(make([]byte, 0, 256+len(p.Title)+len(p.Body)), p); ok {
		return out, nil
	}
	return json.Marshal(p)
}

// postJSONFields are the JSON names of model.Post that appendPostJSON writes, in order.
var postJSONFields = []string{"id", "group", "author", "time", "title", "body", "attachments",
	"category", "major", "confidential", "source", "forwarded", "from_history", "findings",
	"status", "reason", "history", "disputed", "pinned", "recalled"}

// appendPostJSON appends the JSON of a post as encoding/json writes it. It reports false,
// having appended nothing, for what it leaves to encoding/json: a post with a history, or
// with a time that is not in UTC.
func appendPostJSON(dst []byte, p *model.Post) ([]byte, bool) {
	if len(p.History) > 0 || !jsonTimeOK(p.Time) || (!p.Recalled.IsZero() && !jsonTimeOK(p.Recalled)) {
		return dst, false
	}
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, p.ID)
	dst = append(dst, `,"group":`...)
	dst = appendJSONString(dst, p.Group)
	dst = append(dst, `,"author":`...)
	dst = appendJSONString(dst, p.Author)
	dst = append(dst, `,"time":`...)
	dst = appendJSONTime(dst, p.Time)
	dst = appendJSONField(dst, `,"title":`, p.Title)
	dst = appendJSONField(dst, `,"body":`, p.Body)
	if len(p.Attachments) > 0 {
		dst = append(dst, `,"attachments":[`...)
		for i, a := range p.Attachments {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, a)
		}
		dst = append(dst, ']')
	}
	dst = appendJSONField(dst, `,"category":`, p.Category)
	dst = appendJSONTrue(dst, `,"major":true`, p.Major)
	dst = appendJSONTrue(dst, `,"confidential":true`, p.Confidential)
	dst = appendJSONField(dst, `,"source":`, p.Source)
	dst = appendJSONField(dst, `,"forwarded":`, p.Forwarded)
	dst = appendJSONTrue(dst, `,"from_history":true`, p.FromHistory)
	if len(p.Findings) > 0 {
		dst = append(dst, `,"findings":[`...)
		for i := range p.Findings {
			f := &p.Findings[i]
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"rule":`...)
			dst = appendJSONString(dst, f.Rule)
			dst = append(dst, `,"category":`...)
			dst = appendJSONString(dst, f.Category)
			dst = append(dst, `,"clause":`...)
			dst = appendJSONString(dst, f.Clause)
			dst = append(dst, `,"severity":`...)
			dst = appendJSONString(dst, f.Severity)
			dst = append(dst, `,"start":`...)
			dst = strconv.AppendInt(dst, int64(f.Start), 10)
			dst = append(dst, `,"end":`...)
			dst = strconv.AppendInt(dst, int64(f.End), 10)
			dst = appendJSONField(dst, `,"field":`, f.Field)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = appendJSONField(dst, `,"status":`, string(p.Status))
	dst = appendJSONField(dst, `,"reason":`, p.Reason)
	dst = appendJSONTrue(dst, `,"disputed":true`, p.Disputed)
	dst = appendJSONTrue(dst, `,"pinned":true`, p.Pinned)
	if !p.Recalled.IsZero() {
		dst = append(dst, `,"recalled":`...)
		dst = appendJSONTime(dst, p.Recalled)
	}
	return append(dst, '}'), true
}

// jsonTimeOK reports whether appendJSONTime writes t as time.Time's MarshalJSON does: a UTC
// time of the years MarshalJSON takes.
func jsonTimeOK(t time.Time) bool {
	return t.Location() == time.UTC && t.Year() >= 0 && t.Year() <= 9999
}

func appendJSONTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}

// appendJSONField appends a field left out when empty (omitempty).
func appendJSONField(dst []byte, key string, v string) []byte {
	if v == "" {
		return dst
	}
	return appendJSONString(append(dst, key...), v)
}

func appendJSONTrue(dst []byte, field string, v bool) []byte {
	if !v {
		return dst
	}
	return append(dst, field...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes it: with <, > and & escaped for
// HTML, U+2028 and U+2029 escaped, \b \f \n \r \t as such, other control characters as \u00XX,
// and each byte of invalid UTF-8 written as U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
		default:
			i += size
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
