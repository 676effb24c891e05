package storage

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/gen"
	"qunshen/internal/keyring"
	"qunshen/model"
)

// careEnv is an env with the small queue imported and one decision made.
func careEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	e.decide(model.PostApprove, "p1")
	return e
}

func (e *env) decide(kind model.Kind, ids ...string) {
	e.t.Helper()
	drafts := make([]model.Draft, len(ids))
	for i, id := range ids {
		drafts[i] = model.Draft{Kind: kind, Subject: id, Payload: []byte("{}")}
	}
	_, err := e.st.Append(e.admin, drafts...)
	e.check(err)
}

func (e *env) backup(name string) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	e.check(e.st.Backup(p))
	return p
}

// compactBackup writes a backup without free pages: every byte of its data pages is live.
func (e *env) compactBackup(name string) string {
	e.t.Helper()
	p := e.backup(name)
	_, err := Compact(p)
	e.check(err)
	return p
}

// stateOf opens the database at path and returns its state hash and event count, after a
// Verify that must pass.
func stateOf(t *testing.T, path string) (model.Hash, uint64) {
	t.Helper()
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := st.Verify()
	if err != nil {
		t.Fatalf("verify %s: %v", path, err)
	}
	h, err := st.StateHash()
	if err != nil {
		t.Fatal(err)
	}
	return h, rep.Events
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// noLeftovers checks that a refused or finished restore left no temp file beside the database.
func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") && (strings.Contains(e.Name(), ".restore-") || strings.Contains(e.Name(), ".compact-") || strings.Contains(e.Name(), ".kept-")) {
			t.Errorf("temp file %s left behind", e.Name())
		}
	}
}

func TestRestoreGivesTheStateOfTheBackup(t *testing.T) {
	e := careEnv(t)
	atBackup := e.hash()
	events := e.status().Events
	bk := e.backup("backup.db")
	// More decisions after the backup: the restore must undo them.
	e.decide(model.PostApprove, "p3")
	e.decide(model.PostEscalate, "p2")
	later := e.hash()
	if later == atBackup {
		t.Fatal("the decisions after the backup changed nothing")
	}
	e.check(e.st.Close())

	rep, err := Restore(e.dbPath(), bk)
	e.check(err)
	if rep.Events != events || rep.Origins != 2 {
		t.Fatalf("report %+v, want %d events from 2 origins", rep, events)
	}
	if h, _ := stateOf(t, e.dbPath()); h != atBackup {
		t.Fatal("the restored database does not hold the state of the backup")
	}
	kept := e.dbPath() + BeforeRestoreSuffix
	if h, _ := stateOf(t, kept); h != later {
		t.Fatal("the database before the restore was not kept as it was")
	}
	fi, err := os.Stat(e.dbPath())
	e.check(err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("restored database is %v", fi.Mode().Perm())
	}
	noLeftovers(t, e.dir)

	// A second restore would lose the kept database: refused.
	before := fileSum(t, e.dbPath())
	if _, err := Restore(e.dbPath(), bk); err == nil || !strings.Contains(err.Error(), kept) || !strings.Contains(err.Error(), "earlier restore") {
		t.Fatalf("a restore over a kept database: %v", err)
	}
	if fileSum(t, e.dbPath()) != before {
		t.Fatal("the refused restore changed the database")
	}

	// Restoring the kept database is an undo: the two swap.
	_, err = Restore(e.dbPath(), kept)
	e.check(err)
	if h, _ := stateOf(t, e.dbPath()); h != later {
		t.Fatal("the undo did not bring back the later state")
	}
	if h, _ := stateOf(t, kept); h != atBackup {
		t.Fatal("the undo did not keep the restored state")
	}
	noLeftovers(t, e.dir)
}

