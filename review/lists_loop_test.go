package review_test

import (
	"testing"
	"time"

	"qunshen/model"
	"qunshen/review"
)

// Findings of the new lists take the path of every finding: a block one stops the post, its
// rejection records a violation citing the list's clause, and the ladder goes to the top; a red
// packet sent as a message is found by its type; the report counts them by clause.
func TestListFindingsThroughTheLoop(t *testing.T) {
	st, admin, _ := loopStore(t, `{"type":"group","id":"w1","name":"街道工作群","kind":"street"}
{"type":"member","id":"wx_a","group":"w1","name":"张伟"}
{"type":"member","id":"wx_b","group":"w1","name":"李娜"}
{"type":"post","id":"e1","group":"w1","author":"wx_a","time":"2026-06-03T09:20:00+08:00","title":"转发","body":"回族都是恐怖分子"}
{"type":"post","id":"g1","group":"w1","author":"wx_b","time":"2026-06-03T09:30:00+08:00","title":"","body":"恭喜发财，大吉大利","attachments":["redpacket"]}
{"type":"post","id":"h1","group":"w1","author":"wx_b","time":"2026-06-03T09:40:00+08:00","title":"","body":"英雄联盟今晚开黑"}
`)
	finding := func(id, rule string) (model.Finding, bool) {
		p, _, err := st.Post(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range p.Findings {
			if f.Rule == rule {
				return f, true
			}
		}
		return model.Finding{}, false
	}
	if f, ok := finding("e1", "ethnic"); !ok || f.Severity != review.Block || f.Clause != "IW 第十一条(六)" {
		t.Fatalf("e1: %+v %v", f, ok)
	}
	if f, ok := finding("g1", "red-packet"); !ok || f.Severity != review.Info || f.Field != review.FieldAttachments {
		t.Fatalf("g1: %+v %v", f, ok)
	}
	if _, ok := finding("g1", "attachment"); ok {
		t.Fatal("g1: a red packet taken for a file not named in the text")
	}
	if _, ok := finding("h1", "heroes"); ok {
		t.Fatal("h1: 英雄联盟 taken for a hero")
	}
	// Blocked: no approval without an override.
	if _, err := admin.DecideWith("e1", model.PostApprove, review.DecideOptions{}); err == nil {
		t.Fatal("a post with an ethnic-hatred finding was approved")
	}
	if _, err := admin.DecideWith("e1", model.PostReject, review.DecideOptions{Reason: "煽动民族仇恨"}); err != nil {
		t.Fatal(err)
	}
	var v model.Violation
	vs, err := st.MemberViolations("w1", "wx_a")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range vs {
		if x.Rule == "ethnic" {
			v = x
		}
	}
	if v.ID == "" || v.Clause != "IW 第十一条(六)" {
		t.Fatalf("the violation: %+v of %+v", v, vs)
	}
	pr, err := admin.ViolationProposal(v)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Index != pr.Of-1 || !pr.Report {
		t.Fatalf("the proposal for ethnic hatred: %+v", pr)
	}
	// From the posts' day to today, when the rejection was made, whichever comes first.
	now := time.Now()
	lo, hi := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 4, 0, 0, 0, 0, time.UTC)
	lo, hi = minTime(lo, now.AddDate(0, 0, -1)), maxTime(hi, now.AddDate(0, 0, 1))
	period, err := review.ParsePeriod(lo.Format("2006-01-02")+".."+hi.Format("2006-01-02"), now)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := admin.Report(review.ReportOptions{Period: period})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cur.FindingsByClause["IW 第十一条(六)"] != 1 || rep.Cur.ViolationsByClause["IW 第十一条(六)"] != 1 ||
		rep.Cur.FindingsByClause["GO 四(一)3"] != 3 { // the red packet, 英雄联盟 and 开黑
		t.Fatalf("the report by clause: findings %v, violations %v", rep.Cur.FindingsByClause, rep.Cur.ViolationsByClause)
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
