// Package bundle is the file format that carries events between machines (docs/bundle.md):
// writing a bundle, and reading one back with everything checked that needs no database —
// framing, the exporter's signature, the manifest, every origin's hash chain and signed head.
// What depends on the database (trust, the chains held, where the events go) is the importer's
// (package storage).
package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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

// Error is a refused bundle: the file, where in it (a byte offset, or -1), and what.
type Error struct {
	File   string
	Offset int64
	Msg    string
}

func (e *Error) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("%s: at byte %d: %s", e.File, e.Offset, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// MaxClockSkew is how far in the future an event's time may be before a bundle is refused.
const MaxClockSkew = 24 * time.Hour

// Read reads and checks a bundle file on its own (Parse).
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
// event is dated beyond now + MaxClockSkew.
func Parse(file string, data []byte, now time.Time) (*Bundle, error) {
	fail := func(off int64, format string, args ...any) (*Bundle, error) {
		return nil, &Error{File: file, Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	b := &Bundle{File: file, Size: int64(len(data))}
	if len(data) < HeaderSize {
		if !bytes.HasPrefix([]byte(Magic), data[:min(len(data), len(Magic))]) {
			return fail(-1, "not a qunshen bundle (it does not begin with %q)", Magic)
		}
		return fail(-1, "truncated: %d bytes, shorter than the header", len(data))
	}
	if string(data[:8]) != Magic {
		return fail(0, "not a qunshen bundle (it does not begin with %q)", Magic)
	}
	b.Major, b.Minor = int(binary.BigEndian.Uint16(data[8:])), int(binary.BigEndian.Uint16(data[10:]))
	if b.Major != Major {
		return fail(8, "bundle format version %d.%d: this qunshen reads version %d.x (use a newer qunshen)", b.Major, b.Minor, Major)
	}
	// The framing of the events.
	off := int64(HeaderSize)
	var spans [][3]int64 // the length prefix, the body, the end of each event
	var eventsEnd int64
	for {
		if off >= int64(len(data)) {
			return fail(off, "truncated in the events (event %d)", len(spans)+1)
		}
		n, w := binary.Uvarint(data[off:])
		if w <= 0 {
			return fail(off, "truncated or damaged length of event %d", len(spans)+1)
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
			return fail(off, "event %d claims %d bytes, more than an event may have", len(spans)+1, n)
		}
		if off+int64(w)+int64(n) > int64(len(data)) {
			return fail(off, "truncated in event %d", len(spans)+1)
		}
		spans = append(spans, [3]int64{off, off + int64(w), off + int64(w) + int64(n)})
		off += int64(w) + int64(n)
	}
	if off+4 > int64(len(data)) {
		return fail(off, "truncated before the manifest")
	}
	ml := int64(binary.BigEndian.Uint32(data[off:]))
	if ml > maxManifest || off+4+ml > int64(len(data)) {
		return fail(off, "truncated in the manifest (it claims %d bytes)", ml)
	}
	manifest := data[off+4 : off+4+ml]
	sigAt := off + 4 + ml
	if sigAt+ed25519.SignatureSize > int64(len(data)) {
		return fail(sigAt, "truncated in the signature")
	}
	if extra := int64(len(data)) - sigAt - ed25519.SignatureSize; extra != 0 {
		return fail(sigAt+ed25519.SignatureSize, "%d bytes after the signature", extra)
	}
	if err := json.Unmarshal(manifest, &b.Manifest); err != nil {
		return fail(off+4, "the manifest is not valid: %v", err)
	}
	m := &b.Manifest
	if m.Format != "qunshen-bundle" {
		return fail(off+4, "the manifest is of format %q, not qunshen-bundle", m.Format)
	}
	if !ed25519.Verify(ed25519.PublicKey(m.Exporter.Key[:]), Message(data[:HeaderSize], manifest), data[sigAt:]) {
		// The manifest names the key that signed, and its maker: neither is proven now.
		return fail(sigAt, "bad signature: the key %s its manifest names did not sign it, or it was altered or damaged after it was signed", m.Exporter.Key.Fingerprint())
	}
	// The manifest against the events.
	section := data[HeaderSize:eventsEnd]
	if int64(len(section)) != m.EventsBytes || len(spans) != m.Events {
		return fail(-1, "the manifest disagrees with the events: it says %d events in %d bytes, the file holds %d in %d", m.Events, m.EventsBytes, len(spans), len(section))
	}
	sum := sha256.Sum256(section)
	if hex.EncodeToString(sum[:]) != m.EventsSHA256 {
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
	if total != len(spans) {
		return fail(-1, "the manifest disagrees with the events: its origins count %d events, the file holds %d", total, len(spans))
	}
	// Every event decoded and hashed, on every core; then checked, origin by origin, in the
	// order of the file, so that the first fault is the one reported.
	b.Events = freshArray[Event](len(spans))
	decodeErrs := make([]error, len(spans))
	parallel.Range(len(spans), func(from, to int) {
		for i := from; i < to; i++ {
			sp := spans[i]
			body := data[sp[1]:sp[2]:sp[2]]
			ev, err := model.DecodeEvent(body)
			b.Events[i], decodeErrs[i] = Event{Event: ev, ID: sha256.Sum256(body), Body: body, Offset: sp[0]}, err
		}
	})
	limit := now.Add(MaxClockSkew)
	i := 0
	for oi := range m.Origins {
		o := &m.Origins[oi]
		cp, err := o.Checkpoint()
		if err != nil {
			return fail(-1, "%v", err)
		}
		if !cp.Verify() {
			return fail(-1, "origin %s: bad signature of its chain's head at %d", o.Key.Fingerprint(), o.To)
		}
		var prev model.Hash
		for seq := o.From; seq <= o.To; seq++ {
			sp := spans[i]
			if err := decodeErrs[i]; err != nil {
				return fail(sp[0], "event %d: %v", i+1, err)
			}
			ev, id := &b.Events[i].Event, b.Events[i].ID
			switch {
			case ev.Origin != o.Key:
				return fail(sp[0], "event %d is of origin %s, where the manifest has origin %s", i+1, ev.Origin.Fingerprint(), o.Key.Fingerprint())
			case ev.Seq != seq:
				return fail(sp[0], "event %d of origin %s has sequence %d, where the manifest's range needs %d", i+1, o.Key.Fingerprint(), ev.Seq, seq)
			case seq > o.From && ev.Prev != prev:
				return fail(sp[0], "event %d (origin %s, sequence %d): hash chain broken: it does not follow the event before it", i+1, o.Key.Fingerprint(), seq)
			case ev.Time.After(limit):
				return fail(sp[0], "event %d (origin %s, sequence %d) is dated %s, in the future (more than %s ahead of this machine's clock)", i+1, o.Key.Fingerprint(), seq, ev.Time.Format(time.RFC3339), MaxClockSkew)
			}
			prev = id
			i++
		}
		if prev != o.Head {
			return fail(-1, "origin %s (%s): its last event is not the head its signature covers", o.Key.Fingerprint(), o.Name)
		}
	}
	return b, nil
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
