package storage

// A damaged database is refused, never read as if it were sound and never a crash.
//
// bbolt reads its file through a memory map and trusts what it finds there: a file cut short
// makes a read past its end a SIGBUS, and a damaged page makes bbolt panic (an assertion, a
// nil dereference) or walk to the wrong place. So:
//
//   - before bbolt maps a file, checkFile reads its meta pages from the file and checks that
//     the file holds every page they count (restore's checkPages does the same for a backup);
//   - every transaction runs under guard, which turns a panic of bbolt, or a fault of the
//     memory map, into a DamagedError naming the database and the way out;
//   - opening checks that every bucket of the schema is there (a damaged entry of a bucket
//     would otherwise be made again, empty);
//   - CheckStructure walks every page of the file (checkPages: the tree, the order of the keys,
//     the free pages) before a command of the command line answers or writes, and Verify runs
//     bbolt's own check after it.

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"unsafe"

	"go.etcd.io/bbolt"

	"qunshen/internal/i18n"
)

// DamagedError is a database found damaged. Nothing was written; the message names the
// database and what to do: verify it, and restore a backup.
type DamagedError struct {
	Path  string
	Cause error
}

func (e *DamagedError) msg() *i18n.Error { return i18n.E("storage.damaged", e.Path, e.Cause) }

func (e *DamagedError) Error() string { return e.msg().Error() }

// Unwrap gives the message of the catalogue, which gives the cause.
func (e *DamagedError) Unwrap() error { return e.msg() }

// damaged is a DamagedError of the database at path.
func damaged(path string, format string, args ...any) error {
	return &DamagedError{Path: path, Cause: fmt.Errorf(format, args...)}
}

// IsDamaged reports whether err says that a database is damaged.
func IsDamaged(err error) bool {
	var d *DamagedError
	return errors.As(err, &d)
}

// guard runs f, a transaction or bbolt.Open, and turns a panic of bbolt or a fault of the
// memory map into a DamagedError of the database at path. Any other panic is a fault of
// qunshen and goes on.
func guard(path string, f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if !fromStorage(r) {
			panic(r)
		}
		err = &DamagedError{Path: path, Cause: fmt.Errorf("%v", r)}
	}()
	err = f()
	if d := (*recordDamage)(nil); errors.As(err, &d) && !IsDamaged(err) {
		err = &DamagedError{Path: path, Cause: d}
	}
	return err
}

// onCore runs f on a goroutine of its own (parallel.Range's) that reads the memory map,
// as guard does on the transaction's: a fault of the map is returned, not a crash.
func onCore(f func()) (fault error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if !fromStorage(r) {
				panic(r)
			}
			fault = fmt.Errorf("%v", r)
		}
	}()
	f()
	return nil
}

// view and update are the store's transactions, under guard.
func (s *Store) view(fn func(*bbolt.Tx) error) error {
	return guard(s.path, func() error { return s.db.View(fn) })
}

func (s *Store) update(fn func(*bbolt.Tx) error) error {
	return guard(s.path, func() error { return s.db.Update(fn) })
}

// fromStorage reports whether a panic being recovered came from reading the database: a record
// whose checksum fails, a fault of the memory map (SetPanicOnFault gives it an address), or a
// panic raised in bbolt's
// code (its assertions, and runtime errors such as a nil dereference or an index out of range
// in it, or in the standard library called from it), not in qunshen's.
func fromStorage(r any) bool {
	switch r.(type) {
	case *recordDamage, interface{ Addr() uintptr }:
		return true
	}
	// The frames of the panicking goroutine: after the line of panic(, the first function of
	// bbolt or of qunshen is where it was raised.
	seen := false
	for _, l := range strings.Split(string(debug.Stack()), "\n") {
		switch {
		case strings.HasPrefix(l, "\t") || l == "":
		case strings.HasPrefix(l, "panic("):
			seen = true
		case !seen:
		case strings.HasPrefix(l, "go.etcd.io/bbolt"):
			return true
		case strings.HasPrefix(l, "qunshen/"):
			return false
		}
	}
	return false
}

// checkFile checks, before bbolt maps it, the database file at path: a file that exists is a
// whole database, its two meta pages valid (each, in turn, names the last transaction: bbolt
// falls back on the other when one fails, and would answer silently as of the transaction
// before) and the file long enough for every page they count (bbolt would read past its end).
// A file that does not exist is a new database. A file with no meta page of bbolt at all is
// left to bbolt, which refuses it as not a database; an empty one was cut to nothing.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return err
	}
	if fi.Size() == 0 {
		return damaged(path, "the file is empty")
	}
	metas, psize, valid := fileMetas(f, fi.Size())
	switch {
	case psize == 0 && !hasBoltMagic(path):
		return nil // not a bbolt file: bbolt says so
	case psize == 0:
		return damaged(path, "neither of its meta pages can be read")
	case !valid[0] || !valid[1]:
		bad := 0
		if valid[0] {
			bad = 1
		}
		return damaged(path, "meta page %d fails its checksum", bad)
	}
	m := metas[0]
	if metas[1].txid > m.txid {
		m = metas[1]
	}
	if need := m.pgid * uint64(psize); need > uint64(fi.Size()) {
		return damaged(path, "the file is cut short: it has %d bytes, its pages need %d", fi.Size(), need)
	}
	return nil
}

