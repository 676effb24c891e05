package storage

import (
	"bytes"
	"time"
	"unicode/utf8"

	"qunshen/model"
)

// decodeContentJSON is the fast path of reading a post's content: it reads what
// appendPostJSON writes — its fields in its order, times in UTC as RFC 3339, strings with the
// escapes it writes — into what the general decoder would make of the same bytes, and reports
// false for anything else, which is left to the general decoder (decodePost). A bundle of
// decisions reads a post an event. FuzzPostContent holds it to the general decoder.
func decodeContentJSON(b []byte, p *model.Post) bool { return readContentJSON(b, p, false, nil) }

// decodeContentLean reads a content as decodeContentJSON does but for the author's text —
// title, body, attachments — which it passes over, left empty: what a decision on the post
// reads of it is the rest (txState.Post), and the text is the most of what reading costs. It
// only finds where each string of the text ends, so it may take a text that the other readers
// refuse; the text is copied as it is, or read when it is needed, and refused then. The
// strings k knows are given as k holds them (known).
func decodeContentLean(b []byte, p *model.Post, k *known) bool { return readContentJSON(b, p, true, k) }

func readContentJSON(b []byte, p *model.Post, lean bool, k *known) bool {
	r := hdrReader{b: b, k: k}
	if !r.lit("{") || !r.word(`"id":`, &p.ID) || !r.word(`,"group":`, &p.Group) || !r.field(`,"author":`, &p.Author) ||
		!r.lit(`,"time":`) {
		return false
	}
	var ok bool
	if p.Time, ok = r.time(); !ok {
		return false
	}
	// text reads an optional field, left out when empty; authored passes over the author's
	// text when lean.
	text := func(key string, dst *string) bool {
		return !bytes.HasPrefix(b[r.i:], []byte(key)) || r.field(key, dst)
	}
	authored := func(key string, dst *string) bool {
		if lean {
			return !r.lit(key) || r.skipQuoted()
		}
		return text(key, dst)
	}
	flag := func(field string, dst *bool) {
		*dst = r.lit(field)
	}
	if !authored(`,"title":`, &p.Title) || !authored(`,"body":`, &p.Body) {
		return false
	}
	if r.lit(`,"attachments":[`) {
		ok := r.list(func() bool {
			if lean {
				return r.skipQuoted()
			}
			a, ok := r.quoted()
			p.Attachments = append(p.Attachments, a)
			return ok
		})
		if !ok {
			return false
		}
	}
	if bytes.HasPrefix(b[r.i:], []byte(`,"category":`)) && !r.word(`,"category":`, &p.Category) {
		return false
	}
	flag(`,"major":true`, &p.Major)
	flag(`,"confidential":true`, &p.Confidential)
	if !text(`,"source":`, &p.Source) || !text(`,"forwarded":`, &p.Forwarded) {
		return false
	}
	flag(`,"from_history":true`, &p.FromHistory)
	if r.lit(`,"findings":[`) {
		ok := r.list(func() bool {
			p.Findings = append(p.Findings, model.Finding{})
			return r.finding(&p.Findings[len(p.Findings)-1])
		})
		if !ok {
			return false
		}
	}
	// What review decides is in the header; a content that holds it is left to the general
	// decoder.
	return r.lit("}") && r.i == len(b)
}

// finding reads one finding, as appendPostJSON writes it.
func (r *hdrReader) finding(f *model.Finding) bool {
	if !r.lit("{") || !r.word(`"rule":`, &f.Rule) || !r.word(`,"category":`, &f.Category) ||
		!r.word(`,"clause":`, &f.Clause) || !r.word(`,"severity":`, &f.Severity) {
		return false
	}
	var ok bool
	if !r.lit(`,"start":`) {
		return false
	}
	if f.Start, ok = r.int(); !ok || !r.lit(`,"end":`) {
		return false
	}
	if f.End, ok = r.int(); !ok {
		return false
	}
	if bytes.HasPrefix(r.b[r.i:], []byte(`,"field":`)) && !r.word(`,"field":`, &f.Field) {
		return false
	}
	return r.lit("}")
}

// known are strings that a reader gives as they are when it reads the same, rather than a
// copy of its own: the id of the post it looks for, and the words that repeat from post to
// post (groups, categories, the rules, clauses and severities of findings), which it adds as
// it meets them. One reader's: a map is not for two goroutines.
type known struct {
	id    string
	words map[string]string
}

// word reads key and a string as field does; a string that the reader's known strings hold is
// given as they hold it, and one without escapes that they do not hold is added to them.
func (r *hdrReader) word(key string, dst *string) bool {
	if r.k == nil {
		return r.field(key, dst)
	}
	if !r.lit(key) {
		return false
	}
	at := r.i
	if raw, ok := r.str(); ok { // without escapes: looked up by its bytes
		w, held := r.k.words[string(raw)]
		switch {
		case held:
			*dst = w
		case string(raw) == r.k.id:
			*dst = r.k.id
		default:
			*dst = string(raw)
			r.k.words[*dst] = *dst
		}
		return true
	}
	r.i = at // with escapes: read as quoted reads it
	var ok bool
	*dst, ok = r.quoted()
	return ok
}

// field reads key, then a string as quoted does, into dst.
func (r *hdrReader) field(key string, dst *string) bool {
	if !r.lit(key) {
		return false
	}
	var ok bool
	*dst, ok = r.quoted()
	return ok
}

