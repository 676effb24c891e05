package ingest

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
)

// Rejects gathers the records of a file that --skip-bad set aside, as JSON Lines beside the
// input: <file>.rejected.jsonl, each line the record's place, the reason and the record.
type Rejects struct {
	File string
	tmp  *os.File
	w    *bufio.Writer
	n    int
}

// RejectsSuffix is added to an input's name for the file of its rejected records.
const RejectsSuffix = ".rejected.jsonl"

type rejectLine struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Offset int64  `json:"offset,omitempty"`
	Reason string `json:"reason"`
	Record string `json:"record,omitempty"`
}

// Add sets an item aside, with the reason it cannot be imported.
func (r *Rejects) Add(it Item, reason string) error {
	if r.tmp == nil {
		f, err := os.CreateTemp(dirOf(r.File), ".qunshen-rejects-*")
		if err != nil {
			return err
		}
		r.tmp, r.w = f, bufio.NewWriter(f)
	}
	pos := ItemPos(it)
	l := rejectLine{File: r.File, Line: pos.Line, Offset: pos.Offset, Reason: reason}
	if it.Bad != nil {
		l.Record = strings.ToValidUTF8(string(it.Bad.Raw[:min(len(it.Bad.Raw), 64<<10)]), "\uFFFD")
	} else if it.Msg != nil {
		l.Record = cutBytes(it.Msg.Text, 64<<10)
	}
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	r.n++
	_, err = r.w.Write(append(b, '\n'))
	return err
}

// Commit puts the file of the records set aside in place, and returns its name.
func (r *Rejects) Commit() (string, error) {
	name := r.File + RejectsSuffix
	if err := r.w.Flush(); err != nil {
		return "", err
	}
	if err := r.tmp.Sync(); err != nil {
		return "", err
	}
	if err := r.tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(r.tmp.Name(), name); err != nil {
		return "", err
	}
	r.tmp = nil
	return name, nil
}

// Abandon removes what was written, unless it was committed.
func (r *Rejects) Abandon() {
	if r.tmp != nil {
		r.tmp.Close()
		os.Remove(r.tmp.Name())
	}
}

func dirOf(file string) string {
	if i := strings.LastIndexAny(file, `/\`); i >= 0 {
		return file[:i+1]
	}
	return "."
}

// N is how many records were set aside.
func (r *Rejects) N() int { return r.n }
