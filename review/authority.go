package review

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// The authority's work and the designated operator's: designating (on the committee's
// machine, as the authority), attaching a designation (on the operator's machine, as the
// operator), revoking (as the authority), and the reads of designations and of a group's
// responsibility chain. The fold checks every one of them again inside its transaction.

// DesignateOptions say what a designation gives.
type DesignateOptions struct {
	Scope model.Scope
	From  time.Time // zero: now
	Until time.Time // zero: without end (not included)
}

// Designate makes, signs and records (authority.designate) a designation of op, whose key
// file the authority was given, in op's role. The service's operator must be the authority.
func (s *Service) Designate(op model.Operator, o DesignateOptions) (model.Designation, error) {
	auth := s.Signer.Operator
	if auth.Role != model.RoleAuthority {
		return model.Designation{}, i18n.E("review.authority.not", auth.Name)
	}
	now := s.Now()
	if o.From.IsZero() {
		o.From = now
	}
	if !o.Until.IsZero() && !o.Until.After(now) {
		return model.Designation{}, i18n.E("review.designate.past", i18n.Day(o.Until.Add(-time.Nanosecond)))
	}
	serial := make([]byte, 8)
	if _, err := rand.Read(serial); err != nil {
		return model.Designation{}, err
	}
	d := model.Designation{Serial: hex.EncodeToString(serial), AuthorityName: auth.Name, Key: op.Key, Name: op.Name, Role: op.Role,
		Scope: o.Scope, From: o.From, Until: o.Until, Issued: now}
	d.Normalize()
	d.Sign(s.Signer.Priv)
	if err := d.Check(); err != nil {
		return model.Designation{}, err
	}
	dr, err := designationDraft(model.AuthorityDesignate, &d)
	if err != nil {
		return model.Designation{}, err
	}
	if _, err := s.appendAll(dr); err != nil {
		return model.Designation{}, err
	}
	return d, nil
}

func designationDraft(kind model.Kind, d *model.Designation) (model.Draft, error) {
	raw, err := json.Marshal(d)
	return model.Draft{Kind: kind, Subject: d.Serial, Payload: raw}, err
}

// Accept attaches the designation to the service's operator, whom it must name (key, name and
// role), at a time it holds or before it begins, and not revoked as far as this machine knows.
func (s *Service) Accept(d model.Designation) (model.Hash, error) {
	op := s.Signer.Operator
	switch {
	case d.Key != op.Key:
		return model.Hash{}, i18n.E("review.accept.key", d.Serial, d.Name, d.Key.Fingerprint(), op.Name, op.Key.Fingerprint())
	case d.Role != op.Role:
		return model.Hash{}, i18n.E("review.accept.role", d.Serial, i18n.E("role."+string(d.Role)), op.Name, i18n.E("role."+string(op.Role)))
	case d.Name != op.Name:
		return model.Hash{}, i18n.E("review.accept.name", d.Serial, d.Name, op.Name)
	}
	rec := model.DesignationRecord{Designation: d}
	if known, ok, err := s.designation(d.Serial); err != nil {
		return model.Hash{}, err
	} else if ok {
		rec.Revoked = known.Revoked
	}
	if err := rec.InForce(s.Now()); err != nil {
		if de := err.(*model.DesignationError); de.Why != model.DesignationNotYet {
			return model.Hash{}, err
		}
	}
	dr, err := designationDraft(model.OperatorDesignate, &d)
	if err != nil {
		return model.Hash{}, err
	}
	ids, err := s.Store.Append(s.Signer, dr)
	if err != nil || len(ids) == 0 {
		return model.Hash{}, err // none: attached already
	}
	return ids[0], nil
}

