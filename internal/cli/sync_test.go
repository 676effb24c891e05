package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/gen"
	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/storage"
)

// exchangeKeys makes every machine trust the operator of every other, by key files.
func exchangeKeys(t *testing.T, cs ...*cli) {
	t.Helper()
	dir := t.TempDir()
	for i, a := range cs {
		f := filepath.Join(dir, fmt.Sprintf("%d.key.json", i))
		a.ok("key", "export", "-o", f)
		for _, b := range cs {
			if b != a {
				b.ok("trust", f, "--yes")
			}
		}
	}
}

func TestCLISyncSignOffTravels(t *testing.T) {
	admin, sec, sup := newCLI(t), newCLI(t), newCLI(t)
	admin.ok("init", "--name", "王管理", "--role", "admin")
	sec.ok("init", "--name", "李书记", "--role", "secretary")
	sup.ok("init", "--name", "赵主任", "--role", "supervisor")
	exchangeKeys(t, admin, sec, sup)
	dir := t.TempDir()
	b := func(name string) string { return filepath.Join(dir, name) }

	admin.ok("import", queueFile)
	admin.ok("decide", "p2", "escalate")
	admin.ok("decide", "p1", "approve")
	admin.ok("decide", "p3", "reject", "--reason", "含有广告")
	if out := admin.ok("sync", "export", "--peer", "李书记", "-o", b("to-sec.qsb")); !strings.Contains(out, "signed by 王管理") {
		t.Fatalf("sync export: %s", out)
	}
	if out := sec.ok("sync", "import", b("to-sec.qsb")); !strings.Contains(out, "new") {
		t.Fatalf("sync import: %s", out)
	}
	before := sec.status().State
	if out := sec.ok("sync", "import", b("to-sec.qsb")); !strings.Contains(out, " 0 new") || sec.status().State != before {
		t.Fatalf("a second import changed something: %s", out)
	}
	sec.ok("decide", "p2", "signoff")
	sec.ok("sync", "export", "--peer", "王管理", "-o", b("to-admin.qsb"))
	admin.ok("sync", "import", b("to-admin.qsb"))
	if p := postOf(t, admin, "p2"); p.Status != model.PostSignedOff {
		t.Fatalf("p2 on the admin's machine: %s", p.Status)
	}
	// Everything was exchanged: nothing left to send, and the two machines agree.
	if out := admin.ok("sync", "export", "--peer", "李书记", "-o", b("empty.qsb")); !strings.Contains(out, "0 events") {
		t.Fatalf("nothing should be left for the secretary: %s", out)
	}
	if admin.status().State != sec.status().State {
		t.Fatal("the administrator's and the secretary's states differ")
	}
	// Relayed by the administrator, the sign-off reaches the supervisor as the secretary's.
	admin.ok("sync", "export", "--peer", "赵主任", "-o", b("to-sup.qsb"))
	sup.ok("sync", "import", b("to-sup.qsb"))
	if p := postOf(t, sup, "p2"); p.Status != model.PostSignedOff || p.History[len(p.History)-1].Actor != "李书记" {
		t.Fatalf("p2 on the supervisor's machine: %s %+v", p.Status, p.History)
	}
	// The chat side learns what to publish and whom to tell why.
	out := admin.ok("export", "decisions", "-o", "-")
	acts := chatActions(t, out)
	want := map[string]string{"p1": "publish", "p2": "publish", "p3": "notify"}
	if len(acts) != len(want) {
		t.Fatalf("decisions: %s", out)
	}
	for _, a := range acts {
		if want[a.Post] != a.Action || (a.Action == "notify" && a.Reason != "含有广告") {
			t.Fatalf("decision %+v", a)
		}
	}
	if out := admin.ok("export", "decisions", "--since", "2200-01-01", "-o", b("none.jsonl")); !strings.Contains(out, "0 decisions") {
		t.Fatalf("--since in the future: %s", out)
	}
	admin.fails("--since", "export", "decisions", "--since", "yesterday", "-o", b("x.jsonl"))
}

