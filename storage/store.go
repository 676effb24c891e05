// Package storage keeps qunshen's state in one bbolt file: the append-only event log with the
// signed checkpoints of every origin's hash chain, and the projections (entities, indexes and
// counts) written in the same transaction as the events, so that opening never replays the log.
//
// Its files, by concern:
//
//	store.go       the buckets, the schema, Open; migrate.go the records of older schemas
//	log.go         appending signed events: each origin's chain, the clock, import batches
//	txstate.go     one transaction as model.State: state.go its entities, writes.go its
//	               buffered writes, index.go and report.go the indexes it keeps
//	post.go        the posts of a transaction; postcodec.go the one codec of a stored post
//	import.go      the store side of an import of files (chatimport.go for chat exports):
//	               checking against the database, writing in batches; the inputs are ingest's
//	sync.go        bundles out, syncimport.go bundles in (the file format is bundle's)
//	order.go       the canonical order of the log; foldpipe.go the fold of imported events
//	read.go        the reads of the workbench; status.go, operators.go, decisions.go, trust.go
//	verify.go      every chain and signature, and the projection against a fresh fold
//	care.go        backup, restore and compact; care_pages.go checks a copy's pages
package storage

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
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
	// removed are the temporary files of a killed compact or restore that Open removed.
	removed []StaleFile
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
	// The lock is held: a temporary file of compact or restore beside it is one's that was killed.
	s := &Store{db: db, path: path, removed: removeStale(path)}
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
			if err := buildFactIndex(tx); err != nil {
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

// Removed are the temporary files that a compact or a restore killed on the way had left beside
// the database, which Open removed.
func (s *Store) Removed() []StaleFile { return s.removed }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the bbolt handle to the tests of this package and to tools.
func (s *Store) DB() *bbolt.DB { return s.db }

var errStop = errors.New("stop")

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }

// projectionBuckets are the buckets of the derived state: everything but the log, the chains
// and the meta. Two databases with the same events hold the same projection.
var projectionBuckets = [][]byte{bOperators, bGroups, bMembers, bPosts, bViolations, bApps, bRects, bCounts,
	ixPostStatus, ixAppStatus, ixViolMember, bSuperseded}
