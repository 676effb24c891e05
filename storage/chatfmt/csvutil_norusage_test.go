//go:build !unix

package chatfmt

import "time"

func csvCPUTime() time.Duration { return 0 }
