// Package storage keeps qunshen's state in one bbolt file: the append-only event log with the
// signed checkpoints of every origin's hash chain, and the projections (entities, indexes and
// counts) written in the same transaction as the events, so that opening never replays the log.
// It also reads and writes the project's file formats.
package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"

	fastjson "github.com/goccy/go-json"
	"go.etcd.io/bbolt"

	"qunshen/internal/atomicfile"
	"qunshen/model"
)

// SchemaVersion is the layout of the buckets. A database of a newer schema is refused.
// Version 2 added the canonical order of the log, the index of events by origin, the
// events set aside by a replay, the parked events of bundles and the peers.
// Version 3 added the report index (storage/report.go), built when an older one is opened.
// Version 4 keeps the facts of submission in the status index's values (storage/report.go).
// Version 5 keeps the log in the canonical order, without a local sequence: an event costs one
// write fewer, and the fold reads the log in the order of its keys (storage/order.go).
// Version 6 writes a post's header binary, not in JSON: a decision rewrites less than half
// the bytes it did.
// Version 7 writes a whole post binary, by one codec (storage/postcodec.go), and the other
// records by encoding/json alone.
// A database of an older version is brought up to this one when opened.
const SchemaVersion = 7

var (
	bMeta        = []byte("meta")
	bLog         = []byte("events")      // time (8) + event id (32) → canonical event body: the log in the canonical order
	bOrigins     = []byte("origins")     // origin key → seq (8) + head id (32)
	bCheckpoints = []byte("checkpoints") // origin key + seq → signed checkpoint
	bOperators   = []byte("operators")   // key → Operator JSON
	bGroups      = []byte("groups")
	bMembers     = []byte("members") // group \0 member id → Member JSON: members by group
	bPosts       = []byte("posts")
	bViolations  = []byte("violations")
	bApps        = []byte("applications")
	bRects       = []byte("rectifications")
	bCounts      = []byte("counts")         // "post/pending" … → int64
	ixPostStatus = []byte("ix_post_status") // status \0 time (8) id → posts by status and time
	ixAppStatus  = []byte("ix_app_status")  // status \0 time (8) id
	ixViolMember = []byte("ix_viol_member") // group \0 member \0 violation id
	bByOrigin    = []byte("by_origin")      // origin key + seq (8) → the event's key in the log
	bSuperseded  = []byte("superseded")     // event id → why the replay set it aside
	bParked      = []byte("parked")         // origin key + seq → event body, waiting for the events before it
	bParkedCP    = []byte("parked_cp")      // origin key + seq → the checkpoint that signed a parked run
	bPeers       = []byte("peers")          // peer name → what was sent to it: origin key + seq, repeated

	allBuckets = [][]byte{bMeta, bLog, bOrigins, bCheckpoints, bOperators, bGroups, bMembers, bPosts,
		bViolations, bApps, bRects, bCounts, ixPostStatus, ixAppStatus, ixViolMember,
		bByOrigin, bSuperseded, bParked, bParkedCP, bPeers, bTrust}

	kSchema   = []byte("schema")
	kLogSeq   = []byte("log_seq") // how many events the log holds
	kDefaultO = []byte("default_operator")
	kMaxTime  = []byte("max_time")  // the latest time of any event in the log, for the clock
	kFoldFrom = []byte("fold_from") // present while the projection is behind the log: see catchUp
	// present while the events after kFoldFrom lack their entries in the index by origin too,
	// which their fold writes (importer.store)
	kIndexBehind = []byte("index_behind")
)

// pageSize is the page size of the database files qunshen makes: new databases, and the copies
// that compact and restore write. Pages of 16 KiB rather than the system's 4 KiB make a
// B+tree of a quarter of the pages: an import of a million posts writes and syncs a quarter
// of the pages, each put searches a shallower tree, and a post of a long body seldom spills
// onto pages of its own (BenchmarkImport1M: about 15 % faster). A single decision writes
// 16 KiB for each page it touches (BenchmarkDecideOne: about 320 KB, against 105 KB). A file
// made with another page size keeps it: bbolt reads it from the file.
const pageSize = 16 << 10

// ErrLocked is returned when another process holds the database.
var ErrLocked = errors.New("another qunshen has this database open")

// Store is an open database.
type Store struct {
	db    *bbolt.DB
	path  string
	clock func() time.Time // the time of new events: time.Now unless SetClock
	// batches counts the import transactions, to release the memory map now and then.
	batches atomic.Int64
}

// Open opens (creating when missing) the database at path, with its file 0600 and its folder
// 0700. A database held by another process is refused after two seconds with ErrLocked.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout:         2 * time.Second,
		InitialMmapSize: 1 << 30, // address space, not memory: a growing file need not remap
		FreelistType:    bbolt.FreelistMapType,
		PageSize:        pageSize,
	})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w (close it first)", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// Grow the file in large steps: each growth is a truncate and an fsync.
	db.AllocSize = 64 << 20
	s := &Store{db: db, path: path}
	if err := s.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// An import of bundles killed while it folded: finish the fold before anything reads.
	if s.foldPending() {
		if err := s.catchUp(nil); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: finishing the fold of imported events: %w", path, err)
		}
	}
	return s, nil
}

