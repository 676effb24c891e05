package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"qunshen/internal/i18n"
)

// QueueFormat is the name of the project's own queue format, beside the formats of the chat
// tools and rosters (Names).
const QueueFormat = "queue"

// Formats lists the names of the formats an import reads, in the order of detection.
func Formats() []string { return append([]string{QueueFormat}, Names()...) }

// Source is one file of an import and its format: Parser is nil for the queue format.
type Source struct {
	File   string
	Parser *Parser
}

// Format is the name of the source's format.
func (s Source) Format() string {
	if s.Parser == nil {
		return QueueFormat
	}
	return s.Parser.Name
}

// DetectFormats finds the format of each file: the one named ("" for none), or the one its
// head shows.
func DetectFormats(files []string, name string) ([]Source, error) {
	var named *Parser
	switch {
	case name == "" || name == QueueFormat:
	default:
		p, ok := Lookup(name)
		if !ok {
			return nil, i18n.E("ingest.format.unknown", name, strings.Join(Formats(), ", "))
		}
		named = &p
	}
	out := make([]Source, 0, len(files))
	for _, f := range files {
		if name != "" {
			out = append(out, Source{File: f, Parser: named})
			continue
		}
		r, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		head := make([]byte, HeadSize)
		n, err := io.ReadFull(r, head)
		r.Close()
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		head = head[:n]
		if isQueue(head) {
			out = append(out, Source{File: f})
			continue
		}
		p, ok := Detect(head)
		if !ok {
			return nil, i18n.E("ingest.format.undetected", f, strings.Join(Formats(), ", "))
		}
		out = append(out, Source{File: f, Parser: &p})
	}
	return out, nil
}

// isQueue reports whether a head is the queue format: its first line an object whose "type"
// is one of the queue's record types. An empty file is an empty queue.
func isQueue(head []byte) bool {
	head = bytes.TrimSpace(TrimBOM(head))
	if len(head) == 0 {
		return true
	}
	line, _, _ := strings.Cut(string(head), "\n")
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "{") {
		return false
	}
	rec, err := ParseQueueLine([]byte(line))
	if err == nil {
		return rec != nil
	}
	// A faulty first line is still the queue's when it names a queue type: the import then
	// reports the fault, instead of calling the file unknown.
	for _, t := range []string{"group", "member", "post", "report", "application"} {
		if strings.Contains(line, `"type":"`+t+`"`) || strings.Contains(line, `"type": "`+t+`"`) {
			return true
		}
	}
	return false
}

// ParseFile runs the source's parser over its file, telling reading (when set) how far it
// came, every 4 MiB.
func ParseFile(src Source, reading func(done, total int64), emit func(Item) error) error {
	f, err := os.Open(src.File)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if reading != nil {
		var total int64
		if fi, err := f.Stat(); err == nil {
			total = fi.Size()
		}
		r = &countingReader{r: f, total: total, report: reading}
	}
	return src.Parser.Parse(bufio.NewReaderSize(r, 1<<20), src.File, emit)
}

// countingReader tells report how much was read, every 4 MiB.
type countingReader struct {
	r           io.Reader
	done, total int64
	last        int64
	report      func(done, total int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.done += int64(n)
	if c.done-c.last >= 4<<20 || err == io.EOF {
		c.last = c.done
		c.report(c.done, c.total)
	}
	return n, err
}

// PosError is a fault of the record of a file at pos: a *LineError when the record's line is
// known.
func PosError(file string, pos Pos, reason string) error {
	if pos.Line > 0 {
		return &LineError{File: file, Line: pos.Line, Msg: reason}
	}
	return i18n.E("ingest.fault.byte", file, pos.Offset, reason)
}

// ItemPos is where an item stands in its file.
func ItemPos(it Item) Pos {
	switch {
	case it.Msg != nil:
		return it.Msg.Pos
	case it.Member != nil:
		return it.Member.Pos
	case it.Bad != nil:
		return it.Bad.Pos
	}
	return Pos{}
}
