package storage

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/keyring"
	"qunshen/model"
)

// bTrust is the trust store: the operator keys whose events this database accepts from other
// machines, and the operators made here. Key: the 32-byte public key; value: keyring.Trust
// JSON. Trust is a decision of this machine, not an event: it is not part of the projection.
//
// The rules of trust are keyring's; they are applied here, inside one transaction each, because
// a rule reads the other records (no two keys in force under one name) and the record it
// writes must be the one those reads allowed: two commands trusting at once would otherwise
// both pass. Register trusts its operator in the transaction that registers it, and an import
// of bundles checks its events against the store as its transaction sees it.
var bTrust = []byte("trust")

// trustOf reads the trust record of a key within a transaction.
func trustOf(tx *bbolt.Tx, k model.Key) (keyring.Trust, bool, error) {
	var t keyring.Trust
	if tx.Bucket(bTrust) == nil {
		return t, false, nil
	}
	raw := recordsOf(tx, bTrust).Get(k[:])
	if raw == nil {
		return t, false, nil
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return t, false, fmt.Errorf("stored trust of key %s is damaged: %w", k.Fingerprint(), err)
	}
	return t, true, nil
}

func putTrust(tx *bbolt.Tx, t keyring.Trust) error {
	raw, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return recordsOf(tx, bTrust).Put(t.Key[:], raw)
}

func allTrust(tx *bbolt.Tx) ([]keyring.Trust, error) {
	var out []keyring.Trust
	err := recordsOf(tx, bTrust).ForEach(func(k, v []byte) error {
		var t keyring.Trust
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("stored trust of key %x is damaged: %w", k, err)
		}
		out = append(out, t)
		return nil
	})
	keyring.Sort(out)
	return out, err
}

// AddTrust records a key as trusted, by the rules of keyring.Admit.
func (s *Store) AddTrust(t keyring.Trust) error {
	return s.update(func(tx *bbolt.Tx) error { return addTrust(tx, t) })
}

func addTrust(tx *bbolt.Tx, t keyring.Trust) error {
	var old *keyring.Trust
	if o, ok, err := trustOf(tx, t.Key); err != nil {
		return err
	} else if ok {
		old = &o
	}
	put, err := keyring.Admit(t, old, func() ([]keyring.Trust, error) { return allTrust(tx) })
	if err != nil || put == nil {
		return err
	}
	return putTrust(tx, *put)
}

// putLocalTrust trusts an operator made on this machine; Register calls it.
func putLocalTrust(tx *bbolt.Tx, op model.Operator) error {
	return addTrust(tx, keyring.Trust{Key: op.Key, Name: op.Name, Role: op.Role, Branch: op.Branch, Local: true})
}

// RevokeTrust revokes a trusted key, named by its operator's name, its fingerprint (with or
// without the spaces) or the key in hex (keyring.Find). The key of an operator of this machine
// may be revoked too: the returned Trust then has Local set, for the caller to warn.
func (s *Store) RevokeTrust(nameOrFingerprint string) (keyring.Trust, error) {
	var t keyring.Trust
	err := s.update(func(tx *bbolt.Tx) error {
		all, err := allTrust(tx)
		if err != nil {
			return err
		}
		i, err := keyring.Find(all, nameOrFingerprint)
		if err != nil {
			return err
		}
		t = all[i]
		if err := t.Revoke(time.Now()); err != nil {
			return err
		}
		return putTrust(tx, t)
	})
	return t, err
}

// TrustList lists the trust store, by name.
func (s *Store) TrustList() ([]keyring.Trust, error) {
	var out []keyring.Trust
	err := s.view(func(tx *bbolt.Tx) error {
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
func upgradeTrust(tx *bbolt.Tx, dbPath string, schema int) error {
	if tx.Bucket(bTrust) != nil {
		return nil
	}
	if _, err := tx.CreateBucket(bTrust); err != nil {
		return err
	}
	if tx.Bucket(bOperators) == nil {
		return nil
	}
	forEach := tx.Bucket(bOperators).ForEach // the records of a schema before their checksums
	if schema >= sealedSince {
		forEach = recordsOf(tx, bOperators).ForEach
	}
	now := time.Now().UTC()
	return forEach(func(_, v []byte) error {
		var o model.Operator
		if json.Unmarshal(v, &o) != nil {
			return nil // a damaged record is for verify to report, not a reason to refuse opening
		}
		_, err := os.Stat(keyring.KeyPath(dbPath, o.Key))
		return putTrust(tx, keyring.Trust{Key: o.Key, Name: o.Name, Role: o.Role, Branch: o.Branch, Local: err == nil, TrustedAt: now})
	})
}

// trustChecker checks events against the keys this machine trusts, each key read once.
type trustChecker struct {
	tx    *bbolt.Tx
	cache map[model.Key]trustEntry
	// d checks the origins that carry designations (designated.go)
	d *designated
}

type trustEntry struct {
	t  keyring.Trust
	ok bool
}

func (c *trustChecker) get(k model.Key) (keyring.Trust, bool, error) {
	if e, ok := c.cache[k]; ok {
		return e.t, e.ok, nil
	}
	t, ok, err := trustOf(c.tx, k)
	if err != nil {
		return t, false, err
	}
	c.cache[k] = trustEntry{t, ok}
	return t, ok, nil
}

// exporter checks the maker of a bundle: trusted by its key, or designated by an authority
// trusted here (designatedExporter).
func (c *trustChecker) exporter(k model.Key, name string) error {
	t, ok, err := c.get(k)
	if err != nil {
		return err
	}
	if !ok {
		_, err := c.designatedExporter(k, name)
		return err
	}
	return keyring.CheckExporter(t, ok, k, name)
}

// event checks a new event of a bundle: by the trust of its key (keyring.CheckEvent), and by
// the designation its origin carries, if it carries one (checkDesignated).
func (c *trustChecker) event(x *incoming) error {
	t, ok, err := c.get(x.ev.Origin)
	if err != nil {
		return err
	}
	if ok || !c.d.carries(x) {
		if err := keyring.CheckEvent(t, ok, &x.ev); err != nil {
			return x.refuse(err)
		}
	}
	if err := c.checkDesignated(x, t, ok); err != nil {
		return x.refuse(err)
	}
	return nil
}