func (s *Store) init() error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		schema := 0 // of the database as it was: 0 for a new one
		if m := tx.Bucket(bMeta); m != nil {
			v := m.Get(kSchema)
			n, err := strconv.Atoi(string(v))
			if err != nil {
				return fmt.Errorf("not a qunshen database (schema %q)", v)
			}
			if n > SchemaVersion {
				return fmt.Errorf("the database has schema %d, newer than this qunshen reads (%d): use a newer qunshen", n, SchemaVersion)
			}
			schema = n
		}
		if err := upgradeTrust(tx, s.path); err != nil {
			return err
		}
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		older := func(than int) bool { return schema >= 1 && schema < than }
		if older(5) {
			if err := migrateLog(tx); err != nil {
				return fmt.Errorf("bringing the database to schema %d: %w", SchemaVersion, err)
			}
		}
		if older(7) {
			if err := migratePosts(tx); err != nil {
				return fmt.Errorf("bringing the database to schema %d: %w", SchemaVersion, err)
			}
		}
		if older(3) {
			if err := buildReportIndex(tx); err != nil {
				return fmt.Errorf("building the report index: %w", err)
			}
		}
		if older(4) {
			if err := moveSubmitFacts(tx); err != nil {
				return fmt.Errorf("bringing the database to schema %d: %w", SchemaVersion, err)
			}
		}
		if older(7) {
			if err := migrateJSONRecords(tx); err != nil {
				return fmt.Errorf("bringing the database to schema %d: %w", SchemaVersion, err)
			}
		}
		if schema != SchemaVersion {
			return tx.Bucket(bMeta).Put(kSchema, []byte(strconv.Itoa(SchemaVersion)))
		}
		return nil
	})
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the bbolt handle to the tests of this package and to tools.
func (s *Store) DB() *bbolt.DB { return s.db }

// timeKey orders times, before 1970 included, as bytes.
func timeKey(t time.Time) []byte { return appendTimeKey(nil, t) }

// appendTimeKey appends t's time key to dst, for the keys made of a time and more.
func appendTimeKey(dst []byte, t time.Time) []byte {
	return binary.BigEndian.AppendUint64(dst, uint64(t.UnixNano())^(1<<63))
}

func postStatusKey(p *model.Post) []byte {
	k := make([]byte, 0, len(p.Status)+1+8+len(p.ID))
	k = append(append(k, p.Status...), 0)
	k = appendTimeKey(k, p.Time)
	return append(k, p.ID...)
}

func appStatusKey(a *model.Application) []byte {
	k := append([]byte(a.Status), 0)
	k = append(k, timeKey(a.Time)...)
	return append(k, a.ID...)
}

func violMemberKey(v *model.Violation) []byte {
	return []byte(v.Group + "\x00" + v.Member + "\x00" + v.ID)
}

// txState is model.State over one write (or read) transaction. Counts are gathered as deltas
// and written once at the end.
type txState struct {
	tx     *bbolt.Tx
	b      map[string]*bbolt.Bucket
	counts model.Counts
	groups map[string]model.Group // groups are few and read for every post: keep them decoded
	// operators are fewer still, and read for every event
	operators map[model.Key]model.Operator
	// members read in this transaction, decoded: a batch of posts names the same authors
	// again and again.
	members map[string]model.Member
	// posts keeps the posts read or written in this transaction, decoded, with the bytes of
	// their content, so that a decision rewrites a post's header and copies its content as it
	// is; the posts written are encoded at the end, on every core.
	posts map[string]*postEntry
	// dirty are the posts written in this transaction, in the order they were first written.
	dirty []*postEntry
	// submitted is the post.submit record of an import being applied, with the writes of its
	// post made beside the parsing, for the case that it is new.
	submitted *submission
	// known holds member keys known to exist; an import shares one set across its
	// transactions (an import never removes a member, so what it learnt stays true).
	known map[memberRef]struct{}
	key   []byte // scratch for keys looked up
	// cursors are the buckets' cursors that get and the deletions use (cursor)
	cursors map[string]*bbolt.Cursor
	// writes holds the writes to the projection until the end of the transaction, when they
	// go to bbolt sorted by key: bbolt splits its pages only at the commit, and a page that
	// takes thousands of keys out of order in one transaction costs a copy of the page for each.
	writes writeSets
	// prev are the writes of earlier transactions that are not committed yet, newest first,
	// read after writes: the chunks a fold replayed ahead of their transactions (foldPipe).
	prev []writeSets
	// direct sends the writes to bbolt as they come, for an import, whose keys come mostly in
	// their order already: buffering them would cost more than it saves. werr keeps the first
	// fault of such a write, for the end of the transaction.
	direct bool
	werr   error
	// deciding is the post that the event being replayed decides (model.IsDecision), which
	// may read it lean (postEntry.lean); empty for any other event.
	deciding string
	// fresh is set for an import of queue files validated whole: it knows the posts that
	// cannot be stored yet (neither in the database nor earlier in the files), whose look-up
	// is passed over; and the validation found every post's author.
	fresh *postIDs
}

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
var unread = map[string]bool{string(ixPostStatus): true, string(ixAppStatus): true, string(ixViolMember): true, string(ixReport): true}

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

