package storage

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// chunkLines is how many lines a parser takes at a time.
const chunkLines = 2048

type chunk struct {
	first int      // line number of lines[0]
	lines [][]byte // non-empty, trimmed
	recs  []*Record
	err   error
	done  chan struct{}
}

// parseParallel reads a queue file and parses its lines on every core, calling prepare for
// each record on the parsing goroutine (work that needs no state: checks, encoding), and
// deliver for each chunk of records in the order of the file, on the calling goroutine.
// The first fault, of a line or of deliver, stops everything and is returned.
// workers is how many goroutines parse: all cores, less the ones the caller keeps busy.
func parseParallel(r io.Reader, file string, workers int, prepare func(*Record) error, deliver func([]*Record) error) error {
	workers = max(workers, 1)
	jobs := make(chan *chunk, workers)
	ordered := make(chan *chunk, 2*workers)
	stop := make(chan struct{})
	var readErr error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				c.recs = make([]*Record, 0, len(c.lines))
				for i, l := range c.lines {
					if l == nil {
						continue
					}
					rec, err := ParseQueueLine(l)
					if err == nil {
						rec.Line = c.first + i
						if prepare != nil {
							err = prepare(rec)
						}
					}
					if err != nil {
						var le *LineError
						if !errors.As(err, &le) {
							err = &LineError{File: file, Line: c.first + i, Msg: err.Error()}
						}
						c.err = err
						break
					}
					c.recs = append(c.recs, rec)
				}
				c.lines = nil
				close(c.done)
			}
		}()
	}
	go func() {
		defer close(ordered)
		defer close(jobs)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
		line := 0
		c := &chunk{first: 1, done: make(chan struct{})}
		send := func() bool {
			select {
			case ordered <- c:
			case <-stop:
				return false
			}
			select {
			case jobs <- c:
			case <-stop:
				close(c.done) // queued but never parsed: nobody waits for its records
				return false
			}
			c = &chunk{first: line + 1, done: make(chan struct{})}
			return true
		}
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if line == 1 {
				b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
			}
			var cp []byte
			if len(b) > 0 {
				cp = bytes.Clone(b)
			}
			c.lines = append(c.lines, cp) // nil keeps the place of an empty line
			if len(c.lines) == chunkLines && !send() {
				return
			}
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				readErr = &LineError{File: file, Line: line + 1, Msg: fmt.Sprintf("line longer than %d bytes", MaxLine)}
			} else {
				readErr = fmt.Errorf("%s: %w", file, err)
			}
		}
		if len(c.lines) > 0 {
			send()
		}
	}()
	var err error
	for c := range ordered {
		<-c.done
		if err == nil {
			err = c.err
		}
		if err == nil {
			err = deliver(c.recs)
		}
		if err != nil {
			break
		}
	}
	close(stop)
	for c := range ordered { // let the reader finish
		<-c.done
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return readErr
}
