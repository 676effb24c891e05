// Package parallel splits work over the cores.
package parallel

import (
	"runtime"
	"sync"
)

// Range calls work on parts of [0, n), one part a core, and returns when all are done. Fewer
// than 256 items are not worth a goroutine: work is called once, on the caller's goroutine.
func Range(n int, work func(from, to int)) {
	cores := runtime.GOMAXPROCS(0)
	if cores == 1 || n < 256 {
		work(0, n)
		return
	}
	per := (n + cores - 1) / cores
	var wg sync.WaitGroup
	for from := 0; from < n; from += per {
		wg.Add(1)
		go func(from, to int) {
			defer wg.Done()
			work(from, to)
		}(from, min(from+per, n))
	}
	wg.Wait()
}
