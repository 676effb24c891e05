package model

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// Hash is a SHA-256 digest; an event's id is the hash of its canonical body.
type Hash [32]byte

// Key is an operator's ed25519 public key.
type Key [32]byte

func (h Hash) String() string { return hex.EncodeToString(h[:]) }
func (k Key) String() string  { return hex.EncodeToString(k[:]) }

// Short is the first 12 hex digits, enough to name an event to a person.
func (h Hash) Short() string { return h.String()[:12] }

// Fingerprint is how a key is shown to a person: 4-digit groups of its hash.
func (k Key) Fingerprint() string {
	s := sha256.Sum256(k[:])
	x := hex.EncodeToString(s[:10])
	return x[0:4] + " " + x[4:8] + " " + x[8:12] + " " + x[12:16] + " " + x[16:20]
}

func (h Hash) MarshalText() ([]byte, error)  { return []byte(h.String()), nil }
func (h *Hash) UnmarshalText(b []byte) error { return decodeHex(h[:], b) }
func (k Key) MarshalText() ([]byte, error)   { return []byte(k.String()), nil }
func (k *Key) UnmarshalText(b []byte) error  { return decodeHex(k[:], b) }
func (h Hash) IsZero() bool                  { return h == Hash{} }

func decodeHex(dst, src []byte) error {
	if hex.DecodedLen(len(src)) != len(dst) {
		return fmt.Errorf("want %d hex digits, got %d", 2*len(dst), len(src))
	}
	_, err := hex.Decode(dst, src)
	return err
}

// Kind is what an event does. Each kind is one action of the permission table.
type Kind string

const (
	OperatorRegister Kind = "operator.register"

	GroupRegister Kind = "group.register" // from an import: a new group or changed details
	GroupDissolve Kind = "group.dissolve"

	MemberAdd     Kind = "member.add" // from an import: a new member or changed details
	MemberWarn    Kind = "member.warn"
	MemberMute    Kind = "member.mute"
	MemberRemove  Kind = "member.remove"
	MemberRestore Kind = "member.restore"
	MemberSeen    Kind = "member.seen"  // from a chat export: a sender, created or brought up to date
	MemberLeave   Kind = "member.leave" // from a chat export: the member left the chat

	PostSubmit   Kind = "post.submit" // from an import: a new post or a resubmission
	PostApprove  Kind = "post.approve"
	PostReject   Kind = "post.reject"
	PostChanges  Kind = "post.changes"
	PostEscalate Kind = "post.escalate"
	PostSignOff  Kind = "post.signoff"
	PostReturn   Kind = "post.return"
	PostUndo     Kind = "post.undo"
	PostRetract  Kind = "post.retract" // a published post taken back, the group told why (CW 三(四)2)
	PostRecall   Kind = "post.recall"  // from a chat export: the author recalled the message
	PostPin      Kind = "post.pin"     // from a chat export: the message was pinned

	ComplaintFile     Kind = "report.file" // a member's complaint (举报) of a violation; the wire name stays
	ViolationRecord   Kind = "violation.record"
	ViolationVerify   Kind = "violation.verify"
	ViolationSanction Kind = "violation.sanction"
	ViolationDismiss  Kind = "violation.dismiss"
	ViolationClose    Kind = "violation.close"
	ViolationFeedback Kind = "violation.feedback"
	ViolationAppeal   Kind = "violation.appeal"

	ApplicationFile    Kind = "application.file"
	ApplicationApprove Kind = "application.approve"
	ApplicationRefuse  Kind = "application.refuse"

	RectificationOrder Kind = "rectification.order"
	RectificationClose Kind = "rectification.close"

	// ImportBatch carries many import records (groups, members, posts, reports,
	// applications) in one event: an import of a million posts writes a thousand events, not
	// a million. Each record is checked against the permission of its own kind.
	ImportBatch Kind = "import.batch"
)

// ImportKinds are the kinds an import batch may carry.
var ImportKinds = []Kind{GroupRegister, MemberAdd, PostSubmit, ComplaintFile, ApplicationFile, MemberSeen, MemberLeave, PostRecall, PostPin}

// Event is one immutable change. Events of one origin (operator key) form a hash chain:
// Seq counts from 1 and Prev is the id of the origin's previous event. Signed checkpoints
// over the chain head sign every event before them.
type Event struct {
	Origin  Key
	Seq     uint64
	Prev    Hash
	Time    time.Time
	Role    Role
	Kind    Kind
	Subject string
	Refs    []Hash
	Payload []byte // JSON of the kind's payload type

	// Value is the payload already decoded, when the maker of the event has it (an import):
	// the fold then need not decode Payload again. It is not part of the event's body.
	Value any
}

const eventVersion = 1

// Limits on one event, so that a hostile bundle cannot make the decoder allocate without end.
const (
	maxEventString  = 4 << 10
	maxEventRefs    = 64
	maxEventPayload = 16 << 20
	maxBatchItems   = 1 << 16
)