// get reads a key of a projection bucket, pending writes first.
func (st *txState) get(bucket []byte, key []byte) []byte {
	if st.direct {
		return st.stored(string(bucket), key)
	}
	w, ok := st.writes.lookup(bucket, key)
	for i := 0; !ok && i < len(st.prev); i++ {
		w, ok = st.prev[i].lookup(bucket, key)
	}
	switch {
	case !ok:
		return st.stored(string(bucket), key)
	case w.del:
		return nil
	}
	return w.v
}

// cursor is the bucket's cursor, one for the transaction. bbolt's Get and Delete each make a
// cursor of their own, whose path they grow from nothing (three allocations in a tree three
// deep); a cursor kept keeps its path's room. Every use seeks from the root, so it finds what
// the transaction wrote since. Only the goroutine that owns the transaction uses it.
func (st *txState) cursor(bucket string) *bbolt.Cursor {
	c := st.cursors[bucket]
	if c == nil {
		if st.cursors == nil {
			st.cursors = map[string]*bbolt.Cursor{}
		}
		c = st.b[bucket].Cursor()
		st.cursors[bucket] = c
	}
	return c
}

// stored is the value bbolt holds under key, as bbolt's Get gives it: nil for a key that is
// not there, or that names a bucket.
func (st *txState) stored(bucket string, key []byte) []byte {
	k, v := st.cursor(bucket).Seek(key)
	if !bytes.Equal(k, key) {
		return nil
	}
	return v
}

// remove takes key out of the bucket, as bbolt's Delete does: a key that is not there is
// no fault, one that names a bucket is.
func (st *txState) remove(bucket string, key []byte) error {
	c := st.cursor(bucket)
	if k, _ := c.Seek(key); !bytes.Equal(k, key) {
		return nil
	}
	return c.Delete()
}

// present is v as a stored value: empty rather than nil, so that get tells it from a key that is
// not there.
func present(v []byte) []byte {
	if v == nil {
		return []byte{}
	}
	return v
}

func (st *txState) put(bucket []byte, key []byte, v []byte) {
	v = present(v)
	if st.direct {
		st.directWrite(st.b[string(bucket)].Put(key, v))
		return
	}
	st.writes.of(bucket).set(string(key), write{v: v})
}

// write makes a pending write of the projection.
func (st *txState) write(bucket []byte, x keyedWrite) {
	switch {
	case st.direct && x.w.del:
		st.del(bucket, keyBytes(x.k))
	case st.direct:
		st.put(bucket, keyBytes(x.k), x.w.v)
	case x.w.del:
		st.writes.of(bucket).set(x.k, write{del: true})
	default:
		st.writes.of(bucket).set(x.k, write{v: present(x.w.v)})
	}
}

func (st *txState) del(bucket []byte, key []byte) {
	if st.direct {
		st.directWrite(st.remove(string(bucket), key))
		return
	}
	st.writes.of(bucket).set(string(key), write{del: true})
}

// expect makes room for the writes of n decisions on posts: each writes its post, moves its
// entry in the status index (two keys) and adds a fact to the report index. Maps that grow
// step by step to tens of thousands of keys rehash every key at each step.
func (st *txState) expect(n int) {
	for _, w := range []struct {
		bucket []byte
		keys   int
	}{{bPosts, n}, {ixPostStatus, 2 * n}, {ixReport, n}} {
		if st.writes[string(w.bucket)] == nil {
			st.writes[string(w.bucket)] = newWriteSet(w.bucket, w.keys)
		}
	}
	if len(st.posts) == 0 {
		st.posts = make(map[string]*postEntry, n)
	}
}

