package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"qunshen/internal/atomicfile"
	"qunshen/internal/document"
	"qunshen/internal/i18n"
	"qunshen/model"
	"qunshen/review"
)

// The supervisor's commands: the report of a period, inspection findings and their
// rectification (ST 七, PM 五(二)1, IW 第十二条).

var (
	reportPeriod, reportScope, reportFormat, reportOut string
	calendarFile                                       string
	inspectGroup, inspectBranch, inspectItem           string
	inspectFinding, inspectDeadline, inspectID         string
	inspectDays                                        int
	inspectDissolve                                    bool
	rectifyAll, rectifyJSON                            bool
)

// clock is the time reports and inspections take as now (tests fix it).
var clock = time.Now

func calendarFlag(fs *flag.FlagSet) {
	fs.StringVar(&calendarFile, "calendar", "", "a holiday calendar `file` to count working days with (default $QUNSHEN_CALENDAR, or the built-in 2025-2026 calendar)")
}

// loadCalendar is the calendar in force: --calendar, $QUNSHEN_CALENDAR, or the built-in one.
func loadCalendar() (*review.Calendar, error) {
	path := calendarFile
	if path == "" {
		path = os.Getenv("QUNSHEN_CALENDAR")
	}
	if path == "" {
		return review.DefaultCalendar(), nil
	}
	return review.LoadCalendar(path)
}

func reportFlags(fs *flag.FlagSet, _ *ctx) {
	fs.StringVar(&reportPeriod, "period", "month", "week, month, quarter, year, last-week … last-year, 2026-W23, 2026-06, 2026-Q2, 2026, or 2026-06-01..2026-06-30")
	fs.StringVar(&reportScope, "scope", "all", "all, group:ID or branch:NAME")
	fs.StringVar(&reportFormat, "format", "", "md, csv, xlsx, html or json (default: from the file's extension, else md)")
	fs.StringVar(&reportOut, "o", "-", "the `file` to write (- for standard output)")
	calendarFlag(fs)
}

