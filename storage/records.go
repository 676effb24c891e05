package storage

// The records of the projection (and of the trust store and the peers) carry a checksum,
// checked when they are read.
//
// bbolt has no checksums on its data pages: a byte changed in a record is read as it is. So
// every value of a bucket of the projection (projectionBuckets, and any bucket added to it)
// ends with a CRC-32C (Castagnoli, as RocksDB checks every block it reads, computed by the
// processor's instruction) of its key and of the value before it. A record is sealed at the
// one place the projection is written (txState.put and flushWrites, and records.Put for the
// few writes outside a txState), and opened at the one place it is read (txState.stored, and
// records: Get, ForEach, Cursor, for every read outside a txState). A record whose checksum
// fails makes the read panic with a recordDamage, which guard, around every transaction,
// turns into a DamagedError: no loop over records has to look for it, and no answer is made
// of a damaged one. TestProjectionIsReadSealed holds that no other code reads those buckets.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sync"

	"go.etcd.io/bbolt"
)

// sealSize is the length of a record's checksum.
const sealSize = 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// sealOf is the checksum of a record: its key's length, its key, then its value. The length
// makes where the key ends part of what is checked: bbolt keeps the key's length and the
// value's apart from the bytes, and a changed length moves bytes from one to the other.
func sealOf(k, v []byte) uint32 {
	var n [binary.MaxVarintLen64]byte
	c := crc32.Update(0, castagnoli, n[:binary.PutUvarint(n[:], uint64(len(k)))])
	return crc32.Update(crc32.Update(c, castagnoli, k), castagnoli, v)
}

// seal is v with the checksum of k and v after it, in a new slice: v may be a buffer its maker
// uses again, and bbolt keeps what Put is given until the commit.
func seal(k, v []byte) []byte {
	out := make([]byte, len(v), len(v)+sealSize)
	copy(out, v)
	return binary.BigEndian.AppendUint32(out, sealOf(k, v))
}

// recordDamage is the panic of a read of a record whose checksum fails, which guard recovers;
// or, with why, the error of records that disagree with one another (an index naming a post
// that is not stored, a record that does not decode), which guard makes a DamagedError too.
type recordDamage struct {
	bucket string
	key    []byte
	why    string
}

func (d *recordDamage) Error() string {
	if d.why != "" {
		return d.why
	}
	return fmt.Sprintf("the record %q of %s fails its checksum", printable(d.key), d.bucket)
}

// inconsistent is the error of records that disagree with one another or with their format:
// the database is damaged.
func inconsistent(format string, args ...any) error {
	return &recordDamage{why: fmt.Errorf(format, args...).Error()}
}

// unseal is the value of a sealed record, without its checksum; a record that fails it
// panics with a recordDamage. A nil v (no record, or a nested bucket) is nil.
func unseal(bucket string, k, v []byte) []byte {
	if v == nil {
		return nil
	}
	n := len(v) - sealSize
	if n < 0 || binary.BigEndian.Uint32(v[n:]) != sealOf(k, v[:n]) {
		panic(&recordDamage{bucket: bucket, key: append([]byte(nil), k...)})
	}
	return v[:n:n]
}

// isSealed reports whether the records of the bucket carry a checksum: the buckets of the
// projection, and the two of this machine's own that no fold makes again (sealedOwn).
func isSealed(bucket string) bool {
	sealedOnce.Do(func() {
		sealedSet = map[string]bool{}
		for _, b := range append(projectionBuckets, sealedOwn...) {
			sealedSet[string(b)] = true
		}
	})
	return sealedSet[bucket]
}

// sealedOwn are the sealed buckets outside the projection: the keys this machine trusts, and
// what it sent each peer. (The log and the parked events are checked by their hashes, the
// checkpoints by their signatures, the chain heads and the index by origin by verify.)
var sealedOwn = [][]byte{bTrust, bPeers}

// sealOwn seals the records of the buckets of sealedOwn of a database of a schema before
// sealedSince, in place: the fold makes the projection's again, not these.
func sealOwn(tx *bbolt.Tx) error {
	for _, name := range sealedOwn {
		b := tx.Bucket(name)
		if b == nil {
			continue
		}
		var ks, vs [][]byte
		if err := b.ForEach(func(k, v []byte) error {
			ks, vs = append(ks, bytes.Clone(k)), append(vs, seal(k, v))
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

var (
	sealedOnce sync.Once
	sealedSet  map[string]bool
)

// records is a bucket of the projection, read and written through the checksums of its
// records; it offers what the code outside a txState uses of a bbolt bucket.
type records struct {
	b    *bbolt.Bucket
	name string
}

// recordsOf is the bucket name of the transaction, which must be one of the projection's.
func recordsOf(tx *bbolt.Tx, name []byte) records {
	if !isSealed(string(name)) {
		panic(fmt.Sprintf("storage: %s is not a bucket of the projection", name))
	}
	return records{b: tx.Bucket(name), name: string(name)}
}

// Get is the value of k, nil when it has none.
func (r records) Get(k []byte) []byte { return unseal(r.name, k, r.b.Get(k)) }

// Put writes k's value, sealed.
func (r records) Put(k, v []byte) error { return r.b.Put(k, seal(k, v)) }

// Delete takes k out.
func (r records) Delete(k []byte) error { return r.b.Delete(k) }

// ForEach calls f with every record, in the order of the keys.
func (r records) ForEach(f func(k, v []byte) error) error {
	return r.b.ForEach(func(k, v []byte) error { return f(k, unseal(r.name, k, v)) })
}

// Stats are bbolt's figures of the bucket.
func (r records) Stats() bbolt.BucketStats { return r.b.Stats() }

// SetFillPercent sets how full bbolt fills the pages it splits.
func (r records) SetFillPercent(p float64) { r.b.FillPercent = p }

// Cursor walks the records in the order of their keys; every record it gives was checked.
func (r records) Cursor() recordCursor { return recordCursor{c: r.b.Cursor(), name: r.name} }

type recordCursor struct {
	c    *bbolt.Cursor
	name string
}

func (c recordCursor) open(k, v []byte) ([]byte, []byte) { return k, unseal(c.name, k, v) }

func (c recordCursor) First() ([]byte, []byte)        { return c.open(c.c.First()) }
func (c recordCursor) Last() ([]byte, []byte)         { return c.open(c.c.Last()) }
func (c recordCursor) Next() ([]byte, []byte)         { return c.open(c.c.Next()) }
func (c recordCursor) Prev() ([]byte, []byte)         { return c.open(c.c.Prev()) }
func (c recordCursor) Seek(k []byte) ([]byte, []byte) { return c.open(c.c.Seek(k)) }
func (c recordCursor) Delete() error                  { return c.c.Delete() }
