package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
)

type showOptions struct {
	group, kind string
	json        bool
}

// showKinds are the things show shows.
func showKinds() []string { return []string{"post", "member", "violation"} }

// qunshen show ID [--group G] [--kind K] [--json]: one post, member or violation whole. An
// id that names more than one thing is answered with what it names, and --kind or --group
// chooses.
func newShowCmd(e *env) *cobra.Command {
	var o showOptions
	c := e.command("show", func(args []string) error {
		if len(args) != 1 {
			return usagef("cli.show.want")
		}
		if o.kind != "" && !slices.Contains(showKinds(), o.kind) {
			return usagef("cli.show.kind", o.kind)
		}
		return e.runShow(args[0], o)
	})
	f := c.Flags()
	f.StringVar(&o.group, "group", "", e.t("cli.show.flag.group"))
	f.StringVar(&o.kind, "kind", "", e.t("cli.show.flag.kind"))
	f.BoolVar(&o.json, "json", false, e.t("cli.show.flag.json"))
	c.RegisterFlagCompletionFunc("kind", fixed(showKinds()...))
	return c
}

// What show --json writes: one object, its "type" first, then the thing's row as list
// --json writes it, then the rest (docs/formats.md).
type (
	findingOut struct {
		Rule     string `json:"rule"`
		Category string `json:"category"`
		Clause   string `json:"clause"`
		Severity string `json:"severity"`
		Field    string `json:"field"`
		Start    int    `json:"start"`
		End      int    `json:"end"`
		Text     string `json:"text"`
		Explain  string `json:"explain"`
	}
	historyOut struct {
		Event      string    `json:"event"`
		Kind       string    `json:"kind"`
		Actor      string    `json:"actor"`
		Role       string    `json:"role"`
		Time       time.Time `json:"time,omitzero"`
		Reason     string    `json:"reason"`
		From       string    `json:"from"`
		To         string    `json:"to"`
		Undone     bool      `json:"undone"`
		Concurrent bool      `json:"concurrent"`
		Resolves   bool      `json:"resolves"`
		Override   []string  `json:"override,omitempty"` // the block findings' rules overridden
	}
	proposalOut struct {
		Step     string  `json:"step"`
		Name     string  `json:"name"`
		Clause   string  `json:"clause"`
		Place    int     `json:"place"`
		Of       int     `json:"of"`
		Action   string  `json:"action"`
		MuteDays int     `json:"mute_days"`
		Party    bool    `json:"party"`
		Report   bool    `json:"report"`
		Weight   float64 `json:"weight"`
	}
	showPost struct {
		Type string `json:"type"`
		postRow
		AuthorName   string       `json:"author_name"`
		GroupName    string       `json:"group_name"`
		Body         string       `json:"body"`
		Attachments  []string     `json:"attachments"`
		Category     string       `json:"category"`
		Confidential bool         `json:"confidential"`
		FromHistory  bool         `json:"from_history"`
		Suggestion   string       `json:"suggestion"`
		Findings     []findingOut `json:"findings"`
		History      []historyOut `json:"history"`
		// Outbox is what the decisions on the post told the chat side, as export decisions
		// writes it.
		Outbox []model.OutboxLine `json:"outbox"`
	}
	showMember struct {
		Type string `json:"type"`
		memberRow
		GroupName    string           `json:"group_name"`
		Violations   []violationRow   `json:"violations"`
		Applications []applicationRow `json:"applications"`
		Proposal     proposalOut      `json:"proposal"`
	}
	showViolation struct {
		Type string `json:"type"`
		violationRow
		RuleName     string         `json:"rule_name"`
		Explain      string         `json:"explain"`
		Text         string         `json:"text"`
		Feedback     string         `json:"feedback"`
		SanctionedAt time.Time      `json:"sanctioned_at,omitzero"`
		UpdatedAt    time.Time      `json:"updated_at,omitzero"`
		MemberName   string         `json:"member_name"`
		ReporterName string         `json:"reporter_name"`
		GroupName    string         `json:"group_name"`
		PostTitle    string         `json:"post_title"`
		Record       []violationRow `json:"record"`
		Proposal     proposalOut    `json:"proposal"`
	}
)

