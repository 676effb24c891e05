package storage_test

import (
	"strconv"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/reportfix"
	"qunshen/model"
	"qunshen/storage"
)

func countFacts(t *testing.T, st *storage.Store) map[model.FactKind]int {
	t.Helper()
	out := map[model.FactKind]int{}
	for _, k := range model.FactKinds {
		err := st.Facts(k, time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), nil, func(f *model.Fact) error {
			if f.Kind != k {
				t.Fatalf("a fact of kind %c among %c", f.Kind, k)
			}
			out[k]++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestReportIndexBuiltForSchema2 opens a database as an older qunshen left it, at schema 2
// without the report index: the index is built on opening, and verify finds it equal to a
// fresh fold of the log.
func TestReportIndexBuiltForSchema2(t *testing.T) {
	dir := t.TempDir()
	f := reportfix.Build(t, dir)
	want := countFacts(t, f.Store)
	// 8 posts; 7 decisions that stand (the undone approval of p6 is not one); 4 violations and
	// 2 sanctions; 3 applications, 2 of them decided.
	exp := map[model.FactKind]int{model.FactSubmit: 8, model.FactDecide: 7, model.FactViolation: 4, model.FactSanction: 2, model.FactApplication: 3, model.FactAppDecided: 2}
	for k, n := range exp {
		if want[k] != n {
			t.Errorf("facts %c: %d, want %d", k, want[k], n)
		}
	}
	if _, err := f.Store.Verify(); err != nil {
		t.Fatal(err)
	}
	f.Store.Close()
	db, err := bbolt.Open(f.Path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		if err := tx.DeleteBucket([]byte("ix_report")); err != nil {
			return err
		}
		return storage.AsOlderSchema(tx, 2)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := countFacts(t, st)
	for k, n := range want {
		if got[k] != n {
			t.Errorf("rebuilt facts %c: %d, want %d", k, got[k], n)
		}
	}
	if _, err := st.Verify(); err != nil {
		t.Fatalf("verify after the rebuild: %v", err)
	}
	var schema string
	st.DB().View(func(tx *bbolt.Tx) error { schema = string(tx.Bucket([]byte("meta")).Get([]byte("schema"))); return nil })
	if schema != strconv.Itoa(storage.SchemaVersion) {
		t.Errorf("schema %s after opening", schema)
	}
}

// TestVerifyFindsADamagedFactIndex: an entry missing from the index is a fault of the
// projection.
func TestVerifyFindsADamagedFactIndex(t *testing.T) {
	f := reportfix.Build(t, t.TempDir())
	defer f.Store.Close()
	err := f.Store.DB().Update(func(tx *bbolt.Tx) error {
		c := tx.Bucket([]byte("ix_report")).Cursor()
		k, _ := c.First()
		return c.Bucket().Delete(k)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.Verify(); err == nil {
		t.Fatal("verify passed a report index that lacks an entry")
	}
}
