package storage

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/gen"
	"qunshen/model"
)

// A database of schema 5 kept each post's header in JSON: opening it writes every header
// binary, more posts than one batch of the rewrite, and it then holds exactly what a database
// of schema 6 holds for the same events — the reasons, the recalls and pins in +08:00, the
// decisions of a secretary — and verifies.
func TestSchema5WritesHeadersBinary(t *testing.T) {
	e := newEnv(t)
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	var q bytes.Buffer
	e.check(gen.Write(&q, gen.Options{Posts: 9000, Members: 200, Groups: 3, Seed: 5}))
	_, err = e.st.Import(e.admin, []string{e.file("gen.jsonl", q.String())}, ImportOptions{})
	e.check(err)
	// From a chat's history, published, then recalled by its author, in China time.
	h3 := model.Post{ID: "h3", Group: "g1", Author: "wx_a", Time: time.Date(2026, 10, 7, 0, 0, 0, 0, time.UTC), Title: "发错了", Body: "撤回。", FromHistory: true}
	raw, err := json.Marshal(&h3)
	e.check(err)
	mark, _ := json.Marshal(model.MarkPayload{Time: time.Date(2026, 10, 7, 9, 0, 0, 0, time.FixedZone("", 8*3600))})
	_, err = e.st.Append(e.admin, model.Draft{Kind: model.PostSubmit, Subject: "h3", Payload: raw},
		model.Draft{Kind: model.PostPin, Subject: "h3", Payload: mark}, model.Draft{Kind: model.PostRecall, Subject: "h3", Payload: mark})
	e.check(err)
	e.decide(model.PostEscalate, "p-000017", "p-004099", "p-008999", "p2")
	_, err = e.st.Append(e.sec, model.Draft{Kind: model.PostReturn, Subject: "p2", Payload: []byte(`{"reason":"请补充","seen":1}`)})
	e.check(err)
	e.reopenedFrom(5, nil)
	versions := map[byte]int{}
	e.check(e.st.DB().View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bPosts).ForEach(func(k, v []byte) error {
			versions[v[0]]++
			return nil
		})
	}))
	if len(versions) != 1 || versions[postRecordVersion] < 9000 {
		t.Fatalf("records by version after the migration: %v", versions)
	}
	p, _, err := e.st.Post("h3")
	e.check(err)
	if _, off := p.Recalled.Zone(); p.Status != model.PostRecalled || !p.Pinned || off != 8*3600 {
		t.Fatalf("h3: %s, recalled %v", p.Status, p.Recalled)
	}
	if p, _, _ := e.st.Post("p2"); p.Status != model.PostReturned || p.Reason != "请补充" || p.History[1].Role != model.RoleSecretary {
		t.Fatalf("p2: %s %q %+v", p.Status, p.Reason, p.History)
	}
}
