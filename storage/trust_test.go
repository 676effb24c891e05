package storage

import (
	"os"
	"strings"
	"testing"

	"go.etcd.io/bbolt"

	"qunshen/internal/keyring"
	"qunshen/model"
)

func (e *env) trust() []keyring.Trust {
	e.t.Helper()
	all, err := e.st.TrustList()
	e.check(err)
	return all
}

func TestRegisterTrustsTheLocalKey(t *testing.T) {
	e := newEnv(t)
	all := e.trust()
	if len(all) != 2 || all[0].Name != "李书记" || all[1].Name != "王管理" {
		t.Fatalf("trust after two inits: %+v", all)
	}
	for i, s := range []*model.Signer{e.sec, e.admin} {
		tr := all[i]
		if !tr.Local || tr.Key != s.Operator.Key || tr.Role != s.Operator.Role || tr.Branch != "第三党支部" || tr.TrustedAt.IsZero() || tr.Revoked() {
			t.Fatalf("local trust of %s: %+v", s.Operator.Name, tr)
		}
	}
	e.check(e.st.DB().View(func(tx *bbolt.Tx) error {
		tr, ok, err := trustOf(tx, e.admin.Operator.Key)
		if err != nil || !ok || tr.Name != "王管理" {
			t.Fatalf("trustOf the admin: %+v %v %v", tr, ok, err)
		}
		if _, ok, err := trustOf(tx, model.Key{1}); ok || err != nil {
			t.Fatalf("trustOf an unknown key: %v %v", ok, err)
		}
		return nil
	}))
}

func TestTrustAddListRevoke(t *testing.T) {
	e := newEnv(t)
	h := e.hash()
	peer, err := keyring.NewSigner("赵主任", model.RoleSupervisor, "宣传部")
	e.check(err)
	tr := keyring.Trust{Key: peer.Operator.Key, Name: "赵主任", Role: model.RoleSupervisor, Branch: "宣传部"}
	e.check(e.st.AddTrust(tr))
	all := e.trust()
	if len(all) != 3 || all[2].Name != "赵主任" || all[2].Local || all[2].TrustedAt.IsZero() {
		t.Fatalf("after trusting a peer: %+v", all)
	}
	first := all[2].TrustedAt
	e.check(e.st.AddTrust(tr)) // again: nothing changes
	if got := e.trust()[2]; !got.TrustedAt.Equal(first) {
		t.Fatal("trusting again changed the record")
	}

	changed := tr
	changed.Role = model.RoleAdmin
	e.fails(e.st.AddTrust(changed), "trusted already as 赵主任 (supervisor, fingerprint "+peer.Operator.Key.Fingerprint()+"): refusing to trust it as 赵主任 (admin")
	changed = tr
	changed.Name = "赵某"
	e.fails(e.st.AddTrust(changed), "trusted already as 赵主任 (supervisor")
	other, _ := keyring.NewSigner("赵主任", model.RoleSupervisor, "")
	e.fails(e.st.AddTrust(keyring.Trust{Key: other.Operator.Key, Name: "赵主任", Role: model.RoleSupervisor}), "another key is trusted already under the name 赵主任")
	e.fails(e.st.AddTrust(keyring.Trust{Key: other.Operator.Key, Name: " ", Role: model.RoleSupervisor}), "needs the name")
	e.fails(e.st.AddTrust(keyring.Trust{Key: other.Operator.Key, Name: "x", Role: "boss"}), `unknown role "boss"`)

	// Revoke by name, by spaced fingerprint, by fingerprint without spaces, by key hex.
	fp := peer.Operator.Key.Fingerprint()
	for _, q := range []string{"赵主任", fp, strings.ToUpper(strings.ReplaceAll(fp, " ", "")), peer.Operator.Key.String()} {
		got, err := e.st.RevokeTrust(q)
		e.check(err)
		if got.Key != peer.Operator.Key || !got.Revoked() || got.Local {
			t.Fatalf("revoke %q: %+v", q, got)
		}
		e.reopen()
		if all := e.trust(); !all[2].Revoked() {
			t.Fatalf("revocation by %q not stored: %+v", q, all[2])
		}
		_, err = e.st.RevokeTrust(q)
		e.fails(err, "was revoked already")
		// Trusting a revoked key again with the same role clears the revocation.
		e.check(e.st.AddTrust(tr))
		if all := e.trust(); all[2].Revoked() {
			t.Fatalf("trusted again after %q: %+v", q, all[2])
		}
	}
	// A revoked key frees its name for a new key of the same person.
	_, err = e.st.RevokeTrust("赵主任")
	e.check(err)
	e.fails(e.st.AddTrust(keyring.Trust{Key: peer.Operator.Key, Name: "赵主任", Role: model.RoleAdmin}), "refusing to trust it as")
	e.check(e.st.AddTrust(keyring.Trust{Key: other.Operator.Key, Name: "赵主任", Role: model.RoleSupervisor}))
	if got, err := e.st.RevokeTrust("赵主任"); err != nil || got.Key != other.Operator.Key {
		t.Fatalf("revoke by name picks the key in force: %+v %v", got, err)
	}

	_, err = e.st.RevokeTrust("nobody")
	e.fails(err, `no trusted key has the name, fingerprint or key "nobody"`)
	_, err = e.st.RevokeTrust("")
	e.fails(err, "name the key to revoke")
	// A local operator's key may be revoked; the caller is told it is local.
	got, err := e.st.RevokeTrust("王管理")
	e.check(err)
	if !got.Local || !got.Revoked() {
		t.Fatalf("revoked local key: %+v", got)
	}
	// Trust is this machine's decision, not part of the state two machines compare.
	if e.hash() != h {
		t.Fatal("trusting changed the state hash")
	}
	_, err = e.st.Verify()
	e.check(err)
}

func TestRegisterRefusesTheNameOfATrustedPeer(t *testing.T) {
	e := newEnv(t)
	peer, _ := keyring.NewSigner("钱委员", model.RoleSupervisor, "")
	e.check(e.st.AddTrust(keyring.Trust{Key: peer.Operator.Key, Name: "钱委员", Role: model.RoleSupervisor}))
	local, _ := keyring.NewSigner("钱委员", model.RoleAdmin, "")
	e.fails(e.st.Register(local), "another key is trusted already under the name 钱委员")
	if _, err := e.st.Operator("钱委员"); err == nil {
		t.Fatal("the refused operator was registered")
	}
}

// A database made before the trust store gets one when it is opened: its operators trusted,
// Local when their private key is here.
func TestTrustOfAnOlderDatabase(t *testing.T) {
	e := newEnv(t)
	e.check(e.st.DB().Update(func(tx *bbolt.Tx) error { return tx.DeleteBucket(bTrust) }))
	e.check(os.Remove(keyring.KeyPath(e.dbPath(), e.sec.Operator.Key)))
	e.reopen()
	all := e.trust()
	if len(all) != 2 || all[0].Name != "李书记" || all[0].Local || all[1].Name != "王管理" || !all[1].Local || all[0].Revoked() {
		t.Fatalf("trust made for an older database: %+v", all)
	}
	// Only once: a revocation stays.
	_, err := e.st.RevokeTrust("李书记")
	e.check(err)
	e.reopen()
	if !e.trust()[0].Revoked() {
		t.Fatal("the upgrade ran again")
	}
}
