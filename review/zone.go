package review

import (
	"strconv"
	"strings"
	"time"

	"qunshen/internal/i18n"
)

// ParseZone reads the zone times are shown in (the command line's --tz, $QUNSHEN_TZ): an
// IANA name (Asia/Shanghai, Europe/Berlin), UTC, or an offset from UTC (+08:00, -05:00,
// +0530, +8). An empty text is China time. The names come from the zone database the
// binary embeds, so they read the same on a machine without one.
func ParseZone(s string) (*time.Location, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ChinaTime, nil
	case s[0] == '+' || s[0] == '-':
		off, ok := parseOffset(s[1:])
		if !ok {
			return nil, i18n.E("review.zone.bad", s)
		}
		if s[0] == '-' {
			off = -off
		}
		if off == 8*3600 {
			return ChinaTime, nil
		}
		return time.FixedZone(offsetName(off), off), nil
	case strings.EqualFold(s, "local"):
		// The machine's zone is what the default exists to avoid; asked for by name it is a
		// choice, but its name says nothing on another machine.
		return nil, i18n.E("review.zone.bad", s)
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, i18n.E("review.zone.bad", s)
	}
	return loc, nil
}

// parseOffset reads hours and minutes: 8, 08, 0800, 08:00; at most 14 hours, minutes < 60.
func parseOffset(s string) (int, bool) {
	h, m := s, ""
	if i := strings.IndexByte(s, ':'); i >= 0 {
		h, m = s[:i], s[i+1:]
		if len(m) != 2 {
			return 0, false
		}
	} else if len(s) == 4 {
		h, m = s[:2], s[2:]
	}
	if len(h) == 0 || len(h) > 2 {
		return 0, false
	}
	hours, err := strconv.Atoi(h)
	if err != nil || hours < 0 || hours > 14 || h[0] == '+' || h[0] == '-' {
		return 0, false
	}
	minutes := 0
	if m != "" {
		if minutes, err = strconv.Atoi(m); err != nil || minutes < 0 || minutes >= 60 || m[0] == '+' || m[0] == '-' {
			return 0, false
		}
	}
	return hours*3600 + minutes*60, true
}

// offsetName names a fixed offset as UTC+08:00 does.
func offsetName(off int) string {
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return "UTC" + string(sign) + twoDigits(off/3600) + ":" + twoDigits(off%3600/60)
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// IsChinaTime reports whether a zone is the default, China time.
func IsChinaTime(loc *time.Location) bool { return loc == nil || loc == ChinaTime }

// ZoneName is how the screen and the command line name a zone: China time in words
// ("北京时间 (UTC+8)", "China time (UTC+8)"), any other by its name and its offset now.
func ZoneName(loc *time.Location, lang i18n.Lang, now time.Time) string {
	if IsChinaTime(loc) {
		return i18n.T(lang, "zone.china")
	}
	_, off := now.In(loc).Zone()
	name := offsetName(off)
	if loc.String() != name {
		name = loc.String() + " (" + name + ")"
	}
	return name
}
