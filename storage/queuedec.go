package storage

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeQueueLine is the fast path of ParseQueueLine: a decoder written for queueLine
// alone, into q, which must be zero. It reports ok only when it has decoded the line into exactly what
// encoding/json.Unmarshal would have made of it (the queue format's reference); for
// anything it does not handle with certainty (a syntax or type error, a key that
// matches a field only by a non-ASCII case fold, null inside a list, deep nesting) it
// reports !ok, leaves q in an unspecified state, and the caller decodes the line the
// general way, which also words the error.
//
// It takes only lines that are valid UTF-8 (encoding/json would replace invalid bytes
// with U+FFFD; ParseQueueLine refuses them): outside strings JSON allows only ASCII, and
// the content of strings is checked as it is scanned.
//
// All the strings of the line share one allocation, copied from b: the caller may reuse
// b (bufio.Scanner does) while the record lives on.
func decodeQueueLine(b []byte, q *queueLine) (ok bool) {
	if len(b) > 1<<30 {
		return false
	}
	var d queueDec
	if !d.scan(b, q) {
		return false
	}
	d.fill(b, q)
	return true
}

// The fields of queueLine by kind, numbered for queueDec.
const (
	qType = iota
	qID
	qName
	qKind
	qPlatform
	qOwner
	qBranch
	qPurpose
	qNicknameRule
	qApprovedBy
	qApprovedAt
	qFilingNo
	qProjectEnd
	qGroup
	qNickname
	qRole
	qJoined
	qLastActive
	qAuthor
	qTime
	qTitle
	qBody
	qCategory
	qReporter
	qMember
	qPost
	qText
	qStrings // how many string fields
)

const (
	qRealName = iota
	qPartyMember
	qMajor
	qConfidential
)

const (
	qAdmins = iota
	qAttachments
	qLists
)

// Kinds of a key of a queue line.
const (
	qkUnknown = iota
	qkString
	qkBool
	qkList
)

// qMaxKey is the length of the longest field name of queueLine: a longer key names no field.
const qMaxKey = len("nickname_rule")

// queueKey finds the field a key names exactly.
func queueKey(k []byte) (kind, field int) {
	switch string(k) {
	case "type":
		return qkString, qType
	case "id":
		return qkString, qID
	case "name":
		return qkString, qName
	case "kind":
		return qkString, qKind
	case "platform":
		return qkString, qPlatform
	case "owner":
		return qkString, qOwner
	case "admins":
		return qkList, qAdmins
	case "branch":
		return qkString, qBranch
	case "purpose":
		return qkString, qPurpose
	case "nickname_rule":
		return qkString, qNicknameRule
	case "approved_by":
		return qkString, qApprovedBy
	case "approved_at":
		return qkString, qApprovedAt
	case "filing_no":
		return qkString, qFilingNo
	case "project_end":
		return qkString, qProjectEnd
	case "real_name":
		return qkBool, qRealName
	case "group":
		return qkString, qGroup
	case "nickname":
		return qkString, qNickname
	case "role":
		return qkString, qRole
	case "party_member":
		return qkBool, qPartyMember
	case "joined":
		return qkString, qJoined
	case "last_active":
		return qkString, qLastActive
	case "author":
		return qkString, qAuthor
	case "time":
		return qkString, qTime
	case "title":
		return qkString, qTitle
	case "body":
		return qkString, qBody
	case "attachments":
		return qkList, qAttachments
	case "major":
		return qkBool, qMajor
	case "confidential":
		return qkBool, qConfidential
	case "category":
		return qkString, qCategory
	case "reporter":
		return qkString, qReporter
	case "member":
		return qkString, qMember
	case "post":
		return qkString, qPost
	case "text":
		return qkString, qText
	}
	return qkUnknown, 0
}

// queueKeyFold finds the field an ASCII key names, as encoding/json does: the exact
// name first, then a name equal but for the case of letters. The field names are
// distinct in lower case, so at most one can match.
func queueKeyFold(k []byte) (kind, field int) {
	if kind, field = queueKey(k); kind != qkUnknown || len(k) > qMaxKey {
		return kind, field
	}
	var low [qMaxKey]byte
	upper := false
	for i, c := range k {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
			upper = true
		}
		low[i] = c
	}
	if !upper {
		return qkUnknown, 0
	}
	return queueKey(low[:len(k)])
}

// qspan is a JSON string's content in the line, between its quotes.
type qspan struct {
	start, end int32
	esc        bool // holds escapes
}

// qlist is where a list field's elements are among queueDec's.
type qlist struct {
	set, null bool
	first, n  int32
}

// queueDec holds where the values of a line are. A key seen again replaces what the
// earlier one set, so only the last values are copied out.
type queueDec struct {
	strs  [qStrings]qspan
	set   uint32 // bit f: strs[f] is a string not empty (q starts zero: "" needs no copy)
	lists [qLists]qlist
	// The elements of lists, in the order read: the first ones in small, on the stack,
	// the rest in more.
	nelems int
	small  [16]qspan
	more   []qspan
}

