package storage

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"qunshen/model"
)

// KeyDir is the folder of the private keys of a database's operators: beside the database,
// named after it (qunshen.db → qunshen.keys), created 0700, each key file 0600.
func KeyDir(dbPath string) string {
	return strings.TrimSuffix(dbPath, filepath.Ext(dbPath)) + ".keys"
}

const keyFileHeader = "qunshen operator key v1"

// NewSigner makes a new key for an operator.
func NewSigner(name string, role model.Role, branch string) (*model.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return &model.Signer{Operator: model.Operator{Key: model.KeyOf(priv), Name: name, Role: role, Branch: branch}, Priv: priv}, nil
}

func keyPath(dbPath string, k model.Key) string {
	return filepath.Join(KeyDir(dbPath), k.String()+".key")
}

// SaveKey writes the signer's private key to the database's key folder.
func SaveKey(dbPath string, s *model.Signer) error {
	if err := os.MkdirAll(KeyDir(dbPath), 0o700); err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nname: %s\nrole: %s\nseed: %s\n", keyFileHeader, s.Operator.Name, s.Operator.Role, hex.EncodeToString(s.Priv.Seed()))
	return writeAtomic(keyPath(dbPath, s.Operator.Key), func(f *os.File) error {
		_, err := f.Write(b.Bytes())
		return err
	})
}

// LoadSigner finds the operator by name (empty: the default operator) and reads its key.
func (s *Store) LoadSigner(name string) (*model.Signer, error) {
	op, err := s.Operator(name)
	if err != nil {
		return nil, err
	}
	path := keyPath(s.path, op.Key)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("the private key of %s is not on this machine (%s)", op.Name, path)
	}
	if err != nil {
		return nil, err
	}
	var seed []byte
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for i := 0; sc.Scan(); i++ {
		line := sc.Text()
		if i == 0 && line != keyFileHeader {
			return nil, fmt.Errorf("%s: not a qunshen key file", path)
		}
		if v, ok := strings.CutPrefix(line, "seed: "); ok {
			seed, err = hex.DecodeString(v)
			if err != nil || len(seed) != ed25519.SeedSize {
				return nil, fmt.Errorf("%s: damaged seed", path)
			}
		}
	}
	if seed == nil {
		return nil, fmt.Errorf("%s: no seed", path)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	if model.KeyOf(priv) != op.Key {
		return nil, fmt.Errorf("%s: the key does not belong to %s", path, op.Name)
	}
	return &model.Signer{Operator: op, Priv: priv}, nil
}
