package review

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"qunshen/model"
)

// The assessment of groups (CW 六(三), IW 第九条): each group of the scope measured over the
// report's period, given a score by the weighting of the policy ([assessment]), and ranked;
// the well-run ones are commended, the badly run ones held to account.

// AssessWeights is the weighting of the assessment: a group's score is Base less, for each
// measure, its weight times the group's figure. An organisation sets its own in the policy.
type AssessWeights struct {
	Base float64 `toml:"base"`
	// LateReview is taken for the share (0 to 1) of the posts first decided in the period
	// that waited longer than a day.
	LateReview float64 `toml:"late_review"`
	// SlowHour is taken for each hour by which the 90th percentile of the review latency
	// exceeds a day.
	SlowHour   float64 `toml:"slow_hour"`
	Findings   float64 `toml:"findings_per_100"` // for each finding per 100 posts
	Violation  float64 `toml:"violation"`        // for each violation (dismissed ones aside)
	Overturned float64 `toml:"overturned"`       // for each sanction overturned on appeal
	Override   float64 `toml:"override"`         // for each approval over block findings
	Unanswered float64 `toml:"unanswered_report"`
	LateRect   float64 `toml:"late_rectification"` // closed late, or open past its deadline
	Incident   float64 `toml:"incident"`
}

// weights are the weights with their keys in the policy.
func (w AssessWeights) weights() []struct {
	key string
	v   float64
} {
	return []struct {
		key string
		v   float64
	}{{"late_review", w.LateReview}, {"slow_hour", w.SlowHour}, {"findings_per_100", w.Findings}, {"violation", w.Violation},
		{"overturned", w.Overturned}, {"override", w.Override}, {"unanswered_report", w.Unanswered},
		{"late_rectification", w.LateRect}, {"incident", w.Incident}}
}

// GroupScore is one group's assessment over a period.
type GroupScore struct {
	Group       string
	Posts       int
	Reviewed    int // posts first decided in the period
	InDay       int // of them, decided within a day of their submission
	Latency     Latency
	Findings    int
	Violations  int // recorded in the period, dismissed ones aside
	Overturned  int
	Overrides   int
	Reports     int // reported by members in the period
	Answered    int // of them, the reporter told the outcome
	RectsDue    int // closed in the period, or open past a deadline that fell in it
	RectsOnTime int // of them, closed by the deadline
	Incidents   int
	Score       float64
	Rank        int
}

// InDayShare is the share of the posts first decided in the period that were decided within a
// day; 1 when none was decided.
func (g *GroupScore) InDayShare() float64 {
	if g.Reviewed == 0 {
		return 1
	}
	return float64(g.InDay) / float64(g.Reviewed)
}

// FindingsPer100 is the number of findings per hundred posts.
func (g *GroupScore) FindingsPer100() float64 {
	if g.Posts == 0 {
		return 0
	}
	return float64(g.Findings) * 100 / float64(g.Posts)
}

// score is the group's score by the weighting w, to one decimal.
func (g *GroupScore) score(w *AssessWeights) float64 {
	s := w.Base
	s -= w.LateReview * (1 - g.InDayShare())
	if over := g.Latency.P90 - 24*time.Hour; g.Latency.N > 0 && over > 0 {
		s -= w.SlowHour * over.Hours()
	}
	s -= w.Findings * g.FindingsPer100()
	s -= w.Violation * float64(g.Violations)
	s -= w.Overturned * float64(g.Overturned)
	s -= w.Override * float64(g.Overrides)
	s -= w.Unanswered * float64(g.Reports-g.Answered)
	s -= w.LateRect * float64(g.RectsDue-g.RectsOnTime)
	s -= w.Incident * float64(g.Incidents)
	return math.Round(max(s, 0)*10) / 10
}

// tally gathers the figures of the assessment, group by group, while the period's facts are
// read.
type tally struct {
	groups    map[string]*GroupScore
	latencies map[string][]time.Duration
}

func newTally() *tally {
	return &tally{groups: map[string]*GroupScore{}, latencies: map[string][]time.Duration{}}
}

func (t *tally) of(group string) *GroupScore {
	g := t.groups[group]
	if g == nil {
		g = &GroupScore{Group: group}
		t.groups[group] = g
	}
	return g
}

