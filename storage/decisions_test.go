package storage

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"qunshen/model"
)

// A line of the decisions carries only the fields of its action (docs/formats.md): no "until"
// but for a mute.
func TestExportDecisionsLeavesOutWhatTheActionLacks(t *testing.T) {
	e := newEnv(t)
	_, err := e.st.Import(e.admin, []string{e.file("q.jsonl", queue)}, ImportOptions{})
	e.check(err)
	e.decide(model.PostApprove, "p1")
	var out bytes.Buffer
	n, err := e.st.ExportDecisions(time.Time{}, &out)
	e.check(err)
	if n != 1 || !strings.Contains(out.String(), `"action":"publish"`) || strings.Contains(out.String(), "until") {
		t.Fatalf("%d lines:\n%s", n, out.String())
	}
}

// Every field of a line of the outbox is carried through its value, but for those its key
// holds (the event and the time) and the brief, which the export adds: a field the codec
// forgets, or that a new version of model.OutboxLine adds without the codec, fails here.
func TestOutboxLineCarriesEveryField(t *testing.T) {
	var l model.OutboxLine
	seed := 0
	filled(t, reflect.ValueOf(&l).Elem(), &seed)
	l.Brief = nil
	raw, err := encodeLine(&l)
	if err != nil {
		t.Fatal(err)
	}
	var back model.OutboxLine
	if err := decodeLineValue(raw, &back); err != nil {
		t.Fatal(err)
	}
	back.Event, back.Time = l.Event, l.Time
	if !reflect.DeepEqual(back, l) {
		t.Fatalf("a line read back differs from the line written:\n got %+v\nwant %+v", back, l)
	}
	k := outboxKey(&l, 3)
	got, err := (&titleReader{}).line(k, raw)
	if err != nil || got.Event != l.Event || !got.Time.Equal(l.Time) || got.Title != l.Title {
		t.Fatalf("the key's event and time: %+v (%v)", got, err)
	}
	l.Brief = &model.Brief{}
	if _, err := encodeLine(&l); err == nil {
		t.Fatal("a brief was stored")
	}
}

// Whatever a line holds is read back as it was written; of any other bytes, what the reader
// takes it writes again as the same bytes: one line has one value.
func FuzzOutboxLine(f *testing.F) {
	f.Add("publish", "g1", "p1", "wx_a", "", "王管理", int64(0), []byte{1, 0})
	f.Add("mute", "g1", "", "wx_b", "刷屏\n", "admin", int64(1780000000), []byte{1, 7, 'p', 'u', 'b', 'l', 'i', 's', 'h'})
	f.Add("", "\xff", "\x00", "", "", "", int64(-62135596800), []byte{})
	f.Fuzz(func(t *testing.T, action, group, post, member, reason, by string, until int64, raw []byte) {
		l := model.OutboxLine{Action: action, Group: group, Post: post, Member: member, Reason: reason, By: by, Role: model.Role(by),
			Decision: reason, Name: member, Text: reason}
		if until != 0 {
			l.Until = time.Unix(until%(1<<40), 0).UTC()
		}
		got, err := encodeLine(&l)
		if err != nil {
			t.Fatal(err)
		}
		var back model.OutboxLine
		if err := decodeLineValue(got, &back); err != nil || !reflect.DeepEqual(back, l) && !(l.Until.IsZero() && back.Until.IsZero()) {
			t.Fatalf("%+v written as %x is read as %+v (%v)", l, got, back, err)
		}
		for _, b := range [][]byte{raw, append(bytes.Clone(got), raw...)} {
			var x model.OutboxLine
			if decodeLineValue(b, &x) != nil {
				continue
			}
			if again, err := encodeLine(&x); err != nil || !bytes.Equal(again, b) {
				t.Fatalf("%x is read as %+v, which is written %x", b, x, again)
			}
		}
	})
}
