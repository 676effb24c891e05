package storage

import (
	"encoding/json"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

var bTrust = []byte("trust")

// Trust is a key this machine accepts events from.
type Trust struct {
	Key       model.Key  `json:"key"`
	Name      string     `json:"name"`
	Role      model.Role `json:"role"`
	Branch    string     `json:"branch,omitempty"`
	Local     bool       `json:"local,omitempty"`
	TrustedAt time.Time  `json:"trusted_at"`
	RevokedAt time.Time  `json:"revoked_at,omitzero"`
}

func (t Trust) Revoked() bool { return !t.RevokedAt.IsZero() }

func putTrust(tx *bbolt.Tx, t Trust) error {
	raw, err := json.Marshal(t)
	if err != nil {
		return err
	}
	b, err := tx.CreateBucketIfNotExists(bTrust)
	if err != nil {
		return err
	}
	return b.Put(t.Key[:], raw)
}

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
	return t, true, json.Unmarshal(raw, &t)
}

func (s *Store) AddTrust(t Trust) error {
	return s.db.Update(func(tx *bbolt.Tx) error { return putTrust(tx, t) })
}
