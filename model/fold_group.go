package model

import (
	"encoding/json"
	"fmt"
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
		// What the organisation decided about the group is kept; the import updates its details.
		g.Status, g.Deadline = old.Status, old.Deadline
		if groupEqual(&old, &g) {
			return ErrNoChange
		}
		return a.st.PutGroup(&old, &g)
	}
	g.Status = GroupActive
	return a.st.PutGroup(nil, &g)
}

func groupEqual(a, b *Group) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func (a *applier) groupDissolve() error {
	g, err := load(a, groupKind, nil, func(g *Group) bool { return g.Status != GroupDissolved })
	if err != nil {
		return err
	}
	old := g
	g.Status = GroupDissolved
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
