package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"qunshen/model"

	fastjson "github.com/goccy/go-json"
	"go.etcd.io/bbolt"
)

// txState is model.State over one write (or read) transaction. Counts are gathered as deltas
// and written once at the end.
type txState struct {
	tx     *bbolt.Tx
	b      map[string]*bbolt.Bucket
	counts model.Counts
	groups map[string]model.Group // groups are few and read for every post: keep them decoded
	// operators are fewer still, and read for every event
	operators map[model.Key]model.Operator
	// designations are the authority's designations read, decoded: read for every event of a
	// designated operator
	designations map[string]model.DesignationRecord
	// members read in this transaction, decoded: a batch of posts names the same authors
	// again and again.
	members map[string]model.Member
	// posts keeps the posts read or written in this transaction, decoded, with the bytes of
	// their content, so that a decision rewrites a post's header and copies its content as it
	// is; the posts written are encoded at the end, on every core.
	posts map[string]*postEntry
	// dirty are the posts written in this transaction, in the order they were first written.
	dirty []*postEntry
	// submitted is the post.submit record of an import being applied, with the writes of its
	// post made beside the parsing, for the case that it is new.
	submitted *submission
	// known holds member keys known to exist; an import shares one set across its
	// transactions (an import never removes a member, so what it learnt stays true).
	known map[memberRef]struct{}
	key   []byte // scratch for keys looked up
	// cursors are the buckets' cursors that get and the deletions use (cursor)
	cursors map[string]*bbolt.Cursor
	// writes holds the writes to the projection until the end of the transaction, when they
	// go to bbolt sorted by key: bbolt splits its pages only at the commit, and a page that
	// takes thousands of keys out of order in one transaction costs a copy of the page for each.
	writes writeSets
	// direct sends the writes to bbolt as they come, for an import, whose keys come mostly in
	// their order already: buffering them would cost more than it saves. werr keeps the first
	// fault of such a write, for the end of the transaction.
	direct bool
	werr   error
	// deciding is the post that the event being replayed decides (model.IsDecision), which
	// may read it lean (postEntry.lean); empty for any other event.
	deciding string
	// fresh is set for an import of queue files validated whole: it knows the posts that
	// cannot be stored yet (neither in the database nor earlier in the files), whose look-up
	// is passed over; and the validation found every post's author.
	fresh *postIDs
}

// get reads a key of a projection bucket, pending writes first.
func (st *txState) get(bucket []byte, key []byte) []byte {
	if st.direct {
		return st.stored(string(bucket), key)
	}
	w, ok := st.writes.lookup(bucket, key)
	switch {
	case !ok:
		return st.stored(string(bucket), key)
	case w.del:
		return nil
	}
	return w.v
}

// cursor is the bucket's cursor, one for the transaction. bbolt's Get and Delete each make a
// cursor of their own, whose path they grow from nothing (three allocations in a tree three
// deep); a cursor kept keeps its path's room. Every use seeks from the root, so it finds what
// the transaction wrote since. Only the goroutine that owns the transaction uses it.
func (st *txState) cursor(bucket string) *bbolt.Cursor {
	c := st.cursors[bucket]
	if c == nil {
		if st.cursors == nil {
			st.cursors = map[string]*bbolt.Cursor{}
		}
		c = st.b[bucket].Cursor()
		st.cursors[bucket] = c
	}
	return c
}

// stored is the value bbolt holds under key, as bbolt's Get gives it: nil for a key that is
// not there, or that names a bucket.
func (st *txState) stored(bucket string, key []byte) []byte {
	k, v := st.cursor(bucket).Seek(key)
	if !bytes.Equal(k, key) {
		return nil
	}
	if isSealed(bucket) {
		return unseal(bucket, k, v)
	}
	return v
}

// rec is a bucket of the projection of the transaction, through its records' checksums.
func (st *txState) rec(name []byte) records {
	return records{b: st.b[string(name)], name: string(name)}
}

