package model

import (
	"fmt"
	"strings"
	"time"
)

// commend records a group commended (group.commend) or a reporter rewarded (report.reward).
func (a *applier) commend() error {
	var x Commendation
	if err := a.payload(&x); err != nil {
		return err
	}
	if x.ID == "" || x.ID != a.e.Subject {
		return fmt.Errorf("%s: subject %q and id %q differ", a.e.Kind, a.e.Subject, x.ID)
	}
	refuse := func(why string) error { return a.refuse("commendation", x.ID, "new", why) }
	if _, ok, err := a.st.Commendation(x.ID); err != nil || ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("commendation %s exists already", x.ID)
	}
	if strings.TrimSpace(x.Text) == "" {
		return refuse("a commendation or a reward says what for")
	}
	x.Kind, x.Reporter = CommendGroup, ""
	if a.e.Kind == ReportReward {
		x.Kind = CommendReward
		if x.Report == "" {
			return refuse("a reward names the report that checked out")
		}
		v, ok, err := a.st.Violation(x.Report)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("reward %s: unknown report %q", x.ID, x.Report)
		}
		// A report is rewarded once it checked out (CW 六(一)2: 经查实): verified, sanctioned or
		// closed, not open or dismissed.
		switch {
		case v.Source != SourceComplaint || v.Reporter == "":
			return refuse(fmt.Sprintf("violation %s was not reported by a member", v.ID))
		case v.Status == ViolationOpen || v.Status == ViolationDismissed:
			return refuse(fmt.Sprintf("report %s has not checked out (it is %s): a reward follows a report verified", v.ID, v.Status))
		}
		x.Group, x.Reporter = v.Group, v.Reporter
	} else {
		x.Report = ""
		if _, ok, err := a.st.Group(x.Group); err != nil || !ok {
			if err != nil {
				return err
			}
			return fmt.Errorf("commendation %s: unknown group %q", x.ID, x.Group)
		}
	}
	if err := a.inScope("commendation", x.ID, x.Group); err != nil {
		return err
	}
	x.Clause, x.Time, x.By = CommendClause(x.Kind), a.e.Time, a.actor
	return a.st.PutCommendation(&x)
}

// archiveRequest records a member's request to read a group's archive.
func (a *applier) archiveRequest() error {
	var x ArchiveAccess
	if err := a.payload(&x); err != nil {
		return err
	}
	if x.ID == "" || x.ID != a.e.Subject {
		return fmt.Errorf("archive.request: subject %q and id %q differ", a.e.Subject, x.ID)
	}
	refuse := func(why string) error { return a.refuse("archive request", x.ID, "new", why) }
	if _, ok, err := a.st.ArchiveAccess(x.ID); err != nil || ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("archive request %s exists already", x.ID)
	}
	if strings.TrimSpace(x.Reason) == "" {
		return refuse("a request to read the archive gives its reason (GO 五(二)1)")
	}
	if !x.To.IsZero() && !x.From.Before(x.To) {
		return refuse("its period ends before it begins")
	}
	if ok, err := a.st.HasMember(x.Group, x.Member); err != nil || !ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("archive request %s: unknown member %q in group %q", x.ID, x.Member, x.Group)
	}
	if err := a.inScope("archive request", x.ID, x.Group); err != nil {
		return err
	}
	x.From, x.To = x.From.UTC(), x.To.UTC()
	x.Filed, x.FiledBy, x.Status = a.e.Time, a.actor, AccessRequested
	x.ApprovedBy, x.ApprovedRole, x.ApprovedAt, x.ApprovalNote = "", "", time.Time{}, ""
	x.DecidedBy, x.DecidedAt, x.Confidential, x.RefuseReason = "", time.Time{}, false, ""
	return a.st.PutArchiveAccess(nil, &x)
}

// archiveAction approves, grants or refuses a request still waiting.
func (a *applier) archiveAction() error {
	old, ok, err := a.st.ArchiveAccess(a.e.Subject)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("unknown archive request %q", a.e.Subject)
	}
	x := old
	refuse := func(why string) error { return a.refuse("archive request", x.ID, string(x.Status), why) }
	if err := a.inScope("archive request", x.ID, x.Group); err != nil {
		return err
	}
	if x.Status != AccessRequested {
		return refuse("")
	}
	switch a.e.Kind {
	case ArchiveApprove:
		var p ArchiveApprovePayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if x.Approved() {
			return refuse(fmt.Sprintf("its confidential material was approved already, by %s", x.ApprovedBy))
		}
		x.ApprovedBy, x.ApprovedRole, x.ApprovedAt, x.ApprovalNote = a.actor, a.e.Role, a.e.Time, p.Note
	case ArchiveGrant:
		var p ArchiveGrantPayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if p.Confidential && !x.Approved() {
			return refuse("confidential material is read only with the approval of the branch secretary or the supervisor recorded (GO 五(二)2): archive approve first, or grant without it")
		}
		x.Status, x.DecidedBy, x.DecidedAt, x.Confidential = AccessGranted, a.actor, a.e.Time, p.Confidential
	case ArchiveRefuse:
		var p ArchiveRefusePayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if strings.TrimSpace(p.Reason) == "" {
			return refuse("a refusal gives its reason")
		}
		x.Status, x.DecidedBy, x.DecidedAt, x.RefuseReason = AccessRefused, a.actor, a.e.Time, p.Reason
	}
	return a.st.PutArchiveAccess(&old, &x)
}
