package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qunshen/internal/keyring"
)

// fastKDF lowers the iteration count of new encrypted keys for one test.
func fastKDF(t *testing.T) {
	old := keyring.KDFIterations
	keyring.KDFIterations = 1000
	t.Cleanup(func() { keyring.KDFIterations = old })
}

func TestCLIPassphrase(t *testing.T) {
	fastKDF(t)
	c := newCLI(t)
	t.Setenv("QUNSHEN_PASSPHRASE", "")
	c.fails("the standard input is not a terminal to ask for the passphrase on: set QUNSHEN_PASSPHRASE", "init", "--name", "王管理", "--role", "admin", "--passphrase")

	t.Setenv("QUNSHEN_PASSPHRASE", "正确的口令 2026")
	out := c.ok("init", "--name", "王管理", "--role", "admin", "--passphrase")
	if !strings.Contains(out, "the private key is encrypted") {
		t.Fatalf("init --passphrase: %s", out)
	}
	keys, err := filepath.Glob(filepath.Join(keyring.KeyDir(c.db), "*.key"))
	if err != nil || len(keys) != 1 {
		t.Fatalf("key files %v %v", keys, err)
	}
	raw, _ := os.ReadFile(keys[0])
	if !strings.HasPrefix(string(raw), "qunshen operator key v2 encrypted\n") || strings.Contains(string(raw), "seed:") {
		t.Fatalf("key file:\n%s", raw)
	}
	c.ok("import", queueFile)
	c.ok("decide", "p1", "approve")

	t.Setenv("QUNSHEN_PASSPHRASE", "错误的口令")
	c.fails("wrong passphrase for the key of 王管理", "decide", "p3", "reject", "--reason", "广告")
	t.Setenv("QUNSHEN_PASSPHRASE", "")
	c.fails("the key of 王管理 is encrypted: set QUNSHEN_PASSPHRASE or run on a terminal", "decide", "p3", "reject", "--reason", "广告")
	// Reading needs no key.
	if s := c.status(); s.Posts["approved"] != 1 || s.Posts["rejected"] != 0 {
		t.Fatalf("status %+v", s.Posts)
	}
	t.Setenv("QUNSHEN_PASSPHRASE", "正确的口令 2026")
	c.ok("decide", "p3", "reject", "--reason", "广告")

	// A second operator without --passphrase has a plain key, whatever the environment says.
	c.ok("init", "--name", "李书记", "--role", "secretary")
	c.ok("decide", "p2", "escalate")
	t.Setenv("QUNSHEN_PASSPHRASE", "")
	c.ok("--as", "李书记", "decide", "p2", "signoff")
	c.ok("verify")
}

