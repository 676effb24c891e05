package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"qunshen/internal/gen"
	"qunshen/internal/i18n"
	"qunshen/internal/keyring"
	"qunshen/model"
)

// allOrNothing is a database with the test queue and two decisions, and a generated queue of
// 3,000 posts to import into it in transactions of 200 records.
type allOrNothing struct {
	*env
	queue  string
	before model.Hash
	events uint64
}

func newAllOrNothing(t *testing.T) *allOrNothing {
	e := careEnv(t)
	var b bytes.Buffer
	if err := gen.Write(&b, gen.Options{Posts: 3000, Members: 300, Groups: 4, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	a := &allOrNothing{env: e, queue: e.file("more.jsonl", b.String())}
	a.before, a.events = e.hash(), e.status().Events
	return a
}

// unchanged fails unless the database holds what it held before the import, verifies, and
// holds no journal.
func (a *allOrNothing) unchanged(st *Store) {
	a.t.Helper()
	h, err := st.StateHash()
	a.check(err)
	s, err := st.Status()
	a.check(err)
	if h != a.before || s.Events != a.events {
		a.t.Fatalf("after the failed import: %d events (%d before), the state %s (%s before)", s.Events, a.events, h.Short(), a.before.Short())
	}
	if _, err := st.Verify(); err != nil {
		a.t.Fatal(err)
	}
	if st.journalPending() {
		a.t.Fatal("the journal is still there")
	}
}

func (a *allOrNothing) importMore(st *Store) (ImportResult, error) {
	return st.Import(a.admin, []string{a.queue}, ImportOptions{Batch: 200})
}

// finish imports the queue whole, and checks that it reaches what an import never interrupted
// reaches (on a copy of the database before).
func (a *allOrNothing) finish(st *Store, twin string) {
	a.t.Helper()
	_, err := a.importMore(st)
	a.check(err)
	tw, err := Open(twin)
	a.check(err)
	defer tw.Close()
	_, err = tw.Import(a.admin, []string{a.queue}, ImportOptions{Batch: 200})
	a.check(err)
	want, _ := tw.StateHash()
	if got, _ := st.StateHash(); got != want {
		a.t.Fatal("the import after the failed one does not reach the state of an uninterrupted one")
	}
}

func (a *allOrNothing) twin() string {
	a.t.Helper()
	p := filepath.Join(a.t.TempDir(), "twin.db")
	a.check(a.st.Backup(p))
	return p
}

// A write that fails half-way (the fourth of 16 transactions), as a full disk or a failing
// device makes it: the import is rolled back, says so, and the database is as before.
func TestImportWriteFaultStoresNothing(t *testing.T) {
	a := newAllOrNothing(t)
	twin := a.twin()
	n := 0
	injectFault = func(step string, _ int) error {
		if n++; step == "batch" && n == 4 {
			return syscall.ENOSPC
		}
		return nil
	}
	defer func() { injectFault = nil }()
	_, err := a.importMore(a.st)
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("the import with a failing write: %v", err)
	}
	a.unchanged(a.st)
	injectFault = nil
	a.finish(a.st, twin)
}

// A record refused when it is written, on the last line (a report whose id is stored with
// other content): the import is refused whole, and the database is as before.
func TestImportConflictOnLastLineStoresNothing(t *testing.T) {
	a := newAllOrNothing(t)
	raw, err := os.ReadFile(a.queue)
	a.check(err)
	// r1 is stored (the test queue's report) with another text.
	last := `{"type":"report","id":"r1","group":"g1","member":"wx_a","reporter":"wx_owner","time":"2026-06-05T09:00:00+08:00","reason":"另一件事"}` + "\n"
	a.check(os.WriteFile(a.queue, append(raw, last...), 0o600))
	_, err = a.importMore(a.st)
	if err == nil || !strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("the import with a conflict on its last line: %v", err)
	}
	t.Log(err)
	a.unchanged(a.st)
}

