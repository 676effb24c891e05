// Package keyring keeps the keys of qunshen: the private keys of a machine's operators in files
// beside the database (plain, or sealed under a passphrase), the public key files that carry an
// operator's key to another machine, and the rules of trust: which key may be trusted under
// which name and role, and which events a trusted key may sign. The trust store itself is a
// bucket of the database (package storage), whose transactions apply these rules.
package keyring

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"qunshen/internal/atomicfile"
	"qunshen/internal/i18n"
	"qunshen/model"
)

// KeyDir is the folder of the private keys of a database's operators: beside the database,
// named after it (qunshen.db → qunshen.keys), created 0700, each key file 0600.
func KeyDir(dbPath string) string {
	return strings.TrimSuffix(dbPath, filepath.Ext(dbPath)) + ".keys"
}

// The two formats of a private key file. Version 1 holds the seed in hex; version 2 holds it
// sealed under a passphrase. Both are read; version 1 is still written when there is no
// passphrase.
const (
	keyFileHeader          = "qunshen operator key v1"
	keyFileHeaderEncrypted = "qunshen operator key v2 encrypted"
	keyKDF                 = "pbkdf2-sha256"
)

// KDFIterations is the PBKDF2-SHA256 iteration count written into a new encrypted key file.
// A file is read with the count it names, so tests may lower this to stay fast.
var KDFIterations = 600_000

// maxKDFIterations bounds the count read from a file, so that a damaged file cannot make
// loading a key run for hours.
const maxKDFIterations = 100_000_000

// ErrWrongPassphrase is returned by Load when the passphrase does not open the key.
var ErrWrongPassphrase = errors.New("wrong passphrase")

// NewSigner makes a new key for an operator.
func NewSigner(name string, role model.Role, branch string) (*model.Signer, error) {
	if err := checkKeyText("name", name, true); err != nil {
		return nil, err
	}
	if err := checkKeyText("branch", branch, false); err != nil {
		return nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return &model.Signer{Operator: model.Operator{Key: model.KeyOf(priv), Name: name, Role: role, Branch: branch}, Priv: priv}, nil
}

// KeyPath is the file of an operator's private key in the key folder of the database at dbPath.
func KeyPath(dbPath string, k model.Key) string {
	return filepath.Join(KeyDir(dbPath), k.String()+".key")
}

// SaveKey writes the signer's private key to the database's key folder. With no passphrase
// (nil or empty) the seed is written in the clear (format v1); with one, it is sealed with
// AES-256-GCM under a key derived from the passphrase by PBKDF2-SHA256 (format v2).
func SaveKey(dbPath string, s *model.Signer, passphrase []byte) error {
	if strings.ContainsAny(s.Operator.Name, "\r\n") {
		return i18n.E("keyring.signer.line-break", s.Operator.Name)
	}
	if err := os.MkdirAll(KeyDir(dbPath), 0o700); err != nil {
		return err
	}
	var b bytes.Buffer
	if len(passphrase) == 0 {
		fmt.Fprintf(&b, "%s\nname: %s\nrole: %s\nseed: %s\n", keyFileHeader, s.Operator.Name, s.Operator.Role, hex.EncodeToString(s.Priv.Seed()))
	} else {
		salt := make([]byte, 16)
		if _, err := rand.Read(salt); err != nil {
			return err
		}
		iter := KDFIterations
		aead, err := keyAEAD(passphrase, salt, iter)
		if err != nil {
			return err
		}
		nonce := make([]byte, aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return err
		}
		seed := s.Priv.Seed()
		sealed := aead.Seal(nil, nonce, seed, s.Operator.Key[:])
		clear(seed)
		fmt.Fprintf(&b, "%s\nname: %s\nrole: %s\nkdf: %s\niterations: %d\nsalt: %x\nnonce: %x\nsealed: %x\n",
			keyFileHeaderEncrypted, s.Operator.Name, s.Operator.Role, keyKDF, iter, salt, nonce, sealed)
	}
	return atomicfile.Write(KeyPath(dbPath, s.Operator.Key), func(f *os.File) error {
		_, err := f.Write(b.Bytes())
		return err
	})
}

// keyAEAD derives the key of an encrypted key file from the passphrase.
func keyAEAD(passphrase, salt []byte, iter int) (cipher.AEAD, error) {
	k, err := pbkdf2.Key(sha256.New, string(passphrase), salt, iter, 32)
	if err != nil {
		return nil, err
	}
	defer clear(k)
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Load reads the private key of op from the key folder of the database at dbPath.
// passphrase is called only when the key file is encrypted; it may be nil when the caller has
// no way to get one.
func Load(dbPath string, op model.Operator, passphrase func() ([]byte, error)) (*model.Signer, error) {
	path := KeyPath(dbPath, op.Key)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, i18n.E("keyring.signer.absent", op.Name, path)
	}
	if err != nil {
		return nil, err
	}
	header, fields, err := parseKeyFile(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var seed []byte
	switch header {
	case keyFileHeader:
		v, ok := fields["seed"]
		if !ok {
			return nil, i18n.E("keyring.signer.no-field", path, "seed")
		}
		seed, err = hex.DecodeString(v)
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, i18n.E("keyring.signer.damaged", path, "seed")
		}
	case keyFileHeaderEncrypted:
		seed, err = openSealedSeed(path, fields, op, passphrase)
		if err != nil {
			return nil, err
		}
	default:
		return nil, i18n.E("keyring.signer.not-key", path)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	clear(seed)
	if model.KeyOf(priv) != op.Key {
		return nil, i18n.E("keyring.signer.not-theirs", path, op.Name)
	}
	return &model.Signer{Operator: op, Priv: priv}, nil
}

// parseKeyFile splits a private key file into its header and its "field: value" lines.
func parseKeyFile(raw []byte) (string, map[string]string, error) {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	if !sc.Scan() {
		return "", nil, i18n.E("keyring.signer.empty")
	}
	header := sc.Text()
	fields := map[string]string{}
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			continue
		}
		if _, dup := fields[k]; dup && k != "name" && k != "role" {
			return "", nil, i18n.E("keyring.signer.twice", k)
		}
		fields[k] = v
	}
	return header, fields, sc.Err()
}

