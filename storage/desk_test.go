package storage

import (
	"testing"
	"time"

	"qunshen/model"
	"qunshen/review"
)

// TestDeskOverSync: the register, incidents and accountability travel in bundles and
// converge. An administrator retracts a hostile post and mutes its author, opens an incident
// with both linked as its measures and reports it upward, and applies to create a group; the
// supervisor approves the group and records accountability; the secretary closes the
// incident while the supervisor, not having seen that, reports it upward again: every machine,
// whatever the order of the bundles, sets the same report aside and holds the same state.
func TestDeskOverSync(t *testing.T) {
	ms := network(t, t.TempDir(), "a1:admin", "s1:secretary", "z1:supervisor")
	a1, s1, z1 := ms[0], ms[1], ms[2]
	a1.importChecked(loopMore)
	admin := a1.service()
	must := func(m *machine, err error) {
		t.Helper()
		m.check(err)
	}
	_, err := admin.Decide("n1", model.PostApprove, "")
	must(a1, err)
	_, err = admin.Retract("n1", "内容不实")
	must(a1, err)
	_, err = admin.Act(model.MemberMute, model.MemberKey("g1", "wx_b"), model.ReasonPayload{Reason: "散布不实信息", Until: time.Now().Add(72 * time.Hour)})
	must(a1, err)
	in, _, err := admin.OpenIncident(review.NewIncident{ID: "I1", Kind: model.IncidentOpinion, Post: "n1", Summary: "不实信息引发议论"})
	must(a1, err)
	if in.Group != "g1" || in.Member != "wx_b" {
		t.Fatalf("opened: %+v", in)
	}
	m1, _, err := admin.MeasureIncident("I1", "撤回该信息", "n1", "")
	must(a1, err)
	m2, _, err := admin.MeasureIncident("I1", "禁言发布者", "", "wx_b")
	must(a1, err)
	if m1.DecisionKind != model.PostRetract || m2.DecisionKind != model.MemberMute || m2.Decision.IsZero() {
		t.Fatalf("measures linked: %+v %+v", m1, m2)
	}
	_, err = admin.EscalateIncident("I1", "街道党工委", "已电话报告")
	must(a1, err)
	_, _, err = admin.ApplyGroup(review.NewGroup{ID: "g9", Name: "城东项目部工作群", Kind: model.KindProject, Purpose: "施工协调"})
	must(a1, err)

	z1.importBundles(a1.export("z1"))
	s1.importBundles(a1.export("s1"))
	sup := z1.service()
	_, err = sup.DecideGroup("g9", true, "宣备〔2026〕7号", "")
	must(z1, err)
	if _, err := sup.DecideGroup("g9", true, "again", ""); err == nil {
		t.Fatal("a group was approved twice")
	}
	_, _, err = sup.RecordAccountability(review.NewAccountability{ID: "Q1", Incident: "I1", Person: "张伟", Measure: model.AccTalk, Text: "处置不及时"})
	must(z1, err)
	// Apart: the secretary closes the incident; the supervisor reports it upward again.
	_, err = s1.service().CloseIncident("I1", "影响已消除")
	must(s1, err)
	_, err = sup.EscalateIncident("I1", "区委宣传部", "书面报告")
	must(z1, err)

	fromZ, fromS := z1.export(""), s1.export("")
	a1.importBundles(fromZ, fromS)
	s1.importBundles(fromZ)
	z1.importBundles(fromS)
	a1.importBundles(fromS, fromZ) // again, in the other order: nothing changes
	for _, m := range ms {
		m.verify()
	}
	if a1.hash() != s1.hash() || a1.hash() != z1.hash() {
		t.Fatal("the machines hold different states")
	}
	got, ok, err := a1.st.Incident("I1")
	must(a1, err)
	if !ok || len(got.Measures) != 2 || got.Measures[0].DecisionKind != model.PostRetract {
		t.Fatalf("I1: %+v", got)
	}
	// Whichever came first in the canonical order stands; the other is set aside, on every
	// machine alike.
	closed := got.Status == model.IncClosed
	if closed && len(got.Escalations) != 1 || !closed && len(got.Escalations) != 2 {
		t.Fatalf("I1 after the bundles: %+v", got)
	}
	g, ok, err := a1.st.Group("g9")
	must(a1, err)
	if !ok || !g.Approved() || g.FilingNo != "宣备〔2026〕7号" || g.ApprovedBy != z1.op.Operator.Name {
		t.Fatalf("g9: %+v", g)
	}
	st, err := a1.st.Status()
	must(a1, err)
	if st.Accountability["talk"] != 1 || st.GroupApps["approved"] != 1 {
		t.Fatalf("status: %+v", st)
	}
}
