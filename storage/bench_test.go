package storage

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/gen"
	"qunshen/internal/keyring"
	"qunshen/internal/procmem"
	"qunshen/model"
)

// benchPosts is the size of the benchmarks' queue: the million posts
// (QUNSHEN_BENCH_POSTS makes it smaller, for profiling).
var benchPosts = func() int {
	if n, err := strconv.Atoi(os.Getenv("QUNSHEN_BENCH_POSTS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}()

var (
	benchOnce  sync.Once
	benchDir   string
	benchQueue string
	benchErr   error
)

// benchFixture writes one generated queue of a million posts, 50,000 members in 40 groups,
// shared by the benchmarks of this process.
func benchFixture(b *testing.B) string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "qunshen-bench-")
		if benchErr != nil {
			return
		}
		benchQueue = filepath.Join(benchDir, "queue.jsonl")
		f, err := os.Create(benchQueue)
		if err != nil {
			benchErr = err
			return
		}
		w := bufio.NewWriterSize(f, 1<<20)
		if err := gen.Write(w, gen.Options{Posts: benchPosts, Members: min(50_000, benchPosts/4+100), Groups: 40, Seed: 7}); err != nil {
			benchErr = err
		}
		w.Flush()
		f.Close()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchQueue
}

func benchStore(b *testing.B, dir string) (*Store, *model.Signer) {
	st, err := Open(filepath.Join(dir, "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	s, err := keyring.NewSigner("bench", model.RoleAdmin, "")
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Register(s); err != nil {
		b.Fatal(err)
	}
	return st, s
}

// BenchmarkImport1M imports a million generated posts (parse, validate, store; no checks)
// into a fresh database: the target is 200,000 posts a second.
func BenchmarkImport1M(b *testing.B) {
	q := benchFixture(b)
	fi, _ := os.Stat(q)
	b.ResetTimer() // ns/op is the imports', not the fixture's
	var total, cpu time.Duration
	var peakRSS, peakAnon, size int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		st, s := benchStore(b, dir)
		debug.FreeOSMemory() // the peak is the import's own, not the fixture's
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		peaks := procmem.Watch(os.Getpid())
		stop, err := profile(os.Getenv("QUNSHEN_BENCH_PROFILE"))
		if err != nil {
			b.Fatal(err)
		}
		res, err := st.Import(s, []string{q}, ImportOptions{})
		stop()
		total += time.Since(start)
		cpu += cpuTime() - cpu0
		rss, anon := peaks()
		peakRSS, peakAnon = max(peakRSS, rss), max(peakAnon, anon)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.Events < benchPosts {
			b.Fatalf("imported %d events", res.Events)
		}
		size = st.usedBytes()
		st.Close()
		b.StartTimer()
	}
	secs := total.Seconds() / float64(b.N)
	b.ReportMetric(float64(benchPosts)/secs, "posts/s")
	b.ReportMetric(float64(fi.Size())/secs/1e6, "MB/s")
	// CPU time is steadier than the clock on a shared machine: compare changes with it.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/float64(benchPosts), "cpu-µs/post")
	if peakAnon > 0 {
		// The whole process: the heap and the pages of the database file it holds mapped.
		b.ReportMetric(float64(peakRSS)/(1<<20), "peak-rss-MB")
		b.ReportMetric(float64(peakAnon)/(1<<20), "peak-anon-MB")
	}
	b.ReportMetric(float64(size)/1e6, "db-MB")
}

// usedBytes is how much of the database file its pages take (the file grows ahead of them).
func (s *Store) usedBytes() int64 {
	var n int64
	s.db.View(func(tx *bbolt.Tx) error { n = tx.Size(); return nil })
	return n
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkOpenFirstPending opens a database of a million posts and reads the 50 oldest
// pending posts: the target is 100 ms.
func BenchmarkOpenFirstPending(b *testing.B) {
	q := benchFixture(b)
	dir := b.TempDir()
	st, s := benchStore(b, dir)
	if _, err := st.Import(s, []string{q}, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	st.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := Open(filepath.Join(dir, "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		ps, err := st.PostsByStatus(model.PostPending, 50)
		if err != nil || len(ps) != 50 {
			b.Fatalf("%d posts, %v", len(ps), err)
		}
		st.Close()
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/open")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// BenchmarkDecideOne records single decisions, each in a transaction of its own as the screen
// and `qunshen decide` record them, in a database of a million posts: the latency an
// administrator feels, and the bytes a decision writes to the file.
func BenchmarkDecideOne(b *testing.B) {
	q := benchFixture(b)
	dir := b.TempDir()
	st, s := benchStore(b, dir)
	defer st.Close()
	if _, err := st.Import(s, []string{q}, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	pending, err := st.PostsByStatus(model.PostPending, 60_000)
	if err != nil {
		b.Fatal(err)
	}
	var ps []model.Post // those an administrator may approve alone
	for _, p := range pending {
		if !p.NeedsSignOff() && len(ps) < 50_000 {
			ps = append(ps, p)
		}
	}
	before := st.pagesWritten()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i == len(ps) {
			b.Fatalf("only %d pending posts to decide", len(ps))
		}
		// Pending posts spread over the whole queue, each approved once.
		p := ps[(i*7919)%len(ps)]
		d := model.Draft{Kind: model.PostApprove, Subject: p.ID, Payload: []byte(`{"seen":0}`)}
		if _, err := st.Append(s, d); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	writes := st.pagesWritten() - before
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/decision")
	b.ReportMetric(float64(writes)*float64(st.db.Info().PageSize)/1024/float64(b.N), "KB-written/decision")
}

// pagesWritten is how many pages the transactions of this store have written to its file.
func (s *Store) pagesWritten() int64 {
	stats := s.db.Stats()
	return stats.TxStats.GetWrite()
}
