package storage

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// releaseMap lets the kernel take back, from this process, the pages of the database file
// that its memory map holds. A long import touches most of a growing file through the map;
// the pages stay in the page cache, shared and clean, but count as this process's resident
// memory until they are released. The map is read-only and shared with the file, so what a
// reader sees after the release is the same: a page is mapped again from the cache when read.
func (s *Store) releaseMap() {
	start := s.db.Info().Data
	if start == 0 {
		return
	}
	end := mappingEnd(start)
	if end <= start {
		return
	}
	syscall.Syscall(syscall.SYS_MADVISE, start, end-start, syscall.MADV_DONTNEED)
}

// mappingEnd finds in /proc/self/maps the end of the mapping that starts at start; 0 when there
// is none.
func mappingEnd(start uintptr) uintptr {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0
	}
	defer f.Close()
	want := fmt.Sprintf("%x-", start)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, want) {
			continue
		}
		var lo, hi uintptr
		if _, err := fmt.Sscanf(line, "%x-%x", &lo, &hi); err != nil || lo != start {
			return 0
		}
		return hi
	}
	return 0
}
