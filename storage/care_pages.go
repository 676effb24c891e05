package storage

import (
	"bytes"
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
	root, freelist, pgid, txid uint64
}

// noFreelist is the freelist page of a meta page whose free pages were not written.
const noFreelist = ^uint64(0)

const freelistFlag = 0x10

// checkPages reads the pages of the tree that bbolt will walk, from the file rather than the
// memory map, and checks what bbolt trusts: that the file holds every page up to the high
// water mark, that every page referenced lies below it, is a branch or a leaf page that names
// itself, is referenced once, and holds its elements, keys and values within itself; that the
// keys of every page are in order, each within the range its parent gives it (bbolt finds a
// key by them: a key out of place is a key it would not find); and that the free pages are
// below the mark, listed once, and none of them in the tree (a write would use it again), and
// every other page in the tree. A database that passes can be read by bbolt without faults,
// loops or out-of-range panics, and finds every key where it is.
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
	return walkPages(fileSource{f}, psize, m)
}

// walkPages checks the pages of the database that the meta page m describes (checkPages).
func walkPages(src pageSource, psize int, m boltMeta) error {
	w := &pageWalker{f: src, psize: psize, hwm: m.pgid, seen: make([]uint64, (m.pgid+63)/64)}
	if err := w.tree(m.root, 0, nil, nil); err != nil {
		return err
	}
	if m.freelist == noFreelist {
		return nil
	}
	if err := w.freelist(m.freelist); err != nil {
		return err
	}
	// Every page is in the tree or free: a page that is neither was let go by a damaged
	// reference, which points elsewhere now.
	for p := uint64(2); p < w.hwm; p++ {
		if !w.marked(p) {
			return fmt.Errorf("page %d is neither in the tree nor free: a reference to it was lost", p)
		}
	}
	return nil
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
		metas[i] = boltMeta{root: ne.Uint64(b[16:]), freelist: ne.Uint64(b[32:]), pgid: ne.Uint64(b[40:]), txid: ne.Uint64(b[48:])}
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

// pageSource gives the bytes [off, off+n) of a database file: read into buf (whose room it
// may use), or a slice of the memory map.
type pageSource interface {
	at(off int64, n int, buf []byte) ([]byte, error)
}

// fileSource reads the pages from the file.
type fileSource struct{ f *os.File }

func (s fileSource) at(off int64, n int, buf []byte) ([]byte, error) {
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := s.f.ReadAt(buf, off); err != nil && err != io.EOF {
		return nil, err
	}
	return buf, nil
}

// mapSource reads the pages from bbolt's memory map, within a transaction: data covers the
// pages up to the high water mark, which the file holds (checkFile, and the size read again
// before).
type mapSource struct{ data []byte }

func (s mapSource) at(off int64, n int, _ []byte) ([]byte, error) {
	if off < 0 || off+int64(n) > int64(len(s.data)) {
		return nil, fmt.Errorf("bytes %d to %d lie past the end of the file", off, off+int64(n))
	}
	return s.data[off : off+int64(n)], nil
}

type pageWalker struct {
	f     pageSource
	psize int
	hwm   uint64
	seen  []uint64 // a bit per page
	// bufs are the pages read, by depth: a page's buffer is kept while its children are read
	bufs [][]byte
}

func (w *pageWalker) marked(p uint64) bool { return w.seen[p/64]&(1<<(p%64)) != 0 }

// page reads page id with its overflow pages, once, into the buffer of its depth.
func (w *pageWalker) page(id uint64, depth int) ([]byte, error) {
	if id < 2 || id >= w.hwm {
		return nil, fmt.Errorf("a reference to page %d, outside pages 2 to %d", id, w.hwm-1)
	}
	for len(w.bufs) <= depth {
		w.bufs = append(w.bufs, nil)
	}
	buf := w.bufs[depth]
	head, err := w.f.at(int64(id)*int64(w.psize), pageHeader, buf)
	if err != nil {
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
		if w.marked(p) {
			return nil, fmt.Errorf("page %d is referenced twice", p)
		}
		w.seen[p/64] |= 1 << (p % 64)
	}
	p, err := w.f.at(int64(id)*int64(w.psize), int(over+1)*w.psize, buf)
	if err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	if cap(p) > cap(buf) {
		w.bufs[depth] = p[:0]
	}
	return p, nil
}

// tree checks the page tree rooted at id, whose keys must lie in [lo, hi) (nil: no bound).
func (w *pageWalker) tree(id uint64, depth int, lo, hi []byte) error {
	if depth > maxDepth {
		return fmt.Errorf("page %d: the tree is deeper than %d", id, maxDepth)
	}
	p, err := w.page(id, depth)
	if err != nil {
		return err
	}
	return w.node(p, id, depth, lo, hi)
}

// node checks one page (p holds it whole: its overflow, or an inline bucket's value), whose
// keys must be in order and lie in [lo, hi).
func (w *pageWalker) node(p []byte, id uint64, depth int, lo, hi []byte) error {
	flags, count := ne.Uint16(p[8:]), int(ne.Uint16(p[10:]))
	if pageHeader+count*elemSize > len(p) {
		return fmt.Errorf("page %d: %d elements do not fit", id, count)
	}
	// bbolt writes a page's data right after its elements, each key and value after the one
	// before (common.WriteInodeToPage): a count, a position or a size that changed breaks the
	// chain.
	next := pageHeader + count*elemSize
	packed := func(i, e, pos, size int) error {
		if e+pos != next {
			return fmt.Errorf("page %d: element %d does not begin where the one before ends", id, i)
		}
		next += size
		return nil
	}
	// Each key after the one before; the first and the last (so all) within the parent's range.
	var prev []byte
	inOrder := func(i int, k []byte) error {
		switch {
		case i > 0 && bytes.Compare(prev, k) >= 0:
			return fmt.Errorf("page %d: key %d is out of order", id, i)
		case i == 0 && lo != nil && bytes.Compare(k, lo) < 0, i == count-1 && hi != nil && bytes.Compare(k, hi) >= 0:
			return fmt.Errorf("page %d: key %d lies outside the range of its parent", id, i)
		}
		prev = k
		return nil
	}
	switch flags {
	case branchFlag:
		if count == 0 {
			return fmt.Errorf("page %d: a branch without elements", id)
		}
		keys := make([][]byte, count) // the page's buffer is used again by its children
		children := make([]uint64, count)
		for i := range count {
			e := pageHeader + i*elemSize
			pos, ksize := int(ne.Uint32(p[e:])), int(ne.Uint32(p[e+4:]))
			if e+pos+ksize > len(p) || e+pos+ksize < e {
				return fmt.Errorf("page %d: element %d lies outside the page", id, i)
			}
			k := p[e+pos : e+pos+ksize]
			if err := packed(i, e, pos, ksize); err != nil {
				return err
			}
			if err := inOrder(i, k); err != nil {
				return err
			}
			keys[i], children[i] = bytes.Clone(k), ne.Uint64(p[e+8:])
		}
		for i, child := range children {
			// The first child holds the keys from the parent's bound; each other from its key.
			clo, chi := keys[i], hi
			if i == 0 {
				clo = lo
			}
			if i+1 < count {
				chi = keys[i+1]
			}
			if err := w.tree(child, depth+1, clo, chi); err != nil {
				return err
			}
		}
	case leafFlag:
		type sub struct {
			root   uint64
			inline []byte
			i      int
		}
		var subs []sub
		for i := range count {
			e := pageHeader + i*elemSize
			eflags := ne.Uint32(p[e:])
			pos, ksize, vsize := int(ne.Uint32(p[e+4:])), int(ne.Uint32(p[e+8:])), int(ne.Uint32(p[e+12:]))
			end := e + pos + ksize + vsize
			if end > len(p) || end < e || e+pos+ksize < e {
				return fmt.Errorf("page %d: element %d lies outside the page", id, i)
			}
			if err := packed(i, e, pos, ksize+vsize); err != nil {
				return err
			}
			if err := inOrder(i, p[e+pos:e+pos+ksize]); err != nil {
				return err
			}
			if eflags&bucketFlag == 0 {
				continue
			}
			v := p[e+pos+ksize : end]
			if len(v) < 16 {
				return fmt.Errorf("page %d: element %d: a bucket of %d bytes", id, i, len(v))
			}
			if root := ne.Uint64(v); root != 0 {
				subs = append(subs, sub{root: root, i: i})
				continue
			}
			inline := v[16:]
			if len(inline) < pageHeader {
				return fmt.Errorf("page %d: element %d: an inline bucket of %d bytes", id, i, len(inline))
			}
			if ne.Uint16(inline[8:]) != leafFlag {
				return fmt.Errorf("page %d: element %d: an inline bucket that is not a leaf", id, i)
			}
			subs = append(subs, sub{inline: bytes.Clone(inline), i: i})
		}
		// The nested buckets after the page's own elements: the page's buffer is used again.
		for _, b := range subs {
			if depth+1 > maxDepth {
				return fmt.Errorf("page %d: buckets nested deeper than %d", id, maxDepth)
			}
			var err error
			if b.inline != nil {
				err = w.node(b.inline, id, depth+1, nil, nil)
			} else {
				err = w.tree(b.root, depth+1, nil, nil)
			}
			if err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("page %d is neither a branch nor a leaf (flags %#x)", id, flags)
	}
	return nil
}

// freelist checks the free pages the meta page lists: below the high water mark, each once,
// none of them a page of the tree.
func (w *pageWalker) freelist(id uint64) error {
	if id < 2 || id >= w.hwm {
		return fmt.Errorf("the free pages are listed on page %d, outside pages 2 to %d", id, w.hwm-1)
	}
	head, err := w.f.at(int64(id)*int64(w.psize), pageHeader+8, nil)
	if err != nil {
		return fmt.Errorf("page %d: %w", id, err)
	}
	if got := ne.Uint64(head); got != id {
		return fmt.Errorf("page %d names itself %d", id, got)
	}
	if flags := ne.Uint16(head[8:]); flags != freelistFlag {
		return fmt.Errorf("page %d, of the free pages, has flags %#x", id, flags)
	}
	over := uint64(ne.Uint32(head[12:]))
	if id+over >= w.hwm {
		return fmt.Errorf("page %d overflows past the last page", id)
	}
	first, count := 0, uint64(ne.Uint16(head[10:]))
	if count == 0xFFFF {
		first, count = 1, ne.Uint64(head[pageHeader:])
	}
	if (uint64(first)+count)*8 > (over+1)*uint64(w.psize)-pageHeader {
		return fmt.Errorf("page %d: %d free pages do not fit", id, count)
	}
	for p := id; p <= id+over; p++ {
		if w.marked(p) {
			return fmt.Errorf("page %d, of the free pages, is in the tree", p)
		}
		w.seen[p/64] |= 1 << (p % 64)
	}
	buf, err := w.f.at(int64(id)*int64(w.psize), int(over+1)*w.psize, nil)
	if err != nil {
		return fmt.Errorf("page %d: %w", id, err)
	}
	ids := buf[pageHeader+first*8:]
	for i := range count {
		free := ne.Uint64(ids[i*8:])
		switch {
		case free < 2 || free >= w.hwm:
			return fmt.Errorf("page %d is listed free, outside pages 2 to %d", free, w.hwm-1)
		case w.marked(free):
			return fmt.Errorf("page %d is listed free, and is in use or listed twice", free)
		}
		w.seen[free/64] |= 1 << (free % 64)
	}
	return nil
}
