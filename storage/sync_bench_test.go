package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"syscall"
	"testing"
	"time"

	"qunshen/gen"
	"qunshen/internal/procmem"
	"qunshen/model"
)

// benchEvents is the size of the sync benchmarks' bundle: the million events
// (QUNSHEN_BENCH_EVENTS makes it smaller).
var benchEvents = func() int {
	if n, err := strconv.Atoi(os.Getenv("QUNSHEN_BENCH_EVENTS")); err == nil && n > 1 {
		return n
	}
	return 1_000_000
}()

// BenchmarkSync1M: an administrator's machine imports half a million posts, escalates every
// one and its secretary signs every one off: a million decision events of two origins. The
// export of them all is timed (target 200,000 events a second), then the import, with full
// verification, into a machine that holds the posts already (target 100,000 a second).
func BenchmarkSync1M(b *testing.B) {
	dir := b.TempDir()
	posts := benchEvents / 2
	q := filepath.Join(dir, "queue.jsonl")
	f, err := os.Create(q)
	if err != nil {
		b.Fatal(err)
	}
	if err := gen.Write(f, gen.Options{Posts: posts, Members: min(50_000, posts/4+100), Groups: 40, Seed: 7}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	src, err := Open(filepath.Join(dir, "src.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	admin, _ := NewSigner("admin", model.RoleAdmin, "")
	sec, _ := NewSigner("sec", model.RoleSecretary, "")
	for _, s := range []*model.Signer{admin, sec} {
		if err := src.Register(s); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := src.Import(admin, []string{q}, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, 0, posts)
	for _, st := range model.PostStatuses {
		ps, err := src.PostsByStatus(st, posts)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
	}
	first := filepath.Join(dir, "posts.qsb")
	if _, err := src.ExportBundle(admin, first, ExportOptions{Peer: "target"}); err != nil {
		b.Fatal(err)
	}
	decide := func(s *model.Signer, kind model.Kind, seen int) {
		payload := []byte(fmt.Sprintf(`{"seen":%d}`, seen))
		for i := 0; i < len(ids); i += 10_000 {
			drafts := make([]model.Draft, 0, 10_000)
			for _, id := range ids[i:min(i+10_000, len(ids))] {
				drafts = append(drafts, model.Draft{Kind: kind, Subject: id, Payload: payload})
			}
			if _, err := src.Append(s, drafts...); err != nil {
				b.Fatal(err)
			}
		}
	}
	decide(admin, model.PostEscalate, 0)
	decide(sec, model.PostSignOff, 1)
	// The decisions are exported for a peer that holds the posts: every event after them.
	bundle := filepath.Join(dir, "decisions.qsb")
	res, err := src.ExportBundle(admin, bundle, ExportOptions{Peer: "target"})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("export", func(b *testing.B) {
		out := filepath.Join(dir, "all.qsb")
		var r ExportResult
		for i := 0; i < b.N; i++ {
			if r, err = src.ExportBundle(admin, out, ExportOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(r.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(r.Bytes)/float64(r.Events), "bytes/event")
		b.ReportMetric(float64(res.Bytes)/float64(res.Events), "bytes/decision")
	})
	b.Run("import", func(b *testing.B) {
		var took time.Duration
		var cpu time.Duration
		var peak, peakAnon int64
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			dst, err := Open(filepath.Join(b.TempDir(), "dst.db"))
			if err != nil {
				b.Fatal(err)
			}
			for _, s := range []*model.Signer{admin, sec} {
				o := s.Operator
				if err := dst.AddTrust(Trust{Key: o.Key, Name: o.Name, Role: o.Role}); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := dst.ImportBundles([]string{first}, SyncOptions{}); err != nil {
				b.Fatal(err)
			}
			// The peak is the import's own: the heap left from building the machines and the
			// pages of their files are let go first.
			src.releaseMap()
			dst.releaseMap()
			debug.FreeOSMemory()
			// … and the gigabytes that building them wrote are on the disk: an import's fsyncs
			// would otherwise wait for their writeback, which is not the import's.
			syscall.Sync()
			b.StartTimer()
			start, cpu0 := time.Now(), cpuTime()
			stop := profile(b)
			peaks := procmem.Watch(os.Getpid())
			r, err := dst.ImportBundles([]string{bundle}, SyncOptions{})
			rss, anon := peaks()
			peak, peakAnon = max(peak, rss), max(peakAnon, anon)
			stop()
			took += time.Since(start)
			cpu += cpuTime() - cpu0
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if r.New != res.Events {
				b.Fatalf("imported %d of %d events", r.New, res.Events)
			}
			dst.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(res.Events)*float64(b.N)/took.Seconds(), "events/s")
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/float64(res.Events), "cpu-µs/event")
		if peak > 0 {
			b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MB")
			b.ReportMetric(float64(peakAnon)/(1<<20), "peak-anon-MB")
		}
	})
}

// profile writes a CPU profile of the timed part to $QUNSHEN_BENCH_PROFILE, when it is set.
func profile(b *testing.B) func() {
	path := os.Getenv("QUNSHEN_BENCH_PROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
