package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/keyring"
	"qunshen/model"
)

// machine is one offline machine: its own database and its own operator.
type machine struct {
	t    *testing.T
	name string
	dir  string
	st   *Store
	op   *model.Signer
	n    int // bundles written
}

func newMachine(t *testing.T, dir, name string, role model.Role) *machine {
	t.Helper()
	m := &machine{t: t, name: name, dir: filepath.Join(dir, name)}
	st, err := Open(filepath.Join(m.dir, "qunshen.db"))
	m.check(err)
	t.Cleanup(func() { st.Close() })
	m.st = st
	m.op, err = keyring.NewSigner(name, role, "第三党支部")
	m.check(err)
	m.check(st.Register(m.op))
	return m
}

func (m *machine) check(err error) {
	m.t.Helper()
	if err != nil {
		m.t.Fatalf("%s: %v", m.name, err)
	}
}

// network makes a machine for each name, with the role after its colon ("a1:admin"), each
// trusting the others; the first has imported the test queue.
func network(t *testing.T, dir string, specs ...string) []*machine {
	t.Helper()
	ms := make([]*machine, len(specs))
	for i, spec := range specs {
		name, role, _ := strings.Cut(spec, ":")
		ms[i] = newMachine(t, dir, name, model.Role(role))
	}
	trustAll(ms...)
	ms[0].importQueue(queue)
	return ms
}

// trustAll makes each machine trust the operators of the others.
func trustAll(ms ...*machine) {
	for _, a := range ms {
		for _, b := range ms {
			if a != b {
				o := b.op.Operator
				a.check(a.st.AddTrust(keyring.Trust{Key: o.Key, Name: o.Name, Role: o.Role, Branch: o.Branch, TrustedAt: time.Now()}))
			}
		}
	}
}

// export writes a bundle for peer (all events when peer is "").
func (m *machine) export(peer string) string {
	m.t.Helper()
	m.n++
	p := filepath.Join(m.dir, fmt.Sprintf("%s-%d.qsb", m.name, m.n))
	_, err := m.st.ExportBundle(m.op, p, ExportOptions{Peer: peer})
	m.check(err)
	return p
}

func (m *machine) importBundles(files ...string) SyncResult {
	m.t.Helper()
	res, err := m.st.ImportBundles(files, SyncOptions{})
	m.check(err)
	return res
}

func (m *machine) hash() model.Hash {
	m.t.Helper()
	h, err := m.st.StateHash()
	m.check(err)
	return h
}

func (m *machine) verify() {
	m.t.Helper()
	_, err := m.st.Verify()
	m.check(err)
}

func (m *machine) importQueue(content string) {
	m.t.Helper()
	p := filepath.Join(m.dir, "queue.jsonl")
	m.check(os.WriteFile(p, []byte(content), 0o600))
	_, err := m.st.Import(m.op, []string{p}, ImportOptions{})
	m.check(err)
}

// decide records a decision as the screen does: following the history it read.
func (m *machine) decide(post string, kind model.Kind, reason string) error {
	p, ok, err := m.st.Post(post)
	if err != nil || !ok {
		return fmt.Errorf("post %s: %v %v", post, ok, err)
	}
	seen := len(p.History)
	raw, _ := json.Marshal(model.ReasonPayload{Reason: reason, Seen: &seen})
	_, err = m.st.Append(m.op, model.Draft{Kind: kind, Subject: post, Payload: raw})
	return err
}

func (m *machine) post(id string) model.Post {
	m.t.Helper()
	p, ok, err := m.st.Post(id)
	m.check(err)
	if !ok {
		m.t.Fatalf("%s: no post %s", m.name, id)
	}
	return p
}

