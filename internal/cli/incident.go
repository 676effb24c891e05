package cli

// qunshen incident: emergencies and public opinion (CW 五, IW 第八条(五)) — opened from a post,
// a member or a group, stopped by measures linked to the decisions that carried them out,
// reported upward, followed up, closed; and the upward report (情况报告) written.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qunshen/internal/atomicfile"
	"qunshen/internal/document"
	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
)

type incidentOptions struct {
	kind, group, post, member, summary, found, id string
	text, to, impact, next, outcome               string
	out, format                                   string
	status                                        string
	mask, json                                    bool
}

func incidentVerbs() []string {
	return []string{"open", "measure", "escalate", "followup", "close", "report", "list", "show"}
}

// qunshen incident open|measure|escalate|followup|close|report|list|show.
func newIncidentCmd(e *env) *cobra.Command {
	var o incidentOptions
	c := e.command("incident", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.incident.want")
		}
		verb := args[0]
		if !slices.Contains(incidentVerbs(), verb) {
			return usagef("cli.incident.unknown", verb)
		}
		switch verb {
		case "open", "list":
			if len(args) != 1 {
				return usagef("cli.unexpected", args[1])
			}
		default:
			if len(args) != 2 {
				return usagef("cli.incident.one-id", verb)
			}
		}
		if err := o.only(verb); err != nil {
			return err
		}
		switch verb {
		case "open":
			return e.incidentOpen(o)
		case "list":
			return e.incidentList(o)
		case "show":
			return e.incidentShow(args[1], o.json)
		case "report":
			return e.incidentReport(args[1], o)
		}
		return e.incidentAct(verb, args[1], o)
	})
	f := c.Flags()
	f.StringVar(&o.kind, "kind", "", e.t("cli.incident.flag.kind"))
	f.StringVar(&o.group, "group", "", e.t("cli.incident.flag.group"))
	f.StringVar(&o.post, "post", "", e.t("cli.incident.flag.post"))
	f.StringVar(&o.member, "member", "", e.t("cli.incident.flag.member"))
	f.StringVar(&o.summary, "summary", "", e.t("cli.incident.flag.summary"))
	f.StringVar(&o.found, "found", "", e.t("cli.incident.flag.found"))
	f.StringVar(&o.id, "id", "", e.t("cli.incident.flag.id"))
	f.StringVar(&o.text, "text", "", e.t("cli.incident.flag.text"))
	f.StringVar(&o.to, "to", "", e.t("cli.incident.flag.to"))
	f.StringVar(&o.impact, "impact", "", e.t("cli.incident.flag.impact"))
	f.StringVar(&o.next, "next", "", e.t("cli.incident.flag.next"))
	f.StringVar(&o.outcome, "outcome", "", e.t("cli.incident.flag.outcome"))
	f.StringVarP(&o.out, "output", "o", "", e.t("cli.incident.flag.output"))
	f.StringVar(&o.format, "format", "", e.t("cli.incident.flag.format"))
	f.StringVar(&o.status, "status", "", e.t("cli.incident.flag.status"))
	f.BoolVar(&o.mask, "mask", false, e.t("cli.incident.flag.mask"))
	f.BoolVar(&o.json, "json", false, e.t("cli.incident.flag.json"))
	c.ValidArgsFunction = verbs(incidentVerbs()...)
	c.RegisterFlagCompletionFunc("kind", fixed(strs(model.IncidentKinds)...))
	c.RegisterFlagCompletionFunc("format", fixed(document.IncidentFormats...))
	return c
}

