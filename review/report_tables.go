package review

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"qunshen/model"
)

// The report as tables: the one shape that the exports and the Reports pane draw. Labels are
// catalogue keys (the caller speaks the language), or text from the data shown as it is.

// Unit is how a row's numbers read.
type Unit int

const (
	UnitCount    Unit = iota
	UnitDuration      // the numbers are nanoseconds
)

// Row is one figure: this period's value and the previous one's, or, in a list table, cells.
type Row struct {
	Key    string // catalogue key of the label
	Text   string // or a label from the data (a clause, a step, a member), shown as it is
	TextEN string // the label in English when the data has one (a step of the ladder)
	Cur    int64
	Prev   int64
	Unit   Unit
	NoPrev bool     // a figure as it stands now, with nothing to compare
	Cells  []string // a list table's cells after the label
	Alert  bool     // overdue: it stands out
	Drill  *Drill   // the posts, violations or members behind the figure
}

// Table is a titled group of rows.
type Table struct {
	ID      string   // stable name; "report.t."+ID is its title in the catalogue
	Columns []string // catalogue keys of a list table's columns (the label's first); nil for figures
	Rows    []Row
}

// Drill says which posts, violations or members stand behind a figure.
type Drill struct {
	Target string // "posts", "violations" or "members"
	Fact   model.FactKind
	Period Period
	Match  func(*model.Fact) bool   // posts and violations
	Member func(*model.Member) bool // members
}

// DrillIDs lists what a figure counts: post or violation ids, or member keys (group \0 id).
func (r *Report) DrillIDs(st ReportStore, d *Drill) ([]string, error) {
	var out []string
	if d.Target == "members" {
		err := st.ForEachMember("", func(m *model.Member) error {
			if r.InScope(m.Group) && (d.Member == nil || d.Member(m)) {
				out = append(out, model.MemberKey(m.Group, m.ID))
			}
			return nil
		})
		return out, err
	}
	seen := map[string]bool{}
	err := st.Facts(d.Fact, d.Period.From, d.Period.To, r.inScope, func(x *model.Fact) error {
		if (d.Match == nil || d.Match(x)) && !seen[x.ID] {
			id := strings.Clone(x.ID)
			seen[id] = true
			out = append(out, id)
		}
		return nil
	})
	return out, err
}

func (r *Report) drill(target string, kind model.FactKind, match func(*model.Fact) bool) *Drill {
	return &Drill{Target: target, Fact: kind, Period: r.Period, Match: match}
}

// ReviewDecisions are the decisions on posts, in the order of the tables.
var ReviewDecisions = []model.Kind{model.PostApprove, model.PostReject, model.PostChanges, model.PostEscalate, model.PostSignOff, model.PostReturn, model.PostRetract}

