package cli

import (
	"bufio"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

type listOptions struct {
	group, status string
	json          bool
}

// listKinds are what list lists, with the statuses --status takes for each.
func listKinds() map[string][]string {
	return map[string][]string{
		"groups":       {string(model.GroupActive), string(model.GroupRectifying), string(model.GroupDissolved)},
		"members":      strs(model.MemberStatuses),
		"posts":        strs(model.PostStatuses),
		"violations":   strs(model.ViolationStatuses),
		"applications": strs(model.ApplicationStatuses),
	}
}

// reader opens the store and a service that only reads: no operator is needed.
func (e *env) reader() (*storage.Store, *review.Service, error) {
	pol, err := e.loadPolicy()
	if err != nil {
		return nil, nil, err
	}
	st, err := e.open()
	if err != nil {
		return nil, nil, err
	}
	return st, &review.Service{Store: st, Rules: pol, Clock: e.now}, nil
}

// qunshen list groups|members|posts|violations|applications [--group G] [--status S]
// [--json]: a table for people, or JSON Lines with stable English keys for scripts
// (docs/formats.md).
func newListCmd(e *env) *cobra.Command {
	var o listOptions
	c := e.command("list", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.list.want")
		}
		if _, ok := listKinds()[args[0]]; !ok {
			return usagef("cli.list.unknown", args[0])
		}
		if len(args) > 1 {
			return usagef("cli.unexpected", args[1])
		}
		return e.runList(args[0], o)
	})
	f := c.Flags()
	f.StringVar(&o.group, "group", "", e.t("cli.list.flag.group"))
	f.StringVar(&o.status, "status", "", e.t("cli.list.flag.status"))
	f.BoolVar(&o.json, "json", false, e.t("cli.list.flag.json"))
	c.ValidArgsFunction = verbs("groups", "members", "posts", "violations", "applications")
	return c
}

// The rows of list --json (and the parts of show --json): English keys, every key always
// there but a time, which is left out when it is not known. docs/formats.md describes them.
type (
	groupRow struct {
		ID         string    `json:"id"`
		Name       string    `json:"name"`
		Kind       string    `json:"kind"`
		Platform   string    `json:"platform"`
		Owner      string    `json:"owner"`
		Branch     string    `json:"branch"`
		Status     string    `json:"status"`
		Members    int       `json:"members"`
		Purpose    string    `json:"purpose"`
		ApprovedBy string    `json:"approved_by"`
		ApprovedAt time.Time `json:"approved_at,omitzero"`
		FilingNo   string    `json:"filing_no"`
		Deadline   time.Time `json:"deadline,omitzero"`
		ProjectEnd time.Time `json:"project_end,omitzero"`
	}
	memberRow struct {
		ID          string    `json:"id"`
		Group       string    `json:"group"`
		Name        string    `json:"name"`
		Nickname    string    `json:"nickname"`
		Branch      string    `json:"branch"`
		Role        string    `json:"role"`
		PartyMember bool      `json:"party_member"`
		Status      string    `json:"status"`
		MutedUntil  time.Time `json:"muted_until,omitzero"`
		Warnings    int       `json:"warnings"`
		Step        string    `json:"step"`
		Joined      time.Time `json:"joined,omitzero"`
		LastActive  time.Time `json:"last_active,omitzero"`
	}
	postRow struct {
		ID       string    `json:"id"`
		Group    string    `json:"group"`
		Author   string    `json:"author"`
		Time     time.Time `json:"time,omitzero"`
		Title    string    `json:"title"`
		Status   string    `json:"status"`
		Severity string    `json:"severity"`
		Rules    []string  `json:"rules"`
		Major    bool      `json:"major"`
		Disputed bool      `json:"disputed"`
		Reason   string    `json:"reason"`
	}
	violationRow struct {
		ID       string    `json:"id"`
		Member   string    `json:"member"`
		Group    string    `json:"group"`
		Post     string    `json:"post"`
		Report   string    `json:"report"`
		Reporter string    `json:"reporter"`
		Rule     string    `json:"rule"`
		Clause   string    `json:"clause"`
		Severity string    `json:"severity"`
		Source   string    `json:"source"`
		Status   string    `json:"status"`
		Step     string    `json:"step"`
		Appeal   string    `json:"appeal"`
		Time     time.Time `json:"time,omitzero"`
	}
	applicationRow struct {
		ID        string    `json:"id"`
		Group     string    `json:"group"`
		Member    string    `json:"member"`
		Kind      string    `json:"kind"`
		Time      time.Time `json:"time,omitzero"`
		Status    string    `json:"status"`
		Text      string    `json:"text"`
		DecidedBy string    `json:"decided_by"`
		DecidedAt time.Time `json:"decided_at,omitzero"`
		Reason    string    `json:"reason"`
	}
)

