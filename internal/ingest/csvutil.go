package ingest

// Helpers shared by the line-based formats (QQ TXT, WeCom JSON Lines, WeChat CSV, roster CSV):
// a bounded line reader, a CSV record reader, the detection and decoding of the encodings that
// Chinese tools write, and the parsing of the dates that spreadsheets write.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"qunshen/internal/i18n"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

const (
	// csvMaxRaw is how much of an over-long record a Bad keeps.
	csvMaxRaw = 64 << 10
	// csvBufSize is the buffer of the readers: a line shorter than this is never copied.
	csvBufSize = 64 << 10
)

// csvLines hands out the lines of a stream one at a time, with their numbers, in bounded
// memory. A line is returned without its "\n" or "\r\n" and is valid until the next call.
type csvLines struct {
	br   *bufio.Reader
	max  int
	line int    // the number of the line last handed out
	off  int64  // the byte offset of the line last handed out
	next int64  // the byte offset of the line after it
	long []byte // a line longer than the reader's buffer, gathered
}

func newCSVLines(r io.Reader, max int) *csvLines {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < csvBufSize {
		br = bufio.NewReaderSize(r, csvBufSize)
	}
	return &csvLines{br: br, max: max}
}

// read returns the next line. over is true when the line was longer than max: b is then its
// first max bytes and the rest of it was skipped. err is io.EOF after the last line.
func (l *csvLines) read() (b []byte, over bool, err error) {
	b, err = l.br.ReadSlice('\n')
	n := int64(len(b))
	if err == bufio.ErrBufferFull {
		l.long = append(l.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = l.br.ReadSlice('\n')
			n += int64(len(b))
			if room := l.max - len(l.long); room > 0 {
				l.long = append(l.long, b[:min(room, len(b))]...)
			}
		}
		over = n > int64(l.max)
		b = l.long
		if cap(l.long) > 4*csvBufSize {
			l.long = nil // do not keep a huge buffer for the rest of the file
		}
	}
	if err != nil && err != io.EOF {
		return nil, false, err
	}
	if n == 0 {
		return nil, false, io.EOF
	}
	l.line++
	l.off = l.next
	l.next += n
	if len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b, over, nil
}

// csvSyntaxError is a CSV record that cannot be read; the reader goes on with the next line.
type csvSyntaxError struct {
	Line int
	Why  *i18n.Error
}

func (e *csvSyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Why) }

// csvReader reads RFC 4180 records: fields separated by comma (or tab), quoted fields with ""
// for a quote and line breaks inside, CRLF or LF line ends. A quote inside an unquoted field is
// kept as it is (as spreadsheets read it). Text after the closing quote of a field, a quoted
// field never closed, or a record over csvMaxRecord bytes is a *csvSyntaxError for that record,
// and the reading goes on at the next line.
type csvReader struct {
	lines   *csvLines
	comma   byte
	recLine int // the line where the record last read starts
	recOff  int64
	buf     []byte // the fields of the record, unquoted, one after another
	ends    []int
	fields  [][]byte
	raw     []byte // the record as it stands in the file
}

func newCSVReader(r io.Reader, comma byte) *csvReader {
	return &csvReader{lines: newCSVLines(r, csvMaxRecord), comma: comma}
}

