package storage

import (
	"slices"
	"strings"
	"unsafe"
)

// write is one pending write of the projection: a value, or a deletion.
type write struct {
	v   []byte
	del bool
}

// keyedWrite is a pending write with its key.
type keyedWrite struct {
	k string
	w write
}

// keyString is a key just made, as the string that a pending write keeps, without a copy:
// nothing writes to k after.
func keyString(k []byte) string { return unsafe.String(unsafe.SliceData(k), len(k)) }

// keyBytes is the key of a pending write as bbolt takes it, without a copy: bbolt only reads a
// key, and copies what it keeps of it (Put).
func keyBytes(k string) []byte { return unsafe.Slice(unsafe.StringData(k), len(k)) }

// writeSet is the pending writes of one bucket, in the order their keys were first written:
// mostly the order of the keys already, as decisions come in the order of the posts, and a
// list in order costs its sort one pass. The writes of an index that a transaction never reads
// back (unread) are only listed, in the order made, without the map that finds a key's write:
// the last write of each key is found when they are flushed (lastOfEach).
type writeSet struct {
	at   map[string]int // where each key's write is in list; nil for an index never read back
	list []keyedWrite
	// lo and hi are the least and the greatest key in at: a look-up of a key outside them
	// passes over the set without probing the map, as a look-up through the writes of the
	// chunks before mostly does.
	lo, hi string
	// dels and puts are the writes as flushWrites writes them (order): the last write of each
	// key, the deletions and the rest, each in the order of their keys. The fold orders a
	// chunk's writes on the goroutine that replays it, so that the one that commits it only
	// writes. ordered says they follow the list; di and pi are room that lastOfEach keeps.
	dels, puts []keyedWrite
	ordered    bool
	di, pi     []int
}

// unread are the indexes whose pending writes a transaction never reads back: the fold reads
// posts, members and the like, and only writes their entries in the indexes.
var unread = map[string]bool{string(ixPostStatus): true, string(ixAppStatus): true, string(ixViolMember): true, string(ixFacts): true}

func newWriteSet(bucket []byte, n int) *writeSet {
	ws := &writeSet{list: make([]keyedWrite, 0, n)}
	if !unread[string(bucket)] {
		ws.at = make(map[string]int, n)
	}
	return ws
}

func (ws *writeSet) set(key string, w write) {
	ws.ordered = false
	if ws.at == nil {
		ws.list = append(ws.list, keyedWrite{key, w})
		return
	}
	if i, ok := ws.at[key]; ok {
		ws.list[i].w = w
		return
	}
	if len(ws.list) == 0 || key < ws.lo {
		ws.lo = key
	}
	if len(ws.list) == 0 || key > ws.hi {
		ws.hi = key
	}
	ws.at[key] = len(ws.list)
	ws.list = append(ws.list, keyedWrite{key, w})
}

// writeSets are the pending writes of a transaction, by bucket.
type writeSets map[string]*writeSet

// lookup is the pending write of key in bucket, if there is one.
func (w writeSets) lookup(bucket, key []byte) (write, bool) {
	if ws := w[string(bucket)]; ws != nil && len(ws.list) > 0 && string(key) >= ws.lo && string(key) <= ws.hi {
		if i, ok := ws.at[string(key)]; ok {
			return ws.list[i].w, true
		}
	}
	return write{}, false
}

// reset empties the sets, keeping the room they have.
func (w writeSets) reset() writeSets {
	for _, ws := range w {
		clear(ws.at)
		for _, xs := range []*[]keyedWrite{&ws.list, &ws.dels, &ws.puts} {
			clear(*xs)
			*xs = (*xs)[:0]
		}
		ws.lo, ws.hi, ws.ordered = "", "", false
	}
	return w
}

// order orders the writes of every bucket as flushWrites writes them.
func (w writeSets) order() {
	for _, ws := range w {
		ws.order()
	}
}

func (w writeSets) of(bucket []byte) *writeSet {
	ws := w[string(bucket)]
	if ws == nil {
		ws = newWriteSet(bucket, 0)
		w[string(bucket)] = ws
	}
	return ws
}

