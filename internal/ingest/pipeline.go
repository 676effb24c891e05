package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// blockSize is the most of a file a parser takes at a time: whole lines, and room for the
// longest line allowed. A file of short lines goes in chunks of chunkSize: the records parsed
// ahead of the writer are held in memory, and a chunk is what one parser parses at a time.
const (
	blockSize = 2 * MaxLine
	chunkSize = 256 << 10
)

type chunk[T any] struct {
	first int      // line number of lines[0]
	lines [][]byte // non-empty, trimmed
	recs  []T
	err   error
	done  chan struct{}
}

// ParseQueue reads a queue file and parses its lines on workers goroutines (all cores, less
// the ones the caller keeps busy; at least one), calling prepare for each record on the
// parsing goroutine (work that needs no state: checks, encoding), and deliver for each chunk
// of what prepare made, in the order of the file, on the calling goroutine. The first fault,
// of a line, of prepare or of deliver, stops everything and is returned; a fault of prepare
// that is not a *LineError is made one.
func ParseQueue[T any](r io.Reader, file string, workers int, prepare func(*Record) (T, error), deliver func([]T) error) error {
	workers = max(workers, 1)
	jobs := make(chan *chunk[T], workers)
	ordered := make(chan *chunk[T], 2*workers)
	stop := make(chan struct{})
	var readErr error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				c.recs = make([]T, 0, len(c.lines))
				for i, l := range c.lines {
					if l == nil {
						continue
					}
					var made T
					rec, err := ParseQueueLine(l)
					if err == nil {
						rec.Line = c.first + i
						made, err = prepare(rec)
					}
					if err != nil {
						var le *LineError
						if !errors.As(err, &le) {
							err = &LineError{File: file, Line: c.first + i, Msg: err.Error(), Err: err}
						}
						c.err = err
						break
					}
					c.recs = append(c.recs, made)
				}
				c.lines = nil
				close(c.done)
			}
		}()
	}
	go func() {
		defer close(ordered)
		defer close(jobs)
		readErr = readBlocks(r, file, func(first int, lines [][]byte) bool {
			c := &chunk[T]{first: first, lines: lines, done: make(chan struct{})}
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
			return true
		})
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

// readBlocks reads r in blocks of whole lines and calls emit with the number of the first
// line and the lines (trimmed; nil for an empty line, so that numbering stays right). The
// lines point into the block: a block is never reused. It stops when emit returns false.
func readBlocks(r io.Reader, file string, emit func(first int, lines [][]byte) bool) error {
	var carry []byte
	line := 0
	size := 64 << 10 // grows to chunkSize, and to blockSize for long lines
	for {
		block := make([]byte, max(size, len(carry)+1))
		k := copy(block, carry)
		n, err := io.ReadFull(r, block[k:])
		data := block[:k+n]
		last := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !last {
			return fmt.Errorf("%s: %w", file, err)
		}
		cut := len(data)
		if !last {
			cut = bytes.LastIndexByte(data, '\n') + 1
			if cut == 0 {
				if size >= blockSize {
					return lineTooLong(file, line+1)
				}
				size *= 2
				carry = data
				continue
			}
		}
		size = min(size*2, chunkSize)
		carry = data[cut:]
		lines := make([][]byte, 0, cut/256+1)
		first := line + 1
		for rest := data[:cut]; len(rest) > 0; {
			l := rest
			if i := bytes.IndexByte(rest, '\n'); i >= 0 {
				l, rest = rest[:i], rest[i+1:]
			} else {
				rest = nil
			}
			line++
			if len(l) > MaxLine {
				return lineTooLong(file, line)
			}
			if line == 1 {
				l = bytes.TrimPrefix(l, []byte("\xef\xbb\xbf"))
			}
			l = bytes.TrimSpace(l)
			if len(l) == 0 {
				l = nil
			}
			lines = append(lines, l)
		}
		if len(lines) > 0 && !emit(first, lines) {
			return nil
		}
		if last {
			return nil
		}
	}
}

// InOrder runs prepare on the records that produce emits (a chat export mapped, say), on
// workers goroutines, and hands what prepare made to deliver in chunks, in the order
// produced, on the calling goroutine: ParseQueue's pipeline for records of another source. The
// first fault stops everything and is returned.
func InOrder[T any](workers int, prepare func(*Record) (T, error), deliver func([]T) error, produce func(emit func(*Record) error) error) error {
	const chunkSize = 1024
	type job struct {
		recs []*Record
		made []T
		err  error
		done chan struct{}
	}
	workers = max(workers, 1)
	jobs := make(chan *job, workers)
	ordered := make(chan *job, 2*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.made = make([]T, 0, len(j.recs))
				for _, r := range j.recs {
					made, err := prepare(r)
					if err != nil {
						j.err = err
						break
					}
					j.made = append(j.made, made)
				}
				j.recs = nil
				close(j.done)
			}
		}()
	}
	var produceErr error
	go func() {
		defer close(ordered)
		defer close(jobs)
		cur := make([]*Record, 0, chunkSize)
		send := func() error {
			j := &job{recs: cur, done: make(chan struct{})}
			cur = make([]*Record, 0, chunkSize)
			select {
			case ordered <- j:
			case <-stop:
				return errStop
			}
			select {
			case jobs <- j:
			case <-stop:
				close(j.done)
				return errStop
			}
			return nil
		}
		produceErr = produce(func(r *Record) error {
			cur = append(cur, r)
			if len(cur) == chunkSize {
				return send()
			}
			return nil
		})
		if produceErr == nil && len(cur) > 0 {
			produceErr = send()
		}
	}()
	var err error
	for j := range ordered {
		<-j.done
		if err == nil {
			err = j.err
		}
		if err == nil {
			err = deliver(j.made)
		}
		if err != nil {
			break
		}
	}
	close(stop)
	for j := range ordered {
		<-j.done
	}
	wg.Wait()
	if err != nil {
		return err
	}
	if errors.Is(produceErr, errStop) {
		return nil
	}
	return produceErr
}

// errStop stops a producer when the pipeline stops.
var errStop = errors.New("stop")