func TestRestorePlacesAMissingDatabase(t *testing.T) {
	e := careEnv(t)
	h := e.hash()
	bk := e.backup("backup.db")
	db := filepath.Join(t.TempDir(), "new", "q.db")
	_, err := Restore(db, bk)
	e.check(err)
	if got, _ := stateOf(t, db); got != h {
		t.Fatal("the placed database holds another state")
	}
	for p, want := range map[string]os.FileMode{db: 0o600, filepath.Dir(db): 0o700} {
		fi, err := os.Stat(p)
		e.check(err)
		if fi.Mode().Perm() != want {
			t.Errorf("%s is %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	if _, err := os.Stat(db + BeforeRestoreSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a database was kept although there was none: %v", err)
	}
	noLeftovers(t, filepath.Dir(db))
}

// A database that bbolt cannot open is what a restore is for: it is replaced, and kept.
func TestRestoreReplacesADamagedDatabase(t *testing.T) {
	e := careEnv(t)
	h := e.hash()
	bk := e.backup("backup.db")
	e.check(e.st.Close())
	garbage := bytes.Repeat([]byte("not a database "), 2000)
	e.check(os.WriteFile(e.dbPath(), garbage, 0o600))
	_, err := Restore(e.dbPath(), bk)
	e.check(err)
	if got, _ := stateOf(t, e.dbPath()); got != h {
		t.Fatal("restored state differs")
	}
	kept, err := os.ReadFile(e.dbPath() + BeforeRestoreSuffix)
	e.check(err)
	if !bytes.Equal(kept, garbage) {
		t.Fatal("the damaged database was not kept as it was")
	}
}

func TestRestoreRefusesBadBackups(t *testing.T) {
	e := careEnv(t)
	bk := e.compactBackup("backup.db")
	raw, err := os.ReadFile(bk)
	e.check(err)
	e.decide(model.PostApprove, "p3")
	e.check(e.st.Close())

	write := func(name string, b []byte) string { return e.file(name, string(b)) }
	flip := func(at int) []byte {
		b := bytes.Clone(raw)
		b[at] ^= 0x01
		return b
	}
	// The text of p3 is stored twice in the compacted backup, in two data pages: in the log
	// (in the event of the import batch) and in the posts bucket. A changed byte in the log
	// breaks the event's hash chain; in the posts, the projection no longer equals the fold of
	// the log.
	text := []byte("本週進度正常")
	if n := bytes.Count(raw, text); n != 2 {
		t.Fatalf("the text is stored %d times", n)
	}
	first := bytes.Index(raw, text)
	second := bytes.LastIndex(raw, text)
	notBolt := e.file("notes.txt", strings.Repeat("这不是数据库。\n", 1000))
	foreign := filepath.Join(e.dir, "foreign.db")
	fdb, err := bbolt.Open(foreign, 0o600, nil)
	e.check(err)
	e.check(fdb.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket([]byte("stuff"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	}))
	e.check(fdb.Close())
	newer := filepath.Join(e.dir, "newer.db")
	e.check(os.WriteFile(newer, raw, 0o600))
	ndb, err := bbolt.Open(newer, 0o600, nil)
	e.check(err)
	e.check(ndb.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bMeta).Put(kSchema, []byte("99")) }))
	e.check(ndb.Close())

	cases := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(e.dir, "nope.db"), "does not exist"},
		{"folder", t.TempDir(), "is a folder"},
		{"empty", write("empty.db", nil), "is empty"},
		{"truncated", write("half.db", raw[:len(raw)/2]), "truncated"},
		{"truncated by a byte", write("short.db", raw[:len(raw)-1]), "truncated"},
		{"two pages", write("two.db", raw[:2*pageSize]), "truncated"}, // the meta pages alone
		{"not bbolt", notBolt, "not a qunshen database"},
		{"not qunshen", foreign, "not a qunshen database (no meta bucket)"},
		{"newer schema", newer, "schema 99, newer"},
		{"flipped, first copy", write("flip1.db", flip(first+3)), "fails verification"},
		{"flipped, second copy", write("flip2.db", flip(second+3)), "fails verification"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := fileSum(t, e.dbPath())
			var orig [32]byte
			if fi, err := os.Stat(c.path); err == nil && fi.Mode().IsRegular() {
				orig = fileSum(t, c.path)
			}
			_, err := Restore(e.dbPath(), c.path)
			if err == nil {
				t.Fatal("a bad backup was restored")
			}
			t.Log(err)
			if !strings.Contains(err.Error(), "backup "+c.path) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name %s and say %q", err, c.path, c.want)
			}
			if fileSum(t, e.dbPath()) != before {
				t.Fatal("the refused restore changed the database")
			}
			if fi, err := os.Stat(c.path); err == nil && fi.Mode().IsRegular() && fileSum(t, c.path) != orig {
				t.Fatal("the restore changed the backup")
			}
			if _, err := os.Stat(e.dbPath() + BeforeRestoreSuffix); !errors.Is(err, os.ErrNotExist) {
				t.Fatal("a refused restore kept a database aside")
			}
			noLeftovers(t, e.dir)
		})
	}
}

