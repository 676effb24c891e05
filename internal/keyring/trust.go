package keyring

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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

// Admit applies the rules of trusting t: a key trusted already keeps its record, and its name
// and role cannot be changed (revoke it and export a new key instead); a revoked key trusted
// again with the same name and role is trusted again; another key may not be trusted under the
// name of a key trusted and not revoked. old is the key's record, nil when it has none; all
// reads every record, and is called only for a key without one. It returns the record to
// write, or nil when the key is trusted already as asked. t.RevokedAt is ignored; a zero
// t.TrustedAt is now.
func Admit(t Trust, old *Trust, all func() ([]Trust, error)) (*Trust, error) {
	if strings.TrimSpace(t.Name) == "" {
		return nil, errors.New("a trusted key needs the name of its operator")
	}
	if _, ok := model.ParseRole(string(t.Role)); !ok {
		return nil, fmt.Errorf("unknown role %q", t.Role)
	}
	if t.TrustedAt.IsZero() {
		t.TrustedAt = time.Now()
	}
	t.TrustedAt = t.TrustedAt.UTC()
	t.RevokedAt = time.Time{}
	if old != nil {
		o := *old
		if o.Name != t.Name || o.Role != t.Role {
			return nil, fmt.Errorf("the key %s is trusted already as %s: refusing to trust it as %s (name and role of a key do not change: revoke it, and trust a new key)",
				t.Key.Fingerprint(), o.Describe(), t.Describe())
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
			return nil, fmt.Errorf("another key is trusted already under the name %s: %s; revoke it before trusting %s",
				t.Name, o.Describe(), t.Describe())
		}
	}
	return &t, nil
}

// Revoke revokes t now, unless it was revoked already.
func (t *Trust) Revoke(now time.Time) error {
	if t.Revoked() {
		return fmt.Errorf("the key of %s was revoked already, on %s", t.Describe(), t.RevokedAt.Local().Format("2006-01-02 15:04"))
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
		return 0, errors.New("name the key to revoke: an operator name, a fingerprint or a key in hex")
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
	return 0, fmt.Errorf("no trusted key has the name, fingerprint or key %q (see qunshen trust --list)", q)
}

// CheckExporter checks the maker of a bundle, whose signature the key k verified, and whose
// manifest calls it claimed; t is the key's record here (ok false: none). A refusal names the
// key by its fingerprint and by the name this machine trusts it under, if any: the name in a
// manifest is the bundle's claim, which nothing proves, and is given as such.
func CheckExporter(t Trust, ok bool, k model.Key, claimed string) error {
	switch {
	case !ok:
		return fmt.Errorf("signed by the key %s, which this machine does not trust (the bundle calls its maker %q, a claim its key does not prove): compare the fingerprint with its owner's and run qunshen trust on their key file first", k.Fingerprint(), claimed)
	case t.Revoked():
		return fmt.Errorf("signed by the key %s, trusted here as %s (%s) until it was revoked on %s", k.Fingerprint(), t.Name, t.Role, t.RevokedAt.Format(time.DateOnly))
	}
	return nil
}

// CheckEvent checks an event of another machine against the record of its key, t (ok false:
// none): a trusted key, not revoked, acting in the role it is trusted with, in an action that
// role may take (each record of an import batch included); a registration must register that
// key in that role.
func CheckEvent(t Trust, ok bool, ev *model.Event) error {
	switch {
	case !ok:
		return fmt.Errorf("event %s %s (origin %s, sequence %d) is signed by a key this machine does not trust", ev.Kind, ev.Subject, ev.Origin.Fingerprint(), ev.Seq)
	case t.Revoked():
		return fmt.Errorf("event %s %s (sequence %d) is signed by the key of %s, revoked here on %s", ev.Kind, ev.Subject, ev.Seq, t.Name, t.RevokedAt.Format(time.DateOnly))
	case ev.Role != t.Role:
		return fmt.Errorf("event %s %s (sequence %d) claims the role %s, but the key of %s is trusted as %s", ev.Kind, ev.Subject, ev.Seq, ev.Role, t.Name, t.Role)
	case !model.Allowed(ev.Role, ev.Kind):
		return fmt.Errorf("event %s %s (sequence %d) by %s: %v", ev.Kind, ev.Subject, ev.Seq, t.Name, &model.PermissionError{Role: ev.Role, Kind: ev.Kind})
	}
	switch ev.Kind {
	case model.ImportBatch:
		items, err := model.DecodeBatch(ev.Payload)
		if err != nil {
			return fmt.Errorf("import batch (sequence %d) by %s: %v", ev.Seq, t.Name, err)
		}
		for i := range items {
			k := items[i].Kind
			if !slices.Contains(model.ImportKinds, k) || !model.Allowed(ev.Role, k) {
				return fmt.Errorf("import batch (sequence %d) by %s, record %d: %v", ev.Seq, t.Name, i+1, &model.PermissionError{Role: ev.Role, Kind: k})
			}
		}
	case model.OperatorRegister:
		var o model.Operator
		if err := json.Unmarshal(ev.Payload, &o); err != nil || o.Key != ev.Origin || o.Role != t.Role {
			return fmt.Errorf("the registration of key %s does not match its trust here (%s, %s)", ev.Origin.Fingerprint(), t.Name, t.Role)
		}
	}
	return nil
}
