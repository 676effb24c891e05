package ui_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"qunshen/internal/i18n"
	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// On the screen: the supervisor commends a group (K) and rewards a reporter (W in the
// Violations pane); a member's request to read the archive is recorded and its confidential
// material approved (R), then the owner grants it with that material; the Groups pane shows
// them, and the group's shared files with a suggested name and the photo to back up.
func TestAssessOnTheScreen(t *testing.T) {
	h, f := reportHarness(t, 240, 70, i18n.EN)
	svc := supervisorService(h, f)
	// A published post of g2 with two files.
	q := filepath.Join(t.TempDir(), "files.jsonl")
	os.WriteFile(q, []byte(`{"type":"post","id":"f1","group":"g2","author":"m3","time":"2026-06-26T09:00:00+08:00","title":"值班安排","body":"见附件。","attachments":["通知.pdf","IMG_1.jpg"]}`+"\n"), 0o600)
	if _, err := h.st.Import(f.Admin, []string{q}, storage.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := (&review.Service{Store: h.st, Signer: f.Admin}).Decide("f1", model.PostApprove, ""); err != nil {
		t.Fatal(err)
	}
	h.openAs(f.Supervisor, i18n.EN)

	h.keys("5")
	h.goTo(prefix(h.groupName("g2")))
	if s := h.plain(); !strings.Contains(s, "press F to read the group's shared files") {
		t.Errorf("the files are not offered:\n%s", s)
	}
	h.keys("F")
	if s := h.plain(); strings.Contains(s, "loading") {
		t.Errorf("the files are read, and the screen still says it is loading:\n%s", s)
	}
	h.keys("K")
	h.typeText("信息发布规范")
	h.keys("enter")
	cs, err := svc.Commendations()
	if err != nil || len(cs) != 1 || cs[0].Group != "g2" || cs[0].Text != "信息发布规范" {
		t.Fatalf("after K: %+v %v\n%s", cs, err, h.plain())
	}
	s := h.plain()
	for _, w := range []string{"Commendations and rewards", "group commended", "信息发布规范", "Shared files (ST 六)",
		"2 files, 1 named without topic, date and author, 1 images and videos to back up", "suggested name: 值班安排_20260626_办公室.pdf", "back up"} {
		if !strings.Contains(s, w) {
			t.Errorf("the detail does not say %q:\n%s", w, s)
		}
	}

	// A request recorded and its confidential material approved, by the supervisor.
	h.keys("R", "enter")   // no request waiting: the first choice records one
	h.keys("down", "down") // last month
	h.typeText("m3 撰写年度总结")
	h.keys("enter")
	xs, _ := svc.ArchiveAccesses()
	if len(xs) != 1 || xs[0].Member != "m3" || xs[0].Reason != "撰写年度总结" || xs[0].Status != model.AccessRequested || xs[0].Period != "2026-06" {
		t.Fatalf("after R: %+v\n%s", xs, h.plain())
	}
	h.keys("R", "enter", "enter") // the request, then the supervisor's one action: approve
	if xs, _ = svc.ArchiveAccesses(); !xs[0].Approved() || xs[0].ApprovedBy != f.Supervisor.Operator.Name {
		t.Fatalf("after the approval: %+v\n%s", xs[0], h.plain())
	}
	if s := h.plain(); !strings.Contains(s, "confidential material approved by "+f.Supervisor.Operator.Name) {
		t.Errorf("the detail does not show the approval:\n%s", s)
	}

	// The owner grants it with the confidential material.
	owner, err := keyring.NewSigner("赵群主", model.RoleOwner, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.Register(owner); err != nil {
		t.Fatal(err)
	}
	h.openAs(owner, i18n.EN)
	h.keys("5")
	h.goTo(prefix(h.groupName("g2")))
	h.keys("R", "enter", "down", "enter") // the request; grant, with the confidential material
	if xs, _ = svc.ArchiveAccesses(); xs[0].Status != model.AccessGranted || !xs[0].Confidential || xs[0].DecidedBy != "赵群主" {
		t.Fatalf("after the grant: %+v\n%s", xs[0], h.plain())
	}

	// The Reports pane ends with the assessment, a row a group in the order of the ranking.
	h.openAs(f.Supervisor, i18n.EN)
	h.keys("4", "G")
	if s := h.plain(); !strings.Contains(s, "Assessment and ranking of groups") || !regexp.MustCompile(`Group\s+Id\s+Rank\s+Score\s+Posts`).MatchString(s) ||
		!regexp.MustCompile(`第三党支部党员群\s+g1\s+1\s+100\.0\s+1\s`).MatchString(s) {
		t.Errorf("the Reports pane's last tables:\n%s", s)
	}

	// The supervisor rewards the reporter of r1, which checked out.
	h.openAs(f.Supervisor, i18n.EN)
	h.keys("3")
	h.keys("g", "j", "j") // r1, reported on 06-05 and sanctioned
	h.keys("W")
	h.typeText("举报属实")
	h.keys("enter")
	if cs, _ = svc.Commendations(); len(cs) != 2 || cs[1].Kind != model.CommendReward || cs[1].Report != "r1" || cs[1].Reporter != "m1" {
		t.Fatalf("after W: %+v\n%s", cs, h.plain())
	}
}
