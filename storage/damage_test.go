package storage

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"qunshen/internal/keyring"
	"qunshen/model"
)

// damageFixture is a small database with posts, decisions and the report index, made once per
// process, and its state hash.
var damageFixture = struct {
	once sync.Once
	raw  []byte
	hash model.Hash
	err  error
}{}

func pristineDatabase(dir string) ([]byte, model.Hash, error) {
	damageFixture.once.Do(func() {
		f := &damageFixture
		path := filepath.Join(dir, "pristine.db")
		st, err := Open(path)
		if err != nil {
			f.err = err
			return
		}
		defer st.Close()
		admin, _ := keyring.NewSigner("王管理", model.RoleAdmin, "第三党支部")
		if f.err = st.Register(admin); f.err != nil {
			return
		}
		q := filepath.Join(dir, "q.jsonl")
		if f.err = os.WriteFile(q, []byte(queue), 0o600); f.err != nil {
			return
		}
		if _, f.err = st.Import(admin, []string{q}, ImportOptions{}); f.err != nil {
			return
		}
		for _, d := range []struct {
			kind model.Kind
			id   string
		}{{model.PostApprove, "p1"}, {model.PostEscalate, "p2"}} {
			if _, f.err = st.Append(admin, model.Draft{Kind: d.kind, Subject: d.id, Payload: []byte(`{}`)}); f.err != nil {
				return
			}
		}
		if f.hash, f.err = st.StateHash(); f.err != nil {
			return
		}
		if f.err = st.Close(); f.err != nil {
			return
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			f.err = err
			return
		}
		// Without the room bbolt grows the file by ahead of its pages: what a damage could hit.
		m0, m1 := raw[pageHeader:], raw[pageSize+pageHeader:]
		hwm := max(binary.NativeEndian.Uint64(m0[40:]), binary.NativeEndian.Uint64(m1[40:]))
		f.raw = raw[:hwm*pageSize]
	})
	return damageFixture.raw, damageFixture.hash, damageFixture.err
}

// FuzzOpenDamaged opens a database damaged at the places the input names (the bits to flip
// and an offset, again and again, and a length to cut the file to) and reads it as the
// commands do: refused by Open or by the check of its structure, or read without a panic,
// and when Verify passes, the state is the database's own.
func FuzzOpenDamaged(f *testing.F) {
	raw, _, err := pristineDatabase(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	n := uint32(len(raw))
	f.Add([]byte{}, uint32(0))
	f.Add(binary.LittleEndian.AppendUint32([]byte{0x5a}, 16), uint32(0))           // meta page 0
	f.Add(binary.LittleEndian.AppendUint32([]byte{0x01}, 2*pageSize+8), uint32(0)) // a page's flags
	f.Add([]byte{}, n/2)                                                           // cut short
	f.Add([]byte{}, n-1)
	f.Fuzz(func(t *testing.T, flips []byte, cut uint32) {
		raw, want, err := pristineDatabase(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		raw = append([]byte(nil), raw...)
		for len(flips) >= 5 {
			bits, at := flips[0], binary.LittleEndian.Uint32(flips[1:5])
			flips = flips[5:]
			if bits == 0 {
				bits = 1
			}
			raw[int(at)%len(raw)] ^= bits
		}
		if cut > 0 && int(cut) < len(raw) {
			raw = raw[:cut]
		}
		path := filepath.Join(t.TempDir(), "q.db")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		readDamaged(t, path, want)
	})
}

// readDamaged opens the database at path and reads it as the commands do. A database that
// verifies holds the state want.
func readDamaged(t *testing.T, path string, want model.Hash) {
	t.Helper()
	st, err := Open(path)
	if err != nil {
		return
	}
	defer st.Close()
	// As the commands do: a database whose structure fails is read no further.
	if err := st.CheckStructure(); err != nil {
		if !IsDamaged(err) {
			t.Fatalf("the structure check failed with %v, not a DamagedError", err)
		}
		return
	}
	st.Status()
	st.PostsByStatus(model.PostPending, 100)
	st.Members()
	st.Violations()
	st.Conflicts()
	st.Facts(model.FactSubmit, time.Time{}, time.Now().Add(24*time.Hour), nil, func(*model.Fact) error { return nil })
	st.ExportDecisions(time.Time{}, io.Discard)
	h, herr := st.StateHash()
	if _, err := st.Verify(); err == nil && herr == nil && h != want {
		t.Fatalf("the damaged database verifies, with another state")
	}
}

// TestOpenRefusesDamage: damage that bbolt would read past, fall back from, or walk into is a
// DamagedError from Open or from CheckStructure, naming the database and the way out.
func TestOpenRefusesDamage(t *testing.T) {
	raw, _, err := pristineDatabase(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m0, m1 := raw[pageHeader:], raw[pageSize+pageHeader:]
	meta := m0
	if binary.NativeEndian.Uint64(m1[48:]) > binary.NativeEndian.Uint64(m0[48:]) {
		meta = m1
	}
	root, hwm := int(binary.NativeEndian.Uint64(meta[16:])), int(binary.NativeEndian.Uint64(meta[40:]))
	for _, c := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"empty", nil, "the file is empty"},
		{"cut short", raw[:hwm*pageSize/2], "cut short"},
		{"cut by a page", raw[:(hwm-1)*pageSize], "cut short"},
		{"meta page 0", flipAt(raw, pageHeader+40), "meta page 0 fails its checksum"},
		{"meta page 1", flipAt(raw, pageSize+pageHeader+48), "meta page 1 fails its checksum"},
		{"the root page's id", flipAt(raw, root*pageSize), "is damaged"}, // bbolt's assertion, or the walk
		{"the root page's count", flipAt(raw, root*pageSize+10), "is damaged"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "q.db")
			if err := os.WriteFile(path, c.raw, 0o600); err != nil {
				t.Fatal(err)
			}
			st, err := Open(path)
			if err == nil {
				err = st.CheckStructure()
				st.Close()
			}
			var d *DamagedError
			if !errors.As(err, &d) || d.Path != path || !strings.Contains(err.Error(), c.want) ||
				!strings.Contains(err.Error(), "qunshen verify") || !strings.Contains(err.Error(), "qunshen restore") {
				t.Fatalf("%v, want a DamagedError of %s saying %q", err, path, c.want)
			}
		})
	}
}

