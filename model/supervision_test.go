package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRegisterApplication(t *testing.T) {
	f := newFixture(t)
	app := GroupApplication{ID: "g9", Name: "城东项目部工作群", Kind: KindProject, Purpose: "城东项目施工协调", Branch: "工程部",
		ProjectEnd: f.now.AddDate(0, 3, 0)}
	if _, err := f.do(RoleOwner, GroupApply, "g9", GroupApplication{ID: "g9", Name: "x", Kind: KindWork}); err == nil {
		t.Fatal("an application without a purpose was accepted")
	}
	if _, err := f.do(RoleOwner, GroupApply, "g1", GroupApplication{ID: "g1", Name: "x", Kind: KindWork, Purpose: "y"}); err == nil {
		t.Fatal("an application for a group that exists was accepted")
	}
	f.must(f.do(RoleOwner, GroupApply, "g9", app))
	if _, err := f.do(RoleSecretary, GroupApprove, "g9", ApprovalPayload{FilingNo: "备-1"}); err == nil || !strings.Contains(err.Error(), "IW 第八条(一)") {
		t.Fatalf("a secretary approved a project group: %v", err)
	}
	if _, err := f.do(RoleSupervisor, GroupApprove, "g9", ApprovalPayload{}); err == nil {
		t.Fatal("an approval without a filing number was accepted")
	}
	f.must(f.do(RoleSupervisor, GroupApprove, "g9", ApprovalPayload{FilingNo: "宣备〔2026〕12号"}))
	g := f.st.Groups["g9"]
	if g.Status != GroupActive || !g.Approved() || g.ApprovedBy != "op-supervisor" || g.Purpose != app.Purpose || g.Branch != "工程部" || !g.ProjectEnd.Equal(app.ProjectEnd) {
		t.Fatalf("group made by the approval: %+v", g)
	}
	_, err := f.do(RoleSupervisor, GroupApprove, "g9", ApprovalPayload{FilingNo: "again"})
	var te *TransitionError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "decided already") {
		t.Fatalf("approving twice: %v", err)
	}
	// A group from a chat export is filed afterwards, once.
	f.must(f.do(RoleSupervisor, GroupApprove, "g1", ApprovalPayload{FilingNo: "补备-3"}))
	if _, err := f.do(RoleSupervisor, GroupApprove, "g1", ApprovalPayload{FilingNo: "补备-4"}); err == nil || !strings.Contains(err.Error(), "approved already") {
		t.Fatalf("filing a group twice: %v", err)
	}
	// An import of the group that names no approval keeps it.
	f.must(f.do(RoleAdmin, GroupRegister, "g1", Group{ID: "g1", Name: "第一党支部党员群", Kind: KindParty, Purpose: "学习"}))
	if g := f.st.Groups["g1"]; g.FilingNo != "补备-3" || g.Purpose != "学习" {
		t.Fatalf("after an import: %+v", g)
	}
	f.must(f.do(RoleOwner, GroupApply, "g8", GroupApplication{ID: "g8", Name: "第一党支部学习群", Kind: KindParty, Purpose: "学习"}))
	if _, err := f.do(RoleSecretary, GroupRefuse, "g8", ApprovalPayload{}); err == nil {
		t.Fatal("a refusal without a reason was accepted")
	}
	f.must(f.do(RoleSecretary, GroupRefuse, "g8", ApprovalPayload{Reason: "已有支部学习群"}))
	if a := f.st.GroupApps["g8"]; a.Status != AppRefused || a.DecidedBy != "op-secretary" {
		t.Fatalf("refused: %+v", a)
	}
	if _, ok := f.st.Groups["g8"]; ok {
		t.Fatal("a refused application made a group")
	}
	name, real := "第一党支部党员学习群", true
	f.must(f.do(RoleOwner, GroupEdit, "g1", GroupChanges{Name: &name, RealName: &real}))
	if g := f.st.Groups["g1"]; g.Name != name || !g.RealName || g.FilingNo != "补备-3" {
		t.Fatalf("edited: %+v", g)
	}
	f.must(f.do(RoleOwner, GroupDissolve, "g1", nil))
	if g := f.st.Groups["g1"]; !g.Dissolved.Equal(f.now) {
		t.Fatalf("dissolved at %v, want %v", g.Dissolved, f.now)
	}
}

