package model

import (
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The authority (the party committee, 党委, or its publicity department) designates the
// operators: an administrator "由公司/组织党委指定专人担任" (PM 二(三)1), the secretary of a branch
// (PM 三(三)2), the head of a department (ST 三(四)2), a supervisor. A designation is a document
// the authority signs with its own key: it names the operator's key, name and role, the scope
// (a branch or department, a list of groups, or every group), and the period it holds. The
// operator attaches it (operator.designate, whose payload is the document whole), so that it
// travels in the operator's bundles; the authority records that it made it (authority.designate)
// and revokes it (authority.revoke), in its own chain.

// Designation is the authority's signed word that an operator's key holds a role for a scope,
// from From until Until (not included; zero: without end).
type Designation struct {
	Serial        string    `json:"serial"`
	Authority     Key       `json:"authority"`
	AuthorityName string    `json:"authority_name"`
	Key           Key       `json:"key"`
	Name          string    `json:"name"`
	Role          Role      `json:"role"`
	Scope         Scope     `json:"scope"`
	From          time.Time `json:"from"`
	Until         time.Time `json:"until,omitzero"`
	Issued        time.Time `json:"issued"`
	Signature     Signature `json:"signature"`
}

// Scope is what a designation covers: every group (All), or the groups of a branch or
// department, and the groups listed by id.
type Scope struct {
	All    bool     `json:"all,omitempty"`
	Branch string   `json:"branch,omitempty"`
	Groups []string `json:"groups,omitempty"`
}

// Signature is an ed25519 signature, written as 128 hex digits.
type Signature [ed25519.SignatureSize]byte

func (s Signature) MarshalText() ([]byte, error)  { return []byte(hex.EncodeToString(s[:])), nil }
func (s *Signature) UnmarshalText(b []byte) error { return decodeHex(s[:], b) }

// designationDomain separates the signed bytes of a designation from every other message the
// keys sign (checkpoints, bundles).
const designationDomain = "qunshen designation v1\x00"

// Limits of a designation's text.
const (
	maxDesignationText   = 1 << 10 // a serial, a name, a branch, a group id
	maxDesignationGroups = 1 << 10
)

// Message is what the authority signs: the domain, then every field but the signature in a
// fixed binary form (str is a uvarint length and the bytes; times are nanoseconds since 1970
// as uint64, 0 for a designation without end):
//
//	domain str(serial) authority(32) str(authority name) key(32) str(name) str(role)
//	all(1 byte: 0 or 1) str(branch) uvarint(n) n × str(group) from until issued
func (d *Designation) Message() []byte {
	m := make([]byte, 0, 256)
	m = append(m, designationDomain...)
	m = AppendStr(m, d.Serial)
	m = append(m, d.Authority[:]...)
	m = AppendStr(m, d.AuthorityName)
	m = append(m, d.Key[:]...)
	m = AppendStr(m, d.Name)
	m = AppendStr(m, string(d.Role))
	all := byte(0)
	if d.Scope.All {
		all = 1
	}
	m = append(m, all)
	m = AppendStr(m, d.Scope.Branch)
	m = binary.AppendUvarint(m, uint64(len(d.Scope.Groups)))
	for _, g := range d.Scope.Groups {
		m = AppendStr(m, g)
	}
	for _, t := range []time.Time{d.From, d.Until, d.Issued} {
		ns := uint64(0)
		if !t.IsZero() {
			ns = uint64(t.UnixNano())
		}
		m = binary.BigEndian.AppendUint64(m, ns)
	}
	return m
}

// Sign signs the designation with the authority's private key, whose public half it names.
func (d *Designation) Sign(priv ed25519.PrivateKey) {
	d.Authority = KeyOf(priv)
	copy(d.Signature[:], ed25519.Sign(priv, d.Message()))
}

// Normalize puts the designation in the one form that is signed and stored: its times in UTC,
// its groups sorted, each once.
func (d *Designation) Normalize() {
	for _, t := range []*time.Time{&d.From, &d.Until, &d.Issued} {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	if len(d.Scope.Groups) == 0 {
		d.Scope.Groups = nil
		return
	}
	slices.Sort(d.Scope.Groups)
	d.Scope.Groups = slices.Compact(d.Scope.Groups)
}

// ErrDesignation is what every fault of a designation's document is (errors.Is).
var ErrDesignation = errors.New("bad designation")

// DesignationFault is a fault of a designation's document: Why says which, in the words of
// the model (the catalogue has the common ones).
type DesignationFault struct{ Why string }

func (e *DesignationFault) Error() string        { return "bad designation: " + e.Why }
func (e *DesignationFault) Is(target error) bool { return target == ErrDesignation }

// WhyBadSignature is the fault of a designation altered, or signed by a key other than the
// authority's it names.
const WhyBadSignature = "the signature is not the authority's: altered, or signed by another key"

// Check reports whether the designation is whole and signed by the authority it names: its
// texts plain, its role an operator's, its scope something (every group only for a
// supervisor), its period a period, and the signature good.
func (d *Designation) Check() error {
	bad := func(format string, args ...any) error {
		return &DesignationFault{Why: fmt.Sprintf(format, args...)}
	}
	for _, f := range []struct {
		name, v  string
		required bool
	}{{"serial", d.Serial, true}, {"authority's name", d.AuthorityName, true}, {"name", d.Name, true}, {"branch", d.Scope.Branch, false}} {
		if err := plainText(f.v, f.required); err != nil {
			return bad("the %s %s", f.name, err)
		}
	}
	if _, ok := ParseRole(string(d.Role)); !ok {
		return bad("unknown role %q", d.Role)
	}
	if len(d.Scope.Groups) > maxDesignationGroups {
		return bad("%d groups, at most %d", len(d.Scope.Groups), maxDesignationGroups)
	}
	for i, g := range d.Scope.Groups {
		if err := plainText(g, true); err != nil {
			return bad("group %d %s", i+1, err)
		}
		if i > 0 && d.Scope.Groups[i-1] >= g {
			return bad("the groups are not sorted, each once")
		}
	}
	switch {
	case d.Scope.All && (d.Scope.Branch != "" || len(d.Scope.Groups) > 0):
		return bad("a scope of every group names no branch and no group")
	case d.Scope.All && d.Role != RoleSupervisor:
		return bad("only a supervisor is designated for every group, not a %s", d.Role)
	case !d.Scope.All && d.Scope.Branch == "" && len(d.Scope.Groups) == 0:
		return bad("the scope is empty: a branch or department, groups, or every group")
	case d.From.IsZero() || d.Issued.IsZero():
		return bad("no start or no date of issue")
	case !d.Until.IsZero() && !d.Until.After(d.From):
		return bad("it ends (%s) before it begins (%s)", d.Until.Format(time.RFC3339), d.From.Format(time.RFC3339))
	case d.Key == d.Authority:
		return bad("the authority designates its own key")
	}
	for _, t := range []time.Time{d.From, d.Until, d.Issued} {
		if !t.IsZero() && (t.Year() < 1971 || t.Year() > 9999) {
			return bad("a date out of range (%s)", t.Format(time.RFC3339))
		}
	}
	if !ed25519.Verify(ed25519.PublicKey(d.Authority[:]), d.Message(), d.Signature[:]) {
		return bad(WhyBadSignature)
	}
	return nil
}

// plainText refuses a text that is not plain: empty when required, too long, not UTF-8, or with
// control characters (a designation's texts are shown on terminals).
func plainText(s string, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return errors.New("is empty")
	case len(s) > maxDesignationText:
		return fmt.Errorf("is too long (%d bytes, at most %d)", len(s), maxDesignationText)
	case !utf8.ValidString(s):
		return errors.New("is not UTF-8")
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0:
		return fmt.Errorf("%q has control characters", s)
	}
	return nil
}

// Same reports whether two designations are one document.
func (d *Designation) Same(o *Designation) bool {
	return d.Signature == o.Signature && string(d.Message()) == string(o.Message())
}

// Covers reports whether the scope covers group g: every group, a group listed, or a group of
// the branch or department.
func (s *Scope) Covers(g *Group) bool {
	return s.All || slices.Contains(s.Groups, g.ID) || s.Branch != "" && g.Branch == s.Branch
}

// CoversBranch reports whether the scope covers the whole of a branch or department (an
// inspection finding against it).
func (s *Scope) CoversBranch(branch string) bool {
	return s.All || s.Branch != "" && s.Branch == branch
}

// String names the scope for a person, in English: "every group", "the groups of 第三党支部",
// "the groups of 第三党支部 and the groups g1, g2", "the groups g1, g2".
func (s Scope) String() string {
	switch {
	case s.All:
		return "every group"
	case len(s.Groups) == 0:
		return "the groups of " + s.Branch
	case s.Branch == "":
		return "the groups " + strings.Join(s.Groups, ", ")
	}
	return "the groups of " + s.Branch + " and the groups " + strings.Join(s.Groups, ", ")
}

// Revocation is the payload of authority.revoke: the authority withdraws the designation of
// that serial, from the time of the event on. Events the operator signed before it stay.
type Revocation struct {
	Serial string `json:"serial"`
	Key    Key    `json:"key"`  // the operator's, as the designation names it
	Name   string `json:"name"` // the operator's name, for the person reading
	Reason string `json:"reason,omitempty"`
}

// DesignationRecord is a designation as this state knows it: the document, when the operator
// attached it, when the authority revoked it.
type DesignationRecord struct {
	Designation
	// Recorded is when the authority recorded making it (authority.designate), Accepted when
	// the operator attached it (operator.designate); either may be unknown here.
	Recorded time.Time `json:"recorded,omitzero"`
	Accepted time.Time `json:"accepted,omitzero"`
	Revoked  time.Time `json:"revoked,omitzero"`
	// RevokeReason is the authority's reason, as its revocation gave it.
	RevokeReason string `json:"revoke_reason,omitempty"`
}

// InForce checks that the designation holds at t: begun, not ended, not revoked before.
func (r *DesignationRecord) InForce(t time.Time) error {
	switch {
	case t.Before(r.From):
		return &DesignationError{Serial: r.Serial, Name: r.Name, Why: DesignationNotYet, When: r.From}
	case !r.Until.IsZero() && !t.Before(r.Until):
		return &DesignationError{Serial: r.Serial, Name: r.Name, Why: DesignationExpired, When: r.Until}
	case !r.Revoked.IsZero() && !t.Before(r.Revoked):
		return &DesignationError{Serial: r.Serial, Name: r.Name, Why: DesignationRevoked, When: r.Revoked}
	}
	return nil
}

// HoldsFor checks that the designation holds at the time of event e, and names the event in
// the refusal.
func (r *DesignationRecord) HoldsFor(e *Event) error {
	err := r.InForce(e.Time)
	if de, ok := err.(*DesignationError); ok {
		de.Kind, de.Subject, de.At = e.Kind, e.Subject, e.Time
	}
	return err
}

// Why a designation does not hold.
const (
	DesignationNotYet  = "not-yet"
	DesignationExpired = "expired"
	DesignationRevoked = "revoked"
)

// DesignationError is an event of a designated operator at a time its designation does not
// hold. The fold fills in the event (Kind, Subject, At).
type DesignationError struct {
	Serial  string
	Name    string // the operator's
	Why     string // DesignationNotYet, DesignationExpired, DesignationRevoked
	When    time.Time
	Kind    Kind
	Subject string
	At      time.Time
}

func (e *DesignationError) Error() string {
	what := map[string]string{DesignationNotYet: "begins on", DesignationExpired: "ended on", DesignationRevoked: "was revoked on"}[e.Why]
	s := fmt.Sprintf("the designation %s of %s %s %s", e.Serial, e.Name, what, e.When.Format(time.RFC3339))
	if e.Kind != "" {
		s += fmt.Sprintf(": the action %s %s of %s is outside it", e.Kind, e.Subject, e.At.Format(time.RFC3339))
	}
	return s
}

// ScopeError is an action on an entity of a group (or on a branch) outside the scope of the
// operator's designation.
type ScopeError struct {
	Operator string
	Role     Role
	Serial   string
	Scope    Scope
	Kind     Kind
	Entity   string // post, member, violation, application, rectification, group
	ID       string
	Group    string // the entity's group; empty for an inspection of a branch
	Branch   string // the group's branch or department, or the branch inspected
}

func (e *ScopeError) Error() string {
	where := "group " + e.Group
	if e.Group == "" {
		where = "branch " + e.Branch
	} else if e.Branch != "" {
		where += " (" + e.Branch + ")"
	}
	if e.Entity == "group" && e.ID == e.Group {
		return fmt.Sprintf("%s (%s, designation %s) may act only on %s: the action %s on %s is outside that scope",
			e.Operator, e.Role, e.Serial, e.Scope, e.Kind, where)
	}
	return fmt.Sprintf("%s (%s, designation %s) may act only on %s: the action %s on %s %s is of %s, outside that scope",
		e.Operator, e.Role, e.Serial, e.Scope, e.Kind, e.Entity, e.ID, where)
}
