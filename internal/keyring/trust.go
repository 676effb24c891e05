package keyring

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// Trust is one key a database trusts, or trusted until it was revoked. The trust store keeps
// one a key, as JSON.
type Trust struct {
	Key       model.Key  `json:"key"`
	Name      string     `json:"name"`
	Role      model.Role `json:"role"`
	Branch    string     `json:"branch,omitempty"`
	Local     bool       `json:"local,omitempty"` // an operator made by init on this machine
	TrustedAt time.Time  `json:"trusted_at"`
	RevokedAt time.Time  `json:"revoked_at,omitzero"`
}

// Revoked reports whether the key was revoked: its events are no longer accepted.
func (t Trust) Revoked() bool { return !t.RevokedAt.IsZero() }

// Describe names the key to a person: name, role and fingerprint.
func (t Trust) Describe() string {
	return fmt.Sprintf("%s (%s, fingerprint %s)", t.Name, t.Role, t.Key.Fingerprint())
}

// who is Describe in the catalogue's words, for the messages of refusals.
func (t Trust) who() error {
	return i18n.E("keyring.trust.who", t.Name, string(t.Role), t.Key.Fingerprint())
}

// chinaTime is the zone the times of refusals are given in, as the command line gives them.
var chinaTime = time.FixedZone("UTC+8", 8*60*60)

// Admit applies the rules of trusting t: a key trusted already keeps its record, and its name
// and role cannot be changed (revoke it and export a new key instead); a revoked key trusted
// again with the same name and role is trusted again; another key may not be trusted under the
// name of a key trusted and not revoked. old is the key's record, nil when it has none; all
// reads every record, and is called only for a key without one. It returns the record to
// write, or nil when the key is trusted already as asked. t.RevokedAt is ignored; a zero
// t.TrustedAt is now.
func Admit(t Trust, old *Trust, all func() ([]Trust, error)) (*Trust, error) {
	if strings.TrimSpace(t.Name) == "" {
		return nil, i18n.E("keyring.trust.no-name")
	}
	if !model.KnownRole(t.Role) {
		return nil, i18n.E("keyring.role", string(t.Role))
	}
	if t.TrustedAt.IsZero() {
		t.TrustedAt = time.Now()
	}
	t.TrustedAt = t.TrustedAt.UTC()
	t.RevokedAt = time.Time{}
	if old != nil {
		o := *old
		if o.Name != t.Name || o.Role != t.Role {
			return nil, i18n.E("keyring.trust.as-other", t.Key.Fingerprint(), o.who(), t.who())
		}
		if !o.Revoked() && (o.Local || !t.Local) {
			return nil, nil // trusted already, as asked
		}
		if o.Revoked() {
			o.RevokedAt = time.Time{}
			o.TrustedAt = t.TrustedAt
		}
		o.Local = o.Local || t.Local
		return &o, nil
	}
	others, err := all()
	if err != nil {
		return nil, err
	}
	for _, o := range others {
		if o.Name == t.Name && !o.Revoked() {
			return nil, i18n.E("keyring.trust.name-taken", t.Name, o.who(), t.who())
		}
	}
	return &t, nil
}

// Revoke revokes t now, unless it was revoked already.
func (t *Trust) Revoke(now time.Time) error {
	if t.Revoked() {
		return i18n.E("keyring.trust.revoked-already", t.who(), t.RevokedAt.In(chinaTime).Format("2006-01-02 15:04"))
	}
	t.RevokedAt = now.UTC()
	return nil
}

// Sort orders records as a list shows them: by name, then by key.
func Sort(all []Trust) {
	slices.SortFunc(all, func(a, b Trust) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Key.String(), b.Key.String())
	})
}

// Find finds the one record a name, fingerprint (with or without the spaces) or key in hex
// names. A name names the key in force under it before a revoked one.
func Find(all []Trust, q string) (int, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return 0, i18n.E("keyring.trust.name-it")
	}
	byName := -1
	for i, t := range all {
		if t.Name == q && (byName < 0 || all[byName].Revoked()) {
			byName = i
		}
	}
	if byName >= 0 {
		return byName, nil
	}
	h := strings.ToLower(strings.Join(strings.Fields(q), ""))
	if _, err := hex.DecodeString(h); err == nil {
		for i, t := range all {
			if h == t.Key.String() || h == strings.ReplaceAll(t.Key.Fingerprint(), " ", "") {
				return i, nil
			}
		}
	}
	return 0, i18n.E("keyring.trust.none", q)
}

// CheckExporter checks the maker of a bundle, whose signature the key k verified, and whose
// manifest calls it claimed; t is the key's record here (ok false: none). A refusal names the
// key by its fingerprint and by the name this machine trusts it under, if any: the name in a
// manifest is the bundle's claim, which nothing proves, and is given as such.
func CheckExporter(t Trust, ok bool, k model.Key, claimed string) error {
	switch {
	case !ok:
		return i18n.E("keyring.exporter.untrusted", k.Fingerprint(), claimed)
	case t.Revoked():
		return i18n.E("keyring.exporter.revoked", k.Fingerprint(), t.Name, string(t.Role), t.RevokedAt.Format(time.DateOnly))
	}
	return nil
}

