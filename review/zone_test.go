package review

import (
	"strings"
	"testing"
	"time"

	"qunshen/internal/i18n"
)

func TestParseZone(t *testing.T) {
	at := time.Date(2026, 6, 3, 1, 30, 0, 0, time.UTC) // 09:30 in China
	for _, c := range []struct {
		in, clock, name string
	}{
		{"", "09:30", "北京时间 (UTC+8)"},
		{"+08:00", "09:30", "北京时间 (UTC+8)"},
		{"+8", "09:30", "北京时间 (UTC+8)"},
		{"Asia/Shanghai", "09:30", "Asia/Shanghai (UTC+08:00)"},
		{"Europe/Berlin", "03:30", "Europe/Berlin (UTC+02:00)"}, // summer time
		{"-05:00", "20:30", "UTC-05:00"},
		{"+0530", "07:00", "UTC+05:30"},
		{"UTC", "01:30", "UTC (UTC+00:00)"},
	} {
		loc, err := ParseZone(c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if got := at.In(loc).Format("15:04"); got != c.clock {
			t.Errorf("%q: 01:30 UTC reads %s, want %s", c.in, got, c.clock)
		}
		if got := ZoneName(loc, i18n.ZH, at); got != c.name {
			t.Errorf("%q: named %q, want %q", c.in, got, c.name)
		}
	}
	for _, bad := range []string{"Mars/Olympus", "+25:00", "+08:70", "8", "+", "local", "+08:0", "../../etc/passwd", "+-8"} {
		if _, err := ParseZone(bad); err == nil {
			t.Errorf("%q was taken", bad)
		} else if !strings.Contains(i18n.Explain(i18n.ZH, err), "时区") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func FuzzParseZone(f *testing.F) {
	for _, s := range []string{"", "+08:00", "-05:00", "+0530", "Asia/Shanghai", "Europe/Berlin", "UTC", "+14", "-00:00", "x", "/", "Asia/../Asia/Shanghai"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		loc, err := ParseZone(s)
		if err != nil {
			return
		}
		now := time.Date(2026, 6, 3, 1, 30, 0, 0, time.UTC)
		if _, off := now.In(loc).Zone(); off < -14*3600 || off > 14*3600 {
			t.Fatalf("%q: offset %d", s, off)
		}
		if ZoneName(loc, i18n.EN, now) == "" {
			t.Fatalf("%q: no name", s)
		}
	})
}
