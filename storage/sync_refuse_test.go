package storage

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qunshen/internal/bundle"
	"qunshen/internal/keyring"
	"qunshen/model"
)

func TestSyncConflictTwoAdmins(t *testing.T) {
	dir := t.TempDir()
	ms := network(t, dir, "a1:admin", "a2:admin", "sup:supervisor")
	a1, a2, sup := ms[0], ms[1], ms[2]
	a2.importBundles(a1.export(""))
	// Offline, each decides p1: one approves, the other rejects.
	a1.check(a1.decide("p1", model.PostApprove, ""))
	a2.check(a2.decide("p1", model.PostReject, "广告"))
	b1, b2 := a1.export(""), a2.export("")
	a1.importBundles(b2)
	a2.importBundles(b1)
	sup.importBundles(b2, b1)
	for _, m := range []*machine{a1, a2, sup} {
		p := m.post("p1")
		if !p.Disputed || p.Status != model.PostPending {
			t.Fatalf("%s: p1 is %s disputed=%v, want pending and disputed", m.name, p.Status, p.Disputed)
		}
		if len(p.History) != 2 || !p.History[1].Concurrent {
			t.Fatalf("%s: both decisions must stay in the history: %+v", m.name, p.History)
		}
		if s, _ := m.st.Status(); s.Disputed != 1 {
			t.Fatalf("%s: status counts %d disputed", m.name, s.Disputed)
		}
	}
	if a1.hash() != a2.hash() {
		t.Fatal("the admins' machines differ")
	}
	// An administrator who has seen the dispute resolves it.
	a2.check(a2.decide("p1", model.PostReject, "确认为广告"))
	a1.importBundles(a2.export(""))
	p := a1.post("p1")
	if p.Disputed || p.Status != model.PostRejected || !p.History[2].Resolves {
		t.Fatalf("after the resolution: %s disputed=%v %+v", p.Status, p.Disputed, p.History)
	}
	// The same decision on two machines concurs: no dispute.
	a1.check(a1.decide("p3", model.PostReject, "广告"))
	a2.check(a2.decide("p3", model.PostReject, "广告"))
	a1.importBundles(a2.export(""))
	if p := a1.post("p3"); p.Disputed || p.Status != model.PostRejected || len(p.History) != 2 {
		t.Fatalf("two equal decisions: %s disputed=%v", p.Status, p.Disputed)
	}
}

func TestSyncConflictRejectionVoidsSignOff(t *testing.T) {
	dir := t.TempDir()
	ms := network(t, dir, "a1:admin", "a2:admin", "sec:secretary")
	a1, a2, sec := ms[0], ms[1], ms[2]
	a2.importBundles(a1.export(""))
	// p1 is escalated by a1 and signed off by the secretary; meanwhile a2, who never saw the
	// escalation, sends it back for changes.
	a1.check(a1.decide("p1", model.PostEscalate, ""))
	sec.importBundles(a1.export(""))
	sec.check(sec.decide("p1", model.PostSignOff, ""))
	a2.check(a2.decide("p1", model.PostChanges, "请补充落款"))
	bs := []string{a1.export(""), a2.export(""), sec.export("")}
	for _, m := range []*machine{a1, a2, sec} {
		m.importBundles(bs...)
	}
	for _, m := range []*machine{a1, a2, sec} {
		p := m.post("p1")
		if p.Status != model.PostEscalated || !p.Disputed {
			t.Fatalf("%s: p1 is %s disputed=%v: the sign-off must be void until the secretary signs again", m.name, p.Status, p.Disputed)
		}
	}
	if a1.hash() != sec.hash() || a2.hash() != sec.hash() {
		t.Fatal("machines differ")
	}
	// The secretary signs again, having seen the rejection: published.
	sec.check(sec.decide("p1", model.PostSignOff, ""))
	a1.importBundles(sec.export(""))
	if p := a1.post("p1"); p.Status != model.PostSignedOff || p.Disputed {
		t.Fatalf("after signing again: %s disputed=%v", p.Status, p.Disputed)
	}
}

