package keyring

import (
	"fmt"
	"os"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// A key file carries an operator's public key to another machine, which trusts it after its
// user compared the fingerprint with the operator's own:
//
//	{
//	  "format": "qunshen-key",
//	  "version": 1,
//	  "key": "<the ed25519 public key, 64 hex digits>",
//	  "name": "王管理",
//	  "role": "admin",
//	  "branch": "第三党支部",
//	  "fingerprint": "xxxx xxxx xxxx xxxx xxxx"
//	}
const (
	keyFileFormat  = "qunshen-key"
	keyFileVersion = 1
	maxKeyText     = 1 << 10 // bytes of a name or branch
)

type keyFileJSON struct {
	Format      string `json:"format"`
	Version     int    `json:"version"`
	Key         string `json:"key"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	Branch      string `json:"branch"`
	Fingerprint string `json:"fingerprint"`
}

// WriteKeyFile writes the operator's public key file. It replaces a file, never anything
// else (a device such as /dev/stdout, a folder).
func WriteKeyFile(path string, op model.Operator) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return i18n.E("keyring.doc.not-regular", path)
	}
	if err := checkKeyText("name", op.Name, true); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := checkKeyText("branch", op.Branch, false); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if _, ok := model.ParseRole(string(op.Role)); !ok {
		return fmt.Errorf("%s: %w", path, i18n.E("keyring.role", string(op.Role)))
	}
	return writeDocument(path, keyFileJSON{
		Format: keyFileFormat, Version: keyFileVersion, Key: op.Key.String(), Name: op.Name,
		Role: string(op.Role), Branch: op.Branch, Fingerprint: op.Key.Fingerprint(),
	})
}

// ReadKeyFile reads a public key file and returns what it says, not yet trusted (TrustedAt is
// zero). It refuses anything but a whole, consistent key file of a version it knows.
func ReadKeyFile(path string) (Trust, error) {
	raw, err := readDocument(path)
	if err != nil {
		return Trust{}, err
	}
	t, err := parseKeyFileJSON(raw)
	if err != nil {
		return Trust{}, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

func parseKeyFileJSON(raw []byte) (Trust, error) {
	var kf keyFileJSON
	if err := keyDoc.decode(raw, &kf); err != nil {
		return Trust{}, err
	}
	var t Trust
	var err error
	if t.Key, err = parseKey(kf.Key); err != nil {
		return Trust{}, err
	}
	if err := checkKeyText("name", kf.Name, true); err != nil {
		return Trust{}, err
	}
	if err := checkKeyText("branch", kf.Branch, false); err != nil {
		return Trust{}, err
	}
	role, ok := model.ParseRole(kf.Role)
	if !ok {
		return Trust{}, i18n.E("keyring.role", kf.Role)
	}
	if err := checkFingerprint(kf.Fingerprint, t.Key); err != nil {
		return Trust{}, err
	}
	t.Name, t.Role, t.Branch = kf.Name, role, kf.Branch
	return t, nil
}