func runReport(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected %q", args[0])
	}
	format := reportFormat
	if format == "" {
		format = document.FormatOf(reportOut)
	}
	if format == "" {
		format = "md"
	}
	if !slices.Contains(document.Formats, format) {
		return usagef("--format takes %s, not %q", strings.Join(document.Formats, ", "), format)
	}
	if format == "xlsx" && reportOut == "-" {
		return usagef("a spreadsheet is written to a file: add -o FILE.xlsx")
	}
	now := clock()
	period, err := review.ParsePeriod(reportPeriod, now)
	if err != nil {
		return usagef("%v", err)
	}
	scope, err := review.ParseScope(reportScope)
	if err != nil {
		return usagef("%v", err)
	}
	cal, err := loadCalendar()
	if err != nil {
		return err
	}
	pol, err := c.loadPolicy()
	if err != nil {
		return err
	}
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	op, err := st.Operator(c.operatorName())
	if err != nil {
		return err
	}
	if scope.Kind == "group" {
		if _, ok, err := st.Group(scope.Value); err != nil || !ok {
			if err != nil {
				return err
			}
			return fmt.Errorf("no group %q in %s", scope.Value, st.Path())
		}
	}
	r, err := review.MakeReport(st, review.ReportOptions{Period: period, Scope: scope, Now: now, Policy: pol, Calendar: cal, Operator: op.Name})
	if err != nil {
		return err
	}
	lang := i18n.Lang(c.language())
	if reportOut == "-" {
		w := bufio.NewWriter(c.stdout)
		if err := document.Write(w, format, r, lang); err != nil {
			return err
		}
		return w.Flush()
	}
	var buf bytes.Buffer
	if err := document.Write(&buf, format, r, lang); err != nil {
		return err
	}
	err = atomicfile.Write(reportOut, func(f *os.File) error {
		_, err := f.Write(buf.Bytes())
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: the report of %s (%s), %s, as %s\n", reportOut, period, period.Dates(), scope, op.Name)
	return nil
}

func inspectFlags(fs *flag.FlagSet, _ *ctx) {
	fs.StringVar(&inspectGroup, "group", "", "the group `ID` inspected")
	fs.StringVar(&inspectBranch, "branch", "", "or the branch or department `NAME` inspected")
	fs.StringVar(&inspectItem, "item", "", "the inspection item (ST 七(二)): "+strings.Join(review.InspectionItems, ", "))
	fs.StringVar(&inspectFinding, "finding", "", "what was found, in words")
	fs.StringVar(&inspectDeadline, "deadline", "", "rectify by this `date` (YYYY-MM-DD, until the end of the day)")
	fs.IntVar(&inspectDays, "days", 0, "or within this many working days from today")
	fs.BoolVar(&inspectDissolve, "dissolve", false, "order the group dissolved (by default within 5 working days, IW 第十条(四))")
	fs.StringVar(&inspectID, "id", "", "the finding's `id` (default R-YYYYMMDD-HHMMSS)")
	calendarFlag(fs)
}

// runInspect records an inspection finding and orders its rectification, or the group's
// dissolution: the group's status becomes rectifying, with the deadline.
func runInspect(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected %q", args[0])
	}
	if (inspectGroup == "") == (inspectBranch == "") {
		return usagef("name the group (--group ID) or the branch (--branch NAME) inspected, one of them")
	}
	if !slices.Contains(review.InspectionItems, inspectItem) {
		return usagef("--item takes %s, not %q", strings.Join(review.InspectionItems, ", "), inspectItem)
	}
	if strings.TrimSpace(inspectFinding) == "" {
		return usagef("--finding is required: what was found")
	}
	if inspectDeadline != "" && inspectDays != 0 {
		return usagef("give --deadline or --days, not both")
	}
	if inspectDissolve && inspectGroup == "" {
		return usagef("--dissolve orders a group dissolved: name it with --group")
	}
	if inspectDays < 0 {
		return usagef("--days must be positive")
	}
	cal, err := loadCalendar()
	if err != nil {
		return err
	}
	now := clock()
	var deadline time.Time
	switch {
	case inspectDeadline != "":
		d, err := time.ParseInLocation(time.DateOnly, inspectDeadline, review.ChinaTime)
		if err != nil {
			return usagef("--deadline: want YYYY-MM-DD, not %q", inspectDeadline)
		}
		deadline = review.EndOfDay(d)
		if deadline.Before(now) {
			return usagef("--deadline %s has passed", inspectDeadline)
		}
	case inspectDays > 0:
		deadline = review.EndOfDay(cal.AddWorkdays(now.In(review.ChinaTime), inspectDays))
	case inspectDissolve:
		deadline = review.EndOfDay(cal.AddWorkdays(now.In(review.ChinaTime), review.DissolveWorkdays))
	default:
		return usagef("give a deadline: --deadline YYYY-MM-DD or --days N (working days)")
	}
	st, s, err := c.signer()
	if err != nil {
		return err
	}
	defer st.Close()
	id := inspectID
	if id == "" {
		id = "R-" + now.In(review.ChinaTime).Format("20060102-150405")
	}
	r := model.Rectification{ID: id, Group: inspectGroup, Branch: inspectBranch, Item: inspectItem, Finding: inspectFinding, Deadline: deadline, Dissolve: inspectDissolve}
	svc := review.Service{Store: st, Signer: s}
	ev, err := svc.Act(model.RectificationOrder, id, r)
	if err != nil {
		return err
	}
	what := "rectification"
	if inspectDissolve {
		what = "dissolution"
	}
	target := "group " + inspectGroup
	if inspectGroup == "" {
		target = "branch " + inspectBranch
	}
	fmt.Fprintf(c.stdout, "%s %s: %s of %s ordered by %s, by %s (event %s)\n", id, inspectItem, what, target, s.Operator.Name, deadline.Format(time.DateOnly), ev.Short())
	if !cal.Covers(deadline) {
		fmt.Fprintf(c.stderr, "note: the calendar lists no holidays for %d: only weekends were counted (see --calendar)\n", deadline.Year())
	}
	return nil
}