// chatActions reads the lines of export decisions.
func chatActions(t *testing.T, out string) []storage.ChatAction {
	t.Helper()
	var acts []storage.ChatAction
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var a storage.ChatAction
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("decision line %q: %v", line, err)
		}
		acts = append(acts, a)
	}
	return acts
}

func TestCLISyncDispute(t *testing.T) {
	a1, a2 := newCLI(t), newCLI(t)
	a1.ok("init", "--name", "王管理", "--role", "admin")
	a2.ok("init", "--name", "张管理", "--role", "admin")
	exchangeKeys(t, a1, a2)
	dir := t.TempDir()
	a1.ok("import", queueFile)
	a1.ok("sync", "export", "-o", filepath.Join(dir, "1.qsb"))
	a2.ok("sync", "import", filepath.Join(dir, "1.qsb"))
	a1.ok("decide", "p1", "approve")
	a2.ok("decide", "p1", "reject", "--reason", "格式不符")
	a1.ok("sync", "export", "-o", filepath.Join(dir, "2.qsb"))
	a2.ok("sync", "export", "-o", filepath.Join(dir, "3.qsb"))
	if out := a1.ok("sync", "import", filepath.Join(dir, "3.qsb")); !strings.Contains(out, "1 posts disputed") {
		t.Fatalf("import of the other decision: %s", out)
	}
	a2.ok("sync", "import", filepath.Join(dir, "2.qsb"))
	for _, c := range []*cli{a1, a2} {
		s := c.status()
		if s.Disputed != 1 || s.Posts["approved"] != 0 {
			t.Fatalf("disputed %d, approved %d", s.Disputed, s.Posts["approved"])
		}
		out := c.ok("sync", "conflicts")
		if !strings.Contains(out, "post p1") || !strings.Contains(out, "王管理") || !strings.Contains(out, "张管理") {
			t.Fatalf("sync conflicts:\n%s", out)
		}
		// The approval was published before the rejection met it: the dispute takes it back,
		// and nothing of p1 stays published on the chat side.
		var p1 []string
		for _, a := range chatActions(t, c.ok("export", "decisions", "-o", "-")) {
			if a.Post == "p1" {
				p1 = append(p1, a.Action+" "+a.Decision)
			}
		}
		if strings.Join(p1, ", ") != "publish , retract disputed" {
			t.Fatalf("a disputed post stays published on the chat side: %q", p1)
		}
	}
	if a1.ok("export", "decisions", "-o", "-") != a2.ok("export", "decisions", "-o", "-") {
		t.Fatal("the two machines' outboxes differ")
	}
	if a1.status().State != a2.status().State {
		t.Fatal("the two machines differ")
	}
	a1.fails("missing.qsb: no such file", "sync", "import", filepath.Join(dir, "missing.qsb"))
	a1.fails("want export, import or conflicts", "sync")
}