// Every byte of a backup, changed: the restore refuses it, or restores the very state of the
// backup, and it never crashes. bbolt has no checksums on its data pages, so a change where
// nothing is read back cannot be seen, by design: in a free page, in the unused end of a page,
// in the freelist (the restore copies the buckets, not the pages), in the second meta page
// (a backup has two equal ones; the one that fails its checksum is passed over). Everything
// that is read back is covered: the page structure by checkPages, the keys and values by
// Verify, which checks the log by its hash chain and signatures and the projection against
// the fold of the log.
func TestRestoreSurvivesAnyChangedByte(t *testing.T) {
	e := careEnv(t)
	want := e.hash()
	// Compacted, so that most bytes are live data; a backup as Backup writes it has free pages
	// too, where a change is unseen (and harmless).
	bk := e.compactBackup("backup.db")
	raw, err := os.ReadFile(bk)
	e.check(err)
	e.check(e.st.Close())
	step := 41 // prime to the page size: offsets within a page vary from page to page
	if testing.Short() {
		step = 97
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	bad := filepath.Join(t.TempDir(), "bad.db")
	refused, same := 0, 0
	for at := 0; at < len(raw); at += step {
		b := bytes.Clone(raw)
		b[at] ^= 0x20
		e.check(os.WriteFile(bad, b, 0o600))
		if _, err := Restore(db, bad); err != nil {
			refused++
			if !strings.Contains(err.Error(), "backup "+bad) {
				t.Fatalf("byte %d: error %q does not name the backup", at, err)
			}
			if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("byte %d: a refused restore wrote the database", at)
			}
			continue
		}
		same++
		st, err := Open(db)
		e.check(err)
		h, err := st.StateHash()
		e.check(err)
		e.check(st.Close())
		if h != want {
			t.Fatalf("byte %d (page %d, offset %d) changed: restored with another state", at, at/pageSize, at%pageSize)
		}
		e.check(os.Remove(db))
	}
	t.Logf("%d bytes of %d changed: %d refused, %d unseen (and harmless)", refused+same, len(raw), refused, same)
	if refused == 0 {
		t.Fatal("no change was noticed")
	}
	noLeftovers(t, dir)
}

func TestRestoreWhileTheDatabaseIsOpen(t *testing.T) {
	e := careEnv(t) // e.st holds the database, as a running qunshen would
	bk := e.backup("backup.db")
	e.decide(model.PostApprove, "p3")
	before := fileSum(t, e.dbPath())
	start := time.Now()
	_, err := Restore(e.dbPath(), bk)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "another qunshen has this database open") {
		t.Fatalf("restore of an open database: %v", err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("the refusal took %v", d)
	}
	if fileSum(t, e.dbPath()) != before {
		t.Fatal("the refused restore changed the database")
	}
	noLeftovers(t, e.dir)
}

