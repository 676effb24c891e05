package storage

import (
	"bytes"
	"time"
	"unicode/utf8"

	"qunshen/model"
)

// decodeHeaderJSON is the fast path of reading a post's header: it reads exactly what
// appendHeaderJSON writes — its fields in its order, names without escapes, reasons with the
// escapes the encoder writes (quoted), times in UTC as RFC 3339 — into what the general decoder would make of the same bytes, and reports false for
// anything else, which is left to the general decoder (decodePost). A bundle of decisions reads
// a header an event. FuzzPostHeader holds it to the general decoder.
func decodeHeaderJSON(b []byte, h *postHeader) bool {
	r := hdrReader{b: b}
	if !r.lit("{") {
		return false
	}
	first := true
	// field reports whether the next field is key, and passes over the comma before it
	// and the key.
	field := func(key string) bool {
		j := r.i
		if !first {
			if j >= len(b) || b[j] != ',' {
				return false
			}
			j++
		}
		if !bytes.HasPrefix(b[j:], []byte(key)) {
			return false
		}
		r.i, first = j+len(key), false
		return true
	}
	var ok bool
	if field(`"status":`) {
		var s []byte
		if s, ok = r.str(); !ok {
			return false
		}
		h.Status = model.PostStatus(intern(s))
	}
	if field(`"reason":`) {
		if h.Reason, ok = r.quoted(); !ok {
			return false
		}
	}
	if field(`"history":[`) {
		ok := r.list(func() bool {
			var d model.Decision
			h.History = append(h.History, d)
			return r.decision(&h.History[len(h.History)-1])
		})
		if !ok {
			return false
		}
	}
	if field(`"disputed":true`) {
		h.Disputed = true
	}
	if field(`"pinned":true`) {
		h.Pinned = true
	}
	if field(`"recalled":`) {
		if h.Recalled, ok = r.time(); !ok {
			return false
		}
	}
	return r.lit("}") && r.i == len(b)
}

// hdrReader reads the JSON of a header from b at i.
type hdrReader struct {
	b []byte
	i int
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

// strAfter reads key, then a string, as str does. Reads after a failed one may go on from
// anywhere: a caller takes nothing unless every read succeeded.
func (r *hdrReader) strAfter(key string) ([]byte, bool) {
	if !r.lit(key) {
		return nil, false
	}
	return r.str()
}

// time reads a time as appendJSONTime writes one in UTC: 2006-01-02T15:04:05.999999999Z.
func (r *hdrReader) time() (time.Time, bool) {
	s, ok := r.str()
	if !ok {
		return time.Time{}, false
	}
	return parseUTCTime(s)
}

// decision reads one step of a history, as appendDecisionJSON writes it.
func (r *hdrReader) decision(d *model.Decision) bool {
	if !r.lit(`{"event":"`) || len(r.b)-r.i < len(d.Event)*2 {
		return false
	}
	for k := range d.Event {
		hi, ok1 := lowerHex(r.b[r.i+2*k])
		lo, ok2 := lowerHex(r.b[r.i+2*k+1])
		if !ok1 || !ok2 {
			return false
		}
		d.Event[k] = hi<<4 | lo
	}
	r.i += 2 * len(d.Event)
	kind, ok1 := r.strAfter(`","kind":`)
	actor, ok2 := r.strAfter(`,"actor":`)
	role, ok3 := r.strAfter(`,"role":`)
	if !ok1 || !ok2 || !ok3 || !r.lit(`,"time":`) {
		return false
	}
	var ok bool
	if d.Time, ok = r.time(); !ok {
		return false
	}
	if r.lit(`,"reason":`) {
		if d.Reason, ok = r.quoted(); !ok {
			return false
		}
	}
	from, ok4 := r.strAfter(`,"from":`)
	to, ok5 := r.strAfter(`,"to":`)
	if !ok4 || !ok5 {
		return false
	}
	d.Kind, d.Actor, d.Role = model.Kind(intern(kind)), string(actor), model.Role(intern(role))
	d.From, d.To = model.PostStatus(intern(from)), model.PostStatus(intern(to))
	d.Undone = r.lit(`,"undone":true`)
	d.Concurrent = r.lit(`,"concurrent":true`)
	d.Resolves = r.lit(`,"resolves":true`)
	return r.lit("}")
}

func lowerHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
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

// The names of statuses, kinds and roles recur in every header: read as the constants they
// are, they cost no allocation.
var interned = func() map[string]string {
	m := map[string]string{}
	for _, s := range model.PostStatuses {
		m[string(s)] = string(s)
	}
	for _, k := range model.Kinds() {
		m[string(k)] = string(k)
	}
	for _, r := range model.Roles {
		m[string(r)] = string(r)
	}
	return m
}()

// intern returns b as a string: the constant of that name when there is one.
func intern(b []byte) string {
	if s, ok := interned[string(b)]; ok {
		return s
	}
	return string(b)
}
