package ingest

import (
	"bufio"
	"bytes"
	"testing"

	"qunshen/internal/gen"
)

// BenchmarkParseQueueLine parses generated queue lines: what every import pays per record.
func BenchmarkParseQueueLine(b *testing.B) {
	var buf bytes.Buffer
	if err := gen.Write(&buf, gen.Options{Posts: 20000, Members: 2000, Groups: 10, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, MaxLine)
	size := 0
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
		size += len(sc.Bytes()) + 1
	}
	b.SetBytes(int64(size / len(lines)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ParseQueueLine(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDraft encodes the payload of a parsed record.
func BenchmarkDraft(b *testing.B) {
	rec, err := ParseQueueLine([]byte(`{"type":"post","id":"p-0000123","group":"g-party-1","author":"wx_ab12cd34","time":"2026-06-03T09:30:00+08:00","title":"关于召开支部大会的通知","body":"定于周五下午三点在三楼会议室召开支部大会，请全体党员准时参加。\n——第三党支部 2026年6月3日","attachments":["议程.docx"]}`))
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if _, err := rec.Draft(); err != nil {
			b.Fatal(err)
		}
	}
}