func TestCompactKeepsTheState(t *testing.T) {
	e := careEnv(t)
	h := e.hash()
	e.check(e.st.Close())
	res, err := Compact(e.dbPath())
	before, after := res.Before, res.After
	e.check(err)
	fi, err := os.Stat(e.dbPath())
	e.check(err)
	if after > before || fi.Size() != after {
		t.Fatalf("compact: %d → %d bytes, the file has %d", before, after, fi.Size())
	}
	if got, _ := stateOf(t, e.dbPath()); got != h {
		t.Fatal("compaction changed the state")
	}
	// Compacting a compact database leaves it be.
	res2, err := Compact(e.dbPath())
	b2, a2 := res2.Before, res2.After
	e.check(err)
	if a2 > b2 {
		t.Fatalf("second compaction grew the file: %d → %d", b2, a2)
	}
	if got, _ := stateOf(t, e.dbPath()); got != h {
		t.Fatal("the second compaction changed the state")
	}
	noLeftovers(t, e.dir)
}

func TestCompactShrinksAGrownDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("imports and decides thousands of posts")
	}
	e := newEnv(t)
	q := filepath.Join(e.dir, "gen.jsonl")
	f, err := os.Create(q)
	e.check(err)
	w := bufio.NewWriter(f)
	e.check(gen.Write(w, gen.Options{Posts: 6000, Members: 240, Groups: 6, Seed: 7}))
	e.check(w.Flush())
	e.check(f.Close())
	_, err = e.st.Import(e.admin, []string{q}, ImportOptions{})
	e.check(err)
	// Decide every post, a hundred at a time: each transaction rewrites pages, and the old
	// ones become free pages.
	for {
		posts, err := e.st.PostsByStatus(model.PostPending, 100)
		e.check(err)
		if len(posts) == 0 {
			break
		}
		drafts := make([]model.Draft, len(posts))
		for i, p := range posts {
			kind := model.PostApprove
			if p.NeedsSignOff() {
				kind = model.PostEscalate
			}
			drafts[i] = model.Draft{Kind: kind, Subject: p.ID, Payload: []byte("{}")}
		}
		_, err = e.st.Append(e.admin, drafts...)
		e.check(err)
	}
	h := e.hash()
	// bbolt counts the free pages when it opens a database. The file is larger than its pages
	// (it grows 64 MiB ahead): compare the compacted size with the pages in use, too.
	e.reopen()
	free := e.st.DB().Stats().FreePageN
	var used int64
	e.check(e.st.DB().View(func(tx *bbolt.Tx) error { used = tx.Size(); return nil }))
	e.check(e.st.Close())
	if free == 0 {
		t.Fatal("no free pages to reclaim")
	}
	res, err := Compact(e.dbPath())
	before, after := res.Before, res.After
	e.check(err)
	t.Logf("%d free pages of %d; compacted %d → %d bytes", free, used/int64(os.Getpagesize()), before, after)
	if after >= used || after >= before {
		t.Fatalf("a database with %d free pages in %d bytes of pages did not shrink: %d → %d", free, used, before, after)
	}
	if got, _ := stateOf(t, e.dbPath()); got != h {
		t.Fatal("compaction changed the state")
	}
}

func TestCompactWhileTheDatabaseIsOpen(t *testing.T) {
	e := careEnv(t)
	before := fileSum(t, e.dbPath())
	start := time.Now()
	_, err := Compact(e.dbPath())
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("compact of an open database: %v", err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("the refusal took %v", d)
	}
	if fileSum(t, e.dbPath()) != before {
		t.Fatal("the refused compaction changed the database")
	}
}

func TestCompactWithoutDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "q.db")
	if _, err := Compact(db); err == nil || !strings.Contains(err.Error(), db) {
		t.Fatalf("compact of no database: %v", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("compact made a database")
	}
}

