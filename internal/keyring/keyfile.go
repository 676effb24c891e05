package keyring

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"qunshen/internal/atomicfile"
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
	maxKeyFile     = 64 << 10
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
		return fmt.Errorf("%s: not a regular file: the key file is written to a file", path)
	}
	if err := checkKeyText("name", op.Name, true); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := checkKeyText("branch", op.Branch, false); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if _, ok := model.ParseRole(string(op.Role)); !ok {
		return fmt.Errorf("%s: unknown role %q", path, op.Role)
	}
	raw, err := json.MarshalIndent(keyFileJSON{
		Format: keyFileFormat, Version: keyFileVersion, Key: op.Key.String(), Name: op.Name,
		Role: string(op.Role), Branch: op.Branch, Fingerprint: op.Key.Fingerprint(),
	}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(f *os.File) error {
		_, err := f.Write(append(raw, '\n'))
		return err
	})
}

// ReadKeyFile reads a public key file and returns what it says, not yet trusted (TrustedAt is
// zero). It refuses anything but a whole, consistent key file of a version it knows.
func ReadKeyFile(path string) (Trust, error) {
	f, err := os.Open(path)
	if err != nil {
		return Trust{}, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return Trust{}, fmt.Errorf("%s: %w", path, err)
	}
	t, err := parseKeyFileJSON(raw)
	if err != nil {
		return Trust{}, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

func parseKeyFileJSON(raw []byte) (Trust, error) {
	if len(raw) > maxKeyFile {
		return Trust{}, fmt.Errorf("too large for a key file (over %d KiB)", maxKeyFile>>10)
	}
	// The format and version first, leniently: a later version may have other fields.
	var head struct {
		Format  any `json:"format"`
		Version any `json:"version"`
	}
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&head); err != nil {
		return Trust{}, fmt.Errorf("not a qunshen key file (%v)", err)
	}
	if head.Format != keyFileFormat {
		return Trust{}, fmt.Errorf("not a qunshen key file (format %s, want %q)", shown(head.Format), keyFileFormat)
	}
	if v, ok := head.Version.(float64); !ok || v != keyFileVersion {
		return Trust{}, fmt.Errorf("key file version %s is not one this qunshen reads (it reads version %d)", shown(head.Version), keyFileVersion)
	}
	var kf keyFileJSON
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		return Trust{}, fmt.Errorf("damaged key file: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Trust{}, errors.New("damaged key file: more after the key")
	}
	var t Trust
	if len(kf.Key) != 2*len(t.Key) {
		return Trust{}, fmt.Errorf("the key is not %d hex digits (%d characters)", 2*len(t.Key), len(kf.Key))
	}
	if _, err := hex.Decode(t.Key[:], []byte(kf.Key)); err != nil {
		return Trust{}, fmt.Errorf("the key is not hex: %v", err)
	}
	if err := checkKeyText("name", kf.Name, true); err != nil {
		return Trust{}, err
	}
	if err := checkKeyText("branch", kf.Branch, false); err != nil {
		return Trust{}, err
	}
	role, ok := model.ParseRole(kf.Role)
	if !ok {
		return Trust{}, fmt.Errorf("unknown role %q (want admin, secretary, owner or supervisor)", kf.Role)
	}
	if kf.Fingerprint == "" {
		return Trust{}, errors.New("no fingerprint")
	}
	if compact(kf.Fingerprint) != compact(t.Key.Fingerprint()) {
		return Trust{}, fmt.Errorf("the fingerprint %q is not the key's (%s): the file was altered or damaged", kf.Fingerprint, t.Key.Fingerprint())
	}
	t.Name, t.Role, t.Branch = kf.Name, role, kf.Branch
	return t, nil
}

// TextFault is why an operator's name or branch is refused; "" when it is not.
type TextFault string

const (
	TextEmpty   TextFault = "empty"   // a name of nothing but spaces
	TextLong    TextFault = "long"    // over MaxText bytes
	TextUTF8    TextFault = "utf8"    // not UTF-8
	TextControl TextFault = "control" // a control or format character (ESC, BEL, a bidirectional override …)
)

// MaxText is the length in bytes of the longest name or branch of an operator.
const MaxText = maxKeyText

// CheckText is the rule for an operator's name (required) or branch: plain text, as it is
// shown on terminals and carried in key files and bundles. init refuses what a key file would
// refuse, so that every operator made can export its key.
func CheckText(s string, required bool) TextFault {
	switch {
	case required && strings.TrimSpace(s) == "":
		return TextEmpty
	case len(s) > maxKeyText:
		return TextLong
	case !utf8.ValidString(s):
		return TextUTF8
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0:
		return TextControl
	}
	return ""
}

// checkKeyText refuses a name or branch that is not plain text: it is shown on a terminal.
func checkKeyText(field, s string, required bool) error {
	switch CheckText(s, required) {
	case TextEmpty:
		return fmt.Errorf("the %s is empty", field)
	case TextLong:
		return fmt.Errorf("the %s is too long (%d bytes, at most %d)", field, len(s), maxKeyText)
	case TextUTF8:
		return fmt.Errorf("the %s is not UTF-8", field)
	case TextControl:
		return fmt.Errorf("the %s %q has control characters", field, s)
	}
	return nil
}

func compact(fp string) string { return strings.ToLower(strings.ReplaceAll(fp, " ", "")) }

func shown(v any) string {
	if v == nil {
		return "missing"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
