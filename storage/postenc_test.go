package storage

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	fastjson "github.com/goccy/go-json"

	"qunshen/model"
)

// The import's encoder of posts writes what encode writes, byte for byte, and what
// encoding/json reads back as the same post: the stored payloads, and so the events' hashes,
// do not depend on which encoder made them.
func FuzzAppendPostJSON(f *testing.F) {
	f.Add("p-000001", "g1", "wx_a", "关于召开支部大会的通知", "定于周五下午召开。\n——第三党支部", "议程.docx", "format", int64(1780000000), int64(0), uint8(0))
	f.Add("p<1>", "g&2", "\"a\"", "\u2028\u2029\x00\x1f\x7f", "\xff\xfe 半\xe4\xb8", "a\\b", "", int64(-62135596800), int64(1), uint8(255))
	f.Add("", "", "", "<script>alert(1)</script>", "\b\f\t\r", "", "ok", int64(253402300799), int64(1780000000), uint8(7))
	f.Fuzz(func(t *testing.T, id, group, author, title, body, attach, rule string, sec, recalled int64, flags uint8) {
		p := &model.Post{ID: id, Group: group, Author: author, Title: title, Body: body,
			Time: time.Unix(sec%(1<<40), sec%1e9).UTC(), Category: rule, Source: attach, Forwarded: title,
			Major: flags&1 != 0, Confidential: flags&2 != 0, FromHistory: flags&4 != 0, Disputed: flags&8 != 0, Pinned: flags&16 != 0,
			Status: model.PostStatus(rule), Reason: body}
		if flags&32 != 0 {
			p.Attachments = []string{attach, title}
		} else if flags&64 != 0 {
			p.Attachments = []string{}
		}
		if flags&128 != 0 {
			p.Findings = []model.Finding{{Rule: rule, Category: title, Clause: body, Severity: attach, Start: int(sec % 1000), End: -int(recalled % 1000), Field: rule}, {Rule: "x"}}
		}
		if recalled != 0 {
			p.Recalled = time.Unix(recalled%(1<<40), 0).UTC()
		}
		got, ok := appendPostJSON(nil, p)
		want, err := encode(p)
		if err != nil {
			if ok {
				t.Fatalf("encode fails (%v), the import's encoder wrote %s", err, got)
			}
			return
		}
		if !ok {
			t.Fatalf("the import's encoder left a post it takes: %s", want)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("the import's encoder wrote\n%s\nencode writes\n%s", got, want)
		}
		var back model.Post
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("encoding/json cannot read %s: %v", got, err)
		}
		std, _ := json.Marshal(p)
		var stdBack model.Post
		if err := json.Unmarshal(std, &stdBack); err != nil || !reflect.DeepEqual(back, stdBack) {
			t.Fatalf("read back as %+v, encoding/json's own as %+v", back, stdBack)
		}
	})
}

// A post with a history, or with a time outside UTC, is left to the general encoder.
func TestAppendPostJSONLeavesWhatItDoesNotTake(t *testing.T) {
	at := time.Date(2026, 6, 3, 9, 30, 0, 0, time.UTC)
	for _, p := range []*model.Post{
		{ID: "p1", Time: at, History: []model.Decision{{Kind: model.PostApprove}}},
		{ID: "p2", Time: at.In(time.FixedZone("CST", 8*3600))},
		{ID: "p3", Time: at, Recalled: at.In(time.FixedZone("CST", 8*3600))},
	} {
		if out, ok := appendPostJSON([]byte("x"), p); ok || string(out) != "x" {
			t.Fatalf("%s: took it (%s)", p.ID, out)
		}
	}
}

