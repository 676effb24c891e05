package storage

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// bTrust is the trust store: the operator keys whose events this database accepts from other
// machines, and the operators made here. Key: the 32-byte public key; value: Trust JSON.
// Trust is a decision of this machine, not an event: it is not part of the projection.
var bTrust = []byte("trust")

// Trust is one key this database trusts, or trusted until it was revoked.
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

func (t Trust) describe() string {
	return fmt.Sprintf("%s (%s, fingerprint %s)", t.Name, t.Role, t.Key.Fingerprint())
}

// trustOf reads the trust record of a key within a transaction.
func trustOf(tx *bbolt.Tx, k model.Key) (Trust, bool, error) {
	var t Trust
	b := tx.Bucket(bTrust)
	if b == nil {
		return t, false, nil
	}
	raw := b.Get(k[:])
	if raw == nil {
		return t, false, nil
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return t, false, fmt.Errorf("stored trust of key %s is damaged: %w", k.Fingerprint(), err)
	}
	return t, true, nil
}

func putTrust(tx *bbolt.Tx, t Trust) error {
	raw, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return tx.Bucket(bTrust).Put(t.Key[:], raw)
}

func allTrust(tx *bbolt.Tx) ([]Trust, error) {
	var out []Trust
	err := tx.Bucket(bTrust).ForEach(func(k, v []byte) error {
		var t Trust
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("stored trust of key %x is damaged: %w", k, err)
		}
		out = append(out, t)
		return nil
	})
	slices.SortFunc(out, func(a, b Trust) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Key.String(), b.Key.String())
	})
	return out, err
}

// AddTrust records a key as trusted. A key trusted already keeps its record: its name and
// role cannot be changed (revoke it and export a new key instead); a revoked key trusted
// again with the same name and role is trusted again. Another key may not be trusted under
// the name of a key trusted and not revoked. t.RevokedAt is ignored; a zero t.TrustedAt is now.
func (s *Store) AddTrust(t Trust) error {
	return s.db.Update(func(tx *bbolt.Tx) error { return addTrust(tx, t) })
}

func addTrust(tx *bbolt.Tx, t Trust) error {
	if strings.TrimSpace(t.Name) == "" {
		return errors.New("a trusted key needs the name of its operator")
	}
	if _, ok := model.ParseRole(string(t.Role)); !ok {
		return fmt.Errorf("unknown role %q", t.Role)
	}
	if t.TrustedAt.IsZero() {
		t.TrustedAt = time.Now()
	}
	t.TrustedAt = t.TrustedAt.UTC()
	t.RevokedAt = time.Time{}
	old, ok, err := trustOf(tx, t.Key)
	if err != nil {
		return err
	}
	if ok {
		if old.Name != t.Name || old.Role != t.Role {
			return fmt.Errorf("the key %s is trusted already as %s: refusing to trust it as %s (name and role of a key do not change: revoke it, and trust a new key)",
				t.Key.Fingerprint(), old.describe(), t.describe())
		}
		if !old.Revoked() && (old.Local || !t.Local) {
			return nil // trusted already, as asked
		}
		if old.Revoked() {
			old.RevokedAt = time.Time{}
			old.TrustedAt = t.TrustedAt
		}
		old.Local = old.Local || t.Local
		return putTrust(tx, old)
	}
	all, err := allTrust(tx)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.Name == t.Name && !o.Revoked() {
			return fmt.Errorf("another key is trusted already under the name %s: %s; revoke it before trusting %s",
				t.Name, o.describe(), t.describe())
		}
	}
	return putTrust(tx, t)
}

// putLocalTrust trusts an operator made on this machine; Register calls it.
func putLocalTrust(tx *bbolt.Tx, op model.Operator) error {
	return addTrust(tx, Trust{Key: op.Key, Name: op.Name, Role: op.Role, Branch: op.Branch, Local: true})
}

// RevokeTrust revokes a trusted key, named by its operator's name, its fingerprint (with or
// without the spaces) or the key in hex. The key of an operator of this machine may be
// revoked too: the returned Trust then has Local set, for the caller to warn.
func (s *Store) RevokeTrust(nameOrFingerprint string) (Trust, error) {
	var t Trust
	err := s.db.Update(func(tx *bbolt.Tx) error {
		all, err := allTrust(tx)
		if err != nil {
			return err
		}
		i, err := findTrust(all, nameOrFingerprint)
		if err != nil {
			return err
		}
		t = all[i]
		if t.Revoked() {
			return fmt.Errorf("the key of %s was revoked already, on %s", t.describe(), t.RevokedAt.Local().Format("2006-01-02 15:04"))
		}
		t.RevokedAt = time.Now().UTC()
		return putTrust(tx, t)
	})
	return t, err
}

// findTrust finds the one record a name, fingerprint or key hex names. A name names the key
// in force under it before a revoked one.
func findTrust(all []Trust, q string) (int, error) {
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

// TrustList lists the trust store, by name.
func (s *Store) TrustList() ([]Trust, error) {
	var out []Trust
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		out, err = allTrust(tx)
		return err
	})
	return out, err
}

// upgradeTrust makes the trust store of a database made before it existed, once: every
// operator registered there is trusted, and Local when its private key is on this machine
// (before the trust store, operators were only ever made by init on a machine holding the
// database).
func upgradeTrust(tx *bbolt.Tx, dbPath string) error {
	if tx.Bucket(bTrust) != nil {
		return nil
	}
	if _, err := tx.CreateBucket(bTrust); err != nil {
		return err
	}
	ops := tx.Bucket(bOperators)
	if ops == nil {
		return nil
	}
	now := time.Now().UTC()
	return ops.ForEach(func(_, v []byte) error {
		var o model.Operator
		if json.Unmarshal(v, &o) != nil {
			return nil // a damaged record is for verify to report, not a reason to refuse opening
		}
		_, err := os.Stat(keyPath(dbPath, o.Key))
		return putTrust(tx, Trust{Key: o.Key, Name: o.Name, Role: o.Role, Branch: o.Branch, Local: err == nil, TrustedAt: now})
	})
}