// int reads an integer as strconv.AppendInt writes one: no leading zeros, no plus, and few
// enough digits that it cannot overflow.
func (r *hdrReader) int() (int, bool) {
	neg := r.lit("-")
	start, n := r.i, 0
	for r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9' && r.i-start < 18 {
		n = n*10 + int(r.b[r.i]-'0')
		r.i++
	}
	digits := r.i - start
	if digits == 0 || (digits > 1 && r.b[start] == '0') || (r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9') {
		return 0, false
	}
	if neg {
		if n == 0 {
			return 0, false // -0 is left to the general decoder
		}
		n = -n
	}
	return n, true
}

// skipQuoted passes over a string: to the quote that is not escaped by a backslash.
func (r *hdrReader) skipQuoted() bool {
	if !r.lit(`"`) {
		return false
	}
	for {
		end := bytes.IndexByte(r.b[r.i:], '"')
		if end < 0 {
			return false
		}
		q, slashes := r.i+end, 0
		for k := q - 1; k >= r.i && r.b[k] == '\\'; k-- {
			slashes++
		}
		r.i = q + 1
		if slashes%2 == 0 {
			return true
		}
	}
}

// quoted reads a string with the escapes appendJSONString writes (\", \\, \n, \r, \t and
// \uXXXX of a character outside the surrogates), of valid UTF-8 and no control characters, as
// a Go string of its own: the text of a post or a header.
func (r *hdrReader) quoted() (string, bool) {
	if !r.lit(`"`) {
		return "", false
	}
	start := r.i
	end := bytes.IndexByte(r.b[start:], '"')
	if end < 0 {
		return "", false
	}
	if raw := r.b[start : start+end]; bytes.IndexByte(raw, '\\') < 0 {
		for _, c := range raw {
			if c < 0x20 {
				return "", false
			}
		}
		if !utf8.Valid(raw) {
			return "", false
		}
		r.i = start + end + 1
		return string(raw), true
	}
	out := make([]byte, 0, end)
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			if !utf8.Valid(out) {
				return "", false
			}
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			r.i++
			continue
		}
		if r.i+1 >= len(r.b) {
			return "", false
		}
		switch e := r.b[r.i+1]; e {
		case '"', '\\':
			out = append(out, e)
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if r.i+6 > len(r.b) {
				return "", false
			}
			v := rune(0)
			for _, h := range r.b[r.i+2 : r.i+6] {
				var d byte
				switch {
				case h >= '0' && h <= '9':
					d = h - '0'
				case h >= 'a' && h <= 'f':
					d = h - 'a' + 10
				case h >= 'A' && h <= 'F':
					d = h - 'A' + 10
				default:
					return "", false
				}
				v = v<<4 | rune(d)
			}
			if v >= 0xd800 && v <= 0xdfff {
				return "", false
			}
			out = utf8.AppendRune(out, v)
			r.i += 4
		default:
			return "", false
		}
		r.i += 2
	}
	return "", false
}

// hdrReader reads the JSON of a header from b at i.
type hdrReader struct {
	b []byte
	i int
	k *known // nil: every string read is a copy of its own
}

// list reads the items of an array whose "[" was read, each with item, and its "]".
func (r *hdrReader) list(item func() bool) bool {
	for {
		if !item() {
			return false
		}
		if r.lit("]") {
			return true
		}
		if !r.lit(",") {
			return false
		}
	}
}

func (r *hdrReader) lit(s string) bool {
	if !bytes.HasPrefix(r.b[r.i:], []byte(s)) {
		return false
	}
	r.i += len(s)
	return true
}

// str reads a string without escapes, of valid UTF-8 and no control characters, and returns
// its content in b.
func (r *hdrReader) str() ([]byte, bool) {
	if !r.lit(`"`) {
		return nil, false
	}
	start := r.i
	for ; r.i < len(r.b); r.i++ {
		switch c := r.b[r.i]; {
		case c == '"':
			s := r.b[start:r.i]
			r.i++
			return s, utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// time reads a time as appendJSONTime writes one in UTC: 2006-01-02T15:04:05.999999999Z.
func (r *hdrReader) time() (time.Time, bool) {
	s, ok := r.str()
	if !ok {
		return time.Time{}, false
	}
	return parseUTCTime(s)
}

// parseUTCTime reads 2006-01-02T15:04:05Z with 1 to 9 digits of a second's fraction or none,
// as time.Time's UnmarshalJSON reads it, and reports false for any other form and for a date
// or time out of range (left to UnmarshalJSON, which says what is wrong).
func parseUTCTime(s []byte) (time.Time, bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[len(s)-1] != 'Z' {
		return time.Time{}, false
	}
	num := func(b []byte) (int, bool) {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(s[0:4])
	month, ok2 := num(s[5:7])
	day, ok3 := num(s[8:10])
	hour, ok4 := num(s[11:13])
	minute, ok5 := num(s[14:16])
	sec, ok6 := num(s[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return time.Time{}, false
	}
	nsec := 0
	if frac := s[19 : len(s)-1]; len(frac) > 0 {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		n, ok := num(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			n *= 10
		}
		nsec = n
	}
	// The last day of the month is day 0 of the next.
	if month < 1 || month > 12 || day < 1 || day > time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}