func (e *env) runShow(id string, o showOptions) error {
	st, svc, err := e.reader()
	if err != nil {
		return err
	}
	defer st.Close()
	want := func(kind, group string) bool {
		return (o.kind == "" || o.kind == kind) && (o.group == "" || o.group == group)
	}
	p, isPost, err := svc.Post(id)
	if err != nil {
		return err
	}
	isPost = isPost && want("post", p.Group)
	v, isViol, err := svc.Violation(id)
	if err != nil {
		return err
	}
	isViol = isViol && want("violation", v.Group)
	all, err := svc.MembersByID(id)
	if err != nil {
		return err
	}
	var ms []model.Member
	for _, m := range all {
		if want("member", m.Group) {
			ms = append(ms, m)
		}
	}
	var kinds []string
	if isPost {
		kinds = append(kinds, e.t("cli.show.a.post"))
	}
	if len(ms) > 0 {
		kinds = append(kinds, e.t("cli.show.a.member"))
	}
	if isViol {
		kinds = append(kinds, e.t("cli.show.a.violation"))
	}
	switch {
	case len(kinds) == 0:
		return i18n.E("cli.show.none", id)
	case len(kinds) > 1:
		return i18n.E("cli.show.several", id, strings.Join(kinds, e.t("list.sep")))
	case len(ms) > 1:
		groups := make([]string, len(ms))
		for i, m := range ms {
			groups[i] = m.Group
		}
		return i18n.E("cli.show.groups", id, strings.Join(groups, ", "))
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	switch {
	case isPost:
		return e.showPost(w, svc, p, o.json)
	case isViol:
		return e.showViolation(w, svc, v, o.json)
	}
	return e.showMember(w, svc, ms[0], o.json)
}

// names finds the names of members and the name of a group, for what show says.
type names struct {
	svc    *review.Service
	groups map[string]model.Group
}

func newNames(svc *review.Service) (*names, error) {
	gs, err := svc.Groups()
	if err != nil {
		return nil, err
	}
	n := &names{svc: svc, groups: map[string]model.Group{}}
	for _, g := range gs {
		n.groups[g.ID] = g
	}
	return n, nil
}

func (n *names) member(group, id string) string {
	if id == "" {
		return ""
	}
	if m, ok, err := n.svc.Member(group, id); err == nil && ok {
		return m.Name
	}
	return ""
}

// who is a name with its id: 單海燕 (wx_a), or the id alone.
func who(name, id string) string {
	if name == "" || name == id {
		return id
	}
	return name + " (" + id + ")"
}

func (e *env) proposal(pr review.Proposal, ladder []review.Step) proposalOut {
	action, days := review.StepAction(ladder, pr.Party, pr.Index)
	return proposalOut{Step: pr.Step.ID, Name: pr.Step.Name(string(e.lang)), Clause: pr.Step.Clause, Place: pr.Index + 1, Of: pr.Of,
		Action: string(action), MuteDays: days, Party: pr.Party, Report: pr.Report, Weight: pr.Weight}
}

// sayProposal writes the step proposed, as the Violations pane does.
func (e *env) sayProposal(w io.Writer, p proposalOut) {
	if p.Of == 0 {
		return
	}
	fmt.Fprintln(w, e.tf("cli.show.proposal", p.Name, p.Clause, p.Place, p.Of, i18n.KindName(e.lang, model.Kind(p.Action))))
	var notes []string
	if p.Party {
		notes = append(notes, e.t("roster.party.ladder"))
	}
	if p.Report {
		notes = append(notes, e.t("viol.report.up"))
	}
	if p.Weight > 0 {
		notes = append(notes, e.tf("viol.weight", fmt.Sprintf("%.1f", p.Weight)))
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "  "+strings.Join(notes, e.t("list.sep")))
	}
}