// only refuses a flag that the verb does not take.
func (o *incidentOptions) only(verb string) error {
	flags := []struct {
		set   bool
		name  string
		verbs []string
	}{
		{o.kind != "", "--kind", []string{"open"}},
		{o.group != "", "--group", []string{"open", "list"}},
		{o.post != "", "--post", []string{"open", "measure"}},
		{o.member != "", "--member", []string{"open", "measure"}},
		{o.summary != "", "--summary", []string{"open"}},
		{o.found != "", "--found", []string{"open"}},
		{o.id != "", "--id", []string{"open"}},
		{o.text != "", "--text", []string{"measure", "escalate", "followup"}},
		{o.to != "", "--to", []string{"escalate", "report"}},
		{o.impact != "", "--impact", []string{"followup"}},
		{o.next != "", "--next", []string{"followup"}},
		{o.outcome != "", "--outcome", []string{"close"}},
		{o.out != "", "--output", []string{"report"}},
		{o.format != "", "--format", []string{"report"}},
		{o.mask, "--mask", []string{"report"}},
		{o.status != "", "--status", []string{"list"}},
		{o.json, "--json", []string{"list", "show"}},
	}
	for _, fl := range flags {
		if fl.set && !slices.Contains(fl.verbs, verb) {
			return usagef("cli.violation.only", fl.name, strings.Join(fl.verbs, ", "))
		}
	}
	return nil
}

// parseWhen reads a time of the command line in China time: 2026-06-03 10:00, 2026-06-03T10:00,
// a date, or RFC 3339.
func parseWhen(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), review.ChinaTime); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("cli.incident.found-bad", s)
}

