package storage

import (
	"strconv"
	"time"
	"unicode/utf8"

	"qunshen/model"
)

// appendPostJSON appends the JSON of a post as encode writes it, byte for byte, for the
// posts an import brings: it is the most of what an import
// encodes, and a general encoder spends more on finding its way through the type than on the
// text. It reports false, having appended nothing, for what it leaves to encode: a post with a
// history, or with a time that is not in UTC.
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

// appendSubmitted appends a post's JSON as its submission's payload: appendPostJSON's, or
// encode's for what that leaves.
func appendSubmitted(dst []byte, p *model.Post) ([]byte, error) {
	if out, ok := appendPostJSON(dst, p); ok {
		return out, nil
	}
	payload, err := encode(p)
	return append(dst, payload...), err
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

// appendJSONString appends s quoted as encode quotes it: with <, > and & escaped for HTML,
// U+2028 and U+2029 escaped, control characters as \u00XX but for \t, \n and \r, and each
// byte of invalid UTF-8 written as U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	valid := utf8.ValidString(s)
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
		if valid {
			// Of valid UTF-8 only U+2028 and U+2029 (E2 80 A8, E2 80 A9) are escaped.
			if c == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xa8 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xf])
				i += 3
				start = i
				continue
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
