package keyring

import (
	"fmt"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// The authority (the party committee, or its publicity department) has a key of its own, made
// by qunshen authority init on the committee's machine; its public half travels as an
// authority file, which every machine trusts once (qunshen trust --authority), after comparing
// the fingerprint with the committee by voice or in person:
//
//	{
//	  "format": "qunshen-authority",
//	  "version": 1,
//	  "key": "<the ed25519 public key, 64 hex digits>",
//	  "name": "机关党委",
//	  "fingerprint": "xxxx xxxx xxxx xxxx xxxx",
//	  "made": "2026-06-01T09:00:00+08:00"
//	}
const (
	authorityFileFormat  = "qunshen-authority"
	authorityFileVersion = 1
)

// Authority is what an authority file says.
type Authority struct {
	Key  model.Key
	Name string
	Made time.Time
}

type authorityFileJSON struct {
	Format      string    `json:"format"`
	Version     int       `json:"version"`
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Fingerprint string    `json:"fingerprint"`
	Made        time.Time `json:"made"`
}

// Trust is the record of trusting the authority.
func (a Authority) Trust() Trust { return Trust{Key: a.Key, Name: a.Name, Role: model.RoleAuthority} }

// WriteAuthorityFile writes the authority's public file.
func WriteAuthorityFile(path string, a Authority) error {
	if err := checkKeyText("name", a.Name, true); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return writeDocument(path, authorityFileJSON{Format: authorityFileFormat, Version: authorityFileVersion,
		Key: a.Key.String(), Name: a.Name, Fingerprint: a.Key.Fingerprint(), Made: a.Made})
}

// ReadAuthorityFile reads an authority file, strictly, as ReadKeyFile reads a key file.
func ReadAuthorityFile(path string) (Authority, error) {
	raw, err := readDocument(path)
	if err != nil {
		return Authority{}, err
	}
	a, err := parseAuthorityFile(raw)
	if err != nil {
		return Authority{}, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

func parseAuthorityFile(raw []byte) (Authority, error) {
	var af authorityFileJSON
	if err := authorityDoc.decode(raw, &af); err != nil {
		return Authority{}, err
	}
	k, err := parseKey(af.Key)
	if err != nil {
		return Authority{}, err
	}
	if err := checkKeyText("name", af.Name, true); err != nil {
		return Authority{}, err
	}
	if err := checkFingerprint(af.Fingerprint, k); err != nil {
		return Authority{}, err
	}
	if af.Made.IsZero() {
		return Authority{}, i18n.E("keyring.authority.no-date")
	}
	return Authority{Key: k, Name: af.Name, Made: af.Made}, nil
}
