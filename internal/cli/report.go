package cli

// The supervisor's commands: the report of a period, inspection findings and their
// rectification (ST 七, PM 五(二)1, IW 第十二条).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"qunshen/internal/atomicfile"
	"qunshen/internal/document"
	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
)

// calendarFlag is --calendar, of the commands that count working days.
func (e *env) calendarFlag(f *pflag.FlagSet, path *string) {
	f.StringVar(path, "calendar", "", e.t("cli.flag.calendar"))
}

type reportOptions struct {
	period, scope, format, out, calendar string
}

// qunshen report: the supervisor's report of a period, in a document of internal/document.
func newReportCmd(e *env) *cobra.Command {
	var o reportOptions
	c := e.command("report", func(args []string) error {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		return e.runReport(o)
	})
	f := c.Flags()
	f.StringVar(&o.period, "period", "month", e.t("cli.report.flag.period"))
	f.StringVar(&o.scope, "scope", "all", e.t("cli.report.flag.scope"))
	f.StringVar(&o.format, "format", "", e.t("cli.report.flag.format"))
	f.StringVarP(&o.out, "output", "o", "-", e.t("cli.flag.output-or-stdout"))
	e.calendarFlag(f, &o.calendar)
	c.RegisterFlagCompletionFunc("format", fixed(document.Formats...))
	return c
}

func (e *env) runReport(o reportOptions) error {
	format := o.format
	if format == "" {
		format = document.FormatOf(o.out)
	}
	if format == "" {
		format = "md"
	}
	if !slices.Contains(document.Formats, format) {
		return usagef("cli.report.format", strings.Join(document.Formats, ", "), format)
	}
	if format == "xlsx" && o.out == "-" {
		return usagef("cli.report.xlsx")
	}
	now := e.now()
	period, err := review.ParsePeriod(o.period, now)
	if err != nil {
		return &usageError{err: err}
	}
	scope, err := review.ParseScope(o.scope)
	if err != nil {
		return &usageError{err: err}
	}
	cal, err := loadCalendar(o.calendar)
	if err != nil {
		return err
	}
	pol, err := e.loadPolicy()
	if err != nil {
		return err
	}
	st, err := e.openForDocument()
	if err != nil {
		return err
	}
	defer st.Close()
	op, err := st.Operator(e.operatorName())
	if err != nil {
		return err
	}
	if scope.Kind == "group" {
		if _, ok, err := st.Group(scope.Value); err != nil || !ok {
			if err != nil {
				return err
			}
			return i18n.E("cli.report.no-group", scope.Value, st.Path())
		}
	}
	r, err := review.MakeReport(st, review.ReportOptions{Period: period, Scope: scope, Now: now, Policy: pol, Calendar: cal, Operator: op.Name})
	if err != nil {
		return err
	}
	if o.out == "-" {
		w := bufio.NewWriter(e.stdout)
		if err := document.Write(w, format, r, e.lang); err != nil {
			return err
		}
		return w.Flush()
	}
	var buf bytes.Buffer
	if err := document.Write(&buf, format, r, e.lang); err != nil {
		return err
	}
	err = atomicfile.Write(o.out, func(f *os.File) error {
		_, err := f.Write(buf.Bytes())
		return err
	})
	if err != nil {
		return err
	}
	e.say("cli.report.done", o.out, period.String(), period.Dates(), scope.String(), op.Name)
	return nil
}

type inspectOptions struct {
	group, branch, item, finding, deadline, id, calendar string
	days                                                 int
	dissolve                                             bool
}

// qunshen inspect: an inspection finding, and the rectification or dissolution it orders.
func newInspectCmd(e *env) *cobra.Command {
	var o inspectOptions
	c := e.command("inspect", func(args []string) error {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		return e.runInspect(o)
	})
	f := c.Flags()
	f.StringVar(&o.group, "group", "", e.t("cli.inspect.flag.group"))
	f.StringVar(&o.branch, "branch", "", e.t("cli.inspect.flag.branch"))
	f.StringVar(&o.item, "item", "", e.tf("cli.inspect.flag.item", strings.Join(review.InspectionItems, ", ")))
	f.StringVar(&o.finding, "finding", "", e.t("cli.inspect.flag.finding"))
	f.StringVar(&o.deadline, "deadline", "", e.t("cli.inspect.flag.deadline"))
	f.IntVar(&o.days, "days", 0, e.t("cli.inspect.flag.days"))
	f.BoolVar(&o.dissolve, "dissolve", false, e.t("cli.inspect.flag.dissolve"))
	f.StringVar(&o.id, "id", "", e.t("cli.inspect.flag.id"))
	e.calendarFlag(f, &o.calendar)
	c.RegisterFlagCompletionFunc("item", fixed(review.InspectionItems...))
	return c
}

