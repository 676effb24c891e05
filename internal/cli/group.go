package cli

// qunshen group: the register of groups (IW 第四条, 第六条, 第八条(三); GO 二(一)1) — the list
// with its checks, one group whole, the application to create a group, its approval with a
// filing number or refusal, and the edits of a group's record.

import (
	"bufio"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
)

type groupOptions struct {
	json                                        bool
	status, check                               string
	name, kind, purpose, branch, projectEnd, id string
	owner, platform, nicknameRule, admins       string
	realName                                    string
	filingNo, reason                            string
	set                                         func(name string) bool // whether a flag was given
}

func groupVerbs() []string { return []string{"list", "show", "apply", "approve", "refuse", "edit"} }

// qunshen group list|show|apply|approve|refuse|edit.
func newGroupCmd(e *env) *cobra.Command {
	var o groupOptions
	var c *cobra.Command
	c = e.command("group", func(args []string) error {
		o.set = func(name string) bool { return c.Flags().Changed(name) }
		if len(args) == 0 {
			return usagef("cli.group.want")
		}
		verb := args[0]
		if !slices.Contains(groupVerbs(), verb) {
			return usagef("cli.group.unknown", verb)
		}
		want := 2
		if verb == "list" || verb == "apply" {
			want = 1
		}
		if len(args) > want {
			return usagef("cli.unexpected", args[want])
		}
		if len(args) < want {
			return usagef("cli.group.one-id", verb)
		}
		if err := o.only(verb); err != nil {
			return err
		}
		switch verb {
		case "list":
			return e.groupList(o)
		case "show":
			return e.groupShow(args[1], o.json)
		case "apply":
			return e.groupApply(o)
		case "approve", "refuse":
			return e.groupDecide(verb, args[1], o)
		}
		return e.groupEdit(args[1], o)
	})
	f := c.Flags()
	f.BoolVar(&o.json, "json", false, e.t("cli.group.flag.json"))
	f.StringVar(&o.status, "status", "", e.t("cli.group.flag.status"))
	f.StringVar(&o.check, "check", "", e.t("cli.group.flag.check"))
	f.StringVar(&o.name, "name", "", e.t("cli.group.flag.name"))
	f.StringVar(&o.kind, "kind", "", e.t("cli.group.flag.kind"))
	f.StringVar(&o.purpose, "purpose", "", e.t("cli.group.flag.purpose"))
	f.StringVar(&o.branch, "branch", "", e.t("cli.group.flag.branch"))
	f.StringVar(&o.projectEnd, "project-end", "", e.t("cli.group.flag.project-end"))
	f.StringVar(&o.id, "id", "", e.t("cli.group.flag.id"))
	f.StringVar(&o.owner, "owner", "", e.t("cli.group.flag.owner"))
	f.StringVar(&o.platform, "platform", "", e.t("cli.group.flag.platform"))
	f.StringVar(&o.nicknameRule, "nickname-rule", "", e.t("cli.group.flag.nickname-rule"))
	f.StringVar(&o.admins, "admins", "", e.t("cli.group.flag.admins"))
	f.StringVar(&o.realName, "real-name", "", e.t("cli.group.flag.real-name"))
	f.StringVar(&o.filingNo, "filing-no", "", e.t("cli.group.flag.filing-no"))
	f.StringVar(&o.reason, "reason", "", e.t("cli.group.flag.reason"))
	c.ValidArgsFunction = verbs(groupVerbs()...)
	c.RegisterFlagCompletionFunc("kind", fixed(strs(model.GroupKinds)...))
	checks := make([]string, len(review.RegisterChecks))
	for i, rc := range review.RegisterChecks {
		checks[i] = rc.ID
	}
	c.RegisterFlagCompletionFunc("check", fixed(checks...))
	c.RegisterFlagCompletionFunc("nickname-rule", fixed("branch+name", "dept+name", "name"))
	return c
}

