package ingest

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
	"unsafe"
)

// decodeQueueLine is the fast path of ParseQueueLine: a decoder written for queueLine
// alone, into q, which must be zero. It reports ok only when it has decoded the line
// into exactly what encoding/json.Unmarshal would have made of it (the queue format's
// reference). For anything it does not handle with certainty (a syntax or type error,
// a key that matches a field only by a non-ASCII case fold, null inside a list, deep
// nesting) it reports !ok, leaving q in an unspecified state, and the caller decodes
// the line the general way, which also words the error.
//
// It takes only lines that are valid UTF-8 (encoding/json would replace invalid bytes
// with U+FFFD; ParseQueueLine refuses them): outside strings JSON allows only ASCII, and
// the content of strings is checked as it is scanned.
//
// The strings of the line are copied out of b, which the caller may reuse (bufio.Scanner
// does) while the record lives on: all into one buffer as long as b, as no string is
// longer decoded than quoted.
func decodeQueueLine(b []byte, q *queueLine) (ok bool) {
	d := lineDec{b: b}
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
		var f queueField
		if b[i] == '"' {
			if f = q.field(b[ks:i]); f == (queueField{}) {
				f = q.fieldFold(b[ks:i])
			}
			i++
		} else if i, f, ok = escapedKey(b, ks, q); !ok {
			return false
		}
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return false
		}

		// The value. A repeated key sets its field again: the last one wins.
		switch {
		case f.s != nil:
			switch {
			case b[i] == '"':
				var s string
				if i, s, ok = d.str(i + 1); !ok {
					return false
				}
				*f.s = s
			case hasLit(b, i, "null"): // leaves the field as it was
				i += 4
			default:
				return false
			}
		case f.b != nil:
			switch {
			case hasLit(b, i, "true"):
				*f.b = true
				i += 4
			case hasLit(b, i, "false"):
				*f.b = false
				i += 5
			case hasLit(b, i, "null"):
				i += 4
			default:
				return false
			}
		case f.l != nil:
			if i, ok = d.list(i, f.l); !ok {
				return false
			}
		default:
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

// queueField is the field of queueLine a key names, by kind; all nil for a key that
// names none.
type queueField struct {
	s *string
	b *bool
	l *[]string
}

// qMaxKey is the length of the longest field name of queueLine: a longer key names no field.
const qMaxKey = len("nickname_rule")

// field finds the field a key names exactly.
func (q *queueLine) field(k []byte) queueField {
	switch string(k) {
	case "type":
		return queueField{s: &q.Type}
	case "id":
		return queueField{s: &q.ID}
	case "name":
		return queueField{s: &q.Name}
	case "kind":
		return queueField{s: &q.Kind}
	case "platform":
		return queueField{s: &q.Platform}
	case "owner":
		return queueField{s: &q.Owner}
	case "admins":
		return queueField{l: &q.Admins}
	case "branch":
		return queueField{s: &q.Branch}
	case "purpose":
		return queueField{s: &q.Purpose}
	case "nickname_rule":
		return queueField{s: &q.NicknameRule}
	case "approved_by":
		return queueField{s: &q.ApprovedBy}
	case "approved_at":
		return queueField{s: &q.ApprovedAt}
	case "filing_no":
		return queueField{s: &q.FilingNo}
	case "project_end":
		return queueField{s: &q.ProjectEnd}
	case "real_name":
		return queueField{b: &q.RealName}
	case "group":
		return queueField{s: &q.Group}
	case "nickname":
		return queueField{s: &q.Nickname}
	case "role":
		return queueField{s: &q.Role}
	case "party_member":
		return queueField{b: &q.PartyMember}
	case "joined":
		return queueField{s: &q.Joined}
	case "last_active":
		return queueField{s: &q.LastActive}
	case "author":
		return queueField{s: &q.Author}
	case "time":
		return queueField{s: &q.Time}
	case "title":
		return queueField{s: &q.Title}
	case "body":
		return queueField{s: &q.Body}
	case "attachments":
		return queueField{l: &q.Attachments}
	case "major":
		return queueField{b: &q.Major}
	case "confidential":
		return queueField{b: &q.Confidential}
	case "category":
		return queueField{s: &q.Category}
	case "reporter":
		return queueField{s: &q.Reporter}
	case "member":
		return queueField{s: &q.Member}
	case "post":
		return queueField{s: &q.Post}
	case "text":
		return queueField{s: &q.Text}
	}
	return queueField{}
}

// fieldFold finds the field an ASCII key names, as encoding/json does: the exact name
// first, then a name equal but for the case of letters. The field names are distinct in
// lower case, so at most one can match.
func (q *queueLine) fieldFold(k []byte) queueField {
	if f := q.field(k); f != (queueField{}) || len(k) > qMaxKey {
		return f
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
		return queueField{}
	}
	return q.field(low[:len(k)])
}

// lineDec copies the strings of a line into one buffer.
//
// buf is as long as the line and becomes strings piece by piece: every string made of
// it lies below w, and nothing is written below w, so those strings never change.
// Writing at w never outruns the reading: w is at most the index of the byte being read.
type lineDec struct {
	b   []byte
	buf []byte // allocated at the first string kept
	w   int
}

// str reads a JSON string whose content starts at b[i] and returns the index after its
// closing quote and the string decoded, as encoding/json decodes it: a \u escape of a
// lone or misordered surrogate becomes U+FFFD. It checks that the content is valid UTF-8.
func (d *lineDec) str(i int) (next int, s string, ok bool) {
	b := d.b
	if d.buf == nil {
		d.buf = make([]byte, len(b))
	}
	buf := d.buf
	w0, w := d.w, d.w
	for {
		if i+8 <= len(b) {
			// Eight bytes at a time while they are plain ASCII, copied whole: the
			// lowest byte flagged in m is the first that is not (the flags above it may
			// be false), and what is copied past it is written over or left unused.
			x := binary.LittleEndian.Uint64(b[i:])
			binary.LittleEndian.PutUint64(buf[w:], x)
			m := ((x-lsb*0x20)&^x | hasZero(x^(lsb*'"')) | hasZero(x^(lsb*'\\')) | x) & msb
			if m == 0 {
				i += 8
				w += 8
				continue
			}
			n := bits.TrailingZeros64(m) >> 3
			i += n
			w += n
		} else {
			for i < len(b) && strASCII[b[i]] {
				buf[w] = b[i]
				i++
				w++
			}
			if i >= len(b) {
				return 0, "", false
			}
		}
		switch c := b[i]; {
		case c == '"':
			d.w = w
			if w == w0 {
				return i + 1, "", true
			}
			return i + 1, unsafe.String(&buf[w0], w-w0), true
		case c == '\\':
			if i, w, ok = unescape(b, buf, i, w); !ok {
				return 0, "", false
			}
		case c >= utf8.RuneSelf:
			// A run of non-ASCII characters. Chinese text is mostly runes of three bytes
			// led by 0xe1-0xec or 0xee-0xef, which need no check beyond their form: two
			// such runes at a time, then one, then any rune.
			for i+14 <= len(b) {
				x := binary.LittleEndian.Uint64(b[i:])
				y := binary.LittleEndian.Uint64(b[i+6:])
				if x&0xc0c0f0c0c0f0 != 0x8080e08080e0 || y&0xc0c0f0c0c0f0 != 0x8080e08080e0 ||
					!plain3[byte(x)] || !plain3[byte(x>>24)] || !plain3[byte(y)] || !plain3[byte(y>>24)] {
					break
				}
				binary.LittleEndian.PutUint64(buf[w:], x)
				binary.LittleEndian.PutUint64(buf[w+6:], y)
				i += 12
				w += 12
			}
			for i+8 <= len(b) {
				x := binary.LittleEndian.Uint64(b[i:])
				if x&0xc0c0f0c0c0f0 != 0x8080e08080e0 || !plain3[byte(x)] || !plain3[byte(x>>24)] {
					break
				}
				binary.LittleEndian.PutUint64(buf[w:], x)
				i += 6
				w += 6
			}
			for i < len(b) && b[i] >= utf8.RuneSelf {
				n := 3
				if i+2 >= len(b) || !plain3[b[i]] || b[i+1]&0xc0 != 0x80 || b[i+2]&0xc0 != 0x80 {
					if n = utf8Len(b, i); n == 0 {
						return 0, "", false
					}
				}
				w += copy(buf[w:], b[i:i+n])
				i += n
			}
		default: // a control byte
			return 0, "", false
		}
	}
}

// list reads a list field's value at b[i] into *l: null or an array of strings. Null
// inside the array is refused: encoding/json leaves such an element as an earlier value
// of the same key left it.
func (d *lineDec) list(i int, l *[]string) (int, bool) {
	b := d.b
	if hasLit(b, i, "null") {
		*l = nil
		return i + 4, true
	}
	if b[i] != '[' {
		return 0, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		*l = []string{}
		return i + 1, true
	}
	var small [8]string
	elems := small[:0]
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		var s string
		var ok bool
		if i, s, ok = d.str(i + 1); !ok {
			return 0, false
		}
		elems = append(elems, s)
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			v := make([]string, len(elems))
			copy(v, elems)
			*l = v
			return i + 1, true
		default:
			return 0, false
		}
	}
}
