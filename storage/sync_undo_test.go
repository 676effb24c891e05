package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"qunshen/internal/gen"
	"qunshen/internal/keyring"
	"qunshen/model"
)

// bundleTransfer is a machine that holds 300 posts and a bundle of their escalations and
// sign-offs, 600 decisions of two origins, to import in transactions of 50 events.
type bundleTransfer struct {
	dst            *machine
	bundle         string
	before         model.Hash
	events         uint64
	beforeBundle   string // the posts, which dst holds
	want           model.Hash
	wantEvents     uint64
	src, secretary *model.Signer
}

func newBundleTransfer(t *testing.T) *bundleTransfer {
	defer func(n int) { syncBatch = n }(syncBatch)
	dir := t.TempDir()
	src, dst := newMachine(t, dir, "src", model.RoleAdmin), newMachine(t, dir, "dst", model.RoleAdmin)
	first := src.op.Operator
	for _, m := range []*machine{src, dst} { // operators of every branch, as gen's groups are
		var err error
		m.op, err = keyring.NewSigner(m.name+"-all", m.op.Operator.Role, "")
		m.check(err)
		m.check(m.st.Register(m.op))
	}
	sec, err := keyring.NewSigner("sec", model.RoleSecretary, "")
	src.check(err)
	src.check(src.st.Register(sec))
	for _, o := range []model.Operator{first, src.op.Operator, sec.Operator} {
		dst.check(dst.st.AddTrust(keyring.Trust{Key: o.Key, Name: o.Name, Role: o.Role}))
	}
	var b strings.Builder
	src.check(gen.Write(&b, gen.Options{Posts: 300, Members: 100, Groups: 4, Seed: 5}))
	src.importQueue(b.String())
	x := &bundleTransfer{dst: dst, src: src.op, secretary: sec}
	x.beforeBundle = src.export("dst")
	dst.importBundles(x.beforeBundle)
	pending, err := src.st.PostsByStatus(model.PostPending, 1000)
	src.check(err)
	if len(pending) < 100 {
		t.Fatalf("%d pending posts", len(pending))
	}
	for _, s := range []struct {
		who  *model.Signer
		kind model.Kind
	}{{src.op, model.PostEscalate}, {sec, model.PostSignOff}} {
		for _, p := range pending {
			_, err := src.st.Append(s.who, model.Draft{Kind: s.kind, Subject: p.ID, Payload: []byte(`{}`)})
			src.check(err)
		}
	}
	x.bundle = src.export("dst")
	x.before, x.events = dst.hash(), dst.st.mustStatus(t).Events
	// What the import reaches when nothing cuts it short: on a copy.
	twin := filepath.Join(t.TempDir(), "twin.db")
	dst.check(dst.st.Backup(twin))
	tw, err := Open(twin)
	dst.check(err)
	defer tw.Close()
	res, err := tw.ImportBundles([]string{x.bundle}, SyncOptions{})
	dst.check(err)
	if res.New != 2*len(pending) {
		t.Fatalf("the bundle brought %d new events, want %d", res.New, 2*len(pending))
	}
	x.want, _ = tw.StateHash()
	x.wantEvents = tw.mustStatus(t).Events
	return x
}

func (s *Store) mustStatus(t *testing.T) Status {
	t.Helper()
	st, err := s.Status()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// unchanged fails unless st holds what dst held before the import, verifies, and holds no
// journal.
func (x *bundleTransfer) unchanged(t *testing.T, st *Store) {
	t.Helper()
	h, err := st.StateHash()
	if err != nil {
		t.Fatal(err)
	}
	if s := st.mustStatus(t); h != x.before || s.Events != x.events {
		t.Fatalf("after the failed import: %d events (%d before), the state %s (%s before)", s.Events, x.events, h.Short(), x.before.Short())
	}
	if _, err := st.Verify(); err != nil {
		t.Fatal(err)
	}
	if st.journalPending() || st.foldPending() {
		t.Fatal("the journal, or a fold, is still there")
	}
}

// whole imports the bundle into st and checks it reaches the state of an import never cut
// short.
func (x *bundleTransfer) whole(t *testing.T, st *Store) {
	t.Helper()
	if _, err := st.ImportBundles([]string{x.bundle}, SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	if h, _ := st.StateHash(); h != x.want || st.mustStatus(t).Events != x.wantEvents {
		t.Fatal("the import after the failed one does not reach the state of an uninterrupted one")
	}
	if _, err := st.Verify(); err != nil {
		t.Fatal(err)
	}
}

// A write that fails in the middle of an import of a bundle (the fifth of 13 transactions),
// as a full disk makes it: the import is rolled back, says so, and the database is as before;
// imported again, the bundle is whole.
func TestBundleWriteFaultStoresNothing(t *testing.T) {
	x := newBundleTransfer(t)
	defer func(n int) { syncBatch = n }(syncBatch)
	syncBatch = 50
	tries := 0
	injectFault = func(step string, n int) error {
		if step == "log" {
			tries = max(tries, n)
			if n == 5 {
				return syscall.ENOSPC
			}
		}
		return nil
	}
	_, err := x.dst.st.ImportBundles([]string{x.bundle}, SyncOptions{})
	injectFault = nil
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("the import with a failing write: %v", err)
	}
	if tries != 5 {
		t.Fatalf("%d transactions tried", tries)
	}
	x.unchanged(t, x.dst.st)
	x.whole(t, x.dst.st)
}

// A process killed during an import of a bundle, before each of its transactions in turn and
// during its fold: the next Open rolls the import back, says so, and the database holds the
// state before; imported again, the bundle reaches the state of an import never cut short.
func TestKilledBundleImportIsAllOrNothing(t *testing.T) {
	x := newBundleTransfer(t)
	defer func(n, f int) { syncBatch, foldChunk = n, f }(syncBatch, foldChunk)
	syncBatch, foldChunk = 100, 100
	dir := t.TempDir()
	var copies []string
	injectFault = func(step string, n int) error {
		if step == "log" { // the file as a kill before this transaction leaves it
			c := filepath.Join(dir, fmt.Sprintf("killed-%d.db", n))
			x.dst.check(copyFile(x.dst.st.Path(), c))
			copies = append(copies, c)
		}
		return nil
	}
	folds := 0
	_, err := x.dst.st.ImportBundles([]string{x.bundle}, SyncOptions{Progress: func(stage string, done, total int) {
		if stage == "fold" && done < total {
			folds++
			c := filepath.Join(dir, fmt.Sprintf("fold-%d.db", folds))
			x.dst.check(copyFile(x.dst.st.Path(), c))
			copies = append(copies, c)
		}
	}})
	injectFault = nil
	x.dst.check(err)
	if len(copies) < 8 || folds == 0 {
		t.Fatalf("%d copies, %d during the fold", len(copies), folds)
	}
	for i, c := range copies {
		st, err := Open(c)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(c), err)
		}
		if i > 0 && !st.Undone() { // before the first transaction, there is nothing to undo
			t.Fatalf("%s: Open did not say it rolled back an import", filepath.Base(c))
		}
		x.unchanged(t, st)
		if i == len(copies)/3 || i == len(copies)-1 {
			x.whole(t, st)
		}
		st.Close()
		os.Remove(c)
	}
}