// only refuses a flag that the verb does not take.
func (o *groupOptions) only(verb string) error {
	record := []string{"name", "kind", "purpose", "branch", "project-end", "owner", "platform", "nickname-rule"}
	takes := map[string][]string{
		"list":    {"json", "status", "check"},
		"show":    {"json"},
		"apply":   append([]string{"id"}, record...),
		"approve": {"filing-no", "reason"},
		"refuse":  {"reason"},
		"edit":    append([]string{"admins", "real-name"}, record...),
	}
	for _, name := range []string{"json", "status", "check", "name", "kind", "purpose", "branch", "project-end", "id", "owner", "platform",
		"nickname-rule", "admins", "real-name", "filing-no", "reason"} {
		if o.set(name) && !slices.Contains(takes[verb], name) {
			var who []string
			for _, v := range groupVerbs() {
				if slices.Contains(takes[v], name) {
					who = append(who, v)
				}
			}
			return usagef("cli.violation.only", "--"+name, strings.Join(who, ", "))
		}
	}
	return nil
}

// registerRow is a row of group list --json: a group of the register, or an application to
// create one (status applied or refused), with the ids of the checks it fails.
type registerRow struct {
	groupRow
	Checks []string `json:"checks"`
}

func (e *env) groupList(o groupOptions) error {
	statuses := []string{string(model.GroupActive), string(model.GroupRectifying), string(model.GroupDissolved), review.StatusApplied, review.StatusAppRefused}
	var want []string
	if o.status != "" {
		for _, s := range strings.Split(o.status, ",") {
			s = strings.TrimSpace(s)
			if !slices.Contains(statuses, s) {
				return usagef("cli.list.status", s, "groups", strings.Join(statuses, ", "))
			}
			want = append(want, s)
		}
	}
	if o.check != "" && review.RegisterClause(o.check) == "" {
		ids := make([]string, len(review.RegisterChecks))
		for i, c := range review.RegisterChecks {
			ids[i] = c.ID
		}
		return usagef("cli.group.check", o.check, strings.Join(ids, ", "))
	}
	st, svc, err := e.reader()
	if err != nil {
		return err
	}
	defer st.Close()
	svc.Calendar, err = loadCalendar("")
	if err != nil {
		return err
	}
	reg, err := svc.Register()
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	rows := [][]string{{e.t("cli.col.id"), e.t("cli.col.name"), e.t("cli.col.kind"), e.t("cli.col.status"), e.t("cli.col.members"),
		e.t("cli.col.owner"), e.t("cli.col.branch"), e.t("cli.col.filing"), e.t("cli.col.checks")}}
	for i := range reg {
		r := &reg[i]
		if len(want) > 0 && !slices.Contains(want, r.Status) || o.check != "" && !r.Has(o.check) {
			continue
		}
		if o.json {
			if err := enc.Encode(toRegisterRow(r)); err != nil {
				return err
			}
			continue
		}
		badges := make([]string, len(r.Checks))
		for j, c := range r.Checks {
			badges[j] = e.t("register.badge." + c)
		}
		rows = append(rows, cells(r.Group.ID, r.Group.Name, e.name("cli.gkind.", string(r.Group.Kind)), e.name("group.", r.Status),
			strconv.Itoa(r.Members.Current), r.Group.Owner, r.Group.Branch, r.Group.FilingNo, strings.Join(badges, e.t("list.sep"))))
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

func toRegisterRow(r *review.RegisterEntry) registerRow {
	row := registerRow{groupRow: toGroupRow(r.Group, r.Members.Current), Checks: r.Checks}
	row.Status = r.Status
	if row.Checks == nil {
		row.Checks = []string{}
	}
	return row
}

// groupShow writes one group of the register whole: its record, its application, its
// responsibility chain (IW 第六条: who answers for it first, who manages it, who supervises
// it), its checks with their clauses, its membership, open rectifications, incidents and
// accountability.
func (e *env) groupShow(id string, asJSON bool) error {
	st, svc, err := e.reader()
	if err != nil {
		return err
	}
	defer st.Close()
	if svc.Calendar, err = loadCalendar(""); err != nil {
		return err
	}
	reg, err := svc.Register()
	if err != nil {
		return err
	}
	i := slices.IndexFunc(reg, func(r review.RegisterEntry) bool { return r.Group.ID == id })
	if i < 0 {
		return i18n.E("review.unknown-group", id)
	}
	r := &reg[i]
	chain := model.Chain{First: []model.Responsible{}, Managers: []model.Responsible{}, Supervisors: []model.Responsible{}}
	if !r.IsApplication() {
		if chain, err = svc.Chain(id); err != nil {
			return err
		}
	}
	rects, err := st.Rectifications()
	if err != nil {
		return err
	}
	open := review.OpenRectifications(&r.Group, rects)
	ins, err := svc.Incidents()
	if err != nil {
		return err
	}
	var incidents []model.Incident
	for _, in := range ins {
		if in.Group == id {
			incidents = append(incidents, in)
		}
	}
	accs, err := svc.Accountabilities()
	if err != nil {
		return err
	}
	var acc []model.Accountability
	for _, x := range accs {
		if x.Group == id {
			acc = append(acc, x)
		}
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	now := e.now()
	if asJSON {
		type checkOut struct {
			ID     string `json:"id"`
			Clause string `json:"clause"`
		}
		out := struct {
			Type string `json:"type"`
			registerRow
			Purpose        string                  `json:"purpose"`
			Admins         []string                `json:"admins"`
			NicknameRule   string                  `json:"nickname_rule"`
			RealName       bool                    `json:"real_name"`
			ApprovedAt     time.Time               `json:"approved_at,omitzero"`
			Dissolved      time.Time               `json:"dissolved,omitzero"`
			DissolveBy     time.Time               `json:"dissolve_by,omitzero"`
			Application    *model.GroupApplication `json:"application"`
			CheckClauses   []checkOut              `json:"check_clauses"`
			Membership     map[string]int          `json:"membership"`
			NicknameBad    int                     `json:"nickname_bad"`
			LastActive     time.Time               `json:"last_active,omitzero"`
			PostsAfter     int                     `json:"posts_after_dissolution"`
			Rectifications []model.Rectification   `json:"rectifications"`
			Incidents      []incidentRow           `json:"incidents"`
			Accountability []accountabilityRow     `json:"accountability"`
			// The responsibility chain, as model.Chain names its parts.
			Group       string              `json:"group"`
			First       []model.Responsible `json:"first"`
			Managers    []model.Responsible `json:"managers"`
			Supervisors []model.Responsible `json:"supervisors"`
		}{Group: r.Group.ID, First: chain.First, Managers: chain.Managers, Supervisors: chain.Supervisors, Type: "group", registerRow: toRegisterRow(r), Purpose: r.Group.Purpose, Admins: nonNil(r.Group.Admins), NicknameRule: r.Group.NicknameRule,
			RealName: r.Group.RealName, ApprovedAt: r.Group.ApprovedAt, Dissolved: r.Group.Dissolved, DissolveBy: r.Dissolve, Application: r.Application,
			CheckClauses: []checkOut{}, Membership: map[string]int{}, NicknameBad: r.Members.NicknameBad, LastActive: r.Members.LastActive,
			PostsAfter: r.PostsAfter, Rectifications: nonNil(open), Incidents: []incidentRow{}, Accountability: []accountabilityRow{}}
		for _, c := range r.Checks {
			out.CheckClauses = append(out.CheckClauses, checkOut{c, review.RegisterClause(c)})
		}
		for s, n := range r.Members.ByStatus {
			out.Membership[string(s)] = n
		}
		for _, in := range incidents {
			out.Incidents = append(out.Incidents, toIncidentRow(in))
		}
		for _, x := range acc {
			out.Accountability = append(out.Accountability, toAccountabilityRow(x))
		}
		return json.NewEncoder(w).Encode(out)
	}
	g := &r.Group
	writeLine(w, e.tf("cli.group.head", g.ID, g.Name, e.name("cli.gkind.", string(g.Kind)), e.name("group.", r.Status)))
	approved := ""
	if g.ApprovedBy != "" {
		approved = g.ApprovedBy + "  " + e.whenKnown(g.ApprovedAt)
	}
	project := ""
	if !g.ProjectEnd.IsZero() {
		project = e.tf("cli.group.project", g.ProjectEnd.In(review.ChinaTime).Format(time.DateOnly), r.Dissolve.Format(time.DateOnly))
	}
	e.fields(w, "platform", g.Platform, "purpose", g.Purpose, "owner", g.Owner, "admins", strings.Join(g.Admins, e.t("list.sep")),
		"branch", g.Branch, "approved", approved, "filing", g.FilingNo, "nickname-rule", e.nicknameRule(g.NicknameRule), "real-name", e.yes(g.RealName),
		"project", project, "dissolved", e.whenIf(g.Dissolved))
	if a := r.Application; a != nil {
		s := e.tf("cli.group.application", a.ID, a.Applicant, e.whenKnown(a.Filed), e.name("application.", string(a.Status)))
		if a.DecidedBy != "" {
			s += e.tf("cli.group.decided", a.DecidedBy, e.whenKnown(a.DecidedAt))
		}
		if a.Reason != "" {
			s += e.tf("cli.group.why", a.Reason)
		}
		writeLine(w, "  "+inert.Line(s))
	}
	e.heading(w, "cli.group.chain")
	for _, part := range []struct {
		key string
		rs  []model.Responsible
	}{{"cli.group.first", chain.First}, {"cli.group.managers", chain.Managers}, {"cli.group.supervisors", chain.Supervisors}} {
		writeLine(w, "  "+inert.Line(e.tf(part.key, e.responsibles(part.rs))))
	}
	e.heading(w, "cli.group.checks")
	if len(r.Checks) == 0 {
		writeLine(w, "  "+e.t("cli.group.checks.none"))
	}
	for _, c := range r.Checks {
		writeLine(w, "  ! "+e.t("register.check."+c))
	}
	e.heading(w, "cli.group.membership")
	var ms []string
	for _, s := range model.MemberStatuses {
		if n := r.Members.ByStatus[s]; n > 0 {
			ms = append(ms, e.t("member."+string(s))+" "+strconv.Itoa(n))
		}
	}
	if len(ms) == 0 {
		ms = append(ms, e.t("none"))
	}
	writeLine(w, "  "+strings.Join(ms, "  "))
	if r.Members.NicknameBad > 0 {
		writeLine(w, "  "+e.tf("cli.group.nickname-bad", r.Members.NicknameBad, r.Members.Current))
	}
	writeLine(w, "  "+e.tf("cli.group.last-active", e.whenKnown(r.Members.LastActive)))
	e.heading(w, "cli.group.rectifications")
	if len(open) == 0 {
		writeLine(w, "  "+e.t("none"))
	}
	for _, x := range open {
		state := e.t("report.state.open")
		if !x.Deadline.IsZero() && x.Deadline.Before(now) {
			state = e.t("report.state.overdue")
		}
		writeLine(w, "  "+inert.Line(x.ID)+"  "+x.Deadline.In(review.ChinaTime).Format(time.DateOnly)+"  "+state+"  "+inert.Line(x.Finding))
	}
	e.heading(w, "cli.group.incidents")
	if len(incidents) == 0 {
		writeLine(w, "  "+e.t("none"))
	}
	for _, in := range incidents {
		writeLine(w, "  "+inert.Line(in.ID)+"  "+e.whenKnown(in.Found)+"  "+e.t("incident.kind."+string(in.Kind))+"  "+e.t("incident."+string(in.Status))+"  "+inert.Line(in.Summary))
	}
	e.heading(w, "cli.acc.heading")
	if len(acc) == 0 {
		writeLine(w, "  "+e.t("none"))
	}
	for _, x := range acc {
		writeLine(w, "  "+inert.Line(x.ID)+"  "+e.whenKnown(x.Time)+"  "+inert.Line(x.Person)+"  "+e.t("acc."+string(x.Measure))+"  "+x.Clause+"  "+inert.Line(x.Text))
	}
	return nil
}

// whenIf is e.when, or nothing for a time not known.
func (e *env) whenIf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return e.when(t)
}

func (e *env) groupApply(o groupOptions) error {
	kind := model.GroupKind(o.kind)
	switch {
	case strings.TrimSpace(o.name) == "":
		return usagef("cli.group.name")
	case o.kind == "":
		return usagef("cli.group.kind-needed", strings.Join(strs(model.GroupKinds), ", "))
	case !slices.Contains(model.GroupKinds, kind):
		return usagef("cli.group.kind-bad", o.kind, strings.Join(strs(model.GroupKinds), ", "))
	case strings.TrimSpace(o.purpose) == "":
		return usagef("cli.group.purpose")
	}
	var end time.Time
	if o.projectEnd != "" {
		d, err := time.ParseInLocation(time.DateOnly, o.projectEnd, review.ChinaTime)
		if err != nil {
			return usagef("cli.group.date", o.projectEnd)
		}
		end = d
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	ga, ev, err := svc.ApplyGroup(review.NewGroup{ID: o.id, Name: strings.TrimSpace(o.name), Kind: kind, Purpose: strings.TrimSpace(o.purpose),
		Branch: o.branch, Owner: o.owner, Platform: o.platform, NicknameRule: o.nicknameRule, ProjectEnd: end})
	if err != nil {
		return err
	}
	approver := e.role(model.RoleSupervisor)
	if kind == model.KindParty {
		approver = e.role(model.RoleSecretary)
	}
	e.say("cli.group.applied", ga.ID, ga.Name, e.name("cli.gkind.", string(ga.Kind)), approver, ev.Short(), svc.Operator().Name)
	return nil
}

func (e *env) groupDecide(verb, id string, o groupOptions) error {
	approve := verb == "approve"
	switch {
	case approve && strings.TrimSpace(o.filingNo) == "":
		return usagef("cli.group.filing-no")
	case !approve && strings.TrimSpace(o.reason) == "":
		return usagef("cli.group.reason")
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	ev, err := svc.DecideGroup(id, approve, strings.TrimSpace(o.filingNo), strings.TrimSpace(o.reason))
	if err != nil {
		return err
	}
	if approve {
		e.say("cli.group.approved", id, strings.TrimSpace(o.filingNo), ev.Short(), svc.Operator().Name)
		return nil
	}
	e.say("cli.group.refused", id, ev.Short(), svc.Operator().Name)
	return nil
}

func (e *env) groupEdit(id string, o groupOptions) error {
	var c model.GroupChanges
	str := func(flag, v string) *string {
		if !o.set(flag) {
			return nil
		}
		v = strings.TrimSpace(v)
		return &v
	}
	c.Name, c.Purpose, c.Owner, c.Branch, c.Platform, c.NicknameRule = str("name", o.name), str("purpose", o.purpose), str("owner", o.owner),
		str("branch", o.branch), str("platform", o.platform), str("nickname-rule", o.nicknameRule)
	if c.Name != nil && *c.Name == "" {
		return usagef("cli.group.name")
	}
	if o.set("kind") {
		k := model.GroupKind(o.kind)
		if !slices.Contains(model.GroupKinds, k) {
			return usagef("cli.group.kind-bad", o.kind, strings.Join(strs(model.GroupKinds), ", "))
		}
		c.Kind = &k
	}
	if o.set("admins") {
		var as []string
		for _, a := range strings.Split(o.admins, ",") {
			if a = strings.TrimSpace(a); a != "" {
				as = append(as, a)
			}
		}
		c.Admins = &as
	}
	if o.set("real-name") {
		b, err := strconv.ParseBool(o.realName)
		if err != nil {
			return usagef("cli.group.bool", o.realName)
		}
		c.RealName = &b
	}
	if o.set("project-end") {
		var d time.Time
		if o.projectEnd != "" {
			var err error
			if d, err = time.ParseInLocation(time.DateOnly, o.projectEnd, review.ChinaTime); err != nil {
				return usagef("cli.group.date", o.projectEnd)
			}
		}
		c.ProjectEnd = &d
	}
	if c == (model.GroupChanges{}) {
		return usagef("cli.group.edit-nothing")
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	ev, err := svc.EditGroup(id, c)
	if err != nil {
		return err
	}
	e.say("cli.group.edited", id, ev.Short(), svc.Operator().Name)
	return nil
}

// responsibles names the people of one part of a chain, one after the other.
func (e *env) responsibles(rs []model.Responsible) string {
	if len(rs) == 0 {
		return e.t("none")
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = i18n.ChainPerson(e.lang, r)
	}
	return strings.Join(out, e.t("list.sep"))
}

// nicknameRule names a group's rule of nicknames in the user's language, its code beside.
func (e *env) nicknameRule(rule string) string {
	if rule == "" {
		return ""
	}
	return e.name("roster.rule.", rule)
}
