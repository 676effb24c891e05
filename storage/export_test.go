package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"go.etcd.io/bbolt"
)

// AsOlderSchema marks the database as of schema (1 to 6), laid out as those schemas kept it,
// for the tests of the migrations. Before schema 7 a post's content was JSON (record version
// 2), and before schema 6 its header too (version 1). Before schema 5 the log was kept as
// asOlderLog lays it out. What else the schema lacked a test takes away itself.
func AsOlderSchema(tx *bbolt.Tx, schema int) error {
	if schema < sealedSince {
		if err := asUnsealed(tx); err != nil {
			return err
		}
	}
	return asOlderLayout(tx, schema)
}

// asOlderLayout is AsOlderSchema of a database whose records are unsealed already.
func asOlderLayout(tx *bbolt.Tx, schema int) error {
	if err := asOlderPosts(tx, schema); err != nil {
		return err
	}
	if schema < 5 {
		if err := asOlderLog(tx); err != nil {
			return err
		}
	}
	return tx.Bucket(bMeta).Put(kSchema, []byte(strconv.Itoa(schema)))
}

// asOlderPosts writes every post's record as schema did: its content in JSON, and its header
// binary (version 2) or, before schema 6, in JSON (version 1).
func asOlderPosts(tx *bbolt.Tx, schema int) error {
	b := tx.Bucket(bPosts)
	old := map[string][]byte{}
	err := b.ForEach(func(k, v []byte) error {
		p, _, err := decodePost(v)
		if err != nil {
			return err
		}
		content, err := json.Marshal(contentOf(&p))
		if err != nil {
			return err
		}
		h := headerOf(&p)
		version, header := byte(postRecordV2), appendHeader(nil, &h)
		if schema < 6 {
			if header, err = json.Marshal(h); err != nil {
				return err
			}
			version = postRecordV1
		}
		rec := binary.AppendUvarint([]byte{version}, uint64(len(header)))
		old[string(k)] = append(append(rec, header...), content...)
		return nil
	})
	if err != nil {
		return err
	}
	for k, v := range old {
		if err := b.Put([]byte(k), v); err != nil {
			return err
		}
	}
	return nil
}

// asOlderLog lays the log out as schemas 2 to 4 kept it: each event under its local sequence,
// the canonical order from an event's key to that sequence, and the index by origin naming the
// sequence. The events are given their sequences origin after origin, each chain in its
// order: an order of arrival that is not the canonical one, as a supervisor's log is.
func asOlderLog(tx *bbolt.Tx) error {
	log, err := tx.CreateBucket(bLogV4)
	if err != nil {
		return err
	}
	order, err := tx.CreateBucket(bOrderV4)
	if err != nil {
		return err
	}
	var old [][2][]byte // the index by origin as it was
	err = tx.Bucket(bByOrigin).ForEach(func(k, v []byte) error {
		old = append(old, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.DeleteBucket(bByOrigin); err != nil {
		return err
	}
	byOrigin, err := tx.CreateBucket(bByOrigin)
	if err != nil {
		return err
	}
	for i, kv := range old {
		body := tx.Bucket(bLog).Get(kv[1])
		if body == nil {
			return fmt.Errorf("no event under %x", kv[1])
		}
		sk := binary.BigEndian.AppendUint64(nil, uint64(i+1))
		if err := log.Put(sk, bytes.Clone(body)); err != nil {
			return err
		}
		if err := order.Put(kv[1], sk); err != nil {
			return err
		}
		if err := byOrigin.Put(kv[0], sk); err != nil {
			return err
		}
	}
	return tx.DeleteBucket(bLog)
}

// asUnsealed writes every sealed record as the schemas before sealedSince kept it: without its
// checksum.
func asUnsealed(tx *bbolt.Tx) error {
	for _, name := range append(slices.Clone(projectionBuckets), sealedOwn...) {
		b := tx.Bucket(name)
		if b == nil { // a bucket of a schema before it
			continue
		}
		var ks, vs [][]byte
		if err := b.ForEach(func(k, v []byte) error {
			ks, vs = append(ks, bytes.Clone(k)), append(vs, bytes.Clone(unseal(string(name), k, v)))
			return nil
		}); err != nil {
			return err
		}
		for i := range ks {
			if err := b.Put(ks[i], vs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}
