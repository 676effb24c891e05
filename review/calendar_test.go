package review

import (
	"strings"
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

func date(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// TestWorkdays counts working days across a weekend, public holidays and the weekend days
// worked in their place (调休), on the built-in calendar.
func TestWorkdays(t *testing.T) {
	c := DefaultCalendar()
	for _, x := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-06-05", 1, "2026-06-08"}, // Friday: the weekend passed over
		{"2026-06-03", 5, "2026-06-10"}, // Wednesday, across a weekend
		{"2026-09-24", 1, "2026-09-28"}, // Thursday before 中秋节 (25 to 27 September)
		{"2026-09-18", 1, "2026-09-20"}, // Friday: Sunday 20 September is worked (调休)
		{"2026-09-30", 1, "2026-10-08"}, // 国庆节, 1 to 7 October
		{"2026-09-30", 3, "2026-10-10"}, // Saturday 10 October is worked
		{"2026-02-13", 1, "2026-02-14"}, // Saturday 14 February is worked before 春节
		{"2026-02-13", 2, "2026-02-24"}, // 春节, 15 to 23 February
		{"2025-12-31", 1, "2026-01-04"}, // 元旦 1 to 3 January 2026; Sunday the 4th is worked
		{"2025-12-31", 0, "2025-12-31"}, // nothing to add
		{"2025-01-24", 1, "2025-01-26"}, // Sunday 26 January 2025 is worked
		{"2027-01-01", 1, "2027-01-04"}, // beyond the calendar: weekends only
	} {
		got := c.AddWorkdays(date(x.from), x.n)
		if got.Format(time.DateOnly) != x.want {
			t.Errorf("%s + %d working days: %s, want %s", x.from, x.n, got.Format(time.DateOnly), x.want)
		}
	}
	// A project group ending Thursday 24 September 2026: 28, 29, 30 September, 8 and 9
	// October; it must be dissolved by the end of the 9th (IW 第十条(四)).
	old := time.Local
	time.Local = cst
	defer func() { time.Local = old }()
	if d := c.DissolutionDeadline(date("2026-09-24")); !d.Equal(time.Date(2026, 10, 9, 23, 59, 59, 0, cst)) {
		t.Errorf("dissolution deadline: %s", d)
	}
	if n := c.Workdays(date("2026-09-24"), date("2026-10-10")); n != 6 {
		t.Errorf("working days after 24 September up to 10 October: %d, want 6", n)
	}
	if !c.IsWorkday(date("2026-10-10")) || c.IsWorkday(date("2026-10-05")) || c.IsWorkday(date("2026-06-06")) || !c.IsWorkday(date("2026-06-08")) {
		t.Error("IsWorkday")
	}
	if c.Name(date("2026-10-01")) != "国庆节" || !c.Covers(date("2025-06-01")) || c.Covers(date("2027-06-01")) {
		t.Error("Name or Covers")
	}
}

func TestParseCalendar(t *testing.T) {
	c, err := ParseCalendar([]byte("# an organisation's own\n2030-01-01 休 元旦\n2030-01-05 班\n2030-02-01..2030-02-03 holiday 春节 (三天)\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkday(date("2030-02-02")) || !c.IsWorkday(date("2030-01-05")) || c.Name(date("2030-02-03")) != "春节 (三天)" {
		t.Error("the days of a calendar file")
	}
	for _, bad := range []struct{ text, want string }{
		{"2030-01-01\n", "line 1"},
		{"\n\n2030-13-01 holiday\n", "line 3"},
		{"2030-01-01 rest\n", "neither holiday"},
		{"2030-01-05..2030-01-01 holiday\n", "ends before"},
		{"2030-01-01..2030-06-01 holiday\n", "more than"},
		{"2030-01-01 holiday\n2029-12-30..2030-01-02 holiday\n", "given twice"},
		{"2030-02-30 holiday\n", "not a date"},
		{"\xff\n", "UTF-8"},
	} {
		if _, err := ParseCalendar([]byte(bad.text)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: %v, want %q", bad.text, err, bad.want)
		}
	}
}

func FuzzParseCalendar(f *testing.F) {
	f.Add(string(defaultCalendar))
	f.Add("2030-01-01 休 元旦\n2030-01-05 班\n")
	f.Add("2030-02-01..2030-02-03 holiday 春节\n")
	f.Add("2030-01-01..2030-03-03 holiday\n")
	f.Add("# only a comment\n\n")
	f.Add("2030-1-1 holiday\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseCalendar([]byte(text))
		if err != nil {
			return
		}
		// Whatever it accepted, it counts working days forward and ends.
		d := c.AddWorkdays(date("2030-01-01"), 10)
		if !d.After(date("2030-01-01")) {
			t.Fatalf("10 working days after 1 January 2030: %s", d)
		}
		for _, y := range c.Years() {
			if !c.Covers(time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("year %d listed, not covered", y)
			}
		}
	})
}

func TestParsePeriod(t *testing.T) {
	old := time.Local
	time.Local = cst
	defer func() { time.Local = old }()
	now := time.Date(2026, 7, 2, 10, 0, 0, 0, cst) // a Thursday
	for _, x := range []struct{ in, name, dates, prev string }{
		{"week", "2026-W27", "2026-06-29 ~ 2026-07-05", "2026-W26"},
		{"month", "2026-07", "2026-07-01 ~ 2026-07-31", "2026-06"},
		{"quarter", "2026-Q3", "2026-07-01 ~ 2026-09-30", "2026-Q2"},
		{"year", "2026", "2026-01-01 ~ 2026-12-31", "2025"},
		{"last-month", "2026-06", "2026-06-01 ~ 2026-06-30", "2026-05"},
		{"last-week", "2026-W26", "2026-06-22 ~ 2026-06-28", "2026-W25"},
		{"2026-03", "2026-03", "2026-03-01 ~ 2026-03-31", "2026-02"},
		{"2026-Q1", "2026-Q1", "2026-01-01 ~ 2026-03-31", "2025-Q4"},
		{"2026-q4", "2026-Q4", "2026-10-01 ~ 2026-12-31", "2026-Q3"},
		{"2025", "2025", "2025-01-01 ~ 2025-12-31", "2024"},
		{"2026-W01", "2026-W01", "2025-12-29 ~ 2026-01-04", "2025-W52"},
		{"2026-W53", "2026-W53", "2026-12-28 ~ 2027-01-03", "2026-W52"},
		{"2026-10-01..2026-10-31", "2026-10-01..2026-10-31", "2026-10-01 ~ 2026-10-31", "2026-08-31..2026-09-30"},
		{"2026-06-03", "2026-06-03", "2026-06-03 ~ 2026-06-03", "2026-06-02"},
	} {
		p, err := ParsePeriod(x.in, now)
		if err != nil {
			t.Errorf("%s: %v", x.in, err)
			continue
		}
		if p.String() != x.name || p.Dates() != x.dates || p.Previous().String() != x.prev {
			t.Errorf("%s: %s (%s), previous %s; want %s (%s), previous %s", x.in, p, p.Dates(), p.Previous(), x.name, x.dates, x.prev)
		}
		if again, err := ParsePeriod(p.String(), now); err != nil || again != p {
			t.Errorf("%s: %s does not read back: %v %v", x.in, p, again, err)
		}
	}
	for _, bad := range []string{"", "fortnight", "last-day", "2026-13", "2026-Q5", "2026-W54", "2025-W53", "2026-10-31..2026-10-01", "26-10", "2026-02-30"} {
		if _, err := ParsePeriod(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, x := range []struct{ in, out string }{{"", "all"}, {"all", "all"}, {"group:g1", "group:g1"}, {"branch:第三党支部", "branch:第三党支部"}} {
		s, err := ParseScope(x.in)
		if err != nil || s.String() != x.out {
			t.Errorf("scope %q: %v %v", x.in, s, err)
		}
	}
	for _, bad := range []string{"group:", "team:x", "g1"} {
		if _, err := ParseScope(bad); err == nil {
			t.Errorf("scope %q accepted", bad)
		}
	}
}
