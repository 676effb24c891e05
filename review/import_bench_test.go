package review_test

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"
	"time"

	"qunshen/internal/gen"
	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// BenchmarkImportChecks1M imports a million generated posts twice, without and with the
// checks of the default policy, and reports what the checks add: the target is at most 2 s.
func BenchmarkImportChecks1M(b *testing.B) {
	dir := b.TempDir()
	queue := filepath.Join(dir, "queue.jsonl")
	f, err := os.Create(queue)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := gen.Write(w, gen.Options{Posts: 1_000_000, Members: 50_000, Groups: 40, Seed: 7}); err != nil {
		b.Fatal(err)
	}
	w.Flush()
	f.Close()
	run := func(name string, opt storage.ImportOptions) time.Duration {
		st, err := storage.Open(filepath.Join(dir, name+".db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		s, _ := keyring.NewSigner("bench", model.RoleAdmin, "")
		if err := st.Register(s); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := st.Import(s, []string{queue}, opt); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	b.ResetTimer()
	var plain, checked time.Duration
	for i := 0; i < b.N; i++ {
		plain += run("plain"+itoa(i), storage.ImportOptions{})
		check, inOrder := review.NewChecker(review.DefaultPolicy(), nil).ImportChecks()
		checked += run("checked"+itoa(i), storage.ImportOptions{Check: check, InOrder: inOrder})
	}
	n := float64(b.N)
	b.ReportMetric(plain.Seconds()/n, "s-plain")
	b.ReportMetric(checked.Seconds()/n, "s-checked")
	b.ReportMetric((checked-plain).Seconds()/n, "s-added")
}

func itoa(i int) string { return string(rune('0' + i%10)) }
