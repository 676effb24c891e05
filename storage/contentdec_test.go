package storage

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	fastjson "github.com/goccy/go-json"
	"go.etcd.io/bbolt"

	"qunshen/model"
)

// sameContentAsGeneral: what the fast reader of contents takes from b, the general decoder
// takes too, and makes the same post of. The lean reader takes whatever the fast reader takes,
// and what it takes it reads as the general decoder does, but for the author's text, which it
// leaves empty.
func sameContentAsGeneral(t *testing.T, b []byte) {
	t.Helper()
	fastSameAsGeneral(t, b, decodeContentJSON)
	var fast, lean model.Post
	k := &known{words: map[string]string{}}
	fastOK, leanOK := decodeContentJSON(b, &fast), decodeContentLean(b, &lean, k)
	if fastOK && !leanOK {
		t.Fatalf("the lean reader left %q, which the fast reader takes", b)
	}
	// Read again, the strings of the first reading known, and its id the one looked for: the
	// same post.
	var again model.Post
	k.id = lean.ID
	if decodeContentLean(b, &again, k) != leanOK || !reflect.DeepEqual(again, lean) {
		t.Fatalf("of %q the lean reader made\n%+v\nand, with the strings it knew,\n%+v", b, lean, again)
	}
	var general model.Post
	if !leanOK || fastjson.Unmarshal(b, &general) != nil {
		return
	}
	general.Title, general.Body, general.Attachments = "", "", nil
	if !reflect.DeepEqual(lean, general) {
		t.Fatalf("of %q the lean reader made\n%+v\nthe general decoder, its text left out,\n%+v", b, lean, general)
	}
}

// The fast reader of contents takes every content an import writes, escapes included, and
// leaves to the general decoder what the encoder does not write.
func TestDecodeContentJSONTakesWhatTheEncoderWrites(t *testing.T) {
	p := model.Post{ID: "p-1", Group: "g\"1", Author: "张三", Time: time.Date(2026, 6, 3, 9, 30, 0, 120000000, time.UTC),
		Title: "关于<周五>会议 & 安排\\", Body: "第一行\n第二行\t\"引号\" \\ \u2028 \x01 \xff 结束", Attachments: []string{"a.pdf", "图.png"},
		Category: "通知", Major: true, Confidential: true, Source: "wecom", Forwarded: "李四", FromHistory: true,
		Findings: []model.Finding{{Rule: "phone", Category: "个人信息", Clause: "PM 二(一)", Severity: "high", Start: 0, End: -3, Field: "body"}, {Rule: "r", Start: 12345, End: 99999}}}
	raw, ok := appendPostJSON(nil, &p)
	if !ok {
		t.Fatal("the encoder left a post in UTC")
	}
	var back model.Post
	if !decodeContentJSON(raw, &back) {
		t.Fatalf("the fast reader left %s", raw)
	}
	want := p
	want.Body = "第一行\n第二行\t\"引号\" \\ \u2028 \x01 \uFFFD 结束" // invalid UTF-8 is written as U+FFFD
	if !reflect.DeepEqual(back, want) {
		t.Fatalf("read back\n%+v\nfrom %s", back, raw)
	}
	sameContentAsGeneral(t, raw)
	for _, s := range []string{
		`{"group":"g","id":"p","author":"a","time":"2026-06-03T09:30:00Z"}`,      // another order
		`{"id":"p", "group":"g","author":"a","time":"2026-06-03T09:30:00Z"}`,     // a space
		`{"id":"p","group":"g","author":"a","time":"2026-06-03T17:30:00+08:00"}`, // not UTC
		`{"id":"p\/q","group":"g","author":"a","time":"2026-06-03T09:30:00Z"}`,   // an escape it does not write
		`{"id":"\ud83d\ude00","group":"g","author":"a","time":"2026-06-03T09:30:00Z"}`,
		`{"id":"p","group":"g","author":"a","time":"2026-06-03T09:30:00Z","status":"approved"}`,
		`{"id":"p","group":"g","author":"a","time":"2026-06-03T09:30:00Z","findings":[{"rule":"r","category":"","clause":"","severity":"","start":01,"end":2}]}`,
	} {
		var p model.Post
		if decodeContentJSON([]byte(s), &p) {
			t.Errorf("the fast reader took %s", s)
		}
	}
}

// A string known to the lean reader is given only for the same string: not for one whose bytes
// up to a quote are the same, the quote escaped.
func TestKnownStringsOnlyForTheSame(t *testing.T) {
	k := &known{id: `p\`, words: map[string]string{`g\`: `g\`, "通知": "通知"}}
	b := []byte(`{"id":"p\\","group":"g\"1","author":"a","time":"2026-06-03T09:30:00Z","category":"通知"}`)
	var p model.Post
	if !decodeContentLean(b, &p, k) {
		t.Fatalf("the lean reader left %s", b)
	}
	if p.ID != `p\` || p.Group != `g"1` || p.Category != "通知" {
		t.Fatalf("read %q %q %q from %s", p.ID, p.Group, p.Category, b)
	}
	sameContentAsGeneral(t, b)
}

