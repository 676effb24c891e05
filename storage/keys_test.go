package storage

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"qunshen/internal/keyring"
	"qunshen/model"
)

func (e *env) fails(err error, want string) {
	e.t.Helper()
	if err == nil {
		e.t.Fatalf("no error, want one saying %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		e.t.Fatalf("error %q does not say %q", err, want)
	}
}

// fastKDF lowers the iteration count of new encrypted keys for one test.
func fastKDF(t *testing.T) {
	old := keyring.KDFIterations
	keyring.KDFIterations = 1000
	t.Cleanup(func() { keyring.KDFIterations = old })
}

// asked is a passphrase callback that counts its calls.
type asked struct {
	pass  string
	calls int
}

func (a *asked) get() ([]byte, error) { a.calls++; return []byte(a.pass), nil }

func TestEncryptedKeyRoundTrip(t *testing.T) {
	fastKDF(t)
	e := newEnv(t)
	s, err := keyring.NewSigner("孙委员", model.RoleOwner, "")
	e.check(err)
	e.check(keyring.SaveKey(e.dbPath(), s, []byte("群审 口令 2026")))
	e.check(e.st.Register(s))

	raw, err := os.ReadFile(keyring.KeyPath(e.dbPath(), s.Operator.Key))
	e.check(err)
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	want := []string{"qunshen operator key v2 encrypted", "name: 孙委员", "role: owner", "kdf: pbkdf2-sha256", "iterations: 1000", "salt: ", "nonce: ", "sealed: "}
	if len(lines) != len(want) {
		t.Fatalf("encrypted key file:\n%s", raw)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Fatalf("line %d is %q, want %q…", i+1, lines[i], w)
		}
	}
	if len(lines[5]) != len("salt: ")+32 || len(lines[6]) != len("nonce: ")+24 || len(lines[7]) != len("sealed: ")+2*(32+16) {
		t.Fatalf("salt, nonce or sealed seed of the wrong length:\n%s", raw)
	}
	if strings.Contains(string(raw), fmt.Sprintf("%x", s.Priv.Seed())) {
		t.Fatal("the seed is in the clear")
	}

	a := &asked{pass: "群审 口令 2026"}
	got, err := e.st.LoadSigner("孙委员", a.get)
	e.check(err)
	if a.calls != 1 || !got.Priv.Equal(s.Priv) || got.Operator != s.Operator {
		t.Fatalf("loaded %+v after %d calls", got.Operator, a.calls)
	}
	// The signer signs.
	_, err = e.st.Import(got, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	_, err = e.st.Verify()
	e.check(err)

	_, err = e.st.LoadSigner("孙委员", (&asked{pass: "群审 口令 2025"}).get)
	if !errors.Is(err, keyring.ErrWrongPassphrase) || err.Error() != "wrong passphrase for the key of 孙委员" {
		t.Fatalf("wrong passphrase: %v", err)
	}
	_, err = e.st.LoadSigner("孙委员", nil)
	e.fails(err, "the key of 孙委员 is encrypted: no passphrase given")
	_, err = e.st.LoadSigner("孙委员", func() ([]byte, error) { return nil, errors.New("set it") })
	e.fails(err, "the key of 孙委员 is encrypted: set it")

	// A plain key never asks.
	a = &asked{pass: "x"}
	_, err = e.st.LoadSigner("王管理", a.get)
	e.check(err)
	if a.calls != 0 {
		t.Fatal("a plain key asked for a passphrase")
	}

	// The sealed seed is bound to its public key: put under another operator's name, it does
	// not open.
	e.check(os.WriteFile(keyring.KeyPath(e.dbPath(), e.sec.Operator.Key), raw, 0o600))
	_, err = e.st.LoadSigner("李书记", (&asked{pass: "群审 口令 2026"}).get)
	if !errors.Is(err, keyring.ErrWrongPassphrase) {
		t.Fatalf("a sealed seed under another key: %v", err)
	}
}

func TestEncryptedKeyDamage(t *testing.T) {
	fastKDF(t)
	e := newEnv(t)
	e.check(keyring.SaveKey(e.dbPath(), e.admin, []byte("pw")))
	path := keyring.KeyPath(e.dbPath(), e.admin.Operator.Key)
	raw, err := os.ReadFile(path)
	e.check(err)
	for _, c := range []struct{ from, to, want string }{
		{"kdf: pbkdf2-sha256", "kdf: scrypt", `unknown key derivation "scrypt"`},
		{"iterations: 1000", "iterations: 0", `damaged iteration count "0"`},
		{"iterations: 1000", "iterations: many", `damaged iteration count "many"`},
		{"salt: ", "salt: zz", "damaged salt"},
		{"nonce: ", "nonce: 00", "damaged nonce"},
		{"sealed: ", "sealed: 00", "wrong passphrase"},
		{"sealed: ", "sealed: ", ""},
	} {
		e.check(os.WriteFile(path, []byte(strings.Replace(string(raw), c.from, c.to, 1)), 0o600))
		_, err := e.st.LoadSigner("", (&asked{pass: "pw"}).get)
		if c.want == "" {
			e.check(err)
			continue
		}
		e.fails(err, c.want)
	}
	e.check(os.WriteFile(path, []byte(strings.Replace(string(raw), "sealed: ", "nonce: 00\nsealed: ", 1)), 0o600))
	_, err = e.st.LoadSigner("", nil)
	e.fails(err, "nonce appears twice")
}

// Key files written before encryption existed still load, as they are.
func TestPlainKeyFileV1StillLoads(t *testing.T) {
	e := newEnv(t)
	path := keyring.KeyPath(e.dbPath(), e.admin.Operator.Key)
	v1 := fmt.Sprintf("qunshen operator key v1\nname: 王管理\nrole: admin\nseed: %x\n", e.admin.Priv.Seed())
	e.check(os.WriteFile(path, []byte(v1), 0o600))
	s, err := e.st.LoadSigner("王管理", nil)
	e.check(err)
	if !s.Priv.Equal(e.admin.Priv) {
		t.Fatal("another key loaded")
	}
	// keyring.SaveKey without a passphrase still writes exactly that.
	e.check(keyring.SaveKey(e.dbPath(), e.admin, nil))
	if raw, _ := os.ReadFile(path); string(raw) != v1 {
		t.Fatalf("plain key file:\n%s", raw)
	}
	e.check(keyring.SaveKey(e.dbPath(), e.admin, []byte{}))
	if raw, _ := os.ReadFile(path); string(raw) != v1 {
		t.Fatal("an empty passphrase encrypted the key")
	}
	e.check(os.WriteFile(path, []byte("qunshen operator key v3\nseed: 00\n"), 0o600))
	_, err = e.st.LoadSigner("王管理", nil)
	e.fails(err, "not a qunshen key file")
	e.check(os.WriteFile(path, []byte("qunshen operator key v1\nseed: 00\n"), 0o600))
	_, err = e.st.LoadSigner("王管理", nil)
	e.fails(err, "damaged seed")
	bad := *e.admin
	bad.Operator.Name = "王\n管理"
	e.fails(keyring.SaveKey(e.dbPath(), &bad, nil), "line break")
}