// Revoke revokes the designation that query names: its serial (or the start of it, when only
// one begins so), or the name of the operator whose designation by this authority is in
// force (when only one is). It returns the designation revoked.
func (s *Service) Revoke(query, reason string) (model.DesignationRecord, error) {
	auth := s.Signer.Operator
	if auth.Role != model.RoleAuthority {
		return model.DesignationRecord{}, i18n.E("review.authority.not", auth.Name)
	}
	ds, err := s.Store.Designations()
	if err != nil {
		return model.DesignationRecord{}, err
	}
	query = strings.TrimSpace(query)
	var found []model.DesignationRecord
	for _, d := range ds {
		if d.Authority == auth.Key && query != "" && (d.Serial == query || strings.HasPrefix(d.Serial, query) && len(query) >= 4) {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		now := s.Now()
		for _, d := range ds {
			if d.Authority == auth.Key && d.Name == query && d.Revoked.IsZero() && (d.Until.IsZero() || d.Until.After(now)) {
				found = append(found, d)
			}
		}
	}
	switch len(found) {
	case 0:
		return model.DesignationRecord{}, i18n.E("review.revoke.none", query)
	case 1:
	default:
		serials := make([]string, len(found))
		for i, d := range found {
			serials[i] = d.Serial
		}
		return model.DesignationRecord{}, i18n.E("review.revoke.several", query, strings.Join(serials, ", "))
	}
	d := found[0]
	if !d.Revoked.IsZero() {
		return d, i18n.E("review.revoke.already", d.Serial, d.Name, i18n.Time(d.Revoked))
	}
	dr, err := draft(model.AuthorityRevoke, d.Serial, model.Revocation{Serial: d.Serial, Key: d.Key, Name: d.Name, Reason: reason})
	if err != nil {
		return d, err
	}
	if _, err := s.appendAll(dr); err != nil {
		return d, err
	}
	d.Revoked, d.RevokeReason = s.Now(), reason
	return d, nil
}

// Designations lists the designations known here, by serial.
func (s *Service) Designations() ([]model.DesignationRecord, error) { return s.Store.Designations() }

func (s *Service) designation(serial string) (model.DesignationRecord, bool, error) {
	ds, err := s.Store.Designations()
	if err != nil {
		return model.DesignationRecord{}, false, err
	}
	i := slices.IndexFunc(ds, func(d model.DesignationRecord) bool { return d.Serial == serial })
	if i < 0 {
		return model.DesignationRecord{}, false, nil
	}
	return ds[i], true, nil
}

// Designation is the designation in force of the service's operator, as the state records it
// (ok false: the operator has none and acts on every group).
func (s *Service) Designation() (model.DesignationRecord, bool, error) {
	ops, err := s.Store.Operators()
	if err != nil {
		return model.DesignationRecord{}, false, err
	}
	for _, o := range ops {
		if o.Key == s.Signer.Operator.Key && o.Designation != "" {
			return s.designation(o.Designation)
		}
	}
	return model.DesignationRecord{}, false, nil
}

// Chains are the responsibility chains of every group, now, by group id.
func (s *Service) Chains() (map[string]model.Chain, error) {
	gs, err := s.Store.Groups()
	if err != nil {
		return nil, err
	}
	in, err := s.chainInputs()
	if err != nil {
		return nil, err
	}
	out := make(map[string]model.Chain, len(gs))
	for i := range gs {
		out[gs[i].ID] = in.chain(&gs[i], s.Now())
	}
	return out, nil
}

// chainInputs are what the chains are made of: the members' names by group, the
// designations, the authorities.
type chainInputs struct {
	names map[string]map[string]string
	ds    []model.DesignationRecord
	auths []model.Operator
}

func (s *Service) chainInputs() (*chainInputs, error) {
	ms, err := s.Store.Members()
	if err != nil {
		return nil, err
	}
	in := &chainInputs{names: map[string]map[string]string{}}
	for _, m := range ms {
		if in.names[m.Group] == nil {
			in.names[m.Group] = map[string]string{}
		}
		in.names[m.Group][m.ID] = m.Name
	}
	if in.ds, err = s.Store.Designations(); err != nil {
		return nil, err
	}
	ops, err := s.Store.Operators()
	if err != nil {
		return nil, err
	}
	for _, o := range ops {
		if o.Role == model.RoleAuthority {
			in.auths = append(in.auths, o)
		}
	}
	return in, nil
}

func (in *chainInputs) chain(g *model.Group, now time.Time) model.Chain {
	names := in.names[g.ID]
	return model.ResponsibilityChain(g, func(id string) string { return names[id] }, in.ds, in.auths, now)
}

// Chain is the responsibility chain of a group (IW 第六条), now.
func (s *Service) Chain(group string) (model.Chain, error) {
	g, ok, err := s.Group(group)
	if err != nil {
		return model.Chain{}, err
	}
	if !ok {
		return model.Chain{}, i18n.E("review.unknown-group", group)
	}
	in, err := s.chainInputs()
	if err != nil {
		return model.Chain{}, err
	}
	return in.chain(&g, s.Now()), nil
}
