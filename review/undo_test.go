package review_test

import (
	"os"
	"path/filepath"
	"testing"

	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// A batch decided together is undone together, one undo event a post, in one append; a batch
// holding a post with nothing to undo is refused whole.
func TestUndoBatch(t *testing.T) {
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin, _ := keyring.NewSigner("王管理", model.RoleAdmin, "")
	if err := st.Register(admin); err != nil {
		t.Fatal(err)
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
	for _, id := range []string{"p1", "p3"} {
		if _, err := a.Decide(id, model.PostChanges, "请补充落款"); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := st.Status()
	if _, err := a.UndoBatch([]string{"p1", "p2", "p3"}); err == nil {
		t.Fatal("p2 has no decision, yet the batch was undone")
	}
	if now, _ := st.Status(); now.Events != before.Events {
		t.Fatalf("a refused batch wrote %d events", now.Events-before.Events)
	}
	ids, err := a.UndoBatch([]string{"p1", "p3"})
	if err != nil || len(ids) != 2 {
		t.Fatalf("undo: %v %v", ids, err)
	}
	for _, id := range []string{"p1", "p3"} {
		p, _, _ := st.Post(id)
		if p.Status != model.PostPending || len(p.History) != 2 || !p.History[0].Undone {
			t.Fatalf("%s after the batch's undo: %s %+v", id, p.Status, p.History)
		}
	}
}