func (d *queueDec) elem(k int32) *qspan {
	if int(k) < len(d.small) {
		return &d.small[k]
	}
	return &d.more[int(k)-len(d.small)]
}

func (d *queueDec) addElem(s qspan) {
	if d.nelems < len(d.small) {
		d.small[d.nelems] = s
	} else {
		d.more = append(d.more, s)
	}
	d.nelems++
}

// keyPlain[c] is true for a byte a key is decoded on the fast path with: ASCII, no
// escape, no control byte.
var keyPlain = func() (t [256]bool) {
	for i := range t {
		t[i] = i >= 0x20 && i < utf8.RuneSelf && i != '"' && i != '\\'
	}
	return
}()

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scan reads the line, recording where the values are; bools go straight into q.
func (d *queueDec) scan(b []byte, q *queueLine) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	for {
		// The key.
		if i >= len(b) || b[i] != '"' {
			return false
		}
		i++
		ks := i
		for i < len(b) && keyPlain[b[i]] {
			i++
		}
		if i >= len(b) {
			return false
		}
		var kind, field int
		if b[i] == '"' {
			kind, field = queueKeyFold(b[ks:i])
			i++
		} else {
			var ok bool
			if i, kind, field, ok = escapedKey(b, ks); !ok {
				return false
			}
		}
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return false
		}

		// The value.
		switch kind {
		case qkString:
			switch {
			case b[i] == '"':
				end, esc, ok := scanString(b, i+1)
				if !ok {
					return false
				}
				d.strs[field] = qspan{int32(i + 1), int32(end), esc}
				if end > i+1 {
					d.set |= 1 << field
				} else {
					d.set &^= 1 << field
				}
				i = end + 1
			case hasLit(b, i, "null"): // leaves the field as it was
				i += 4
			default:
				return false
			}
		case qkBool:
			var v *bool
			switch field {
			case qRealName:
				v = &q.RealName
			case qPartyMember:
				v = &q.PartyMember
			case qMajor:
				v = &q.Major
			default:
				v = &q.Confidential
			}
			switch {
			case hasLit(b, i, "true"):
				*v = true
				i += 4
			case hasLit(b, i, "false"):
				*v = false
				i += 5
			case hasLit(b, i, "null"):
				i += 4
			default:
				return false
			}
		case qkList:
			var ok bool
			if i, ok = d.list(b, i, field); !ok {
				return false
			}
		default:
			var ok bool
			if i, ok = skipValue(b, i, 0); !ok {
				return false
			}
		}

		i = skipSpace(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

// list reads a list field's value at b[i]: null or an array of strings. Null inside
// the array is refused: encoding/json leaves such an element as an earlier value of the
// same key left it.
func (d *queueDec) list(b []byte, i, field int) (int, bool) {
	if hasLit(b, i, "null") {
		d.lists[field] = qlist{set: true, null: true}
		return i + 4, true
	}
	if b[i] != '[' {
		return 0, false
	}
	l := qlist{set: true, first: int32(d.nelems)}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		d.lists[field] = l
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		end, esc, ok := scanString(b, i+1)
		if !ok {
			return 0, false
		}
		d.addElem(qspan{int32(i + 1), int32(end), esc})
		l.n++
		i = skipSpace(b, end+1)
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			d.lists[field] = l
			return i + 1, true
		default:
			return 0, false
		}
	}
}

// escapedKey reads a key that holds escapes or non-ASCII bytes, from its content at
// b[i]. Only keys that are ASCII once decoded are taken: a non-ASCII key may match a
// field by a Unicode case fold (ſ for s, the Kelvin sign for k).
func escapedKey(b []byte, i int) (next, kind, field int, ok bool) {
	var key [qMaxKey]byte
	n := 0
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			if n > qMaxKey {
				return i + 1, qkUnknown, 0, true
			}
			kind, field = queueKeyFold(key[:n])
			return i + 1, kind, field, true
		case c == '\\':
			if i+1 >= len(b) {
				return 0, 0, 0, false
			}
			switch b[i+1] {
			case '"', '\\', '/':
				c = b[i+1]
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'u':
				r, ok := hex4(b, i+2)
				if !ok || r >= utf8.RuneSelf {
					return 0, 0, 0, false
				}
				c = byte(r)
				i += 4
			default:
				return 0, 0, 0, false
			}
			i += 2
		case keyPlain[c]:
			i++
		default: // a control or non-ASCII byte
			return 0, 0, 0, false
		}
		if n < qMaxKey {
			key[n] = c
		}
		n++
	}
	return 0, 0, 0, false
}

