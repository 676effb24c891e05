package cli

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"qunshen/storage"
)

// careCLI is a database with two operators, the test queue and one decision.
func careCLI(t *testing.T) *cli {
	c := newCLI(t)
	c.ok("init", "--name", "王管理", "--role", "admin")
	c.ok("init", "--name", "李书记", "--role", "secretary")
	c.ok("import", queueFile)
	c.ok("decide", "p1", "approve")
	return c
}

func TestCLIRestore(t *testing.T) {
	c := careCLI(t)
	atBackup := c.status()
	bk := filepath.Join(t.TempDir(), "backup.db")
	c.ok("backup", bk)
	c.ok("decide", "p3", "reject", "--reason", "含有广告引流")
	c.ok("decide", "p2", "escalate")
	later := c.status()
	if later.State == atBackup.State {
		t.Fatal("the decisions after the backup changed nothing")
	}

	out := c.ok("restore", bk)
	kept := c.db + storage.BeforeRestoreSuffix
	for _, want := range []string{
		"restored " + c.db + " from " + bk,
		"verified: 4 events from 2 origins",
		"state " + atBackup.State,
		"kept as " + kept,
		"to undo: qunshen restore " + kept,
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("restore output does not say %q:\n%s", want, out)
		}
	}
	if s := c.status(); s.State != atBackup.State || s.Events != atBackup.Events || s.Posts["approved"] != 1 || s.Posts["pending"] != 2 {
		t.Fatalf("restored status %+v, at backup %+v", s, atBackup)
	}
	if out := c.ok("verify"); !strings.HasPrefix(out, "ok: 4 events from 2 origins") {
		t.Fatalf("verify after the restore: %s", out)
	}
	// The operators' keys are beside the database, untouched: decisions go on.
	c.ok("decide", "p3", "approve")

	// The kept database would be lost by another restore: refused, nothing changed.
	s := c.status()
	c.fails("earlier restore", "restore", bk)
	if c.status().State != s.State {
		t.Fatal("a refused restore changed the state")
	}
	// Restoring the kept database undoes the restore; the undone database is kept in turn.
	out = c.ok("restore", kept)
	if !strings.Contains(out, "state "+later.State) || c.status().State != later.State {
		t.Fatalf("undo:\n%s", out)
	}
	c.ok("verify")
}

func TestCLIRestoreRefuses(t *testing.T) {
	c := careCLI(t)
	dir := t.TempDir()
	bk := filepath.Join(dir, "backup.db")
	c.ok("backup", bk)
	raw, err := os.ReadFile(bk)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.db")
	if err := os.WriteFile(cut, raw[:len(raw)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, bytes.Repeat([]byte("群审\n"), 3000), 0o600); err != nil {
		t.Fatal(err)
	}
	unchanged := func(how string, f func()) {
		t.Helper()
		before, err := os.ReadFile(c.db)
		if err != nil {
			t.Fatal(err)
		}
		f()
		after, err := os.ReadFile(c.db)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Fatalf("%s changed the database", how)
		}
	}
	unchanged("refused restores", func() {
		c.fails("name the backup file", "restore")
		c.fails("backup "+filepath.Join(dir, "nope.db")+" does not exist", "restore", filepath.Join(dir, "nope.db"))
		c.fails("backup "+cut+" is damaged: truncated", "restore", cut)
		c.fails("backup "+text+" is not a qunshen database", "restore", text)
		c.fails("backup "+dir+" is a folder", "restore", dir)
		c.fails(c.db+" is unchanged", "restore", cut)
	})

	// A running qunshen holds the database: restore and compact are refused within the
	// lock's wait. (Opening writes to the database: compare from then on.)
	st, err := storage.Open(c.db)
	if err != nil {
		t.Fatal(err)
	}
	unchanged("a refused restore of an open database", func() {
		c.fails("another qunshen has this database open", "restore", bk)
		c.fails("another qunshen has this database open", "compact")
	})
	st.Close()
	if _, err := os.Stat(c.db + storage.BeforeRestoreSuffix); err == nil {
		t.Fatal("a refused restore kept a database aside")
	}
}

