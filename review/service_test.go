package review_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

func TestDecideThroughTheStore(t *testing.T) {
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin, _ := keyring.NewSigner("王管理", model.RoleAdmin, "")
	sec, _ := keyring.NewSigner("李书记", model.RoleSecretary, "")
	for _, s := range []*model.Signer{admin, sec} {
		if err := st.Register(s); err != nil {
			t.Fatal(err)
		}
	}
	queue, err := os.ReadFile("../testdata/queue.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "queue.jsonl")
	os.WriteFile(f, queue, 0o600)
	if _, err := st.Import(admin, []string{f}, storage.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	a := review.Service{Store: st, Signer: admin}
	s := review.Service{Store: st, Signer: sec}

	if _, err := a.Decide("p2", model.PostEscalate, ""); err != nil {
		t.Fatal(err)
	}
	var pe *model.PermissionError
	if _, err := a.Decide("p2", model.PostSignOff, ""); !errors.As(err, &pe) {
		t.Fatalf("an administrator signed off: %v", err)
	}
	if _, err := s.Decide("p1", model.PostApprove, ""); !errors.As(err, &pe) {
		t.Fatalf("a secretary approved in pre-review: %v", err)
	}
	signed, err := s.Decide("p2", model.PostSignOff, "")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := st.Status()
	undo, err := s.Decide("p2", model.PostUndo, "")
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := st.Post("p2")
	if p.Status != model.PostEscalated || len(p.History) != 3 || p.History[1].Event != signed || !p.History[1].Undone || p.History[2].Event != undo {
		t.Fatalf("after undo of the sign-off: %+v", p)
	}
	after, _ := st.Status()
	if after.Events != before.Events+1 {
		t.Fatalf("undo wrote %d events, want 1 (nothing is deleted)", after.Events-before.Events)
	}
	if _, err := a.Decide("p2", model.PostUndo, ""); err == nil {
		t.Fatal("the administrator undid the secretary's decision")
	}
	if _, err := st.Verify(); err != nil {
		t.Fatal(err)
	}
}
