package storage

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qunshen/internal/bundle"
	"qunshen/internal/keyring"
	"qunshen/model"
)

// The authority's machines: a committee whose key designates, operators who attach their
// designations, and machines that trust only the committee.

// clock is one fake clock for a set of machines, so that tests place events in time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { c.t = c.t.Add(time.Second); return c.t }

// newClock starts at the real time (a bundle may not be dated a day ahead of its reader), a
// second further at each reading.
func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

// importAt imports a queue as the machine's operator, dated by the machine's clock.
func (m *machine) importAt(content string) {
	m.t.Helper()
	p := filepath.Join(m.dir, "queue.jsonl")
	m.check(os.WriteFile(p, []byte(content), 0o600))
	_, err := m.st.Import(m.op, []string{p}, ImportOptions{Now: m.st.now})
	m.check(err)
}

// committee is the authority's machine: a machine whose operator is the authority.
func committee(t *testing.T, dir string, c *clock) *machine {
	m := &machine{t: t, name: "committee", dir: filepath.Join(dir, "committee")}
	st, err := Open(filepath.Join(m.dir, "qunshen.db"))
	m.check(err)
	t.Cleanup(func() { st.Close() })
	m.st = st
	st.SetClock(c.now)
	m.op, err = keyring.NewSigner("机关党委", model.RoleAuthority, "")
	m.check(err)
	m.check(st.Register(m.op))
	return m
}

// operatorMachine is an operator's machine that trusts the authority and nobody else.
func operatorMachine(t *testing.T, dir, name string, role model.Role, branch string, auth *machine, c *clock) *machine {
	m := &machine{t: t, name: name, dir: filepath.Join(dir, name)}
	st, err := Open(filepath.Join(m.dir, "qunshen.db"))
	m.check(err)
	t.Cleanup(func() { st.Close() })
	m.st = st
	st.SetClock(c.now)
	m.op, err = keyring.NewSigner(name, role, branch)
	m.check(err)
	m.check(st.Register(m.op))
	if auth != nil {
		m.trustAuthority(auth)
	}
	return m
}

// bare is a machine with no operator of its own (a city office's reading machine) that trusts
// the authority.
func bare(t *testing.T, dir, name string, auth *machine) *machine {
	m := &machine{t: t, name: name, dir: filepath.Join(dir, name)}
	st, err := Open(filepath.Join(m.dir, "qunshen.db"))
	m.check(err)
	t.Cleanup(func() { st.Close() })
	m.st = st
	m.trustAuthority(auth)
	return m
}

func (m *machine) trustAuthority(auth *machine) {
	o := auth.op.Operator
	m.check(m.st.AddTrust(keyring.Trust{Key: o.Key, Name: o.Name, Role: model.RoleAuthority}))
}

// designate signs a designation of op and records it in the committee's chain.
func (c *machine) designate(op *model.Signer, serial string, scope model.Scope, from, until time.Time) model.Designation {
	c.t.Helper()
	d := model.Designation{Serial: serial, AuthorityName: c.op.Operator.Name, Key: op.Operator.Key, Name: op.Operator.Name, Role: op.Operator.Role,
		Scope: scope, From: from, Until: until, Issued: from}
	d.Normalize()
	d.Sign(c.op.Priv)
	raw, err := json.Marshal(d)
	c.check(err)
	_, err = c.st.Append(c.op, model.Draft{Kind: model.AuthorityDesignate, Subject: serial, Payload: raw})
	c.check(err)
	return d
}

// accept attaches a designation to the machine's operator.
func (m *machine) accept(d model.Designation) {
	m.t.Helper()
	raw, err := json.Marshal(d)
	m.check(err)
	_, err = m.st.Append(m.op, model.Draft{Kind: model.OperatorDesignate, Subject: d.Serial, Payload: raw})
	m.check(err)
}

func (c *machine) revoke(d model.Designation) {
	c.t.Helper()
	raw, _ := json.Marshal(model.Revocation{Serial: d.Serial, Key: d.Key, Name: d.Name, Reason: "调离"})
	_, err := c.st.Append(c.op, model.Draft{Kind: model.AuthorityRevoke, Subject: d.Serial, Payload: raw})
	c.check(err)
}

// exportAll writes a bundle of every event the machine holds, signed by its operator.
func (m *machine) exportAll() string { return m.export("") }

