package storage

// Care of the database file: restore from a backup, and compaction.
//
// Both build the new file beside the database in force with bbolt.Compact (a logical copy: every
// bucket, key and value, on fresh pages), check it, fsync it and rename it over the database while
// holding the database's lock, then fsync the folder. A failure at any step before the rename
// leaves the database as it was, byte for byte.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"qunshen/internal/atomicfile"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the database to path: to a temp file beside it, fsynced,
// then renamed, so that a half-written backup never exists under its name.
func (s *Store) Backup(path string) error {
	return s.view(func(tx *bbolt.Tx) error {
		return atomicfile.Write(path, func(f *os.File) error {
			_, err := tx.WriteTo(f)
			return err
		})
	})
}

// BeforeRestoreSuffix names the previous database that Restore keeps beside the restored one.
const BeforeRestoreSuffix = ".before-restore"

// compactTxSize bounds the transactions of a compaction, so that a large database is copied in
// steps rather than held in memory whole.
const compactTxSize = 64 << 20

// Restore replaces the database at dbPath with the backup (a file written by Backup), and
// returns what Verify found in it.
//
// The backup is only read: it must be a regular file that opens as a bbolt database, whose
// page tree is sound, holding a qunshen database of a schema this program reads. It is copied
// to a temp file beside dbPath, and the copy must pass Verify. Any fault is an error naming the
// backup, and the database at dbPath is left untouched.
//
// The database in force is locked while it is replaced, so that a running qunshen makes
// Restore fail with ErrLocked after two seconds. It is kept beside as dbPath+".before-restore"
// (the same file, not a copy); Restore refuses to run while that file exists, lest it lose the
// database of an earlier restore, unless the backup is that very file (an undo: the two are
// swapped). When dbPath does not exist the restored database is simply placed there.
func Restore(dbPath, backup string) (VerifyResult, error) {
	var rep VerifyResult
	bfi, err := os.Stat(backup)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return rep, fmt.Errorf("backup %s does not exist", backup)
	case err != nil:
		return rep, fmt.Errorf("backup %s: %w", backup, err)
	case bfi.IsDir():
		return rep, fmt.Errorf("backup %s is a folder, not a backup file", backup)
	case !bfi.Mode().IsRegular():
		return rep, fmt.Errorf("backup %s is not a regular file (%s)", backup, bfi.Mode().Type())
	case bfi.Size() == 0:
		return rep, fmt.Errorf("backup %s is empty", backup)
	}
	kept := dbPath + BeforeRestoreSuffix
	cur, err := os.Stat(dbPath)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return rep, err
	}
	if exists && os.SameFile(cur, bfi) {
		return rep, fmt.Errorf("backup %s is the database in force itself", backup)
	}
	if exists {
		if err := keptFree(kept, bfi); err != nil {
			return rep, err
		}
		lock, err := lockDatabase(dbPath)
		if err != nil {
			return rep, err
		}
		if lock != nil {
			defer lock.Close()
		}
	}
	unchanged := dbPath + " is unchanged"
	if !exists {
		unchanged = "nothing was written"
	}

	dir := filepath.Dir(dbPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return rep, err
	}
	tmp, err := tempBeside(dbPath, "restore")
	if err != nil {
		return rep, err
	}
	placed := false
	defer func() {
		if !placed {
			os.Remove(tmp)
		}
	}()
	if err := copyBackup(backup, tmp); err != nil {
		return rep, fmt.Errorf("backup %s %w; %s", backup, err, unchanged)
	}
	rep, err = verifyCopy(tmp)
	if err != nil {
		return rep, fmt.Errorf("backup %s fails verification: %w; %s", backup, err, unchanged)
	}
	if err := syncFile(tmp); err != nil {
		return rep, err
	}

	if !exists {
		if err := placeNew(tmp, dbPath); err != nil {
			return rep, err
		}
		placed = true
		return rep, atomicfile.SyncDir(dir)
	}
	// Keep the database in force under kept: a second name for the same file (a hard link,
	// renamed over kept so that an undo swaps), then put the restored one in its place by an
	// atomic rename. The database path names a whole database at every instant.
	if err := keptFree(kept, bfi); err != nil {
		return rep, err
	}
	link, err := tempBeside(dbPath, "kept")
	if err != nil {
		return rep, err
	}
	os.Remove(link)
	if err := os.Link(dbPath, link); err == nil {
		if err := os.Rename(link, kept); err != nil {
			os.Remove(link)
			return rep, fmt.Errorf("keeping %s: %w; %s", kept, err, unchanged)
		}
	} else if err := os.Rename(dbPath, kept); err != nil { // no hard links on this file system
		return rep, fmt.Errorf("keeping %s: %w; %s", kept, err, unchanged)
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return rep, fmt.Errorf("placing the restored database: %w (the previous one is %s)", err, kept)
	}
	placed = true
	return rep, atomicfile.SyncDir(dir)
}

