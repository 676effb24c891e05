package storage

import (
	"encoding/binary"
	"strconv"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// AsOlderSchema marks the database as of schema (2 to 4), with its log laid out as those
// schemas kept it, for the tests of the migrations: each event under its local sequence (given
// in the canonical order, which keeps every origin's chain in its order), the canonical order
// from an event's key to that sequence, and the index by origin naming the sequence. What else
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
	if err := tx.DeleteBucket(bByOrigin); err != nil {
		return err
	}
	byOrigin, err := tx.CreateBucket(bByOrigin)
	if err != nil {
		return err
	}
	seq := uint64(0)
	err = tx.Bucket(bLog).ForEach(func(k, v []byte) error {
		ev, err := model.DecodeEvent(v)
		if err != nil {
			return err
		}
		seq++
		sk := binary.BigEndian.AppendUint64(nil, seq)
		if err := log.Put(sk, v); err != nil {
			return err
		}
		if err := order.Put(k, sk); err != nil {
			return err
		}
		return byOrigin.Put(originSeqKey(ev.Origin, ev.Seq), sk)
	})
	if err != nil {
		return err
	}
	if err := tx.DeleteBucket(bLog); err != nil {
		return err
	}
	return tx.Bucket(bMeta).Put(kSchema, []byte(strconv.Itoa(schema)))
}