// TestDesignatedOperatorsConverge: a machine that trusts only the authority accepts the
// bundles of two designated operators it never exchanged keys with, and every machine holds
// one state once each has every bundle.
func TestDesignatedOperatorsConverge(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	auth := committee(t, dir, c)
	admin := operatorMachine(t, dir, "王芳", model.RoleAdmin, "第三党支部", auth, c)
	sec := operatorMachine(t, dir, "李明", model.RoleSecretary, "第三党支部", auth, c)
	city := bare(t, dir, "city", auth)
	start := c.t
	admin.accept(auth.designate(admin.op, "a1", model.Scope{Branch: "第三党支部", Groups: []string{"g2"}}, start, time.Time{}))
	sec.accept(auth.designate(sec.op, "s1", model.Scope{Branch: "第三党支部"}, start, start.AddDate(1, 0, 0)))
	c1 := auth.exportAll()

	admin.importAt(queue)
	admin.check(admin.decide("p1", model.PostApprove, ""))
	admin.check(admin.decide("p3", model.PostReject, "广告"))
	admin.check(admin.decide("p2", model.PostEscalate, ""))
	a1 := admin.exportAll()
	sec.importBundles(a1)
	sec.check(sec.decide("p2", model.PostSignOff, ""))
	s1 := sec.exportAll()

	city.importBundles(a1, s1)
	if p := city.post("p2"); p.Status != model.PostSignedOff {
		t.Fatalf("p2 on the city's machine: %s", p.Status)
	}
	city.importBundles(c1)
	admin.importBundles(s1, c1)
	sec.importBundles(c1)
	h := city.hash()
	for _, m := range []*machine{admin, sec} {
		if m.hash() != h {
			t.Fatalf("%s holds another state than the city's machine", m.name)
		}
	}
	for _, m := range []*machine{admin, sec, city} {
		m.verify()
	}
	ds, err := city.st.Designations()
	city.check(err)
	if len(ds) != 2 || ds[0].Accepted.IsZero() || ds[0].Recorded.IsZero() {
		t.Fatalf("designations known to the city: %+v", ds)
	}
	// A designated maker is a peer by its name: what it sent is not sent back.
	if ps := readPeerOf(t, city, "王芳"); ps[admin.op.Operator.Key] == 0 {
		t.Fatal("the designated maker of a bundle is not remembered as a peer")
	}
}

func readPeerOf(t *testing.T, m *machine, name string) peerState {
	t.Helper()
	tx, err := m.st.db.Begin(false)
	m.check(err)
	defer tx.Rollback()
	return readPeer(tx, name)
}