// fields writes label and value pairs in two columns; empty values are left out.
func (e *env) fields(w io.Writer, kv ...string) {
	var rows [][]string
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			rows = append(rows, []string{"  " + e.t("cli.show.f."+kv[i]), inert.Line(kv[i+1])})
		}
	}
	if len(rows) > 0 {
		writeTable(w, rows)
	}
}

// heading writes the title of a part of what show writes.
func (e *env) heading(w io.Writer, key string) { fmt.Fprintln(w, "\n"+e.t(key)) }

// indent writes a text whole, made inert, each line indented.
func indent(w io.Writer, text string) {
	for _, l := range strings.Split(inert.Text(text), "\n") {
		fmt.Fprintln(w, "  "+l)
	}
}

func (e *env) showPost(w io.Writer, svc *review.Service, p model.Post, asJSON bool) error {
	n, err := newNames(svc)
	if err != nil {
		return err
	}
	pol, lang := svc.Policy(), string(e.lang)
	out := showPost{Type: "post", postRow: toPostRow(p), AuthorName: n.member(p.Group, p.Author), GroupName: n.groups[p.Group].Name,
		Body: p.Body, Attachments: append([]string{}, p.Attachments...), Category: p.Category, Confidential: p.IsConfidential(),
		FromHistory: p.FromHistory, Suggestion: review.Triage(&p).Action, Findings: []findingOut{}, History: []historyOut{}}
	fs := slices.Clone(p.Findings)
	review.SortFindings(fs)
	for _, f := range fs {
		text := ""
		src := map[string]string{review.FieldTitle: p.Title, review.FieldBody: p.Body}[f.Field]
		if 0 <= f.Start && f.Start < f.End && f.End <= len(src) {
			text = src[f.Start:f.End]
		}
		out.Findings = append(out.Findings, findingOut{Rule: f.Rule, Category: f.Category, Clause: f.Clause, Severity: f.Severity,
			Field: f.Field, Start: f.Start, End: f.End, Text: text, Explain: pol.Explain(f, lang)})
	}
	for _, d := range p.History {
		out.History = append(out.History, historyOut{Event: d.Event.String(), Kind: string(d.Kind), Actor: d.Actor, Role: string(d.Role),
			Time: d.Time, Reason: d.Reason, From: string(d.From), To: string(d.To), Undone: d.Undone, Concurrent: d.Concurrent, Resolves: d.Resolves,
			Override: d.Override})
	}
	if out.Outbox, err = svc.PostOutbox(p.ID); err != nil {
		return err
	}
	if out.Outbox == nil {
		out.Outbox = []model.OutboxLine{}
	}
	if asJSON {
		return json.NewEncoder(w).Encode(out)
	}
	fmt.Fprintln(w, e.tf("cli.show.post", p.ID, who(out.GroupName, p.Group)))
	status := e.name("post.", string(p.Status))
	if p.Disputed {
		status += e.t("cli.show.disputed")
	}
	e.fields(w, "author", who(out.AuthorName, p.Author), "time", shown(p.Time), "status", status, "reason", p.Reason,
		"title", p.Title, "attachments", strings.Join(p.Attachments, ", "), "category", p.Category,
		"major", e.yes(p.Major), "confidential", e.yes(out.Confidential), "source", p.Source,
		"suggestion", e.t("suggest."+out.Suggestion))
	e.heading(w, "cli.show.body")
	indent(w, p.Body)
	e.heading(w, "cli.show.findings")
	if len(out.Findings) == 0 {
		fmt.Fprintln(w, "  "+e.t("cli.show.nothing"))
	}
	for _, f := range out.Findings {
		line := "  [" + e.name("cli.sev.", f.Severity) + "] " + inert.Line(f.Explain)
		if f.Text != "" {
			line += " «" + inert.Line(f.Text) + "»"
		}
		fmt.Fprintln(w, line)
	}
	e.heading(w, "cli.show.history")
	if len(out.History) == 0 {
		fmt.Fprintln(w, "  "+e.t("cli.show.nothing"))
	}
	var rows [][]string
	for _, d := range p.History {
		what := e.tf("cli.show.decision", i18n.KindName(e.lang, d.Kind), e.name("post.", string(d.From)), e.name("post.", string(d.To)))
		var notes []string
		if len(d.Override) > 0 {
			notes = append(notes, e.tf("cli.show.override", strings.Join(d.Override, ", ")))
		}
		if d.Reason != "" {
			notes = append(notes, e.tf("cli.show.reason", d.Reason))
		}
		for _, f := range []struct {
			on  bool
			key string
		}{{d.Undone, "cli.show.undone"}, {d.Concurrent, "cli.show.concurrent"}, {d.Resolves, "cli.show.resolves"}} {
			if f.on {
				notes = append(notes, e.t(f.key))
			}
		}
		rows = append(rows, []string{"  " + shown(d.Time), inert.Line(d.Actor) + " (" + e.name("role.", string(d.Role)) + ")", what, strings.Join(notes, e.t("list.sep"))})
	}
	if len(rows) > 0 {
		writeTable(w, rows)
	}
	e.heading(w, "cli.show.outbox")
	if len(out.Outbox) == 0 {
		fmt.Fprintln(w, "  "+e.t("cli.show.nothing"))
	}
	rows = rows[:0]
	for _, l := range out.Outbox {
		rows = append(rows, []string{"  " + shown(l.Time), l.Action, inert.Line(l.Decision), inert.Line(l.Reason)})
	}
	if len(rows) > 0 {
		writeTable(w, rows)
	}
	return nil
}