// flushWrites writes the pending writes, each bucket's in the order of its keys: its
// deletions, from the last key back, then the rest (a key is one or the other). A node of the
// tree takes a key out by moving the keys after it down, so the deletions go from the last:
// a run of keys taken out of one node, as decisions take a run of posts out of the pending
// ones, then moves none of its own keys, where the other way round it moved each of them once
// for every key before it (a million deletions took 0.44 s of moves).
func (st *txState) flushWrites() error {
	if err := st.encodePosts(); err != nil {
		return err
	}
	if st.werr != nil {
		return st.werr
	}
	for name, ws := range st.writes {
		b := st.b[name]
		sealed := isSealed(name)
		ws.order()
		for i := len(ws.dels) - 1; i >= 0; i-- {
			if err := st.remove(name, keyBytes(ws.dels[i].k)); err != nil {
				return stored(err)
			}
		}
		for _, x := range ws.puts {
			v := x.w.v
			if sealed {
				v = seal(keyBytes(x.k), v)
			}
			if err := b.Put(keyBytes(x.k), v); err != nil {
				return stored(err)
			}
		}
	}
	st.writes = writeSets{} // not cleared: a replay ahead may read them still
	return nil
}

// order makes dels and puts from the list, in the room they had, unless they follow it already.
// In a set whose keys each have one write (a map finds it), the list splits into the two.
func (ws *writeSet) order() {
	if ws.ordered {
		return
	}
	if ws.at == nil {
		ws.lastOfEach()
	} else {
		ws.dels, ws.puts = ws.dels[:0], ws.puts[:0]
		for _, x := range ws.list {
			if x.w.del {
				ws.dels = append(ws.dels, x)
			} else {
				ws.puts = append(ws.puts, x)
			}
		}
		sortKeyed(ws.dels)
		sortKeyed(ws.puts)
	}
	ws.ordered = true
}

// lastOfEach keeps, of the writes listed in the order they were made, the last write of each
// key: the deletions in dels, and the rest in puts. Each kind comes mostly in the order of its
// keys (the entries that decisions take out of the status index, and those they put in), so
// each is sorted on its own, in one pass when in order, and the two are then walked together.
func (ws *writeSet) lastOfEach() {
	list, dels, puts := ws.list, ws.dels[:0], ws.puts[:0]
	di, pi := ws.di[:0], ws.pi[:0]
	for i := range list {
		if list[i].w.del {
			di = append(di, i)
		} else {
			pi = append(pi, i)
		}
	}
	// Sorted by key, then by when they were made; of a key's run, the last made stays.
	byKey := func(a, b int) int {
		if c := strings.Compare(list[a].k, list[b].k); c != 0 {
			return c
		}
		return a - b
	}
	last := func(xs []int) []int {
		if !slices.IsSortedFunc(xs, byKey) {
			slices.SortFunc(xs, byKey)
		}
		out := xs[:0]
		for j, i := range xs {
			if j+1 < len(xs) && list[xs[j+1]].k == list[i].k {
				continue
			}
			out = append(out, i)
		}
		return out
	}
	di, pi = last(di), last(pi)
	ws.di, ws.pi = di, pi // the walk below takes from the front
	for len(di) > 0 || len(pi) > 0 {
		switch {
		case len(pi) == 0 || len(di) > 0 && list[di[0]].k < list[pi[0]].k:
			dels, di = append(dels, list[di[0]]), di[1:]
		case len(di) == 0 || list[pi[0]].k < list[di[0]].k:
			puts, pi = append(puts, list[pi[0]]), pi[1:]
		default: // a key deleted and put: the later stays
			if di[0] > pi[0] {
				dels = append(dels, list[di[0]])
			} else {
				puts = append(puts, list[pi[0]])
			}
			di, pi = di[1:], pi[1:]
		}
	}
	ws.dels, ws.puts = dels, puts
}

// sortKeyed sorts writes by key, with one pass when they are in order already.
func sortKeyed(xs []keyedWrite) {
	cmp := func(a, b keyedWrite) int { return strings.Compare(a.k, b.k) }
	if !slices.IsSortedFunc(xs, cmp) {
		slices.SortFunc(xs, cmp)
	}
}
