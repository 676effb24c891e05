package bundle

import (
	"bufio"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"time"

	"qunshen/model"
)

// Message is what the exporter's signature covers: a domain, the header and the manifest.
func Message(header, manifest []byte) []byte {
	m := make([]byte, 0, len(domain)+len(header)+len(manifest))
	m = append(m, domain...)
	m = append(m, header...)
	return append(m, manifest...)
}

// Writer writes a bundle: events as they come, then the manifest and the signature.
type Writer struct {
	w       *bufio.Writer
	sum     hash.Hash
	header  []byte
	m       Manifest
	n       int64
	scratch []byte
}

// NewWriter starts a bundle of the exporter's, made for peer ("" for any), dated created.
func NewWriter(w io.Writer, exporter model.Operator, peer string, created time.Time) (*Writer, error) {
	h := make([]byte, HeaderSize)
	copy(h, Magic)
	binary.BigEndian.PutUint16(h[8:], Major)
	binary.BigEndian.PutUint16(h[10:], Minor)
	bw := &Writer{w: bufio.NewWriterSize(w, 1<<20), sum: sha256.New(), header: h}
	bw.m = Manifest{Format: "qunshen-bundle", Exporter: Peer{Key: exporter.Key, Name: exporter.Name, Role: exporter.Role, Branch: exporter.Branch}, Created: created.UTC(), Peer: peer, Origins: []Origin{}}
	_, err := bw.w.Write(h)
	return bw, err
}

// Event appends one event body: each origin's events in the order of their sequence, the
// origins in the order Origin names them.
func (bw *Writer) Event(body []byte) error {
	bw.scratch = binary.AppendUvarint(bw.scratch[:0], uint64(len(body)))
	bw.sum.Write(bw.scratch)
	bw.sum.Write(body)
	if _, err := bw.w.Write(bw.scratch); err != nil {
		return err
	}
	if _, err := bw.w.Write(body); err != nil {
		return err
	}
	bw.n += int64(len(bw.scratch) + len(body))
	bw.m.Events++
	return nil
}

// Origin lists the run of an origin's events just written in the manifest.
func (bw *Writer) Origin(o Origin) { bw.m.Origins = append(bw.m.Origins, o) }

// Events is how many events were written.
func (bw *Writer) Events() int { return bw.m.Events }

// Size is how many bytes the header and the events took.
func (bw *Writer) Size() int64 { return HeaderSize + bw.n }

// Finish writes the end of the events, the manifest and the exporter's signature, and
// flushes.
func (bw *Writer) Finish(priv ed25519.PrivateKey) error {
	if _, err := bw.w.Write([]byte{0}); err != nil {
		return err
	}
	bw.m.EventsBytes = bw.n
	bw.m.EventsSHA256 = hex.EncodeToString(bw.sum.Sum(nil))
	manifest, err := json.Marshal(bw.m)
	if err != nil {
		return err
	}
	if _, err := bw.w.Write(binary.BigEndian.AppendUint32(nil, uint32(len(manifest)))); err != nil {
		return err
	}
	if _, err := bw.w.Write(manifest); err != nil {
		return err
	}
	if _, err := bw.w.Write(ed25519.Sign(priv, Message(bw.header, manifest))); err != nil {
		return err
	}
	return bw.w.Flush()
}
