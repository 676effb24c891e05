package storage

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"qunshen/internal/gen"
	"qunshen/internal/keyring"
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
// export of them all is timed (target 200,000 events a second), then the import of the posts
// into a new machine, and the import of the decisions, with full verification, into a machine
// that holds the posts already (target 100,000 a second); each import's peak memory is its
// process's, ≤ 300 MB whatever the bundle's size.
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
	admin, _ := keyring.NewSigner("admin", model.RoleAdmin, "")
	sec, _ := keyring.NewSigner("sec", model.RoleSecretary, "")
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
	posted, err := src.ExportBundle(admin, first, ExportOptions{Peer: "target"})
	if err != nil {
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
	// The import runs as a user runs it, in a process of its own (qunshen sync import);
	// QUNSHEN_BENCH_INPROCESS=1 times it in this process.
	inProcess := os.Getenv("QUNSHEN_BENCH_INPROCESS") != ""
	// A new machine receives the posts: import.batch events of a thousand posts each, the
	// bundle's bytes mostly theirs. Its peak, in a process of its own.
	b.Run("import-posts", func(b *testing.B) {
		var m importMeasure
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			path := filepath.Join(b.TempDir(), "new.db")
			dst, err := Open(path)
			if err != nil {
				b.Fatal(err)
			}
			for _, s := range []*model.Signer{admin, sec} {
				o := s.Operator
				if err := dst.AddTrust(keyring.Trust{Key: o.Key, Name: o.Name, Role: o.Role}); err != nil {
					b.Fatal(err)
				}
			}
			dst.Close()
			src.releaseMap()
			debug.FreeOSMemory()
			syscall.Sync()
			b.StartTimer()
			if m, err = importInChild(path, first); err != nil {
				b.Fatal(err)
			}
			if m.New != posted.Events {
				b.Fatalf("imported %d of %d events", m.New, posted.Events)
			}
		}
		b.ReportMetric(float64(posts)/m.Took.Seconds(), "posts/s")
		b.ReportMetric(float64(posted.Bytes)/(1<<20), "bundle-MB")
		if m.RSS > 0 {
			b.ReportMetric(float64(m.RSS)/(1<<20), "peak-rss-MB")
			b.ReportMetric(float64(m.Anon)/(1<<20), "peak-anon-MB")
		}
	})
	b.Run("import", func(b *testing.B) {
		var took time.Duration
		var cpu time.Duration
		var peak, peakAnon int64
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			path := filepath.Join(b.TempDir(), "dst.db")
			dst, err := Open(path)
			if err != nil {
				b.Fatal(err)
			}
			for _, s := range []*model.Signer{admin, sec} {
				o := s.Operator
				if err := dst.AddTrust(keyring.Trust{Key: o.Key, Name: o.Name, Role: o.Role}); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := dst.ImportBundles([]string{first}, SyncOptions{}); err != nil {
				b.Fatal(err)
			}
			if inProcess {
				dst.releaseMap()
			} else {
				dst.Close()
			}
			// What building the machines left is let go first: the peak is the import's own;
			// and held, the map of the source's file and the heap's pages made the import's
			// writes slow in its own process too (2.4 s of the kernel's CPU in one profiled
			// run, against 0.6 s in a process that held nothing) …
			src.releaseMap()
			debug.FreeOSMemory()
			// … and the gigabytes that building them wrote are on the disk: an import's fsyncs
			// would otherwise wait for their writeback, which is not the import's.
			syscall.Sync()
			var m importMeasure
			b.StartTimer() // in its own process, ns/op takes in the start and the opening too
			if inProcess {
				m, err = measureImport(dst, bundle)
			} else {
				m, err = importInChild(path, bundle)
			}
			b.StopTimer()
			if inProcess {
				dst.Close()
			}
			if err != nil {
				b.Fatal(err)
			}
			if m.New != res.Events {
				b.Fatalf("imported %d of %d events", m.New, res.Events)
			}
			took += m.Took
			cpu += m.CPU
			peak, peakAnon = max(peak, m.RSS), max(peakAnon, m.Anon)
		}
		b.ReportMetric(float64(res.Events)*float64(b.N)/took.Seconds(), "events/s")
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/float64(res.Events), "cpu-µs/event")
		if peak > 0 {
			b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MB")
			b.ReportMetric(float64(peakAnon)/(1<<20), "peak-anon-MB")
		}
	})
}

// importMeasure is what one timed import of a bundle took.
type importMeasure struct {
	New       int
	Took, CPU time.Duration
	RSS, Anon int64 // the peaks of the process during the import
}

// measureImport imports bundle into s, timed, with a CPU profile when QUNSHEN_BENCH_PROFILE
// names a file.
func measureImport(s *Store, bundle string) (importMeasure, error) {
	stop, err := profile(os.Getenv("QUNSHEN_BENCH_PROFILE"))
	if err != nil {
		return importMeasure{}, err
	}
	start, cpu0 := time.Now(), cpuTime()
	peaks := procmem.Watch(os.Getpid())
	r, err := s.ImportBundles([]string{bundle}, SyncOptions{})
	rss, anon := peaks()
	m := importMeasure{New: r.New, Took: time.Since(start), CPU: cpuTime() - cpu0, RSS: rss, Anon: anon}
	stop()
	return m, err
}

// importInChild runs measureImport of bundle into the database at path in a new process of
// this test binary (TestImportChild), and reads what it measured.
func importInChild(path, bundle string) (importMeasure, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "QUNSHEN_IMPORT_CHILD_DB="+path, "QUNSHEN_IMPORT_CHILD_BUNDLE="+bundle)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return importMeasure{}, fmt.Errorf("the import's process: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "import measured: "); ok {
			var m importMeasure
			err := json.Unmarshal([]byte(rest), &m)
			return m, err
		}
	}
	return importMeasure{}, fmt.Errorf("the import's process said nothing of its measure:\n%s", out)
}

// TestImportChild is BenchmarkSync1M's import in a process of its own; it runs only when the
// benchmark starts it.
func TestImportChild(t *testing.T) {
	path, bundle := os.Getenv("QUNSHEN_IMPORT_CHILD_DB"), os.Getenv("QUNSHEN_IMPORT_CHILD_BUNDLE")
	if path == "" || bundle == "" {
		t.Skip("run by BenchmarkSync1M")
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err := measureImport(s, bundle)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(m)
	fmt.Printf("import measured: %s\n", raw)
}

// profile writes a CPU profile to path, when it is not empty, until stop is called.
func profile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