// keptFree refuses a restore that would replace the database kept by an earlier one, unless
// the backup is that file.
func keptFree(kept string, backup os.FileInfo) error {
	fi, err := os.Lstat(kept)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if os.SameFile(fi, backup) {
		return nil
	}
	return fmt.Errorf("%s holds the database from before an earlier restore: move it away or delete it first", kept)
}

// lockDatabase takes the database's lock as Open does, without writing to it. A database that
// bbolt cannot open at all (both meta pages damaged, say) returns no lock and no error: no
// qunshen can be running on it, and it is about to be replaced (and kept).
func lockDatabase(path string) (db *bbolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil { // bbolt panics on some damage; the file is held, not lost
			db, err = nil, nil
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	db, err = bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 2 * time.Second})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w (close it first)", path, ErrLocked)
	}
	if err != nil {
		return nil, nil
	}
	return db, nil
}

// copyBackup checks the backup, opened read-only, and copies its buckets into the empty bbolt
// file tmp. Its errors complete a sentence that starts with the backup's name.
func copyBackup(backup, tmp string) (err error) {
	// bbolt reads a database through a memory map and trusts its pages; checkPages vets them
	// first, and a fault or panic that still occurs is an error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("is damaged (%v)", r)
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	src, err := bbolt.Open(backup, 0o600, &bbolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if errors.Is(err, bbolt.ErrTimeout) {
		return fmt.Errorf("is open in a running qunshen (close it first)")
	}
	if err != nil {
		return fmt.Errorf("is not a qunshen database (%v)", err)
	}
	defer src.Close()
	f, err := os.Open(backup)
	if err != nil {
		return fmt.Errorf("cannot be read: %w", err)
	}
	defer f.Close()
	if err := checkPages(f, src); err != nil {
		return fmt.Errorf("is damaged: %w", err)
	}
	if err := src.View(checkSchema); err != nil {
		return err
	}
	if _, err := compactInto(src, tmp); err != nil {
		return fmt.Errorf("could not be copied: %w", err)
	}
	return nil
}

// checkSchema accepts a qunshen database of a schema this program reads.
func checkSchema(tx *bbolt.Tx) error {
	m := tx.Bucket(bMeta)
	if m == nil {
		return errors.New("is not a qunshen database (no meta bucket)")
	}
	v := m.Get(kSchema)
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 1 {
		return fmt.Errorf("is not a qunshen database (schema %q)", v)
	}
	if n > SchemaVersion {
		return fmt.Errorf("has schema %d, newer than this qunshen reads (%d): use a newer qunshen", n, SchemaVersion)
	}
	return nil
}

// verifyCopy runs Verify on the restored copy, and checks that its default operator is one of
// its operators (the one record of the meta that Verify does not cover).
func verifyCopy(path string) (VerifyResult, error) {
	st, err := Open(path)
	if err != nil {
		return VerifyResult{}, err
	}
	rep, err := st.Verify()
	if err == nil {
		err = st.view(func(tx *bbolt.Tx) error {
			name := tx.Bucket(bMeta).Get(kDefaultO)
			if name == nil {
				return nil
			}
			_, err := findOperator(tx, string(name))
			return err
		})
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return rep, err
}

// placeNew puts tmp at path, which should not exist: by a hard link, which fails rather than
// replace a database that another qunshen has made meanwhile, or by a rename where the file
// system has no hard links.
func placeNew(tmp, path string) error {
	err := os.Link(tmp, path)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s appeared while the backup was checked: run the restore again", path)
	}
	if err != nil {
		return os.Rename(tmp, path)
	}
	return os.Remove(tmp)
}

// CompactResult is what Compact did: the file's size before and after, and the temporary
// files of an earlier compact or restore that it removed (Store.Removed).
type CompactResult struct {
	Before, After int64
	Removed       []StaleFile
}

// Compact rewrites the database at dbPath without its free pages. The database is locked as by
// Open for the whole time; the copy is made with bbolt.Compact to a temp file beside, must hold
// exactly the same buckets, keys and values, and is fsynced and renamed over the database. When
// the copy would be larger, or of the same size without free pages to leave out, the database
// is left as it is, and After equals Before. The temp
// file is removed whatever fails; one left by a compact that was killed is removed by Open.
func Compact(dbPath string) (res CompactResult, err error) {
	if _, err := os.Stat(dbPath); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("%s: no database here", dbPath)
		}
		return res, err
	}
	st, err := Open(dbPath)
	if err != nil {
		return res, err
	}
	defer st.Close()
	res.Removed = st.Removed()
	fi, err := os.Stat(dbPath)
	if err != nil {
		return res, err
	}
	res.Before, res.After = fi.Size(), fi.Size()
	tmp, err := tempBeside(dbPath, "compact")
	if err != nil {
		return res, err
	}
	placed := false
	defer func() {
		if !placed {
			os.Remove(tmp)
		}
	}()
	var after int64
	err = guard(dbPath, func() (err error) { after, err = compactInto(st.db, tmp); return err })
	if IsDamaged(err) {
		return res, err
	}
	if err != nil {
		return res, fmt.Errorf("compacting %s: %w; it is unchanged", dbPath, err)
	}
	if err := guard(dbPath, func() error { return sameAs(st.db, tmp) }); err != nil {
		if IsDamaged(err) {
			return res, err
		}
		return res, fmt.Errorf("compacting %s: the copy differs: %w; the database is unchanged", dbPath, err)
	}
	// A copy of the same size still leaves out the free pages, and what they held.
	if after > res.Before || after == res.Before && st.db.Stats().FreePageN == 0 {
		return res, nil
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return res, err
	}
	placed = true
	res.After = after
	return res, atomicfile.SyncDir(filepath.Dir(dbPath))
}