// read returns the fields of the next record, valid until the next call; io.EOF at the end.
// Blank lines are records of one empty field.
func (r *csvReader) read() ([][]byte, error) {
	line, over, err := r.lines.read()
	if err != nil {
		return nil, err
	}
	r.recLine, r.recOff = r.lines.line, r.lines.off
	r.raw = append(r.raw[:0], line...)
	if over {
		return nil, &csvSyntaxError{r.recLine, i18n.E("ingest.line-long", csvMaxRecord>>20)}
	}
	r.buf, r.ends = r.buf[:0], r.ends[:0]
	pos := 0
	for {
		if pos < len(line) && line[pos] == '"' {
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					r.buf = append(r.buf, line[pos:]...)
					line, over, err = r.lines.read()
					if err == io.EOF {
						return nil, &csvSyntaxError{r.recLine, i18n.E("ingest.csv.open-quote")}
					}
					if err != nil {
						return nil, err
					}
					if len(r.raw) < csvMaxRaw {
						r.raw = append(r.raw, '\n')
						r.raw = append(r.raw, line[:min(len(line), csvMaxRaw)]...)
					}
					if over || len(r.buf)+len(line) > csvMaxRecord {
						return nil, &csvSyntaxError{r.recLine, i18n.E("ingest.csv.long", csvMaxRecord>>20)}
					}
					r.buf = append(r.buf, '\n')
					pos = 0
					continue
				}
				r.buf = append(r.buf, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					r.buf = append(r.buf, '"')
					pos++
					continue
				}
				break
			}
			r.ends = append(r.ends, len(r.buf))
			if pos == len(line) {
				break
			}
			if line[pos] != r.comma {
				return nil, &csvSyntaxError{r.lines.line, i18n.E("ingest.csv.after-quote", len(r.ends))}
			}
			pos++
			continue
		}
		i := bytes.IndexByte(line[pos:], r.comma)
		if i < 0 {
			r.buf = append(r.buf, line[pos:]...)
			r.ends = append(r.ends, len(r.buf))
			break
		}
		r.buf = append(r.buf, line[pos:pos+i]...)
		r.ends = append(r.ends, len(r.buf))
		pos += i + 1
	}
	if len(r.ends) > MaxFields {
		return nil, &csvSyntaxError{r.recLine, i18n.E("ingest.csv.fields", MaxFields)}
	}
	r.fields = r.fields[:0]
	start := 0
	for _, e := range r.ends {
		r.fields = append(r.fields, r.buf[start:e:e])
		start = e
	}
	return r.fields, nil
}

// Raw returns a copy of the record last read, as it stands in the file (cut at csvMaxRaw).
func (r *csvReader) rawCopy() []byte { return bytes.Clone(r.raw[:min(len(r.raw), csvMaxRaw)]) }

// textEncoding is the encoding of a text file, as its first bytes show it.
type textEncoding int

const (
	encUTF8 textEncoding = iota
	encUTF16LE
	encUTF16BE
	encGB18030
)

func (e textEncoding) String() string {
	return [...]string{"UTF-8", "UTF-16LE", "UTF-16BE", "GB18030"}[e]
}

// textSniff tells the encoding of a file from its head: a UTF-16 byte order mark, else UTF-8
// when the head is valid UTF-8 (with or without a BOM), else GB18030 (a superset of GBK, what
// Chinese Windows and Excel write).
func textSniff(head []byte) textEncoding {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return encUTF16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return encUTF16BE
	case textValidUTF8(head):
		return encUTF8
	}
	return encGB18030
}

// textValidUTF8 reports whether b is valid UTF-8 but for a rune cut at its end.
func textValidUTF8(b []byte) bool {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				b = b[:i]
			}
			break
		}
	}
	return utf8.Valid(b)
}

// textDecoder returns r as UTF-8 without a byte order mark, decoded from the encoding that its
// head shows, and that encoding.
func textDecoder(r io.Reader) (*bufio.Reader, textEncoding, error) {
	br := bufio.NewReaderSize(r, csvBufSize)
	head, err := br.Peek(HeadSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, encUTF8, err
	}
	enc := textSniff(head)
	switch enc {
	case encUTF16LE:
		return bufio.NewReaderSize(transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), csvBufSize), enc, nil
	case encUTF16BE:
		return bufio.NewReaderSize(transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()), csvBufSize), enc, nil
	case encGB18030:
		return bufio.NewReaderSize(transform.NewReader(br, gbkDecoder{}), csvBufSize), enc, nil
	}
	if bytes.HasPrefix(head, BOM) {
		br.Discard(len(BOM))
	}
	return br, enc, nil
}

// textHead returns the head of a file as UTF-8 without a byte order mark, for detection.
func textHead(head []byte) []byte {
	var t transform.Transformer
	switch textSniff(head) {
	case encUTF16LE:
		t = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	case encUTF16BE:
		t = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
	case encGB18030:
		t = simplifiedchinese.GB18030.NewDecoder()
	default:
		return TrimBOM(head)
	}
	out, _, _ := transform.Bytes(t, head)
	return out
}

