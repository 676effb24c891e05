package gen

import "io"

// sink is a minimal buffered writer: lines are appended to buf and handed to
// w in chunks of about 64 KiB. The first write error sticks.
type sink struct {
	w   io.Writer
	buf []byte
	err error
}

const sinkChunk = 64 << 10

func (s *sink) maybeFlush() {
	if len(s.buf) >= sinkChunk {
		s.flush()
	}
}

func (s *sink) flush() error {
	if s.err == nil && len(s.buf) > 0 {
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
	return s.err
}

// jsonPlain[c] is true when byte c may be copied into a JSON string as is.
// Bytes >= 0x80 are parts of UTF-8 sequences and are kept.
var jsonPlain = func() (t [256]bool) {
	for i := range t {
		t[i] = i >= 0x20 && i != '"' && i != '\\'
	}
	return
}()

const hexDigits = "0123456789abcdef"

// appendJSON appends s as a quoted JSON string. Quotes and backslashes are
// escaped, \n \r \t use their short forms and every other byte below 0x20 is
// written as \u00XX. Everything else (including UTF-8) is copied verbatim.
func appendJSON[T ~string | ~[]byte](b []byte, s T) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if jsonPlain[c] {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// All times are written in China Standard Time (UTC+8, no DST).
const cstOffset = 8 * 3600

// floorDiv is integer division rounding towards negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// localDay returns the number of days since 1970-01-01 in UTC+8 and the
// seconds elapsed in that day.
func localDay(unix int64) (day int64, sec int) {
	l := unix + cstOffset
	day = floorDiv(l, 86400)
	return day, int(l - day*86400)
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date.
func civil(days int64) (y, m, d int) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		yy++
	}
	return int(yy), m, d
}

// weekday returns 0 for Sunday … 6 for Saturday.
func weekday(days int64) int {
	w := (days + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return int(w)
}

// appendTime appends unix as RFC 3339 with a +08:00 offset.
func appendTime(b []byte, unix int64) []byte {
	day, sec := localDay(unix)
	y, m, d := civil(day)
	b = appendZero(b, y, 4)
	b = append(b, '-')
	b = appendZero(b, m, 2)
	b = append(b, '-')
	b = appendZero(b, d, 2)
	b = append(b, 'T')
	b = appendZero(b, sec/3600, 2)
	b = append(b, ':')
	b = appendZero(b, sec/60%60, 2)
	b = append(b, ':')
	b = appendZero(b, sec%60, 2)
	return append(b, "+08:00"...)
}