func (e *env) yes(b bool) string {
	if b {
		return e.t("cli.show.yes")
	}
	return ""
}

func (e *env) showMember(w io.Writer, svc *review.Service, m model.Member, asJSON bool) error {
	n, err := newNames(svc)
	if err != nil {
		return err
	}
	record, err := svc.MemberViolations(m.Group, m.ID)
	if err != nil {
		return err
	}
	apps, err := svc.Applications()
	if err != nil {
		return err
	}
	pr, err := svc.MemberProposal(m)
	if err != nil {
		return err
	}
	ladder, _ := svc.Policy().LadderFor(n.groups[m.Group].Kind, m.PartyMember)
	out := showMember{Type: "member", memberRow: toMemberRow(m), GroupName: n.groups[m.Group].Name,
		Violations: []violationRow{}, Applications: []applicationRow{}, Proposal: e.proposal(pr, ladder)}
	for _, v := range record {
		out.Violations = append(out.Violations, toViolationRow(v))
	}
	for _, a := range apps {
		if a.Group == m.Group && a.Member == m.ID {
			out.Applications = append(out.Applications, toApplicationRow(a))
		}
	}
	if asJSON {
		return json.NewEncoder(w).Encode(out)
	}
	fmt.Fprintln(w, e.tf("cli.show.member", who(m.Name, m.ID), who(out.GroupName, m.Group)))
	e.fields(w, "nickname", m.Nickname, "branch", m.Branch, "role", e.name("roster.role.", string(m.Role)),
		"party", e.yes(m.PartyMember), "status", e.memberState(m), "joined", nonzero(m.Joined), "last-active", nonzero(m.LastActive))
	e.heading(w, "cli.show.violations")
	e.violationTable(w, svc, out.Violations)
	e.heading(w, "cli.show.applications")
	if len(out.Applications) == 0 {
		fmt.Fprintln(w, "  "+e.t("cli.show.nothing"))
	}
	var rows [][]string
	for _, a := range out.Applications {
		row := cells(a.ID, e.t("roster.app."+a.Kind), shown(a.Time), e.name("application.", a.Status), a.Reason)
		row[0] = "  " + row[0]
		rows = append(rows, row)
	}
	if len(rows) > 0 {
		writeTable(w, rows)
	}
	fmt.Fprintln(w)
	e.sayProposal(w, out.Proposal)
	return nil
}

