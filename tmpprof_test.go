package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkTmpProf(b *testing.B) {
	dir := b.TempDir()
	export := filepath.Join(dir, "wecom.jsonl")
	writeWeComSample(b, export, 30_000_000)
	db := filepath.Join(dir, "q.db")
	c := &ctx{stdout: io.Discard, stderr: os.Stderr, stdin: os.Stdin}
	run(c, []string{"--db", db, "init", "--name", "王芳", "--role", "admin"})
	b.ResetTimer()
	if code := run(c, []string{"--db", db, "import", "--as", "history", export}); code != 0 {
		b.Fatal(code)
	}
}