func TestSyncRoundTripAndIdempotence(t *testing.T) {
	dir := t.TempDir()
	ms := network(t, dir, "admin:admin", "secretary:secretary")
	admin, sec := ms[0], ms[1]
	admin.check(admin.decide("p2", model.PostEscalate, ""))
	b1 := admin.export("secretary")
	res := sec.importBundles(b1)
	if res.New == 0 || res.Known != 0 {
		t.Fatalf("first import: %+v", res)
	}
	h := sec.hash()
	res = sec.importBundles(b1)
	if res.New != 0 || res.Known == 0 || sec.hash() != h {
		t.Fatalf("second import of the same bundle changed something: %+v", res)
	}
	sec.check(sec.decide("p2", model.PostSignOff, ""))
	b2 := sec.export("admin")
	admin.importBundles(b2)
	if p := admin.post("p2"); p.Status != model.PostSignedOff || p.Disputed {
		t.Fatalf("p2 on the admin's machine: %s disputed=%v", p.Status, p.Disputed)
	}
	// Nothing new for the admin to send: the secretary's bundle told what it holds.
	b3 := admin.export("secretary")
	sec.importBundles(b3)
	if admin.hash() != sec.hash() {
		t.Fatal("the two machines differ after exchanging everything")
	}
	admin.verify()
	sec.verify()
}