// runInspect records an inspection finding and orders its rectification, or the group's
// dissolution: the group's status becomes rectifying, with the deadline.
func (e *env) runInspect(o inspectOptions) error {
	if (o.group == "") == (o.branch == "") {
		return usagef("cli.inspect.target")
	}
	if !slices.Contains(review.InspectionItems, o.item) {
		return usagef("cli.inspect.item", strings.Join(review.InspectionItems, ", "), o.item)
	}
	if strings.TrimSpace(o.finding) == "" {
		return usagef("cli.inspect.finding")
	}
	if o.deadline != "" && o.days != 0 {
		return usagef("cli.inspect.both")
	}
	if o.dissolve && o.group == "" {
		return usagef("cli.inspect.dissolve-group")
	}
	if o.days < 0 {
		return usagef("cli.inspect.days")
	}
	cal, err := loadCalendar(o.calendar)
	if err != nil {
		return err
	}
	now := e.now()
	var deadline time.Time
	switch {
	case o.deadline != "":
		d, err := time.ParseInLocation(time.DateOnly, o.deadline, review.ChinaTime)
		if err != nil {
			return usagef("cli.inspect.deadline", o.deadline)
		}
		deadline = review.EndOfDay(d)
		if deadline.Before(now) {
			return usagef("cli.inspect.passed", o.deadline)
		}
	case o.days > 0:
		deadline = review.EndOfDay(cal.AddWorkdays(now.In(review.ChinaTime), o.days))
	case o.dissolve:
		deadline = review.EndOfDay(cal.AddWorkdays(now.In(review.ChinaTime), review.DissolveWorkdays))
	default:
		return usagef("cli.inspect.no-deadline")
	}
	st, s, err := e.signer()
	if err != nil {
		return err
	}
	defer st.Close()
	svc := review.Service{Store: st, Signer: s}
	id := o.id
	if id == "" {
		// R-YYYYMMDD-HHMMSS, and -2, -3 … for another of the same second: never one held.
		if id, err = svc.RectificationID(now); err != nil {
			return err
		}
	}
	r := model.Rectification{ID: id, Group: o.group, Branch: o.branch, Item: o.item, Finding: o.finding, Deadline: deadline, Dissolve: o.dissolve}
	ev, err := svc.Act(model.RectificationOrder, id, r)
	if err != nil {
		return err
	}
	what := e.t("cli.inspect.rectification")
	if o.dissolve {
		what = e.t("cli.inspect.dissolution")
	}
	target := e.tf("cli.inspect.group", o.group)
	if o.group == "" {
		target = e.tf("cli.inspect.branch", o.branch)
	}
	e.say("cli.inspect.done", id, o.item, document.Cell("item:"+o.item, e.lang), what, target, s.Operator.Name,
		deadline.Format(time.DateOnly), ev.Short())
	if !cal.Covers(deadline) {
		e.tell("cli.inspect.calendar", deadline.Year())
	}
	return nil
}

type rectifyOptions struct {
	all, asJSON      bool
	reason, calendar string
}

// qunshen rectify list|close ID|dissolve GROUP.
func newRectifyCmd(e *env) *cobra.Command {
	var o rectifyOptions
	c := e.command("rectify", func(args []string) error { return e.runRectify(o, args) })
	f := c.Flags()
	f.BoolVar(&o.all, "all", false, e.t("cli.rectify.flag.all"))
	f.BoolVar(&o.asJSON, "json", false, e.t("cli.rectify.flag.json"))
	f.StringVar(&o.reason, "reason", "", e.t("cli.rectify.flag.reason"))
	e.calendarFlag(f, &o.calendar)
	c.ValidArgsFunction = verbs("list", "close", "dissolve")
	return c
}

// runRectify lists inspection findings, closes one once rectified (the group is active
// again), or records a group's dissolution.
func (e *env) runRectify(o rectifyOptions, args []string) error {
	if len(args) == 0 {
		return usagef("cli.rectify.want")
	}
	switch args[0] {
	case "list":
		if len(args) != 1 {
			return usagef("cli.unexpected", args[1])
		}
		return e.rectifyList(o)
	case "close", "dissolve":
		if len(args) != 2 {
			return usagef("cli.rectify.one-id", args[0])
		}
		st, s, err := e.signer()
		if err != nil {
			return err
		}
		defer st.Close()
		svc := review.Service{Store: st, Signer: s}
		kind := model.RectificationClose
		if args[0] == "dissolve" {
			kind = model.GroupDissolve
		}
		ev, err := svc.Act(kind, args[1], model.ReasonPayload{Reason: o.reason})
		if err != nil {
			return err
		}
		if kind == model.GroupDissolve {
			e.say("cli.rectify.dissolved", args[1], ev.Short(), s.Operator.Name)
			return nil
		}
		r, _, err := st.Rectification(args[1])
		if err != nil {
			return err
		}
		e.say("cli.rectify.closed", r.ID, e.name("rectification.", string(r.Status)), ev.Short(), s.Operator.Name)
		return nil
	}
	return usagef("cli.rectify.unknown", args[0])
}

func (e *env) rectifyList(o rectifyOptions) error {
	cal, err := loadCalendar(o.calendar)
	if err != nil {
		return err
	}
	st, err := e.open()
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
	now := e.now()
	l := e.lang
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	type line struct {
		model.Rectification
		Overdue bool `json:"overdue"`
	}
	shown := 0
	for _, r := range rs {
		if r.Status != model.RectOpen && !o.all {
			continue
		}
		shown++
		over := r.Status == model.RectOpen && !r.Deadline.IsZero() && r.Deadline.Before(now)
		if o.asJSON {
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
		fmt.Fprintf(w, "%s  %-12s %s  %s  %s  %s\n", inert.Line(r.ID), inert.Line(target), r.Deadline.In(review.ChinaTime).Format(time.DateOnly), state,
			inert.Line(document.Cell("item:"+r.Item, l)), inert.Line(r.Finding))
	}
	if o.asJSON {
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
		fmt.Fprintf(w, "%s %s  %s %s  %s %s  %s\n", i18n.T(l, "report.c.group"), inert.Line(g.Name), i18n.T(l, "report.c.projectend"),
			g.ProjectEnd.In(review.ChinaTime).Format(time.DateOnly), i18n.T(l, "report.c.dissolveby"), d.Format(time.DateOnly), state)
	}
	return nil
}
