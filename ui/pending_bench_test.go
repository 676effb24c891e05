package ui_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"qunshen/internal/keyring"
	"qunshen/internal/procmem"
	"qunshen/model"
	"qunshen/storage"
	"qunshen/ui"
)

// BenchmarkPending1M opens the workbench over a database of 1,000,000 pending posts
// (QUNSHEN_BENCH_POSTS to change it), in a process of its own as a user runs it: every
// command of its start run, the whole queue in the Pending pane, then a filter query over it.
// It reports the process's peak memory (peak-rss-MB adds the pages of the database file that
// its map holds, which the kernel takes back under pressure; peak-anon-MB is the process's
// own) and the time to the queue loaded whole: ≤ 1.5 GB for a million posts.
//
//	go test -run '^$' -bench Pending1M -benchtime 1x ./ui
func BenchmarkPending1M(b *testing.B) {
	posts := 1_000_000
	if n, err := strconv.Atoi(os.Getenv("QUNSHEN_BENCH_POSTS")); err == nil && n > 0 {
		posts = n
	}
	st, _ := benchStore(b, posts, min(50_000, posts/4+100))
	path := st.Path()
	st.Close()
	var m pendingMeasure
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPendingChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "QUNSHEN_PENDING_CHILD_DB="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("the workbench's process: %v\n%s", err, out)
		}
		found := false
		for _, line := range strings.Split(string(out), "\n") {
			if rest, ok := strings.CutPrefix(line, "pending measured: "); ok {
				found = json.Unmarshal([]byte(rest), &m) == nil
			}
		}
		if !found {
			b.Fatalf("the workbench's process said nothing of its measure:\n%s", out)
		}
		if m.Rows < posts*9/10 {
			b.Fatalf("the queue holds %d rows of %d posts", m.Rows, posts)
		}
	}
	b.ReportMetric(float64(m.Rows), "rows")
	b.ReportMetric(m.Load.Seconds(), "s/load")
	b.ReportMetric(m.Filter.Seconds(), "s/filter")
	b.ReportMetric(float64(m.RSS)/(1<<20), "peak-rss-MB")
	b.ReportMetric(float64(m.Anon)/(1<<20), "peak-anon-MB")
	b.ReportMetric(float64(m.Heap)/(1<<20), "heap-list-MB")
	b.ReportMetric(float64(m.HeapFilter)/(1<<20), "heap-filter-MB")
}

// pendingMeasure is what the workbench's process measured.
type pendingMeasure struct {
	Rows       int // pending and escalated, as the status bar counts them
	Load       time.Duration
	Filter     time.Duration // the index built and the query's five keystrokes
	RSS, Anon  int64
	Heap       uint64 // the live heap with the queue loaded
	HeapFilter uint64 // and with the filter's index over it
}

// TestPendingChild is BenchmarkPending1M's workbench in a process of its own; it runs only
// when the benchmark starts it.
func TestPendingChild(t *testing.T) {
	path := os.Getenv("QUNSHEN_PENDING_CHILD_DB")
	if path == "" {
		t.Skip("run by BenchmarkPending1M")
	}
	admin, _ := keyring.NewSigner("王管理", model.RoleAdmin, "") // the queue is read, nothing signed
	debug.SetMemoryLimit(ui.MemoryLimit)                      // as ui.Run sets it
	peaks := procmem.Watch(os.Getpid())
	start := time.Now()
	st, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := loaded(&testing.B{}, st, admin, 200, 50)
	took := time.Since(start)
	rows := 0
	for _, re := range []*regexp.Regexp{regexp.MustCompile(`待审 (\d+)`), regexp.MustCompile(`待审签 (\d+)`)} {
		if m := re.FindStringSubmatch(h.screen()); m != nil {
			n, _ := strconv.Atoi(m[1])
			rows += n
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	listed := heap()
	start = time.Now()
	h.keys("/", "z", "h", "a", "n", "g") // a filter query over the whole queue
	_ = h.screen()
	filter := time.Since(start)
	filtered := heap()
	rss, anon := peaks()
	m := pendingMeasure{Rows: rows, Load: took, Filter: filter, RSS: rss, Anon: anon, Heap: listed, HeapFilter: filtered}
	runtime.KeepAlive(h)
	out, _ := json.Marshal(m)
	fmt.Printf("pending measured: %s\n", out)
}
