package storage

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// The outbox (model.OutboxLine): what the chat side must carry out and what a person must be
// told, as `qunshen export decisions` writes it (docs/formats.md).
//
//	key:   the event's key in the log (time (8) | id (32)) | the line's index among the event's (2)
//	value: version (1) str(action) str(group) str(post) str(member) str(title) str(decision)
//	       str(reason) str(by) str(role) str(name) str(nickname) str(branch) str(violation)
//	       str(application) str(step) str(text) until
//	until: 0, or 1 and a time as a post's record writes it (postcodec.go)
//
// of the pieces of model.Reader, one encoding a line (the reader refuses any other): the
// event and the time are the key's, the brief is the export's.
//
// The fold makes the lines, event by event in the canonical order; the store keeps them as a
// projection, written in the transaction of their event, cleared with the rest when the log is
// replayed whole, and compared by verify with the fold of the log. So the keys follow the
// log's order, and an export reads them in it.
var bOutbox = []byte("outbox")

func init() {
	allBuckets = append(allBuckets, bOutbox)
	projectionBuckets = append(projectionBuckets, bOutbox)
	unread[string(bOutbox)] = true
}

// ChatAction is the former name of an outbox line.
type ChatAction = model.OutboxLine

// outboxKey is the key of the i-th line of the event of l.
func outboxKey(l *model.OutboxLine, i int) []byte {
	k := make([]byte, 0, 42)
	k = appendTimeKey(k, l.Time)
	k = append(k, l.Event[:]...)
	return binary.BigEndian.AppendUint16(k, uint16(i))
}

// PutOutbox keeps the lines one event made (model.State).
func (st *txState) PutOutbox(lines []model.OutboxLine) error {
	if len(lines) > 1<<16 {
		return fmt.Errorf("event %s makes %d lines of the outbox", lines[0].Event.Short(), len(lines))
	}
	for i := range lines {
		v, err := encodeLine(&lines[i])
		if err != nil {
			return err
		}
		st.put(bOutbox, outboxKey(&lines[i], i), v)
	}
	return nil
}

// lineVersion is the version of a line's value.
const lineVersion = 1

// lineStrings are the string fields of a line, in the order of its value.
func lineStrings(l *model.OutboxLine) [16]*string {
	return [16]*string{&l.Action, &l.Group, &l.Post, &l.Member, &l.Title, &l.Decision, &l.Reason, &l.By, (*string)(&l.Role),
		&l.Name, &l.Nickname, &l.Branch, &l.Violation, &l.Application, &l.Step, &l.Text}
}

// encodeLine is the value of a line (but for its event and time, which its key holds, and
// its brief, which the export adds).
func encodeLine(l *model.OutboxLine) ([]byte, error) {
	if l.Brief != nil {
		return nil, fmt.Errorf("event %s: a line of the outbox is stored without its brief", l.Event.Short())
	}
	x := *l
	n := 32
	for _, s := range lineStrings(&x) {
		n += len(*s)
	}
	b := make([]byte, 0, n)
	b = append(b, lineVersion)
	for _, s := range lineStrings(&x) {
		b = model.AppendStr(b, *s)
	}
	if l.Until.IsZero() {
		return append(b, 0), nil
	}
	return appendTime(append(b, 1), l.Until), nil
}

var errLine = errors.New("not a line of the outbox")

// decodeLineValue reads a line's value as encodeLine writes it, all of v, into l.
func decodeLineValue(v []byte, l *model.OutboxLine) error {
	if len(v) < 1 || v[0] != lineVersion {
		return errLine
	}
	r := postReader{Reader: model.Reader{B: v[1:]}}
	for _, s := range lineStrings(l) {
		*s = r.name()
	}
	switch r.Byte() {
	case 0:
	case 1:
		if l.Until = r.time(); l.Until.IsZero() {
			return errLine // the zero time is written as no time
		}
	default:
		return errLine
	}
	if r.Err != nil || len(r.B) != 0 {
		return errLine
	}
	return nil
}

