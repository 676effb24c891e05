package model

import (
	"encoding/binary"
	"errors"
)

// The binary records of qunshen — an event's canonical body and an import batch (here), a
// stored post and the entries of the report index (package storage) — are built of the same
// few pieces, written by the Append functions and read by a Reader:
//
//	uvarint  binary.AppendUvarint, in its shortest form only
//	varint   binary.AppendVarint (zigzag), in its shortest form only
//	str      uvarint(length) and the bytes, as they are
//	uint64   8 bytes, big-endian
//
// A record has one encoding: a reader refuses a varint written longer than it needs, so a
// record read and written again is the same bytes, which hashes and verify rely on.

// AppendStr appends s with its length before it.
func AppendStr(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// Faults of a Reader.
var (
	ErrTruncated    = errors.New("truncated")
	ErrNonCanonical = errors.New("a varint longer than its shortest form")
)

// Reader reads a binary record from B, which it moves past what it reads. Err is the first
// fault (ErrTruncated, ErrNonCanonical); after it every read gives the zero value.
type Reader struct {
	B   []byte
	Err error
}

func (r *Reader) fail(err error) {
	if r.Err == nil {
		r.Err = err
	}
}

// Take reads n bytes, which stay B's.
func (r *Reader) Take(n uint64) []byte {
	if r.Err != nil {
		return nil
	}
	if n > uint64(len(r.B)) {
		r.fail(ErrTruncated)
		return nil
	}
	v := r.B[:n:n]
	r.B = r.B[n:]
	return v
}

// Byte reads one byte.
func (r *Reader) Byte() byte {
	if v := r.Take(1); v != nil {
		return v[0]
	}
	return 0
}

// Fixed reads len(dst) bytes into dst.
func (r *Reader) Fixed(dst []byte) { copy(dst, r.Take(uint64(len(dst)))) }

// Uint64 reads 8 bytes, big-endian.
func (r *Reader) Uint64() uint64 {
	if v := r.Take(8); v != nil {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// Uvarint reads a uvarint in its shortest form.
func (r *Reader) Uvarint() uint64 {
	if r.Err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.B)
	switch {
	case n <= 0:
		r.fail(ErrTruncated)
		return 0
	case n > 1 && r.B[n-1] == 0: // a last byte of zeros: a longer form than the shortest
		r.fail(ErrNonCanonical)
		return 0
	}
	r.B = r.B[n:]
	return v
}

// Varint reads a varint (zigzag) in its shortest form.
func (r *Reader) Varint() int64 {
	u := r.Uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// Raw reads a str's bytes, which stay B's.
func (r *Reader) Raw() []byte { return r.Take(r.Uvarint()) }

// Str reads a str as a string of its own.
func (r *Reader) Str() string { return string(r.Raw()) }
