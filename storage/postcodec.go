package storage

import (
	"encoding/binary"
	"errors"
	"math"
	"time"

	"qunshen/model"
)

// A stored post — the record of the posts bucket — is written and read by this codec alone,
// of the binary pieces of model.Reader: its bytes depend on the post and nothing else (not on
// the machine, the Go version or a library's escaping), which verify's comparison and the
// state hash rely on.
//
//	record   = version (3) content header
//	content  = str(id) str(group) str(author) time(time) str(title) str(body)
//	           uvarint(n) n × str(attachment) str(category) str(source) str(forwarded)
//	           cflags uvarint(m) m × finding
//	cflags   = 1 major | 2 confidential | 4 from history
//	finding  = str(rule) str(category) str(clause) str(severity) varint(start) varint(end) str(field)
//	header   = str(status) str(reason) flags [time(recalled)] uvarint(n) n × decision
//	flags    = 1 disputed | 2 pinned | 4 recalled
//	decision = event (32 bytes) str(kind) str(actor) str(role) time str(reason) str(from) str(to) dflags
//	           [uvarint(r) r × str(rule overridden)]
//	dflags   = 1 undone | 2 concurrent | 4 resolves | 8 override (the rules follow)
//	time     = varint(Unix seconds) uvarint(nanoseconds) varint(offset of its zone, seconds east of UTC)
//
// The content is what the author submitted, the header what review decided: a decision
// rewrites the header after the content's bytes as they are, and a decision's read of a post
// passes over the author's text (title, body, attachments) by their lengths (readPost, lean).
//
// One post has one encoding: the reader refuses what the writer would not write (flags it does
// not know, a varint longer than it needs, nanoseconds of a second or more, a zone of a day or
// more, bytes after the last decision). Schema 6 and older stored version 2 (a binary header
// and the content in JSON) and version 1 (both in JSON): opening such a database rewrites
// them (migratePosts).
const postRecordVersion = 3

const (
	contentMajor = 1 << iota
	contentConfidential
	contentFromHistory
)

const (
	hdrDisputed = 1 << iota
	hdrPinned
	hdrRecalled
)

const (
	decUndone = 1 << iota
	decConcurrent
	decResolves
	decOverride
)

// The least bytes an item of a list takes, so that a count beyond what the bytes can hold is
// refused before anything is made of it.
const (
	minFindingBytes  = 4 + 2 + 1
	minDecisionBytes = 32 + 6 + 3 + 1
)

// postHeader is the part of a post that review changes.
type postHeader struct {
	Status   model.PostStatus `json:"status,omitempty"`
	Reason   string           `json:"reason,omitempty"`
	History  []model.Decision `json:"history,omitempty"`
	Disputed bool             `json:"disputed,omitempty"`
	Pinned   bool             `json:"pinned,omitempty"`
	Recalled time.Time        `json:"recalled,omitzero"`
}

func headerOf(p *model.Post) postHeader {
	return postHeader{Status: p.Status, Reason: p.Reason, History: p.History, Disputed: p.Disputed, Pinned: p.Pinned, Recalled: p.Recalled}
}

// encodePost writes a post record; content, when not nil, is the post's content encoded
// already (appendContent), which a decision copies as it is.
func encodePost(p *model.Post, content []byte) []byte {
	h := headerOf(p)
	n := 1 + len(content) + headerSize(&h)
	if content == nil {
		n += contentSize(p)
	}
	out := make([]byte, 0, n)
	out = append(out, postRecordVersion)
	if content != nil {
		out = append(out, content...)
	} else {
		out = appendContent(out, p)
	}
	return appendHeader(out, &h)
}

// appendContent appends what the author submitted of p.
func appendContent(dst []byte, p *model.Post) []byte {
	dst = model.AppendStr(dst, p.ID)
	dst = model.AppendStr(dst, p.Group)
	dst = model.AppendStr(dst, p.Author)
	dst = appendTime(dst, p.Time)
	dst = model.AppendStr(dst, p.Title)
	dst = model.AppendStr(dst, p.Body)
	dst = binary.AppendUvarint(dst, uint64(len(p.Attachments)))
	for _, a := range p.Attachments {
		dst = model.AppendStr(dst, a)
	}
	dst = model.AppendStr(dst, p.Category)
	dst = model.AppendStr(dst, p.Source)
	dst = model.AppendStr(dst, p.Forwarded)
	var flags byte
	if p.Major {
		flags |= contentMajor
	}
	if p.Confidential {
		flags |= contentConfidential
	}
	if p.FromHistory {
		flags |= contentFromHistory
	}
	dst = append(dst, flags)
	dst = binary.AppendUvarint(dst, uint64(len(p.Findings)))
	for i := range p.Findings {
		f := &p.Findings[i]
		dst = model.AppendStr(dst, f.Rule)
		dst = model.AppendStr(dst, f.Category)
		dst = model.AppendStr(dst, f.Clause)
		dst = model.AppendStr(dst, f.Severity)
		dst = binary.AppendVarint(dst, int64(f.Start))
		dst = binary.AppendVarint(dst, int64(f.End))
		dst = model.AppendStr(dst, f.Field)
	}
	return dst
}

