package storage

import (
	"encoding/binary"
	"errors"
	"math"
	"time"

	"qunshen/model"
)

// A post's header — what review decided — is binary in a record of version 2: every decision
// rewrites it, and a bundle of a million decisions rewrites a million of them, in JSON each
// step of a history took about 210 bytes and most of the time of reading and writing a post.
//
//	header   = str(status) str(reason) flags [time(recalled)] uvarint(n) n × decision
//	flags    = 1 disputed | 2 pinned | 4 recalled
//	decision = event (32 bytes) str(kind) str(actor) str(role) time str(reason) str(from) str(to) dflags
//	dflags   = 1 undone | 2 concurrent | 4 resolves
//	str      = uvarint(length) bytes, as they are
//	time     = varint(Unix seconds) uvarint(nanoseconds) varint(offset of its zone, seconds east of UTC)
//
// One header has one encoding: the reader refuses what the writer would not write (flags it
// does not know, nanoseconds of a second or more, bytes after the last decision), so a record
// read and written again is the same bytes, which verify and the state hash rely on.

const (
	hdrDisputed = 1 << iota
	hdrPinned
	hdrRecalled
)

const (
	decUndone = 1 << iota
	decConcurrent
	decResolves
)

// A header may not claim more decisions than its bytes can hold: each takes at least this.
const minDecisionBytes = 32 + 6 + 3 + 1

// appendHeader appends h's binary form.
func appendHeader(dst []byte, h *postHeader) []byte {
	dst = appendStr(dst, string(h.Status))
	dst = appendStr(dst, h.Reason)
	var flags byte
	if h.Disputed {
		flags |= hdrDisputed
	}
	if h.Pinned {
		flags |= hdrPinned
	}
	if !h.Recalled.IsZero() {
		flags |= hdrRecalled
	}
	dst = append(dst, flags)
	if flags&hdrRecalled != 0 {
		dst = appendHeaderTime(dst, h.Recalled)
	}
	dst = binary.AppendUvarint(dst, uint64(len(h.History)))
	for i := range h.History {
		d := &h.History[i]
		dst = append(dst, d.Event[:]...)
		dst = appendStr(dst, string(d.Kind))
		dst = appendStr(dst, d.Actor)
		dst = appendStr(dst, string(d.Role))
		dst = appendHeaderTime(dst, d.Time)
		dst = appendStr(dst, d.Reason)
		dst = appendStr(dst, string(d.From))
		dst = appendStr(dst, string(d.To))
		var f byte
		if d.Undone {
			f |= decUndone
		}
		if d.Concurrent {
			f |= decConcurrent
		}
		if d.Resolves {
			f |= decResolves
		}
		dst = append(dst, f)
	}
	return dst
}

// headerSize is about the size of h's binary form, for the room a record is made with.
func headerSize(h *postHeader) int {
	n := 24 + len(h.Status) + len(h.Reason)
	for i := range h.History {
		d := &h.History[i]
		n += 32 + 32 + len(d.Kind) + len(d.Actor) + len(d.Role) + len(d.Reason) + len(d.From) + len(d.To)
	}
	return n
}

// appendHeaderTime appends a time to the second, its nanoseconds and its zone's offset: the
// instant and the offset it is shown in, which is what a time read back from JSON kept.
func appendHeaderTime(dst []byte, t time.Time) []byte {
	_, off := t.Zone()
	dst = binary.AppendVarint(dst, t.Unix())
	dst = binary.AppendUvarint(dst, uint64(t.Nanosecond()))
	return binary.AppendVarint(dst, int64(off))
}

var errHeader = errors.New("a damaged post header")

// decodeHeader reads a header as appendHeader writes it, all of b.
func decodeHeader(b []byte, h *postHeader) error {
	*h = postHeader{}
	r := binReader{b: b}
	h.Status = model.PostStatus(r.name())
	h.Reason = r.str()
	flags := r.byte()
	if flags&^(hdrDisputed|hdrPinned|hdrRecalled) != 0 {
		return errHeader
	}
	h.Disputed, h.Pinned = flags&hdrDisputed != 0, flags&hdrPinned != 0
	if flags&hdrRecalled != 0 {
		if h.Recalled = r.time(); h.Recalled.IsZero() {
			r.bad = true // the zero time is written as no time at all
		}
	}
	n := r.uvarint()
	if r.bad || n > uint64(len(b)-r.i)/minDecisionBytes {
		return errHeader
	}
	if n > 0 {
		h.History = make([]model.Decision, n)
	}
	for i := range h.History {
		d := &h.History[i]
		if len(b)-r.i < len(d.Event) {
			return errHeader
		}
		r.i += copy(d.Event[:], b[r.i:])
		d.Kind = model.Kind(r.name())
		d.Actor = r.str()
		d.Role = model.Role(r.name())
		d.Time = r.time()
		d.Reason = r.str()
		d.From = model.PostStatus(r.name())
		d.To = model.PostStatus(r.name())
		f := r.byte()
		if f&^(decUndone|decConcurrent|decResolves) != 0 {
			return errHeader
		}
		d.Undone, d.Concurrent, d.Resolves = f&decUndone != 0, f&decConcurrent != 0, f&decResolves != 0
		if r.bad {
			return errHeader
		}
	}
	if r.bad || r.i != len(b) {
		return errHeader
	}
	return nil
}

// binReader reads a header from b at i; bad is set by the first read past the end or of a
// value out of its range, after which every read gives the zero value.
type binReader struct {
	b   []byte
	i   int
	bad bool
}

func (r *binReader) byte() byte {
	if r.bad || r.i >= len(r.b) {
		r.bad = true
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func (r *binReader) uvarint() uint64 {
	if r.bad {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.i:])
	// A longer form than the shortest is another encoding of the same header.
	if n <= 0 || (n > 1 && r.b[r.i+n-1] == 0) {
		r.bad = true
		return 0
	}
	r.i += n
	return v
}

// varint reads a signed varint: its zigzag form as a uvarint, as binary.AppendVarint writes it.
func (r *binReader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// raw reads a str's bytes, which stay b's.
func (r *binReader) raw() []byte {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.b)-r.i) {
		r.bad = true
		return nil
	}
	s := r.b[r.i : r.i+int(n)]
	r.i += int(n)
	return s
}

func (r *binReader) str() string { return string(r.raw()) }

// name reads a str that is mostly a status, a kind or a role, which recur in every header:
// the constant when it is one (model.Intern), at no allocation.
func (r *binReader) name() string { return model.Intern(r.raw()) }

// time reads a time as appendHeaderTime writes it: in UTC when its offset is 0, else in a
// zone of that offset with no name.
func (r *binReader) time() time.Time {
	sec, nsec, off := r.varint(), r.uvarint(), r.varint()
	// Offsets of a day or more are no zone's; seconds far beyond any date would overflow.
	if r.bad || nsec >= 1e9 || off <= -86400 || off >= 86400 || sec < math.MinInt64/2 || sec > math.MaxInt64/2 {
		r.bad = true
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	if off == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", int(off)))
}