func TestSyncRelayKeepsTheSecretarysSignature(t *testing.T) {
	dir := t.TempDir()
	ms := network(t, dir, "admin:admin", "sec:secretary", "sup:supervisor")
	admin, sec, sup := ms[0], ms[1], ms[2]
	admin.check(admin.decide("p2", model.PostEscalate, ""))
	sec.importBundles(admin.export(""))
	sec.check(sec.decide("p2", model.PostSignOff, ""))
	admin.importBundles(sec.export("admin"))
	relay := admin.export("sup") // the secretary's events, passed on by the administrator
	sup.importBundles(relay)
	p := sup.post("p2")
	last := p.History[len(p.History)-1]
	if p.Status != model.PostSignedOff || last.Kind != model.PostSignOff {
		t.Fatalf("p2 on the supervisor's machine: %s %+v", p.Status, last)
	}
	ev, err := sup.st.Event(last.Time, last.Event)
	sup.check(err)
	if ev.Origin != sec.op.Operator.Key || ev.Role != model.RoleSecretary {
		t.Fatalf("the sign-off is not the secretary's: origin %s", ev.Origin.Fingerprint())
	}
	// The administrator alters the sign-off on the way and signs the bundle anew: refused,
	// because the secretary's own signature covers the chain.
	data, err := os.ReadFile(relay)
	sup.check(err)
	sup2 := newMachine(t, dir, "sup2", model.RoleSupervisor)
	trustAll(admin, sec, sup2)
	forged := rewrite(t, data, admin.op, func(m *bundle.Manifest, events [][]byte) {
		for i, body := range events {
			ev, _ := model.DecodeEvent(body)
			if ev.Kind == model.PostSignOff {
				ev.Kind = model.PostReturn
				ev.Payload = []byte(`{"reason":"伪造","seen":1}`)
				events[i] = ev.Encode(nil)
			}
		}
	})
	refused(t, sup2, writeFile(t, dir, "forged.qsb", forged), "hash chain broken", "not the head its signature covers")
}

