package storage

import (
	"encoding/binary"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// LogAsSchema4 lays the log out as schemas 2 to 4 kept it, for the tests of the migration:
// each event under its local sequence (given in the canonical order, which keeps every
// origin's chain in its order), the canonical order from an event's key to that sequence, and
// the index by origin naming the sequence.
func LogAsSchema4(tx *bbolt.Tx) error {
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
	return tx.DeleteBucket(bLog)
}
