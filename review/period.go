package review

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ChinaTime is the zone of the periods: days begin at midnight in China (UTC+8), whatever the
// zone of the machine.
var ChinaTime = time.FixedZone("UTC+8", 8*60*60)

// Period is a span of whole days in China time: From inclusive, To exclusive. Label is its
// canonical name ("2026-10", "2026-Q3", "2026", "2026-W41", "2026-10-08",
// "2026-10-01..2026-11-15").
type Period struct {
	From, To time.Time
	Label    string
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// String is the label.
func (p Period) String() string { return p.Label }

// ParsePeriod reads a period of the command line:
//
//	2026            a year
//	2026-Q3         a quarter
//	2026-10         a month
//	2026-W41        an ISO 8601 week, Monday to Sunday
//	2026-10-08      a day
//	A..B            from the start of A to the end of B, both of the forms above, inclusive:
//	                2026-10-01..2026-11-15, 2026-07..2026-09
//	this-week, last-week, this-month, last-month, this-quarter, last-quarter, this-year,
//	last-year       relative to now, and named by the form they resolve to
//
// Days are China time days (UTC+8).
func ParsePeriod(s string, now time.Time) (Period, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Period{}, fmt.Errorf("empty period (want 2026, 2026-Q3, 2026-10, 2026-W41, 2026-10-08 or A..B)")
	}
	if a, b, ok := strings.Cut(s, ".."); ok {
		pa, err := parseOnePeriod(a, now)
		if err != nil {
			return Period{}, err
		}
		pb, err := parseOnePeriod(b, now)
		if err != nil {
			return Period{}, err
		}
		if !pa.From.Before(pb.To) {
			return Period{}, fmt.Errorf("period %q ends before it begins", s)
		}
		return Period{From: pa.From, To: pb.To, Label: pa.Label + ".." + pb.Label}, nil
	}
	return parseOnePeriod(s, now)
}

func parseOnePeriod(s string, now time.Time) (Period, error) {
	s = strings.TrimSpace(s)
	bad := func(why string) (Period, error) {
		return Period{}, fmt.Errorf("period %q: %s (want 2026, 2026-Q3, 2026-10, 2026-W41, 2026-10-08 or A..B)", s, why)
	}
	if p, ok := relativePeriod(s, now.In(ChinaTime)); ok {
		return p, nil
	}
	parts := strings.Split(s, "-")
	year, err := periodNumber(parts[0], 4, 1, 9999)
	if err != nil {
		return bad("the year " + err.Error())
	}
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, ChinaTime) }
	switch {
	case len(parts) == 1:
		return yearPeriod(year), nil
	case len(parts) == 2 && (strings.HasPrefix(parts[1], "Q") || strings.HasPrefix(parts[1], "q")):
		q, err := periodNumber(parts[1][1:], 1, 1, 4)
		if err != nil {
			return bad("the quarter " + err.Error())
		}
		return quarterPeriod(year, q), nil
	case len(parts) == 2 && (strings.HasPrefix(parts[1], "W") || strings.HasPrefix(parts[1], "w")):
		w, err := periodNumber(parts[1][1:], 2, 1, 53)
		if err != nil {
			return bad("the week " + err.Error())
		}
		// ISO 8601: week 1 holds the year's first Thursday; weeks begin on Monday.
		jan4 := day(year, 1, 4)
		monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(w-1)*7)
		if y, wk := monday.ISOWeek(); y != year || wk != w {
			return bad(fmt.Sprintf("%d has no week %d", year, w))
		}
		return weekPeriod(monday), nil
	case len(parts) == 2:
		m, err := periodNumber(parts[1], 2, 1, 12)
		if err != nil {
			return bad("the month " + err.Error())
		}
		return monthPeriod(year, m), nil
	case len(parts) == 3:
		m, err := periodNumber(parts[1], 2, 1, 12)
		if err != nil {
			return bad("the month " + err.Error())
		}
		d, err := periodNumber(parts[2], 2, 1, 31)
		if err != nil {
			return bad("the day " + err.Error())
		}
		from := day(year, m, d)
		if from.Day() != d {
			return bad(fmt.Sprintf("%04d-%02d has no day %d", year, m, d))
		}
		return Period{From: from, To: from.AddDate(0, 0, 1), Label: from.Format("2006-01-02")}, nil
	}
	return bad("unknown form")
}

// periodNumber reads a number of exactly width ASCII digits within [lo, hi].
func periodNumber(s string, width, lo, hi int) (int, error) {
	if len(s) != width {
		return 0, fmt.Errorf("%q is not %d digits", s, width)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%q is not a number", s)
		}
	}
	n, _ := strconv.Atoi(s)
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d is not within %d–%d", n, lo, hi)
	}
	return n, nil
}

func yearPeriod(y int) Period {
	from := time.Date(y, 1, 1, 0, 0, 0, 0, ChinaTime)
	return Period{From: from, To: from.AddDate(1, 0, 0), Label: fmt.Sprintf("%04d", y)}
}

func quarterPeriod(y, q int) Period {
	from := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, ChinaTime)
	return Period{From: from, To: from.AddDate(0, 3, 0), Label: fmt.Sprintf("%04d-Q%d", y, q)}
}

func monthPeriod(y, m int) Period {
	from := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, ChinaTime)
	return Period{From: from, To: from.AddDate(0, 1, 0), Label: from.Format("2006-01")}
}

func weekPeriod(monday time.Time) Period {
	y, w := monday.ISOWeek()
	return Period{From: monday, To: monday.AddDate(0, 0, 7), Label: fmt.Sprintf("%04d-W%02d", y, w)}
}

// relativePeriod resolves this-month, last-quarter … against now, in China time.
func relativePeriod(s string, now time.Time) (Period, bool) {
	which, unit, ok := strings.Cut(strings.ToLower(s), "-")
	if !ok || (which != "this" && which != "last") {
		return Period{}, false
	}
	back := 0
	if which == "last" {
		back = 1
	}
	y, m, d := now.Date()
	switch unit {
	case "week":
		today := time.Date(y, m, d, 0, 0, 0, 0, ChinaTime)
		monday := today.AddDate(0, 0, -((int(today.Weekday())+6)%7)-7*back)
		return weekPeriod(monday), true
	case "month":
		first := time.Date(y, m, 1, 0, 0, 0, 0, ChinaTime).AddDate(0, -back, 0)
		return monthPeriod(first.Year(), int(first.Month())), true
	case "quarter":
		q := (int(m)-1)/3 + 1 - back
		if q == 0 {
			y, q = y-1, 4
		}
		return quarterPeriod(y, q), true
	case "year":
		return yearPeriod(y - back), true
	}
	return Period{}, false
}