// scanString checks a JSON string whose content starts at b[i], returning the index of
// its closing quote and whether it holds escapes. It also checks that the content is
// valid UTF-8.
func scanString(b []byte, i int) (end int, esc, ok bool) {
	for {
		// Eight bytes at a time while they are plain ASCII: the lowest byte flagged in m
		// is the first that is not (the flags above it may be false).
		for i+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[i:])
			m := ((w-lsb*0x20)&^w | hasZero(w^(lsb*'"')) | hasZero(w^(lsb*'\\')) | w) & msb
			if m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		for i < len(b) && strASCII[b[i]] {
			i++
		}
		if i >= len(b) {
			return 0, false, false
		}
		switch c := b[i]; {
		case c == '"':
			return i, esc, true
		case c == '\\':
			esc = true
			if i+1 >= len(b) {
				return 0, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := hex4(b, i+2); !ok {
					return 0, false, false
				}
				i += 6
			default:
				return 0, false, false
			}
		case c >= utf8.RuneSelf:
			// A run of non-ASCII characters. Chinese text is mostly runes of three bytes
			// led by 0xe1-0xec or 0xee-0xef, which need no check beyond their form: two
			// such runes at a time, then one, then any rune.
			for i+8 <= len(b) {
				w := binary.LittleEndian.Uint64(b[i:])
				if w&0xc0c0f0c0c0f0 != 0x8080e08080e0 || !plain3[byte(w)] || !plain3[byte(w>>24)] {
					break
				}
				i += 6
			}
			for i < len(b) && b[i] >= utf8.RuneSelf {
				if i+2 < len(b) && plain3[b[i]] && b[i+1]&0xc0 == 0x80 && b[i+2]&0xc0 == 0x80 {
					i += 3
					continue
				}
				n := utf8Len(b, i)
				if n == 0 {
					return 0, false, false
				}
				i += n
			}
		default: // a control byte
			return 0, false, false
		}
	}
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// hasZero flags (in bit 7 of the byte) the lowest zero byte of w, and maybe bytes above it.
func hasZero(w uint64) uint64 { return (w - lsb) &^ w }

// strASCII[c] is true for an ASCII byte that stands for itself inside a JSON string.
var strASCII = func() (t [256]bool) {
	for i := range t {
		t[i] = i >= 0x20 && i < utf8.RuneSelf && i != '"' && i != '\\'
	}
	return
}()

// plain3[c] is true for the first byte of a rune of three bytes whose other two bytes
// may be any continuation bytes (0x80-0xbf): 0xe0 and 0xed allow fewer.
var plain3 = func() (t [256]bool) {
	for c := 0xe1; c <= 0xef; c++ {
		t[c] = c != 0xed
	}
	return
}()

// utf8Len is the length of the valid UTF-8 encoding of a non-ASCII rune at b[i], or 0
// when the bytes there are not one.
func utf8Len(b []byte, i int) int {
	c := b[i]
	switch {
	case c < 0xc2:
		return 0
	case c < 0xe0:
		if i+1 < len(b) && b[i+1]&0xc0 == 0x80 {
			return 2
		}
	case c < 0xf0:
		if i+2 < len(b) {
			lo, hi := byte(0x80), byte(0xbf)
			switch c {
			case 0xe0:
				lo = 0xa0 // no overlong forms
			case 0xed:
				hi = 0x9f // no surrogates
			}
			if lo <= b[i+1] && b[i+1] <= hi && b[i+2]&0xc0 == 0x80 {
				return 3
			}
		}
	case c < 0xf5:
		if i+3 < len(b) {
			lo, hi := byte(0x80), byte(0xbf)
			switch c {
			case 0xf0:
				lo = 0x90 // no overlong forms
			case 0xf4:
				hi = 0x8f // nothing above U+10FFFF
			}
			if lo <= b[i+1] && b[i+1] <= hi && b[i+2]&0xc0 == 0x80 && b[i+3]&0xc0 == 0x80 {
				return 4
			}
		}
	}
	return 0
}

// hex4 reads the four hex digits of a \u escape at b[i].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// hasLit reports whether the literal lit is at b[i]. What follows it is checked by the
// caller, as a delimiter.
func hasLit(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// qMaxDepth bounds the nesting of a value skipped for an unknown key; deeper lines take
// the general path.
const qMaxDepth = 64

// skipValue checks the JSON value at b[i] and returns the index after it.
func skipValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		end, _, ok := scanString(b, i+1)
		return end + 1, ok
	case c == '{' || c == '[':
		if depth >= qMaxDepth {
			return 0, false
		}
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == closing {
			return i + 1, true
		}
		for {
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return 0, false
				}
				end, _, ok := scanString(b, i+1)
				if !ok {
					return 0, false
				}
				i = skipSpace(b, end+1)
				if i >= len(b) || b[i] != ':' {
					return 0, false
				}
				i = skipSpace(b, i+1)
			}
			var ok bool
			if i, ok = skipValue(b, i, depth+1); !ok {
				return 0, false
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return 0, false
			}
			switch b[i] {
			case ',':
				i = skipSpace(b, i+1)
			case closing:
				return i + 1, true
			default:
				return 0, false
			}
		}
	case c == '-' || '0' <= c && c <= '9':
		return skipNumber(b, i)
	case hasLit(b, i, "true"), hasLit(b, i, "null"):
		return i + 4, true
	case hasLit(b, i, "false"):
		return i + 5, true
	}
	return 0, false
}