// contentSize is about the size of p's content, for the room a record is made with.
func contentSize(p *model.Post) int {
	n := 48 + len(p.ID) + len(p.Group) + len(p.Author) + len(p.Title) + len(p.Body) + len(p.Category) + len(p.Source) + len(p.Forwarded)
	for _, a := range p.Attachments {
		n += 2 + len(a)
	}
	for i := range p.Findings {
		f := &p.Findings[i]
		n += 16 + len(f.Rule) + len(f.Category) + len(f.Clause) + len(f.Severity) + len(f.Field)
	}
	return n
}

// appendHeader appends what review decided of a post.
func appendHeader(dst []byte, h *postHeader) []byte {
	dst = model.AppendStr(dst, string(h.Status))
	dst = model.AppendStr(dst, h.Reason)
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
		dst = appendTime(dst, h.Recalled)
	}
	dst = binary.AppendUvarint(dst, uint64(len(h.History)))
	for i := range h.History {
		d := &h.History[i]
		dst = append(dst, d.Event[:]...)
		dst = model.AppendStr(dst, string(d.Kind))
		dst = model.AppendStr(dst, d.Actor)
		dst = model.AppendStr(dst, string(d.Role))
		dst = appendTime(dst, d.Time)
		dst = model.AppendStr(dst, d.Reason)
		dst = model.AppendStr(dst, string(d.From))
		dst = model.AppendStr(dst, string(d.To))
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
		if len(d.Override) > 0 {
			f |= decOverride
		}
		dst = append(dst, f)
		if len(d.Override) > 0 {
			dst = binary.AppendUvarint(dst, uint64(len(d.Override)))
			for _, r := range d.Override {
				dst = model.AppendStr(dst, r)
			}
		}
	}
	return dst
}

// headerSize is about the size of h's binary form, for the room a record is made with.
func headerSize(h *postHeader) int {
	n := 24 + len(h.Status) + len(h.Reason)
	for i := range h.History {
		d := &h.History[i]
		n += 32 + 32 + len(d.Kind) + len(d.Actor) + len(d.Role) + len(d.Reason) + len(d.From) + len(d.To)
		for _, r := range d.Override {
			n += 2 + len(r)
		}
	}
	return n
}

// appendTime appends a time to the second, its nanoseconds and its zone's offset: the instant
// and the offset it is shown in.
func appendTime(dst []byte, t time.Time) []byte {
	_, off := t.Zone()
	dst = binary.AppendVarint(dst, t.Unix())
	dst = binary.AppendUvarint(dst, uint64(t.Nanosecond()))
	return binary.AppendVarint(dst, int64(off))
}

var (
	errPostRecord = errors.New("not a post record")
	errHeader     = errors.New("a damaged post header")
)

// decodePost reads a post record, and returns the content's bytes too.
func decodePost(raw []byte) (model.Post, []byte, error) {
	var p model.Post
	content, err := readPost(raw, nil, &p)
	return p, content, err
}

// readPost reads a post record into p, and returns the bytes of its content (in raw). lean,
// when not nil, passes over the author's text — title, body, attachments, left empty — and
// gives the strings it knows as it holds them (known): what a decision reads of a post.
func readPost(raw []byte, lean *known, p *model.Post) (content []byte, err error) {
	if len(raw) < 1 || raw[0] != postRecordVersion {
		return nil, errPostRecord
	}
	r := postReader{Reader: model.Reader{B: raw[1:]}, k: lean}
	r.content(p)
	if r.Err != nil {
		return nil, errPostRecord
	}
	content = raw[1 : len(raw)-len(r.B) : len(raw)-len(r.B)]
	var h postHeader
	if err := decodeHeader(r.B, &h); err != nil {
		return nil, err
	}
	p.Status, p.Reason, p.History, p.Disputed, p.Pinned, p.Recalled = h.Status, h.Reason, h.History, h.Disputed, h.Pinned, h.Recalled
	return content, nil
}

// decodeContent reads a content as appendContent writes it, all of b, into p.
func decodeContent(b []byte, p *model.Post) error {
	r := postReader{Reader: model.Reader{B: b}}
	r.content(p)
	if r.Err != nil || len(r.B) != 0 {
		return errPostRecord
	}
	return nil
}

