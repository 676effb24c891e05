package keyring

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qunshen/model"
)

// keyEnv is a folder of files and an operator's key, for the tests of the key files.
type keyEnv struct {
	t     *testing.T
	dir   string
	admin *model.Signer
}

func newKeyEnv(t *testing.T) *keyEnv {
	t.Helper()
	e := &keyEnv{t: t, dir: t.TempDir()}
	var err error
	e.admin, err = NewSigner("王管理", model.RoleAdmin, "第三党支部")
	e.check(err)
	return e
}

func (e *keyEnv) check(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *keyEnv) file(name, content string) string {
	p := filepath.Join(e.dir, name)
	e.check(os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestKeyFileRefusals(t *testing.T) {
	e := newKeyEnv(t)
	k := e.admin.Operator.Key
	good := func(change func(m map[string]any)) string {
		m := map[string]any{"format": "qunshen-key", "version": 1, "key": k.String(), "name": "王管理", "role": "admin", "fingerprint": k.Fingerprint()}
		if change != nil {
			change(m)
		}
		b, err := json.Marshal(m)
		e.check(err)
		return string(b)
	}
	other, _ := NewSigner("x", model.RoleAdmin, "")
	for _, c := range []struct{ name, content, want string }{
		{"not json", "qunshen operator key v1\nname: x\n", "not a qunshen key file"},
		{"empty", "", "not a qunshen key file"},
		{"other format", good(func(m map[string]any) { m["format"] = "openssh" }), `not a qunshen key file (format "openssh", want "qunshen-key")`},
		{"no format", good(func(m map[string]any) { delete(m, "format") }), "not a qunshen key file (format missing"},
		{"version 2", good(func(m map[string]any) { m["version"] = 2; m["new"] = true }), "key file version 2 is not one this qunshen reads (it reads version 1)"},
		{"version text", good(func(m map[string]any) { m["version"] = "1" }), `key file version "1" is not one`},
		{"no version", good(func(m map[string]any) { delete(m, "version") }), "key file version missing"},
		{"short key", good(func(m map[string]any) { m["key"] = k.String()[:62] }), "the key is not 64 hex digits (62 characters)"},
		{"bad hex", good(func(m map[string]any) { m["key"] = "zz" + k.String()[2:] }), "the key is not hex"},
		{"unknown role", good(func(m map[string]any) { m["role"] = "boss" }), `unknown role "boss"`},
		{"empty name", good(func(m map[string]any) { m["name"] = "  " }), "the name is empty"},
		{"no name", good(func(m map[string]any) { delete(m, "name") }), "the name is empty"},
		{"escape in name", good(func(m map[string]any) { m["name"] = "王\x1b[2J" }), "the name \"王\\x1b[2J\" has control characters"},
		{"escape in branch", good(func(m map[string]any) { m["branch"] = "a\u202eb" }), "the branch"},
		{"long name", good(func(m map[string]any) { m["name"] = strings.Repeat("王", 400) }), "the name is too long"},
		{"no fingerprint", good(func(m map[string]any) { delete(m, "fingerprint") }), "no fingerprint"},
		{"other fingerprint", good(func(m map[string]any) { m["fingerprint"] = other.Operator.Key.Fingerprint() }), "is not the key's (" + k.Fingerprint() + "): the file was altered or damaged"},
		{"other key", good(func(m map[string]any) { m["key"] = other.Operator.Key.String() }), "is not the key's"},
		{"unknown field", good(func(m map[string]any) { m["seed"] = "00" }), `unknown field "seed"`},
		{"trailing", good(nil) + "{}", "more after the key"},
		{"too large", good(nil) + strings.Repeat(" ", 64<<10), "too large for a key file (over 64 KiB)"},
	} {
		path := e.file(strings.ReplaceAll(c.name, " ", "-")+".json", c.content)
		_, err := ReadKeyFile(path)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not name the file and say %q", c.name, err, c.want)
		}
	}
	// Spaces and case of the fingerprint do not matter; a branch is optional.
	path := e.file("loose.json", good(func(m map[string]any) {
		m["fingerprint"] = strings.ToUpper(strings.ReplaceAll(k.Fingerprint(), " ", ""))
	}))
	if _, err := ReadKeyFile(path); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadKeyFile(filepath.Join(e.dir, "missing.json")); !os.IsNotExist(err) {
		t.Fatalf("missing file: %v", err)
	}
	if err := WriteKeyFile(e.dir, e.admin.Operator); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("writing over a folder: %v", err)
	}
	bad := e.admin.Operator
	bad.Name = "a\nb"
	if err := WriteKeyFile(filepath.Join(e.dir, "bad.json"), bad); err == nil || !strings.Contains(err.Error(), "control characters") {
		t.Fatalf("writing a name with a line break: %v", err)
	}
}

func FuzzReadKeyFile(f *testing.F) {
	s, err := NewSigner("王管理", model.RoleAdmin, "第三党支部")
	if err != nil {
		f.Fatal(err)
	}
	seed := filepath.Join(f.TempDir(), "seed.json")
	if err := WriteKeyFile(seed, s.Operator); err != nil {
		f.Fatal(err)
	}
	raw, _ := os.ReadFile(seed)
	f.Add(raw)
	f.Add([]byte(`{"format":"qunshen-key","version":1}`))
	f.Add([]byte(`{"format":"qunshen-key","version":1,"key":"` + strings.Repeat("0", 64) + `","name":"a","role":"owner","fingerprint":"x"}`))
	f.Add([]byte("\xff{"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "in.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		tr, err := ReadKeyFile(path)
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("the error does not name the file: %v", err)
			}
			return
		}
		out := filepath.Join(dir, "out.json")
		if err := WriteKeyFile(out, model.Operator{Key: tr.Key, Name: tr.Name, Role: tr.Role, Branch: tr.Branch}); err != nil {
			t.Fatalf("an accepted file cannot be written back: %v", err)
		}
		again, err := ReadKeyFile(out)
		if err != nil || again != tr {
			t.Fatalf("round trip: %+v, %v; want %+v", again, err, tr)
		}
	})
}
