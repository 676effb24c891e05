package document

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"qunshen/internal/atomicfile"
	"qunshen/internal/inert"
	"qunshen/model"
	"slices"
	"strings"
)

// The group owner's archive written out (GO 五(一)): one folder with an index, one Markdown
// file per group and theme (or per group and month in time order), one self-contained
// printable HTML file, and the SHA-256 sums of them all, signed by the operator who made it.

// The fixed names of an archive folder.
const (
	ArchiveIndex   = "index.md"
	ArchiveHTML    = "archive.html"
	ArchiveSums    = "SHA256SUMS"
	ArchiveSumsSig = "SHA256SUMS.sig"
	// archiveMark opens the index: a folder whose index begins with it is an archive that
	// --force may replace.
	archiveMark = "<!-- qunshen archive -->"
)

// ArchiveOptions are how an archive is written.
type ArchiveOptions struct {
	Lang string              // "zh" or "en", for the lang attribute of the HTML
	T    func(string) string // the catalogue's strings (i18n.T in the language in force)
	// Force replaces a folder that holds an earlier archive; any other non-empty folder is
	// refused, with or without it.
	Force bool
	// Signer signs SHA256SUMS; without it the archive is not signed.
	Signer *model.Signer
}

// ArchiveFile is one file written.
type ArchiveFile struct {
	Name   string
	SHA256 string
	Size   int
}

// ErrArchiveExists refuses a non-empty output folder.
var ErrArchiveExists = errors.New("exists and is not empty")

// WriteArchive writes the archive into dir, whole or not at all: into a new folder beside
// dir, each file fsynced, then renamed into place. dir must not exist, or be empty, or (with
// Force) hold an earlier archive, which is replaced. The files are listed in the order of
// SHA256SUMS.
func WriteArchive(dir string, a *model.Archive, opt ArchiveOptions) ([]ArchiveFile, error) {
	if opt.T == nil {
		opt.T = func(k string) string { return k }
	}
	dir = filepath.Clean(dir)
	replace, err := checkArchiveDir(dir, opt.Force)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-*")
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	files := renderArchive(a, opt)
	var list []ArchiveFile
	for _, f := range files {
		if err := writeSynced(filepath.Join(tmp, f.name), f.data); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(f.data)
		list = append(list, ArchiveFile{Name: f.name, SHA256: hex.EncodeToString(sum[:]), Size: len(f.data)})
	}
	slices.SortFunc(list, func(x, y ArchiveFile) int { return strings.Compare(x.Name, y.Name) })
	var sums bytes.Buffer
	for _, f := range list {
		fmt.Fprintf(&sums, "%s  %s\n", f.SHA256, f.Name)
	}
	if err := writeSynced(filepath.Join(tmp, ArchiveSums), sums.Bytes()); err != nil {
		return nil, err
	}
	if opt.Signer != nil {
		sig := ed25519.Sign(opt.Signer.Priv, sums.Bytes())
		txt := fmt.Sprintf("qunshen archive signature: ed25519 over the bytes of %s\noperator %s\nrole %s\nkey %s\nfingerprint %s\nsignature %s\n",
			ArchiveSums, inert.Line(opt.Signer.Operator.Name), opt.Signer.Operator.Role,
			opt.Signer.Operator.Key, opt.Signer.Operator.Key.Fingerprint(), hex.EncodeToString(sig))
		if err := writeSynced(filepath.Join(tmp, ArchiveSumsSig), []byte(txt)); err != nil {
			return nil, err
		}
	}
	if err := atomicfile.SyncDir(tmp); err != nil {
		return nil, err
	}
	if replace {
		old := tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, dir); err != nil {
			os.Rename(old, dir)
			return nil, err
		}
		os.RemoveAll(old)
	} else {
		os.Remove(dir) // an empty folder given as the output; the rename takes its place
		if err := os.Rename(tmp, dir); err != nil {
			return nil, err
		}
	}
	done = true
	atomicfile.SyncDir(parent) // the archive is whole under its name; a failed sync of the parent loses nothing but durability
	return list, nil
}

// checkArchiveDir says whether dir holds an earlier archive to replace, and refuses a folder
// that may not be written.
func checkArchiveDir(dir string, force bool) (replace bool, err error) {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.IsDir() {
		return false, fmt.Errorf("%s is not a folder: name a new folder for the archive", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	if len(ents) == 0 {
		return false, nil
	}
	head := make([]byte, len(archiveMark))
	isArchive := false
	if f, err := os.Open(filepath.Join(dir, ArchiveIndex)); err == nil {
		n, _ := f.Read(head)
		f.Close()
		isArchive = string(head[:n]) == archiveMark
	}
	switch {
	case !isArchive:
		return false, fmt.Errorf("%s %w and holds no archive of qunshen: name a new folder", dir, ErrArchiveExists)
	case !force:
		return false, fmt.Errorf("%s %w: it holds an earlier archive, which --force replaces", dir, ErrArchiveExists)
	}
	return true, nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