// directWrite keeps the first fault of a direct write.
func (st *txState) directWrite(err error) {
	if err != nil && st.werr == nil {
		st.werr = stored(err)
	}
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
		ws.order()
		for i := len(ws.dels) - 1; i >= 0; i-- {
			if err := st.remove(name, keyBytes(ws.dels[i].k)); err != nil {
				return stored(err)
			}
		}
		for _, x := range ws.puts {
			if err := b.Put(keyBytes(x.k), x.w.v); err != nil {
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

// memberRef names a member without building its key.
type memberRef struct{ group, id string }

func newTxState(tx *bbolt.Tx) *txState {
	st := &txState{tx: tx, b: map[string]*bbolt.Bucket{}, counts: model.Counts{}, groups: map[string]model.Group{}, members: map[string]model.Member{}, posts: map[string]*postEntry{}, writes: writeSets{}, operators: map[model.Key]model.Operator{}}
	for _, name := range allBuckets {
		st.b[string(name)] = tx.Bucket(name)
	}
	// Posts come mostly in the order of their ids and times: pages split at the default half
	// would stay half empty.
	for _, name := range [][]byte{bPosts, ixPostStatus, ixAppStatus, ixReport} {
		st.b[string(name)].FillPercent = 0.9
	}
	return st
}

func getJSON[T any](st *txState, bucket []byte, key string) (T, bool, error) {
	var v T
	raw := st.get(bucket, []byte(key))
	if raw == nil {
		return v, false, nil
	}
	if err := fastjson.Unmarshal(raw, &v); err != nil {
		return v, false, fmt.Errorf("stored %s %q is damaged: %w", bucket, key, err)
	}
	return v, true, nil
}

// encode is the encoder of the records stored in JSON (operators, groups, members, violations,
// applications, rectifications): encoding/json's, the reference of the format, whose bytes
// verify compares with those of a fresh fold.
func encode(v any) ([]byte, error) { return json.Marshal(v) }

func (st *txState) putJSON(bucket []byte, key string, v any) error {
	raw, err := encode(v)
	if err != nil {
		return err
	}
	st.put(bucket, []byte(key), raw)
	return nil
}

// stored marks a fault of bbolt as one of the storage, which stops a replay.
func stored(err error) error {
	if err != nil {
		return fmt.Errorf("%w: %w", model.ErrStorage, err)
	}
	return nil
}

func (st *txState) Operator(k model.Key) (model.Operator, bool, error) {
	if o, ok := st.operators[k]; ok {
		return o, true, nil
	}
	o, ok, err := getJSON[model.Operator](st, bOperators, string(k[:]))
	if ok {
		st.operators[k] = o
	}
	return o, ok, err
}
func (st *txState) Group(id string) (model.Group, bool, error) {
	if g, ok := st.groups[id]; ok {
		return g, true, nil
	}
	g, ok, err := getJSON[model.Group](st, bGroups, id)
	if ok {
		st.groups[id] = g
	}
	return g, ok, err
}
func (st *txState) Member(key string) (model.Member, bool, error) {
	if m, ok := st.members[key]; ok {
		return m, true, nil
	}
	m, ok, err := getJSON[model.Member](st, bMembers, key)
	if ok {
		st.members[key] = m
	}
	return m, ok, err
}
func (st *txState) HasMember(group, id string) (bool, error) {
	if st.fresh != nil {
		// The import's validation found every author it names, in the database or earlier
		// in its files, whose members are written before the posts; none is removed.
		return true, nil
	}
	ref := memberRef{group, id}
	if _, ok := st.known[ref]; ok {
		return true, nil
	}
	st.key = append(append(append(st.key[:0], group...), 0), id...)
	if st.get(bMembers, st.key) == nil {
		return false, nil
	}
	if st.known != nil {
		st.known[ref] = struct{}{}
	}
	return true, nil
}
func (st *txState) Post(id string) (model.Post, bool, error) {
	p, ok, err := st.LendPost(id)
	if !ok {
		return model.Post{}, ok, err
	}
	return *p, true, nil // the fold copies History before it appends
}

// LendPost is the post id as the transaction holds it (model.PostLender): the caller reads
// it and does not change it. An entry never changes the post it holds, but replaces it.
func (st *txState) LendPost(id string) (*model.Post, bool, error) {
	if e, ok := st.posts[id]; ok {
		if e.lean && id != st.deciding {
			if err := e.whole(); err != nil {
				return nil, false, fmt.Errorf("stored post %q is damaged: %w", id, err)
			}
		}
		return e.p, true, nil
	}
	if st.fresh != nil && !st.fresh.mayExist(id) {
		return nil, false, nil
	}
	raw := st.get(bPosts, []byte(id))
	if raw == nil {
		return nil, false, nil
	}
	p, content, err := decodePost(raw)
	if err != nil {
		return nil, false, fmt.Errorf("stored post %q is damaged: %w", id, err)
	}
	st.posts[id] = &postEntry{p: &p, content: content}
	return &p, true, nil
}
func (st *txState) Violation(id string) (model.Violation, bool, error) {
	return getJSON[model.Violation](st, bViolations, id)
}
func (st *txState) Application(id string) (model.Application, bool, error) {
	return getJSON[model.Application](st, bApps, id)
}
func (st *txState) Rectification(id string) (model.Rectification, bool, error) {
	return getJSON[model.Rectification](st, bRects, id)
}

func (st *txState) PutOperator(o *model.Operator) error {
	st.operators[o.Key] = *o
	return st.putJSON(bOperators, string(o.Key[:]), o)
}

func (st *txState) PutGroup(old, g *model.Group) error {
	st.counts.Group(old, g)
	st.groups[g.ID] = *g
	return st.putJSON(bGroups, g.ID, g)
}

func (st *txState) PutMember(old, m *model.Member) error {
	st.counts.Member(old, m)
	st.members[m.Key()] = *m
	if st.known != nil {
		st.known[memberRef{m.Group, m.ID}] = struct{}{}
	}
	return st.putJSON(bMembers, m.Key(), m)
}

func (st *txState) PutPost(old, p *model.Post) error {
	st.counts.Post(old, p)
	if w := st.submitted.writesFor(old, p); w != nil && st.direct {
		st.put(ixPostStatus, w.statusKey, w.statusVal)
		for i := range w.factKeys {
			st.put(ixReport, w.factKeys[i], w.factVals[i])
		}
		delete(st.posts, p.ID)
		st.put(bPosts, []byte(p.ID), w.record)
		return nil
	}
	var content []byte // the content's bytes, when they stay as they are stored
	if old != nil && sameContent(old, p) {
		if e := st.posts[p.ID]; e != nil {
			content = e.content
		}
	}
	e := st.posts[p.ID]
	lean := e != nil && e.lean // p is the lean post a decision read, with what it decided
	if lean && content == nil {
		return fmt.Errorf("post %q: a decision changed what its author wrote", p.ID)
	}
	if st.direct {
		// An import's posts come mostly in the order of their ids: written now, they cost no
		// entry to keep and no sort at the end. A later read in this transaction decodes them.
		var was []model.Fact
		if old != nil && e != nil {
			was = e.facts
		}
		facts := st.indexPost(old, p, was)
		if old != nil {
			st.del(ixPostStatus, postStatusKey(old))
		}
		st.put(ixPostStatus, postStatusKey(p), statusValue(facts))
		delete(st.posts, p.ID)
		st.put(bPosts, []byte(p.ID), encodePost(p, content))
		return nil
	}
	// The post and its entries in the indexes are written at the end of the transaction
	// (encodePosts), from the version the indexes hold to the last.
	ne := &postEntry{p: p, content: content, dirty: true, at: len(st.dirty), lean: lean} // kept, as old is
	switch {
	case e != nil && e.dirty: // written before in this transaction
		ne.base, ne.baseFacts, ne.at = e.base, e.baseFacts, e.at
		st.dirty[ne.at] = ne
	case old != nil:
		ne.base = old // the fold hands over a version it does not change again
		if e != nil {
			ne.baseFacts = e.facts
		}
		fallthrough
	default:
		st.dirty = append(st.dirty, ne)
	}
	st.posts[p.ID] = ne
	return nil
}

func (st *txState) PutViolation(old, v *model.Violation) error {
	st.counts.Violation(old, v)
	st.put(ixViolMember, violMemberKey(v), nil)
	st.indexViolation(old, v)
	return st.putJSON(bViolations, v.ID, v)
}

func (st *txState) PutApplication(old, a *model.Application) error {
	st.counts.Application(old, a)
	if old != nil {
		st.del(ixAppStatus, appStatusKey(old))
	}
	st.put(ixAppStatus, appStatusKey(a), nil)
	st.indexApplication(old, a)
	return st.putJSON(bApps, a.ID, a)
}

func (st *txState) PutRectification(old, r *model.Rectification) error {
	st.counts.Rectification(old, r)
	return st.putJSON(bRects, r.ID, r)
}

func (st *txState) PutSuperseded(id model.Hash, reason string) error {
	if st.get(bSuperseded, id[:]) == nil {
		st.counts["event/superseded"]++
	}
	st.put(bSuperseded, id[:], []byte(reason))
	return nil
}

// flushCounts writes the pending writes of the projection and adds the gathered deltas to
// the stored counts: the end of every transaction that folds.
func (st *txState) flushCounts() error {
	if err := st.flushWrites(); err != nil {
		return err
	}
	b := st.b[string(bCounts)]
	for k, d := range st.counts {
		if d == 0 {
			continue
		}
		var n int64
		if v := b.Get([]byte(k)); len(v) == 8 {
			n = int64(binary.BigEndian.Uint64(v))
		}
		n += d
		if n == 0 {
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
			continue
		}
		if err := b.Put([]byte(k), binary.BigEndian.AppendUint64(nil, uint64(n))); err != nil {
			return err
		}
	}
	clear(st.counts)
	return nil
}

// chainHead is where an origin's chain stands.
type chainHead struct {
	Seq  uint64
	Head model.Hash
}

func (st *txState) head(origin model.Key) chainHead {
	var h chainHead
	if v := st.b[string(bOrigins)].Get(origin[:]); len(v) == 40 {
		h.Seq = binary.BigEndian.Uint64(v[:8])
		copy(h.Head[:], v[8:])
	}
	return h
}

func (st *txState) setHead(origin model.Key, h chainHead) error {
	v := binary.BigEndian.AppendUint64(nil, h.Seq)
	return st.b[string(bOrigins)].Put(origin[:], append(v, h.Head[:]...))
}

// logSeq is how many events the log holds.
func (st *txState) logSeq() uint64 {
	if v := st.b[string(bMeta)].Get(kLogSeq); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// appender adds events of one signer to the log within one transaction.
type appender struct {
	st     *txState
	signer *model.Signer
	head   chainHead
	seq    uint64 // events in the log
	added  int
	ids    []model.Hash
	clock  func() time.Time
	last   time.Time // the latest event time of the log, and of the events given since
}

func newAppender(st *txState, s *model.Signer, now func() time.Time) *appender {
	return &appender{st: st, signer: s, head: st.head(s.Operator.Key), seq: st.logSeq(), clock: now, last: st.maxTime()}
}

// now is the time of the next event: the clock, but always later than every event in the log.
// So an event made here follows, in the canonical order (time, then id), every event that
// this machine had when it was made, whatever the clocks of the machines that made those.
func (a *appender) now() time.Time {
	t := a.clock().UTC()
	if !t.After(a.last) {
		t = a.last.Add(time.Nanosecond)
	}
	a.last = t
	return t
}

// add applies one draft to the state and, unless it changes nothing, appends its event.
// It returns model.ErrNoChange for a draft that was dropped.
func (a *appender) add(d *model.Draft) error {
	ev := a.event(d.Kind, d.Subject, d.Payload, d.Refs, a.now())
	ev.Value = d.Value
	body := ev.Encode(nil)
	id := model.Hash(sha256Sum(body))
	if err := model.Apply(a.st, &ev, id); err != nil {
		return err
	}
	return a.put(&ev, id, body)
}

// event makes the next event of the signer's chain.
func (a *appender) event(kind model.Kind, subject string, payload []byte, refs []model.Hash, t time.Time) model.Event {
	return model.Event{
		Origin:  a.signer.Operator.Key,
		Seq:     a.head.Seq + 1,
		Prev:    a.head.Head,
		Time:    t.UTC(),
		Role:    a.signer.Operator.Role,
		Kind:    kind,
		Subject: subject,
		Refs:    refs,
		Payload: payload,
	}
}

// put appends an applied event to the log. bbolt keeps body until the commit: it must not
// be reused.
func (a *appender) put(ev *model.Event, id model.Hash, body []byte) error {
	a.seq++
	if err := a.st.putEvent(ev, id, body); err != nil {
		return err
	}
	a.head = chainHead{Seq: ev.Seq, Head: id}
	a.added++
	a.ids = append(a.ids, id)
	return nil
}

// putEvent writes an event to the log, and its key there to the index of its origin's chain.
func (st *txState) putEvent(ev *model.Event, id model.Hash, body []byte) error {
	k := orderKey(ev.Time, id)
	if err := st.putLog(k, body); err != nil {
		return err
	}
	return putByOriginEntries(st.tx, []byOriginEntry{indexEntry(ev, k)})
}

// putLog writes an event to the log under its key in the canonical order, k. The log grows
// mostly at its end: this machine's events come after all it holds, and so do most of an
// import's.
func (st *txState) putLog(k, body []byte) error {
	log := st.b[string(bLog)]
	log.FillPercent = 0.9
	return log.Put(k, body)
}

// batcher gathers import records into import.batch events: each record is applied to the
// state as it comes (so that a record that changes nothing is left out), and every
// batchItems records, or batchBytes of payload, become one event.
type batcher struct {
	a       *appender
	items   []model.BatchItem
	payload []byte // reused: the event body is a copy
	size    int
	t       time.Time
	sub     submission // the post.submit being applied
}

const (
	batchItems = 1000
	batchBytes = 1 << 20
)

func (a *appender) batcher() *batcher { return &batcher{a: a} }

// add applies a draft and gathers it; writes, when not nil, are the prepared writes of a
// post it submits, if the post is new.
func (b *batcher) add(d *model.Draft, writes *newPostWrites) error {
	if len(b.items) == 0 {
		b.t = b.a.now().UTC()
	}
	sub := model.Event{Origin: b.a.signer.Operator.Key, Time: b.t, Role: b.a.signer.Operator.Role, Kind: d.Kind, Subject: d.Subject, Payload: d.Payload, Value: d.Value}
	if d.Kind == model.PostSubmit {
		b.sub = submission{id: d.Subject, writes: writes}
		b.a.st.submitted = &b.sub
	}
	err := model.ApplyImport(b.a.st, &sub, b.a.signer.Operator.Name)
	b.a.st.submitted = nil
	if err != nil {
		return err
	}
	b.items = append(b.items, model.BatchItem{Kind: d.Kind, Subject: d.Subject, Payload: d.Payload})
	b.size += len(d.Payload)
	if len(b.items) >= batchItems || b.size >= batchBytes {
		return b.flush()
	}
	return nil
}

// flush writes the gathered records as one event; they are applied already.
func (b *batcher) flush() error {
	if len(b.items) == 0 {
		return nil
	}
	b.payload = model.EncodeBatch(b.payload[:0], b.items)
	ev := b.a.event(model.ImportBatch, "", b.payload, nil, b.t)
	body := ev.Encode(nil)
	b.items, b.size = b.items[:0], 0
	return b.a.put(&ev, model.Hash(sha256Sum(body)), body)
}

// finish writes the chain head, the number of events in the log, the counts and a signed
// checkpoint.
func (a *appender) finish() error {
	if a.added == 0 {
		return a.st.flushCounts()
	}
	if err := a.st.setHead(a.signer.Operator.Key, a.head); err != nil {
		return err
	}
	if err := a.st.b[string(bMeta)].Put(kLogSeq, binary.BigEndian.AppendUint64(nil, a.seq)); err != nil {
		return err
	}
	if err := a.st.setMaxTime(a.last); err != nil {
		return err
	}
	cp := model.Checkpoint{Origin: a.signer.Operator.Key, Seq: a.head.Seq, Head: a.head.Head}
	cp.Sign(a.signer.Priv)
	if err := a.st.b[string(bCheckpoints)].Put(originSeqKey(cp.Origin, cp.Seq), cp.Encode()); err != nil {
		return err
	}
	return a.st.flushCounts()
}

// Append applies the drafts as events of the signer, all or none, in one transaction, and
// returns the ids of the events written (a draft that changes nothing writes none).
func (s *Store) Append(signer *model.Signer, drafts ...model.Draft) ([]model.Hash, error) {
	var ids []model.Hash
	err := s.db.Update(func(tx *bbolt.Tx) error {
		a := newAppender(newTxState(tx), signer, s.now)
		for i := range drafts {
			if err := a.add(&drafts[i]); err != nil && !errors.Is(err, model.ErrNoChange) {
				return err
			}
		}
		ids = a.ids
		return a.finish()
	})
	return ids, err
}

// Register records a new operator (signed by its own key), trusts its key as a Local one and,
// when it is the first, makes it the default operator of this database.
func (s *Store) Register(signer *model.Signer) error {
	payload, err := json.Marshal(signer.Operator)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		if existing, err := findOperator(tx, signer.Operator.Name); err == nil && existing.Key != signer.Operator.Key {
			return fmt.Errorf("an operator named %q exists already", signer.Operator.Name)
		}
		a := newAppender(st, signer, s.now)
		if err := a.add(&model.Draft{Kind: model.OperatorRegister, Subject: signer.Operator.Key.String(), Payload: payload}); err != nil {
			return err
		}
		if err := putLocalTrust(tx, signer.Operator); err != nil {
			return err
		}
		if st.b[string(bMeta)].Get(kDefaultO) == nil {
			if err := st.b[string(bMeta)].Put(kDefaultO, []byte(signer.Operator.Name)); err != nil {
				return err
			}
		}
		return a.finish()
	})
}

// ErrNoOperator means the operator asked for is not registered here.
var ErrNoOperator = errors.New("no such operator")

func findOperator(tx *bbolt.Tx, name string) (model.Operator, error) {
	var found model.Operator
	err := tx.Bucket(bOperators).ForEach(func(_, v []byte) error {
		var o model.Operator
		if err := json.Unmarshal(v, &o); err != nil {
			return err
		}
		if o.Name == name {
			found = o
			return errStop
		}
		return nil
	})
	if errors.Is(err, errStop) {
		return found, nil
	}
	if err != nil {
		return found, err
	}
	return found, fmt.Errorf("%w %q", ErrNoOperator, name)
}

var errStop = errors.New("stop")

// Operator finds a registered operator by name; an empty name is the default operator.
func (s *Store) Operator(name string) (model.Operator, error) {
	var o model.Operator
	err := s.db.View(func(tx *bbolt.Tx) error {
		if name == "" {
			name = string(tx.Bucket(bMeta).Get(kDefaultO))
			if name == "" {
				return fmt.Errorf("%w: this database has no operator yet (run qunshen init)", ErrNoOperator)
			}
		}
		var err error
		o, err = findOperator(tx, name)
		return err
	})
	return o, err
}

// Operators lists the registered operators.
func (s *Store) Operators() ([]model.Operator, error) {
	var ops []model.Operator
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bOperators).ForEach(func(_, v []byte) error {
			var o model.Operator
			if err := json.Unmarshal(v, &o); err != nil {
				return err
			}
			ops = append(ops, o)
			return nil
		})
	})
	return ops, err
}

