package review

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// ChinaTime is the zone of periods and days: a day begins at midnight in China (UTC+8),
// whatever the machine's zone, so that one period means the same posts on every machine.
var ChinaTime = time.FixedZone("UTC+8", 8*60*60)

// PeriodKind is the length of a report's period.
type PeriodKind string

const (
	PeriodWeek    PeriodKind = "week"
	PeriodMonth   PeriodKind = "month"
	PeriodQuarter PeriodKind = "quarter"
	PeriodYear    PeriodKind = "year"
	PeriodRange   PeriodKind = "range" // from one date to another, both included
)

// PeriodKinds are the lengths the Reports pane cycles through.
var PeriodKinds = []PeriodKind{PeriodWeek, PeriodMonth, PeriodQuarter, PeriodYear}

// Period is a span of whole China-time days [From, To) that a report or an archive covers.
type Period struct {
	Kind     PeriodKind
	From, To time.Time
}

// PeriodOf is the week (from Monday), month, quarter or year holding t, in China time.
func PeriodOf(kind PeriodKind, t time.Time) Period {
	t = t.In(ChinaTime)
	y, m, d := t.Date()
	var from time.Time
	switch kind {
	case PeriodWeek:
		back := (int(t.Weekday()) + 6) % 7
		from = time.Date(y, m, d-back, 0, 0, 0, 0, ChinaTime)
	case PeriodQuarter:
		from = time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, ChinaTime)
	case PeriodYear:
		from = time.Date(y, 1, 1, 0, 0, 0, 0, ChinaTime)
	default:
		kind = PeriodMonth
		from = time.Date(y, m, 1, 0, 0, 0, 0, ChinaTime)
	}
	return Period{Kind: kind, From: from, To: step(kind, from, 1)}
}

func step(kind PeriodKind, from time.Time, n int) time.Time {
	switch kind {
	case PeriodWeek:
		return from.AddDate(0, 0, 7*n)
	case PeriodQuarter:
		return from.AddDate(0, 3*n, 0)
	case PeriodYear:
		return from.AddDate(n, 0, 0)
	}
	return from.AddDate(0, n, 0)
}

// Days is the number of calendar days in the period.
func (p Period) Days() int {
	n := 0
	for d := p.From; d.Before(p.To); d = d.AddDate(0, 0, 1) {
		n++
	}
	return n
}

// Shift is the period n periods of the same length later (earlier when n < 0). A range of
// dates moves by its number of days.
func (p Period) Shift(n int) Period {
	if p.Kind == PeriodRange {
		days := p.Days()
		return Period{Kind: PeriodRange, From: p.From.AddDate(0, 0, days*n), To: p.To.AddDate(0, 0, days*n)}
	}
	return Period{Kind: p.Kind, From: step(p.Kind, p.From, n), To: step(p.Kind, p.From, n+1)}
}

// Previous is the period a report compares with: the one of the same length just before.
func (p Period) Previous() Period { return p.Shift(-1) }

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// String names the period as ParsePeriod reads it back: 2026-W23, 2026-06, 2026-Q2, 2026,
// or 2026-06-01..2026-06-30.
func (p Period) String() string {
	f := p.From.In(ChinaTime)
	switch p.Kind {
	case PeriodWeek:
		y, w := f.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case PeriodMonth:
		return f.Format("2006-01")
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", f.Year(), (int(f.Month())-1)/3+1)
	case PeriodYear:
		return fmt.Sprintf("%04d", f.Year())
	}
	last := p.To.In(ChinaTime).AddDate(0, 0, -1)
	if last.Equal(f) {
		return f.Format(time.DateOnly)
	}
	return f.Format(time.DateOnly) + ".." + last.Format(time.DateOnly)
}

// Dates is the period's first and last day, for people: 2026-06-01 ~ 2026-06-30.
func (p Period) Dates() string {
	return p.From.In(ChinaTime).Format(time.DateOnly) + " ~ " + p.To.In(ChinaTime).AddDate(0, 0, -1).Format(time.DateOnly)
}

var (
	reMonth   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	reQuarter = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)
	reYear    = regexp.MustCompile(`^(\d{4})$`)
	reWeek    = regexp.MustCompile(`^(\d{4})-[Ww](\d{2})$`)
)