// The encoder of headers writes what encode writes, byte for byte, and the fast reader of
// headers reads what it writes as the general decoder does; of any other bytes the fast
// reader takes only what the general decoder reads alike.
func FuzzPostHeader(f *testing.F) {
	f.Add("pending", "", "王管理", "admin", "post.escalate", int64(1780000000), int64(123456789), uint8(3), []byte(`{"status":"pending"}`))
	f.Add("rejected", "含有<违规>内容 & \"引号\"\n第二行", "李书记\u2028", "secretary", "post.signoff", int64(-62135596800), int64(0), uint8(255), []byte(`{"status":"x","history":[]}`))
	f.Add("", "\xff\x00\x1f", "", "", "", int64(253402300799), int64(999999999), uint8(0), []byte(`{}`))
	f.Add("escalated", "r", "a", "owner", "post.return", int64(951782400), int64(100), uint8(1), []byte(`{"recalled":"2000-02-29T23:59:59.1Z"}`))
	f.Fuzz(func(t *testing.T, status, reason, actor, role, kind string, sec, nsec int64, flags uint8, raw []byte) {
		at := time.Unix(sec%(1<<40), nsec%1e9).UTC()
		h := postHeader{Status: model.PostStatus(status), Reason: reason, Disputed: flags&1 != 0, Pinned: flags&2 != 0}
		if flags&4 != 0 {
			h.Recalled = at
		}
		for i := range int(flags>>3) % 4 {
			d := model.Decision{Kind: model.Kind(kind), Actor: actor, Role: model.Role(role), Time: at.Add(time.Duration(i) * time.Second),
				From: model.PostStatus(status), To: model.PostStatus(reason), Undone: i == 1, Concurrent: flags&16 != 0, Resolves: flags&32 != 0}
			d.Event[0], d.Event[31] = byte(i), flags
			if i%2 == 0 {
				d.Reason = reason
			}
			h.History = append(h.History, d)
		}
		got, ok := appendHeaderJSON(nil, &h)
		want, err := encode(h)
		if err != nil {
			if ok {
				t.Fatalf("encode fails (%v), the encoder of headers wrote %s", err, got)
			}
			return
		}
		if !ok {
			t.Fatalf("the encoder of headers left a header it takes: %s", want)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("the encoder of headers wrote\n%s\nencode writes\n%s", got, want)
		}
		sameAsGeneral(t, got)
		sameAsGeneral(t, raw)
		// … and of the header with a byte of it changed, or bytes put in.
		if len(raw) > 0 {
			at := int(uint(sec) % uint(len(got)))
			changed := bytes.Clone(got)
			changed[at] = raw[0]
			sameAsGeneral(t, changed)
			sameAsGeneral(t, append(got[:at:at], append(raw, got[at:]...)...))
		}
	})
}

// sameAsGeneral checks that what the fast reader of headers takes of b, the general decoder
// reads alike.
func sameAsGeneral(t *testing.T, b []byte) {
	t.Helper()
	fastSameAsGeneral(t, b, decodeHeaderJSON)
}

// fastSameAsGeneral: what a fast reader takes from b, the general decoder takes too, and makes
// the same value of.
func fastSameAsGeneral[T any](t *testing.T, b []byte, fastRead func([]byte, *T) bool) {
	t.Helper()
	var fast, general T
	if !fastRead(b, &fast) {
		return
	}
	if err := fastjson.Unmarshal(b, &general); err != nil {
		t.Fatalf("the fast reader took %q, which the general decoder refuses: %v", b, err)
	}
	if !reflect.DeepEqual(fast, general) {
		t.Fatalf("of %q the fast reader made\n%+v\nthe general decoder\n%+v", b, fast, general)
	}
}

// The fast reader of headers takes every header a decision writes, and leaves to the general
// decoder what it does not write: escapes, another order of fields, spaces, other times.
func TestDecodeHeaderJSONTakesWhatTheEncoderWrites(t *testing.T) {
	at := time.Date(2026, 6, 3, 9, 30, 0, 120000000, time.UTC)
	h := postHeader{Status: model.PostSignedOff, Reason: "请补充\t第二项", Disputed: true, History: []model.Decision{
		{Event: model.Hash{1, 2, 3}, Kind: model.PostEscalate, Actor: "王管理", Role: model.RoleAdmin, Time: at, From: model.PostPending, To: model.PostEscalated},
		{Event: model.Hash{0xff}, Kind: model.PostSignOff, Actor: "李书记", Role: model.RoleSecretary, Time: at.Add(time.Hour), Reason: "同意\n\"原文\" <附件> & 落款", From: model.PostEscalated, To: model.PostSignedOff, Concurrent: true, Resolves: true},
	}}
	raw, ok := appendHeaderJSON(nil, &h)
	if !ok {
		t.Fatal("the encoder left a header in UTC")
	}
	var back postHeader
	if !decodeHeaderJSON(raw, &back) || !reflect.DeepEqual(back, h) {
		t.Fatalf("read back %+v from %s", back, raw)
	}
	for _, s := range []string{
		`{"reason":"x","status":"pending"}`,
		`{"status":"pend\u0069ng"}`,
		`{ "status":"pending"}`,
		`{"status":"pending"} `,
		`{"recalled":"2026-06-03T09:30:00+08:00"}`,
		`{"recalled":"2026-02-30T09:30:00Z"}`,
		`{"recalled":"2026-06-03T09:30:00.1234567891Z"}`,
		`{"history":[]}`,
		`{"history":[{"event":"AB` + strings.Repeat("0", 62) + `","kind":"post.approve","actor":"a","role":"admin","time":"2026-06-03T09:30:00Z","from":"pending","to":"approved"}]}`,
		`{"disputed":false}`,
		`{"status":"pending","status":"approved"}`,
	} {
		var got postHeader
		if decodeHeaderJSON([]byte(s), &got) {
			t.Errorf("the fast reader took %s", s)
		}
	}
}
