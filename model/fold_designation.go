package model

import (
	"fmt"
	"slices"
	"time"
)

// The designations of the authority: made (authority.designate), attached by the operator
// (operator.designate), revoked (authority.revoke). The fold checks each document's
// signature; whether its authority is trusted is each machine's own decision, made when a
// bundle comes in (storage), as for the keys of operators.

// designation reads the designation an event carries: whole, signed, under its serial.
func (a *applier) designation() (Designation, error) {
	var d Designation
	if err := a.payload(&d); err != nil {
		return d, err
	}
	if err := d.Check(); err != nil {
		return d, fmt.Errorf("%s %s: %w", a.e.Kind, a.e.Subject, err)
	}
	if d.Serial != a.e.Subject {
		return d, fmt.Errorf("%s: subject %q and serial %q differ", a.e.Kind, a.e.Subject, d.Serial)
	}
	d.Normalize()
	return d, nil
}

// knownDesignation is the record of d's serial, made of d when it has none; a record of
// another document under the serial is refused.
func (a *applier) knownDesignation(d *Designation) (rec DesignationRecord, old *DesignationRecord, err error) {
	o, ok, err := a.st.Designation(d.Serial)
	if err != nil {
		return rec, nil, err
	}
	if !ok {
		return DesignationRecord{Designation: *d}, nil, nil
	}
	if !o.Same(d) {
		return rec, nil, fmt.Errorf("designation %s is known already, as another document", d.Serial)
	}
	return o, &o, nil
}

// operatorDesignate attaches a designation to the operator who signs the event: it must name
// the operator's key, name and role, and hold (or begin later). From then on the operator acts
// in its scope and period.
func (a *applier) operatorDesignate() error {
	d, err := a.designation()
	if err != nil {
		return err
	}
	op, _, err := a.st.Operator(a.e.Origin)
	if err != nil {
		return err
	}
	switch {
	case d.Key != a.e.Origin:
		return fmt.Errorf("designation %s names the key %s, not the key of %s (%s)", d.Serial, d.Key.Fingerprint(), op.Name, a.e.Origin.Fingerprint())
	case d.Role != op.Role:
		return fmt.Errorf("designation %s is of a %s, but %s is a %s", d.Serial, d.Role, op.Name, op.Role)
	case d.Name != op.Name:
		return fmt.Errorf("designation %s names %s, but the key is of %s", d.Serial, d.Name, op.Name)
	}
	rec, old, err := a.knownDesignation(&d)
	if err != nil {
		return err
	}
	if err := rec.InForce(a.e.Time); err != nil && err.(*DesignationError).Why != DesignationNotYet {
		return err
	}
	if op.Designation == d.Serial && !rec.Accepted.IsZero() {
		return ErrNoChange
	}
	if rec.Accepted.IsZero() {
		rec.Accepted = a.e.Time
		if err := a.st.PutDesignation(old, &rec); err != nil {
			return err
		}
	}
	n := op
	n.Designation = d.Serial
	return a.st.PutOperator(&n)
}

// authorityDesignate records a designation that the authority signing the event made.
func (a *applier) authorityDesignate() error {
	d, err := a.designation()
	if err != nil {
		return err
	}
	if d.Authority != a.e.Origin {
		return fmt.Errorf("designation %s is signed by the authority %s, not by the one that records it (%s)", d.Serial, d.Authority.Fingerprint(), a.e.Origin.Fingerprint())
	}
	rec, old, err := a.knownDesignation(&d)
	if err != nil {
		return err
	}
	if !rec.Recorded.IsZero() {
		return ErrNoChange
	}
	rec.Recorded = a.e.Time
	return a.st.PutDesignation(old, &rec)
}

// authorityRevoke revokes a designation from the time of the event: what its operator signs
// after is refused, what it signed before stays.
func (a *applier) authorityRevoke() error {
	var r Revocation
	if err := a.payload(&r); err != nil {
		return err
	}
	if r.Serial != a.e.Subject {
		return fmt.Errorf("authority.revoke: subject %q and serial %q differ", a.e.Subject, r.Serial)
	}
	old, ok, err := a.st.Designation(r.Serial)
	if err != nil {
		return err
	}
	switch {
	case !ok:
		return fmt.Errorf("unknown designation %q", r.Serial)
	case old.Authority != a.e.Origin:
		return a.refuse("designation", r.Serial, designationState(&old), "only the authority that made it revokes it")
	case old.Key != r.Key:
		return fmt.Errorf("designation %s is of the key %s, not of %s", r.Serial, old.Key.Fingerprint(), r.Key.Fingerprint())
	case !old.Revoked.IsZero():
		return a.refuse("designation", r.Serial, designationState(&old), "")
	}
	n := old
	n.Revoked, n.RevokeReason = a.e.Time, r.Reason
	return a.st.PutDesignation(&old, &n)
}

// designationState names where a designation stands, as a refusal names a state.
func designationState(d *DesignationRecord) string {
	if !d.Revoked.IsZero() {
		return "revoked"
	}
	return "in-force"
}

// inScope refuses the action on an entity (entity, id) of group unless the scope of the
// operator's designation covers the group. An operator without designation acts on every
// group; the group is read (the state keeps groups at hand) only for one with.
func (a *applier) inScope(entity, id, group string) error {
	s := a.scope
	if s == nil || s.Scope.All || slices.Contains(s.Scope.Groups, group) {
		return nil
	}
	g, ok, err := a.st.Group(group)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s %s: unknown group %q", entity, id, group)
	}
	if s.Scope.Covers(&g) {
		return nil
	}
	return a.outOfScope(entity, id, group, g.Branch)
}

// groupInScope refuses a group's registration unless the scope covers the group as it is
// stored (old, nil for a new one) and as it is registered.
func (a *applier) groupInScope(old, g *Group) error {
	if a.scope == nil {
		return nil
	}
	for _, x := range []*Group{old, g} {
		if x != nil && !a.scope.Scope.Covers(x) {
			return a.outOfScope("group", g.ID, x.ID, x.Branch)
		}
	}
	return nil
}

// branchInScope refuses an action on a whole branch or department (an inspection finding
// against it) unless the scope covers all of it.
func (a *applier) branchInScope(entity, id, branch string) error {
	if a.scope == nil || a.scope.Scope.CoversBranch(branch) {
		return nil
	}
	return a.outOfScope(entity, id, "", branch)
}

func (a *applier) outOfScope(entity, id, group, branch string) error {
	return &ScopeError{Operator: a.actor, Role: a.e.Role, Serial: a.scope.Serial, Scope: a.scope.Scope, Kind: a.e.Kind,
		Entity: entity, ID: id, Group: group, Branch: branch}
}

// Designated reports whether the designation holds at t and covers group g: what a person
// looking for who answers for a group (the responsibility chain) needs.
func (r *DesignationRecord) Designated(g *Group, t time.Time) bool {
	return r.InForce(t) == nil && r.Scope.Covers(g)
}