// TestDatabaseOfSmallerPagesKeepsWorking: a database made with pages of 4 KiB, as qunshen made
// them before its pages were 16 KiB, opens, takes an import and decisions, verifies and keeps
// its pages; its backup restores into a file of the new pages with the same state.
func TestDatabaseOfSmallerPagesKeepsWorking(t *testing.T) {
	dir := t.TempDir()
	e := &env{t: t, dir: dir}
	path := e.dbPath()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{PageSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	e.open()
	e.admin, err = keyring.NewSigner("王管理", model.RoleAdmin, "第三党支部")
	e.check(err)
	e.check(e.st.Register(e.admin))
	_, err = e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	e.decide(model.PostApprove, "p1")
	e.verify()
	if got := e.st.db.Info().PageSize; got != 4096 {
		t.Fatalf("the old database has pages of %d bytes now", got)
	}
	want := e.hash()
	backup := e.backup("old-backup.db")
	e.check(e.st.Close())

	restored := filepath.Join(dir, "restored.db")
	_, err = Restore(restored, backup)
	e.check(err)
	if got, _ := stateOf(t, restored); got != want {
		t.Fatal("the restored database has another state")
	}
	st, err := Open(restored)
	e.check(err)
	if got := st.db.Info().PageSize; got != pageSize {
		t.Fatalf("the restored database has pages of %d bytes, not %d", got, pageSize)
	}
	e.check(st.Close())

	// A new database has the new pages.
	fresh, err := Open(filepath.Join(dir, "new.db"))
	e.check(err)
	defer fresh.Close()
	if got := fresh.db.Info().PageSize; got != pageSize {
		t.Fatalf("a new database has pages of %d bytes, not %d", got, pageSize)
	}
}

// TestOpenRemovesWhatAKilledCompactLeft: the temporary files that a compact or a restore killed
// on the way leave beside the database are removed when it is opened next, and named; other
// files beside it, and the temporary files of another database in the folder, stay.
func TestOpenRemovesWhatAKilledCompactLeft(t *testing.T) {
	e := careEnv(t)
	h := e.hash()
	e.check(e.st.Close())
	dir := filepath.Dir(e.dbPath())
	base := filepath.Base(e.dbPath())
	left := []string{"." + base + ".compact-123", "." + base + ".restore-9", "." + base + ".kept-7"}
	stay := []string{"." + base + ".tmp42", ".other.db.compact-1", base + ".before-restore", "notes.txt"}
	for _, n := range append(append([]string{}, left...), stay...) {
		e.check(os.WriteFile(filepath.Join(dir, n), bytes.Repeat([]byte{1}, 4096), 0o600))
	}
	e.reopen()
	var removed []string
	for _, f := range e.st.Removed() {
		if f.Size != 4096 {
			t.Errorf("%s: size %d", f.Path, f.Size)
		}
		removed = append(removed, filepath.Base(f.Path))
	}
	slices.Sort(removed)
	want := slices.Sorted(slices.Values(left))
	if !slices.Equal(removed, want) {
		t.Fatalf("removed %v, want %v", removed, want)
	}
	for _, n := range left {
		if _, err := os.Stat(filepath.Join(dir, n)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there", n)
		}
	}
	for _, n := range stay {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s was removed: %v", n, err)
		}
	}
	if e.hash() != h {
		t.Fatal("the state changed")
	}
	e.reopen()
	if len(e.st.Removed()) != 0 {
		t.Fatalf("removed again: %v", e.st.Removed())
	}
	// Compact removes them too, and says so.
	e.check(e.st.Close())
	e.check(os.WriteFile(filepath.Join(dir, left[0]), []byte("x"), 0o600))
	res, err := Compact(e.dbPath())
	e.check(err)
	if len(res.Removed) != 1 || filepath.Base(res.Removed[0].Path) != left[0] {
		t.Fatalf("compact removed %v", res.Removed)
	}
	if _, err := os.Stat(filepath.Join(dir, left[0])); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("compact left the file")
	}
}
