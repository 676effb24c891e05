package ingest

import (
	"bytes"
	"time"
	"unicode/utf8"
)

// The sender line of a QQ message-manager export, as real exports write it:
//
//	2016-05-20 10:12:33 【管理员】张三(123456789)
//	2016-05-06 9:15:03 陈志远<13912345678>
//	2020-03-04 12:13:41 AM 围观<indo@qq.com>
//	2019-09-23 8:43:38 PM 骰娘-Roll100(87200175)
//	2026-09-15 上午 08:00:00 Alice(1)
//
// The date is written with '-' or '/', the hour with one or two digits, on a 24-hour clock or
// on a 12-hour one (AM/PM after the time, 上午/下午 … before it, as Windows' clock settings make
// QQ write it). The account at the end, in round or angle brackets, is a QQ number, a mobile
// number or an e-mail address; a nickname may hold brackets of its own.

type qqtxtSender struct {
	time  time.Time
	id    []byte // QQ number, mobile number or e-mail
	nick  []byte
	title []byte // 【管理员】 and the like, without the brackets
}

// qqtxtSenderLine reads a sender line.
func qqtxtSenderLine(line []byte) (s qqtxtSender, ok bool) {
	s, _, ok = qqtxtReadSender(line)
	return s, ok
}

// qqtxtReadSender reads a sender line. A line of sender shape — a date and time at its start
// and a closing bracket at its end — that cannot be read gives why (the account or the time,
// in words for the user); any other line gives neither.
func qqtxtReadSender(line []byte) (s qqtxtSender, why *qqtxtWhy, ok bool) {
	t, rest, timeOK := qqtxtDateTime(line)
	if rest == nil {
		return s, nil, false // no date at the start
	}
	rest = bytes.TrimRight(rest, " \t")
	if len(rest) < 3 {
		return s, nil, false
	}
	closing := rest[len(rest)-1]
	if closing != ')' && closing != '>' {
		return s, nil, false
	}
	if !timeOK {
		return s, &qqtxtWhy{time: string(line[:len(line)-len(rest)])}, false
	}
	opening := byte('(')
	if closing == '>' {
		opening = '<'
	}
	j := bytes.LastIndexByte(rest, opening)
	if j < 0 {
		return s, nil, false
	}
	id := bytes.TrimSpace(rest[j+1 : len(rest)-1])
	if !qqtxtAccount(id) {
		return s, &qqtxtWhy{account: string(rest[j+1 : len(rest)-1])}, false
	}
	s.id, rest = id, bytes.TrimRight(rest[:j], " \t")
	if tt, found := bytes.CutPrefix(rest, []byte("【")); found {
		if k := bytes.Index(tt, []byte("】")); k >= 0 {
			s.title, rest = tt[:k], tt[k+len("】"):]
		}
	}
	s.nick, s.time = rest, t
	return s, nil, true
}

// qqtxtWhy is why a line of sender shape cannot be read.
type qqtxtWhy struct{ account, time string }

// qqtxtAccount reports whether b is a QQ number (or a mobile number, with or without +), or
// an e-mail address.
func qqtxtAccount(b []byte) bool {
	if len(b) == 0 || len(b) > 64 {
		return false
	}
	digits := bytes.TrimPrefix(b, []byte{'+'})
	if len(digits) > 0 && len(digits) <= 20 && len(bytes.Trim(digits, "0123456789")) == 0 {
		return true
	}
	at := bytes.IndexByte(b, '@')
	if at <= 0 || at != bytes.LastIndexByte(b, '@') || !bytes.Contains(b[at+1:], []byte{'.'}) {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c >= utf8.RuneSelf {
			return false
		}
	}
	return b[len(b)-1] != '.'
}

// qqtxtDateTime reads the date and time at the start of a line: rest is the line after them
// and the space that follows, nil when the line does not start with a date and a time; ok is
// false when it does but they are not a time that can be (a 13th month, 25 o'clock, 13 PM).
func qqtxtDateTime(line []byte) (t time.Time, rest []byte, ok bool) {
	if len(line) < 14 || line[0] < '0' || line[0] > '9' {
		return t, nil, false
	}
	i := 0
	num := func(minDigits, maxDigits int) (int, bool) {
		v, n := 0, 0
		for i < len(line) && n < maxDigits && line[i] >= '0' && line[i] <= '9' {
			v = v*10 + int(line[i]-'0')
			i++
			n++
		}
		return v, n >= minDigits && (i == len(line) || line[i] < '0' || line[i] > '9')
	}
	sep := func(set string) bool {
		if i < len(line) && bytes.IndexByte([]byte(set), line[i]) >= 0 {
			i++
			return true
		}
		return false
	}
	y, ok1 := num(4, 4)
	if !ok1 || !sep("-/") {
		return t, nil, false
	}
	mo, ok2 := num(1, 2)
	if !ok2 || !sep("-/") {
		return t, nil, false
	}
	d, ok3 := num(1, 2)
	if !ok3 || !sep(" ") {
		return t, nil, false
	}
	for sep(" ") {
	}
	// 上午 8:43:38, as a Chinese Windows clock writes it.
	half := 0 // 1 before noon, 2 after, 3 at noon (中午)
	for _, w := range qqtxtHalfWords {
		if bytes.HasPrefix(line[i:], []byte(w.word)) {
			half = w.half
			i += len(w.word)
			for sep(" ") {
			}
			break
		}
	}
	h, ok4 := num(1, 2)
	if !ok4 || !sep(":") {
		return t, nil, false
	}
	mi, ok5 := num(2, 2)
	if !ok5 || !sep(":") {
		return t, nil, false
	}
	sec, ok6 := num(2, 2)
	if !ok6 || !sep(" ") {
		return t, nil, false
	}
	// 8:43:38 PM
	if half == 0 {
		for _, w := range []struct {
			word string
			half int
		}{{"AM ", 1}, {"PM ", 2}, {"am ", 1}, {"pm ", 2}, {"上午 ", 1}, {"下午 ", 2}} {
			if bytes.HasPrefix(line[i:], []byte(w.word)) {
				half = w.half
				i += len(w.word)
				break
			}
		}
	}
	rest = line[i:]
	switch {
	case half == 0:
	case h < 1 || h > 12:
		return t, rest, false
	case half == 1 && h == 12:
		h = 0
	case half == 2 && h < 12, half == 3 && h < 11:
		h += 12
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return t, rest, false
	}
	t = time.Date(y, time.Month(mo), d, h, mi, sec, 0, China)
	if t.Day() != d {
		return t, rest, false
	}
	return t, rest, true
}

// qqtxtHalfWords are the words a Chinese clock puts before a 12-hour time.
var qqtxtHalfWords = []struct {
	word string
	half int
}{{"上午", 1}, {"凌晨", 1}, {"早上", 1}, {"下午", 2}, {"晚上", 2}, {"中午", 3}}