func TestCLIKeyExportAndTrust(t *testing.T) {
	a, b := newCLI(t), newCLI(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "wang.key.json")
	a.fails("no operator yet", "key", "export", "-o", file)
	a.ok("init", "--name", "王管理", "--role", "admin", "--branch", "第三党支部")
	a.ok("init", "--name", "李书记", "--role", "secretary")
	a.fails("-o FILE is required", "key", "export")
	a.fails("want: key export -o FILE", "key", "import", "-o", file)
	out := a.ok("key", "export", "-o", file)
	k, err := keyring.ReadKeyFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if k.Name != "王管理" || !strings.Contains(out, "fingerprint: "+k.Key.Fingerprint()) || !strings.Contains(out, "written to "+file) {
		t.Fatalf("key export:\n%s", out)
	}
	sec := filepath.Join(dir, "li.key.json")
	if out := a.ok("--as", "李书记", "key", "export", "-o", sec); !strings.Contains(out, "李书记 (secretary)") {
		t.Fatalf("key export --as: %s", out)
	}

	b.ok("init", "--name", "赵主任", "--role", "supervisor")
	out = b.ok("trust", file, "--yes")
	for _, w := range []string{"name:        王管理", "role:        admin", "branch:      第三党支部", "fingerprint: " + k.Key.Fingerprint(), "trusted the key of 王管理 (admin)"} {
		if !strings.Contains(out, w) {
			t.Fatalf("trust --yes does not say %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "[y/N]") {
		t.Fatal("trust --yes asked")
	}
	if out := b.ok("trust", file); !strings.Contains(out, "the key of 王管理 (admin) is trusted already") {
		t.Fatalf("trusting again: %s", out)
	}

	// Asked, and answered no (or nothing): not trusted.
	out, errs, code := b.runIn("n\n", "trust", sec)
	if code != 1 || !strings.Contains(out, "trust this key? [y/N]") || !strings.Contains(errs, "the key of 李书记 is not trusted") {
		t.Fatalf("answered n: exit %d\n%s%s", code, out, errs)
	}
	b.fails("pass --yes to trust without asking", "trust", sec)
	if _, _, code := b.runIn("", "trust", sec); code != 1 {
		t.Fatal("no answer trusted the key")
	}
	if out := b.ok("trust", "--list"); strings.Contains(out, "李书记") {
		t.Fatalf("a refused key is listed:\n%s", out)
	}
	if out, errs, code := b.runIn("Yes\n", "trust", sec); code != 0 || !strings.Contains(out, "trusted the key of 李书记") {
		t.Fatalf("answered yes: exit %d\n%s%s", code, out, errs)
	}

	out = b.ok("trust", "--list")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("trust --list:\n%s", out)
	}
	for _, w := range []string{"REVOKED", "李书记", "赵主任", k.Key.Fingerprint(), "第三党支部"} {
		if !strings.Contains(out, w) {
			t.Fatalf("trust --list does not say %q:\n%s", w, out)
		}
	}
	// Sorted by name, columns aligned on the display width of CJK text.
	if !strings.HasPrefix(lines[1], "李书记") || !strings.HasPrefix(lines[2], "王管理") || !strings.HasPrefix(lines[3], "赵主任") {
		t.Fatalf("trust --list order:\n%s", out)
	}
	col := strings.Index(lines[0], "ROLE")
	if i := strings.Index(lines[2], "admin"); len([]rune(lines[2][:i]))+3 != col {
		t.Fatalf("trust --list columns:\n%s", out)
	}
	if !strings.Contains(lines[2], "peer") || !strings.Contains(lines[3], "local") || !strings.HasSuffix(lines[2], "-") {
		t.Fatalf("trust --list kinds:\n%s", out)
	}

	// The same key under another role is refused before asking.
	raw, _ := os.ReadFile(file)
	changed := filepath.Join(dir, "changed.json")
	os.WriteFile(changed, bytes.Replace(raw, []byte(`"admin"`), []byte(`"supervisor"`), 1), 0o600)
	_, errs, code = b.runIn("y\n", "trust", changed)
	if code != 1 || !strings.Contains(errs, "trusted already as 王管理 (admin") || !strings.Contains(errs, "refusing to trust it as 王管理 (supervisor") {
		t.Fatalf("role change: exit %d %s", code, errs)
	}
	damaged := filepath.Join(dir, "damaged.json")
	os.WriteFile(damaged, bytes.Replace(raw, []byte(`"fingerprint": "`), []byte(`"fingerprint": "0`), 1), 0o600)
	b.fails(damaged+": the fingerprint", "trust", damaged, "--yes")

	// Revocation, by name and by fingerprint.
	out = b.ok("trust", "--revoke", "王管理")
	if !strings.Contains(out, "revoked the key of 王管理 (admin, fingerprint "+k.Key.Fingerprint()+")") {
		t.Fatalf("revoke: %s", out)
	}
	b.fails("was revoked already", "trust", "--revoke", k.Key.Fingerprint())
	out = b.ok("trust", "--list")
	if l := strings.Split(out, "\n")[2]; strings.HasSuffix(l, "-") {
		t.Fatalf("revoked key listed without its revocation:\n%s", out)
	}
	b.ok("trust", file, "--yes") // trusted again
	if out, errs, code := b.run("trust", "--revoke", k.Key.Fingerprint()); code != 0 || strings.Contains(errs, "warning") || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke by fingerprint: %s%s", out, errs)
	}
	_, errs, code = b.run("trust", "--revoke", "赵主任")
	if code != 0 || !strings.Contains(errs, "warning: 赵主任 is an operator made on this machine") {
		t.Fatalf("revoking the local key: exit %d %s", code, errs)
	}
	b.fails(`no trusted key has the name, fingerprint or key "钱"`, "trust", "--revoke", "钱")
	b.fails("--list takes no file", "trust", "--list", file)
	b.fails("name one key file", "trust")
	b.fails("--revoke takes no file", "trust", "--revoke", "王管理", file)
}
