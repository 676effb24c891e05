package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"qunshen/internal/keyring"
	"qunshen/model"

	"go.etcd.io/bbolt"
)

// Register records a new operator (signed by its own key), trusts its key as a Local one and,
// when it is the first, makes it the default operator of this database.
func (s *Store) Register(signer *model.Signer) error {
	payload, err := json.Marshal(signer.Operator)
	if err != nil {
		return err
	}
	return s.update(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		if existing, err := findOperator(tx, signer.Operator.Name); err == nil && existing.Key != signer.Operator.Key {
			return fmt.Errorf("an operator named %q exists already", signer.Operator.Name)
		}
		a := newAppender(st, signer, s.now)
		if err := a.add(&model.Draft{Kind: model.OperatorRegister, Subject: signer.Operator.Key.String(), Payload: payload}); err != nil {
			return err
		}
		if err := putLocalTrust(tx, signer.Operator); err != nil {
			return err
		}
		// The authority is no operator of the workbench: it never becomes the default one.
		if signer.Operator.Role != model.RoleAuthority && st.b[string(bMeta)].Get(kDefaultO) == nil {
			if err := st.b[string(bMeta)].Put(kDefaultO, []byte(signer.Operator.Name)); err != nil {
				return err
			}
		}
		return a.finish()
	})
}

// ErrNoOperator means the operator asked for is not registered here.
var ErrNoOperator = errors.New("no such operator")

func findOperator(tx *bbolt.Tx, name string) (model.Operator, error) {
	var found model.Operator
	err := recordsOf(tx, bOperators).ForEach(func(_, v []byte) error {
		var o model.Operator
		if err := json.Unmarshal(v, &o); err != nil {
			return err
		}
		if o.Name == name {
			found = o
			return errStop
		}
		return nil
	})
	if errors.Is(err, errStop) {
		return found, nil
	}
	if err != nil {
		return found, err
	}
	return found, fmt.Errorf("%w %q", ErrNoOperator, name)
}

// Operator finds a registered operator by name; an empty name is the default operator.
func (s *Store) Operator(name string) (model.Operator, error) {
	var o model.Operator
	err := s.view(func(tx *bbolt.Tx) error {
		if name == "" {
			name = string(tx.Bucket(bMeta).Get(kDefaultO))
			if name == "" {
				return fmt.Errorf("%w: this database has no operator yet (run qunshen init)", ErrNoOperator)
			}
		}
		var err error
		o, err = findOperator(tx, name)
		return err
	})
	return o, err
}

// Operators lists the registered operators.
func (s *Store) Operators() ([]model.Operator, error) {
	var ops []model.Operator
	err := s.view(func(tx *bbolt.Tx) error {
		return recordsOf(tx, bOperators).ForEach(func(_, v []byte) error {
			var o model.Operator
			if err := json.Unmarshal(v, &o); err != nil {
				return err
			}
			ops = append(ops, o)
			return nil
		})
	})
	return ops, err
}

// LoadSigner finds the operator by name (empty: the default operator) and reads its private
// key from the key folder beside the database (keyring.Load).
func (s *Store) LoadSigner(name string, passphrase func() ([]byte, error)) (*model.Signer, error) {
	op, err := s.Operator(name)
	if err != nil {
		return nil, err
	}
	return keyring.Load(s.path, op, passphrase)
}