func TestIncidentLife(t *testing.T) {
	f := newFixture(t)
	if _, err := f.do(RoleAdmin, IncidentOpen, "i1", Incident{ID: "i1", Group: "g1", Kind: IncidentOpinion, Post: "nope", Summary: "x"}); err == nil || !strings.Contains(err.Error(), "unknown post") {
		t.Fatalf("an incident on an unknown post: %v", err)
	}
	found := f.now.Add(-30 * time.Minute)
	f.must(f.do(RoleAdmin, IncidentOpen, "i1", Incident{ID: "i1", Group: "g1", Kind: IncidentOpinion, Post: "p1", Summary: "群内出现煽动性言论", Found: found}))
	in := f.st.Incidents["i1"]
	if in.Member != "m1" || in.Status != IncOpen || !in.Found.Equal(found) || in.OpenedBy != "op-admin" {
		t.Fatalf("opened: %+v", in)
	}
	f.must(f.do(RoleAdmin, PostApprove, "p1", ReasonPayload{Checked: true}))
	retract, err := f.do(RoleAdmin, PostRetract, "p1", ReasonPayload{Reason: "内容不实，予以撤回"})
	f.must(retract, err)
	f.must(f.do(RoleAdmin, IncidentMeasure, "i1", MeasurePayload{Text: "撤回该信息", Post: "p1", Decision: retract}))
	mute, err := f.do(RoleAdmin, MemberMute, MemberKey("g1", "m1"), ReasonPayload{Until: f.now.Add(72 * time.Hour)})
	f.must(mute, err)
	f.must(f.do(RoleAdmin, IncidentMeasure, "i1", MeasurePayload{Text: "禁言发布者", Member: "m1", Decision: mute, DecisionKind: MemberMute, DecisionTime: f.now}))
	if _, err := f.do(RoleAdmin, IncidentMeasure, "i1", MeasurePayload{Text: "x", Post: "p2", Decision: mute}); err == nil {
		t.Fatal("a measure named a decision not of its post")
	}
	f.must(f.do(RoleOwner, IncidentEscalate, "i1", EscalatePayload{To: "街道党工委", Text: "已电话报告"}))
	f.must(f.do(RoleOwner, IncidentFollowUp, "i1", FollowUpPayload{Text: "已约谈当事人", Impact: "转发 3 人次", Next: "持续关注"}))
	if _, err := f.do(RoleAdmin, IncidentClose, "i1", ClosePayload{Outcome: "x"}); err == nil {
		t.Fatal("an administrator closed an incident")
	}
	f.must(f.do(RoleOwner, IncidentClose, "i1", ClosePayload{Outcome: "影响已消除"}))
	in = f.st.Incidents["i1"]
	if in.Status != IncClosed || len(in.Measures) != 2 || in.Measures[0].DecisionKind != PostRetract || in.Measures[1].DecisionKind != MemberMute ||
		in.Impact != "转发 3 人次" || in.Escalations[0].To != "街道党工委" {
		t.Fatalf("closed: %+v", in)
	}
	_, err = f.do(RoleSupervisor, IncidentEscalate, "i1", EscalatePayload{To: "区委宣传部"})
	var te *TransitionError
	if !errors.As(err, &te) || te.State != "closed" {
		t.Fatalf("escalating a closed incident: %v", err)
	}
	facts := IncidentFacts(&in)
	if len(facts) != 4 || facts[2].Kind != FactIncMeasured || facts[2].Latency != in.Measures[0].Time.Sub(found) {
		t.Fatalf("facts %+v", facts)
	}
	if f.st.Counts["incident/closed"] != 1 {
		t.Fatalf("counts %v", f.st.Counts)
	}
}

func TestAccountabilityRecord(t *testing.T) {
	f := newFixture(t)
	f.must(f.do(RoleAdmin, IncidentOpen, "i1", Incident{ID: "i1", Group: "g1", Kind: IncidentEmergency, Summary: "违法信息"}))
	rec := Accountability{ID: "q1", Group: "g1", Person: "群主张伟", Measure: AccTalk, Incident: "i1", Text: "处置不及时"}
	if _, err := f.do(RoleOwner, AccountabilityRecord, "q1", rec); err == nil {
		t.Fatal("an owner recorded accountability")
	}
	bad := rec
	bad.Measure = "fine"
	if _, err := f.do(RoleSupervisor, AccountabilityRecord, "q1", bad); err == nil {
		t.Fatal("an unknown measure was accepted")
	}
	f.must(f.do(RoleSupervisor, AccountabilityRecord, "q1", rec))
	if x := f.st.Accountabilities["q1"]; x.Clause != "IW 第十二条(三)" || x.By != "op-supervisor" {
		t.Fatalf("recorded %+v", x)
	}
	f.must(f.do(RoleSupervisor, RectificationOrder, "x1", Rectification{ID: "x1", Group: "g1", Item: "review", Finding: "f", Deadline: f.now.Add(time.Hour)}))
	late := Accountability{ID: "q2", Group: "g1", Person: "张伟", Measure: AccNotice, Rectification: "x1", Text: "逾期未整改"}
	if _, err := f.do(RoleSupervisor, AccountabilityRecord, "q2", late); err == nil || !strings.Contains(err.Error(), "not overdue") {
		t.Fatalf("accountability for a rectification in time: %v", err)
	}
	f.now = f.now.Add(2 * time.Hour)
	f.must(f.do(RoleSupervisor, AccountabilityRecord, "q2", late))
	if f.st.Counts["accountability/talk"] != 1 || f.st.Counts["accountability/notice"] != 1 {
		t.Fatalf("counts %v", f.st.Counts)
	}
}