// A process killed half-way through an import leaves the journal: the next Open rolls the
// import back, says so, and the database is as before; imported again, it is whole.
func TestKilledImportIsRolledBack(t *testing.T) {
	a := newAllOrNothing(t)
	twin := a.twin()
	killed := filepath.Join(t.TempDir(), "killed.db")
	n := 0
	injectFault = func(step string, _ int) error {
		// Before the sixth transaction, the file is what a kill at that moment leaves: five
		// transactions committed and synced, the journal in them.
		if n++; step == "batch" && n == 6 {
			a.check(copyFile(a.dbPath(), killed))
		}
		return nil
	}
	_, err := a.importMore(a.st)
	injectFault = nil
	a.check(err)
	st, err := Open(killed)
	a.check(err)
	defer st.Close()
	if !st.Undone() {
		t.Fatal("Open did not say it rolled back an import")
	}
	a.unchanged(st)
	a.finish(st, twin)
}

// Imported twice, a file changes nothing the second time, and the journal of neither stays.
func TestImportEndsItsJournal(t *testing.T) {
	a := newAllOrNothing(t)
	_, err := a.importMore(a.st)
	a.check(err)
	h := a.hash()
	_, err = a.importMore(a.st)
	a.check(err)
	if a.hash() != h || a.st.journalPending() {
		t.Fatal("the second import changed the state, or left its journal")
	}
}

