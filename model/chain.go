package model

import (
	"cmp"
	"slices"
	"time"
)

// The responsibility chain of a group (IW 第六条): responsibility runs from the publicity
// department through the branch secretary to the owner and administrators of each group.

// Responsible is one person of a group's responsibility chain: a designated operator, the
// authority, or the owner or an administrator as the group's record names them.
type Responsible struct {
	Name string `json:"name"`
	// Role is the operator's role (admin, secretary, depthead, owner, supervisor, authority);
	// for the group record's owner and administrators, owner or admin.
	Role Role `json:"role"`
	// Source says where the link comes from: "designation" (Serial, Key, Until name it),
	// "authority", or "group" (the group's record: Member is the platform id).
	Source string    `json:"source"`
	Serial string    `json:"serial,omitempty"`
	Key    string    `json:"key,omitempty"`
	Member string    `json:"member,omitempty"`
	Until  time.Time `json:"until,omitzero"`
}

// Chain is a group's responsibility chain: who answers for it first (the designated secretary
// of its branch, or the head of its department), who manages it directly (the owner, the
// administrators of its record and the administrators designated for it), who supervises it
// (the supervisors designated for it, and the authority).
type Chain struct {
	Group       string        `json:"group"`
	Name        string        `json:"name"`
	Branch      string        `json:"branch,omitempty"`
	First       []Responsible `json:"first"`
	Managers    []Responsible `json:"managers"`
	Supervisors []Responsible `json:"supervisors"`
}

// Source of a link of the chain.
const (
	FromDesignation = "designation"
	FromAuthority   = "authority"
	FromGroup       = "group"
)

// ResponsibilityChain is the chain of group g at time at, from the designations known (those
// in force then and covering g count) and the authorities registered; memberName gives the
// name of a member of g by platform id ("" when not on the roster).
func ResponsibilityChain(g *Group, memberName func(id string) string, ds []DesignationRecord, authorities []Operator, at time.Time) Chain {
	c := Chain{Group: g.ID, Name: g.Name, Branch: g.Branch, First: []Responsible{}, Managers: []Responsible{}, Supervisors: []Responsible{}}
	named := func(id string) string {
		if n := memberName(id); n != "" {
			return n
		}
		return id
	}
	if g.Owner != "" {
		c.Managers = append(c.Managers, Responsible{Name: named(g.Owner), Role: RoleOwner, Source: FromGroup, Member: g.Owner})
	}
	for _, id := range g.Admins {
		if id != g.Owner {
			c.Managers = append(c.Managers, Responsible{Name: named(id), Role: RoleAdmin, Source: FromGroup, Member: id})
		}
	}
	auth := map[Key]Responsible{}
	for _, o := range authorities {
		auth[o.Key] = Responsible{Name: o.Name, Role: RoleAuthority, Source: FromAuthority, Key: o.Key.String()}
	}
	var designated []Responsible
	for i := range ds {
		d := &ds[i]
		if !d.Designated(g, at) {
			continue
		}
		r := Responsible{Name: d.Name, Role: d.Role, Source: FromDesignation, Serial: d.Serial, Key: d.Key.String(), Until: d.Until}
		designated = append(designated, r)
		if _, ok := auth[d.Authority]; !ok {
			auth[d.Authority] = Responsible{Name: d.AuthorityName, Role: RoleAuthority, Source: FromAuthority, Key: d.Authority.String()}
		}
	}
	slices.SortFunc(designated, func(a, b Responsible) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Serial, b.Serial))
	})
	for _, r := range designated {
		switch {
		case Holds(r.Role, RoleSecretary):
			c.First = append(c.First, r)
		case r.Role == RoleSupervisor:
			c.Supervisors = append(c.Supervisors, r)
		default:
			c.Managers = append(c.Managers, r)
		}
	}
	as := make([]Responsible, 0, len(auth))
	for _, r := range auth {
		as = append(as, r)
	}
	slices.SortFunc(as, func(a, b Responsible) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Key, b.Key)) })
	c.Supervisors = append(c.Supervisors, as...)
	return c
}
