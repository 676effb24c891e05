package storage

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

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
func TestSchema6IsMigrated(t *testing.T) {
	raw, err := os.ReadFile("testdata/schema6/qunshen.db")
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
	defer s.Close()
	if _, err := s.Verify(); err != nil {
		t.Fatalf("verify after the migration: %v", err)
	}
	want, err := os.ReadFile("testdata/schema6/state.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := dumpState(t, s); !bytes.Equal(got, want) {
		t.Errorf("the state after the migration differs from the state before it:\n%s", firstDiff(got, want))
	}
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
