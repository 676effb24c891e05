package review_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"qunshen/internal/reportfix"
	"qunshen/model"
	"qunshen/review"
)

// The assessment of June 2026 on the report fixture, counted by hand from reportfix.Build:
//
//	g1 第三党支部党员群: posts p1, p2, p6 (p7 is July's); findings [ads] on p1 and [major] on
//	   p2: 2, 66.7 per 100; first decisions p1 reject after 1h, p2 escalate after 30m, p6
//	   approve after 2h (the approval at 09:10 was undone, the one at 11:00 is first again):
//	   all within a day, median 1h, p90 2h; violations r1 and v1, both sanctioned, none
//	   overturned; no override; report r1 answered (1/1); R2 is against the branch, not the
//	   group; incident I2 (on p1). Score 100 − 0.2×66.67 − 2×2 − 10×1 = 72.7.
//	g2 办公室工作群: posts p3, p4; findings [ads] [rumour] on p4: 100 per 100; p3 approved
//	   after 8h, p4 sent back for changes after exactly 24h (within a day): median 8h, p90
//	   24h; r2 dismissed (no violation), its reporter not told (0/1); R1 closed on 06-18,
//	   before its deadline 06-19 (1/1); I1 was May's. Score 100 − 0.2×100 − 5×1 = 75.
//	g3 城东项目群: post p5, undecided; incident I3. Score 100 − 10 = 90.
//
// Ranked: g3, g2, g1.
func TestAssessmentByHand(t *testing.T) {
	f := fixture(t)
	r := makeReport(t, f, "2026-06", "all")
	h := time.Hour
	want := []review.GroupScore{
		{Group: "g3", Posts: 1, Incidents: 1, Score: 90, Rank: 1},
		{Group: "g2", Posts: 2, Reviewed: 2, InDay: 2, Latency: review.Latency{N: 2, P50: 8 * h, P90: 24 * h}, Findings: 2,
			Reports: 1, Answered: 0, RectsDue: 1, RectsOnTime: 1, Score: 75, Rank: 2},
		{Group: "g1", Posts: 3, Reviewed: 3, InDay: 3, Latency: review.Latency{N: 3, P50: h, P90: 2 * h}, Findings: 2, Violations: 2,
			Reports: 1, Answered: 1, Incidents: 1, Score: 72.7, Rank: 3},
	}
	if !reflect.DeepEqual(r.Cur.Assessment, want) {
		t.Fatalf("assessment:\n got %+v\nwant %+v", r.Cur.Assessment, want)
	}
	if r.Prev.Assessment != nil {
		t.Errorf("the period before has an assessment: %+v", r.Prev.Assessment)
	}
	var tb *review.Table
	tables := r.Tables()
	for i := range tables {
		if tables[i].ID == "assessment" {
			tb = &tables[i]
		}
	}
	if tb == nil || len(tb.Rows) != 3 {
		t.Fatalf("no assessment table of three rows: %+v", tb)
	}
	if got := strings.Join(tb.Rows[2].Cells, " "); tb.Rows[2].Text != "第三党支部党员群" ||
		got != "g1 3 72.7 3 100% dur:3600000000000 dur:7200000000000 66.7 2 0 0 1/1 0/0 1" {
		t.Errorf("g1's row: %s %q", tb.Rows[2].Text, got)
	}
	if got := strings.Join(tb.Rows[0].Cells[:5], " "); got != "g3 1 90.0 1 -" {
		t.Errorf("g3's row, nothing decided: %q", got)
	}

	// The organisation's weighting: incidents weigh nothing, violations 10 each.
	pol := review.DefaultPolicy()
	pol.Assessment.Incident, pol.Assessment.Violation = 0, 10
	p, _ := review.ParsePeriod("2026-06", reportfix.Now)
	r2, err := review.MakeReport(f.Store, review.ReportOptions{Period: p, Now: reportfix.Now, Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, g := range r2.Cur.Assessment {
		order = append(order, g.Group)
	}
	if strings.Join(order, " ") != "g3 g2 g1" || r2.Cur.Assessment[2].Score != 66.7 || r2.Cur.Assessment[0].Score != 100 {
		t.Errorf("with the organisation's weighting: %+v", r2.Cur.Assessment)
	}

	// A group's scope assesses that group only.
	if r := makeReport(t, f, "2026-06", "group:g2"); len(r.Cur.Assessment) != 1 || r.Cur.Assessment[0].Group != "g2" || r.Cur.Assessment[0].Rank != 1 {
		t.Errorf("scope g2: %+v", r.Cur.Assessment)
	}
}

func TestAssessmentWeightsInThePolicy(t *testing.T) {
	if w := review.DefaultPolicy().Assessment; w.Base != 100 || w.Incident != 10 || w.LateReview != 30 {
		t.Errorf("the default weighting: %+v", w)
	}
	src := review.DefaultPolicyText()
	bad := strings.Replace(src, "incident = 10 ", "incident = -1 ", 1)
	if _, err := review.ParsePolicy(bad, "p.toml", ""); err == nil || !strings.Contains(err.Error(), "assessment: incident must not be negative") {
		t.Errorf("a negative weight: %v", err)
	}
	// A policy written before the assessment takes the built-in weighting.
	i, j := strings.Index(src, "[assessment]"), strings.Index(src, "# --- The discipline ladder")
	old, err := review.ParsePolicy(src[:i]+src[j:], "old.toml", "")
	if err != nil {
		t.Fatal(err)
	}
	if old.Assessment != review.DefaultPolicy().Assessment {
		t.Errorf("an older policy's weighting: %+v", old.Assessment)
	}
}

// Commendations and rewards: the supervisor's, a reward only for a report that checked out;
// both in the report of their period.
func TestCommendAndReward(t *testing.T) {
	f := fixture(t)
	at := time.Date(2026, 6, 25, 10, 0, 0, 0, reportfix.CST)
	f.Store.SetClock(func() time.Time { return at })
	sup := &review.Service{Store: f.Store, Signer: f.Supervisor, Clock: func() time.Time { return at }}
	admin := &review.Service{Store: f.Store, Signer: f.Admin, Clock: func() time.Time { return at }}
	var perm *model.PermissionError
	if _, _, err := admin.Commend("", "g2", "管理规范"); !errors.As(err, &perm) {
		t.Errorf("an administrator commends: %v", err)
	}
	x, _, err := sup.Commend("", "g2", "信息发布审核规范")
	if err != nil || x.ID != "K-20260625-100000" || x.Clause != "CW 六(三)1" {
		t.Fatalf("commend: %+v %v", x, err)
	}
	if _, _, err := sup.Commend("", "g9", "x"); err == nil || !strings.Contains(err.Error(), "g9") {
		t.Errorf("an unknown group: %v", err)
	}
	for _, c := range []struct{ report, want string }{
		{"r2", "has not checked out (it is dismissed)"},
		{"r3", "has not checked out (it is open)"},
		{"v1", "was not reported by a member"},
		{"nope", `"nope"`},
	} {
		if _, _, err := sup.Reward("", c.report, "举报属实"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("reward %s: %v, want %q", c.report, err, c.want)
		}
	}
	w, _, err := sup.Reward("W1", "r1", "举报属实，予以奖励")
	if err != nil || w.Reporter != "m1" || w.Group != "g1" || w.Clause != "CW 六(一)2" {
		t.Fatalf("reward: %+v %v", w, err)
	}
	r := makeReport(t, f, "2026-06", "all")
	if len(r.Cur.Commendations) != 2 || len(r.Prev.Commendations) != 0 {
		t.Fatalf("the report's commendations: %+v", r.Cur.Commendations)
	}
	for _, tb := range r.Tables() {
		switch tb.ID {
		case "commendations":
			if len(tb.Rows) != 1 || tb.Rows[0].Text != x.ID || tb.Rows[0].Cells[0] != "办公室工作群" || tb.Rows[0].Cells[1] != "信息发布审核规范" {
				t.Errorf("commendations: %+v", tb.Rows)
			}
		case "rewards":
			if len(tb.Rows) != 1 || tb.Rows[0].Text != "W1" || tb.Rows[0].Cells[0] != "r1" || tb.Rows[0].Cells[1] != "m1" {
				t.Errorf("rewards: %+v", tb.Rows)
			}
		}
	}
	if r := makeReport(t, f, "2026-06", "group:g1"); len(r.Cur.Commendations) != 1 || r.Cur.Commendations[0].ID != "W1" {
		t.Errorf("scope g1: %+v", r.Cur.Commendations)
	}
}