// On a small file system that the import fills (a tmpfs of 24 MiB, where the test may mount
// one), the import fails with no space left, is rolled back, and the database, once there is
// room again, is as before.
func TestImportOnAFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a tmpfs")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	a := newAllOrNothing(t)
	a.check(a.st.Close())
	db := filepath.Join(mnt, "qunshen.db")
	// The file without the room bbolt grows it by ahead of its pages, which a copy would fill.
	raw, err := os.ReadFile(a.dbPath())
	a.check(err)
	hwm := max(binary.NativeEndian.Uint64(raw[pageHeader+40:]), binary.NativeEndian.Uint64(raw[pageSize+pageHeader+40:]))
	a.check(os.WriteFile(db, raw[:hwm*pageSize], 0o600))
	a.check(copyTree(keyring.KeyDir(a.dbPath()), keyring.KeyDir(db)))
	var b bytes.Buffer
	a.check(gen.Write(&b, gen.Options{Posts: 20000, Members: 1000, Groups: 4, Seed: 5}))
	queue := a.file("big.jsonl", b.String())
	st, err := Open(db)
	a.check(err)
	// Leave about 6 MiB: the import needs more.
	filler := filepath.Join(mnt, "filler")
	var fs syscall.Statfs_t
	a.check(syscall.Statfs(mnt, &fs))
	free := int64(fs.Bavail) * fs.Bsize
	a.check(os.WriteFile(filler, make([]byte, max(0, free-6<<20)), 0o600))
	_, err = st.Import(a.admin, []string{queue}, ImportOptions{Batch: 1000})
	if err == nil || !errors.Is(err, syscall.ENOSPC) && !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("an import on a full disk: %v", err)
	}
	t.Log(err)
	st.Close()
	a.check(os.Remove(filler))
	st, err = Open(db)
	a.check(err)
	defer st.Close()
	a.unchanged(st)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func copyTree(from, to string) error {
	ents, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	for _, e := range ents {
		if err := copyFile(filepath.Join(from, e.Name()), filepath.Join(to, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// A fault in the fold of an import of bundles (the second of its transactions after the log's):
// the import is rolled back, says so, and the database is as before; imported again, the
// bundle reaches the state of an import without the fault.
func TestBundleFoldFaultStoresNothing(t *testing.T) {
	defer func(n int) { foldChunk = n }(foldChunk)
	foldChunk = 2
	dir := t.TempDir()
	ms := network(t, dir, "a1:admin", "a2:admin")
	a1, a2 := ms[0], ms[1]
	a2.importBundles(a1.export("a2"))
	decideAll(a1)
	bundle := a1.export("a2")
	before := a2.hash()
	twin := filepath.Join(dir, "twin.db")
	a2.check(a2.st.Backup(twin))
	fired := false
	injectFault = func(step string, n int) error {
		if step == "fold" && n > 1 && !fired {
			fired = true
			return syscall.EIO
		}
		return nil
	}
	defer func() { injectFault = nil }()
	_, err := a2.st.ImportBundles([]string{bundle}, SyncOptions{})
	if !errors.Is(err, syscall.EIO) || !strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("the import with a failing fold: %v", err)
	}
	if a2.hash() != before || a2.st.journalPending() {
		t.Fatal("the failed import changed the state, or left its journal")
	}
	a2.verify()
	a2.importBundles(bundle)
	tw, err := Open(twin)
	a2.check(err)
	defer tw.Close()
	_, err = tw.ImportBundles([]string{bundle}, SyncOptions{})
	a2.check(err)
	if want, _ := tw.StateHash(); a2.hash() != want {
		t.Fatal("the bundle imported after the failed import differs from one imported without a fault")
	}
}

// decideAll escalates every pending post of m, so that its next bundle carries decisions.
func decideAll(m *machine) {
	m.t.Helper()
	pending, err := m.st.PostsByStatus(model.PostPending, 100)
	m.check(err)
	for _, p := range pending {
		m.check(m.decide(p.ID, model.PostEscalate, ""))
	}
}

// TestKillEachImport kills a process of this test binary (TestImportKilledChild) in the middle
// of each kind of import — a queue file, a chat export, a roster, a bundle — at one of its
// write transactions; the database opened again rolls the import back, says so, holds the
// state from before it and verifies; imported again, the file reaches the state of an import
// never interrupted.
func TestKillEachImport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	var tg strings.Builder
	tg.WriteString(`{"name": "群", "type": "private_group", "id": 5, "messages": [`)
	for i := 1; i <= 600; i++ {
		if i > 1 {
			tg.WriteString(",")
		}
		fmt.Fprintf(&tg, `{"id": %d, "type": "message", "date_unixtime": "%d", "from": "成员%d", "from_id": "user%d", "text": "第%d条消息"}`,
			i, 1780000000+60*i, i%40, i%40, i)
	}
	tg.WriteString("]}")
	var roster strings.Builder
	roster.WriteString("QQ号,姓名,群名片,所在支部,群身份,是否党员,入群时间\n")
	for i := 0; i < 600; i++ {
		fmt.Fprintf(&roster, "%d,成员%d,第三党支部-成员%d,第三党支部,成员,是,2024/3/1 9:30\n", 100000+i, i, i)
	}
	for _, c := range []struct{ name, file, content, group string }{
		{name: "queue"},
		{name: "chat", file: "result.json", content: tg.String()},
		{name: "roster", file: "roster.csv", content: roster.String(), group: "g1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := newAllOrNothing(t)
			file := a.queue
			if c.file != "" {
				file = a.file(c.file, c.content)
			}
			opt := ImportOptions{Batch: 50, Group: c.group}
			twin := a.twin()
			op, err := json.Marshal(a.admin.Operator)
			a.check(err)
			a.check(a.st.Close())
			killChild(t, a.dbPath(), file, "files", string(op), c.group)
			st, err := Open(a.dbPath())
			a.check(err)
			defer st.Close()
			if !st.Undone() {
				t.Fatal("Open did not say it rolled back an import")
			}
			a.unchanged(st)
			_, err = st.Import(a.admin, []string{file}, opt)
			a.check(err)
			tw, err := Open(twin)
			a.check(err)
			defer tw.Close()
			_, err = tw.Import(a.admin, []string{file}, opt)
			a.check(err)
			want, _ := tw.StateHash()
			if got, _ := st.StateHash(); got != want {
				t.Fatal("the import after the killed one does not reach the state of an uninterrupted one")
			}
		})
	}
	t.Run("bundle", func(t *testing.T) {
		dir := t.TempDir()
		ms := network(t, dir, "a1:admin", "a2:admin")
		a1, a2 := ms[0], ms[1]
		a2.importBundles(a1.export("a2"))
		decideAll(a1)
		bundle := a1.export("a2")
		before := a2.hash()
		twin := filepath.Join(dir, "twin.db")
		a2.check(a2.st.Backup(twin))
		path := a2.st.Path()
		a2.check(a2.st.Close())
		killChild(t, path, bundle, "bundles", "", "")
		st, err := Open(path)
		a2.check(err)
		defer st.Close()
		a2.st = st
		if !st.Undone() {
			t.Fatal("Open did not say it rolled back an import")
		}
		if a2.hash() != before {
			t.Fatal("the killed import changed the state")
		}
		a2.verify()
		a2.importBundles(bundle)
		tw, err := Open(twin)
		a2.check(err)
		defer tw.Close()
		_, err = tw.ImportBundles([]string{bundle}, SyncOptions{})
		a2.check(err)
		if want, _ := tw.StateHash(); a2.hash() != want {
			t.Fatal("the bundle imported after the killed import differs from one never interrupted")
		}
	})
}

// killChild runs TestImportKilledChild on the database at db, which kills itself at the
// second write transaction of its kind (a batch of an import of files, a chunk of the fold of
// bundles), the first committed, and checks that it was killed.
func killChild(t *testing.T, db, file, kind, op, group string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportKilledChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "QUNSHEN_KILL_DB="+db, "QUNSHEN_KILL_FILE="+file, "QUNSHEN_KILL_KIND="+kind,
		"QUNSHEN_KILL_OP="+op, "QUNSHEN_KILL_GROUP="+group)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the import's process was not killed: %v\n%s", err, out)
	}
}

