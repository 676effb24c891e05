// Package bundle is the file format that carries events between machines (docs/bundle.md):
// writing a bundle, and reading one back with everything checked that needs no database —
// framing, the exporter's signature, the manifest, every origin's hash chain and signed head.
// What depends on the database (trust, the chains held, where the events go) is the importer's
// (package storage).
package bundle

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"
	"unsafe"

	"qunshen/internal/parallel"
	"qunshen/model"
)

// A bundle carries events between machines as one file (docs/bundle.md):
//
//	header     8 bytes magic "QSBUNDLE", major and minor version (2 bytes each), 4 bytes reserved
//	events     each: uvarint length, canonical event body; grouped by origin, by sequence
//	end        uvarint 0
//	manifest   4 bytes length, JSON (Manifest)
//	signature  64 bytes: the exporter's ed25519 signature of domain, header and manifest
//
// The manifest names the exporter, every origin's range with the head of its chain and the
// origin's own signature of that head (a checkpoint), and the length and SHA-256 of the
// events section. The events stay provably their origins' through any number of relays: each
// origin's events are a hash chain ending at a head that the origin signed.
const (
	Magic       = "QSBUNDLE"
	Major       = 1
	Minor       = 0
	HeaderSize  = 16
	domain      = "qunshen bundle v1\x00"
	maxEvent    = 20 << 20
	maxManifest = 64 << 20
)

// Manifest describes a bundle's contents.
type Manifest struct {
	Format       string    `json:"format"` // "qunshen-bundle"
	Exporter     Peer      `json:"exporter"`
	Created      time.Time `json:"created"`
	Peer         string    `json:"peer,omitempty"` // the peer it was made for, if any
	Origins      []Origin  `json:"origins"`
	Events       int       `json:"events"`
	EventsBytes  int64     `json:"events_bytes"`
	EventsSHA256 string    `json:"events_sha256"`
}

// Peer is an operator as a bundle names it.
type Peer struct {
	Key    model.Key  `json:"key"`
	Name   string     `json:"name"`
	Role   model.Role `json:"role"`
	Branch string     `json:"branch,omitempty"`
}

// Origin is one origin's run of events in a bundle: sequences From to To, the id of
// event To (the head) and the origin's signature of it.
type Origin struct {
	Key       model.Key  `json:"key"`
	Name      string     `json:"name,omitempty"`
	From      uint64     `json:"from"`
	To        uint64     `json:"to"`
	Count     int        `json:"count"`
	Head      model.Hash `json:"head"`
	Signature string     `json:"signature"` // hex of the checkpoint's ed25519 signature
}

// Checkpoint is the origin's signed checkpoint of the run's head.
func (o *Origin) Checkpoint() (model.Checkpoint, error) {
	cp := model.Checkpoint{Origin: o.Key, Seq: o.To, Head: o.Head}
	sig, err := hex.DecodeString(o.Signature)
	if err != nil || len(sig) != len(cp.Sig) {
		return cp, fmt.Errorf("origin %s: the checkpoint signature is not %d hex bytes", o.Key.Fingerprint(), len(cp.Sig))
	}
	copy(cp.Sig[:], sig)
	return cp, nil
}

// Event is one event read from a bundle.
type Event struct {
	Event  model.Event
	ID     model.Hash
	Body   []byte
	Offset int64 // of its length prefix in the file
}

// Bundle is a bundle read and checked on its own: framing, signature, manifest, chains and
// the origins' signatures. What depends on the database (trust, the chains held) is checked
// by the import.
type Bundle struct {
	File     string
	Major    int
	Minor    int
	Manifest Manifest
	Events   []Event
	Size     int64
}

// Error is a refused bundle: the file, where in it (a byte offset, or -1), and what. Err,
// when set, is the fault itself (Msg is its text), for a caller that words it in the user's
// language.
type Error struct {
	File   string
	Offset int64
	Msg    string
	Err    error
}

// Unwrap is the fault, when the error carries one.
func (e *Error) Unwrap() error { return e.Err }

// Place is the file and the byte offset in it (-1: the file as a whole).
func (e *Error) Place() (string, int64) { return e.File, e.Offset }

func (e *Error) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("%s: at byte %d: %s", e.File, e.Offset, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// MaxClockSkew is how far in the future an event's time may be before a bundle is refused.
const MaxClockSkew = 24 * time.Hour

// Reader is a bundle checked on its own (Open): its header and manifest in memory, its events
// read from the file when they are asked for (Events), a chunk at a time. A bundle of any size
// is checked and imported in bounded memory.
type Reader struct {
	File     string
	Major    int
	Minor    int
	Manifest Manifest
	Size     int64
	ra       io.ReaderAt
	closer   io.Closer
	now      time.Time
	// starts are the offset in the file of the first event of each origin of the manifest,
	// and first the number of that event in the file (from 0).
	starts []int64
	first  []int
}

// Close closes the file.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	return r.closer.Close()
}

