package keyring

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qunshen/model"
)

// signedDesignation is a designation of admin by a new authority.
func signedDesignation(admin *model.Signer) (model.Designation, *model.Signer) {
	auth, err := NewSigner("机关党委", model.RoleAuthority, "")
	if err != nil {
		panic(err)
	}
	from := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	d := model.Designation{Serial: "3f9a1c0e5b7d2468", AuthorityName: "机关党委", Key: admin.Operator.Key, Name: "王管理", Role: model.RoleAdmin,
		Scope: model.Scope{Branch: "第三党支部", Groups: []string{"g2"}}, From: from, Until: from.AddDate(1, 0, 0), Issued: from}
	d.Normalize()
	d.Sign(auth.Priv)
	return d, auth
}

func TestDesignationFile(t *testing.T) {
	e := newKeyEnv(t)
	d, _ := signedDesignation(e.admin)
	path := filepath.Join(e.dir, "王管理.designation.json")
	e.check(WriteDesignationFile(path, d))
	got, err := ReadDesignationFile(path)
	if err != nil || !got.Same(&d) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	raw, err := os.ReadFile(path)
	e.check(err)
	good := func(change func(m map[string]any)) string {
		var m map[string]any
		e.check(json.Unmarshal(raw, &m))
		if change != nil {
			change(m)
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	for _, c := range []struct{ name, content, want string }{
		{"other format", good(func(m map[string]any) { m["format"] = "qunshen-key" }), `not a qunshen designation file (format "qunshen-key", want "qunshen-designation")`},
		{"version 2", good(func(m map[string]any) { m["version"] = 2 }), "designation file version 2 is not one this qunshen reads"},
		{"unknown field", good(func(m map[string]any) { m["seed"] = "00" }), `damaged designation file: json: unknown field "seed"`},
		{"trailing", good(nil) + "{}", "damaged designation file: more after the designation"},
		{"branch altered", good(func(m map[string]any) {
			m["scope"] = map[string]any{"branch": "第四党支部", "groups": []string{"g2"}}
		}), "the signature is not that of the authority 机关党委"},
		{"until altered", good(func(m map[string]any) { m["until"] = "2028-06-01T00:00:00Z" }), "the designation was altered, or signed by another key"},
		{"role of the authority", good(func(m map[string]any) { m["role"] = "authority" }), `bad designation: unknown role "authority"`},
		{"bad signature hex", good(func(m map[string]any) { m["signature"] = "zz" }), "damaged designation file"},
		{"too large", good(nil) + strings.Repeat(" ", 64<<10), "too large for a designation file"},
	} {
		p := e.file(strings.ReplaceAll(c.name, " ", "-")+".json", c.content)
		_, err := ReadDesignationFile(p)
		if err == nil || !strings.HasPrefix(err.Error(), p+": ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want the file and %q", c.name, err, c.want)
		}
	}
	// One byte of the file changed anywhere in a value is refused.
	for i := range raw {
		b := []byte(string(raw))
		if b[i] < '0' || b[i] > '9' {
			continue
		}
		b[i] = '0' + (b[i]-'0'+1)%10
		if _, err := ReadDesignationFile(e.file("flipped.json", string(b))); err == nil {
			t.Fatalf("byte %d changed (%q) went unnoticed", i, raw[max(0, i-20):min(len(raw), i+20)])
		}
	}
}

func TestAuthorityFile(t *testing.T) {
	e := newKeyEnv(t)
	auth, err := NewSigner("机关党委", model.RoleAuthority, "")
	e.check(err)
	path := filepath.Join(e.dir, "机关党委.authority.json")
	a := Authority{Key: auth.Operator.Key, Name: "机关党委", Made: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	e.check(WriteAuthorityFile(path, a))
	got, err := ReadAuthorityFile(path)
	if err != nil || got.Key != a.Key || got.Name != a.Name || !got.Made.Equal(a.Made) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	if tr := got.Trust(); tr.Role != model.RoleAuthority || tr.Name != "机关党委" {
		t.Fatalf("trust: %+v", tr)
	}
	raw, _ := os.ReadFile(path)
	var m map[string]any
	e.check(json.Unmarshal(raw, &m))
	m["fingerprint"] = e.admin.Operator.Key.Fingerprint()
	b, _ := json.Marshal(m)
	p := e.file("fp.json", string(b))
	if _, err := ReadAuthorityFile(p); err == nil || !strings.Contains(err.Error(), "is not the key's") {
		t.Fatalf("another fingerprint: %v", err)
	}
	if _, err := ReadAuthorityFile(e.file("key.json", `{"format":"qunshen-key","version":1}`)); err == nil || !strings.Contains(err.Error(), `not a qunshen authority file (format "qunshen-key", want "qunshen-authority")`) {
		t.Fatalf("a key file read as an authority's: %v", err)
	}
}

func FuzzReadDesignationFile(f *testing.F) {
	admin, err := NewSigner("王管理", model.RoleAdmin, "第三党支部")
	if err != nil {
		f.Fatal(err)
	}
	d, auth := signedDesignation(admin)
	seed := filepath.Join(f.TempDir(), "seed.json")
	if err := WriteDesignationFile(seed, d); err != nil {
		f.Fatal(err)
	}
	raw, _ := os.ReadFile(seed)
	f.Add(raw)
	f.Add([]byte(`{"format":"qunshen-designation","version":1}`))
	f.Add([]byte(`{"format":"qunshen-designation","version":1,"serial":"x","scope":{"all":true}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "in.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := ReadDesignationFile(path)
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("the error does not name the file: %v", err)
			}
			return
		}
		// Accepted: whole and signed, and written back it reads the same.
		if err := got.Check(); err != nil {
			t.Fatalf("accepted a designation that does not check: %v", err)
		}
		if got.Authority == auth.Operator.Key && !got.Same(&d) && got.Signature == d.Signature {
			t.Fatal("a signature covers two documents")
		}
		out := filepath.Join(dir, "out.json")
		if err := WriteDesignationFile(out, got); err != nil {
			t.Fatalf("an accepted designation cannot be written back: %v", err)
		}
		again, err := ReadDesignationFile(out)
		if err != nil || !again.Same(&got) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzReadAuthorityFile(f *testing.F) {
	auth, err := NewSigner("机关党委", model.RoleAuthority, "")
	if err != nil {
		f.Fatal(err)
	}
	seed := filepath.Join(f.TempDir(), "seed.json")
	if err := WriteAuthorityFile(seed, Authority{Key: auth.Operator.Key, Name: "机关党委", Made: time.Now()}); err != nil {
		f.Fatal(err)
	}
	raw, _ := os.ReadFile(seed)
	f.Add(raw)
	f.Add([]byte(`{"format":"qunshen-authority","version":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "in.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		a, err := ReadAuthorityFile(path)
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("the error does not name the file: %v", err)
			}
			return
		}
		out := filepath.Join(dir, "out.json")
		if err := WriteAuthorityFile(out, a); err != nil {
			t.Fatalf("an accepted file cannot be written back: %v", err)
		}
		again, err := ReadAuthorityFile(out)
		if err != nil || again.Key != a.Key || again.Name != a.Name || !again.Made.Equal(a.Made) {
			t.Fatalf("round trip: %+v, %v; want %+v", again, err, a)
		}
	})
}
