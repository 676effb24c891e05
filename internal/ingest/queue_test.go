package ingest

import (
	"bytes"
	"os"
	"testing"
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
