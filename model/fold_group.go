package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

func (a *applier) groupRegister() error {
	var g Group
	if err := entity(a, &g); err != nil {
		return err
	}
	if g.ID == "" || g.ID != a.e.Subject {
		return fmt.Errorf("group.register: subject %q and group id %q differ", a.e.Subject, g.ID)
	}
	old, ok, err := a.st.Group(g.ID)
	if err != nil {
		return err
	}
	if ok {
		if err := a.groupInScope(&old, &g); err != nil {
			return err
		}
		// What the organisation decided about the group is kept; the import updates its details.
		// An approval and filing recorded here stays when the import names none.
		g.Status, g.Deadline, g.Dissolved = old.Status, old.Deadline, old.Dissolved
		if g.ApprovedBy == "" && g.FilingNo == "" && g.ApprovedAt.IsZero() {
			g.ApprovedBy, g.ApprovedAt, g.FilingNo = old.ApprovedBy, old.ApprovedAt, old.FilingNo
		}
		if groupEqual(&old, &g) {
			return ErrNoChange
		}
		return a.st.PutGroup(&old, &g)
	}
	if err := a.groupInScope(nil, &g); err != nil {
		return err
	}
	g.Status, g.Deadline, g.Dissolved = GroupActive, time.Time{}, time.Time{}
	return a.st.PutGroup(nil, &g)
}

func groupEqual(a, b *Group) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func (a *applier) groupDissolve() error {
	g, err := load(a, groupKind, nil, nil)
	if err != nil {
		return err
	}
	if err := a.inScope("group", g.ID, g.ID); err != nil {
		return err
	}
	if g.Status == GroupDissolved {
		return a.refuse("group", g.ID, string(g.Status), "")
	}
	old := g
	g.Status, g.Dissolved = GroupDissolved, a.e.Time
	// The dissolution carries out the order that asked for it (IW 第十二条, 第十条(四)): an open
	// order to dissolve the group is closed with it.
	rs, err := a.st.GroupRectifications(g.ID)
	if err != nil {
		return err
	}
	for i := range rs {
		if r := rs[i]; r.Dissolve && r.Status == RectOpen {
			n := r
			n.Status, n.Closed = RectClosed, a.e.Time
			if err := a.st.PutRectification(&r, &n); err != nil {
				return err
			}
		}
	}
	return a.st.PutGroup(&old, &g)
}

// groupEdit changes the record of a group (IW 第八条(三): a name that says its function; the
// owner, administrators, purpose, nickname rule, real-name management, project end).
func (a *applier) groupEdit() error {
	var c GroupChanges
	g, err := load(a, groupKind, &c, nil)
	if err != nil {
		return err
	}
	old := g
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&g.Name, c.Name)
	set(&g.Platform, c.Platform)
	set(&g.Purpose, c.Purpose)
	set(&g.Owner, c.Owner)
	set(&g.Branch, c.Branch)
	set(&g.NicknameRule, c.NicknameRule)
	if c.Kind != nil {
		if !slices.Contains(GroupKinds, *c.Kind) {
			return fmt.Errorf("group %s: unknown kind %q", g.ID, *c.Kind)
		}
		g.Kind = *c.Kind
	}
	if c.Admins != nil {
		g.Admins = slices.Clone(*c.Admins)
		if len(g.Admins) == 0 {
			g.Admins = nil
		}
	}
	if c.RealName != nil {
		g.RealName = *c.RealName
	}
	if c.ProjectEnd != nil {
		g.ProjectEnd = c.ProjectEnd.UTC()
	}
	if strings.TrimSpace(g.Name) == "" {
		return a.refuse("group", g.ID, string(g.Status), "a group keeps a name")
	}
	// The group is in the editor's scope as it was and as it becomes: a branch moved out of
	// the scope is as out of it as one never in it.
	if err := a.groupInScope(&old, &g); err != nil {
		return err
	}
	if groupEqual(&old, &g) {
		return ErrNoChange
	}
	return a.st.PutGroup(&old, &g)
}
