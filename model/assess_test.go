package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Commendations, rewards and requests to read the archive belong to a group: acted on only
// within the operator's scope; the fold refuses what the service refuses too.
func TestAssessInTheFold(t *testing.T) {
	f := newScopeFixture(t)
	f.designate(f.designation(RoleSecretary, "sec", Scope{Branch: "第三党支部"}, f.now, time.Time{}))
	f.designate(f.designation(RoleSupervisor, "sup", Scope{Branch: "东湖街道"}, f.now, time.Time{}))
	scoped := func(what, entity string, err error) {
		t.Helper()
		var se *ScopeError
		if !errors.As(err, &se) || se.Entity != entity {
			t.Errorf("%s outside the scope: %v", what, err)
		}
	}
	refused := func(what, want string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", what, err, want)
		}
	}

	// Commendations: the supervisor's, within the scope.
	f.must(f.do(RoleSupervisor, GroupCommend, "k9", Commendation{ID: "k9", Group: "g9", Text: "管理规范"}))
	_, err := f.do(RoleSupervisor, GroupCommend, "k3", Commendation{ID: "k3", Group: "g3", Text: "管理规范"})
	scoped("commending g3", "commendation", err)
	_, err = f.do(RoleSupervisor, GroupCommend, "k8", Commendation{ID: "k8", Group: "g9"})
	refused("a commendation without text", "says what for", err)
	_, err = f.do(RoleSupervisor, GroupCommend, "k9", Commendation{ID: "k9", Group: "g9", Text: "again"})
	refused("the same id again", "exists already", err)
	if _, err := f.do(RoleAdmin, GroupCommend, "k7", Commendation{ID: "k7", Group: "g9", Text: "x"}); !errors.As(err, new(*PermissionError)) {
		t.Errorf("an administrator commends: %v", err)
	}
	if c := f.st.Commendations["k9"]; c.Kind != CommendGroup || c.Clause != "CW 六(三)1" || c.By == "" || c.Time.IsZero() {
		t.Errorf("the commendation: %+v", c)
	}

	// Rewards: of a member's report that checked out.
	f.must(f.do(RoleAdmin, ComplaintFile, "r9", Violation{ID: "r9", Group: "g9", Member: "m1", Reporter: "m2", Source: SourceComplaint, Time: f.now, Text: "发广告"}))
	_, err = f.do(RoleSupervisor, ReportReward, "w9", Commendation{ID: "w9", Report: "r9", Text: "属实"})
	refused("a reward of an open report", "has not checked out (it is open)", err)
	f.must(f.do(RoleAdmin, ViolationVerify, "r9", ReasonPayload{}))
	f.must(f.do(RoleSupervisor, ReportReward, "w9", Commendation{ID: "w9", Report: "r9", Group: "g3", Text: "属实"}))
	if w := f.st.Commendations["w9"]; w.Kind != CommendReward || w.Group != "g9" || w.Reporter != "m2" || w.Clause != "CW 六(一)2" {
		t.Errorf("the reward (its group is the report's): %+v", w)
	}

	// Requests to read the archive.
	_, err = f.do(RoleAdmin, ArchiveRequest, "a1", ArchiveAccess{ID: "a1", Group: "g3", Member: "m1"})
	refused("a request without its reason", "gives its reason", err)
	_, err = f.do(RoleAdmin, ArchiveRequest, "a1", ArchiveAccess{ID: "a1", Group: "g3", Member: "m7", Reason: "x"})
	refused("a request of a stranger", `unknown member "m7"`, err)
	f.must(f.do(RoleAdmin, ArchiveRequest, "a1", ArchiveAccess{ID: "a1", Group: "g3", Member: "m1", Reason: "撰写总结", Status: AccessGranted, Confidential: true}))
	if x := f.st.ArchiveAccesses["a1"]; x.Status != AccessRequested || x.Confidential || x.FiledBy == "" {
		t.Errorf("a request is recorded waiting, whatever its payload says: %+v", x)
	}
	_, err = f.do(RoleOwner, ArchiveGrant, "a1", ArchiveGrantPayload{Confidential: true})
	refused("a confidential grant before approval", "approval of the branch secretary or the supervisor recorded", err)
	_, err = f.do(RoleSupervisor, ArchiveApprove, "a1", ArchiveApprovePayload{})
	scoped("approval of g3's request by 东湖街道's supervisor", "archive request", err)
	f.must(f.do(RoleSecretary, ArchiveApprove, "a1", ArchiveApprovePayload{Note: "仅限工作"}))
	_, err = f.do(RoleSecretary, ArchiveApprove, "a1", ArchiveApprovePayload{})
	refused("a second approval", "approved already", err)
	f.must(f.do(RoleOwner, ArchiveGrant, "a1", ArchiveGrantPayload{Confidential: true}))
	_, err = f.do(RoleOwner, ArchiveRefuse, "a1", ArchiveRefusePayload{Reason: "x"})
	refused("refusing a granted request", "archive request a1 is granted", err)
	x := f.st.ArchiveAccesses["a1"]
	if x.Status != AccessGranted || !x.Confidential || x.ApprovedRole != RoleSecretary || x.ApprovalNote != "仅限工作" {
		t.Errorf("the grant: %+v", x)
	}
	f.must(f.do(RoleAdmin, ArchiveRequest, "a2", ArchiveAccess{ID: "a2", Group: "g9", Member: "m1", Reason: "核对"}))
	_, err = f.do(RoleOwner, ArchiveRefuse, "a2", ArchiveRefusePayload{})
	refused("a refusal without reason", "gives its reason", err)
	f.must(f.do(RoleOwner, ArchiveRefuse, "a2", ArchiveRefusePayload{Reason: "非工作需要"}))
	if n := f.st.Counts["access/granted"]; n != 1 {
		t.Errorf("counted granted: %d", n)
	}
}
