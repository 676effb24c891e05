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
	return a.st.PutGroup(&old, &g)
}
