package storage

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// schema6Dump is the state a database holds, as storage/testdata/schema6/state.json has it.
type schema6Dump struct {
	Posts          []model.Post
	Groups         []model.Group
	Members        []model.Member
	Violations     []model.Violation
	Applications   []model.Application
	Rectifications []model.Rectification
	Operators      []model.Operator
	Status         Status
}

func dumpState(t *testing.T, s *Store) []byte {
	t.Helper()
	var d schema6Dump
	var err error
	if d.Posts, err = s.Posts(model.PostStatuses, 0); err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() error{
		func() (err error) { d.Groups, err = s.Groups(); return },
		func() (err error) { d.Members, err = s.Members(); return },
		func() (err error) { d.Violations, err = s.Violations(); return },
		func() (err error) { d.Applications, err = s.Applications(); return },
		func() (err error) { d.Rectifications, err = s.Rectifications(); return },
		func() (err error) { d.Operators, err = s.Operators(); return },
		func() (err error) { d.Status, err = s.Status(); return },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := json.MarshalIndent(d, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestSchema6IsMigrated opens a database made by qunshen of schema 6 (testdata/schema6/make.sh
// says how): it is brought to this schema, verifies, and holds the state it held, field by field.
func TestSchema6IsMigrated(t *testing.T) { migratedFrom(t, "testdata/schema6") }

// TestSchema8IsMigrated opens a database made by qunshen of schema 8, the last whose records
// carry no checksums (testdata/schema8/make.sh): it is brought to this schema, verifies, holds
// the state it held, and every record of it is sealed: changed, it is refused.
func TestSchema8IsMigrated(t *testing.T) {
	s := migratedFrom(t, "testdata/schema8")
	if err := s.CheckStructure(); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := s.view(func(tx *bbolt.Tx) error {
		for _, name := range append(slices.Clone(projectionBuckets), sealedOwn...) {
			if err := tx.Bucket(name).ForEach(func(k, v []byte) error {
				n++
				unseal(string(name), k, v) // panics, and fails the view, when it is not sealed
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("the records after the migration: %d read, %v", n, err)
	}
}

// migratedFrom opens a copy of the database of an older schema in dir, and checks that it
// verifies and holds the state of dir's state.json.
func migratedFrom(t *testing.T, dir string) *Store {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "qunshen.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "qunshen.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Verify(); err != nil {
		t.Fatalf("verify after the migration: %v", err)
	}
	want, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := dumpState(t, s); !bytes.Equal(got, want) {
		t.Errorf("the state after the migration differs from the state before it:\n%s", firstDiff(got, want))
	}
	return s
}

// firstDiff shows where two texts part, with some context.
func firstDiff(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-200)
	return "got:  …" + string(got[from:min(len(got), i+200)]) + "\nwant: …" + string(want[from:min(len(want), i+200)])
}
