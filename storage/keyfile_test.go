package storage

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"qunshen/internal/keyring"
)

func TestKeyFileRoundTrip(t *testing.T) {
	e := newEnv(t)
	path := filepath.Join(e.dir, "王管理.key.json")
	e.check(keyring.WriteKeyFile(path, e.admin.Operator))
	fi, err := os.Stat(path)
	e.check(err)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", fi.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	e.check(err)
	var m map[string]any
	e.check(json.Unmarshal(raw, &m))
	want := map[string]any{"format": "qunshen-key", "version": 1.0, "key": e.admin.Operator.Key.String(), "name": "王管理",
		"role": "admin", "branch": "第三党支部", "fingerprint": e.admin.Operator.Key.Fingerprint()}
	if len(m) != len(want) {
		t.Fatalf("key file fields %v", m)
	}
	for k, v := range want {
		if m[k] != v {
			t.Fatalf("key file %s = %v, want %v", k, m[k], v)
		}
	}
	tr, err := keyring.ReadKeyFile(path)
	e.check(err)
	op := e.admin.Operator
	if tr != (keyring.Trust{Key: op.Key, Name: op.Name, Role: op.Role, Branch: op.Branch}) {
		t.Fatalf("read back %+v", tr)
	}
	// A file read back is what AddTrust takes.
	peer := filepath.Join(t.TempDir(), "peer.db")
	p, err := Open(peer)
	e.check(err)
	defer p.Close()
	e.check(p.AddTrust(tr))
	if all, _ := p.TrustList(); len(all) != 1 || all[0].Key != op.Key || all[0].Local {
		t.Fatalf("trusted from the file: %+v", all)
	}
}
