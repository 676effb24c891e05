package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"

	"go.etcd.io/bbolt"
)

// AsOlderSchema marks the database as of schema (1 to 5), laid out as those schemas kept it,
// for the tests of the migrations. Before schema 6 a post's header was JSON (record version 1).
// Before schema 5 the log was kept as asOlderLog lays it out. What else the schema lacked a test
// takes away itself.
func AsOlderSchema(tx *bbolt.Tx, schema int) error {
	if err := asJSONHeaders(tx); err != nil {
		return err
	}
	if schema < 5 {
		if err := asOlderLog(tx); err != nil {
			return err
		}
	}
	return tx.Bucket(bMeta).Put(kSchema, []byte(strconv.Itoa(schema)))
}

// asJSONHeaders writes every post's record as version 1 did: its header in JSON.
func asJSONHeaders(tx *bbolt.Tx) error {
	b := tx.Bucket(bPosts)
	old := map[string][]byte{}
	err := b.ForEach(func(k, v []byte) error {
		p, content, err := decodePost(v)
		if err != nil {
			return err
		}
		h, err := encode(postHeader{Status: p.Status, Reason: p.Reason, History: p.History, Disputed: p.Disputed, Pinned: p.Pinned, Recalled: p.Recalled})
		if err != nil {
			return err
		}
		rec := binary.AppendUvarint([]byte{postRecordJSON}, uint64(len(h)))
		old[string(k)] = append(append(rec, h...), content...)
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