// hasBoltMagic reports whether the file at path has bbolt's magic number where a meta page
// starts (page 0, or page 1 at a page size bbolt may use): a bbolt file, maybe damaged.
func hasBoltMagic(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 4)
	for i := -1; i <= 14; i++ {
		off := int64(0)
		if i >= 0 {
			off = 1024 << i
		}
		if _, err := f.ReadAt(buf, off+pageHeader); err == nil && ne.Uint32(buf) == boltMagic {
			return true
		}
	}
	return false
}

// fileMetas reads the two meta pages, and the page size as bbolt finds it: from the first meta
// page, else from the second at each power of two from 1 KiB. psize is 0 when neither is found.
func fileMetas(f *os.File, size int64) (metas [2]boltMeta, psize int, valid [2]bool) {
	if m, ps, ok := metaAt(f, 0); ok {
		metas[0], psize, valid[0] = m, ps, true
	}
	if psize == 0 {
		for i := 0; i <= 14; i++ {
			pos := int64(1024) << i
			if pos >= size-1024 {
				break
			}
			if _, ps, ok := metaAt(f, pos); ok && int64(ps) == pos {
				psize = ps
				break
			}
		}
	}
	if psize == 0 {
		return metas, 0, valid
	}
	if m, ps, ok := metaAt(f, int64(psize)); ok && ps == psize {
		metas[1], valid[1] = m, true
	}
	return metas, psize, valid
}

// metaAt reads a meta page at off, and reports whether it is valid (magic, version, checksum).
func metaAt(f *os.File, off int64) (boltMeta, int, bool) {
	buf := make([]byte, pageHeader+64)
	if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
		return boltMeta{}, 0, false
	}
	b := buf[pageHeader:]
	h := fnv.New64a()
	h.Write(b[:56])
	if ne.Uint32(b[0:]) != boltMagic || ne.Uint32(b[4:]) != boltVersion || ne.Uint64(b[56:]) != h.Sum64() {
		return boltMeta{}, 0, false
	}
	return boltMeta{root: ne.Uint64(b[16:]), freelist: ne.Uint64(b[32:]), pgid: ne.Uint64(b[40:]), txid: ne.Uint64(b[48:])}, int(ne.Uint32(b[8:])), true
}

// CheckStructure checks the structure of the database file, as restore checks a backup's:
// every page of the tree, the order of the keys, the free pages (walkPages, over the memory
// map within a read transaction). A fault is a DamagedError.
func (s *Store) CheckStructure() error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	err = s.view(func(tx *bbolt.Tx) error {
		psize := s.db.Info().PageSize
		m, err := readMeta(f, psize)
		if err != nil {
			return err
		}
		if m.txid != uint64(tx.ID()) {
			return fmt.Errorf("its meta pages disagree (transaction %d, bbolt reads %d)", m.txid, tx.ID())
		}
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		need := m.pgid * uint64(psize)
		if need > uint64(fi.Size()) || int64(need) != tx.Size() {
			return fmt.Errorf("the file is cut short: it has %d bytes, its pages need %d", fi.Size(), need)
		}
		return walkPages(mapSource{mapped(s.db, int(need))}, psize, m)
	})
	if err != nil && !IsDamaged(err) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return err // the file could not be read: not damage
		}
		err = &DamagedError{Path: s.path, Cause: err}
	}
	return err
}

// mapped is the first n bytes of bbolt's memory map of the database, valid while a transaction
// is open (bbolt maps the file again only when no transaction is).
func mapped(db *bbolt.DB, n int) []byte {
	base := db.Info().Data // the map's address, which bbolt gives as a uintptr
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&base))), n)
}

// CheckDocument checks the database whole before a document made from it is signed and sent
// upward (a report, an archive): the structure of its file (CheckStructure, as every command
// opens it) and bbolt's own check besides (checkEngine). A fault is a DamagedError: the
// command makes no document.
func (s *Store) CheckDocument() error {
	if err := s.CheckStructure(); err != nil {
		return err
	}
	return s.checkEngine()
}

// checkEngine runs bbolt's own check of the database: every page reachable or free, none
// twice, the keys in order. A fault is a DamagedError.
func (s *Store) checkEngine() error {
	return s.view(func(tx *bbolt.Tx) error {
		var first error
		for err := range tx.Check() { // read to its end: the check runs until then
			if first == nil {
				first = err
			}
		}
		if first != nil {
			return &DamagedError{Path: s.path, Cause: first}
		}
		return nil
	})
}
