package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
