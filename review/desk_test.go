package review_test

import (
	"testing"
	"time"

	"qunshen/model"
	"qunshen/review"
)

// TestReportDeskFigures checks the figures of the supervisor's desk on the fixture, counted by
// hand: I1 (May: found 09:00, first measure 12:00), I2 (June: found 09:30, measured 10:30,
// reported upward on the 2nd, closed on the 9th), I3 (June: found on the 20th at 08:00,
// measured on the 23rd at 08:00); accountability Q1 (May, notice), Q2 (June, talk), Q3 (June,
// notice, for the overdue R2).
func TestReportDeskFigures(t *testing.T) {
	f := fixture(t)
	r := makeReport(t, f, "2026-06", "all")
	c, p := r.Cur, r.Prev
	eq(t, "opened", c.IncidentsOpened, 2)
	eq(t, "escalated", c.IncidentsEscalated, 1)
	eq(t, "closed", c.IncidentsClosed, 1)
	// 1 h and 72 h: the median is the first (rank 1 of 2), the 90th percentile the second.
	eq(t, "to measure", c.ToMeasure, review.Latency{N: 2, P50: time.Hour, P90: 72 * time.Hour})
	eq(t, "accountability", c.Accountability, 2)
	eq(t, "by measure", c.AccountabilityByMeasure, map[string]int{"talk": 1, "notice": 1})
	eq(t, "May opened", p.IncidentsOpened, 1)
	eq(t, "May escalated", p.IncidentsEscalated, 0)
	eq(t, "May to measure", p.ToMeasure, review.Latency{N: 1, P50: 3 * time.Hour, P90: 3 * time.Hour})
	eq(t, "May accountability", p.AccountabilityByMeasure, map[string]int{"notice": 1})

	s := r.Standing
	eq(t, "groups", s.Groups, 3)
	eq(t, "by status", s.GroupStatus, map[string]int{"active": 3})
	// None filed; g3's project is over; g1 has 娜娜 of two members against its rule (above 20 %).
	eq(t, "by check", s.ByCheck, map[string]int{review.CheckUnapproved: 3, review.CheckOverdue: 1, review.CheckNotRealName: 1})

	// Scoped to a group, only its incidents and accountability count.
	g1 := makeReport(t, f, "2026-06", "group:g1")
	eq(t, "g1 opened", g1.Cur.IncidentsOpened, 1)
	eq(t, "g1 accountability", g1.Cur.AccountabilityByMeasure, map[string]int{"talk": 1, "notice": 1})
	eq(t, "g1 groups", g1.Standing.Groups, 1)

	in, ok, err := f.Store.Incident("I2")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if len(in.Measures) != 1 || in.Measures[0].DecisionKind != model.PostReject || in.Post != "p1" || in.Member != "m2" {
		t.Errorf("I2: %+v", in)
	}
	if _, err := f.Store.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestRegisterChecks(t *testing.T) {
	pol := review.DefaultPolicy()
	for _, c := range []struct {
		name, branch string
		ok           bool
	}{
		{"第三党支部党员群", "", true}, {"办公室工作群", "", true}, {"城东项目群", "", true}, {"相亲相爱一家人", "", false},
		{"闲聊", "", false}, {"幸福家园", "幸福家园", true}, {"測試羣", "", false}, {"街道辦通知群", "", true},
	} {
		g := model.Group{Name: c.name, Branch: c.branch}
		if got := review.NameSaysFunction(&g, &pol.Register); got != c.ok {
			t.Errorf("%s: says function %v, want %v", c.name, got, c.ok)
		}
	}
	if got, want := review.MaskPersonalData("身份证 11010519491231002X，电话 13812345678。"), "身份证 110***********002X，电话 138****5678。"; got != want {
		t.Errorf("masked: %s, want %s", got, want)
	}
}
