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
//	               writing in batches, after importcheck.go checked the files against the
//	               database (importscope.go, an import by a designated operator); the inputs
//	               are ingest's
//	undo.go        the journal of an import, by which a failed or killed one is rolled back
//	sync.go        bundles out, syncimport.go bundles in: syncplan.go checks them against the
//	               database (designated.go, the events of designated operators), syncapply.go
//	               writes them (the file format is bundle's)
//	order.go       the canonical order of the log, and the fold of imported events (catchUp)
//	read.go        the reads of the workbench; status.go, operators.go, decisions.go, trust.go
//	verify.go      every chain and signature, and the projection against a fresh fold
//	care.go        backup, restore and compact; care_pages.go walks a file's pages
//	damage.go      a damaged database refused: the file before it is mapped, bbolt's panics
//	               and faults under guard, the structure of the file (CheckStructure)
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

	"qunshen/internal/i18n"

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
// Version 8 adds the outbox (storage/decisions.go), the facts of overrides in the report
// index, and the override of a decision in a post's record; and the fold admits what it did
// not before (an approval over block findings needs an override): opening an older database
// replays its log whole, so that the projection, the outbox with it, is the fold's.
// Version 9 adds the designations of the authority (bucket designations) and the designation
// in force on an operator's record; an older database has none, and needs nothing done.
// Version 10 adds the register's applications to create groups, the incidents and the measures
// of accountability (buckets group_applications, incidents, accountability) with their facts
// in the report index, and the time a group was dissolved on its record: opening an older
// database replays its log whole, so that the groups dissolved before have it.
// Version 11 adds the commendations and rewards, and the requests to read the archive (buckets
// commendations, archive_requests); an older database has none, and needs nothing done.
// Version 12 ends every record of the projection with a checksum of its key and value
// (storage/records.go), checked when it is read; an older database's projection is replayed.
// A database of an older version is brought up to this one when opened.
const SchemaVersion = 12

// sealedSince is the first schema whose records of the projection carry a checksum.
const sealedSince = 12

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
	bCounts      = []byte("counts")             // "post/pending" … → int64
	ixPostStatus = []byte("ix_post_status")     // status \0 time (8) id → posts by status and time
	ixAppStatus  = []byte("ix_app_status")      // status \0 time (8) id
	ixViolMember = []byte("ix_viol_member")     // group \0 member \0 violation id
	bByOrigin    = []byte("by_origin")          // origin key + seq (8) → the event's key in the log
	bSuperseded  = []byte("superseded")         // event id → why the replay set it aside
	bParked      = []byte("parked")             // origin key + seq → event body, waiting for the events before it
	bParkedCP    = []byte("parked_cp")          // origin key + seq → the checkpoint that signed a parked run
	bPeers       = []byte("peers")              // peer name → what was sent to it: origin key + seq, repeated
	bGroupApps   = []byte("group_applications") // id → model.GroupApplication JSON
	bIncidents   = []byte("incidents")          // id → model.Incident JSON
	bAccount     = []byte("accountability")     // id → model.Accountability JSON
	bDesign      = []byte("designations")       // serial → model.DesignationRecord JSON
	bCommend     = []byte("commendations")      // id → model.Commendation JSON
	bAccess      = []byte("archive_requests")   // id → model.ArchiveAccess JSON

	allBuckets = [][]byte{bMeta, bLog, bOrigins, bCheckpoints, bOperators, bGroups, bMembers, bPosts,
		bViolations, bApps, bRects, bCounts, ixPostStatus, ixAppStatus, ixViolMember,
		bByOrigin, bSuperseded, bParked, bParkedCP, bPeers, bTrust, bGroupApps, bIncidents, bAccount, bDesign, bCommend, bAccess}

	// schema7Buckets are the buckets every database of schema 7 holds: Open made them all
	// whenever it opened one. The trust store is not among them: a database without one is
	// given one from its operators (upgradeTrust), and a lost one shows at once, as the keys
	// of other machines are no longer trusted.
	schema7Buckets = [][]byte{bMeta, bLog, bOrigins, bCheckpoints, bOperators, bGroups, bMembers, bPosts,
		bViolations, bApps, bRects, bCounts, ixPostStatus, ixAppStatus, ixViolMember,
		bByOrigin, bSuperseded, bParked, bParkedCP, bPeers, []byte("ix_report")}

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
	// undone says that Open rolled back an import that a killed process left unfinished.
	undone bool
}

// Undone reports whether Open rolled back an import that did not finish (a process killed
// while it imported): the database is as it was before that import.
func (s *Store) Undone() bool { return s.undone }

// journalPending reports whether the database holds the journal of an unfinished import.
func (s *Store) journalPending() bool {
	pending := false
	s.view(func(tx *bbolt.Tx) error {
		_, pending = journalOf(tx)
		return nil
	})
	return pending
}