func (e *env) incidentOpen(o incidentOptions) error {
	kind, ok := review.ParseIncidentKind(o.kind)
	switch {
	case o.kind == "":
		return usagef("cli.incident.kind-needed", strings.Join(strs(model.IncidentKinds), ", "))
	case !ok:
		return usagef("cli.incident.kind-bad", o.kind, strings.Join(strs(model.IncidentKinds), ", "))
	case o.group == "" && o.post == "" && o.member == "":
		return usagef("cli.incident.where")
	case strings.TrimSpace(o.summary) == "":
		return usagef("cli.incident.summary")
	}
	var found time.Time
	if o.found != "" {
		var err error
		if found, err = parseWhen(o.found); err != nil {
			return err
		}
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	in, ev, err := svc.OpenIncident(review.NewIncident{ID: o.id, Kind: kind, Group: o.group, Post: o.post, Member: o.member,
		Summary: strings.TrimSpace(o.summary), Found: found})
	if err != nil {
		return err
	}
	e.say("cli.incident.opened", in.ID, e.name("incident.kind.", string(in.Kind)), in.Group, e.whenKnown(in.Found), ev.Short(), svc.Operator().Name)
	return nil
}

func (e *env) incidentAct(verb, id string, o incidentOptions) error {
	text := strings.TrimSpace(o.text)
	switch {
	case verb == "measure" && text == "":
		return usagef("cli.incident.text")
	case verb == "measure" && o.post != "" && o.member != "":
		return usagef("cli.incident.post-or-member")
	case verb == "escalate" && strings.TrimSpace(o.to) == "":
		return usagef("cli.incident.to")
	case verb == "followup" && text == "" && strings.TrimSpace(o.impact+o.next) == "":
		return usagef("cli.incident.followup")
	case verb == "close" && strings.TrimSpace(o.outcome) == "":
		return usagef("cli.incident.outcome")
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	var ev model.Hash
	switch verb {
	case "measure":
		var m model.MeasurePayload
		m, ev, err = svc.MeasureIncident(id, text, o.post, o.member)
		if err != nil {
			return err
		}
		switch {
		case !m.Decision.IsZero():
			on := e.tf("cli.incident.on.post", m.Post)
			if m.Member != "" {
				on = e.tf("cli.incident.on.member", m.Member)
			}
			e.say("cli.incident.linked", on, e.name("kind.", string(m.DecisionKind)), e.whenKnown(m.DecisionTime), m.Decision.Short())
		case m.Post != "" || m.Member != "":
			e.tell("cli.incident.no-decision")
		}
	case "escalate":
		ev, err = svc.EscalateIncident(id, strings.TrimSpace(o.to), text)
	case "followup":
		ev, err = svc.FollowUpIncident(id, text, strings.TrimSpace(o.impact), strings.TrimSpace(o.next))
	case "close":
		ev, err = svc.CloseIncident(id, strings.TrimSpace(o.outcome))
	}
	if err != nil {
		return err
	}
	in, err := svc.Incident(id)
	if err != nil {
		return err
	}
	e.say("cli.incident.done", in.ID, e.t("cli.incident.did."+verb), e.name("incident.", string(in.Status)), ev.Short(), svc.Operator().Name)
	return nil
}

// incidentRow is a row of incident list --json, and the head of incident show --json.
type incidentRow struct {
	ID          string    `json:"id"`
	Group       string    `json:"group"`
	Kind        string    `json:"kind"`
	Status      string    `json:"status"`
	Post        string    `json:"post"`
	Member      string    `json:"member"`
	Summary     string    `json:"summary"`
	Found       time.Time `json:"found,omitzero"`
	Opened      time.Time `json:"opened,omitzero"`
	OpenedBy    string    `json:"opened_by"`
	Measures    int       `json:"measures"`
	Escalations int       `json:"escalations"`
	// FirstMeasure is the time of the first measure, Escalated of the first report upward.
	FirstMeasure time.Time `json:"first_measure,omitzero"`
	Escalated    time.Time `json:"escalated,omitzero"`
	Closed       time.Time `json:"closed,omitzero"`
	Outcome      string    `json:"outcome"`
}

func toIncidentRow(in model.Incident) incidentRow {
	return incidentRow{ID: in.ID, Group: in.Group, Kind: string(in.Kind), Status: string(in.Status), Post: in.Post, Member: in.Member,
		Summary: in.Summary, Found: in.Found, Opened: in.Opened, OpenedBy: in.OpenedBy, Measures: len(in.Measures),
		Escalations: len(in.Escalations), FirstMeasure: in.FirstMeasure(), Escalated: in.FirstEscalation(), Closed: in.Closed, Outcome: in.Outcome}
}

func (e *env) incidentList(o incidentOptions) error {
	var statuses []string
	if o.status != "" {
		for _, s := range strings.Split(o.status, ",") {
			s = strings.TrimSpace(s)
			if !slices.Contains(strs(model.IncidentStatuses), s) {
				return usagef("cli.list.status", s, "incidents", strings.Join(strs(model.IncidentStatuses), ", "))
			}
			statuses = append(statuses, s)
		}
	}
	st, svc, err := e.reader()
	if err != nil {
		return err
	}
	defer st.Close()
	ins, err := svc.Incidents()
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	rows := [][]string{{e.t("cli.col.id"), e.t("cli.col.group"), e.t("cli.col.kind"), e.t("cli.col.status"), e.t("cli.col.found"),
		e.t("cli.col.measures"), e.t("cli.col.escalated"), e.t("cli.col.summary")}}
	for _, in := range ins {
		if o.group != "" && in.Group != o.group || len(statuses) > 0 && !slices.Contains(statuses, string(in.Status)) {
			continue
		}
		if o.json {
			if err := enc.Encode(toIncidentRow(in)); err != nil {
				return err
			}
			continue
		}
		rows = append(rows, cells(in.ID, in.Group, e.t("incident.kind."+string(in.Kind)), e.t("incident."+string(in.Status)), e.whenKnown(in.Found),
			strconv.Itoa(len(in.Measures)), e.whenKnown(in.FirstEscalation()), in.Summary))
	}
	if o.json {
		return nil
	}
	if len(rows) == 1 {
		e.say("cli.list.none")
		return nil
	}
	writeTable(w, rows)
	return nil
}

// incidentShow writes one incident whole: its record, measures, reports upward, follow-up,
// outcome, and the accountability tied to it.
func (e *env) incidentShow(id string, asJSON bool) error {
	st, svc, err := e.reader()
	if err != nil {
		return err
	}
	defer st.Close()
	in, err := svc.Incident(id)
	if err != nil {
		return err
	}
	accs, err := svc.Accountabilities()
	if err != nil {
		return err
	}
	var mine []model.Accountability
	for _, x := range accs {
		if x.Incident == in.ID {
			mine = append(mine, x)
		}
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	if asJSON {
		out := struct {
			Type string `json:"type"`
			incidentRow
			Impact         string                 `json:"impact"`
			Next           string                 `json:"next"`
			ClosedBy       string                 `json:"closed_by"`
			MeasureList    []model.Measure        `json:"measure_list"`
			EscalationList []model.Escalation     `json:"escalation_list"`
			FollowUps      []model.FollowUp       `json:"follow_ups"`
			Accountability []model.Accountability `json:"accountability"`
		}{"incident", toIncidentRow(in), in.Impact, in.Next, in.ClosedBy, nonNil(in.Measures), nonNil(in.Escalations), nonNil(in.FollowUps), nonNil(mine)}
		return json.NewEncoder(w).Encode(out)
	}
	writeLine(w, e.tf("cli.incident.head", in.ID, e.t("incident.kind."+string(in.Kind)), model.IncidentClause(in.Kind), e.t("incident."+string(in.Status))))
	e.fields(w, "group", in.Group, "summary", in.Summary, "found", e.whenKnown(in.Found), "opened", e.whenKnown(in.Opened)+"  "+in.OpenedBy,
		"post", in.Post, "member", in.Member, "impact", in.Impact, "next", in.Next, "outcome", in.Outcome)
	e.heading(w, "cli.incident.measures")
	if len(in.Measures) == 0 {
		writeLine(w, "  "+e.t("none"))
	}
	for _, m := range in.Measures {
		s := "  " + e.whenKnown(m.Time) + "  " + inert.Line(m.By) + "  " + inert.Line(m.Text)
		if !m.Decision.IsZero() {
			s += "  [" + i18n.KindName(e.lang, m.DecisionKind) + " " + m.Decision.Short() + "]"
		}
		writeLine(w, s)
	}
	e.heading(w, "cli.incident.escalations")
	if len(in.Escalations) == 0 {
		writeLine(w, "  "+e.t("none"))
	}
	for _, x := range in.Escalations {
		writeLine(w, "  "+e.whenKnown(x.Time)+"  "+inert.Line(x.By)+" → "+inert.Line(x.To)+"  "+inert.Line(x.Text))
	}
	if len(in.FollowUps) > 0 {
		e.heading(w, "cli.incident.followups")
		for _, f := range in.FollowUps {
			writeLine(w, "  "+e.whenKnown(f.Time)+"  "+inert.Line(f.By)+"  "+inert.Line(strings.TrimSpace(f.Text+" "+f.Impact+" "+f.Next)))
		}
	}
	if len(mine) > 0 {
		e.heading(w, "cli.acc.heading")
		for _, x := range mine {
			writeLine(w, "  "+e.whenKnown(x.Time)+"  "+inert.Line(x.Person)+"  "+e.t("acc."+string(x.Measure))+"  "+x.Clause+"  "+inert.Line(x.Text))
		}
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func writeLine(w *bufio.Writer, s string) { w.WriteString(s + "\n") }

// incidentReport writes the upward report of an incident: docx, md or html by -o's extension
// (or --format); Markdown on standard output without -o.
func (e *env) incidentReport(id string, o incidentOptions) error {
	format := o.format
	if format == "" && o.out != "" {
		format = document.IncidentFormatOf(o.out)
	}
	if format == "" {
		if o.out != "" && o.out != "-" {
			return usagef("cli.incident.format", strings.Join(document.IncidentFormats, ", "), o.out)
		}
		format = "md"
	}
	if !slices.Contains(document.IncidentFormats, format) {
		return usagef("cli.incident.format", strings.Join(document.IncidentFormats, ", "), format)
	}
	toStdout := o.out == "" || o.out == "-"
	if format == "docx" && toStdout {
		return usagef("cli.incident.docx")
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CheckDocument(); err != nil { // the upward report is sent upward: no damage
		return err
	}
	r, err := document.GatherUpward(svc, id)
	if err != nil {
		return err
	}
	r.To, r.Made = strings.TrimSpace(o.to), e.now()
	r.Unmasked = model.MaySeePersonalData(r.Role) && !o.mask
	var buf bytes.Buffer
	if err := document.WriteIncidentReport(&buf, format, r, e.lang); err != nil {
		return err
	}
	if toStdout {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	if err := atomicfile.Write(o.out, func(f *os.File) error {
		_, err := f.Write(buf.Bytes())
		return err
	}); err != nil {
		return err
	}
	masked := e.t("cli.incident.masked")
	if r.Unmasked {
		masked = e.t("cli.incident.unmasked")
	}
	e.say("cli.incident.written", o.out, r.Incident.ID, masked, r.Operator)
	return nil
}