// Encode writes the canonical body: the bytes that are hashed and stored.
func (e *Event) Encode(dst []byte) []byte {
	dst = slices.Grow(dst, 1+32+8+32+8+4*binary.MaxVarintLen64+len(e.Role)+len(e.Kind)+len(e.Subject)+32*len(e.Refs)+len(e.Payload))
	dst = append(dst, eventVersion)
	dst = append(dst, e.Origin[:]...)
	dst = binary.BigEndian.AppendUint64(dst, e.Seq)
	dst = append(dst, e.Prev[:]...)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.Time.UnixNano()))
	dst = AppendStr(dst, string(e.Role))
	dst = AppendStr(dst, string(e.Kind))
	dst = AppendStr(dst, e.Subject)
	dst = binary.AppendUvarint(dst, uint64(len(e.Refs)))
	for _, r := range e.Refs {
		dst = append(dst, r[:]...)
	}
	dst = binary.AppendUvarint(dst, uint64(len(e.Payload)))
	return append(dst, e.Payload...)
}

// ID is the hash of the canonical body.
func (e *Event) ID() Hash { return sha256.Sum256(e.Encode(nil)) }

// ErrEventFormat is wrapped by every decoding fault.
var ErrEventFormat = errors.New("malformed event")

// DecodeEvent parses a canonical body. It accepts exactly what Encode writes and nothing else,
// so that a decoded event hashes to the same id as the bytes it came from.
func DecodeEvent(b []byte) (Event, error) {
	var e Event
	d := decoder{Reader: Reader{B: b}}
	if v := d.byte(); v != eventVersion && d.err == nil {
		return e, fmt.Errorf("%w: version %d, this qunshen reads version %d", ErrEventFormat, v, eventVersion)
	}
	d.fixed(e.Origin[:])
	e.Seq = d.uint64()
	d.fixed(e.Prev[:])
	ns := int64(d.uint64())
	e.Role = Role(d.word())
	e.Kind = Kind(d.word())
	e.Subject = d.string()
	n := d.uvarint(maxEventRefs, "refs")
	if d.err == nil && n > 0 {
		e.Refs = make([]Hash, n)
		for i := range e.Refs {
			d.fixed(e.Refs[i][:])
		}
	}
	pl := d.uvarint(maxEventPayload, "payload")
	if d.err == nil {
		e.Payload = d.take(int(pl))
	}
	if d.err == nil && len(d.B) != 0 {
		d.err = fmt.Errorf("%w: %d bytes after the end", ErrEventFormat, len(d.B))
	}
	if d.err != nil {
		return Event{}, d.err
	}
	if e.Seq == 0 {
		return Event{}, fmt.Errorf("%w: sequence 0", ErrEventFormat)
	}
	e.Time = time.Unix(0, ns).UTC()
	return e, nil
}

// decoder reads an event body or a batch, and words its faults.
type decoder struct {
	Reader
	err error // the first fault, in words; Reader.Err is set too, so that reading stops
}

// fault words the reader's fault, when it has one and none was worded before: what names the
// length being read, "" a fixed part.
func (d *decoder) fault(what string) {
	if d.err != nil || d.Err == nil {
		return
	}
	switch {
	case what == "":
		d.err = fmt.Errorf("%w: truncated", ErrEventFormat)
	case errors.Is(d.Err, ErrNonCanonical):
		d.err = fmt.Errorf("%w: non-canonical length of %s", ErrEventFormat, what)
	default:
		d.err = fmt.Errorf("%w: bad length of %s", ErrEventFormat, what)
	}
}

// refuse records a fault of the content and stops the reading.
func (d *decoder) refuse(err error) {
	if d.err == nil {
		d.err = err
	}
	d.fail(err)
}

func (d *decoder) take(n int) []byte {
	v := d.Take(uint64(n))
	d.fault("")
	return v
}

func (d *decoder) byte() byte {
	v := d.Byte()
	d.fault("")
	return v
}

func (d *decoder) fixed(dst []byte) {
	d.Fixed(dst)
	d.fault("")
}

func (d *decoder) uint64() uint64 {
	v := d.Uint64()
	d.fault("")
	return v
}

func (d *decoder) uvarint(max uint64, what string) uint64 {
	v := d.Uvarint()
	d.fault(what)
	if d.err == nil && v > max {
		d.refuse(fmt.Errorf("%w: %s of %d exceeds %d", ErrEventFormat, what, v, max))
		return 0
	}
	return v
}

func (d *decoder) string() string {
	n := d.uvarint(maxEventString, "string")
	s := d.take(int(n))
	if d.err == nil && !utf8.Valid(s) {
		d.refuse(fmt.Errorf("%w: invalid UTF-8", ErrEventFormat))
	}
	return string(s)
}

// word reads a string as string does, given as Intern gives it: every event names a role and
// a kind, and a bundle holds a million events.
func (d *decoder) word() string {
	rest := d.B
	n := d.uvarint(maxEventString, "string")
	if w, ok := names[string(d.take(int(n)))]; ok && d.err == nil {
		return w
	}
	d.B = rest
	return d.string()
}

// Intern returns b as a string: the constant of that name when b names a role, a kind or a
// post's status, which cost no allocation then, else a copy.
func Intern(b []byte) string {
	if s, ok := names[string(b)]; ok {
		return s
	}
	return string(b)
}