// skipNumber checks a JSON number at b[i]: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func skipNumber(b []byte, i int) (int, bool) {
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return 0, false
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// fill copies the recorded strings out of b into one new string and sets q's string
// and list fields to slices of it.
func (d *queueDec) fill(b []byte, q *queueLine) {
	size := 0
	for m := d.set; m != 0; m &= m - 1 {
		s := &d.strs[bits.TrailingZeros32(m)]
		size += int(s.end - s.start)
	}
	nelems := 0
	if d.lists[qAdmins].set || d.lists[qAttachments].set {
		for _, l := range d.lists {
			if l.set && !l.null {
				for e := l.first; e < l.first+l.n; e++ {
					s := d.elem(e)
					size += int(s.end - s.start)
				}
				nelems += int(l.n)
			}
		}
	}

	// Decode into one buffer, then turn each span into the span it became there.
	var sb strings.Builder
	sb.Grow(size)
	put := func(s *qspan) {
		start := sb.Len()
		if s.esc {
			appendUnescaped(&sb, b[s.start:s.end])
		} else {
			sb.Write(b[s.start:s.end])
		}
		s.start, s.end = int32(start), int32(sb.Len())
	}
	for m := d.set; m != 0; m &= m - 1 {
		put(&d.strs[bits.TrailingZeros32(m)])
	}
	for _, l := range d.lists {
		if l.set && !l.null {
			for e := l.first; e < l.first+l.n; e++ {
				put(d.elem(e))
			}
		}
	}
	all := sb.String()

	ptrs := [qStrings]*string{
		qType: &q.Type, qID: &q.ID, qName: &q.Name, qKind: &q.Kind, qPlatform: &q.Platform,
		qOwner: &q.Owner, qBranch: &q.Branch, qPurpose: &q.Purpose, qNicknameRule: &q.NicknameRule,
		qApprovedBy: &q.ApprovedBy, qApprovedAt: &q.ApprovedAt, qFilingNo: &q.FilingNo,
		qProjectEnd: &q.ProjectEnd, qGroup: &q.Group, qNickname: &q.Nickname, qRole: &q.Role,
		qJoined: &q.Joined, qLastActive: &q.LastActive, qAuthor: &q.Author, qTime: &q.Time,
		qTitle: &q.Title, qBody: &q.Body, qCategory: &q.Category, qReporter: &q.Reporter,
		qMember: &q.Member, qPost: &q.Post, qText: &q.Text,
	}
	for m := d.set; m != 0; m &= m - 1 {
		f := bits.TrailingZeros32(m)
		s := d.strs[f]
		*ptrs[f] = all[s.start:s.end]
	}
	if !d.lists[qAdmins].set && !d.lists[qAttachments].set {
		return
	}

	// Both lists share one backing array; each is capped so that appending to one
	// cannot write into the other.
	var backing []string
	if nelems > 0 {
		backing = make([]string, nelems)
	}
	lists := [qLists]*[]string{qAdmins: &q.Admins, qAttachments: &q.Attachments}
	for f, l := range d.lists {
		switch {
		case !l.set:
		case l.null:
			*lists[f] = nil
		default:
			v := backing[:l.n:l.n]
			backing = backing[l.n:]
			for k := range v {
				e := d.elem(l.first + int32(k))
				v[k] = all[e.start:e.end]
			}
			if v == nil {
				v = []string{}
			}
			*lists[f] = v
		}
	}
}

// appendUnescaped decodes the content of a JSON string already checked by scanString,
// as encoding/json does: a \u escape of a lone or misordered surrogate becomes U+FFFD.
func appendUnescaped(sb *strings.Builder, s []byte) {
	for i := 0; i < len(s); {
		j := bytes.IndexByte(s[i:], '\\')
		if j < 0 {
			sb.Write(s[i:])
			return
		}
		j += i
		sb.Write(s[i:j])
		i = j + 2
		switch s[j+1] {
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		case 'u':
			r, _ := hex4(s, j+2)
			i = j + 6
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r2, _ = hex4(s, i+2)
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					sb.WriteRune(dec)
					i += 6
					continue
				}
				r = utf8.RuneError
			}
			sb.WriteRune(r)
		default: // " \ /
			sb.WriteByte(s[j+1])
		}
	}
}
