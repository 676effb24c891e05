package keyring

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"qunshen/internal/atomicfile"
	"qunshen/internal/i18n"
	"qunshen/model"
)

// The public documents of qunshen's keys are small JSON files, read strictly: a key file (an
// operator's public key), an authority file (the committee's), a designation. Each names its
// format and version first; anything but one whole object of a version this qunshen reads,
// with no field it does not know, is refused with the document's name.

// docKind names one kind of document, for reading and for its messages.
type docKind struct {
	format  string
	version int
	noun    string // the catalogue's name of the document: keyring.noun.…
	what    string // what it carries, in "more after the …": keyring.what.…
}

var (
	keyDoc         = docKind{keyFileFormat, keyFileVersion, "keyring.noun.key", "keyring.what.key"}
	authorityDoc   = docKind{authorityFileFormat, authorityFileVersion, "keyring.noun.authority", "keyring.what.authority"}
	designationDoc = docKind{designationFileFormat, designationFileVersion, "keyring.noun.designation", "keyring.what.designation"}
)

// maxDocument is the largest document read.
const maxDocument = 64 << 10

// readDocument reads the file at path (at most maxDocument bytes and one), for decode. A file
// that cannot be opened is the error of os.Open, which names it; one that cannot be read is
// named.
func readDocument(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return raw, nil
}

// decode decodes raw, a document of kind k, into dst, strictly.
func (k docKind) decode(raw []byte, dst any) error {
	noun := i18n.E(k.noun)
	if len(raw) > maxDocument {
		return i18n.E("keyring.doc.too-large", noun, maxDocument>>10)
	}
	// The format and version first, leniently: a later version may have other fields.
	var head struct {
		Format  any `json:"format"`
		Version any `json:"version"`
	}
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&head); err != nil {
		return i18n.E("keyring.doc.not-json", noun, err.Error())
	}
	if head.Format != k.format {
		return i18n.E("keyring.doc.format", noun, shown(head.Format), k.format)
	}
	if v, ok := head.Version.(float64); !ok || v != float64(k.version) {
		return i18n.E("keyring.doc.version", noun, shown(head.Version), k.version)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return i18n.E("keyring.doc.damaged", noun, err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return i18n.E("keyring.doc.trailing", noun, i18n.E(k.what))
	}
	return nil
}

// write writes a document (v, whose format and version fields are set) whole to path: a
// file, never anything else (a device such as /dev/stdout, a folder).
func writeDocument(path string, v any) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return i18n.E("keyring.doc.not-regular", path)
	}
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(f *os.File) error {
		_, err := f.Write(append(raw, '\n'))
		return err
	})
}

// parseKey reads a public key of 64 hex digits.
func parseKey(s string) (model.Key, error) {
	var k model.Key
	if len(s) != 2*len(k) {
		return k, i18n.E("keyring.key.length", 2*len(k), len(s))
	}
	if _, err := hex.Decode(k[:], []byte(s)); err != nil {
		return k, i18n.E("keyring.key.hex", err.Error())
	}
	return k, nil
}

// checkFingerprint checks that a document's fingerprint (spaces and case aside) is its key's.
func checkFingerprint(fp string, k model.Key) error {
	if fp == "" {
		return i18n.E("keyring.fingerprint.none")
	}
	if compact(fp) != compact(k.Fingerprint()) {
		return i18n.E("keyring.fingerprint.other", fp, k.Fingerprint())
	}
	return nil
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
	f := i18n.E("keyring.field." + field)
	switch CheckText(s, required) {
	case TextEmpty:
		return i18n.E("keyring.text.empty", f)
	case TextLong:
		return i18n.E("keyring.text.long", f, len(s), maxKeyText)
	case TextUTF8:
		return i18n.E("keyring.text.utf8", f)
	case TextControl:
		return i18n.E("keyring.text.control", f, strconv.Quote(s))
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