// CheckEvent checks an event of another machine against the record of its key, t (ok false:
// none): a trusted key, not revoked, acting in the role it is trusted with, in an action that
// role may take (each record of an import batch included); a registration must register that
// key in that role.
func CheckEvent(t Trust, ok bool, ev *model.Event) error {
	kind := string(ev.Kind)
	switch {
	case !ok:
		return i18n.E("keyring.check.untrusted", kind, ev.Subject, ev.Origin.Fingerprint(), ev.Seq)
	case t.Revoked():
		return i18n.E("keyring.check.revoked", kind, ev.Subject, ev.Seq, t.Name, t.RevokedAt.Format(time.DateOnly))
	case ev.Role != t.Role:
		return i18n.E("keyring.check.role", kind, ev.Subject, ev.Seq, string(ev.Role), t.Name, string(t.Role))
	case !model.Allowed(ev.Role, ev.Kind):
		return i18n.E("keyring.check.permission", kind, ev.Subject, ev.Seq, t.Name, &model.PermissionError{Role: ev.Role, Kind: ev.Kind})
	}
	switch ev.Kind {
	case model.ImportBatch:
		items, err := model.DecodeBatch(ev.Payload)
		if err != nil {
			return i18n.E("keyring.check.batch", ev.Seq, t.Name, err)
		}
		for i := range items {
			k := items[i].Kind
			if !slices.Contains(model.ImportKinds, k) || !model.Allowed(ev.Role, k) {
				return i18n.E("keyring.check.record", ev.Seq, t.Name, i+1, &model.PermissionError{Role: ev.Role, Kind: k})
			}
		}
	case model.OperatorRegister:
		var o model.Operator
		if err := json.Unmarshal(ev.Payload, &o); err != nil || o.Key != ev.Origin || o.Role != t.Role {
			return i18n.E("keyring.check.register", ev.Origin.Fingerprint(), t.Name, string(t.Role))
		}
	}
	return nil
}

// CheckDesignated checks an event of origin name, a key this machine does not trust itself,
// by the designation d it carries (attached in the same bundle, earlier in its chain, or known
// here; nil: none), whose authority's record here is at (ok false: none): a designation of
// this key, by an authority trusted here and not revoked, in the role the event claims, for an
// action that role may take (each record of an import batch included), at a time the
// designation holds and before a revocation known here. The registration and the attaching of
// the designation are the operator's own, made before it may begin. The scope of the
// event's entity is the caller's to check (it reads the state).
func CheckDesignated(d *model.DesignationRecord, at Trust, ok bool, name string, ev *model.Event) error {
	fail := func(cause error) error { return i18n.E("keyring.event.refused", EventName(ev, name), cause) }
	switch {
	case d == nil:
		return fail(i18n.E("keyring.designated.none"))
	case d.Key != ev.Origin:
		return fail(i18n.E("keyring.designated.other-key", d.Serial, d.Name, d.Key.Fingerprint(), ev.Origin.Fingerprint()))
	case !ok || at.Role != model.RoleAuthority:
		return fail(i18n.E("keyring.designated.untrusted", d.Serial, d.AuthorityName, d.Authority.Fingerprint()))
	case at.Revoked():
		return fail(i18n.E("keyring.designated.authority-revoked", d.Serial, at.Name, at.RevokedAt.Format(time.DateOnly)))
	case ev.Role != d.Role:
		return fail(i18n.E("keyring.designated.role", string(ev.Role), d.Serial, string(d.Role)))
	case !model.Allowed(ev.Role, ev.Kind):
		return fail(&model.PermissionError{Role: ev.Role, Kind: ev.Kind})
	}
	switch ev.Kind {
	case model.OperatorRegister:
		var o model.Operator
		if err := json.Unmarshal(ev.Payload, &o); err != nil || o.Key != ev.Origin || o.Name != d.Name || o.Role != d.Role {
			return fail(i18n.E("keyring.designated.register", d.Serial, d.Name, string(d.Role)))
		}
		return nil
	case model.OperatorDesignate:
		return nil
	case model.ImportBatch:
		items, err := model.DecodeBatch(ev.Payload)
		if err != nil {
			return fail(err)
		}
		for i := range items {
			k := items[i].Kind
			if !slices.Contains(model.ImportKinds, k) || !model.Allowed(ev.Role, k) {
				return fail(i18n.E("keyring.event.record", i+1, &model.PermissionError{Role: ev.Role, Kind: k}))
			}
		}
	}
	if err := d.HoldsFor(ev); err != nil {
		return fail(err)
	}
	return nil
}

// EventName names an event of a bundle to a person: its action, subject, origin (the name its
// registration gives, and the fingerprint) and sequence.
func EventName(ev *model.Event, name string) error {
	kind := string(ev.Kind)
	if i18n.Has("kind." + kind) {
		return i18n.E("keyring.event", i18n.E("kind."+kind), kind, ev.Subject, name, ev.Origin.Fingerprint(), ev.Seq)
	}
	return i18n.E("keyring.event", kind, kind, ev.Subject, name, ev.Origin.Fingerprint(), ev.Seq)
}
