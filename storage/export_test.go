package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"

	"go.etcd.io/bbolt"
)

// AsOlderSchema marks the database as of schema (2 to 4), with its log laid out as those
// schemas kept it, for the tests of the migrations: each event under its local sequence, the
// canonical order from an event's key to that sequence, and the index by origin naming the
// sequence. The events are given their sequences origin after origin, each chain in its
// order: an order of arrival that is not the canonical one, as a supervisor's log is. What else
// the schema lacked a test takes away itself.
func AsOlderSchema(tx *bbolt.Tx, schema int) error {
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
	if err := tx.DeleteBucket(bLog); err != nil {
		return err
	}
	return tx.Bucket(bMeta).Put(kSchema, []byte(strconv.Itoa(schema)))
}