// textFirstLine returns the first line of b, without its line end.
func textFirstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return bytes.TrimSuffix(b, []byte{'\r'})
}

// csvInterner keeps one copy of strings that repeat from record to record (chat ids, sender
// ids, names), so that a million messages do not hold a million copies of them. It forgets
// everything when it grows past its bound.
type csvInterner struct {
	m map[string]string
}

func (in *csvInterner) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > 128 {
		return string(b)
	}
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	if in.m == nil || len(in.m) > 1<<16 {
		in.m = make(map[string]string)
	}
	s := string(b)
	in.m[s] = s
	return s
}

var errCSVDate = errors.New("not a date")

// csvParseTime reads the dates and times that spreadsheets and Chinese tools write:
// 2024-03-01, 2024/3/1, 2024.3.1, 2024-03-01 09:30, 2024/3/1 9:30:00, 2024年3月1日,
// 2024年3月1日 9时30分, 2024-03-01T09:30:00, and RFC 3339 with its offset. A time without a zone is
// China time.
func csvParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errCSVDate
	}
	if t, err := csvParseLocal(s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, errCSVDate
}

// csvParseTimeBytes is csvParseTime of b, without a copy of b in the usual case.
func csvParseTimeBytes(b []byte) (time.Time, error) {
	if t, err := csvParseLocal(string(b)); err == nil {
		return t, nil
	}
	return csvParseTime(string(b))
}

// csvParseLocal reads a date and time without a zone, in China time.
func csvParseLocal(s string) (time.Time, error) {
	// Numbers and their separators: y sep m sep d [sep h sep m [sep s[.frac]]].
	var num [6]int
	n := 0
	i := 0
	for n < 6 {
		j := i
		v := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' && j-i < 9 {
			v = v*10 + int(s[j]-'0')
			j++
		}
		if j == i {
			return time.Time{}, errCSVDate
		}
		if n == 0 && j-i != 4 || n > 0 && j-i > 2 {
			return time.Time{}, errCSVDate
		}
		num[n] = v
		n++
		i = j
		if i == len(s) || n == 6 {
			break
		}
		sep, size := utf8.DecodeRuneInString(s[i:])
		ok := false
		switch n {
		case 1, 2: // after the year, after the month
			ok = sep == '-' || sep == '/' || sep == '.' || (n == 1 && sep == '年') || (n == 2 && sep == '月')
		case 3: // after the day
			if sep == '日' || sep == '号' {
				i += size
				if i == len(s) {
					return csvDate(num, n)
				}
				sep, size = utf8.DecodeRuneInString(s[i:])
			}
			ok = sep == ' ' || sep == 'T'
			for ok && i+size < len(s) && s[i+size] == ' ' {
				i++
			}
		case 4: // after the hour
			ok = sep == ':' || sep == '时' || sep == '点'
		case 5: // after the minute
			if sep == '分' && i+size == len(s) {
				return csvDate(num, n)
			}
			ok = sep == ':' || sep == '分'
		}
		if !ok {
			return time.Time{}, errCSVDate
		}
		i += size
	}
	if i < len(s) {
		rest := s[i:]
		switch {
		case n == 6 && (rest == "秒"):
		case n == 6 && rest[0] == '.' && len(rest) > 1 && strings.Trim(rest[1:], "0123456789") == "":
		default:
			return time.Time{}, errCSVDate
		}
	}
	if n != 3 && n != 5 && n != 6 {
		return time.Time{}, errCSVDate
	}
	return csvDate(num, n)
}

func csvDate(num [6]int, n int) (time.Time, error) {
	if n != 3 && n != 5 && n != 6 {
		return time.Time{}, errCSVDate
	}
	y, mo, d, h, mi, sec := num[0], num[1], num[2], num[3], num[4], num[5]
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, errCSVDate
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, China)
	if t.Day() != d {
		return time.Time{}, errCSVDate // 2 月 30 日
	}
	return t, nil
}
