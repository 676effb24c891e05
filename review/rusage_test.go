//go:build unix

package review

import (
	"syscall"
	"time"
)

// cpuTime is the processor time this process has used: on a machine shared with other work,
// MB per processor second says more of a scan than MB per wall second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
