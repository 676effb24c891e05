package storage

import (
	"bytes"
	"encoding/json"
	"reflect"
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