// TestImportKilledChild is an import that kills its own process; it runs only when
// TestKillEachImport starts it.
func TestImportKilledChild(t *testing.T) {
	db := os.Getenv("QUNSHEN_KILL_DB")
	if db == "" {
		t.Skip("run by TestKillEachImport")
	}
	file, kind := os.Getenv("QUNSHEN_KILL_FILE"), os.Getenv("QUNSHEN_KILL_KIND")
	st, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	step := map[string]string{"files": "batch", "bundles": "fold"}[kind]
	seen := 0
	injectFault = func(s string, _ int) error {
		if s == step {
			if seen++; seen == 2 {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {}
			}
		}
		return nil
	}
	if kind == "bundles" {
		foldChunk = 2
		_, err = st.ImportBundles([]string{file}, SyncOptions{})
	} else {
		var op model.Operator
		if err := json.Unmarshal([]byte(os.Getenv("QUNSHEN_KILL_OP")), &op); err != nil {
			t.Fatal(err)
		}
		signer, err := keyring.Load(db, op, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.Import(signer, []string{file}, ImportOptions{Batch: 50, Group: os.Getenv("QUNSHEN_KILL_GROUP")})
	}
	t.Fatalf("the import ended without being killed (%d transactions): %v", seen, err)
}

// A roll back that fails too (its replay of the projection, here) is said, and the database
// opened again is as before the import.
func TestImportRollBackThatFailsIsFinishedByOpen(t *testing.T) {
	a := newAllOrNothing(t)
	n := 0
	injectFault = func(step string, _ int) error {
		if n++; step == "batch" && n == 4 || step == "fold" {
			return syscall.EIO
		}
		return nil
	}
	defer func() { injectFault = nil }()
	_, err := a.importMore(a.st)
	injectFault = nil
	if err == nil || !strings.Contains(err.Error(), "nothing was imported") || !strings.Contains(i18n.Explain(i18n.EN, err), "could not be rolled back yet") {
		t.Fatalf("an import whose roll back failed: %v", err)
	}
	a.reopen()
	a.unchanged(a.st)
}