// genQueue writes a queue of n posts in one group, every fifth a major matter.
func genQueue(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"group","id":"g1","name":"第三党支部党员群","kind":"party"}` + "\n")
	b.WriteString(`{"type":"member","id":"m1","group":"g1","name":"曾志强"}` + "\n")
	b.WriteString(`{"type":"member","id":"m2","group":"g1","name":"單海燕"}` + "\n")
	for i := range n {
		fmt.Fprintf(&b, `{"type":"post","id":"p%d","group":"g1","author":"m%d","time":"2026-06-03T09:%02d:00+08:00","title":"通知%d","body":"内容%d","major":%v}`+"\n", i, 1+i%2, i%60, i, i, i%5 == 0)
	}
	return b.String()
}

// TestSyncConvergence: replicas decide at random, exchange bundles in random orders, through
// relays and with bundles delivered late or twice, and end with the same state.
func TestSyncConvergence(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { convergence(t, int64(seed)) })
	}
}

// TestSyncConvergenceInSmallFolds runs the property with a fold of three events a
// transaction: a bundle's events are folded in many chunks, from memory and from the log, and
// verify holds each projection to a fresh fold of the log.
func TestSyncConvergenceInSmallFolds(t *testing.T) {
	defer func(n int) { foldChunk = n }(foldChunk)
	foldChunk = 3
	for seed := range 3 {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { convergence(t, int64(100+seed)) })
	}
}

func convergence(t *testing.T, seed int64) {
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	dir := t.TempDir()
	a1 := newMachine(t, dir, "a1", model.RoleAdmin)
	a2 := newMachine(t, dir, "a2", model.RoleAdmin)
	sec := newMachine(t, dir, "sec", model.RoleSecretary)
	sup := newMachine(t, dir, "sup", model.RoleSupervisor)
	ms := []*machine{a1, a2, sec, sup}
	trustAll(ms...)
	const posts = 12
	a1.importQueue(genQueue(posts))
	type mail struct {
		to   *machine
		file string
	}
	var box []mail
	kinds := map[model.Role][]model.Kind{
		model.RoleAdmin:     {model.PostApprove, model.PostReject, model.PostChanges, model.PostEscalate, model.PostUndo},
		model.RoleSecretary: {model.PostSignOff, model.PostReturn, model.PostUndo},
	}
	for step := 0; step < 200; step++ {
		switch r := rng.IntN(10); {
		case r < 5: // a decision
			m := ms[rng.IntN(len(ms))]
			ks := kinds[m.op.Operator.Role]
			if len(ks) == 0 {
				continue
			}
			post := fmt.Sprintf("p%d", rng.IntN(posts))
			p, _, _ := m.st.Post(post)
			var can []model.Kind // what this machine's state allows, mostly
			for _, k := range ks {
				if model.CanDecide(p.Status, k) || rng.IntN(8) == 0 {
					can = append(can, k)
				}
			}
			if len(can) == 0 {
				continue
			}
			k := can[rng.IntN(len(can))]
			if k == model.PostUndo {
				p, ok, _ := m.st.Post(post)
				if i := p.LastDecision(); ok && i >= 0 {
					_, _ = m.st.Append(m.op, model.Draft{Kind: k, Subject: post, Payload: []byte("{}"), Refs: []model.Hash{p.History[i].Event}})
				}
				continue
			}
			_ = m.decide(post, k, "理由") // refused when the local state does not allow it
		case r < 8: // a bundle put on a stick, for a peer or for all
			from, to := ms[rng.IntN(len(ms))], ms[rng.IntN(len(ms))]
			if from == to {
				continue
			}
			peer := to.name
			if rng.IntN(3) == 0 {
				peer = ""
			}
			box = append(box, mail{to, from.export(peer)})
		default: // a stick delivered, in any order; sometimes twice
			if len(box) == 0 {
				continue
			}
			i := rng.IntN(len(box))
			box[i].to.importBundles(box[i].file)
			if rng.IntN(4) > 0 {
				box = append(box[:i], box[i+1:]...)
			}
		}
	}
	for _, x := range box {
		x.to.importBundles(x.file)
	}
	// At last every machine sends everything to every other, in a random order.
	var all []string
	for _, m := range ms {
		all = append(all, m.export(""))
	}
	for _, m := range ms {
		order := rng.Perm(len(all))
		for _, i := range order {
			m.importBundles(all[i])
		}
	}
	want := a1.hash()
	for _, m := range ms {
		m.verify()
		if got := m.hash(); got != want {
			s1, _ := a1.st.Status()
			s2, _ := m.st.Status()
			t.Fatalf("seed %d: %s differs from a1:\n%+v\n%+v", seed, m.name, s1, s2)
		}
		if s, _ := m.st.Status(); s.Parked != 0 {
			t.Fatalf("%s: %d events still parked", m.name, s.Parked)
		}
	}
	s, _ := a1.st.Status()
	t.Logf("seed %d: %d events, %d disputed, %d superseded, posts %v", seed, s.Events, s.Disputed, s.Superseded, s.Posts)
}

// TestSchema1IsMigrated: a database as schema 1 wrote it (no canonical order, no index by
// origin, no trust store, no clock) is brought up to date when opened: it verifies, its
// operators are trusted, and a new decision follows every event it holds.
func TestSchema1IsMigrated(t *testing.T) {
	e := newEnv(t)
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	seen := 0
	raw, _ := json.Marshal(model.ReasonPayload{Seen: &seen})
	_, err = e.st.Append(e.admin, model.Draft{Kind: model.PostApprove, Subject: "p1", Payload: raw})
	e.check(err)
	want := e.hash()
	e.check(e.st.DB().Update(func(tx *bbolt.Tx) error {
		if err := AsOlderSchema(tx, 1); err != nil {
			return err
		}
		for _, b := range [][]byte{bOrderV4, bByOrigin, bTrust, bParked, bParkedCP, bPeers} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Delete(kMaxTime)
	}))
	e.reopen()
	e.verify()
	if e.hash() != want {
		t.Fatal("the migration changed the state")
	}
	list, err := e.st.TrustList()
	e.check(err)
	if len(list) != 2 || !list[0].Local || !list[1].Local {
		t.Fatalf("trust after the migration: %+v", list)
	}
	before := e.status().Events
	_, err = e.st.Append(e.admin, model.Draft{Kind: model.PostReject, Subject: "p3", Payload: []byte(`{"reason":"广告","seen":0}`)})
	e.check(err)
	if e.status().Events != before+1 {
		t.Fatal("no event appended after the migration")
	}
	e.verify()
}

// TestSyncImportProgress: the fold of an import counts the new events up to all of them,
// never back, chunk by chunk, and leaves no fold pending.
func TestSyncImportProgress(t *testing.T) {
	defer func(n int) { foldChunk = n }(foldChunk)
	foldChunk = 3
	dir := t.TempDir()
	ms := network(t, dir, "admin:admin", "secretary:secretary", "sup:supervisor")
	admin, sec, sup := ms[0], ms[1], ms[2]
	sec.importBundles(admin.export(""))
	sup.importBundles(admin.export(""), sec.export("")) // the state rebuilt from the whole log
	// Decisions of two origins made after all the supervisor holds: folded from where the
	// fold stands, more than a chunk of them.
	for _, p := range []string{"p1", "p2", "p3"} {
		admin.check(admin.decide(p, model.PostEscalate, ""))
	}
	sec.importBundles(admin.export(""))
	for _, p := range []string{"p1", "p2", "p3"} {
		sec.check(sec.decide(p, model.PostSignOff, ""))
	}
	admin.importBundles(sec.export(""))
	var folds [][2]int
	res, err := sup.st.ImportBundles([]string{admin.export("")}, SyncOptions{Progress: func(stage string, done, total int) {
		if stage == "fold" {
			folds = append(folds, [2]int{done, total})
		}
	}})
	sup.check(err)
	if res.Refolded || res.New < 4 {
		t.Fatalf("%+v: want new events that follow all held, more than a chunk of them", res)
	}
	if len(folds) < 2 {
		t.Fatalf("fold progress %v: want a report a chunk", folds)
	}
	for i, f := range folds {
		if f[1] != res.New || f[0] > f[1] || (i > 0 && f[0] <= folds[i-1][0]) {
			t.Fatalf("fold progress %v for %d new events", folds, res.New)
		}
	}
	if last := folds[len(folds)-1]; last[0] != res.New {
		t.Fatalf("fold progress ends at %v, want %d", last, res.New)
	}
	if sup.st.foldPending() {
		t.Fatal("a fold is pending after the import")
	}
	if p := sup.post("p2"); p.Status != model.PostSignedOff {
		t.Fatalf("p2 on the supervisor's machine: %s", p.Status)
	}
	sup.verify()
}

// TestSchema4LogIsMigrated: a log kept under local sequences (schemas 2 to 4) is brought to the
// canonical keys when opened: the database verifies, the state is the same, a bundle of all its
// events is byte for byte the bundle exported before, and a new decision follows them.
func TestSchema4LogIsMigrated(t *testing.T) {
	e := newEnv(t)
	e.check(e.err(e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})))
	e.decide(model.PostEscalate, "p2")
	seen := 1
	raw, _ := json.Marshal(model.ReasonPayload{Seen: &seen})
	_, err := e.st.Append(e.sec, model.Draft{Kind: model.PostSignOff, Subject: "p2", Payload: raw})
	e.check(err)
	at := func() time.Time { return time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC) }
	export := func(name string) []byte {
		path := filepath.Join(e.dir, name)
		_, err := e.st.ExportBundle(e.admin, path, ExportOptions{Now: at})
		e.check(err)
		b, err := os.ReadFile(path)
		e.check(err)
		return b
	}
	before := export("before.qsb")
	events := e.status().Events
	e.reopenedFrom(4, nil)
	if e.status().Events != events {
		t.Fatalf("%d events after the migration, %d before", e.status().Events, events)
	}
	if !bytes.Equal(export("after.qsb"), before) {
		t.Fatal("the bundle of all events differs after the migration")
	}
	e.check(e.st.DB().View(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bLogV4, bOrderV4} {
			if tx.Bucket(b) != nil {
				t.Errorf("bucket %s left after the migration", b)
			}
		}
		return nil
	}))
	e.decide(model.PostEscalate, "p3")
	e.verify()
	if e.status().Events != events+1 {
		t.Fatal("no event appended after the migration")
	}
}

// A fold cut short after its first chunk — as a crash leaves it — is rolled back with the
// import when the database is opened (the import's journal): the database then verifies and
// holds the state from before the import, and the bundle imported again reaches the state of
// an import that was not cut short. A fold cut short without a journal (as an earlier version
// left it) is finished when the database is opened, with the same state. The index by origin
// is written with the log, whole while the fold runs: a roll back finds the events by it.
func TestFoldCutShortIsFinished(t *testing.T) {
	defer func(n int) { foldChunk = n }(foldChunk)
	foldChunk = 2
	dir := t.TempDir()
	ms := network(t, dir, "a1:admin", "a2:admin")
	a1, a2 := ms[0], ms[1]
	a2.importBundles(a1.export("a2"))
	pending, err := a1.st.PostsByStatus(model.PostPending, 100)
	a1.check(err)
	for _, p := range pending {
		a1.check(a1.decide(p.ID, model.PostEscalate, ""))
	}
	if len(pending) <= foldChunk {
		t.Fatalf("%d decisions fold in one chunk", len(pending))
	}
	bundle := a1.export("a2")
	before := a2.hash()
	cut := filepath.Join(dir, "cut.db")
	copied := false
	_, err = a2.st.ImportBundles([]string{bundle}, SyncOptions{Progress: func(stage string, done, total int) {
		if stage == "fold" && !copied && done < total {
			copied = true
			a2.check(a2.st.db.View(func(tx *bbolt.Tx) error { return tx.CopyFile(cut, 0o600) }))
		}
	}})
	a2.check(err)
	if !copied {
		t.Fatal("the fold ended in one chunk")
	}
	db, err := bbolt.Open(cut, 0o600, &bbolt.Options{ReadOnly: true})
	a2.check(err)
	var events, indexed int
	a2.check(db.View(func(tx *bbolt.Tx) error {
		if tx.Bucket(bMeta).Get(kFoldFrom) == nil {
			t.Fatal("the copy was not taken half-way through the fold")
		}
		if tx.Bucket(bUndo) == nil {
			t.Fatal("the import's journal was ended before its fold")
		}
		events, indexed = tx.Bucket(bLog).Stats().KeyN, tx.Bucket(bByOrigin).Stats().KeyN
		return nil
	}))
	db.Close()
	if indexed != events {
		t.Fatalf("the index by origin holds %d of %d events half-way: it is written with the log", indexed, events)
	}
	old := filepath.Join(dir, "old.db")
	a2.check(copyFile(cut, old))

	st, err := Open(cut)
	a2.check(err)
	defer st.Close()
	if !st.Undone() {
		t.Fatal("Open did not roll the import back")
	}
	if _, err := st.Verify(); err != nil {
		t.Fatalf("the import rolled back on opening: %v", err)
	}
	h, err := st.StateHash()
	a2.check(err)
	if h != before {
		t.Fatal("the import rolled back on opening left a state other than the one before it")
	}
	_, err = st.ImportBundles([]string{bundle}, SyncOptions{})
	a2.check(err)
	if h, _ := st.StateHash(); h != a2.hash() {
		t.Fatal("the bundle imported again differs from the import not cut short")
	}

	db, err = bbolt.Open(old, 0o600, nil)
	a2.check(err)
	a2.check(db.Update(func(tx *bbolt.Tx) error { return tx.DeleteBucket(bUndo) }))
	a2.check(db.Close())
	st2, err := Open(old)
	a2.check(err)
	defer st2.Close()
	if st2.Undone() {
		t.Fatal("Open rolled back an import without a journal")
	}
	if _, err := st2.Verify(); err != nil {
		t.Fatalf("the fold finished on opening: %v", err)
	}
	h, err = st2.StateHash()
	a2.check(err)
	if h != a2.hash() {
		t.Fatal("the fold finished on opening differs from the one not cut short")
	}
}