// Post reads one post.
func (s *Store) Post(id string) (p model.Post, ok bool, err error) {
	err = s.db.View(func(tx *bbolt.Tx) error {
		p, ok, err = newTxState(tx).Post(id)
		return err
	})
	return
}

// Member reads one member of a group.
func (s *Store) Member(group, id string) (m model.Member, ok bool, err error) {
	err = s.db.View(func(tx *bbolt.Tx) error {
		m, ok, err = newTxState(tx).Member(model.MemberKey(group, id))
		return err
	})
	return
}

// PostsByStatus returns up to limit posts of a status, oldest first, from the index.
func (s *Store) PostsByStatus(status model.PostStatus, limit int) ([]model.Post, error) {
	var out []model.Post
	err := s.db.View(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		prefix := append([]byte(status), 0)
		c := tx.Bucket(ixPostStatus).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, _ = c.Next() {
			id := string(k[len(prefix)+8:])
			p, ok, err := st.Post(id)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("index names post %q, which is not stored", id)
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// Status is what `qunshen status` prints: counts by status, events and disputes.
type Status struct {
	Posts          map[string]int64 `json:"posts"`
	Members        map[string]int64 `json:"members"`
	Violations     map[string]int64 `json:"violations"`
	Applications   map[string]int64 `json:"applications"`
	Groups         map[string]int64 `json:"groups"`
	Rectifications map[string]int64 `json:"rectifications"`
	Events         uint64           `json:"events"`
	Disputed       int64            `json:"disputed"`
	Superseded     int64            `json:"superseded"`      // events set aside by a replay: see qunshen sync conflicts
	Parked         int64            `json:"parked"`          // events of bundles waiting for earlier ones
	State          string           `json:"state,omitempty"` // StateHash, when asked for
}

// Status reads the counts: no scan, only the counts bucket.
func (s *Store) Status() (Status, error) {
	st := Status{
		Posts: zeroes(model.PostStatuses), Members: zeroes(model.MemberStatuses), Violations: zeroes(model.ViolationStatuses),
		Applications: zeroes(model.ApplicationStatuses), Groups: zeroes([]model.GroupStatus{model.GroupActive, model.GroupRectifying, model.GroupDissolved}),
		Rectifications: zeroes([]model.RectificationStatus{model.RectOpen, model.RectClosed}),
	}
	err := s.db.View(func(tx *bbolt.Tx) error {
		st.Events = newTxState(tx).logSeq()
		st.Parked = int64(tx.Bucket(bParked).Stats().KeyN)
		return tx.Bucket(bCounts).ForEach(func(k, v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("damaged count %q", k)
			}
			n := int64(binary.BigEndian.Uint64(v))
			kind, status, _ := bytes.Cut(k, []byte("/"))
			if string(kind) == "post" && string(status) == "disputed" {
				st.Disputed = n
				return nil
			}
			if string(k) == "event/superseded" {
				st.Superseded = n
				return nil
			}
			m := map[string]map[string]int64{"post": st.Posts, "member": st.Members, "violation": st.Violations,
				"application": st.Applications, "group": st.Groups, "rectification": st.Rectifications}[string(kind)]
			if m != nil {
				m[string(status)] = n
			}
			return nil
		})
	})
	return st, err
}

func zeroes[S ~string](ss []S) map[string]int64 {
	m := make(map[string]int64, len(ss))
	for _, s := range ss {
		m[string(s)] = 0
	}
	return m
}

// Backup writes a consistent copy of the database to path: to a temp file beside it, fsynced,
// then renamed, so that a half-written backup never exists under its name.
func (s *Store) Backup(path string) error {
	return s.db.View(func(tx *bbolt.Tx) error {
		return atomicfile.Write(path, func(f *os.File) error {
			_, err := tx.WriteTo(f)
			return err
		})
	})
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }

// projectionBuckets are the buckets of the derived state: everything but the log, the chains
// and the meta. Two databases with the same events hold the same projection.
var projectionBuckets = [][]byte{bOperators, bGroups, bMembers, bPosts, bViolations, bApps, bRects, bCounts,
	ixPostStatus, ixAppStatus, ixViolMember, bSuperseded}

// StateHash is a digest of the whole projection, to compare the state of two databases.
func (s *Store) StateHash() (model.Hash, error) {
	h := sha256.New()
	err := s.db.View(func(tx *bbolt.Tx) error {
		for _, name := range projectionBuckets {
			h.Write(name)
			h.Write([]byte{0})
			err := tx.Bucket(name).ForEach(func(k, v []byte) error {
				var n [8]byte
				binary.BigEndian.PutUint64(n[:], uint64(len(k)))
				h.Write(n[:])
				h.Write(k)
				binary.BigEndian.PutUint64(n[:], uint64(len(v)))
				h.Write(n[:])
				h.Write(v)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	var out model.Hash
	copy(out[:], h.Sum(nil))
	return out, err
}