// TestDesignationRefusals: each fault of the list refuses the whole bundle, applies
// nothing, and says which file, which event and which rule.
func TestDesignationRefusals(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	auth := committee(t, dir, c)
	admin := operatorMachine(t, dir, "王芳", model.RoleAdmin, "第三党支部", auth, c)
	city := bare(t, dir, "city", auth)
	start := c.t
	admin.accept(auth.designate(admin.op, "a1", model.Scope{Branch: "第三党支部", Groups: []string{"g2"}}, start, time.Time{}))
	admin.importAt(queue)
	admin.check(admin.decide("p2", model.PostEscalate, ""))
	a0 := admin.exportAll()
	city.importBundles(a0, auth.exportAll())

	// A forged chain of a key designated by the authority: register, attach, then what the
	// case needs, each event a second later.
	forge := func(name string, role model.Role, d func(op *model.Signer) model.Designation, more func(ch *chain, at func() time.Time) [][]byte) string {
		op, err := keyring.NewSigner(name, role, "")
		admin.check(err)
		ch := &chain{s: op}
		tm := c.t
		at := func() time.Time { tm = tm.Add(time.Second); return tm }
		des, _ := json.Marshal(d(op))
		events := [][]byte{ch.next(model.OperatorRegister, op.Operator.Key.String(), register(op), at()),
			ch.next(model.OperatorDesignate, d(op).Serial, string(des), at())}
		events = append(events, more(ch, at)...)
		m := bundle.Manifest{Format: "qunshen-bundle", Origins: []bundle.Origin{ch.run(1, len(events))}}
		return writeFile(t, dir, name+".qsb", frame(op, m, events, true))
	}
	sign := func(op *model.Signer, serial string, role model.Role, scope model.Scope, from, until time.Time, by *model.Signer) model.Designation {
		d := model.Designation{Serial: serial, AuthorityName: by.Operator.Name, Key: op.Operator.Key, Name: op.Operator.Name, Role: role,
			Scope: scope, From: from, Until: until, Issued: from}
		d.Normalize()
		d.Sign(by.Priv)
		return d
	}
	signoff := func(ch *chain, at func() time.Time) [][]byte {
		return [][]byte{ch.next(model.PostSignOff, "p2", `{"seen":1}`, at())}
	}

	t.Run("no designation", func(t *testing.T) {
		stranger := operatorMachine(t, dir, "张三", model.RoleAdmin, "", nil, c)
		stranger.importAt(queue)
		refused(t, city, stranger.exportAll(), "which this machine does not trust")
		// Relayed by a designated operator's machine, the stranger's events are still refused.
		o := stranger.op.Operator
		admin.check(admin.st.AddTrust(keyring.Trust{Key: o.Key, Name: o.Name, Role: o.Role}))
		admin.importBundles(stranger.exportAll())
		refused(t, city, admin.exportAll(), "signed by a key this machine does not trust")
	})
	t.Run("authority not trusted here", func(t *testing.T) {
		other, _ := keyring.NewSigner("宣传部", model.RoleAuthority, "")
		f := forge("钱书记", model.RoleSecretary, func(op *model.Signer) model.Designation {
			return sign(op, "x1", model.RoleSecretary, model.Scope{Branch: "第三党支部"}, start, time.Time{}, other)
		}, signoff)
		refused(t, city, f, "which this machine does not trust: run qunshen trust --authority")
	})
	t.Run("expired", func(t *testing.T) {
		f := forge("孙书记", model.RoleSecretary, func(op *model.Signer) model.Designation {
			return sign(op, "x2", model.RoleSecretary, model.Scope{Branch: "第三党支部"}, start, c.t.Add(3*time.Second), auth.op)
		}, func(ch *chain, at func() time.Time) [][]byte {
			at()
			at()
			return signoff(ch, at) // dated after the designation's end
		})
		refused(t, city, f, "event post.signoff p2", "sequence 3", "ended on")
	})
	t.Run("revoked", func(t *testing.T) {
		sec := operatorMachine(t, dir, "李明", model.RoleSecretary, "第三党支部", auth, c)
		d := auth.designate(sec.op, "s1", model.Scope{Branch: "第三党支部"}, c.t, time.Time{})
		sec.accept(d)
		sec.importBundles(a0)
		auth.revoke(d)
		city.importBundles(auth.exportAll())
		sec.check(sec.decide("p2", model.PostSignOff, "")) // the secretary does not know yet
		refused(t, city, sec.exportAll(), "event post.signoff p2 (origin 李明", "was revoked on")
	})
	t.Run("designation altered by one byte", func(t *testing.T) {
		f := forge("赵书记", model.RoleSecretary, func(op *model.Signer) model.Designation {
			d := sign(op, "x3", model.RoleSecretary, model.Scope{Branch: "东湖街道"}, start, time.Time{}, auth.op)
			d.Scope.Branch = "第三党支部" // one character of the document changed after signing
			return d
		}, signoff)
		refused(t, city, f, "event operator.designate x3", "the signature is not the authority's")
	})
	t.Run("outside the scope", func(t *testing.T) {
		f := forge("周书记", model.RoleSecretary, func(op *model.Signer) model.Designation {
			return sign(op, "x4", model.RoleSecretary, model.Scope{Branch: "东湖街道"}, start, time.Time{}, auth.op)
		}, signoff)
		refused(t, city, f, "event post.signoff p2", "may act only on the groups of 东湖街道", "group g1 (第三党支部), outside that scope")
	})
	t.Run("designation of another key", func(t *testing.T) {
		f := forge("吴书记", model.RoleSecretary, func(op *model.Signer) model.Designation {
			return sign(admin.op, "a1", model.RoleAdmin, model.Scope{Branch: "第三党支部"}, start, time.Time{}, auth.op)
		}, signoff)
		refused(t, city, f, "event operator.designate a1", "names the key of 王芳")
	})
	t.Run("another role than designated", func(t *testing.T) {
		f := forge("郑管理", model.RoleAdmin, func(op *model.Signer) model.Designation {
			return sign(op, "x5", model.RoleSecretary, model.Scope{Branch: "第三党支部"}, start, time.Time{}, auth.op)
		}, signoff)
		refused(t, city, f, "event operator.register", "claims the role admin, but the designation x5 is of a secretary")
	})
	city.verify()
}

