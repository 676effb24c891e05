package inert

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// Guard is the last line of defence of a stream that reaches a terminal as it is written, such
// as a command's standard output: every character that Text would not leave (a control
// character but LF, tab and CR; DEL; a C1 control; a bidirectional control) is written as the
// escape \u001b that JSON reads as that character. JSON out is the same JSON after it (the
// encoder leaves C1 and bidirectional controls raw); text made inert before passes unchanged;
// and anything that slipped past is shown, not obeyed. Invalid UTF-8 passes as it is (it acts
// on no terminal as a character).
//
// A character cut between two writes is held until the next; Flush writes what is held.
type Guard struct {
	w    io.Writer
	held []byte
	buf  []byte
}

// NewGuard guards w.
func NewGuard(w io.Writer) *Guard { return &Guard{w: w} }

// Unwrap is the stream guarded.
func (g *Guard) Unwrap() io.Writer { return g.w }

func (g *Guard) Write(p []byte) (int, error) {
	data := p
	if len(g.held) > 0 {
		data = append(g.held, p...)
		g.held = nil
	}
	end := len(data) - cutRune(data)
	out, changed := g.escape(data[:end])
	if end < len(data) {
		g.held = append([]byte(nil), data[end:]...)
	}
	if !changed {
		out = data[:end]
	}
	if _, err := g.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a character held whole or not (it never came whole).
func (g *Guard) Flush() error {
	if len(g.held) == 0 {
		return nil
	}
	held := g.held
	g.held = nil
	_, err := g.w.Write(held)
	return err
}

// cutRune is the length of the start of a UTF-8 sequence at the end of b that more bytes could
// complete.
func cutRune(b []byte) int {
	for n := 1; n <= 3 && n <= len(b); n++ {
		c := b[len(b)-n]
		if c < 0x80 {
			return 0
		}
		if c >= 0xC0 { // the first byte of a sequence
			if need := seqLen(c); need > n {
				return n
			}
			return 0
		}
	}
	return 0
}

func seqLen(c byte) int {
	switch {
	case c >= 0xF0:
		return 4
	case c >= 0xE0:
		return 3
	default:
		return 2
	}
}

// escape writes b with its acting characters escaped into g.buf, and reports whether any was.
func (g *Guard) escape(b []byte) ([]byte, bool) {
	first := -1
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if acting(rune(c)) {
				first = i
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError && acting(r) {
			first = i
			break
		}
		i += size
	}
	if first < 0 {
		return b, false
	}
	out := append(g.buf[:0], b[:first]...)
	for i := first; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if (r != utf8.RuneError || size > 1) && acting(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	g.buf = out
	return out, true
}

// acting reports whether r is written escaped by a Guard.
func acting(r rune) bool {
	switch {
	case r == '\n' || r == '\t' || r == '\r':
		return false
	case r < 0x20 || r == 0x7f:
		return true
	}
	return (r >= 0x80 && r < 0xa0) || IsBidi(r)
}
