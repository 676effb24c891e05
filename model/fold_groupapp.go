package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// groupApply folds an application to create a group (IW 第四条, GO 二(一)1).
func (a *applier) groupApply() error {
	var ga GroupApplication
	if err := a.payload(&ga); err != nil {
		return err
	}
	if ga.ID == "" || ga.ID != a.e.Subject {
		return fmt.Errorf("group.apply: subject %q and id %q differ", a.e.Subject, ga.ID)
	}
	if !slices.Contains(GroupKinds, ga.Kind) {
		return fmt.Errorf("group application %s: unknown kind %q", ga.ID, ga.Kind)
	}
	if strings.TrimSpace(ga.Name) == "" || strings.TrimSpace(ga.Purpose) == "" {
		return a.refuse("group application", ga.ID, "new", "an application names the group and says its purpose (GO 二(一)1)")
	}
	if _, ok, err := a.st.GroupApplication(ga.ID); err != nil || ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("group application %s exists already", ga.ID)
	}
	if _, ok, err := a.st.Group(ga.ID); err != nil || ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("group %s exists already", ga.ID)
	}
	// The group applied for belongs to the applicant's scope: its branch or department, or
	// its id among the scope's groups.
	if err := a.groupInScope(nil, ga.group()); err != nil {
		return err
	}
	ga.Applicant, ga.Filed, ga.Status = a.actor, a.e.Time, AppPending
	ga.DecidedBy, ga.DecidedAt, ga.FilingNo, ga.Reason = "", time.Time{}, "", ""
	ga.ProjectEnd = ga.ProjectEnd.UTC()
	return a.st.PutGroupApplication(nil, &ga)
}

// group is the group an application asks for, as the scope sees it: its id and branch.
func (ga *GroupApplication) group() *Group { return &Group{ID: ga.ID, Branch: ga.Branch} }

// Approved reports whether the group's creation was approved and filed (IW 第四条).
func (g *Group) Approved() bool { return g.ApprovedBy != "" && g.FilingNo != "" }

// groupDecide approves or refuses an application to create a group; an approval makes the
// group. A group that exists without approval (one taken from a chat export) is approved and
// filed afterwards by the same action on its id.
func (a *applier) groupDecide() error {
	var p ApprovalPayload
	if err := a.payload(&p); err != nil {
		return err
	}
	id := a.e.Subject
	ga, hasApp, err := a.st.GroupApplication(id)
	if err != nil {
		return err
	}
	g, hasGroup, err := a.st.Group(id)
	if err != nil {
		return err
	}
	approve := a.e.Kind == GroupApprove
	switch {
	case hasApp && ga.Status != AppPending:
		return a.refuse("group application", ga.ID, string(ga.Status), "it was decided already, by "+ga.DecidedBy)
	case hasApp:
		kind := ga.Kind
		if hasGroup {
			kind = g.Kind
			if err := a.inScope("group", g.ID, g.ID); err != nil {
				return err
			}
		}
		if err := a.groupInScope(nil, ga.group()); err != nil {
			return err
		}
		if err := a.approver("group application", ga.ID, string(ga.Status), kind); err != nil {
			return err
		}
		old := ga
		ga.DecidedBy, ga.DecidedAt = a.actor, a.e.Time
		if !approve {
			if strings.TrimSpace(p.Reason) == "" {
				return a.refuse("group application", ga.ID, string(ga.Status), "a refusal says why")
			}
			ga.Status, ga.Reason = AppRefused, p.Reason
			return a.st.PutGroupApplication(&old, &ga)
		}
		if strings.TrimSpace(p.FilingNo) == "" {
			return a.refuse("group application", ga.ID, string(ga.Status), "an approval gives the filing number (IW 第四条)")
		}
		ga.Status, ga.FilingNo, ga.Reason = AppApproved, p.FilingNo, p.Reason
		if err := a.st.PutGroupApplication(&old, &ga); err != nil {
			return err
		}
		if !hasGroup {
			n := Group{ID: ga.ID, Name: ga.Name, Kind: ga.Kind, Platform: ga.Platform, Owner: ga.Owner, Branch: ga.Branch, Purpose: ga.Purpose,
				NicknameRule: ga.NicknameRule, ProjectEnd: ga.ProjectEnd, ApprovedBy: a.actor, ApprovedAt: a.e.Time, FilingNo: p.FilingNo, Status: GroupActive}
			return a.st.PutGroup(nil, &n)
		}
		// The group came in from the chat side meanwhile: it takes the application's record
		// where its own says nothing.
		og := g
		fill := func(dst *string, v string) {
			if *dst == "" {
				*dst = v
			}
		}
		fill(&g.Purpose, ga.Purpose)
		fill(&g.Owner, ga.Owner)
		fill(&g.Branch, ga.Branch)
		fill(&g.Platform, ga.Platform)
		fill(&g.NicknameRule, ga.NicknameRule)
		if g.ProjectEnd.IsZero() {
			g.ProjectEnd = ga.ProjectEnd
		}
		g.ApprovedBy, g.ApprovedAt, g.FilingNo = a.actor, a.e.Time, p.FilingNo
		return a.st.PutGroup(&og, &g)
	case hasGroup:
		if !approve {
			return a.refuse("group", g.ID, string(g.Status), "a group that exists is not refused: an inspection orders its rectification or dissolution")
		}
		if err := a.inScope("group", g.ID, g.ID); err != nil {
			return err
		}
		if g.FilingNo != "" {
			return a.refuse("group", g.ID, "approved", fmt.Sprintf("it was approved already, by %s, filing number %s", g.ApprovedBy, g.FilingNo))
		}
		if err := a.approver("group", g.ID, string(g.Status), g.Kind); err != nil {
			return err
		}
		if strings.TrimSpace(p.FilingNo) == "" {
			return a.refuse("group", g.ID, string(g.Status), "an approval gives the filing number (IW 第四条)")
		}
		og := g
		g.ApprovedBy, g.ApprovedAt, g.FilingNo = a.actor, a.e.Time, p.FilingNo
		return a.st.PutGroup(&og, &g)
	}
	return fmt.Errorf("unknown group or group application %q", id)
}

// approver refuses a branch secretary the approval of any group but a party group: those
// are the publicity department's (IW 第八条(一)).
func (a *applier) approver(entity, id, state string, kind GroupKind) error {
	if Holds(a.e.Role, RoleSecretary) && kind != KindParty {
		return a.refuse(entity, id, state, "the branch secretary approves party groups; any other group is approved by the supervisor (IW 第八条(一))")
	}
	return nil
}