func groupStatus(g model.Group) string {
	if g.Status == "" {
		return string(model.GroupActive)
	}
	return string(g.Status)
}

func toGroupRow(g model.Group, members int) groupRow {
	return groupRow{ID: g.ID, Name: g.Name, Kind: string(g.Kind), Platform: g.Platform, Owner: g.Owner, Branch: g.Branch,
		Status: groupStatus(g), Members: members, Purpose: g.Purpose, ApprovedBy: g.ApprovedBy, ApprovedAt: g.ApprovedAt, FilingNo: g.FilingNo,
		Deadline: g.Deadline, ProjectEnd: g.ProjectEnd}
}

func toMemberRow(m model.Member) memberRow {
	r := memberRow{ID: m.ID, Group: m.Group, Name: m.Name, Nickname: m.Nickname, Branch: m.Branch, Role: string(m.Role),
		PartyMember: m.PartyMember, Status: string(m.Status), Warnings: m.Warnings, Step: m.Step, Joined: m.Joined, LastActive: m.LastActive}
	if m.Status == model.MemberMuted {
		r.MutedUntil = m.MutedUntil
	}
	return r
}

func toPostRow(p model.Post) postRow {
	r := postRow{ID: p.ID, Group: p.Group, Author: p.Author, Time: p.Time, Title: p.Title, Status: string(p.Status),
		Rules: []string{}, Major: p.Major, Disputed: p.Disputed, Reason: p.Reason}
	fs := slices.Clone(p.Findings)
	review.SortFindings(fs) // strongest first
	for i, f := range fs {
		if i == 0 && review.SeverityRank(f.Severity) <= review.SeverityRank(review.Info) {
			r.Severity = f.Severity
		}
		if !slices.Contains(r.Rules, f.Rule) {
			r.Rules = append(r.Rules, f.Rule)
		}
	}
	return r
}

// toViolationRow: report is the member's report (举报) the violation came from, which the
// violation is filed under; step the step of the ladder applied to it.
func toViolationRow(v model.Violation) violationRow {
	r := violationRow{ID: v.ID, Member: v.Member, Group: v.Group, Post: v.Post, Reporter: v.Reporter, Rule: v.Rule,
		Clause: v.Clause, Severity: v.Severity, Source: v.Source, Status: string(v.Status), Step: v.Sanction, Appeal: v.Appeal, Time: v.Time}
	if v.Source == model.SourceComplaint {
		r.Report = v.ID
	}
	return r
}

func toApplicationRow(a model.Application) applicationRow {
	return applicationRow{ID: a.ID, Group: a.Group, Member: a.Member, Kind: string(a.Kind), Time: a.Time, Status: string(a.Status),
		Text: a.Text, DecidedBy: a.DecidedBy, DecidedAt: a.DecidedAt, Reason: a.Reason}
}