// Tables are the report's tables, in order.
func (r *Report) Tables() []Table {
	c, p := &r.Cur, &r.Prev
	count := func(key string, cur, prev int, d *Drill) Row {
		return Row{Key: key, Cur: int64(cur), Prev: int64(prev), Drill: d}
	}
	dur := func(key string, cur, prev time.Duration) Row {
		return Row{Key: key, Cur: int64(cur), Prev: int64(prev), Unit: UnitDuration}
	}
	var ts []Table

	rev := Table{ID: "review", Rows: []Row{
		count("report.f.submitted", c.Submitted, p.Submitted, r.drill("posts", model.FactSubmit, nil)),
		count("report.f.reviewed", c.Reviewed, p.Reviewed, r.drill("posts", model.FactDecide, func(x *model.Fact) bool {
			return x.First && x.Decision != model.PostSignOff && x.Decision != model.PostReturn
		})),
	}}
	for _, k := range ReviewDecisions {
		rev.Rows = append(rev.Rows, count("report.f."+string(k), c.Decisions[k], p.Decisions[k],
			r.drill("posts", model.FactDecide, func(x *model.Fact) bool { return x.Decision == k })))
	}
	rev.Rows = append(rev.Rows, count("report.f.overrides", c.Overrides, p.Overrides, r.drill("posts", model.FactOverride, nil)))
	ts = append(ts, rev)

	ts = append(ts, Table{ID: "latency", Rows: []Row{
		count("report.f.decided.n", c.ToDecision.N, p.ToDecision.N, nil),
		dur("report.f.decision.p50", c.ToDecision.P50, p.ToDecision.P50),
		dur("report.f.decision.p90", c.ToDecision.P90, p.ToDecision.P90),
		count("report.f.signoff.n", c.ToSignOff.N, p.ToSignOff.N, nil),
		dur("report.f.signoff.p50", c.ToSignOff.P50, p.ToSignOff.P50),
		dur("report.f.signoff.p90", c.ToSignOff.P90, p.ToSignOff.P90),
	}})

	fc := Table{ID: "findings.category", Rows: []Row{
		count("report.f.posts.flagged", c.PostsWithFindings, p.PostsWithFindings, r.drill("posts", model.FactSubmit, func(x *model.Fact) bool { return len(x.Findings) > 0 })),
		count("report.f.findings", c.Findings, p.Findings, nil),
	}}
	for _, cat := range keysByCount(c.FindingsByCategory, p.FindingsByCategory) {
		fc.Rows = append(fc.Rows, Row{Key: categoryKey(cat), Cur: int64(c.FindingsByCategory[cat]), Prev: int64(p.FindingsByCategory[cat]),
			Drill: r.drill("posts", model.FactSubmit, func(x *model.Fact) bool {
				return slices.ContainsFunc(x.Findings, func(f model.FactFinding) bool { return f.Category == cat })
			})})
	}
	ts = append(ts, fc)
	fl := Table{ID: "findings.clause"}
	for _, cl := range keysByCount(c.FindingsByClause, p.FindingsByClause) {
		fl.Rows = append(fl.Rows, clauseRow(cl, c.FindingsByClause[cl], p.FindingsByClause[cl],
			r.drill("posts", model.FactSubmit, func(x *model.Fact) bool {
				return slices.ContainsFunc(x.Findings, func(f model.FactFinding) bool { return f.Clause == cl })
			})))
	}
	ts = append(ts, fl)

	vt := Table{ID: "violations", Rows: []Row{count("report.f.violations", c.Violations, p.Violations, r.drill("violations", model.FactViolation, nil))}}
	for _, src := range []string{model.SourceCheck, model.SourceAdmin, model.SourceComplaint} {
		vt.Rows = append(vt.Rows, count("report.f.source."+src, c.ViolationsBySource[src], p.ViolationsBySource[src],
			r.drill("violations", model.FactViolation, func(x *model.Fact) bool { return x.Source == src })))
	}
	ts = append(ts, vt)
	vc := Table{ID: "violations.category"}
	for _, cat := range keysByCount(c.ViolationsByCategory, p.ViolationsByCategory) {
		vc.Rows = append(vc.Rows, Row{Key: categoryKey(cat), Cur: int64(c.ViolationsByCategory[cat]), Prev: int64(p.ViolationsByCategory[cat]),
			Drill: r.drill("violations", model.FactViolation, func(x *model.Fact) bool { return r.violationCategory(x) == cat })})
	}
	ts = append(ts, vc)
	vl := Table{ID: "violations.clause"}
	for _, cl := range keysByCount(c.ViolationsByClause, p.ViolationsByClause) {
		vl.Rows = append(vl.Rows, clauseRow(cl, c.ViolationsByClause[cl], p.ViolationsByClause[cl],
			r.drill("violations", model.FactViolation, func(x *model.Fact) bool { return r.violationClause(x) == cl })))
	}
	ts = append(ts, vl)

	sa := Table{ID: "sanctions", Rows: []Row{count("report.f.sanctions", c.Sanctions, p.Sanctions, r.drill("violations", model.FactSanction, nil))}}
	for _, step := range r.stepOrder(keysByCount(c.SanctionsByStep, p.SanctionsByStep)) {
		sa.Rows = append(sa.Rows, Row{Text: step, TextEN: r.stepEN(step), Cur: int64(c.SanctionsByStep[step]), Prev: int64(p.SanctionsByStep[step]),
			Drill: r.drill("violations", model.FactSanction, func(x *model.Fact) bool { return x.Step == step })})
	}
	sa.Rows = append(sa.Rows, count("report.f.overturned", c.Overturned, p.Overturned,
		r.drill("violations", model.FactSanction, func(x *model.Fact) bool { return x.Appeal == model.AppealOverturned })))
	ts = append(ts, sa)

	prevCount := map[string]int{}
	for _, o := range p.Offenders {
		prevCount[model.MemberKey(o.Group, o.Member)] = o.Count
	}
	of := Table{ID: "offenders", Rows: []Row{count("report.f.offenders", len(c.Offenders), len(p.Offenders), nil)}}
	for _, o := range c.Offenders {
		label := o.Name
		if label == "" {
			label = o.Member
		}
		label += " (" + r.groupName(o.Group) + ")"
		of.Rows = append(of.Rows, Row{Text: label, Cur: int64(o.Count), Prev: int64(prevCount[model.MemberKey(o.Group, o.Member)]),
			Drill: r.drill("violations", model.FactViolation, func(x *model.Fact) bool {
				return x.Group == o.Group && x.Member == o.Member && x.Status != string(model.ViolationDismissed)
			})})
	}
	ts = append(ts, of)

	ts = append(ts, Table{ID: "reports", Rows: []Row{
		count("report.f.reports", c.Reports, p.Reports, r.drill("violations", model.FactViolation, func(x *model.Fact) bool { return x.Source == model.SourceComplaint })),
		count("report.f.fedback", c.ComplaintsFedBack, p.ComplaintsFedBack, r.drill("violations", model.FactViolation, func(x *model.Fact) bool {
			return x.Source == model.SourceComplaint && x.Feedback
		})),
		count("report.f.notfedback", c.Reports-c.ComplaintsFedBack, p.Reports-p.ComplaintsFedBack, r.drill("violations", model.FactViolation, func(x *model.Fact) bool {
			return x.Source == model.SourceComplaint && !x.Feedback
		})),
	}})

	ap := Table{ID: "applications"}
	for _, k := range []model.ApplicationKind{model.AppJoin, model.AppExit, model.AppAppeal} {
		ap.Rows = append(ap.Rows,
			count("report.f.app.filed."+string(k), c.AppsFiled[k], p.AppsFiled[k], nil),
			count("report.f.app.decided."+string(k), c.AppsDecided[k], p.AppsDecided[k], nil),
			dur("report.f.app.wait50."+string(k), c.AppWait[k].P50, p.AppWait[k].P50),
			dur("report.f.app.wait90."+string(k), c.AppWait[k].P90, p.AppWait[k].P90),
			count("report.f.app.open."+string(k), c.AppsOpen[k], p.AppsOpen[k], nil))
	}
	ap.Rows = append(ap.Rows, dur("report.f.app.oldest", c.AppsOldest, p.AppsOldest))
	ts = append(ts, ap)

	ts = append(ts, Table{ID: "rectifications", Rows: []Row{
		count("report.f.rect.ordered", c.RectsOrdered, p.RectsOrdered, nil),
		count("report.f.rect.closed", c.RectsClosed, p.RectsClosed, nil),
		count("report.f.rect.open", c.RectsOpen, p.RectsOpen, nil),
		{Key: "report.f.rect.overdue", Cur: int64(c.RectsOverdue), Prev: int64(p.RectsOverdue), Alert: c.RectsOverdue > 0},
		{Key: "report.f.dissolve.overdue", Cur: int64(c.DissolveOverdue), Prev: int64(p.DissolveOverdue), Alert: c.DissolveOverdue > 0},
	}})

	s := &r.Standing
	mt := Table{ID: "members", Rows: []Row{{Key: "report.f.members", Cur: int64(s.Members), NoPrev: true, Drill: &Drill{Target: "members"}}}}
	for _, st := range model.MemberStatuses {
		mt.Rows = append(mt.Rows, Row{Key: "member." + string(st), Cur: int64(s.ByStatus[st]), NoPrev: true,
			Drill: &Drill{Target: "members", Member: func(m *model.Member) bool { return m.Status == st }}})
	}
	inactive := time.Duration(r.policy.Thresholds.InactiveDays) * 24 * time.Hour
	current := func(m *model.Member) bool { return m.Status == model.MemberActive || m.Status == model.MemberMuted }
	mt.Rows = append(mt.Rows,
		Row{Key: "report.f.inactive", Cur: int64(s.Inactive), NoPrev: true, Drill: &Drill{Target: "members", Member: func(m *model.Member) bool {
			last := m.LastActive
			if last.IsZero() {
				last = m.Joined
			}
			return current(m) && inactive > 0 && !last.IsZero() && r.Made.Sub(last) > inactive
		}}},
		Row{Key: "report.f.nickname", Cur: int64(s.NicknameBad), NoPrev: true, Drill: &Drill{Target: "members", Member: func(m *model.Member) bool {
			g := r.Groups[m.Group]
			return current(m) && !NicknameOK(g.NicknameRule, g, *m)
		}}})
	for _, step := range r.stepOrder(slices.Sorted(maps.Keys(s.ByStep))) {
		mt.Rows = append(mt.Rows, Row{Text: step, TextEN: r.stepEN(step), Cur: int64(s.ByStep[step]), NoPrev: true,
			Drill: &Drill{Target: "members", Member: func(m *model.Member) bool { return m.Step == step }}})
	}
	ts = append(ts, mt)

	rl := Table{ID: "rect.list", Columns: []string{"report.c.id", "report.c.target", "report.c.item", "report.c.finding", "report.c.opened", "report.c.deadline", "report.c.state"}}
	for _, x := range s.Rects {
		target := r.groupName(x.Group)
		if x.Group == "" {
			target = x.Branch
		}
		state := "report.state.open"
		if x.Dissolve {
			state = "report.state.dissolve"
		}
		if x.Overdue {
			state = "report.state.overdue"
		}
		rl.Rows = append(rl.Rows, Row{Text: x.ID, Cells: []string{target, "item:" + x.Item, x.Finding, day(x.Opened), day(x.Deadline), "key:" + state}, Alert: x.Overdue})
	}
	ts = append(ts, rl)
	pl := Table{ID: "project.list", Columns: []string{"report.c.group", "report.c.projectend", "report.c.dissolveby", "report.c.state"}}
	for _, g := range s.Projects {
		state := "report.state.due"
		if g.Overdue {
			state = "report.state.overdue"
		}
		pl.Rows = append(pl.Rows, Row{Text: r.groupName(g.Group.ID), Cells: []string{day(g.Group.ProjectEnd), day(g.Deadline), "key:" + state}, Alert: g.Overdue})
	}
	ts = append(ts, pl)
	return ts
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ChinaTime).Format(time.DateOnly)
}