// nonzero is a time shown, or nothing when it is not known.
func nonzero(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return shown(t)
}

// violationTable lists violations, one a line.
func (e *env) violationTable(w io.Writer, svc *review.Service, vs []violationRow) {
	if len(vs) == 0 {
		fmt.Fprintln(w, "  "+e.t("cli.show.nothing"))
		return
	}
	var rows [][]string
	for _, v := range vs {
		rule := v.Rule
		if r := svc.Policy().Rule(v.Rule); r != nil {
			rule = r.Name.In(string(e.lang))
		}
		rows = append(rows, cells(v.ID, shown(v.Time), rule, v.Clause, e.name("violation.", v.Status), v.Step))
		rows[len(rows)-1][0] = "  " + rows[len(rows)-1][0]
	}
	writeTable(w, rows)
}

func (e *env) showViolation(w io.Writer, svc *review.Service, v model.Violation, asJSON bool) error {
	n, err := newNames(svc)
	if err != nil {
		return err
	}
	pol, lang := svc.Policy(), string(e.lang)
	record, err := svc.MemberViolations(v.Group, v.Member)
	if err != nil {
		return err
	}
	pr, err := svc.ViolationProposal(v)
	if err != nil {
		return err
	}
	m, _, err := svc.Member(v.Group, v.Member)
	if err != nil {
		return err
	}
	ladder, _ := pol.LadderFor(n.groups[v.Group].Kind, m.PartyMember)
	out := showViolation{Type: "violation", violationRow: toViolationRow(v), Text: v.Text, Feedback: v.Feedback,
		SanctionedAt: v.SanctionedAt, UpdatedAt: v.UpdatedAt, MemberName: m.Name, ReporterName: n.member(v.Group, v.Reporter),
		GroupName: n.groups[v.Group].Name, Record: []violationRow{}, Proposal: e.proposal(pr, ladder)}
	if r := pol.Rule(v.Rule); r != nil {
		out.RuleName, out.Explain = r.Name.In(lang), r.Explain.In(lang)
	}
	if v.Post != "" {
		if p, ok, err := svc.Post(v.Post); err == nil && ok {
			out.PostTitle = p.Title
		}
	}
	for _, x := range record {
		if x.ID != v.ID {
			out.Record = append(out.Record, toViolationRow(x))
		}
	}
	if asJSON {
		return json.NewEncoder(w).Encode(out)
	}
	what := out.RuleName
	if what == "" {
		what = e.name("viol.source.", v.Source)
	}
	fmt.Fprintln(w, e.tf("cli.show.violation", v.ID, what))
	post := v.Post
	if out.PostTitle != "" {
		post += " «" + out.PostTitle + "»"
	}
	appeal := ""
	if v.Appeal != "" {
		appeal = e.t("cli.appeal." + v.Appeal)
	}
	e.fields(w, "member", who(out.MemberName, v.Member), "group", who(out.GroupName, v.Group), "clause", v.Clause,
		"severity", e.name("cli.sev.", v.Severity), "source", e.name("viol.source.", v.Source),
		"reporter", who(out.ReporterName, v.Reporter), "time", shown(v.Time), "status", e.name("violation.", string(v.Status)),
		"sanction", v.Sanction, "sanctioned", nonzero(v.SanctionedAt), "appeal", appeal, "post", post, "feedback", v.Feedback)
	if v.Text != "" {
		e.heading(w, "cli.show.text")
		indent(w, v.Text)
	}
	if out.Explain != "" {
		e.heading(w, "cli.show.explain")
		indent(w, out.Explain)
	}
	e.heading(w, "cli.show.record")
	fmt.Fprintln(w, "  "+e.memberState(m))
	e.violationTable(w, svc, out.Record)
	fmt.Fprintln(w)
	e.sayProposal(w, out.Proposal)
	return nil
}