func FuzzPostContent(f *testing.F) {
	f.Add("p-000001", "g-01", "张三", "关于<周五>会议", "第一行\n\"第二行\" & \u2028", "a.pdf", int64(1780000000), int64(5), -7, uint8(3), []byte(`{"id":"p","group":"g","author":"a","time":"2026-06-03T09:30:00Z"}`))
	f.Add("", "", "", "", "\xff\x00\x1f\\", "", int64(-62135596800), int64(0), 0, uint8(255), []byte(`{}`))
	f.Fuzz(func(t *testing.T, id, group, author, title, body, attachment string, sec, nsec int64, n int, flags uint8, raw []byte) {
		p := model.Post{ID: id, Group: group, Author: author, Time: time.Unix(sec%(1<<40), nsec%1e9).UTC(), Title: title, Body: body,
			Category: title, Major: flags&1 != 0, Confidential: flags&2 != 0, Source: author, Forwarded: group, FromHistory: flags&4 != 0}
		if flags&8 != 0 {
			p.Attachments = []string{attachment, body}
		}
		for i := range int(flags>>4) % 3 {
			p.Findings = append(p.Findings, model.Finding{Rule: attachment, Category: title, Clause: id, Severity: group, Start: n + i, End: -n, Field: body})
		}
		got, ok := appendPostJSON(nil, &p)
		want, err := encode(p)
		if err != nil || !ok {
			return
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("the encoder of posts wrote\n%s\nencode writes\n%s", got, want)
		}
		var back model.Post
		if !decodeContentJSON(got, &back) {
			t.Fatalf("the fast reader left what the encoder wrote: %s", got)
		}
		sameContentAsGeneral(t, got)
		sameContentAsGeneral(t, raw)
		if len(raw) > 0 { // a byte of it changed
			at := int(uint(sec) % uint(len(got)))
			changed := bytes.Clone(got)
			changed[at] = raw[0]
			sameContentAsGeneral(t, changed)
			sameContentAsGeneral(t, append(got[:at:at], append(raw, got[at:]...)...))
		}
	})
}

// A bundle's decisions read their posts lean, and what reads a post after them in the same
// chunk — an undo here — has its text read: the posts keep what their authors wrote, and the
// projection is the fold of the log.
func TestDecisionsReadPostsLean(t *testing.T) {
	ms := network(t, t.TempDir(), "a1:admin", "a2:admin")
	a1, a2 := ms[0], ms[1]
	a2.importBundles(a1.export("a2"))
	want := a1.post("p1")
	if want.Body == "" || len(want.Attachments) == 0 {
		t.Fatalf("p1 has no text to lose: %+v", want)
	}
	a1.check(a1.decide("p1", model.PostEscalate, ""))
	p := a1.post("p1")
	_, err := a1.st.Append(a1.op, model.Draft{Kind: model.PostUndo, Subject: "p1", Payload: []byte("{}"), Refs: []model.Hash{p.History[p.LastDecision()].Event}})
	a1.check(err)
	a1.check(a1.decide("p1", model.PostEscalate, ""))
	a2.importBundles(a1.export("a2"))
	got := a2.post("p1")
	if got.Title != want.Title || got.Body != want.Body || !reflect.DeepEqual(got.Attachments, want.Attachments) ||
		got.Status != model.PostEscalated || len(got.History) != 3 {
		t.Fatalf("p1 after the bundle: %+v", got)
	}
	a2.verify()
	a1.importBundles(a2.export("a1"))
	if a1.hash() != a2.hash() {
		t.Fatal("the two machines differ")
	}
	// Read lean, the text is left out for the decision on the post only.
	a2.check(a2.st.db.View(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		st.prefetchPosts([]string{"p1"})
		if e := st.posts["p1"]; e == nil || !e.lean || e.p.Body != "" || e.p.Group != want.Group {
			t.Fatalf("prefetched: %+v", e)
		}
		st.deciding = "p1"
		if p, _, _ := st.Post("p1"); p.Body != "" || p.Status != model.PostEscalated {
			t.Fatalf("a decision read %+v", p)
		}
		st.deciding = ""
		if p, _, _ := st.Post("p1"); p.Body != want.Body || p.Title != want.Title || p.Status != model.PostEscalated {
			t.Fatalf("another reader read %+v", p)
		}
		return nil
	}))
}