func (e *env) runList(what string, o listOptions) error {
	known := listKinds()[what]
	var statuses []string
	if o.status != "" {
		for _, s := range strings.Split(o.status, ",") {
			s = strings.TrimSpace(s)
			if !slices.Contains(known, s) {
				return usagef("cli.list.status", s, what, strings.Join(known, ", "))
			}
			statuses = append(statuses, s)
		}
	}
	keep := func(group, status string) bool {
		return (o.group == "" || group == o.group) && (len(statuses) == 0 || slices.Contains(statuses, status))
	}
	st, svc, err := e.reader()
	if err != nil {
		return err
	}
	defer st.Close()
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	var rows [][]string
	head := func(cols ...string) {
		h := make([]string, len(cols))
		for i, c := range cols {
			h[i] = e.t("cli.col." + c)
		}
		rows = append(rows, h)
	}
	switch what {
	case "groups":
		// The groups of the register, with the checks they fail (group list writes the same
		// rows, and the applications not approved beside them).
		if svc.Calendar, err = loadCalendar(""); err != nil {
			return err
		}
		reg, err := svc.Register()
		if err != nil {
			return err
		}
		head("id", "name", "kind", "status", "members", "owner", "branch")
		for i := range reg {
			r := &reg[i]
			g := r.Group
			if r.IsApplication() || !keep(g.ID, groupStatus(g)) {
				continue
			}
			if o.json {
				if err := enc.Encode(toRegisterRow(r)); err != nil {
					return err
				}
				continue
			}
			status := e.name("group.", groupStatus(g))
			if g.Status == model.GroupRectifying && !g.Deadline.IsZero() {
				status += e.tf("cli.list.deadline", e.whenKnown(g.Deadline))
			}
			rows = append(rows, cells(g.ID, g.Name, e.name("cli.gkind.", string(g.Kind)), status, strconv.Itoa(r.Members.Current), g.Owner, g.Branch))
		}
	case "members":
		ms, err := svc.Members()
		if err != nil {
			return err
		}
		head("group", "id", "name", "nickname", "role", "status", "warnings", "step")
		for _, m := range ms {
			if !keep(m.Group, string(m.Status)) {
				continue
			}
			if o.json {
				if err := enc.Encode(toMemberRow(m)); err != nil {
					return err
				}
				continue
			}
			status := e.name("member.", string(m.Status))
			if m.Status == model.MemberMuted {
				status += e.tf("cli.member.until", e.whenKnown(m.MutedUntil))
			}
			rows = append(rows, cells(m.Group, m.ID, m.Name, m.Nickname, e.name("roster.role.", string(m.Role)), status, strconv.Itoa(m.Warnings), m.Step))
		}
	case "posts":
		want := statuses
		if len(want) == 0 {
			want = known
		}
		ps, err := svc.Posts(statusesOf[model.PostStatus](want), 0)
		if err != nil {
			return err
		}
		head("id", "group", "author", "time", "status", "findings", "title")
		for _, p := range ps {
			if !keep(p.Group, string(p.Status)) {
				continue
			}
			r := toPostRow(p)
			if o.json {
				if err := enc.Encode(r); err != nil {
					return err
				}
				continue
			}
			found := ""
			if r.Severity != "" {
				found = e.name("cli.sev.", r.Severity) + " " + strings.Join(r.Rules, ",")
			}
			rows = append(rows, cells(p.ID, p.Group, p.Author, e.whenKnown(p.Time), e.name("post.", string(p.Status)), found, p.Title))
		}
	case "violations":
		vs, err := svc.Violations()
		if err != nil {
			return err
		}
		head("id", "member", "group", "rule", "clause", "source", "status", "step")
		for _, v := range vs {
			if !keep(v.Group, string(v.Status)) {
				continue
			}
			if o.json {
				if err := enc.Encode(toViolationRow(v)); err != nil {
					return err
				}
				continue
			}
			rows = append(rows, cells(v.ID, v.Member, v.Group, v.Rule, v.Clause, e.name("viol.source.", v.Source), e.name("violation.", string(v.Status)), v.Sanction))
		}
	case "applications":
		as, err := svc.Applications()
		if err != nil {
			return err
		}
		head("id", "group", "member", "kind", "time", "status")
		for _, a := range as {
			if !keep(a.Group, string(a.Status)) {
				continue
			}
			if o.json {
				if err := enc.Encode(toApplicationRow(a)); err != nil {
					return err
				}
				continue
			}
			rows = append(rows, cells(a.ID, a.Group, a.Member, e.name("roster.app.", string(a.Kind)), e.whenKnown(a.Time), e.name("application.", string(a.Status))))
		}
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

// cells makes outside text inert for a row of a table; an empty cell is shown as "-".
func cells(values ...string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		if v == "" {
			v = "-"
		}
		out[i] = inert.Line(v)
	}
	return out
}

func statusesOf[S ~string](ss []string) []S {
	out := make([]S, len(ss))
	for i, s := range ss {
		out[i] = S(s)
	}
	return out
}