// Open opens (creating when missing) the database at path, with its file 0600 and its folder
// 0700. A database held by another process is refused after two seconds with ErrLocked.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	// bbolt maps the file and trusts its pages: a file cut short is refused before.
	if err := checkFile(path); err != nil {
		return nil, err
	}
	var db *bbolt.DB
	err := guard(path, func() (err error) {
		db, err = bbolt.Open(path, 0o600, &bbolt.Options{
			Timeout:         2 * time.Second,
			InitialMmapSize: 1 << 30, // address space, not memory: a growing file need not remap
			FreelistType:    bbolt.FreelistMapType,
			PageSize:        pageSize,
		})
		return err
	})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, i18n.EIs(ErrLocked, "store.locked", path)
	}
	if IsDamaged(err) {
		return nil, err
	}
	if err != nil && hasBoltMagic(path) &&
		(errors.Is(err, bbolt.ErrInvalid) || errors.Is(err, bbolt.ErrChecksum) || errors.Is(err, bbolt.ErrVersionMismatch)) {
		return nil, &DamagedError{Path: path, Cause: err} // a bbolt file whose meta pages fail
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
		if IsDamaged(err) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// An import killed before it ended: roll it back before anything reads, on a database
	// whose structure was checked first (a roll back writes).
	if s.journalPending() {
		err := s.CheckStructure()
		if err == nil {
			s.undone, err = s.undoImport()
		}
		if err != nil {
			db.Close()
			return nil, err
		}
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

// init readies the database: made when new, brought up to this schema when older, checked
// for its buckets. A database that needs none of it is only read: opening writes nothing to a
// sound database, nor to a damaged one before it is checked.
func (s *Store) init() error {
	write := false
	err := s.view(func(tx *bbolt.Tx) error {
		schema, err := s.schemaOf(tx)
		if err != nil {
			return err
		}
		write = schema != SchemaVersion || tx.Bucket(bTrust) == nil
		for _, b := range allBuckets {
			write = write || tx.Bucket(b) == nil
		}
		return nil
	})
	if err != nil || !write {
		return err
	}
	return s.update(func(tx *bbolt.Tx) error {
		schema, err := s.schemaOf(tx)
		if err != nil {
			return err
		}
		if schema >= 1 && schema < sealedSince {
			if err := sealOwn(tx); err != nil {
				return fmt.Errorf("bringing the database to schema %d: %w", SchemaVersion, err)
			}
		}
		if err := upgradeTrust(tx, s.path, schema); err != nil {
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
		if older(sealedSince) {
			// The projection is replayed from the first event, by Open, before anything reads:
			// it holds what the fold of this schema holds (the outbox from 8, the dissolution
			// times from 10), each record sealed with its checksum (from 12).
			if err := markFold(tx, nil); err != nil {
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

// schemaOf reads the schema of the database as it is (0 for a new one), and refuses a newer
// one, a damaged one, and a bbolt file of something else. Every bucket is made when a
// database is first opened: one missing from a database of schema 7 or later was lost (a
// damaged entry of the top-level tree), and making it again, empty, would answer from it as
// if it held nothing; so is one that a later schema added (the outbox from 8 …).
func (s *Store) schemaOf(tx *bbolt.Tx) (int, error) {
	schema := 0
	if m := tx.Bucket(bMeta); m != nil {
		v := m.Get(kSchema)
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return 0, damaged(s.path, "its schema version %q cannot be read", v)
		}
		if n > SchemaVersion {
			return 0, fmt.Errorf("the database has schema %d, newer than this qunshen reads (%d): use a newer qunshen", n, SchemaVersion)
		}
		schema = n
	} else if k, _ := tx.Cursor().First(); k != nil {
		for _, b := range schema7Buckets {
			if tx.Bucket(b) != nil {
				return 0, damaged(s.path, "the bucket %q is missing", bMeta)
			}
		}
		return 0, errors.New("not a qunshen database (it holds other buckets)")
	}
	if schema >= 7 {
		for _, b := range schema7Buckets {
			if tx.Bucket(b) == nil {
				return 0, damaged(s.path, "the bucket %q is missing", b)
			}
		}
	}
	// The buckets each later schema added: one missing from a database of that schema was lost.
	for _, since := range []struct {
		schema  int
		buckets [][]byte
	}{{8, [][]byte{bOutbox}}, {9, [][]byte{bDesign}}, {10, [][]byte{bGroupApps, bIncidents, bAccount}}, {11, [][]byte{bCommend, bAccess}}} {
		if schema < since.schema {
			continue
		}
		for _, b := range since.buckets {
			if tx.Bucket(b) == nil {
				return 0, damaged(s.path, "the bucket %q is missing", b)
			}
		}
	}
	return schema, nil
}

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
	ixPostStatus, ixAppStatus, ixViolMember, bSuperseded, bGroupApps, bIncidents, bAccount, bDesign, bCommend, bAccess}
