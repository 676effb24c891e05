package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// The stored records of schema 6 and older, which opening a database of such a schema
// rewrites as schema 7 has them, once.

// Versions of a post record before schema 7: the header binary (2) or in JSON (1), then the
// content in JSON.
//
//	version (1 byte) | uvarint length of the header | header | content JSON
const (
	postRecordV2 = 2
	postRecordV1 = 1
)

// decodeOldPost reads a post record of version 1 or 2.
func decodeOldPost(raw []byte) (model.Post, error) {
	var p model.Post
	if len(raw) < 2 || (raw[0] != postRecordV2 && raw[0] != postRecordV1) {
		return p, errPostRecord
	}
	n, w := binary.Uvarint(raw[1:])
	if w <= 0 || n > uint64(len(raw)-1-w) {
		return p, errPostRecord
	}
	header, content := raw[1+w:1+w+int(n)], raw[1+w+int(n):]
	if err := json.Unmarshal(content, &p); err != nil {
		return p, err
	}
	var h postHeader
	var err error
	if raw[0] == postRecordV1 {
		err = json.Unmarshal(header, &h)
	} else {
		err = decodeHeader(header, &h)
	}
	p.Status, p.Reason, p.History, p.Disputed, p.Pinned, p.Recalled = h.Status, h.Reason, h.History, h.Disputed, h.Pinned, h.Recalled
	return p, err
}

// migratePosts brings the posts of a database of schema 6 or older to schema 7: each record
// of version 1 or 2 is read (its content by encoding/json) and written by the codec of
// postcodec.go. The posts are rewritten a batch at a time, as a bucket may not be written
// while it is walked.
func migratePosts(tx *bbolt.Tx) error {
	b := tx.Bucket(bPosts)
	b.FillPercent = 0.9
	type rewrite struct{ k, v []byte }
	batch := make([]rewrite, 0, 4096)
	c := b.Cursor()
	for k, v := c.First(); k != nil; {
		batch = batch[:0]
		for ; k != nil && len(batch) < cap(batch); k, v = c.Next() {
			if len(v) == 0 || v[0] == postRecordVersion {
				continue
			}
			p, err := decodeOldPost(v)
			if err != nil {
				return fmt.Errorf("stored post %q is damaged: %w", k, err)
			}
			batch = append(batch, rewrite{slices.Clone(k), encodePost(&p, nil)})
		}
		next := slices.Clone(k)
		for _, r := range batch {
			if err := b.Put(r.k, r.v); err != nil {
				return err
			}
		}
		if next != nil { // the writes move the cursor: it goes on from where it was
			k, v = c.Seek(next)
		}
	}
	return nil
}

// migrateJSONRecords brings the records stored in JSON to the bytes encoding/json writes of
// them: before schema 7 they were written by another encoder (sonic), which wrote some
// characters otherwise (\b and \f as \u0008 and \u000c), and verify compares bytes.
func migrateJSONRecords(tx *bbolt.Tx) error {
	for _, m := range []struct {
		bucket []byte
		redo   func([]byte) ([]byte, error)
	}{
		{bOperators, reencode[model.Operator]},
		{bGroups, reencode[model.Group]},
		{bMembers, reencode[model.Member]},
		{bViolations, reencode[model.Violation]},
		{bApps, reencode[model.Application]},
		{bRects, reencode[model.Rectification]},
	} {
		b := tx.Bucket(m.bucket)
		var changed [][2][]byte
		err := b.ForEach(func(k, v []byte) error {
			raw, err := m.redo(v)
			if err != nil {
				return fmt.Errorf("stored %s %q is damaged: %w", m.bucket, printable(k), err)
			}
			if !bytes.Equal(raw, v) {
				changed = append(changed, [2][]byte{slices.Clone(k), raw})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, kv := range changed {
			if err := b.Put(kv[0], kv[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// reencode reads a record as a T and writes it again as encode does.
func reencode[T any](raw []byte) ([]byte, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return encode(&v)
}