// remove takes key out of the bucket, as bbolt's Delete does: a key that is not there is
// no fault, one that names a bucket is.
func (st *txState) remove(bucket string, key []byte) error {
	c := st.cursor(bucket)
	if k, _ := c.Seek(key); !bytes.Equal(k, key) {
		return nil
	}
	return c.Delete()
}

// present is v as a stored value: empty rather than nil, so that get tells it from a key that is
// not there.
func present(v []byte) []byte {
	if v == nil {
		return []byte{}
	}
	return v
}

func (st *txState) put(bucket []byte, key []byte, v []byte) {
	v = present(v)
	if st.direct {
		if isSealed(string(bucket)) {
			v = seal(key, v)
		}
		st.directWrite(st.b[string(bucket)].Put(key, v))
		return
	}
	st.writes.of(bucket).set(string(key), write{v: v})
}

// write makes a pending write of the projection.
func (st *txState) write(bucket []byte, x keyedWrite) {
	switch {
	case st.direct && x.w.del:
		st.del(bucket, keyBytes(x.k))
	case st.direct:
		st.put(bucket, keyBytes(x.k), x.w.v)
	case x.w.del:
		st.writes.of(bucket).set(x.k, write{del: true})
	default:
		st.writes.of(bucket).set(x.k, write{v: present(x.w.v)})
	}
}

func (st *txState) del(bucket []byte, key []byte) {
	if st.direct {
		st.directWrite(st.remove(string(bucket), key))
		return
	}
	st.writes.of(bucket).set(string(key), write{del: true})
}

// expect makes room for the writes of n decisions on posts: each writes its post, moves its
// entry in the status index (two keys) and adds a fact to the report index. Maps that grow
// step by step to tens of thousands of keys rehash every key at each step.
func (st *txState) expect(n int) {
	for _, w := range []struct {
		bucket []byte
		keys   int
	}{{bPosts, n}, {ixPostStatus, 2 * n}, {ixFacts, n}} {
		if st.writes[string(w.bucket)] == nil {
			st.writes[string(w.bucket)] = newWriteSet(w.bucket, w.keys)
		}
	}
	if len(st.posts) == 0 {
		st.posts = make(map[string]*postEntry, n)
	}
}

// directWrite keeps the first fault of a direct write.
func (st *txState) directWrite(err error) {
	if err != nil && st.werr == nil {
		st.werr = stored(err)
	}
}

// memberRef names a member without building its key.
type memberRef struct{ group, id string }

func newTxState(tx *bbolt.Tx) *txState {
	st := &txState{tx: tx, b: map[string]*bbolt.Bucket{}, counts: model.Counts{}, groups: map[string]model.Group{}, members: map[string]model.Member{}, posts: map[string]*postEntry{}, writes: writeSets{}, operators: map[model.Key]model.Operator{}}
	for _, name := range allBuckets {
		st.b[string(name)] = tx.Bucket(name)
	}
	// Posts come mostly in the order of their ids and times: pages split at the default half
	// would stay half empty.
	for _, name := range [][]byte{bPosts, ixPostStatus, ixAppStatus, ixFacts} {
		st.b[string(name)].FillPercent = 0.9
	}
	return st
}

func getJSON[T any](st *txState, bucket []byte, key string) (T, bool, error) {
	var v T
	raw := st.get(bucket, []byte(key))
	if raw == nil {
		return v, false, nil
	}
	if err := fastjson.Unmarshal(raw, &v); err != nil {
		return v, false, inconsistent("stored %s %q is damaged: %w", bucket, key, err)
	}
	return v, true, nil
}

// encode is the encoder of the records stored in JSON (operators, groups, members, violations,
// applications, rectifications): encoding/json's, the reference of the format, whose bytes
// verify compares with those of a fresh fold.
func encode(v any) ([]byte, error) { return json.Marshal(v) }

func (st *txState) putJSON(bucket []byte, key string, v any) error {
	raw, err := encode(v)
	if err != nil {
		return err
	}
	st.put(bucket, []byte(key), raw)
	return nil
}

// stored marks a fault of bbolt as one of the storage, which stops a replay.
func stored(err error) error {
	if err != nil {
		return fmt.Errorf("%w: %w", model.ErrStorage, err)
	}
	return nil
}