func (r *Report) groupName(id string) string {
	if g, ok := r.Groups[id]; ok && g.Name != "" {
		return g.Name
	}
	return id
}

func (r *Report) violationCategory(x *model.Fact) string {
	if rule := r.policy.Rule(x.Rule); rule != nil {
		return rule.Category
	}
	return ""
}

func (r *Report) violationClause(x *model.Fact) string {
	if x.Clause != "" {
		return x.Clause
	}
	if rule := r.policy.Rule(x.Rule); rule != nil {
		return rule.Clause
	}
	return ""
}

// stepOrder puts steps in the order of the ladders, general then party; unknown ones after.
func (r *Report) stepOrder(steps []string) []string {
	var ladder []string
	for _, s := range append(slices.Clone(r.policy.Ladder.General), r.policy.Ladder.Party...) {
		if !slices.Contains(ladder, s.ZH) {
			ladder = append(ladder, s.ZH)
		}
	}
	pos := func(s string) int {
		if i := slices.Index(ladder, s); i >= 0 {
			return i
		}
		return len(ladder)
	}
	out := slices.Clone(steps)
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Or(pos(a)-pos(b), cmp.Compare(a, b)) })
	return out
}

// StepEN is a step of the ladder in English, or "" when the policy does not know it.
func (r *Report) stepEN(step string) string {
	for _, s := range append(slices.Clone(r.policy.Ladder.General), r.policy.Ladder.Party...) {
		if s.ZH == step || s.ID == step {
			return s.EN
		}
	}
	return ""
}

func categoryKey(cat string) string {
	if cat == "" {
		return "report.cat.none"
	}
	return "report.cat." + cat
}

func clauseRow(clause string, cur, prev int, d *Drill) Row {
	if clause == "" {
		return Row{Key: "report.clause.none", Cur: int64(cur), Prev: int64(prev), Drill: d}
	}
	return Row{Text: clause, Cur: int64(cur), Prev: int64(prev), Drill: d}
}

// keysByCount lists the keys of both periods, most frequent in this period first.
func keysByCount(cur, prev map[string]int) []string {
	var out []string
	for k := range cur {
		out = append(out, k)
	}
	for k := range prev {
		if _, ok := cur[k]; !ok {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cur[b]-cur[a], prev[b]-prev[a], cmp.Compare(a, b)) })
	return out
}

// InspectionItems are the items of an inspection (ST 七(二)): publishing compliance in
// content, format and review; communication; discipline; resource management.
var InspectionItems = []string{"content", "format", "review", "communication", "discipline", "resources"}