// names are the roles, kinds and post statuses, each its own key.
var names = func() map[string]string {
	m := map[string]string{}
	for _, r := range Roles {
		m[string(r)] = string(r)
	}
	for k := range permissions {
		m[string(k)] = string(k)
	}
	for _, s := range PostStatuses {
		m[string(s)] = string(s)
	}
	return m
}()

// Checkpoint signs the head of an origin's chain: every event up to Seq is signed by it.
type Checkpoint struct {
	Origin Key
	Seq    uint64
	Head   Hash
	Sig    [ed25519.SignatureSize]byte
}

func (c *Checkpoint) message() []byte {
	m := make([]byte, 0, 64+len(checkpointDomain))
	m = append(m, checkpointDomain...)
	m = append(m, c.Origin[:]...)
	m = binary.BigEndian.AppendUint64(m, c.Seq)
	return append(m, c.Head[:]...)
}

const checkpointDomain = "qunshen checkpoint v1\x00"

// Sign signs the checkpoint with the origin's private key.
func (c *Checkpoint) Sign(priv ed25519.PrivateKey) {
	copy(c.Sig[:], ed25519.Sign(priv, c.message()))
}

// Verify reports whether the signature is the origin's.
func (c *Checkpoint) Verify() bool {
	return ed25519.Verify(ed25519.PublicKey(c.Origin[:]), c.message(), c.Sig[:])
}

// CheckpointSize is the size of an encoded checkpoint.
const CheckpointSize = 32 + 8 + 32 + ed25519.SignatureSize

// Encode returns the checkpoint's fixed-size bytes.
func (c *Checkpoint) Encode() []byte {
	b := make([]byte, 0, CheckpointSize)
	b = append(b, c.Origin[:]...)
	b = binary.BigEndian.AppendUint64(b, c.Seq)
	b = append(b, c.Head[:]...)
	return append(b, c.Sig[:]...)
}

// DecodeCheckpoint parses what Encode wrote.
func DecodeCheckpoint(b []byte) (Checkpoint, error) {
	var c Checkpoint
	if len(b) != CheckpointSize {
		return c, fmt.Errorf("malformed checkpoint: %d bytes, want %d", len(b), CheckpointSize)
	}
	copy(c.Origin[:], b[0:32])
	c.Seq = binary.BigEndian.Uint64(b[32:40])
	copy(c.Head[:], b[40:72])
	copy(c.Sig[:], b[72:])
	return c, nil
}

// KeyOf returns the public half of a private key as a Key.
func KeyOf(priv ed25519.PrivateKey) Key {
	var k Key
	copy(k[:], priv.Public().(ed25519.PublicKey))
	return k
}

// Signer is an operator with its private key: the one who makes events on this machine.
type Signer struct {
	Operator Operator
	Priv     ed25519.PrivateKey
}

// Draft is an event before it has its place in the origin's chain.
type Draft struct {
	Kind    Kind
	Subject string
	Payload []byte
	Refs    []Hash
	Line    int // the input line it came from, for messages; 0 for actions
	Value   any // the payload decoded (a pointer to the entity), or nil
}

// BatchItem is one record of an import batch.
type BatchItem struct {
	Kind    Kind
	Subject string
	Payload []byte
	Value   any // decoded payload, when the maker has it; not encoded
}

// EncodeBatch writes the payload of an import batch: a count, then kind, subject and
// payload of each item, with lengths as in the event body.
func EncodeBatch(dst []byte, items []BatchItem) []byte {
	n := binary.MaxVarintLen64
	for i := range items {
		n += 3*binary.MaxVarintLen64 + len(items[i].Kind) + len(items[i].Subject) + len(items[i].Payload)
	}
	dst = slices.Grow(dst, n)
	dst = binary.AppendUvarint(dst, uint64(len(items)))
	for i := range items {
		dst = AppendStr(dst, string(items[i].Kind))
		dst = AppendStr(dst, items[i].Subject)
		dst = binary.AppendUvarint(dst, uint64(len(items[i].Payload)))
		dst = append(dst, items[i].Payload...)
	}
	return dst
}

// DecodeBatch parses what EncodeBatch wrote, and nothing else.
func DecodeBatch(b []byte) ([]BatchItem, error) {
	d := decoder{Reader: Reader{B: b}}
	n := d.uvarint(maxBatchItems, "batch")
	if d.err != nil {
		return nil, d.err
	}
	items := make([]BatchItem, 0, min(n, uint64(len(b)/3+1)))
	for i := uint64(0); i < n && d.err == nil; i++ {
		it := BatchItem{Kind: Kind(d.string()), Subject: d.string()}
		pl := d.uvarint(maxEventPayload, "item payload")
		it.Payload = d.take(int(pl))
		items = append(items, it)
	}
	if d.err == nil && len(d.B) != 0 {
		d.err = fmt.Errorf("%w: %d bytes after the last item", ErrEventFormat, len(d.B))
	}
	if d.err != nil {
		return nil, d.err
	}
	return items, nil
}