// StaleFile is a temporary file that a compact or a restore killed on the way left beside the
// database, removed by Open.
type StaleFile struct {
	Path string
	Size int64
}

// staleKinds are the temporary files made beside a database (tempBeside) by the steps that
// hold its lock while the file exists: compact for its whole time, restore of a database that
// exists (the copy, and the second name of the database kept).
var staleKinds = []string{"compact", "restore", "kept"}

// removeStale removes the temporary files of compact and restore left beside the database at
// path. It is called with the database's lock held: no compact or restore of it is running,
// and such a file was left by one that was killed. A file that cannot be removed is left.
func removeStale(path string) []StaleFile {
	var out []StaleFile
	dir, base := filepath.Dir(path), filepath.Base(path)
	for _, what := range staleKinds {
		matches, err := filepath.Glob(filepath.Join(globEscape(dir), "."+globEscape(base)+"."+what+"-*"))
		if err != nil {
			continue
		}
		for _, m := range matches {
			fi, err := os.Lstat(m)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			if os.Remove(m) == nil {
				out = append(out, StaleFile{Path: m, Size: fi.Size()})
			}
		}
	}
	return out
}

// globEscape escapes the characters that filepath.Glob reads as a pattern.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// compactInto copies every bucket of src into the empty file at path with bbolt.Compact,
// trims the file to its last page and fsyncs it. It returns the file's size.
func compactInto(src *bbolt.DB, path string) (int64, error) {
	dst, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 2 * time.Second, NoSync: true, NoGrowSync: true, PageSize: pageSize})
	if err != nil {
		return 0, err
	}
	if err := bbolt.Compact(dst, src, compactTxSize); err != nil {
		dst.Close()
		return 0, err
	}
	var size int64
	if err := dst.View(func(tx *bbolt.Tx) error { size = tx.Size(); return nil }); err != nil {
		dst.Close()
		return 0, err
	}
	if err := dst.Close(); err != nil {
		return 0, err
	}
	// bbolt grows a file ahead of its pages; the pages past the last one hold nothing.
	if err := os.Truncate(path, size); err != nil {
		return 0, err
	}
	return size, syncFile(path)
}

// sameAs checks that the bbolt file at path holds exactly the buckets, keys and values of db.
func sameAs(db *bbolt.DB, path string) error {
	other, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		return err
	}
	defer other.Close()
	return db.View(func(a *bbolt.Tx) error {
		return other.View(func(b *bbolt.Tx) error {
			return sameBuckets(a.Cursor(), b.Cursor(), func(name []byte) (*bbolt.Bucket, *bbolt.Bucket) {
				return a.Bucket(name), b.Bucket(name)
			}, "")
		})
	})
}

// sameBuckets walks two cursors in step, into nested buckets too.
func sameBuckets(ca, cb *bbolt.Cursor, sub func([]byte) (*bbolt.Bucket, *bbolt.Bucket), where string) error {
	ka, va := ca.First()
	kb, vb := cb.First()
	for ; ka != nil || kb != nil; ka, va, kb, vb = nextPair(ca, cb) {
		if !bytes.Equal(ka, kb) {
			return fmt.Errorf("%s: key %q against %q", where, printable(ka), printable(kb))
		}
		if (va == nil) != (vb == nil) || !bytes.Equal(va, vb) {
			return fmt.Errorf("%s: the value of %q", where, printable(ka))
		}
		if va == nil { // a nested bucket
			ba, bb := sub(ka)
			if ba == nil || bb == nil {
				return fmt.Errorf("%s: bucket %q", where, printable(ka))
			}
			if ba.Sequence() != bb.Sequence() {
				return fmt.Errorf("%s: the sequence of bucket %q", where, printable(ka))
			}
			err := sameBuckets(ba.Cursor(), bb.Cursor(), func(name []byte) (*bbolt.Bucket, *bbolt.Bucket) {
				return ba.Bucket(name), bb.Bucket(name)
			}, where+"/"+printable(ka))
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func nextPair(ca, cb *bbolt.Cursor) (ka, va, kb, vb []byte) {
	ka, va = ca.Next()
	kb, vb = cb.Next()
	return
}

// tempBeside makes an empty 0600 file in the folder of path, for a file that will replace it.
func tempBeside(path, what string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"."+what+"-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(name)
		return "", err
	}
	return name, f.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