func flipAt(raw []byte, at int) []byte {
	b := append([]byte(nil), raw...)
	b[at] ^= 0x5a
	return b
}

// TestProjectionIsReadSealed holds the rule of records.go: outside the files that know the
// layout of older schemas (or make the buckets), the code of the store reaches a sealed bucket
// only through records (recordsOf, txState.rec) or a txState, never through bbolt's bucket.
func TestProjectionIsReadSealed(t *testing.T) {
	names := map[string]bool{}
	for _, v := range []string{"bOperators", "bGroups", "bMembers", "bPosts", "bViolations", "bApps", "bRects", "bCounts",
		"ixPostStatus", "ixAppStatus", "ixViolMember", "bSuperseded", "ixFacts", "bOutbox", "bTrust", "bPeers",
		"bGroupApps", "bIncidents", "bAccount", "bDesign", "bCommend", "bAccess"} {
		names[v] = true
	}
	if len(names) != len(projectionBuckets)+len(sealedOwn) {
		t.Fatalf("the test names %d sealed buckets, the store seals %d", len(names), len(projectionBuckets)+len(sealedOwn))
	}
	// The files of the older schemas' layouts, of the buckets' making, and of a raw copy.
	allowed := map[string]string{"migrate.go": "", "records.go": "", "store.go": "", "care.go": "",
		"order.go": "markFold", "report.go": "buildFactIndex moveSubmitFacts", "trust.go": "upgradeTrust trustOf"}
	files, _ := filepath.Glob("*.go")
	raw := regexp.MustCompile(`(tx\.Bucket|st\.b\[string)\((\w+)\)`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		funcs, ok := allowed[f]
		if ok && funcs == "" {
			continue
		}
		fn := ""
		for i, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(line, "func ") {
				fn = strings.Fields(strings.TrimPrefix(strings.TrimPrefix(line, "func "), "(st *txState) "))[0]
				fn, _, _ = strings.Cut(fn, "(")
			}
			for _, m := range raw.FindAllStringSubmatch(line, -1) {
				if names[m[2]] && !strings.Contains(" "+funcs+" ", " "+fn+" ") {
					t.Errorf("%s:%d: %s reads %s through bbolt, not records", f, i+1, fn, m[2])
				}
			}
		}
	}
}