func TestCLIRestoreWithoutDatabase(t *testing.T) {
	c := careCLI(t)
	want := c.status()
	bk := filepath.Join(t.TempDir(), "backup.db")
	c.ok("backup", bk)
	// Another machine, say, with no database yet.
	other := &cli{t: t, db: filepath.Join(t.TempDir(), "elsewhere", "q.db")}
	out := other.ok("restore", bk)
	if strings.Contains(out, "kept") || !strings.Contains(out, "state "+want.State) {
		t.Fatalf("restore into no database:\n%s", out)
	}
	if other.status().State != want.State {
		t.Fatal("the placed database holds another state")
	}
	other.ok("verify")
}

func TestCLICompact(t *testing.T) {
	c := careCLI(t)
	c.ok("decide", "p3", "reject", "--reason", "含有广告引流")
	want := c.status()
	fi, err := os.Stat(c.db)
	if err != nil {
		t.Fatal(err)
	}
	out := c.ok("compact")
	if !strings.HasPrefix(out, "compacted "+c.db+": ") || !strings.Contains(out, " before, ") {
		t.Fatalf("compact:\n%s", out)
	}
	after, err := os.Stat(c.db)
	if err != nil {
		t.Fatal(err)
	}
	if after.Size() > fi.Size() {
		t.Fatalf("compaction grew the file: %d → %d", fi.Size(), after.Size())
	}
	if s := c.status(); s.State != want.State || s.Events != want.Events {
		t.Fatalf("status after compaction %+v, before %+v", s, want)
	}
	c.ok("verify")
	c.fails("unexpected", "compact", "now")
	nodb := newCLI(t)
	nodb.fails("no database here", "compact")
}

// TestKilledCompactIsCleanedUp kills the built binary while it compacts: the database is as it
// was, and the temporary copy it was writing is removed by the next command, which says so.
func TestKilledCompactIsCleanedUp(t *testing.T) {
	if testing.Short() {
		t.Skip("compacts a large database with the built binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	sh := shell(t, bin)
	db := filepath.Join(dir, "db", "q.db")
	queue := filepath.Join(dir, "queue.jsonl")
	sh(db, "gen", "--posts", "100000", "--members", "3000", "--groups", "8", "-o", queue)
	sh(db, "init", "--name", "管理员", "--role", "admin")
	sh(db, "import", queue)
	before := sh(db, "status", "--json", "--hash")
	temp := func() (string, int64) {
		ms, _ := filepath.Glob(filepath.Join(filepath.Dir(db), ".q.db.compact-*"))
		for _, m := range ms {
			if fi, err := os.Stat(m); err == nil {
				return m, fi.Size()
			}
		}
		return "", 0
	}
	var left string
	for attempt := 0; left == "" && attempt < 5; attempt++ {
		cmd := exec.Command(bin, "--db", db, "compact")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if name, size := temp(); size > 1<<20 {
				cmd.Process.Signal(syscall.SIGKILL)
				left = name
				break
			}
		}
		cmd.Wait()
		if name, _ := temp(); name == "" {
			left = "" // it ended before the kill
		}
	}
	if left == "" {
		t.Skip("could not kill the compact half-way")
	}
	status := exec.Command(bin, "--db", db, "--lang", "en", "status", "--json", "--hash")
	var said strings.Builder
	status.Stderr = &said
	out, err := status.Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != before {
		t.Fatalf("the killed compact changed the database:\n%s\n%s", before, out)
	}
	if _, err := os.Stat(left); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%s is still there", left)
	}
	if !strings.Contains(said.String(), "removed "+left+" (") {
		t.Fatalf("status did not say it removed %s: %q", left, said.String())
	}
	if name, _ := temp(); name != "" {
		t.Fatalf("%s left", name)
	}
	e2 := exec.Command(bin, "--db", db, "--lang", "en", "compact")
	f, _ := os.Create(left) // as a killed compact leaves it
	f.Close()
	var stderr strings.Builder
	e2.Stderr = &stderr
	if err := e2.Run(); err != nil {
		t.Fatalf("compact: %v\n%s", err, stderr.String())
	}
	if want := "removed " + left + " (0 bytes), a temporary file left by a compact or restore that was interrupted"; !strings.Contains(stderr.String(), want) {
		t.Fatalf("compact said %q, want %q", stderr.String(), want)
	}
	sh(db, "verify")
}
