package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	fastjson "github.com/goccy/go-json"
)

// jsonScanner walks a large JSON document in bounded memory. It reads the structure around
// the records itself (objects, keys, arrays) and cuts each record out whole, as raw bytes,
// for a real decoder; a value it is told to skip is passed over without being kept. Memory is
// bounded by the largest value kept (one message), never by the document.
//
// It checks what it walks: brackets must match, strings must end, keys must be strings. The
// values it cuts out or skips are checked only for their brackets and strings; a record's own
// syntax is the decoder's to judge.
type jsonScanner struct {
	r    io.Reader
	file string
	buf  []byte
	pos  int   // the next byte to read, in buf
	end  int   // buf[:end] holds data
	base int64 // the file offset of buf[0]
	mark int   // -1, or the start of a value being cut out: kept on refill
	eof  bool
	rerr error
	// stack holds the closing brackets expected while a container value is scanned.
	stack []byte
}

const (
	jsonChunk = 256 << 10
	// jsonMaxValue is the largest value that is cut out whole: a message far beyond any real
	// one (Telegram caps a text at 4,096 characters), so a hostile file cannot make the
	// reader hold gigabytes.
	jsonMaxValue = MaxJSONValue
	// jsonMaxDepth bounds the nesting of a value.
	jsonMaxDepth = 10000
)

func newJSONScanner(r io.Reader, file string) *jsonScanner {
	return &jsonScanner{r: r, file: file, buf: make([]byte, jsonChunk), mark: -1}
}

// offset is the file offset of buf[i].
func (s *jsonScanner) offset(i int) int64 { return s.base + int64(i) }

func (s *jsonScanner) errAt(off int64, format string, args ...any) *Error {
	return &Error{File: s.file, Pos: Pos{Offset: off}, Msg: fmt.Sprintf(format, args...)}
}

// more reads more of the input. Bytes before pos (or before mark, when a value is being cut
// out) are let go. It reports how far the kept bytes moved down in buf, so that a caller
// holding an index subtracts it; ok is false when nothing more can be read.
func (s *jsonScanner) more() (shift int, ok bool, err error) {
	if s.rerr != nil {
		return 0, false, s.rerr
	}
	if s.eof {
		return 0, false, nil
	}
	keep := s.pos
	if s.mark >= 0 && s.mark < keep {
		keep = s.mark
	}
	if keep > 0 {
		n := copy(s.buf, s.buf[keep:s.end])
		s.base += int64(keep)
		s.pos -= keep
		s.end = n
		if s.mark >= 0 {
			s.mark -= keep
		}
		shift = keep
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= jsonMaxValue {
			return shift, false, s.errAt(s.offset(max(s.mark, 0)), "a value longer than %d MiB: not a chat export", jsonMaxValue>>20)
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return shift, n > 0, nil
		}
		if err != nil {
			s.rerr = &Error{File: s.file, Pos: Pos{Offset: s.offset(s.end)}, Msg: "reading: " + err.Error()}
			return shift, n > 0, nil
		}
		if n > 0 {
			return shift, true, nil
		}
	}
	s.rerr = &Error{File: s.file, Pos: Pos{Offset: s.offset(s.end)}, Msg: "reading: " + io.ErrNoProgress.Error()}
	return shift, false, nil
}

// peek skips white space and returns the next byte without taking it; ok is false at the end
// of the input.
func (s *jsonScanner) peek() (byte, bool, error) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, true, nil
			}
		}
		_, ok, err := s.more()
		if err != nil {
			return 0, false, err
		}
		if !ok {
			return 0, false, s.readErr()
		}
	}
}

func (s *jsonScanner) readErr() error {
	if s.rerr != nil {
		return s.rerr
	}
	return nil
}

// eofErr is the fault of a file that ends too soon.
func (s *jsonScanner) eofErr(what string) error {
	if s.rerr != nil {
		return s.rerr
	}
	return s.errAt(s.offset(s.end), "the file ends inside %s: truncated", what)
}

// expect takes the byte c, after white space.
func (s *jsonScanner) expect(c byte, what string) error {
	got, ok, err := s.peek()
	if err != nil {
		return err
	}
	if !ok {
		return s.eofErr(what)
	}
	if got != c {
		return s.errAt(s.offset(s.pos), "expected %q in %s, found %s", c, what, describeByte(got))
	}
	s.pos++
	return nil
}

func describeByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// nextMember moves to the next member of an object whose '{' has been taken: it takes the
// separating comma, the key and its colon, and returns the key (valid until the next call on
// the scanner) and the offset of the key. ok is false after the closing '}', which it takes.
func (s *jsonScanner) nextMember(first *bool, what string) (key []byte, off int64, ok bool, err error) {
	c, ok, err := s.peek()
	if err != nil {
		return nil, 0, false, err
	}
	if !ok {
		return nil, 0, false, s.eofErr(what)
	}
	if c == '}' {
		s.pos++
		return nil, 0, false, nil
	}
	if !*first {
		if c != ',' {
			return nil, 0, false, s.errAt(s.offset(s.pos), "expected ',' or '}' in %s, found %s", what, describeByte(c))
		}
		s.pos++
		if c, ok, err = s.peek(); err != nil {
			return nil, 0, false, err
		} else if !ok {
			return nil, 0, false, s.eofErr(what)
		}
	}
	*first = false
	if c != '"' {
		return nil, 0, false, s.errAt(s.offset(s.pos), "expected a key in %s, found %s", what, describeByte(c))
	}
	off = s.offset(s.pos)
	// The key stays marked until its colon is found, so that a refill keeps it.
	s.mark = s.pos
	s.pos++
	if err := s.scanString(off, what); err != nil {
		s.mark = -1
		return nil, 0, false, err
	}
	keyLen := s.pos - s.mark
	if err := s.expect(':', what); err != nil {
		s.mark = -1
		return nil, 0, false, err
	}
	raw := s.buf[s.mark : s.mark+keyLen]
	s.mark = -1
	key = raw[1 : len(raw)-1]
	if bytes.IndexByte(key, '\\') >= 0 {
		var k string
		if err := fastjson.Unmarshal(raw, &k); err != nil {
			return nil, 0, false, s.errAt(off, "a bad key in %s: %v", what, err)
		}
		key = []byte(k)
	}
	return key, off, true, nil
}

// nextElem moves to the next element of an array whose '[' has been taken: it takes the
// separating comma. ok is false after the closing ']', which it takes.
func (s *jsonScanner) nextElem(first *bool, what string) (ok bool, err error) {
	c, ok, err := s.peek()
	if err != nil {
		return false, err
	}
	if !ok {
		return false, s.eofErr(what)
	}
	if c == ']' {
		s.pos++
		return false, nil
	}
	if !*first {
		if c != ',' {
			return false, s.errAt(s.offset(s.pos), "expected ',' or ']' in %s, found %s", what, describeByte(c))
		}
		s.pos++
		if c, ok, err = s.peek(); err != nil {
			return false, err
		} else if !ok {
			return false, s.eofErr(what)
		}
		if c == ']' {
			return false, s.errAt(s.offset(s.pos), "a comma before ']' in %s", what)
		}
	}
	*first = false
	return true, nil
}

// cut takes the next value whole and returns it: a slice of the buffer, valid until the next
// call on the scanner.
func (s *jsonScanner) cut(what string) ([]byte, error) {
	if _, ok, err := s.peek(); err != nil {
		return nil, err
	} else if !ok {
		return nil, s.eofErr(what)
	}
	s.mark = s.pos
	err := s.scanValue(what)
	start := s.mark
	s.mark = -1
	if err != nil {
		return nil, err
	}
	return s.buf[start:s.pos], nil
}

// skip passes over the next value without keeping it.
func (s *jsonScanner) skip(what string) error {
	if _, ok, err := s.peek(); err != nil {
		return err
	} else if !ok {
		return s.eofErr(what)
	}
	return s.scanValue(what)
}

// valueOffset is the offset and first byte of the next value, after white space; the end
// of the input there is a fault.
func (s *jsonScanner) valueOffset(what string) (int64, byte, error) {
	c, ok, err := s.peek()
	if err != nil {
		return 0, 0, err
	}
	if !ok {
		return 0, 0, s.eofErr(what)
	}
	return s.offset(s.pos), c, nil
}

// scanValue moves pos past the value that starts at pos.
func (s *jsonScanner) scanValue(what string) error {
	start := s.offset(s.pos)
	switch c := s.buf[s.pos]; c {
	case '{', '[':
		return s.scanContainer(start, what)
	case '"':
		s.pos++
		return s.scanString(start, what)
	case '}', ']', ',', ':':
		return s.errAt(start, "expected a value in %s, found %s", what, describeByte(c))
	default:
		return s.scanScalar(start, what)
	}
}

// scanString moves pos past the end of a string whose opening quote has been taken.
func (s *jsonScanner) scanString(start int64, what string) error {
	i := s.pos
	for {
		b := s.buf[:s.end]
		for i < len(b) {
			rest := b[i:]
			q := bytes.IndexByte(rest, '"')
			seg := rest
			if q >= 0 {
				seg = rest[:q]
			}
			if k := bytes.IndexByte(seg, '\\'); k >= 0 {
				if i+k+1 >= len(b) {
					i += k
					break
				}
				i += k + 2
				continue
			}
			if q < 0 {
				i = len(b)
				break
			}
			s.pos = i + q + 1
			return nil
		}
		s.pos = i
		shift, ok, err := s.more()
		i -= shift
		if err != nil {
			return err
		}
		if !ok {
			return s.errAt(s.offset(s.end), "the file ends inside a string begun at byte %d in %s: truncated", start, what)
		}
	}
}

