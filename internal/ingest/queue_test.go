package ingest

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"qunshen/internal/i18n"
)

// sampleQueue is the project's sample queue file: every record type, CJK text.
func sampleQueue(t testing.TB) []byte {
	b, err := os.ReadFile("../../testdata/queue.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzParseQueueLine(f *testing.F) {
	for _, l := range bytes.Split(sampleQueue(f), []byte("\n")) {
		f.Add(l)
	}
	f.Add([]byte(`{"type":"post","id":"\u0000"}`))
	f.Add([]byte("\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := ParseQueueLine(b)
		if err != nil {
			return
		}
		if rec.ID() == "" {
			t.Fatal("a record without an id was accepted")
		}
		if _, err := rec.Draft(); err != nil {
			t.Fatal(err)
		}
	})
}

// A fault of a line of the queue is told in the user's language: the file, the line, what
// is wrong.
func TestQueueFaultInTheUsersLanguage(t *testing.T) {
	err := ReadQueue(strings.NewReader("\n"+`{"type":"post","id":"p1"}`+"\n"), "q.jsonl", func(*Record) error { return nil })
	if err == nil {
		t.Fatal("a post without its group is taken")
	}
	if got := i18n.Explain(i18n.ZH, err); got != `q.jsonl：第 2 行：post p1：缺少 "group"` {
		t.Errorf("in Chinese: %s", got)
	}
	if got := i18n.Explain(i18n.EN, err); got != `q.jsonl:2: post p1: missing "group"` {
		t.Errorf("in English: %s", got)
	}
}
