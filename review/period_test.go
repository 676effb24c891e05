package review

import (
	"strings"
	"testing"
	"time"
)

func TestParsePeriodForms(t *testing.T) {
	now := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC) // 09:00 on Monday 2 November in China
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, ChinaTime) }
	for _, c := range []struct {
		in, label string
		from, to  time.Time
	}{
		{"2026", "2026", day(2026, 1, 1), day(2027, 1, 1)},
		{"2026-Q3", "2026-Q3", day(2026, 7, 1), day(2026, 10, 1)},
		{"2026-q4", "2026-Q4", day(2026, 10, 1), day(2027, 1, 1)},
		{"2026-10", "2026-10", day(2026, 10, 1), day(2026, 11, 1)},
		{"2026-02", "2026-02", day(2026, 2, 1), day(2026, 3, 1)},
		{"2026-10-08", "2026-10-08", day(2026, 10, 8), day(2026, 10, 9)},
		{"2028-02-29", "2028-02-29", day(2028, 2, 29), day(2028, 3, 1)},
		{"2026-10-01..2026-11-15", "2026-10-01..2026-11-15", day(2026, 10, 1), day(2026, 11, 16)},
		{"2026-07..2026-09", "2026-07-01..2026-09-30", day(2026, 7, 1), day(2026, 10, 1)},
		{" 2026-10-08..2026-10-08 ", "2026-10-08", day(2026, 10, 8), day(2026, 10, 9)},
		{"2026-W01", "2026-W01", day(2025, 12, 29), day(2026, 1, 5)},
		{"2026-W45", "2026-W45", day(2026, 11, 2), day(2026, 11, 9)},
		{"2020-W53", "2020-W53", day(2020, 12, 28), day(2021, 1, 4)},
		{"this-month", "2026-11", day(2026, 11, 1), day(2026, 12, 1)},
		{"last-month", "2026-10", day(2026, 10, 1), day(2026, 11, 1)},
		{"this-quarter", "2026-Q4", day(2026, 10, 1), day(2027, 1, 1)},
		{"last-quarter", "2026-Q3", day(2026, 7, 1), day(2026, 10, 1)},
		{"last-year", "2025", day(2025, 1, 1), day(2026, 1, 1)},
		{"this-week", "2026-W45", day(2026, 11, 2), day(2026, 11, 9)},
		{"last-week", "2026-W44", day(2026, 10, 26), day(2026, 11, 2)},
	} {
		p, err := ParsePeriod(c.in, now)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if p.String() != c.label || !p.From.Equal(c.from) || !p.To.Equal(c.to) {
			t.Errorf("%q = %s [%v, %v), want %s [%v, %v)", c.in, p.String(), p.From, p.To, c.label, c.from, c.to)
		}
		// The label reads back as the same period.
		if q, err := ParsePeriod(p.String(), now); err != nil || !q.From.Equal(p.From) || !q.To.Equal(p.To) {
			t.Errorf("%q: label %q reads back as %v, %v", c.in, p.String(), q, err)
		}
	}
	// China time days: the last second of October is in it, the first of November not.
	oct, _ := ParsePeriod("2026-10", now)
	for _, c := range []struct {
		t  time.Time
		in bool
	}{
		{time.Date(2026, 10, 31, 23, 59, 59, 0, ChinaTime), true},
		{time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC), false}, // 00:00 on 1 November in China
		{time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC), true},   // 00:00 on 1 October in China
		{time.Date(2026, 9, 30, 15, 59, 59, 0, time.UTC), false},
	} {
		if oct.Contains(c.t) != c.in {
			t.Errorf("2026-10 contains %v: %v", c.t, !c.in)
		}
	}
	// Quarter 1 of the year after: last-quarter in January is the previous year's fourth.
	if p, _ := ParsePeriod("last-quarter", time.Date(2027, 1, 10, 0, 0, 0, 0, ChinaTime)); p.String() != "2026-Q4" {
		t.Errorf("last-quarter in January: %s", p.String())
	}
	for _, bad := range []string{"", "26", "2026-13", "2026-00", "2026-1", "2026-Q5", "2026-Q0", "2026-02-30", "2026-10-32",
		"2021-W53", "2026-W00", "2026-10-08..2026-10-01", "2026..", "..2026", "2026-10-08T00:00", "next-month", "二〇二六", "２０２６", "+2026", "2026-1０"} {
		if p, err := ParsePeriod(bad, now); err == nil {
			t.Errorf("%q was read as %s", bad, p.String())
		} else if bad != "" && !strings.Contains(err.Error(), "want ") && !strings.Contains(err.Error(), "ends before") {
			t.Errorf("%q: the error %q does not say what is wanted", bad, err)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026", "2026-Q3", "2026-10", "2026-W41", "2026-10-08", "2026-10-01..2026-11-15", "this-month", "9999-12-31", "0001-W01", "2026-10..", "....", "2026-W53"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, ChinaTime)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s, now)
		if err != nil {
			return
		}
		if !p.From.Before(p.To) || p.String() == "" {
			t.Fatalf("%q: %v", s, p)
		}
		q, err := ParsePeriod(p.String(), now)
		if err != nil || !q.From.Equal(p.From) || !q.To.Equal(p.To) || q.String() != p.String() {
			t.Fatalf("%q: label %q reads back as %v, %v", s, p.String(), q, err)
		}
	})
}
