package ingest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"qunshen/model"
)

// FuzzAppendPostJSON holds the import's encoder of posts to encoding/json, byte for byte.
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
		want, err := json.Marshal(p)
		if err != nil {
			if ok {
				t.Fatalf("encoding/json fails (%v), the import's encoder wrote %s", err, got)
			}
			return
		}
		if !ok {
			t.Fatalf("the import's encoder left a post it takes: %s", want)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("the import's encoder wrote\n%s\nencoding/json writes\n%s", got, want)
		}
	})
}

// A post with a history, or with a time outside UTC, is left to encoding/json.
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
		got, err := postPayload(p)
		want, _ := json.Marshal(p)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: payload %s, want %s (%v)", p.ID, got, want, err)
		}
	}
}

// TestAppendPostJSONKnowsEveryField fails when model.Post (or model.Finding) gains a field
// that the import's encoder does not write: add it to appendPostJSON, then to the list.
func TestAppendPostJSONKnowsEveryField(t *testing.T) {
	names := func(typ reflect.Type) []string {
		var out []string
		for i := range typ.NumField() {
			out = append(out, strings.Split(typ.Field(i).Tag.Get("json"), ",")[0])
		}
		return out
	}
	if got := names(reflect.TypeFor[model.Post]()); !reflect.DeepEqual(got, postJSONFields) {
		t.Fatalf("model.Post's JSON fields are %v; appendPostJSON writes %v", got, postJSONFields)
	}
	if got, want := names(reflect.TypeFor[model.Finding]()), []string{"rule", "category", "clause", "severity", "start", "end", "field"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("model.Finding's JSON fields are %v; appendPostJSON writes %v", got, want)
	}
}