// TestDesignationPropertyAnyOrder: any order of the same bundles — designations, a
// revocation, decisions made before it by the operator revoked, decisions of another — gives
// one state on every machine.
func TestDesignationPropertyAnyOrder(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	auth := committee(t, dir, c)
	admin := operatorMachine(t, dir, "王芳", model.RoleAdmin, "第三党支部", auth, c)
	sec := operatorMachine(t, dir, "李明", model.RoleSecretary, "第三党支部", auth, c)
	start := c.t
	ds := auth.designate(sec.op, "s1", model.Scope{Branch: "第三党支部", Groups: []string{"g1"}}, start, time.Time{})
	admin.accept(auth.designate(admin.op, "a1", model.Scope{All: false, Groups: []string{"g1"}}, start, time.Time{}))
	sec.accept(ds)
	bundles := []string{auth.exportAll()}
	admin.importAt(genQueue(40))
	for i := range 40 {
		kind := model.PostApprove
		if i%5 == 0 {
			kind = model.PostEscalate
		}
		if i%7 == 3 {
			kind = model.PostReject
		}
		admin.check(admin.decide(fmt.Sprintf("p%d", i), kind, "理由"))
	}
	bundles = append(bundles, admin.exportAll())
	sec.importBundles(bundles...)
	for _, i := range []int{0, 20, 30} {
		sec.check(sec.decide(fmt.Sprintf("p%d", i), model.PostSignOff, ""))
	}
	sec.check(sec.decide("p5", model.PostReturn, "请补充"))
	bundles = append(bundles, sec.exportAll())
	admin.importBundles(bundles[2])
	admin.check(admin.decide("p5", model.PostChanges, "请修改")) // after the return, seen
	sec.check(sec.decide("p15", model.PostSignOff, ""))       // before the revocation; sent after it
	auth.revoke(ds)
	bundles = append(bundles, auth.exportAll(), admin.exportAll(), sec.exportAll())

	var want model.Hash
	rng := rand.New(rand.NewPCG(25, 7))
	for round := range 6 {
		m := bare(t, dir, fmt.Sprintf("city%d", round), auth)
		order := rng.Perm(len(bundles))
		if round == 0 {
			m.importBundles(bundles...) // all at once
		} else {
			for _, i := range order {
				m.importBundles(bundles[i])
			}
		}
		m.verify()
		if round == 0 {
			want = m.hash()
			if p := m.post("p15"); p.Status != model.PostSignedOff {
				t.Fatalf("a sign-off made before the revocation, known after it: %s", p.Status)
			}
			continue
		}
		if m.hash() != want {
			t.Fatalf("order %v gives another state", order)
		}
	}
	// The operators' machines too, once each holds every bundle.
	for _, m := range []*machine{admin, sec} {
		m.importBundles(bundles...)
		if m.hash() != want {
			t.Fatalf("%s holds another state", m.name)
		}
	}
	// The revoked secretary signs nothing more on a machine that knows the revocation.
	if err := sec.decide("p25", model.PostSignOff, ""); err == nil || !strings.Contains(err.Error(), "was revoked on") {
		t.Fatalf("a sign-off after the revocation: %v", err)
	}
}

// TestDesignatedParked: a designated operator's bundles come in pieces (sync export --peer).
// The first brings its designation; one that comes before it is refused, saying so; once
// the designation is known, a later piece imported before an earlier one waits, parked.
func TestDesignatedParked(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	auth := committee(t, dir, c)
	admin := operatorMachine(t, dir, "王芳", model.RoleAdmin, "第三党支部", auth, c)
	city := bare(t, dir, "city", auth)
	admin.accept(auth.designate(admin.op, "a1", model.Scope{Branch: "第三党支部", Groups: []string{"g2"}}, c.t, time.Time{}))
	admin.importAt(queue)
	first := admin.export("city")
	admin.check(admin.decide("p1", model.PostApprove, ""))
	second := admin.export("city")
	admin.check(admin.decide("p3", model.PostReject, "广告"))
	third := admin.export("city")
	refused(t, city, second, "which this machine does not trust", "brings its designation")
	city.importBundles(first)
	if res := city.importBundles(third); res.Parked == 0 {
		t.Fatalf("the third piece was not parked: %+v", res)
	}
	city.importBundles(second)
	if p1, p3 := city.post("p1"), city.post("p3"); p1.Status != model.PostApproved || p3.Status != model.PostRejected {
		t.Fatalf("p1 %s, p3 %s", p1.Status, p3.Status)
	}
	city.verify()
}