func postOf(t *testing.T, c *cli, id string) model.Post {
	t.Helper()
	st, err := storage.Open(c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, ok, err := st.Post(id)
	if err != nil || !ok {
		t.Fatalf("post %s: %v", id, err)
	}
	return p
}

// TestKilledSyncImport kills `qunshen sync import` of a large bundle at several moments: every
// time the database verifies and holds nothing of the bundle or all of it (a kill in the fold
// is rolled back, and said), and importing the bundle again reaches the state of an import
// that was never interrupted.
func TestKilledSyncImport(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a large bundle with the built binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	bundle, admin, sec := bigBundle(t, dir, 40_000)
	target := func(name string) string {
		db := filepath.Join(dir, name, "q.db")
		st, err := storage.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []*model.Signer{admin, sec} {
			o := s.Operator
			if err := st.AddTrust(keyring.Trust{Key: o.Key, Name: o.Name, Role: o.Role}); err != nil {
				t.Fatal(err)
			}
		}
		st.Close()
		return db
	}
	sh := shell(t, bin)
	whole := target("whole")
	sh(whole, "sync", "import", bundle)
	var want storage.Status
	json.Unmarshal([]byte(sh(whole, "status", "--json", "--hash")), &want)

	killed := target("killed")
	midFold := false
	for _, wait := range []time.Duration{100, 300, 600, 900, 1200, 1600, 2200} { // ms
		cmd := exec.Command(bin, "--db", killed, "sync", "import", bundle)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(wait * time.Millisecond)
		wait *= time.Millisecond
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		// Before anything opens it: was the fold caught half-way?
		inFold := false
		if db, err := bbolt.Open(killed, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second}); err == nil {
			db.View(func(tx *bbolt.Tx) error {
				inFold = tx.Bucket([]byte("meta")).Get([]byte("fold_from")) != nil
				return nil
			})
			db.Close()
		}
		midFold = midFold || inFold
		// A kill in the fold is rolled back by the command that opens the database next,
		// which says so on its first line.
		out := sh(killed, "verify")
		undone := strings.Contains(out, "did not finish (its process was killed): it was rolled back")
		if undone {
			_, out, _ = strings.Cut(out, "\n")
		}
		if !strings.HasPrefix(out, "ok:") || inFold && !undone {
			t.Fatalf("verify after a kill at %v: %s", wait, out)
		}
		var s storage.Status
		json.Unmarshal([]byte(sh(killed, "status", "--json")), &s)
		if s.Events != 0 && s.Events != want.Events || undone && s.Events != 0 { // nothing of the bundle, or the whole
			t.Fatalf("after a kill at %v ms: %d events, want 0 or %d", wait, s.Events, want.Events)
		}
		sh(killed, "sync", "import", bundle)
		var got storage.Status
		json.Unmarshal([]byte(sh(killed, "status", "--json", "--hash")), &got)
		if got.State != want.State {
			t.Fatalf("after a kill at %v and a second import: state %s, uninterrupted %s", wait, got.State, want.State)
		}
		// Start again from an empty database for the next moment.
		os.RemoveAll(filepath.Dir(killed))
		killed = target("killed")
	}
	if !midFold {
		t.Log("no kill fell inside the fold on this machine; the log transaction is all-or-nothing either way")
	}
}

// bigBundle writes a bundle of an administrator's posts, escalations and a secretary's
// sign-offs: 2n decisions on n posts.
func bigBundle(t *testing.T, dir string, n int) (string, *model.Signer, *model.Signer) {
	t.Helper()
	q := filepath.Join(dir, "queue.jsonl")
	f, err := os.Create(q)
	if err != nil {
		t.Fatal(err)
	}
	if err := gen.Write(f, gen.Options{Posts: n, Members: n/4 + 100, Groups: 8, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, err := storage.Open(filepath.Join(dir, "src", "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin, _ := keyring.NewSigner("王管理", model.RoleAdmin, "")
	sec, _ := keyring.NewSigner("李书记", model.RoleSecretary, "")
	for _, s := range []*model.Signer{admin, sec} {
		if err := st.Register(s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Import(admin, []string{q}, storage.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range []model.PostStatus{model.PostPending} {
		ps, err := st.PostsByStatus(s, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
	}
	for _, step := range []struct {
		s    *model.Signer
		kind model.Kind
		seen int
	}{{admin, model.PostEscalate, 0}, {sec, model.PostSignOff, 1}} {
		drafts := make([]model.Draft, 0, len(ids))
		for _, id := range ids {
			drafts = append(drafts, model.Draft{Kind: step.kind, Subject: id, Payload: []byte(fmt.Sprintf(`{"seen":%d}`, step.seen))})
		}
		if _, err := st.Append(step.s, drafts...); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "big.qsb")
	if _, err := st.ExportBundle(admin, out, storage.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	return out, admin, sec
}