// scanScalar moves pos past a number, true, false or null.
func (s *jsonScanner) scanScalar(start int64, what string) error {
	i := s.pos
	for {
		for i < s.end {
			switch c := s.buf[i]; c {
			case ',', '}', ']', ' ', '\t', '\n', '\r', ':':
				s.pos = i
				return s.checkScalar(start, what)
			case '"', '{', '[':
				return s.errAt(s.offset(i), "unexpected %s in %s", describeByte(c), what)
			}
			i++
			if i-s.pos > 512 {
				return s.errAt(start, "not a JSON value in %s", what)
			}
		}
		shift, ok, err := s.more()
		i -= shift
		if err != nil {
			return err
		}
		if !ok {
			s.pos = i
			return s.checkScalar(start, what)
		}
	}
}

func (s *jsonScanner) checkScalar(start int64, what string) error {
	i := int(start - s.base)
	lit := s.buf[i:s.pos]
	switch string(lit) {
	case "true", "false", "null":
		return nil
	}
	if len(lit) > 0 && (lit[0] == '-' || lit[0] >= '0' && lit[0] <= '9') {
		if _, err := strconv.ParseFloat(string(lit), 64); err == nil || errors.Is(err, strconv.ErrRange) {
			return nil
		}
	}
	if s.pos >= s.end && s.eof {
		return s.errAt(start, "the file ends inside %s: truncated", what)
	}
	return s.errAt(start, "not a JSON value in %s: %q", what, truncateBytes(lit, 40))
}

// scanContainer moves pos past the object or array that starts at pos, checking that its
// brackets match and its strings end.
func (s *jsonScanner) scanContainer(start int64, what string) error {
	stack := s.stack[:0]
	i := s.pos
	inStr := false
	for {
		b := s.buf[:s.end]
	scan:
		for i < len(b) {
			if inStr {
				rest := b[i:]
				q := bytes.IndexByte(rest, '"')
				seg := rest
				if q >= 0 {
					seg = rest[:q]
				}
				if k := bytes.IndexByte(seg, '\\'); k >= 0 {
					if i+k+1 >= len(b) {
						i += k
						break scan
					}
					i += k + 2
					continue
				}
				if q < 0 {
					i = len(b)
					break scan
				}
				i += q + 1
				inStr = false
				continue
			}
			c := b[i]
			i++
			switch c {
			case '"':
				inStr = true
			case '{':
				stack = append(stack, '}')
			case '[':
				stack = append(stack, ']')
			case '}', ']':
				if len(stack) == 0 || stack[len(stack)-1] != c {
					s.stack = stack
					return s.errAt(s.offset(i-1), "unmatched %s in %s", describeByte(c), what)
				}
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					s.stack = stack
					s.pos = i
					return nil
				}
			}
			if len(stack) > jsonMaxDepth {
				s.stack = stack[:0]
				return s.errAt(s.offset(i-1), "nesting deeper than %d in %s", jsonMaxDepth, what)
			}
		}
		s.pos = i
		shift, ok, err := s.more()
		i -= shift
		if err != nil {
			s.stack = stack
			return err
		}
		if !ok {
			s.stack = stack
			return s.errAt(s.offset(s.end), "the file ends inside %s begun at byte %d: truncated", what, start)
		}
	}
}

// finish checks that nothing but white space follows the document.
func (s *jsonScanner) finish() error {
	c, ok, err := s.peek()
	if err != nil {
		return err
	}
	if ok {
		return s.errAt(s.offset(s.pos), "%s after the end of the JSON document", describeByte(c))
	}
	return nil
}

// begin takes a byte-order mark, if any, and the '{' that opens the document.
func (s *jsonScanner) begin(format string) error {
	for s.end < 3 && !s.eof {
		if _, _, err := s.more(); err != nil {
			return err
		}
		if s.rerr != nil {
			return s.rerr
		}
	}
	if bytes.HasPrefix(s.buf[:s.end], BOM) {
		s.pos = 3
	}
	c, ok, err := s.peek()
	if err != nil {
		return err
	}
	if !ok {
		return s.errAt(0, "the file is empty: not a %s", format)
	}
	if c != '{' {
		return s.errAt(s.offset(s.pos), "not a %s: the file does not begin with a JSON object (found %s)", format, describeByte(c))
	}
	s.pos++
	return nil
}