// Open opens a bundle file and checks it on its own, as Parse does, reading it twice from the
// file: the framing, the manifest, the exporter's signature and the events' SHA-256 first, then
// every event decoded and checked against its origin's chain and signed head.
func Open(path string, now time.Time) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Offset: -1, Msg: errors.Unwrap(err).Error()}
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, &Error{File: path, Offset: -1, Msg: err.Error()}
	}
	r, err := open(path, f, fi.Size(), now)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// Read reads and checks a bundle file on its own, its events held (Parse).
func Read(path string, now time.Time) (*Bundle, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Offset: -1, Msg: errors.Unwrap(err).Error()}
	}
	return Parse(path, data, now)
}

// Parse reads a bundle from data and checks everything that needs no database: the
// header, the framing of the events, the exporter's signature of the manifest, that the
// manifest agrees with the events, every origin's hash chain and signed head, and that no
// event is dated beyond now + MaxClockSkew. The bundle holds its events.
func Parse(file string, data []byte, now time.Time) (*Bundle, error) {
	r, err := open(file, bytes.NewReader(data), int64(len(data)), now)
	if err != nil {
		return nil, err
	}
	b := &Bundle{File: file, Major: r.Major, Minor: r.Minor, Manifest: r.Manifest, Size: r.Size}
	b.Events = freshArray[Event](r.Manifest.Events)
	i := 0
	for oi := range r.Manifest.Origins {
		err := r.Events(oi, func(e *Event) error {
			b.Events[i] = *e
			i++
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

// readBuffer is the buffer of a pass over the file.
const readBuffer = 1 << 20

// open checks the bundle of size bytes that ra reads (see Parse).
func open(file string, ra io.ReaderAt, size int64, now time.Time) (*Reader, error) {
	fail := func(off int64, format string, args ...any) (*Reader, error) {
		return nil, &Error{File: file, Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	r := &Reader{File: file, Size: size, ra: ra, now: now}
	header := make([]byte, HeaderSize)
	n, _ := ra.ReadAt(header, 0)
	header = header[:n]
	if size < HeaderSize || n < HeaderSize {
		if !bytes.HasPrefix([]byte(Magic), header[:min(len(header), len(Magic))]) {
			return fail(-1, "not a qunshen bundle (it does not begin with %q)", Magic)
		}
		return fail(-1, "truncated: %d bytes, shorter than the header", size)
	}
	if string(header[:8]) != Magic {
		return fail(0, "not a qunshen bundle (it does not begin with %q)", Magic)
	}
	r.Major, r.Minor = int(binary.BigEndian.Uint16(header[8:])), int(binary.BigEndian.Uint16(header[10:]))
	if r.Major != Major {
		return fail(8, "bundle format version %d.%d: this qunshen reads version %d.x (use a newer qunshen)", r.Major, r.Minor, Major)
	}
	// The framing of the events, and their SHA-256, in one pass.
	br := bufio.NewReaderSize(io.NewSectionReader(ra, HeaderSize, size-HeaderSize), int(min(readBuffer, size)))
	sum := sha256.New()
	off := int64(HeaderSize)
	count := 0
	var eventsEnd int64
	for {
		if off >= size {
			return fail(off, "truncated in the events (event %d)", count+1)
		}
		head, _ := br.Peek(binary.MaxVarintLen64)
		n, w := binary.Uvarint(head)
		if w <= 0 {
			return fail(off, "truncated or damaged length of event %d", count+1)
		}
		if n == 0 {
			if w != 1 {
				return fail(off, "damaged end of the events")
			}
			eventsEnd = off
			off += int64(w)
			break
		}
		if n > maxEvent {
			return fail(off, "event %d claims %d bytes, more than an event may have", count+1, n)
		}
		if off+int64(w)+int64(n) > size {
			return fail(off, "truncated in event %d", count+1)
		}
		for left := w + int(n); left > 0; {
			p, err := br.Peek(min(left, br.Size()))
			if len(p) == 0 {
				return fail(off, "truncated in event %d: %v", count+1, err)
			}
			sum.Write(p)
			br.Discard(len(p))
			left -= len(p)
		}
		count++
		off += int64(w) + int64(n)
	}
	if off+4 > size {
		return fail(off, "truncated before the manifest")
	}
	var lenBuf [4]byte
	if _, err := ra.ReadAt(lenBuf[:], off); err != nil {
		return fail(off, "truncated before the manifest")
	}
	ml := int64(binary.BigEndian.Uint32(lenBuf[:]))
	if ml > maxManifest || off+4+ml > size {
		return fail(off, "truncated in the manifest (it claims %d bytes)", ml)
	}
	sigAt := off + 4 + ml
	if sigAt+ed25519.SignatureSize > size {
		return fail(sigAt, "truncated in the signature")
	}
	if extra := size - sigAt - ed25519.SignatureSize; extra != 0 {
		return fail(sigAt+ed25519.SignatureSize, "%d bytes after the signature", extra)
	}
	tail := make([]byte, ml+ed25519.SignatureSize)
	if _, err := ra.ReadAt(tail, off+4); err != nil {
		return fail(off+4, "unreadable: %v", err)
	}
	manifest, sig := tail[:ml], tail[ml:]
	if err := json.Unmarshal(manifest, &r.Manifest); err != nil {
		return fail(off+4, "the manifest is not valid: %v", err)
	}
	m := &r.Manifest
	if m.Format != "qunshen-bundle" {
		return fail(off+4, "the manifest is of format %q, not qunshen-bundle", m.Format)
	}
	if !ed25519.Verify(ed25519.PublicKey(m.Exporter.Key[:]), Message(header, manifest), sig) {
		// The manifest names the key that signed, and its maker: neither is proven now.
		return fail(sigAt, "bad signature: the key %s its manifest names did not sign it, or it was altered or damaged after it was signed", m.Exporter.Key.Fingerprint())
	}
	// The manifest against the events.
	if eventsEnd-HeaderSize != m.EventsBytes || count != m.Events {
		return fail(-1, "the manifest disagrees with the events: it says %d events in %d bytes, the file holds %d in %d", m.Events, m.EventsBytes, count, eventsEnd-HeaderSize)
	}
	if hex.EncodeToString(sum.Sum(nil)) != m.EventsSHA256 {
		return fail(-1, "the events do not match the manifest's SHA-256: altered or damaged")
	}
	total := 0
	for i := range m.Origins {
		o := &m.Origins[i]
		if o.From == 0 || o.To < o.From || uint64(o.Count) != o.To-o.From+1 {
			return fail(-1, "the manifest disagrees with the events: origin %s has range %d–%d and count %d", o.Key.Fingerprint(), o.From, o.To, o.Count)
		}
		if i > 0 && bytes.Compare(m.Origins[i-1].Key[:], o.Key[:]) >= 0 {
			return fail(-1, "the manifest lists origin %s out of order or twice", o.Key.Fingerprint())
		}
		total += o.Count
	}
	if total != count {
		return fail(-1, "the manifest disagrees with the events: its origins count %d events, the file holds %d", total, count)
	}
	// Every event decoded and checked, origin by origin, in the order of the file, so that the
	// first fault is the one reported; where each origin's events begin is learnt on the way.
	r.starts, r.first = make([]int64, len(m.Origins)), make([]int, len(m.Origins))
	at, i := int64(HeaderSize), 0
	for oi := range m.Origins {
		r.starts[oi], r.first[oi] = at, i
		err := r.events(oi, true, func(e *Event, end int64) error {
			at, i = end, i+1
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Events calls f with each event of origin oi of the manifest, in the order of their sequence,
// each decoded and checked again as Open checked it; an error of f ends the reading and is
// returned. What f is given stays valid after it returns: each chunk of events read has
// memory of its own.
func (r *Reader) Events(oi int, f func(*Event) error) error {
	return r.events(oi, false, func(e *Event, _ int64) error { return f(e) })
}

// Scan is Events, but what f is given is valid only until it returns: the memory of a chunk
// is used again for the next, for a reading that keeps nothing.
func (r *Reader) Scan(oi int, f func(*Event) error) error {
	return r.events(oi, true, func(e *Event, _ int64) error { return f(e) })
}

// The events of an origin are read in chunks of at most chunkEvents events and chunkBytes
// bytes (or one event, when it is larger), decoded and hashed on every core.
const (
	chunkEvents = 4096
	chunkBytes  = 4 << 20
)

// events reads and checks the events of origin oi, and calls f with each and the offset just
// after it; with reuse, a chunk's memory serves the next one.
func (r *Reader) events(oi int, reuse bool, f func(e *Event, end int64) error) error {
	o := &r.Manifest.Origins[oi]
	fail := func(off int64, format string, args ...any) error {
		return &Error{File: r.File, Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	cp, err := o.Checkpoint()
	if err != nil {
		return fail(-1, "%v", err)
	}
	if !cp.Verify() {
		return fail(-1, "origin %s: bad signature of its chain's head at %d", o.Key.Fingerprint(), o.To)
	}
	start := r.starts[oi]
	br := bufio.NewReaderSize(io.NewSectionReader(r.ra, start, r.Size-start), int(min(readBuffer, r.Size)))
	limit := r.now.Add(MaxClockSkew)
	off, i := start, r.first[oi] // the file's offset and number of the next event
	seq := o.From
	var prev model.Hash
	var spans [][2]int64 // of a chunk's events: their offset, and where their body ends in buf
	var errs []error
	var buf []byte
	var evs []Event
	for seq <= o.To {
		// A chunk read: the framing was checked by Open.
		spans = spans[:0]
		if reuse {
			buf = buf[:0]
		} else {
			buf = nil
		}
		for len(spans) < chunkEvents && seq+uint64(len(spans)) <= o.To && len(buf) < chunkBytes {
			head, _ := br.Peek(binary.MaxVarintLen64)
			n, w := binary.Uvarint(head)
			if w <= 0 || n == 0 || n > maxEvent {
				return fail(off, "event %d: the file changed since it was checked", i+len(spans)+1)
			}
			if cap(buf) < int(n) && len(buf) == 0 {
				buf = make([]byte, 0, max(int(n), int(min(chunkBytes, r.Size))))
			} else if len(buf)+int(n) > cap(buf) {
				break // the next chunk's first
			}
			br.Discard(w)
			at := len(buf)
			buf = buf[:at+int(n)]
			if _, err := io.ReadFull(br, buf[at:]); err != nil {
				return fail(off, "event %d: the file changed since it was checked", i+len(spans)+1)
			}
			spans = append(spans, [2]int64{off, int64(len(buf))})
			off += int64(w) + int64(n)
		}
		if reuse && cap(evs) >= len(spans) {
			evs = evs[:len(spans)]
		} else {
			evs = make([]Event, len(spans))
		}
		errs = append(errs[:0], make([]error, len(spans))...)
		parallel.Range(len(spans), func(from, to int) {
			for k := from; k < to; k++ {
				lo := int64(0)
				if k > 0 {
					lo = spans[k-1][1]
				}
				body := buf[lo:spans[k][1]:spans[k][1]]
				ev, err := model.DecodeEvent(body)
				evs[k], errs[k] = Event{Event: ev, ID: sha256.Sum256(body), Body: body, Offset: spans[k][0]}, err
			}
		})
		for k := range evs {
			e, at := &evs[k], spans[k][0]
			if err := errs[k]; err != nil {
				return fail(at, "event %d: %v", i+1, err)
			}
			ev := &e.Event
			switch {
			case ev.Origin != o.Key:
				return fail(at, "event %d is of origin %s, where the manifest has origin %s", i+1, ev.Origin.Fingerprint(), o.Key.Fingerprint())
			case ev.Seq != seq:
				return fail(at, "event %d of origin %s has sequence %d, where the manifest's range needs %d", i+1, o.Key.Fingerprint(), ev.Seq, seq)
			case seq > o.From && ev.Prev != prev:
				return fail(at, "event %d (origin %s, sequence %d): hash chain broken: it does not follow the event before it", i+1, o.Key.Fingerprint(), seq)
			case ev.Time.After(limit):
				return fail(at, "event %d (origin %s, sequence %d) is dated %s, in the future (more than %s ahead of this machine's clock)", i+1, o.Key.Fingerprint(), seq, ev.Time.Format(time.RFC3339), MaxClockSkew)
			}
			prev = e.ID
			end := off
			if k+1 < len(spans) {
				end = spans[k+1][0]
			}
			if err := f(e, end); err != nil {
				return err
			}
			seq++
			i++
		}
	}
	if prev != o.Head {
		return fail(-1, "origin %s (%s): its last event is not the head its signature covers", o.Key.Fingerprint(), o.Name)
	}
	return nil
}

// freshArray makes an array of n zero values, each of its pages mapped by a write. An array of
// a million events is fresh memory; its allocation starts the collector, which scans it while
// it is filled: each page is then read first, mapped to the kernel's zero page, and copied at
// its first write, which flushes the page from the other cores' TLBs (about 4 % of an import's
// CPU). So the collector waits until the array is written over with zeros, as bytes, on every
// core: it holds no pointer yet, and the collector has nothing to mark in it.
func freshArray[T any](n int) []T {
	if n < 1<<16 {
		return make([]T, n)
	}
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	xs := make([]T, n)
	var zero T
	parallel.Range(n, func(from, to int) {
		clear(unsafe.Slice((*byte)(unsafe.Pointer(&xs[from])), uintptr(to-from)*unsafe.Sizeof(zero)))
	})
	return xs
}
