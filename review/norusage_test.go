//go:build !unix

package review

import "time"

// cpuTime is not known here: the CPU figures of the benchmarks are left out.
func cpuTime() time.Duration { return 0 }
