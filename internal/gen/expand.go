package gen

// Placeholders and the dates and identifiers they expand to.

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

func pick(r *rand.Rand, l []string) string { return l[r.IntN(len(l))] }

// workdayAfter returns the first working day at least n days after day.
func workdayAfter(day int64, n int) int64 {
	d := day + int64(n)
	for offDay(d) {
		d++
	}
	return d
}

// offDay reports whether day is a weekend or a public holiday. Holidays are
// the fixed-date ones for every year plus the 2026 official calendar (makeup
// working days are ignored).
func offDay(day int64) bool {
	if wd := weekday(day); wd == 0 || wd == 6 {
		return true
	}
	y, m, d := civil(day)
	md := m*100 + d
	switch {
	case md == 101, md >= 501 && md <= 503, md >= 1001 && md <= 1007:
		return true
	}
	if y == 2026 {
		switch {
		case md >= 101 && md <= 103, md >= 215 && md <= 223, md >= 404 && md <= 406,
			md >= 501 && md <= 505, md >= 619 && md <= 621, md >= 925 && md <= 927:
			return true
		}
	}
	return false
}

func appendMD(b []byte, day int64) []byte {
	_, m, d := civil(day)
	b = appendZero(b, m, 1)
	b = append(b, "月"...)
	b = appendZero(b, d, 1)
	return append(b, "日"...)
}

func appendYMD(b []byte, day int64) []byte {
	y, _, _ := civil(day)
	b = appendZero(b, y, 4)
	b = append(b, "年"...)
	return appendMD(b, day)
}

// fill appends s with its {placeholders} expanded.
func (g *gen) fill(b []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return append(b, s...)
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		b = g.expand(b, s[i+1:i+j])
		s = s[i+j+1:]
	}
}

