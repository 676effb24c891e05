package review

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"qunshen/internal/i18n"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// A project group is dissolved within 5 working days of its project's end (IW 第十条(四)).
const DissolveWorkdays = 5

//go:embed holidays-cn.txt
var defaultCalendar []byte

// Calendar tells working days from rest days: Monday to Friday work and the weekend rests,
// except the days it lists, public holidays (休) and the weekend days worked in their place
// (调休, 班). It ships with the official calendar of 2025 and 2026; an organisation replaces
// it with a file of the same form (see holidays-cn.txt).
type Calendar struct {
	days  map[int]calendarDay // yyyymmdd → what the day is
	years []int               // the years that have an entry, sorted
}

type calendarDay struct {
	holiday bool
	name    string
}

// DefaultCalendar is the calendar that ships with the program.
func DefaultCalendar() *Calendar {
	c, err := ParseCalendar(defaultCalendar)
	if err != nil {
		panic("the built-in calendar: " + err.Error())
	}
	return c
}

// LoadCalendar reads a calendar file.
func LoadCalendar(path string) (*Calendar, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseCalendar(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// maxCalendarRange is the longest range of one line: no holiday lasts a season.
const maxCalendarRange = 62

// ParseCalendar reads a calendar. Every fault is named with its line: a line that is not a
// date or range, a kind, and an optional name; a date that does not exist; a range backwards
// or longer than two months; a day given twice.
func ParseCalendar(b []byte) (*Calendar, error) {
	if !utf8.Valid(b) {
		return nil, i18n.E("review.calendar.utf8")
	}
	c := &Calendar{days: map[int]calendarDay{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	line := 0
	years := map[int]bool{}
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		if len(fields) < 2 {
			return nil, i18n.E("review.calendar.fields", line)
		}
		var holiday bool
		switch fields[1] {
		case "holiday", "休":
			holiday = true
		case "workday", "班":
		default:
			return nil, i18n.E("review.calendar.kind", line, fields[1])
		}
		from, to, ok := strings.Cut(fields[0], "..")
		if !ok {
			to = from
		}
		d0, err := time.Parse(time.DateOnly, from)
		if err != nil {
			return nil, i18n.E("review.calendar.date", line, from)
		}
		d1, err := time.Parse(time.DateOnly, to)
		if err != nil {
			return nil, i18n.E("review.calendar.date", line, to)
		}
		if d1.Before(d0) {
			return nil, i18n.E("review.calendar.backwards", line)
		}
		if d1.Sub(d0) > maxCalendarRange*24*time.Hour {
			return nil, i18n.E("review.calendar.long", line, maxCalendarRange)
		}
		name := strings.Join(fields[2:], " ")
		for d := d0; !d.After(d1); d = d.AddDate(0, 0, 1) {
			k := dayKey(d)
			if _, dup := c.days[k]; dup {
				return nil, i18n.E("review.calendar.twice", line, d.Format(time.DateOnly))
			}
			c.days[k] = calendarDay{holiday: holiday, name: name}
			years[d.Year()] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, i18n.E("review.calendar.read", line+1, err)
	}
	for y := range years {
		c.years = append(c.years, y)
	}
	slices.Sort(c.years)
	return c, nil
}

func dayKey(t time.Time) int { return t.Year()*10000 + int(t.Month())*100 + t.Day() }

// Years are the years the calendar lists days of: outside them, only weekends rest.
func (c *Calendar) Years() []int { return slices.Clone(c.years) }

// Covers reports whether the calendar lists days of the year of t.
func (c *Calendar) Covers(t time.Time) bool { return slices.Contains(c.years, t.Year()) }

// IsWorkday reports whether the day of t (in t's location) is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	if d, ok := c.days[dayKey(t)]; ok {
		return !d.holiday
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Name is the holiday or swapped working day of t's day, or "".
func (c *Calendar) Name(t time.Time) string { return c.days[dayKey(t)].name }

// AddWorkdays is the day n working days after the day of t (n ≥ 1), at midnight in t's
// location: the first working day after t's day is 1.
func (c *Calendar) AddWorkdays(t time.Time, n int) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// Workdays counts the working days after from's day up to and including to's day.
func (c *Calendar) Workdays(from, to time.Time) int {
	d := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, from.Location())
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, from.Location())
	n := 0
	for d.Before(end) {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// EndOfDay is the last instant of t's day: a deadline on a date is met until then.
func EndOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, t.Location())
}

// DissolutionDeadline is when a project group ending at end must be dissolved: the end of
// the 5th working day after the project's last day (IW 第十条(四)), in local time.
func (c *Calendar) DissolutionDeadline(end time.Time) time.Time {
	return EndOfDay(c.AddWorkdays(end.In(ChinaTime), DissolveWorkdays))
}