func rectifyFlags(fs *flag.FlagSet, _ *ctx) {
	fs.BoolVar(&rectifyAll, "all", false, "list: closed findings too")
	fs.BoolVar(&rectifyJSON, "json", false, "list: JSON Lines, for scripts")
	fs.StringVar(&decideReason, "reason", "", "close, dissolve: a note kept with the event")
	calendarFlag(fs)
}

// runRectify lists inspection findings, closes one once rectified (the group is active
// again), or records a group's dissolution.
func runRectify(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		return usagef("want list, close ID or dissolve GROUP")
	}
	switch args[0] {
	case "list":
		if len(args) != 1 {
			return usagef("unexpected %q", args[1])
		}
		return rectifyList(c)
	case "close", "dissolve":
		if len(args) != 2 {
			return usagef("%s wants one id", args[0])
		}
		st, s, err := c.signer()
		if err != nil {
			return err
		}
		defer st.Close()
		svc := review.Service{Store: st, Signer: s}
		kind := model.RectificationClose
		if args[0] == "dissolve" {
			kind = model.GroupDissolve
		}
		ev, err := svc.Act(kind, args[1], model.ReasonPayload{Reason: decideReason})
		if err != nil {
			return err
		}
		if kind == model.GroupDissolve {
			fmt.Fprintf(c.stdout, "group %s: dissolved (event %s, by %s)\n", args[1], ev.Short(), s.Operator.Name)
			return nil
		}
		r, _, err := st.Rectification(args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s: %s (event %s, by %s)\n", r.ID, r.Status, ev.Short(), s.Operator.Name)
		return nil
	}
	return usagef("unknown %q: want list, close ID or dissolve GROUP", args[0])
}

func rectifyList(c *ctx) error {
	cal, err := loadCalendar()
	if err != nil {
		return err
	}
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	rs, err := st.Rectifications()
	if err != nil {
		return err
	}
	gs, err := st.Groups()
	if err != nil {
		return err
	}
	now := clock()
	l := i18n.Lang(c.language())
	w := bufio.NewWriter(c.stdout)
	defer w.Flush()
	type line struct {
		model.Rectification
		Overdue bool `json:"overdue"`
	}
	shown := 0
	for _, r := range rs {
		if r.Status != model.RectOpen && !rectifyAll {
			continue
		}
		shown++
		over := r.Status == model.RectOpen && !r.Deadline.IsZero() && r.Deadline.Before(now)
		if rectifyJSON {
			b, _ := json.Marshal(line{r, over})
			fmt.Fprintf(w, "%s\n", b)
			continue
		}
		target := r.Group
		if target == "" {
			target = r.Branch
		}
		state := i18n.T(l, "report.state.open")
		switch {
		case r.Status == model.RectClosed:
			state = i18n.T(l, "report.state.closed")
		case over:
			state = i18n.T(l, "report.state.overdue")
		case r.Dissolve:
			state = i18n.T(l, "report.state.dissolve")
		}
		fmt.Fprintf(w, "%s  %-12s %s  %s  %s  %s\n", r.ID, inert(target), r.Deadline.In(review.ChinaTime).Format(time.DateOnly), state,
			document.Cell("item:"+r.Item, l), inert(r.Finding))
	}
	if rectifyJSON {
		return nil
	}
	if shown == 0 {
		fmt.Fprintf(w, "%s\n", i18n.T(l, "none"))
	}
	// Project groups and their dissolution deadlines (IW 第十条(四)).
	for _, g := range gs {
		if g.Kind != model.KindProject || g.ProjectEnd.IsZero() || g.Status == model.GroupDissolved {
			continue
		}
		d := cal.DissolutionDeadline(g.ProjectEnd)
		state := i18n.T(l, "report.state.due")
		if d.Before(now) {
			state = i18n.T(l, "report.state.overdue")
		}
		fmt.Fprintf(w, "%s %s  %s %s  %s %s  %s\n", i18n.T(l, "report.c.group"), inert(g.Name), i18n.T(l, "report.c.projectend"),
			g.ProjectEnd.In(review.ChinaTime).Format(time.DateOnly), i18n.T(l, "report.c.dissolveby"), d.Format(time.DateOnly), state)
	}
	return nil
}