// rewrite re-frames a bundle after change mutated its manifest or events, and signs it anew
// with signer: what a forger holding one key can do.
func rewrite(t *testing.T, data []byte, signer *model.Signer, change func(*bundle.Manifest, [][]byte)) []byte {
	t.Helper()
	b, err := bundle.Parse("in", data, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	events := make([][]byte, len(b.Events))
	for i := range b.Events {
		events[i] = bytes.Clone(b.Events[i].Body)
	}
	m := b.Manifest
	change(&m, events)
	return frame(signer, m, events, true)
}

// frame writes a bundle of events with manifest m; with fix, the manifest's counts and hash
// are made to agree with the events.
func frame(signer *model.Signer, m bundle.Manifest, events [][]byte, fix bool) []byte {
	var sec bytes.Buffer
	for _, e := range events {
		sec.Write(binary.AppendUvarint(nil, uint64(len(e))))
		sec.Write(e)
	}
	if fix {
		sum := sha256.Sum256(sec.Bytes())
		m.Events, m.EventsBytes, m.EventsSHA256 = len(events), int64(sec.Len()), hex.EncodeToString(sum[:])
	}
	m.Exporter = bundle.Peer{Key: signer.Operator.Key, Name: signer.Operator.Name, Role: signer.Operator.Role}
	header := make([]byte, bundle.HeaderSize)
	copy(header, bundle.Magic)
	binary.BigEndian.PutUint16(header[8:], bundle.Major)
	manifest, _ := json.Marshal(m)
	var out bytes.Buffer
	out.Write(header)
	out.Write(sec.Bytes())
	out.WriteByte(0)
	out.Write(binary.BigEndian.AppendUint32(nil, uint32(len(manifest))))
	out.Write(manifest)
	out.Write(edSign(signer, bundle.Message(header, manifest)))
	return out.Bytes()
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// refused imports file into m and wants it refused with a message naming the file and one of
// the wanted phrases, and the database file unchanged byte for byte.
func refused(t *testing.T, m *machine, file string, want ...string) {
	t.Helper()
	before, err := os.ReadFile(m.st.Path())
	m.check(err)
	h := m.hash()
	_, err = m.st.ImportBundles([]string{file}, SyncOptions{})
	if err == nil {
		t.Fatalf("%s was imported; want a refusal (%s)", filepath.Base(file), strings.Join(want, " | "))
	}
	msg := err.Error()
	ok := false
	for _, w := range want {
		ok = ok || strings.Contains(msg, w)
	}
	if !ok || !strings.Contains(msg, file) {
		t.Fatalf("refusal of %s: %q, want the file and one of %q", filepath.Base(file), msg, want)
	}
	after, err := os.ReadFile(m.st.Path())
	m.check(err)
	if !bytes.Equal(before, after) || m.hash() != h {
		t.Fatalf("refusing %s changed the database", filepath.Base(file))
	}
}

func edSign(s *model.Signer, msg []byte) []byte { return ed25519.Sign(s.Priv, msg) }

// chain makes events of one origin by hand, as a forger or a broken machine could.
type chain struct {
	s    *model.Signer
	seq  uint64
	prev model.Hash
}

func (c *chain) next(kind model.Kind, subject string, payload string, at time.Time) []byte {
	c.seq++
	ev := model.Event{Origin: c.s.Operator.Key, Seq: c.seq, Prev: c.prev, Time: at.UTC(), Role: c.s.Operator.Role, Kind: kind, Subject: subject, Payload: []byte(payload)}
	body := ev.Encode(nil)
	c.prev = sha256.Sum256(body)
	return body
}

// run is the manifest entry of a chain's events from..to, signed by the chain's key.
func (c *chain) run(from uint64, n int) bundle.Origin {
	cp := model.Checkpoint{Origin: c.s.Operator.Key, Seq: c.seq, Head: c.prev}
	cp.Sign(c.s.Priv)
	return bundle.Origin{Key: c.s.Operator.Key, Name: c.s.Operator.Name, From: from, To: c.seq, Count: n, Head: c.prev, Signature: hex.EncodeToString(cp.Sig[:])}
}

func register(s *model.Signer) string {
	raw, _ := json.Marshal(s.Operator)
	return string(raw)
}

// TestSyncRefusals: one bundle per fault, each refused with its message, the database as it was.
func TestSyncRefusals(t *testing.T) {
	dir := t.TempDir()
	ms := network(t, dir, "admin:admin", "sec:secretary")
	admin, sec := ms[0], ms[1]
	admin.check(admin.decide("p2", model.PostEscalate, ""))
	good := admin.export("")
	data, err := os.ReadFile(good)
	admin.check(err)
	sec.importBundles(sec.export("")) // a database with something in it
	file := func(name string, b []byte) string { return writeFile(t, dir, name, b) }
	flip := func(i int) []byte {
		b := bytes.Clone(data)
		b[i] ^= 0x40
		return b
	}

	t.Run("truncated", func(t *testing.T) {
		for _, n := range []int{0, 5, 16, 100, len(data) / 2, len(data) - 70, len(data) - 1} {
			refused(t, sec, file("truncated.qsb", data[:n]), "truncated", "not a qunshen bundle")
		}
	})
	t.Run("every byte flipped", func(t *testing.T) {
		for i := range data {
			b := flip(i)
			if _, err := bundle.Parse("x", b, time.Now()); err == nil {
				t.Fatalf("a flip of byte %d of %d went unnoticed", i, len(data))
			}
		}
		refused(t, sec, file("flipped.qsb", flip(len(data)/2)), "altered or damaged", "at byte")
	})
	t.Run("wrong magic", func(t *testing.T) {
		refused(t, sec, file("magic.qsb", append([]byte("PK\x03\x04"), data[4:]...)), "not a qunshen bundle")
	})
	t.Run("unknown major version", func(t *testing.T) {
		b := bytes.Clone(data)
		binary.BigEndian.PutUint16(b[8:], 2)
		refused(t, sec, file("version.qsb", b), "version 2.0: this qunshen reads version 1.x")
	})
	t.Run("manifest disagrees", func(t *testing.T) {
		b, _ := bundle.Parse("x", data, time.Now())
		events := make([][]byte, len(b.Events))
		for i := range b.Events {
			events[i] = b.Events[i].Body
		}
		m := b.Manifest
		m.Events++
		refused(t, sec, file("count.qsb", frame(admin.op, m, events, false)), "manifest disagrees")
		m = b.Manifest
		m.EventsSHA256 = strings.Repeat("0", 64)
		refused(t, sec, file("sha.qsb", frame(admin.op, m, events, false)), "do not match the manifest")
		m = b.Manifest
		m.Origins = append([]bundle.Origin(nil), m.Origins...)
		m.Origins[0].Count--
		m.Origins[0].To--
		refused(t, sec, file("range.qsb", frame(admin.op, m, events, true)), "manifest disagrees")
	})
	t.Run("bad signature", func(t *testing.T) {
		refused(t, sec, file("sig.qsb", flip(len(data)-10)), "bad signature")
	})
	t.Run("unknown key", func(t *testing.T) {
		stranger := newMachine(t, dir, "stranger", model.RoleAdmin)
		stranger.importQueue(queue)
		refused(t, sec, stranger.export(""), "does not trust")
		// Relayed by a machine that trusts the stranger, still refused here: the events are
		// the stranger's, whom this machine does not trust.
		o := stranger.op.Operator
		admin.check(admin.st.AddTrust(keyring.Trust{Key: o.Key, Name: o.Name, Role: o.Role}))
		admin.importBundles(stranger.export(""))
		refused(t, sec, admin.export(""), "signed by a key this machine does not trust")
	})
	t.Run("action beyond the role", func(t *testing.T) {
		// A key trusted here as administrator signs off a post.
		rogue, _ := keyring.NewSigner("rogue", model.RoleAdmin, "")
		sec.check(sec.st.AddTrust(keyring.Trust{Key: rogue.Operator.Key, Name: "rogue", Role: model.RoleAdmin}))
		c := &chain{s: rogue}
		now := time.Now()
		events := [][]byte{c.next(model.OperatorRegister, rogue.Operator.Key.String(), register(rogue), now)}
		forged := *rogue
		forged.Operator.Role = model.RoleSecretary // claims the secretary's role in the event
		ev := model.Event{Origin: rogue.Operator.Key, Seq: 2, Prev: c.prev, Time: now, Role: model.RoleSecretary, Kind: model.PostSignOff, Subject: "p2", Payload: []byte(`{}`)}
		body := ev.Encode(nil)
		c.seq, c.prev = 2, sha256.Sum256(body)
		events = append(events, body)
		m := bundle.Manifest{Format: "qunshen-bundle", Origins: []bundle.Origin{c.run(1, 2)}}
		refused(t, sec, file("role.qsb", frame(rogue, m, events, true)), "trusted as admin")
		// In its own role, the administrator's key may not sign off either.
		c = &chain{s: rogue}
		events = [][]byte{c.next(model.OperatorRegister, rogue.Operator.Key.String(), register(rogue), now), c.next(model.PostSignOff, "p2", `{}`, now)}
		m = bundle.Manifest{Format: "qunshen-bundle", Origins: []bundle.Origin{c.run(1, 2)}}
		refused(t, sec, file("signoff.qsb", frame(rogue, m, events, true)), "may not take the action post.signoff")
	})
	t.Run("broken chain", func(t *testing.T) {
		rogue, _ := keyring.NewSigner("rogue2", model.RoleAdmin, "")
		sec.check(sec.st.AddTrust(keyring.Trust{Key: rogue.Operator.Key, Name: "rogue2", Role: model.RoleAdmin}))
		c := &chain{s: rogue}
		now := time.Now()
		e1 := c.next(model.OperatorRegister, rogue.Operator.Key.String(), register(rogue), now)
		c.prev = model.Hash{1} // the second event does not follow the first
		e2 := c.next(model.PostApprove, "p1", `{}`, now)
		m := bundle.Manifest{Format: "qunshen-bundle", Origins: []bundle.Origin{c.run(1, 2)}}
		refused(t, sec, file("chain.qsb", frame(rogue, m, [][]byte{e1, e2}, true)), "hash chain broken")
	})
	t.Run("clock gone back", func(t *testing.T) {
		// Each event of an origin is later than the one it follows, as every machine makes
		// them: the canonical order keeps each origin's chain in its order.
		rogue, _ := keyring.NewSigner("rogue5", model.RoleAdmin, "")
		sec.check(sec.st.AddTrust(keyring.Trust{Key: rogue.Operator.Key, Name: "rogue5", Role: model.RoleAdmin}))
		now := time.Now()
		for _, at := range []time.Time{now, now.Add(-time.Hour)} {
			c := &chain{s: rogue}
			e1 := c.next(model.OperatorRegister, rogue.Operator.Key.String(), register(rogue), now)
			e2 := c.next(model.PostApprove, "p1", `{}`, at)
			m := bundle.Manifest{Format: "qunshen-bundle", Origins: []bundle.Origin{c.run(1, 2)}}
			refused(t, sec, file("clock.qsb", frame(rogue, m, [][]byte{e1, e2}, true)), "not after the event it follows")
		}
		// Against an event held already, too.
		c := &chain{s: rogue}
		e1 := c.next(model.OperatorRegister, rogue.Operator.Key.String(), register(rogue), now)
		sec.importBundles(file("clock1.qsb", frame(rogue, bundle.Manifest{Format: "qunshen-bundle", Origins: []bundle.Origin{c.run(1, 1)}}, [][]byte{e1}, true)))
		e2 := c.next(model.PostApprove, "p1", `{}`, now.Add(-time.Minute))
		refused(t, sec, file("clock2.qsb", frame(rogue, bundle.Manifest{Format: "qunshen-bundle", Origins: []bundle.Origin{c.run(2, 1)}}, [][]byte{e2}, true)), "not after the event it follows")
	})
	t.Run("future timestamp", func(t *testing.T) {
		rogue, _ := keyring.NewSigner("rogue3", model.RoleAdmin, "")
		sec.check(sec.st.AddTrust(keyring.Trust{Key: rogue.Operator.Key, Name: "rogue3", Role: model.RoleAdmin}))
		c := &chain{s: rogue}
		e1 := c.next(model.OperatorRegister, rogue.Operator.Key.String(), register(rogue), time.Now().Add(72*time.Hour))
		m := bundle.Manifest{Format: "qunshen-bundle", Origins: []bundle.Origin{c.run(1, 1)}}
		refused(t, sec, file("future.qsb", frame(rogue, m, [][]byte{e1}, true)), "in the future")
	})
	t.Run("forked chain", func(t *testing.T) {
		// One key signs two different events at sequence 2, each in a bundle of its own.
		rogue, _ := keyring.NewSigner("rogue4", model.RoleAdmin, "")
		sec.check(sec.st.AddTrust(keyring.Trust{Key: rogue.Operator.Key, Name: "rogue4", Role: model.RoleAdmin}))
		now := time.Now()
		c := &chain{s: rogue}
		e1 := c.next(model.OperatorRegister, rogue.Operator.Key.String(), register(rogue), now)
		fork := *c
		e2 := c.next(model.PostApprove, "p1", `{}`, now.Add(time.Second))
		one := file("fork1.qsb", frame(rogue, bundle.Manifest{Format: "qunshen-bundle", Origins: []bundle.Origin{c.run(1, 2)}}, [][]byte{e1, e2}, true))
		e2b := fork.next(model.PostReject, "p1", `{"reason":"广告"}`, now.Add(time.Second))
		two := file("fork2.qsb", frame(rogue, bundle.Manifest{Format: "qunshen-bundle", Origins: []bundle.Origin{fork.run(1, 2)}}, [][]byte{e1, e2b}, true))
		// Both at once: refused whole, whichever comes first.
		before, err := os.ReadFile(sec.st.Path())
		sec.check(err)
		for _, files := range [][]string{{one, two}, {two, one}} {
			_, err := sec.st.ImportBundles(files, SyncOptions{})
			if err == nil || !strings.Contains(err.Error(), "forked chain") || !strings.Contains(err.Error(), files[1]) || !strings.Contains(err.Error(), "(the other is in "+files[0]+")") {
				t.Fatalf("two forks imported together: %v", err)
			}
		}
		if after, _ := os.ReadFile(sec.st.Path()); !bytes.Equal(before, after) {
			t.Fatal("refusing the forks changed the database")
		}
		// One held, the other refused.
		sec.importBundles(one)
		refused(t, sec, two, "this machine holds the other: a forked chain")
	})
	t.Run("a maker's name claimed", func(t *testing.T) {
		// A stranger's bundle whose manifest says it is the administrator's: refused for the
		// key that signed it, by its fingerprint; the name is a claim, not a fact.
		stranger, _ := keyring.NewSigner("stranger", model.RoleAdmin, "")
		c := &chain{s: stranger}
		events := [][]byte{c.next(model.OperatorRegister, stranger.Operator.Key.String(), register(stranger), time.Now())}
		posing := *stranger
		posing.Operator.Name = "admin"
		m := bundle.Manifest{Format: "qunshen-bundle", Origins: []bundle.Origin{c.run(1, 1)}}
		f := file("posing.qsb", frame(&posing, m, events, true))
		_, err := sec.st.ImportBundles([]string{f}, SyncOptions{})
		fp := stranger.Operator.Key.Fingerprint()
		if err == nil || !strings.Contains(err.Error(), "signed by the key "+fp+", which this machine does not trust") ||
			!strings.Contains(err.Error(), `calls its maker "admin", a claim`) || strings.Contains(err.Error(), "made by admin") {
			t.Fatalf("a stranger posing as admin: %v", err)
		}
		refused(t, sec, f, fp)
		// The manifest names the administrator's key, but the stranger signed it.
		mb := frame(stranger, m, events, true)
		peer, _ := json.Marshal(bundle.Peer{Key: stranger.Operator.Key, Name: "stranger", Role: model.RoleAdmin})
		i := bytes.LastIndex(mb, peer) // in the manifest, after the events
		if i < 0 {
			t.Fatalf("no %s in the manifest", peer)
		}
		claimed, _ := json.Marshal(bundle.Peer{Key: admin.op.Operator.Key, Name: "stranger", Role: model.RoleAdmin})
		copy(mb[i:], claimed)
		_, err = sec.st.ImportBundles([]string{file("forged-key.qsb", mb)}, SyncOptions{})
		if err == nil || !strings.Contains(err.Error(), "bad signature: the key "+admin.op.Operator.Key.Fingerprint()+" its manifest names did not sign it") || strings.Contains(err.Error(), "stranger") {
			t.Fatalf("a manifest naming a key that did not sign: %v", err)
		}
	})
	t.Run("revoked key", func(t *testing.T) {
		admin.check(admin.decide("p1", model.PostApprove, ""))
		b := admin.export("")
		_, err := sec.st.RevokeTrust("admin")
		sec.check(err)
		refused(t, sec, b, "revoked")
		// Named by the name it was trusted under here.
		_, err = sec.st.ImportBundles([]string{b}, SyncOptions{})
		if err == nil || !strings.Contains(err.Error(), "signed by the key "+admin.op.Operator.Key.Fingerprint()+", trusted here as admin (admin) until it was revoked on") {
			t.Fatalf("a revoked key: %v", err)
		}
	})
	// And after all of it, the good bundle still imports.
	sec.check(sec.st.AddTrust(keyring.Trust{Key: admin.op.Operator.Key, Name: "admin", Role: model.RoleAdmin}))
	sec.importBundles(good)
	sec.verify()
}