// openSealedSeed opens the seed of a v2 key file with the passphrase.
func openSealedSeed(path string, fields map[string]string, op model.Operator, passphrase func() ([]byte, error)) ([]byte, error) {
	if kdf := fields["kdf"]; kdf != keyKDF {
		return nil, i18n.E("keyring.signer.kdf", path, kdf, keyKDF)
	}
	iter, err := strconv.Atoi(fields["iterations"])
	if err != nil || iter < 1 || iter > maxKDFIterations {
		return nil, i18n.E("keyring.signer.iterations", path, fields["iterations"])
	}
	var parts [3][]byte
	for i, name := range []string{"salt", "nonce", "sealed"} {
		v, ok := fields[name]
		if !ok {
			return nil, i18n.E("keyring.signer.no-field", path, name)
		}
		if parts[i], err = hex.DecodeString(v); err != nil || len(parts[i]) == 0 {
			return nil, i18n.E("keyring.signer.damaged", path, name)
		}
	}
	salt, nonce, sealed := parts[0], parts[1], parts[2]
	if passphrase == nil {
		return nil, i18n.E("keyring.signer.no-passphrase", op.Name)
	}
	pass, err := passphrase()
	if err != nil {
		return nil, i18n.E("keyring.signer.encrypted", op.Name, err)
	}
	aead, err := keyAEAD(pass, salt, iter)
	if err != nil {
		return nil, err
	}
	if len(nonce) != aead.NonceSize() {
		return nil, i18n.E("keyring.signer.damaged", path, "nonce")
	}
	seed, err := aead.Open(nil, nonce, sealed, op.Key[:])
	if err != nil {
		return nil, i18n.EIs(ErrWrongPassphrase, "keyring.signer.wrong", op.Name)
	}
	if len(seed) != ed25519.SeedSize {
		clear(seed)
		return nil, i18n.E("keyring.signer.damaged", path, "seed")
	}
	return seed, nil
}
