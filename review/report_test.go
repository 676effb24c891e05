package review_test

import (
	"reflect"
	"testing"
	"time"

	"qunshen/internal/reportfix"
	"qunshen/model"
	"qunshen/review"
)

func makeReport(t *testing.T, f *reportfix.Fixture, period, scope string) *review.Report {
	t.Helper()
	p, err := review.ParsePeriod(period, reportfix.Now)
	if err != nil {
		t.Fatal(err)
	}
	s, err := review.ParseScope(scope)
	if err != nil {
		t.Fatal(err)
	}
	r, err := review.MakeReport(f.Store, review.ReportOptions{Period: p, Scope: s, Now: reportfix.Now, Operator: "周监督"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func withCST(t *testing.T) {
	old := time.Local
	time.Local = reportfix.CST
	t.Cleanup(func() { time.Local = old })
}

func fixture(t *testing.T) *reportfix.Fixture {
	withCST(t)
	f := reportfix.Build(t, t.TempDir())
	t.Cleanup(func() { f.Store.Close() })
	return f
}

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// TestReportFiguresJune checks every figure of June 2026 on the fixture against values
// counted by hand from reportfix.Queue and the decisions of reportfix.Build.
func TestReportFiguresJune(t *testing.T) {
	f := fixture(t)
	r := makeReport(t, f, "2026-06", "all")
	c := r.Cur
	eq(t, "period", r.Period.String(), "2026-06")
	eq(t, "previous", r.Previous.String(), "2026-05")
	// p1 … p6; p7 is dated 1 July, 00:00, the first instant of the next period.
	eq(t, "submitted", c.Submitted, 6)
	// p1 rejected, p2 escalated, p3 approved, p4 changes, p6 approved again after an undo.
	eq(t, "reviewed", c.Reviewed, 5)
	eq(t, "decisions", c.Decisions, map[model.Kind]int{model.PostApprove: 2, model.PostReject: 1, model.PostChanges: 1, model.PostEscalate: 1, model.PostSignOff: 1})
	// 1 h, 30 min, 8 h, 24 h, 2 h: sorted 30m 1h 2h 8h 24h; ranks 3 and 5.
	eq(t, "to decision", c.ToDecision, review.Latency{N: 5, P50: 2 * time.Hour, P90: 24 * time.Hour})
	eq(t, "to sign-off", c.ToSignOff, review.Latency{N: 1, P50: 4 * time.Hour, P90: 4 * time.Hour})
	eq(t, "posts flagged", c.PostsWithFindings, 3)
	eq(t, "findings", c.Findings, 4)
	eq(t, "findings by category", c.FindingsByCategory, map[string]int{"ads": 2, "major": 1, "rumour": 1})
	eq(t, "findings by clause", c.FindingsByClause, map[string]int{"ST 五(一)4": 2, "PM 三(三)2": 1, "IW 第十一条(八)": 1})
	eq(t, "violations", c.Violations, 3)
	eq(t, "by source", c.ViolationsBySource, map[string]int{"report": 2, "admin": 1})
	eq(t, "by category", c.ViolationsByCategory, map[string]int{"": 2, "ads": 1})
	eq(t, "by clause", c.ViolationsByClause, map[string]int{"": 2, "ST 五(一)4": 1})
	eq(t, "sanctions", c.Sanctions, 2)
	eq(t, "by step", c.SanctionsByStep, map[string]int{"批评教育": 1, "警告": 1})
	eq(t, "overturned", c.Overturned, 0)
	eq(t, "offenders", c.Offenders, []review.Offender{{Group: "g1", Member: "m2", Name: "李娜", Count: 2}})
	eq(t, "reports", c.Reports, 2)
	eq(t, "fed back", c.ComplaintsFedBack, 1)
	eq(t, "apps filed", c.AppsFiled, map[model.ApplicationKind]int{model.AppExit: 1, model.AppAppeal: 1})
	eq(t, "apps decided", c.AppsDecided, map[model.ApplicationKind]int{model.AppJoin: 1, model.AppAppeal: 1})
	eq(t, "join wait", c.AppWait[model.AppJoin], review.Latency{N: 1, P50: 8 * 24 * time.Hour, P90: 8 * 24 * time.Hour})
	eq(t, "appeal wait", c.AppWait[model.AppAppeal], review.Latency{N: 1, P50: 48 * time.Hour, P90: 48 * time.Hour})
	eq(t, "apps open", c.AppsOpen, map[model.ApplicationKind]int{model.AppExit: 1})
	eq(t, "oldest open", c.AppsOldest, 20*24*time.Hour+15*time.Hour) // a2, 10 June 09:00 to 1 July
	eq(t, "rect ordered", c.RectsOrdered, 2)
	eq(t, "rect closed", c.RectsClosed, 1)
	eq(t, "rect open", c.RectsOpen, 1)
	eq(t, "rect overdue", c.RectsOverdue, 1)
	// g3's project ended Friday 29 May: five working days, 1 to 5 June; overdue from the 6th.
	eq(t, "dissolve overdue", c.DissolveOverdue, 1)
	want := make([]int, 30)
	want[0], want[1], want[2], want[9], want[14], want[29] = 1, 1, 1, 1, 1, 1
	eq(t, "daily", c.Daily, want)

	s := r.Standing
	eq(t, "members", s.Members, 4)
	eq(t, "by status", s.ByStatus, map[model.MemberStatus]int{model.MemberActive: 4})
	eq(t, "by step", s.ByStep, map[string]int{"警告": 1})
	eq(t, "inactive", s.Inactive, 2)        // m2 silent since January, m4 never spoke
	eq(t, "nickname bad", s.NicknameBad, 1) // m2, 娜娜
	if len(s.Rects) != 1 || s.Rects[0].ID != "R2" || !s.Rects[0].Overdue {
		t.Errorf("open rectifications: %+v", s.Rects)
	}
	if len(s.Projects) != 1 || s.Projects[0].Group.ID != "g3" || !s.Projects[0].Overdue ||
		!s.Projects[0].Deadline.Equal(time.Date(2026, 6, 5, 23, 59, 59, 0, reportfix.CST)) {
		t.Errorf("project groups: %+v", s.Projects)
	}
}

// TestReportFiguresMay is the period before June, with one item of most kinds, and the
// comparison that June's report makes with it.
func TestReportFiguresMay(t *testing.T) {
	f := fixture(t)
	r := makeReport(t, f, "2026-06", "all")
	p := r.Prev
	eq(t, "previous period", p.Period.String(), "2026-05")
	eq(t, "submitted", p.Submitted, 1)
	eq(t, "reviewed", p.Reviewed, 1)
	eq(t, "decisions", p.Decisions, map[model.Kind]int{model.PostApprove: 1})
	eq(t, "to decision", p.ToDecision, review.Latency{N: 1, P50: 2 * time.Hour, P90: 2 * time.Hour})
	eq(t, "to sign-off", p.ToSignOff, review.Latency{})
	eq(t, "violations", p.Violations, 1)
	eq(t, "reports", p.Reports, 1)
	eq(t, "fed back", p.ComplaintsFedBack, 1)
	eq(t, "offenders", len(p.Offenders), 0)
	eq(t, "apps filed", p.AppsFiled, map[model.ApplicationKind]int{model.AppJoin: 1})
	// a1, filed 25 May, decided 2 June: waiting at the end of May, for 6 days 15 hours.
	eq(t, "apps open", p.AppsOpen, map[model.ApplicationKind]int{model.AppJoin: 1})
	eq(t, "oldest", p.AppsOldest, 6*24*time.Hour+15*time.Hour)
	eq(t, "rects", [4]int{p.RectsOrdered, p.RectsClosed, p.RectsOpen, p.RectsOverdue}, [4]int{})
	eq(t, "dissolve overdue", p.DissolveOverdue, 0) // the deadline, 5 June, was still ahead
	// The comparison, as the tables carry it.
	for _, tb := range r.Tables() {
		for _, row := range tb.Rows {
			switch row.Key {
			case "report.f.submitted":
				eq(t, "submitted row", [2]int64{row.Cur, row.Prev}, [2]int64{6, 1})
			case "report.f.decision.p50":
				eq(t, "median row", [2]int64{row.Cur, row.Prev}, [2]int64{int64(2 * time.Hour), int64(2 * time.Hour)})
			case "report.f.reports":
				eq(t, "reports row", [2]int64{row.Cur, row.Prev}, [2]int64{2, 1})
			case "report.f.dissolve.overdue":
				eq(t, "dissolve row", [2]int64{row.Cur, row.Prev}, [2]int64{1, 0})
				if !row.Alert {
					t.Error("an overdue dissolution does not stand out")
				}
			}
		}
	}
}

func TestReportEmptyPeriod(t *testing.T) {
	f := fixture(t)
	r := makeReport(t, f, "2025-01", "all")
	c := r.Cur
	eq(t, "submitted", c.Submitted, 0)
	eq(t, "reviewed", c.Reviewed, 0)
	eq(t, "to decision", c.ToDecision, review.Latency{})
	eq(t, "violations", c.Violations, 0)
	eq(t, "apps open", len(c.AppsOpen), 0)
	eq(t, "rects", c.RectsOpen+c.RectsOrdered, 0)
	eq(t, "dissolve overdue", c.DissolveOverdue, 0)
	eq(t, "daily", c.Daily, make([]int, 31))
	eq(t, "previous", r.Previous.String(), "2024-12")
}

func TestReportScopes(t *testing.T) {
	f := fixture(t)
	r := makeReport(t, f, "2026-06", "group:g2")
	eq(t, "scope name", r.ScopeName, "办公室工作群")
	eq(t, "g2 submitted", r.Cur.Submitted, 2)
	eq(t, "g2 decisions", r.Cur.Decisions, map[model.Kind]int{model.PostApprove: 1, model.PostChanges: 1})
	eq(t, "g2 violations", r.Cur.Violations, 1)
	eq(t, "g2 rects", [3]int{r.Cur.RectsOrdered, r.Cur.RectsClosed, r.Cur.RectsOpen}, [3]int{1, 1, 0})
	eq(t, "g2 members", r.Standing.Members, 1)
	eq(t, "g2 dissolve", r.Cur.DissolveOverdue, 0)

	r = makeReport(t, f, "2026-06", "branch:第三党支部")
	eq(t, "branch submitted", r.Cur.Submitted, 3) // p1, p2, p6 of g1
	eq(t, "branch rects", [4]int{r.Cur.RectsOrdered, r.Cur.RectsClosed, r.Cur.RectsOpen, r.Cur.RectsOverdue}, [4]int{1, 0, 1, 1})
	eq(t, "branch members", r.Standing.Members, 2)
	eq(t, "branch offenders", len(r.Cur.Offenders), 1)

	// A week: 1 to 7 June holds p1, p2, p3; the week before, none.
	r = makeReport(t, f, "2026-W23", "all")
	eq(t, "week", r.Period.Dates(), "2026-06-01 ~ 2026-06-07")
	eq(t, "week submitted", [2]int{r.Cur.Submitted, r.Prev.Submitted}, [2]int{3, 0})
}

func TestReportDrill(t *testing.T) {
	f := fixture(t)
	r := makeReport(t, f, "2026-06", "all")
	want := map[string][]string{
		"report.f.post.approve":     {"p3", "p6"},
		"report.f.post.reject":      {"p1"},
		"report.f.posts.flagged":    {"p1", "p2", "p4"},
		"report.f.reports":          {"r1", "r2"},
		"report.f.notfedback":       {"r2"},
		"report.f.inactive":         {"g1\x00m2", "g3\x00m4"},
		"report.f.nickname":         {"g1\x00m2"},
		"report.f.source.admin":     {"v1"},
		"report.f.submitted":        {"p1", "p2", "p3", "p4", "p6", "p5"},
		"report.cat.rumour":         {"p4"},
		"report.f.post.escalate":    {"p2"},
		"report.f.post.signoff":     {"p2"},
		"report.f.sanctions":        {"r1", "v1"},
		"report.f.violations":       {"r1", "v1", "r2"},
		"report.f.members":          {"g1\x00m1", "g1\x00m2", "g2\x00m3", "g3\x00m4"},
		"report.f.fedback":          {"r1"},
		"report.f.source.report":    {"r1", "r2"},
		"report.f.post.changes":     {"p4"},
		"report.f.reviewed":         {"p1", "p2", "p3", "p4", "p6"},
		"report.f.post.return":      nil,
		"report.f.source.check":     nil,
		"report.f.overturned":       nil,
		"report.f.offenders":        nil,
		"report.f.decided.n":        nil,
		"report.f.rect.overdue":     nil,
		"report.f.dissolve.overdue": nil,
	}
	seen := map[string]bool{}
	for _, tb := range r.Tables() {
		for _, row := range tb.Rows {
			w, ok := want[row.Key]
			if !ok || seen[row.Key] {
				continue
			}
			seen[row.Key] = true
			if row.Drill == nil {
				if w != nil {
					t.Errorf("%s: no drill", row.Key)
				}
				continue
			}
			got, err := r.DrillIDs(f.Store, row.Drill)
			if err != nil {
				t.Fatal(err)
			}
			eq(t, row.Key, got, w)
			if row.Drill.Target != "members" && int64(len(got)) != row.Cur && row.Key != "report.f.sanctions" {
				t.Errorf("%s: %d ids behind a figure of %d", row.Key, len(got), row.Cur)
			}
		}
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("no row %s", k)
		}
	}
}

func TestPercentile(t *testing.T) {
	ds := func(xs ...int) []time.Duration {
		out := make([]time.Duration, len(xs))
		for i, x := range xs {
			out[i] = time.Duration(x)
		}
		return out
	}
	for _, c := range []struct {
		xs       []time.Duration
		p50, p90 time.Duration
	}{
		{nil, 0, 0},
		{ds(7), 7, 7},
		{ds(1, 2), 1, 2},
		{ds(1, 2, 3, 4), 2, 4},
		{ds(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 5, 9},
		{ds(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 6, 10},
		{ds(3, 3, 3, 100), 3, 100},
	} {
		if got := review.Percentile(c.xs, 50); got != c.p50 {
			t.Errorf("p50 of %v: %v, want %v", c.xs, got, c.p50)
		}
		if got := review.Percentile(c.xs, 90); got != c.p90 {
			t.Errorf("p90 of %v: %v, want %v", c.xs, got, c.p90)
		}
	}
}