// FuzzIDAndGroup holds the quick reading of an entity's id and group to the decoder: what it
// reads of a payload the decoder reads too, the same.
func FuzzIDAndGroup(f *testing.F) {
	for _, v := range []any{model.Post{ID: "p1", Group: "g1", Title: "通知"}, model.Violation{ID: `v"1`, Group: "g<1>"}, model.Application{ID: "a", Group: ""}} {
		raw, _ := json.Marshal(v)
		f.Add(raw)
	}
	f.Add([]byte(`{"id":"x","group":"y"`))
	f.Add([]byte(`{"id":"\u0041","group":"y"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		id, group, ok := idAndGroup(b)
		if !ok {
			return
		}
		var rec recordOf
		if json.Unmarshal(b, &rec) != nil {
			return // not a payload: the fold refuses it
		}
		if rec.ID != id || rec.Group != group {
			t.Fatalf("%q: read %q %q, the decoder %q %q", b, id, group, rec.ID, rec.Group)
		}
	})
}

// A designated administrator's import of files is checked whole against its scope before
// anything is written: a group of another branch refuses it, naming the line.
func TestDesignatedImportScope(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	auth := committee(t, dir, c)
	admin := operatorMachine(t, dir, "王芳", model.RoleAdmin, "第三党支部", auth, c)
	admin.accept(auth.designate(admin.op, "a1", model.Scope{Branch: "第三党支部"}, c.t, time.Time{}))
	p := filepath.Join(dir, "queue.jsonl")
	admin.check(os.WriteFile(p, []byte(queue), 0o600))
	before := admin.hash()
	_, err := admin.st.Import(admin.op, []string{p}, ImportOptions{Now: admin.st.now})
	if err == nil || !strings.Contains(err.Error(), "queue.jsonl:2: 王芳 (admin, designation a1) may act only on the groups of 第三党支部: the action group.register on group g2 is outside that scope") {
		t.Fatalf("import outside the scope: %v", err)
	}
	if admin.hash() != before {
		t.Fatal("a refused import wrote something")
	}
	// With the group listed, the same file imports.
	admin.accept(auth.designate(admin.op, "a2", model.Scope{Branch: "第三党支部", Groups: []string{"g2"}}, c.t, time.Time{}))
	admin.importAt(queue)
}

// A set-up that trusted keys pairwise adopts designations: what an operator signed before
// attaching its designation stays as it was, on a machine that trusts its key; from the
// attaching on, the designation holds it.
func TestPairwiseThenDesignated(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	auth := committee(t, dir, c)
	admin := operatorMachine(t, dir, "王芳", model.RoleAdmin, "第三党支部", nil, c)
	peer := bare(t, dir, "peer", auth)
	o := admin.op.Operator
	peer.check(peer.st.AddTrust(keyring.Trust{Key: o.Key, Name: o.Name, Role: o.Role}))
	admin.importAt(queue) // g2 is of no branch: outside the designation to come
	admin.check(admin.decide("p3", model.PostReject, "广告"))
	admin.trustAuthority(auth)
	admin.accept(auth.designate(admin.op, "a1", model.Scope{Branch: "第三党支部"}, c.t, time.Time{}))
	admin.check(admin.decide("p1", model.PostApprove, ""))
	peer.importBundles(admin.exportAll())
	if p := peer.post("p3"); p.Status != model.PostRejected {
		t.Fatalf("p3, decided before the designation: %s", p.Status)
	}
	peer.verify()
	// After it, the designation holds: a decision on g2 is refused here, as on the peer.
	if err := admin.decide("p3", model.PostUndo, ""); err == nil || !strings.Contains(err.Error(), "outside that scope") {
		t.Fatalf("an undo outside the scope: %v", err)
	}
}
