package storage

import (
	"encoding/binary"
	"errors"
	"slices"

	fastjson "github.com/goccy/go-json"

	"qunshen/model"
)

// A stored post is its header — what review decided — and its content — what the author
// submitted:
//
//	version (1 byte) | uvarint length of the header | header JSON | content JSON
//
// The content of a new post is the payload of the record that submitted it, byte for byte,
// so that an import never encodes a post twice; a decision rewrites the header and copies the
// content. Both parts decode into one model.Post.
const postRecordVersion = 1

// postHeader is the part of a post that review changes.
type postHeader struct {
	Status   model.PostStatus `json:"status,omitempty"`
	Reason   string           `json:"reason,omitempty"`
	History  []model.Decision `json:"history,omitempty"`
	Disputed bool             `json:"disputed,omitempty"`
}

// submission is a post.submit record on its way into the store.
type submission struct {
	id      string
	payload []byte
}

// contentOf is the post as submitted: the header fields cleared.
func contentOf(p *model.Post) model.Post {
	c := *p
	c.Status, c.Reason, c.History, c.Disputed = "", "", nil, false
	return c
}

// sameContent reports whether two versions of a post have the same content.
func sameContent(a, b *model.Post) bool {
	return a.ID == b.ID && a.Group == b.Group && a.Author == b.Author && a.Time.Equal(b.Time) &&
		a.Title == b.Title && a.Body == b.Body && slices.Equal(a.Attachments, b.Attachments) &&
		a.Category == b.Category && a.Major == b.Major && slices.Equal(a.Findings, b.Findings)
}

// encodePost writes a post record; content, when given, is the post's content already encoded.
func encodePost(p *model.Post, content []byte) ([]byte, error) {
	var h []byte
	var err error
	if p.Reason == "" && len(p.History) == 0 && !p.Disputed && plainStatus(p.Status) {
		// What the encoder writes for a post just submitted, without its cost.
		h = append(append([]byte(`{"status":"`), p.Status...), `"}`...)
	} else if h, err = encode(postHeader{Status: p.Status, Reason: p.Reason, History: p.History, Disputed: p.Disputed}); err != nil {
		return nil, err
	}
	if content == nil {
		if content, err = encode(contentOf(p)); err != nil {
			return nil, err
		}
	}
	out := make([]byte, 0, 1+binary.MaxVarintLen64+len(h)+len(content))
	out = append(out, postRecordVersion)
	out = binary.AppendUvarint(out, uint64(len(h)))
	out = append(out, h...)
	return append(out, content...), nil
}

var errPostRecord = errors.New("not a post record")

// decodePost reads a post record, and returns the content's bytes too.
func decodePost(raw []byte) (model.Post, []byte, error) {
	var p model.Post
	if len(raw) < 2 || raw[0] != postRecordVersion {
		return p, nil, errPostRecord
	}
	n, w := binary.Uvarint(raw[1:])
	if w <= 0 || n > uint64(len(raw)-1-w) {
		return p, nil, errPostRecord
	}
	header, content := raw[1+w:1+w+int(n)], raw[1+w+int(n):]
	if err := fastjson.Unmarshal(content, &p); err != nil {
		return p, nil, err
	}
	var h postHeader
	if err := fastjson.Unmarshal(header, &h); err != nil {
		return p, nil, err
	}
	p.Status, p.Reason, p.History, p.Disputed = h.Status, h.Reason, h.History, h.Disputed
	return p, content, nil
}

// plainStatus reports whether a status is one of the known ones: lower-case letters and
// dashes, which JSON writes as they are.
func plainStatus(s model.PostStatus) bool { return slices.Contains(model.PostStatuses, s) }
