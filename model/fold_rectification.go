package model

import (
	"fmt"
	"time"
)

func (a *applier) rectificationOrder() error {
	var r Rectification
	if err := a.payload(&r); err != nil {
		return err
	}
	if r.ID == "" || r.ID != a.e.Subject || (r.Group == "" && r.Branch == "") || r.Item == "" {
		return fmt.Errorf("rectification %q: needs an id, a group or branch, and an inspection item", r.ID)
	}
	if _, ok, err := a.st.Rectification(r.ID); err != nil || ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("rectification %s exists already", r.ID)
	}
	if err := a.rectificationInScope(&r); err != nil {
		return err
	}
	r.Status, r.Opened, r.Closed = RectOpen, a.e.Time, time.Time{}
	if r.Group != "" {
		g, ok, err := a.st.Group(r.Group)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("rectification %s: unknown group %q", r.ID, r.Group)
		}
		if g.Status == GroupDissolved {
			return a.refuse("group", g.ID, string(g.Status), "")
		}
		old := g
		g.Status, g.Deadline = GroupRectifying, r.Deadline
		if err := a.st.PutGroup(&old, &g); err != nil {
			return err
		}
	}
	return a.st.PutRectification(nil, &r)
}

func (a *applier) rectificationClose() error {
	r, err := load(a, rectificationKind, nil, nil)
	if err != nil {
		return err
	}
	if err := a.rectificationInScope(&r); err != nil {
		return err
	}
	if r.Status != RectOpen {
		return a.refuse("rectification", r.ID, string(r.Status), "")
	}
	old := r
	r.Status, r.Closed = RectClosed, a.e.Time
	if r.Group != "" {
		g, ok, err := a.st.Group(r.Group)
		if err != nil {
			return err
		}
		if ok && g.Status == GroupRectifying {
			og := g
			g.Status, g.Deadline = GroupActive, time.Time{}
			if err := a.st.PutGroup(&og, &g); err != nil {
				return err
			}
		}
	}
	return a.st.PutRectification(&old, &r)
}

// rectificationInScope checks an inspection finding against the operator's scope: its group,
// or the whole of its branch.
func (a *applier) rectificationInScope(r *Rectification) error {
	if r.Group != "" {
		return a.inScope("rectification", r.ID, r.Group)
	}
	return a.branchInScope("rectification", r.ID, r.Branch)
}
