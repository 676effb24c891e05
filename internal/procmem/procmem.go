// Package procmem samples a process's resident memory from Linux's /proc, for the benchmarks
// that report a peak of memory. Elsewhere it reports zeros.
package procmem

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Watch samples the resident memory of process pid every 20 ms until the process ends or the
// function it returns is called; that function gives the peaks of the whole resident set and
// of its anonymous part (heap and stacks, without the pages of mapped files), in bytes.
func Watch(pid int) (stop func() (rss, anon int64)) {
	var peakRSS, peakAnon int64
	quit, done := make(chan struct{}), make(chan struct{})
	path := fmt.Sprintf("/proc/%d/status", pid)
	go func() {
		defer close(done)
		for {
			raw, err := os.ReadFile(path)
			if err != nil {
				return
			}
			s := string(raw)
			if strings.Contains(s, "State:\tZ") {
				return
			}
			peakRSS = max(peakRSS, field(s, "VmRSS:"))
			peakAnon = max(peakAnon, field(s, "RssAnon:"))
			select {
			case <-quit:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() (int64, int64) {
		close(quit)
		<-done
		return peakRSS, peakAnon
	}
}

// field reads a figure in kB of a /proc status file, in bytes (0 where there is none).
func field(s, key string) int64 {
	i := strings.Index(s, key)
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+len(key):])
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(f[0], 10, 64)
	return n << 10
}
