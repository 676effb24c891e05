package model

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// TestLastFactExtendsPostFacts: when a post's history gains one entry and nothing else its
// facts are made of changes (Extends), its facts are the old version's and LastFact's.
func TestLastFactExtendsPostFacts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []Kind{PostSubmit, PostApprove, PostReject, PostEscalate, PostSignOff, PostChanges, PostUndo, PostPin}
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	decision := func() Decision {
		at = at.Add(time.Duration(rng.IntN(3600)) * time.Second)
		return Decision{Kind: kinds[rng.IntN(len(kinds))], Time: at, From: PostStatuses[rng.IntN(len(PostStatuses))], Undone: rng.IntN(5) == 0}
	}
	extended := 0
	for range 2000 {
		base := Post{ID: "p1", Group: "g1", Time: at.Add(-time.Hour), Status: PostPending}
		if rng.IntN(2) == 0 {
			base.Findings = []Finding{{Rule: "r", Category: "secret", Clause: "三"}}
		}
		for range rng.IntN(6) {
			base.History = append(base.History, decision())
		}
		p := base
		p.History = append(append([]Decision(nil), base.History...), decision())
		switch rng.IntN(6) { // sometimes something else changes too
		case 0:
			p.Time = p.Time.Add(time.Minute)
		case 1:
			if len(p.History) > 1 {
				p.History[0].Undone = !p.History[0].Undone
			}
		}
		want := PostFacts(&p)
		if !reflect.DeepEqual(SubmitFact(&p), want[0]) {
			t.Fatalf("SubmitFact %+v, PostFacts begins with %+v", SubmitFact(&p), want[0])
		}
		if !Extends(&base, &p) {
			continue
		}
		extended++
		got := PostFacts(&base)
		if f, ok := LastFact(&p); ok {
			got = append(got, f)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("history %+v:\n got %+v\nwant %+v", p.History, got, want)
		}
	}
	if extended < 500 {
		t.Fatalf("only %d of 2000 versions extend the one before: the test checks too little", extended)
	}
}
