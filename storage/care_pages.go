package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"

	"go.etcd.io/bbolt"
)

// The on-disk layout of bbolt (go.etcd.io/bbolt/internal/common), in the machine's byte order:
// a page starts with its id (8 bytes), flags (2), element count (2) and overflow (4); a branch
// element is pos (4), key size (4), child page (8); a leaf element is flags (4), pos (4), key
// size (4), value size (4), with pos counted from the element itself; a bucket's value is its
// root page (8) and sequence (8), followed by the bucket's page when the root is 0 (inline).
const (
	pageHeader  = 16
	elemSize    = 16
	branchFlag  = 0x01
	leafFlag    = 0x02
	bucketFlag  = 0x01
	boltMagic   = 0xED0CDAED
	boltVersion = 2
	maxDepth    = 64
)

var ne = binary.NativeEndian

// boltMeta is the part of a meta page that checkPages needs.
type boltMeta struct {
	root, pgid, txid uint64
}

// checkPages reads the pages of the tree that bbolt will walk, from the file rather than the
// memory map, and checks what bbolt trusts: that the file holds every page up to the high
// water mark, that every page referenced lies below it, is a branch or a leaf page that names
// itself, is referenced once, and holds its elements, keys and values within itself. A
// database that passes can be read by bbolt without faults, loops or out-of-range panics.
func checkPages(f *os.File, db *bbolt.DB) error {
	psize := db.Info().PageSize
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	m, err := readMeta(f, psize)
	if err != nil {
		return err
	}
	var txid uint64
	if err := db.View(func(tx *bbolt.Tx) error { txid = uint64(tx.ID()); return nil }); err != nil {
		return err
	}
	if m.txid != txid {
		return fmt.Errorf("its meta pages disagree (transaction %d, bbolt reads %d)", m.txid, txid)
	}
	if m.pgid > uint64(fi.Size())/uint64(psize) {
		return fmt.Errorf("truncated: the file has %d bytes, its pages need %d", fi.Size(), m.pgid*uint64(psize))
	}
	w := &pageWalker{f: f, psize: psize, hwm: m.pgid, seen: make([]uint64, (m.pgid+63)/64)}
	return w.tree(m.root, 0)
}

// readMeta returns the meta page bbolt uses: the valid one of the higher transaction.
func readMeta(f *os.File, psize int) (boltMeta, error) {
	var metas [2]boltMeta
	var errs [2]error
	for i := range metas {
		buf := make([]byte, pageHeader+64)
		if _, err := f.ReadAt(buf, int64(i*psize)); err != nil {
			errs[i] = err
			continue
		}
		b := buf[pageHeader:]
		h := fnv.New64a()
		h.Write(b[:56]) // magic, version, page size, flags, root, freelist, pgid, txid
		switch {
		case ne.Uint32(b[0:]) != boltMagic:
			errs[i] = errors.New("no bbolt magic")
		case ne.Uint32(b[4:]) != boltVersion:
			errs[i] = errors.New("another bbolt version")
		case ne.Uint64(b[56:]) != h.Sum64():
			errs[i] = errors.New("bad checksum")
		}
		metas[i] = boltMeta{root: ne.Uint64(b[16:]), pgid: ne.Uint64(b[40:]), txid: ne.Uint64(b[48:])}
	}
	a, b := 0, 1
	if metas[1].txid > metas[0].txid {
		a, b = 1, 0
	}
	if errs[a] == nil {
		return metas[a], nil
	}
	if errs[b] == nil {
		return metas[b], nil
	}
	return boltMeta{}, fmt.Errorf("both meta pages are invalid (%v; %v)", errs[0], errs[1])
}

type pageWalker struct {
	f     *os.File
	psize int
	hwm   uint64
	seen  []uint64 // a bit per page
}

// page reads page id with its overflow pages, once.
func (w *pageWalker) page(id uint64) ([]byte, error) {
	if id < 2 || id >= w.hwm {
		return nil, fmt.Errorf("a reference to page %d, outside pages 2 to %d", id, w.hwm-1)
	}
	head := make([]byte, pageHeader)
	if _, err := w.f.ReadAt(head, int64(id)*int64(w.psize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	if got := ne.Uint64(head); got != id {
		return nil, fmt.Errorf("page %d names itself %d", id, got)
	}
	over := uint64(ne.Uint32(head[12:]))
	if id+over >= w.hwm {
		return nil, fmt.Errorf("page %d overflows past the last page", id)
	}
	for p := id; p <= id+over; p++ {
		if w.seen[p/64]&(1<<(p%64)) != 0 {
			return nil, fmt.Errorf("page %d is referenced twice", p)
		}
		w.seen[p/64] |= 1 << (p % 64)
	}
	buf := make([]byte, (over+1)*uint64(w.psize))
	if _, err := w.f.ReadAt(buf, int64(id)*int64(w.psize)); err != nil && err != io.EOF {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	return buf, nil
}

// tree checks the page tree rooted at id.
func (w *pageWalker) tree(id uint64, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("page %d: the tree is deeper than %d", id, maxDepth)
	}
	p, err := w.page(id)
	if err != nil {
		return err
	}
	return w.node(p, id, depth)
}

// node checks one page (p holds it whole: its overflow, or an inline bucket's value).
func (w *pageWalker) node(p []byte, id uint64, depth int) error {
	flags, count := ne.Uint16(p[8:]), int(ne.Uint16(p[10:]))
	if pageHeader+count*elemSize > len(p) {
		return fmt.Errorf("page %d: %d elements do not fit", id, count)
	}
	switch flags {
	case branchFlag:
		if count == 0 {
			return fmt.Errorf("page %d: a branch without elements", id)
		}
		for i := range count {
			e := pageHeader + i*elemSize
			pos, ksize := int(ne.Uint32(p[e:])), int(ne.Uint32(p[e+4:]))
			if e+pos+ksize > len(p) {
				return fmt.Errorf("page %d: element %d lies outside the page", id, i)
			}
			if err := w.tree(ne.Uint64(p[e+8:]), depth+1); err != nil {
				return err
			}
		}
	case leafFlag:
		for i := range count {
			e := pageHeader + i*elemSize
			eflags := ne.Uint32(p[e:])
			pos, ksize, vsize := int(ne.Uint32(p[e+4:])), int(ne.Uint32(p[e+8:])), int(ne.Uint32(p[e+12:]))
			end := e + pos + ksize + vsize
			if end > len(p) || end < e {
				return fmt.Errorf("page %d: element %d lies outside the page", id, i)
			}
			if eflags&bucketFlag == 0 {
				continue
			}
			v := p[e+pos+ksize : end]
			if len(v) < 16 {
				return fmt.Errorf("page %d: element %d: a bucket of %d bytes", id, i, len(v))
			}
			if root := ne.Uint64(v); root != 0 {
				if err := w.tree(root, depth+1); err != nil {
					return err
				}
				continue
			}
			inline := v[16:]
			if len(inline) < pageHeader {
				return fmt.Errorf("page %d: element %d: an inline bucket of %d bytes", id, i, len(inline))
			}
			if ne.Uint16(inline[8:]) != leafFlag {
				return fmt.Errorf("page %d: element %d: an inline bucket that is not a leaf", id, i)
			}
			if depth+1 > maxDepth {
				return fmt.Errorf("page %d: buckets nested deeper than %d", id, maxDepth)
			}
			if err := w.node(inline, id, depth+1); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("page %d is neither a branch nor a leaf (flags %#x)", id, flags)
	}
	return nil
}