func (g *gen) expand(b []byte, key string) []byte {
	r := g.r
	gr := &g.groups[g.cur.gi]
	sp := gr.spec
	k := gr.kind
	switch key {
	case "n":
		return appendZero(b, 2+r.IntN(29), 1)
	case "N":
		return appendZero(b, (1+r.IntN(9))*100, 1)
	case "p":
		return appendZero(b, 12+r.IntN(84), 1)
	case "amt":
		return appendZero(b, 20+r.IntN(960), 1)
	case "name":
		return append(b, g.members[gr.members[r.IntN(len(gr.members))]].name...)
	case "me":
		return append(b, g.members[g.cur.ai].name...)
	case "sur":
		return append(b, pickSurname(r)...)
	case "branch":
		return append(b, g.members[g.cur.ai].branch...)
	case "unit":
		return append(b, pick(r, sp.branches)...)
	case "signer":
		return append(b, sp.signer...)
	case "sal":
		return append(b, sp.salutation...)
	case "date":
		return appendMD(b, g.cur.due)
	case "dwd":
		b = appendMD(b, g.cur.due)
		b = append(b, "（"...)
		b = append(b, weekdayNames[weekday(g.cur.due)]...)
		return append(b, "）"...)
	case "date2":
		return appendMD(b, workdayAfter(g.cur.due, 7))
	case "today":
		return appendYMD(b, g.cur.day)
	case "Y", "M", "D", "MM", "DD":
		y, m, d := civil(g.cur.day)
		switch key {
		case "Y":
			return appendZero(b, y, 4)
		case "M":
			return appendZero(b, m, 1)
		case "D":
			return appendZero(b, d, 1)
		case "MM":
			return appendZero(b, m, 2)
		default:
			return appendZero(b, d, 2)
		}
	case "hms":
		_, sec := localDay(g.cur.t)
		b = appendZero(b, sec/3600, 2)
		b = appendZero(b, sec/60%60, 2)
		return appendZero(b, sec%60, 2)
	case "wk":
		y, _, _ := civil(g.cur.day)
		jan1 := daysFromCivil(y, 1, 1)
		return appendZero(b, int(g.cur.day-jan1)/7+1, 1)
	case "q":
		_, m, _ := civil(g.cur.day)
		return append(b, cnDigits[(m-1)/3]...)
	case "hm":
		return append(b, pick(r, meetingTimes)...)
	case "place":
		return append(b, pick(r, sp.place)...)
	case "att":
		return append(b, pick(r, sp.attendees)...)
	case "agenda":
		return append(b, pick(r, sp.agenda)...)
	case "req":
		return g.fill(b, pick(r, meetingReqs))
	case "mat":
		return append(b, pick(r, materials[k])...)
	case "topic":
		return append(b, pick(r, topics[k])...)
	case "topic2":
		return append(b, pick(r, topics2)...)
	case "proj":
		return append(b, pick(r, majorProjects)...)
	case "words":
		return append(b, pick(r, studyWords)...)
	case "task":
		if k == kProject {
			return g.fill(b, pick(r, sp.ptask))
		}
		return g.fill(b, pick(r, tasks[k]))
	case "problem":
		if k == kProject {
			return g.fill(b, pick(r, sp.pissue))
		}
		return g.fill(b, pick(r, problems[k]))
	case "plan":
		if k == kProject {
			return g.fill(b, pick(r, sp.ptask))
		}
		return g.fill(b, pick(r, plans[k]))
	case "ptask":
		return g.fill(b, pick(r, sp.ptask))
	case "pissue":
		return append(b, pick(r, sp.pissue)...)
	case "news":
		return g.fill(b, pick(r, cityNews))
	case "addr":
		return append(b, pick(r, addrs)...)
	case "finding":
		return g.fill(b, pick(r, findings))
	case "action":
		return append(b, pick(r, actions)...)
	case "contest":
		return append(b, pick(r, contests)...)
	case "rule":
		switch {
		case sp.rule == "name":
			return append(b, "真实姓名"...)
		case k == kParty:
			return append(b, "支部+姓名"...)
		case k == kCity:
			return append(b, "单位+姓名"...)
		case k == kStreet:
			return append(b, "网格+姓名"...)
		}
		return append(b, "科室+姓名"...)
	case "landline":
		if r.IntN(2) == 0 {
			b = append(b, "0571-"...)
		}
		b = append(b, "870"...)
		return appendZero(b, r.IntN(100000), 5)
	case "wx":
		return g.appendWx(b)
	case "fwwx":
		g.tmp = g.appendWx(g.tmp[:0])
		return appendFullWidth(b, g.tmp)
	case "fwqq":
		g.tmp = appendZero(g.tmp[:0], 10000000+r.IntN(900000000), 1)
		return appendFullWidth(b, g.tmp)
	case "link":
		b = append(b, "http://t.cn/A6"...)
		for i := 0; i < 6; i++ {
			b = append(b, base62[r.IntN(62)])
		}
		return b
	case "mob":
		s := len(b)
		b = appendMobile(b, r)
		switch g.cur.mobFmt {
		case 1: // 138 1234 5678
			m := string(b[s:])
			b = append(b[:s], m[:3]...)
			b = append(b, ' ')
			b = append(b, m[3:7]...)
			b = append(b, ' ')
			b = append(b, m[7:]...)
		case 2: // 138-1234-5678
			m := string(b[s:])
			b = append(b[:s], m[:3]...)
			b = append(b, '-')
			b = append(b, m[3:7]...)
			b = append(b, '-')
			b = append(b, m[7:]...)
		case 3: // +86 13812345678
			m := string(b[s:])
			b = append(b[:s], "+86 "...)
			b = append(b, m...)
		}
		return b
	case "ID":
		return appendRandomResidentID(b, r, g.cur.valid)
	case "card":
		s := len(b)
		b = appendCardNumber(b, r, g.cur.valid)
		if r.IntN(3) == 0 { // grouped in fours
			c := string(b[s:])
			b = b[:s]
			for i := 0; i < len(c); i += 4 {
				if i > 0 {
					b = append(b, ' ')
				}
				b = append(b, c[i:min(i+4, len(c))]...)
			}
		}
		return b
	}
	return append(b, key...)
}

const base62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

var wxStems = []string{"zhang", "li", "wang", "xiao", "yang", "chen", "meimei", "abc", "love", "sunny"}

func (g *gen) appendWx(b []byte) []byte {
	b = append(b, pick(g.r, wxStems)...)
	return appendZero(b, g.r.IntN(1000000), 3+g.r.IntN(4))
}

// appendFullWidth appends ASCII s converted to full-width forms (ａ１：).
func appendFullWidth(b []byte, s []byte) []byte {
	for _, c := range s {
		if c > 0x20 && c < 0x7f {
			b = utf8.AppendRune(b, rune(c)+0xfee0)
		} else {
			b = append(b, c)
		}
	}
	return b
}

// daysFromCivil is the inverse of civil.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(int64(y), 400)
	yoe := int64(y) - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