// wantOutbox is the outbox of a fresh fold, for verify.
func wantOutbox(mem *model.MemState) (map[string]any, error) {
	out := map[string]any{}
	for _, lines := range mem.Outbox {
		for i := range lines {
			v, err := encodeLine(&lines[i])
			if err != nil {
				return nil, err
			}
			out[string(outboxKey(&lines[i], i))] = v
		}
	}
	return out, nil
}

// Outbox calls f with the lines of the outbox made by the events at or after since, in the
// canonical order of the log, each line of a post with the post's title. The line passed is
// f's.
func (s *Store) Outbox(since time.Time, f func(*model.OutboxLine) error) error {
	if since.Year() > 2200 { // beyond the clock of events (and of int64 nanoseconds)
		return nil
	}
	return s.view(func(tx *bbolt.Tx) error {
		titles := titleReader{b: recordsOf(tx, bPosts)}
		c := recordsOf(tx, bOutbox).Cursor()
		for k, v := c.Seek(timeKey(since)); k != nil; k, v = c.Next() {
			l, err := titles.line(k, v)
			if err != nil {
				return err
			}
			if err := f(l); err != nil {
				return err
			}
		}
		return nil
	})
}

// titleReader reads the outbox's lines and gives those of a post its title: the fold of a
// decision reads no text of the post (model.IsDecision), and a post's title does not change
// once it is published.
type titleReader struct {
	b         records
	last, tit string // the post read last, and its title
}

func (r *titleReader) line(k, v []byte) (*model.OutboxLine, error) {
	l := new(model.OutboxLine)
	if err := decodeLineValue(v, l); err != nil || len(k) != 42 {
		return nil, inconsistent("the outbox's line %x is damaged", k)
	}
	l.Time = time.Unix(0, int64(binary.BigEndian.Uint64(k[:8])^(1<<63))).UTC()
	copy(l.Event[:], k[8:40])
	if l.Post == "" || l.Title != "" {
		return l, nil
	}
	if l.Post != r.last {
		r.last, r.tit = l.Post, ""
		if raw := r.b.Get([]byte(l.Post)); raw != nil {
			var p model.Post
			if _, err := readPost(raw, nil, &p); err != nil {
				return nil, inconsistent("stored post %q is damaged: %w", l.Post, err)
			}
			r.tit = p.Title
		}
	}
	l.Title = r.tit
	return l, nil
}

// PostOutbox is the lines of the outbox that the decisions on a post made, in order: those of
// the events of its history.
func (s *Store) PostOutbox(id string) ([]model.OutboxLine, error) {
	p, ok, err := s.Post(id)
	if err != nil || !ok {
		return nil, err
	}
	var out []model.OutboxLine
	err = s.view(func(tx *bbolt.Tx) error {
		titles := titleReader{b: recordsOf(tx, bPosts)}
		c := recordsOf(tx, bOutbox).Cursor()
		for _, d := range p.History {
			prefix := orderKey(d.Time, d.Event)
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				l, err := titles.line(k, v)
				if err != nil {
					return err
				}
				if l.Post == id {
					out = append(out, *l)
				}
			}
		}
		return nil
	})
	return out, err
}

// ExportDecisions writes, as JSON Lines, the lines of the outbox made since since, in order
// (Outbox), as the store keeps them, and returns how many it wrote.
func (s *Store) ExportDecisions(since time.Time, w io.Writer) (int, error) {
	return WriteOutbox(w, func(f func(*model.OutboxLine) error) error { return s.Outbox(since, f) })
}

// WriteOutbox writes the lines that each gives as JSON Lines, by encoding/json (which leaves
// out a zero time), and returns how many it wrote.
func WriteOutbox(w io.Writer, each func(f func(*model.OutboxLine) error) error) (int, error) {
	bw := bufio.NewWriter(w)
	n := 0
	err := each(func(l *model.OutboxLine) error {
		line, err := json.Marshal(l)
		if err != nil {
			return err
		}
		bw.Write(line)
		n++
		return bw.WriteByte('\n')
	})
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}
