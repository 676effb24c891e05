package keyring

import (
	"errors"
	"fmt"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// A designation file carries the authority's designation of an operator (model.Designation)
// from the committee's machine to the operator's, which attaches it (qunshen authority
// accept): the document's fields after its format and version; the authority's signature covers
// every field but those two (model.Designation.Message).
//
//	{
//	  "format": "qunshen-designation",
//	  "version": 1,
//	  "serial": "3f9a1c0e5b7d2468",
//	  "authority": "<64 hex digits>",
//	  "authority_name": "机关党委",
//	  "key": "<64 hex digits>",
//	  "name": "李明",
//	  "role": "secretary",
//	  "scope": {"branch": "第三党支部", "groups": ["g1"]},
//	  "from": "2026-06-01T01:00:00Z",
//	  "until": "2028-01-01T00:00:00+08:00",
//	  "issued": "2026-06-01T01:00:00Z",
//	  "signature": "<128 hex digits>"
//	}
const (
	designationFileFormat  = "qunshen-designation"
	designationFileVersion = 1
)

type designationFileJSON struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	model.Designation
}

// WriteDesignationFile writes a signed designation.
func WriteDesignationFile(path string, d model.Designation) error {
	if err := d.Check(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return writeDocument(path, designationFileJSON{Format: designationFileFormat, Version: designationFileVersion, Designation: d})
}

// ReadDesignationFile reads a designation file, strictly, and checks the document: whole,
// signed by the authority it names. Whether that authority is trusted is the reader's to ask.
func ReadDesignationFile(path string) (model.Designation, error) {
	raw, err := readDocument(path)
	if err != nil {
		return model.Designation{}, err
	}
	d, err := parseDesignationFile(raw)
	if err != nil {
		return model.Designation{}, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

func parseDesignationFile(raw []byte) (model.Designation, error) {
	var df designationFileJSON
	if err := designationDoc.decode(raw, &df); err != nil {
		return model.Designation{}, err
	}
	d := df.Designation
	if err := d.Check(); err != nil {
		var f *model.DesignationFault
		if errors.As(err, &f) && f.Why == model.WhyBadSignature {
			return model.Designation{}, i18n.E("keyring.designation.signature", d.AuthorityName, d.Authority.Fingerprint())
		}
		return model.Designation{}, err
	}
	d.Normalize()
	return d, nil
}