// decodeHeader reads a header as appendHeader writes it, all of b.
func decodeHeader(b []byte, h *postHeader) error {
	*h = postHeader{}
	r := postReader{Reader: model.Reader{B: b}}
	h.Status = model.PostStatus(r.name())
	h.Reason = r.Str()
	flags := r.Byte()
	if flags&^(hdrDisputed|hdrPinned|hdrRecalled) != 0 {
		return errHeader
	}
	h.Disputed, h.Pinned = flags&hdrDisputed != 0, flags&hdrPinned != 0
	if flags&hdrRecalled != 0 {
		if h.Recalled = r.time(); h.Recalled.IsZero() {
			return errHeader // the zero time is written as no time at all
		}
	}
	n := r.count(minDecisionBytes)
	if r.Err != nil {
		return errHeader
	}
	if n > 0 {
		h.History = make([]model.Decision, n)
	}
	for i := range h.History {
		d := &h.History[i]
		r.Fixed(d.Event[:])
		d.Kind = model.Kind(r.name())
		d.Actor = r.Str()
		d.Role = model.Role(r.name())
		d.Time = r.time()
		d.Reason = r.Str()
		d.From = model.PostStatus(r.name())
		d.To = model.PostStatus(r.name())
		f := r.Byte()
		if f&^(decUndone|decConcurrent|decResolves|decOverride) != 0 {
			return errHeader
		}
		d.Undone, d.Concurrent, d.Resolves = f&decUndone != 0, f&decConcurrent != 0, f&decResolves != 0
		if f&decOverride != 0 {
			n := r.count(1)
			if n == 0 {
				return errHeader // an override names its rules: none is written as no override
			}
			d.Override = make([]string, n)
			for j := range d.Override {
				d.Override[j] = r.word()
			}
		}
		if r.Err != nil {
			return errHeader
		}
	}
	if r.Err != nil || len(r.B) != 0 {
		return errHeader
	}
	return nil
}

// postReader reads a post record; k, when not nil, makes it lean (readPost).
type postReader struct {
	model.Reader
	k *known
}

// content reads a content into p.
func (r *postReader) content(p *model.Post) {
	lean := r.k != nil
	p.ID = r.word()
	p.Group = r.word()
	p.Author = r.Str()
	p.Time = r.time()
	if lean {
		r.Raw()
		r.Raw()
	} else {
		p.Title = r.Str()
		p.Body = r.Str()
	}
	if n := r.count(1); n > 0 {
		if !lean {
			p.Attachments = make([]string, n)
		}
		for i := range n {
			if lean {
				r.Raw()
			} else {
				p.Attachments[i] = r.Str()
			}
		}
	}
	p.Category = r.word()
	p.Source = r.word()
	p.Forwarded = r.Str()
	flags := r.Byte()
	if flags&^(contentMajor|contentConfidential|contentFromHistory) != 0 {
		r.fail()
		return
	}
	p.Major, p.Confidential, p.FromHistory = flags&contentMajor != 0, flags&contentConfidential != 0, flags&contentFromHistory != 0
	if n := r.count(minFindingBytes); n > 0 {
		p.Findings = make([]model.Finding, n)
		for i := range p.Findings {
			f := &p.Findings[i]
			f.Rule, f.Category, f.Clause, f.Severity = r.word(), r.word(), r.word(), r.word()
			f.Start, f.End = r.int(), r.int()
			f.Field = r.word()
		}
	}
}

// fail marks the record damaged.
func (r *postReader) fail() {
	if r.Err == nil {
		r.Err = errPostRecord
	}
}

// count reads the count of a list whose items take at least min bytes each.
func (r *postReader) count(min int) int {
	n := r.Uvarint()
	if n > uint64(len(r.B)/min) {
		r.fail()
		return 0
	}
	return int(n)
}

// int reads a varint that fits an int.
func (r *postReader) int() int {
	v := r.Varint()
	if v < math.MinInt || v > math.MaxInt {
		r.fail()
		return 0
	}
	return int(v)
}

// name reads a str that is mostly a status, a kind or a role, which recur in every header:
// the constant when it is one (model.Intern), at no allocation.
func (r *postReader) name() string { return model.Intern(r.Raw()) }

// word reads a str that repeats from post to post (ids of groups, categories, the rules and
// clauses of findings): as the reader's known strings hold it, when they do; else a copy,
// which they take.
func (r *postReader) word() string {
	raw := r.Raw()
	if r.k == nil || r.Err != nil {
		return string(raw)
	}
	if w, ok := r.k.words[string(raw)]; ok {
		return w
	}
	if string(raw) == r.k.id {
		return r.k.id
	}
	s := string(raw)
	r.k.words[s] = s
	return s
}

// time reads a time as appendTime writes it: in UTC when its offset is 0, else in a zone of
// that offset with no name.
func (r *postReader) time() time.Time {
	sec, nsec, off := r.Varint(), r.Uvarint(), r.Varint()
	// Offsets of a day or more are no zone's; seconds far beyond any date would overflow.
	if r.Err != nil || nsec >= 1e9 || off <= -86400 || off >= 86400 || sec < math.MinInt64/2 || sec > math.MaxInt64/2 {
		r.fail()
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	if off == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", int(off)))
}

// known are strings that a reader gives as they are when it reads the same, rather than a
// copy of its own: the id of the post it looks for, and the words that repeat from post to
// post, which it adds as it meets them. One reader's: a map is not for two goroutines.
type known struct {
	id    string
	words map[string]string
}
