// Package atomicfile writes files whole or not at all: into a temp file beside the target,
// fsynced, then renamed over it, so that a half-written file never exists under its name.
// Backups, bundles, key files, reports and exports are written so.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write writes the file at path, 0600, by write into a temp file beside it, fsync and rename;
// the folder is synced after. A device or a folder given as path is refused: a rename would
// replace it.
func Write(path string, write func(*os.File) error) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file: write to a file", path)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if err := write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	SyncDir(dir) // the file is whole under its name; a failed sync loses nothing but durability
	return nil
}

// SyncDir fsyncs a folder, so that the names created or renamed in it last.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