// finish scores the groups of the scope and ranks them: the highest score first, then the
// most posts, then by id. Every group of the scope is assessed that was not dissolved before
// the period began, or that had anything to count in it.
func (r *Report) finishAssessment(t *tally, p Period, rects []model.Rectification) []GroupScore {
	ref := p.reference(r.Made)
	for i := range rects {
		x := &rects[i]
		if x.Group == "" || !r.InScope(x.Group) || x.Deadline.IsZero() {
			continue
		}
		closedIn := !x.Closed.IsZero() && p.Contains(x.Closed)
		lateOpen := (x.Closed.IsZero() || !x.Closed.Before(ref)) && !x.Deadline.Before(p.From) && x.Deadline.Before(ref)
		if !closedIn && !lateOpen {
			continue
		}
		g := t.of(x.Group)
		g.RectsDue++
		if closedIn && !x.Closed.After(x.Deadline) {
			g.RectsOnTime++
		}
	}
	for id, g := range r.Groups {
		if r.InScope(id) && (g.Status != model.GroupDissolved || g.Dissolved.IsZero() || !g.Dissolved.Before(p.From)) {
			t.of(id)
		}
	}
	w := &r.policy.Assessment
	out := make([]GroupScore, 0, len(t.groups))
	for id, g := range t.groups {
		if !r.InScope(id) {
			continue
		}
		g.Latency = latencyOf(t.latencies[id])
		g.Score = g.score(w)
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b GroupScore) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), b.Posts-a.Posts, cmp.Compare(a.Group, b.Group))
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && out[i].Score == out[i-1].Score && out[i].Posts == out[i-1].Posts {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out
}

// Assessment columns, in order: the group's name is the row's label.
var assessColumns = []string{"report.c.group", "report.c.id", "report.c.rank", "report.c.score", "report.c.posts",
	"report.c.inday", "report.c.p50", "report.c.p90", "report.c.findings100", "report.c.violations", "report.c.overturned",
	"report.c.overrides", "report.c.answered", "report.c.ontime", "report.c.incidents"}

// assessTable is the assessment as a list table, a row a group in the order of the ranking.
func (r *Report) assessTable() Table {
	t := Table{ID: "assessment", Columns: assessColumns}
	for i := range r.Cur.Assessment {
		g := &r.Cur.Assessment[i]
		row := Row{Text: r.groupName(g.Group), Cells: []string{g.Group, strconv.Itoa(g.Rank), fmt.Sprintf("%.1f", g.Score),
			strconv.Itoa(g.Posts), g.inDayCell(),
			durCell(g.Latency.P50), durCell(g.Latency.P90), fmt.Sprintf("%.1f", g.FindingsPer100()),
			strconv.Itoa(g.Violations), strconv.Itoa(g.Overturned), strconv.Itoa(g.Overrides),
			fmt.Sprintf("%d/%d", g.Answered, g.Reports), fmt.Sprintf("%d/%d", g.RectsOnTime, g.RectsDue), strconv.Itoa(g.Incidents)},
			Drill: groupDrill(g.Group)}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// inDayCell is the share reviewed within a day as a cell: a percentage, or "-" when no post was
// decided in the period.
func (g *GroupScore) inDayCell() string {
	if g.Reviewed == 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", int(math.Round(g.InDayShare()*100)))
}

// durCell is a duration as a list table's cell: "dur:" and its nanoseconds, which a document
// writes in words.
func durCell(d time.Duration) string { return "dur:" + strconv.FormatInt(int64(d), 10) }

// commendationTables are the commendations of groups and the rewards of reporters recorded in
// the period, in time order.
func (r *Report) commendationTables() []Table {
	ct := Table{ID: "commendations", Columns: []string{"report.c.id", "report.c.group", "report.c.text", "report.c.date", "report.c.by"}}
	rt := Table{ID: "rewards", Columns: []string{"report.c.id", "report.c.report", "report.c.reporter", "report.c.group", "report.c.text", "report.c.date", "report.c.by"}}
	for _, x := range r.Cur.Commendations {
		if x.Kind == model.CommendReward {
			rt.Rows = append(rt.Rows, Row{Text: x.ID, Cells: []string{x.Report, x.Reporter, r.groupName(x.Group), x.Text, day(x.Time), x.By},
				Drill: groupDrill(x.Group)})
			continue
		}
		ct.Rows = append(ct.Rows, Row{Text: x.ID, Cells: []string{r.groupName(x.Group), x.Text, day(x.Time), x.By}, Drill: groupDrill(x.Group)})
	}
	return []Table{ct, rt}
}