// ParsePeriod reads a period, in China time:
//
//	week, month, quarter, year            the one holding now (also this-week …)
//	last-week, last-month, last-quarter, last-year
//	2026-W23                               an ISO week (Monday to Sunday)
//	2026-06                                a month
//	2026-Q2                                a quarter
//	2026                                   a year
//	2026-06-03                             one day
//	A..B                                   from the first day of A to the last of B, both any
//	                                       of the above: 2026-06-01..2026-06-30, 2026-07..2026-09
func ParsePeriod(s string, now time.Time) (Period, error) {
	s = strings.TrimSpace(s)
	bad := i18n.E("review.period.bad", s)
	s = strings.TrimPrefix(s, "this-")
	if k, ok := strings.CutPrefix(s, "last-"); ok {
		if !slices.Contains(PeriodKinds, PeriodKind(k)) {
			return Period{}, bad
		}
		return PeriodOf(PeriodKind(k), now).Previous(), nil
	}
	if slices.Contains(PeriodKinds, PeriodKind(s)) {
		return PeriodOf(PeriodKind(s), now), nil
	}
	if from, to, isRange := strings.Cut(s, ".."); isRange {
		a, errA := onePeriod(from, bad)
		b, errB := onePeriod(to, bad)
		switch {
		case errA != nil || errB != nil:
			return Period{}, bad
		case !b.To.After(a.From):
			return Period{}, i18n.E("review.period.backwards", s)
		}
		return Period{Kind: PeriodRange, From: a.From, To: b.To}, nil
	}
	return onePeriod(s, bad)
}

// onePeriod reads a week, a month, a quarter, a year or a day.
func onePeriod(s string, bad error) (Period, error) {
	num := func(x string) int { n, _ := strconv.Atoi(x); return n }
	if m := reMonth.FindStringSubmatch(s); m != nil {
		if mo := num(m[2]); mo >= 1 && mo <= 12 {
			return PeriodOf(PeriodMonth, time.Date(num(m[1]), time.Month(mo), 1, 12, 0, 0, 0, ChinaTime)), nil
		}
		return Period{}, bad
	}
	if m := reQuarter.FindStringSubmatch(s); m != nil {
		return PeriodOf(PeriodQuarter, time.Date(num(m[1]), time.Month(3*num(m[2])-2), 1, 12, 0, 0, 0, ChinaTime)), nil
	}
	if m := reYear.FindStringSubmatch(s); m != nil {
		return PeriodOf(PeriodYear, time.Date(num(m[1]), 1, 1, 12, 0, 0, 0, ChinaTime)), nil
	}
	if m := reWeek.FindStringSubmatch(s); m != nil {
		y, w := num(m[1]), num(m[2])
		// The ISO week holding January 4th is week 1.
		jan4 := time.Date(y, 1, 4, 12, 0, 0, 0, ChinaTime)
		p := PeriodOf(PeriodWeek, jan4).Shift(w - 1)
		if gy, gw := p.From.ISOWeek(); w < 1 || gy != y || gw != w {
			return Period{}, bad
		}
		return p, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, ChinaTime)
	if err != nil {
		return Period{}, bad
	}
	return Period{Kind: PeriodRange, From: d, To: d.AddDate(0, 0, 1)}, nil
}

// Scope is what a report covers: every group, one group, or the groups of a branch or
// department.
type Scope struct {
	Kind  string // "all", "group" or "branch"
	Value string
}

// ParseScope reads all, group:ID or branch:NAME.
func ParseScope(s string) (Scope, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "all" {
		return Scope{Kind: "all"}, nil
	}
	kind, v, ok := strings.Cut(s, ":")
	if ok && v != "" && (kind == "group" || kind == "branch") {
		return Scope{Kind: kind, Value: v}, nil
	}
	return Scope{}, i18n.E("review.scope.bad", s)
}

func (s Scope) String() string {
	if s.Kind == "" || s.Kind == "all" {
		return "all"
	}
	return s.Kind + ":" + s.Value
}

// All reports whether the scope is every group.
func (s Scope) All() bool { return s.Kind == "" || s.Kind == "all" }

// Groups is the set of the groups in scope among groups; nil means every group.
func (s Scope) Groups(groups []model.Group) map[string]bool {
	if s.All() {
		return nil
	}
	out := map[string]bool{}
	for _, g := range groups {
		if (s.Kind == "group" && g.ID == s.Value) || (s.Kind == "branch" && g.Branch == s.Value) {
			out[g.ID] = true
		}
	}
	return out
}

// Branches lists the branches of the groups, sorted, for a choice of scope.
func Branches(groups []model.Group) []string {
	var out []string
	for _, g := range groups {
		if g.Branch != "" && !slices.Contains(out, g.Branch) {
			out = append(out, g.Branch)
		}
	}
	slices.Sort(out)
	return out
}
