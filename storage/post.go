package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"time"

	fastjson "github.com/goccy/go-json"
	"go.etcd.io/bbolt"

	"qunshen/internal/parallel"
	"qunshen/model"
)

// A stored post is its header — what review decided — and its content — what the author
// submitted:
//
//	version (1 byte) | uvarint length of the header | header | content JSON
//
// The content of a new post is the payload of the record that submitted it, byte for byte,
// so that an import never encodes a post twice; a decision rewrites the header and copies the
// content. Both parts decode into one model.Post. The header is binary (posthead.go) in
// version 2; version 1 had it in JSON, and a database of schema 5 or older, which holds such
// records, has them rewritten when it is opened (migratePostHeaders).
const (
	postRecordVersion = 2
	postRecordJSON    = 1
)

// postHeader is the part of a post that review changes.
type postHeader struct {
	Status   model.PostStatus `json:"status,omitempty"`
	Reason   string           `json:"reason,omitempty"`
	History  []model.Decision `json:"history,omitempty"`
	Disputed bool             `json:"disputed,omitempty"`
	Pinned   bool             `json:"pinned,omitempty"`
	Recalled time.Time        `json:"recalled,omitzero"`
}

// submission is a post.submit record on its way into the store.
type submission struct {
	id      string
	payload []byte
	// writes, when not nil, are the projection's writes of the post if it is new, made
	// beside the parsing: what the writer of an import would otherwise make one by one.
	writes *newPostWrites
}

// newPostWrites are the writes of a post stored for the first time: its record, its entry
// in the status index and its facts in the report index.
type newPostWrites struct {
	status    model.PostStatus
	record    []byte
	statusKey []byte
	statusVal []byte
	factKeys  [][]byte
	factVals  [][]byte
}

// prepareNewPost makes the writes of p for the case that it is new: the status the fold gives
// a new post, and nothing decided yet. Its content is p encoded as its submission's payload,
// which it also returns: written once, into the record, and the payload a part of it.
func prepareNewPost(p *model.Post) (*newPostWrites, []byte, error) {
	n := contentOf(p)
	n.Status = model.PostPending
	if n.FromHistory {
		n.Status = model.PostPublished
	}
	header := appendHeader(nil, &postHeader{Status: n.Status})
	rec := make([]byte, 0, 2+len(header)+len(p.Title)+len(p.Body)+192)
	rec = append(rec, postRecordVersion)
	rec = binary.AppendUvarint(rec, uint64(len(header)))
	rec = append(rec, header...)
	off := len(rec)
	rec, err := appendSubmitted(rec, p)
	if err != nil {
		return nil, nil, err
	}
	facts := model.PostFacts(&n)
	w := &newPostWrites{status: n.Status, record: rec, statusKey: postStatusKey(&n), statusVal: statusValue(facts)}
	for _, f := range decided(facts) {
		w.factKeys = append(w.factKeys, factKey(&f))
		w.factVals = append(w.factVals, factValue(&f))
	}
	return w, rec[off:len(rec):len(rec)], nil
}

// writesFor returns the prepared writes when they are those of p, a post new to the store.
func (sub *submission) writesFor(old, p *model.Post) *newPostWrites {
	if sub == nil || sub.writes == nil || old != nil || sub.id != p.ID {
		return nil
	}
	w := sub.writes
	if p.Status != w.status || p.Reason != "" || len(p.History) > 0 || p.Disputed || p.Pinned || !p.Recalled.IsZero() {
		return nil
	}
	return w
}

// contentOf is the post as submitted: the header fields cleared.
func contentOf(p *model.Post) model.Post {
	c := *p
	c.Status, c.Reason, c.History, c.Disputed, c.Pinned, c.Recalled = "", "", nil, false, false, time.Time{}
	return c
}

// sameContent reports whether two versions of a post have the same content.
func sameContent(a, b *model.Post) bool {
	return a.ID == b.ID && a.Group == b.Group && a.Author == b.Author && a.Time.Equal(b.Time) &&
		a.Title == b.Title && a.Body == b.Body && slices.Equal(a.Attachments, b.Attachments) &&
		a.Category == b.Category && a.Major == b.Major && slices.Equal(a.Findings, b.Findings) &&
		a.Confidential == b.Confidential && a.Source == b.Source && a.Forwarded == b.Forwarded && a.FromHistory == b.FromHistory
}

// encodePost writes a post record; content, when given, is the post's content already encoded.
func encodePost(p *model.Post, content []byte) ([]byte, error) {
	var err error
	if content == nil {
		if content, err = encode(contentOf(p)); err != nil {
			return nil, err
		}
	}
	h := postHeader{Status: p.Status, Reason: p.Reason, History: p.History, Disputed: p.Disputed, Pinned: p.Pinned, Recalled: p.Recalled}
	// The header is written after room for its length, then moved up when the length takes
	// fewer bytes than that room.
	const room = binary.MaxVarintLen32
	out := make([]byte, 1+room, 1+room+headerSize(&h)+len(content))
	out[0] = postRecordVersion
	out = appendHeader(out, &h)
	n := len(out) - 1 - room
	var lenBuf [binary.MaxVarintLen64]byte
	w := binary.PutUvarint(lenBuf[:], uint64(n))
	if w > room {
		return nil, fmt.Errorf("post %q: a header of %d bytes", p.ID, n)
	}
	copy(out[1+w:], out[1+room:])
	copy(out[1:], lenBuf[:w])
	out = out[:1+w+n]
	return append(out, content...), nil
}

var errPostRecord = errors.New("not a post record")

// decodePost reads a post record, and returns the content's bytes too.
func decodePost(raw []byte) (model.Post, []byte, error) {
	var p model.Post
	content, _, err := readPost(raw, nil, &p)
	return p, content, err
}

// readPost reads a post record into p, and returns the content's bytes too; lean (not nil), it
// passes over the author's text when the fast reader can (decodeContentLean), with the strings
// lean knows, and says whether it did.
func readPost(raw []byte, lean *known, p *model.Post) (content []byte, leaned bool, err error) {
	if len(raw) < 2 || (raw[0] != postRecordVersion && raw[0] != postRecordJSON) {
		return nil, false, errPostRecord
	}
	n, w := binary.Uvarint(raw[1:])
	if w <= 0 || n > uint64(len(raw)-1-w) {
		return nil, false, errPostRecord
	}
	header, content := raw[1+w:1+w+int(n)], raw[1+w+int(n):]
	if lean != nil && decodeContentLean(content, p, lean) {
		leaned = true
	} else if err := decodeContent(content, p); err != nil {
		return nil, false, err
	}
	var h postHeader
	if raw[0] == postRecordJSON {
		hj := new(postHeader) // of its own: what goes to the general decoder is allocated
		err = fastjson.Unmarshal(header, hj)
		h = *hj
	} else {
		err = decodeHeader(header, &h)
	}
	if err != nil {
		return nil, false, err
	}
	p.Status, p.Reason, p.History, p.Disputed, p.Pinned, p.Recalled = h.Status, h.Reason, h.History, h.Disputed, h.Pinned, h.Recalled
	return content, leaned, nil
}

// decodeContent reads a post's content into p: by the fast reader when it takes the content,
// else by the general decoder. What a reader that gave up half way read into p is cleared.
func decodeContent(b []byte, p *model.Post) error {
	if decodeContentJSON(b, resetPost(p)) {
		return nil
	}
	return fastjson.Unmarshal(b, resetPost(p))
}

// resetPost clears what a reader that gave up half way may have read into p.
func resetPost(p *model.Post) *model.Post {
	*p = model.Post{}
	return p
}

// postEntry is a post of a transaction: decoded, with its content's bytes (nil when the
// content must be encoded), and whether it was written.
type postEntry struct {
	p *model.Post
	// content is the record's part that holds the content: in the database's memory map, which
	// is not moved while the transaction lasts, or made in the transaction.
	content []byte
	dirty   bool
	// facts are p's facts in the report index, when known: what a change of the post will
	// take out of the index.
	facts []model.Fact
	// base is the version of a written post that the indexes hold (nil for a new post), and
	// baseFacts its facts when known; at is its place in txState.dirty.
	base      *model.Post
	baseFacts []model.Fact
	at        int
	// lean: p lacks the author's text (title, body, attachments), which content holds. Only
	// a decision on the post reads it so; any other reader has the text read first (whole).
	lean bool
}

// whole reads the author's text of a lean post from its content.
func (e *postEntry) whole() error {
	var c model.Post
	if err := decodeContent(e.content, &c); err != nil {
		return err
	}
	p := *e.p // kept by the fold, maybe: copied, not changed
	p.Title, p.Body, p.Attachments = c.Title, c.Body, c.Attachments
	e.p, e.lean = &p, false
	return nil
}

// postWrites are the writes of a post written in a transaction: its record, and its
// entries in the status and report indexes.
type postWrites struct {
	raw    []byte
	status []keyedWrite
	report []keyedWrite
	err    error
}

// encodePosts encodes the posts written in the transaction, and their entries in the
// indexes, on every core, into its pending writes, in the order the posts were first
// written; it forgets the posts when they are many.
func (st *txState) encodePosts() error {
	dirty := st.dirty
	ws := make([]postWrites, len(dirty))
	parallel.Range(len(dirty), func(from, to int) {
		for i := from; i < to; i++ {
			ws[i] = dirty[i].writes()
		}
	})
	for i, e := range dirty {
		w := &ws[i]
		if w.err != nil {
			return w.err
		}
		for _, x := range w.status {
			st.write(ixPostStatus, x)
		}
		for _, x := range w.report {
			st.write(ixReport, x)
		}
		st.write(bPosts, keyedWrite{e.p.ID, write{v: w.raw}})
		e.dirty, e.base, e.baseFacts = false, nil, nil
	}
	st.dirty = nil
	if len(st.posts) > 1<<16 {
		clear(st.posts)
	}
	return nil
}

// writes are the writes of a written post; they set its facts.
func (e *postEntry) writes() postWrites {
	var w postWrites
	w.raw, w.err = encodePost(e.p, e.content)
	// The room of a decision's writes, taken at once: two in the status index, one in the report
	// index (a list that outgrows its part is moved, the other's is left as it is).
	room := make([]keyedWrite, 0, 3)
	w.status, w.report = room[:0:2], room[2:2:3]
	if e.base != nil {
		w.status = append(w.status, keyedWrite{k: keyString(postStatusKey(e.base)), w: write{del: true}})
	}
	status := func(v []byte) {
		w.status = append(w.status, keyedWrite{k: keyString(postStatusKey(e.p)), w: write{v: v}})
	}
	if e.base != nil && model.Extends(e.base, e.p) {
		// A decision added to the history, as most are: the post keeps its fact of submission,
		// and the decision's fact is added.
		submit := model.SubmitFact(e.p)
		status(factValue(&submit))
		if f, ok := model.LastFact(e.p); ok {
			w.report = append(w.report, keyedWrite{k: keyString(factKey(&f)), w: write{v: factValue(&f)}})
		}
		e.facts = nil // made when needed
		return w
	}
	facts := model.PostFacts(e.p)
	status(statusValue(facts))
	was := e.baseFacts
	if e.base != nil && was == nil {
		was = model.PostFacts(e.base)
	}
	factWrites(decided(was), decided(facts), func(k, v []byte, del bool) {
		w.report = append(w.report, keyedWrite{k: string(k), w: write{v: v, del: del}})
	})
	e.facts = facts
	return w
}

// prefetchPosts decodes, on every core, the stored posts that ids name and that the
// transaction has not read yet: what a bundle of decisions will read one after another. They
// are read lean: a decision does not read the author's text, and another reader has it read.
func (st *txState) prefetchPosts(ids []string) {
	type job struct {
		id  string
		raw []byte
	}
	jobs := make([]job, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] || st.posts[id] != nil {
			continue
		}
		seen[id] = true
		if raw := st.get(bPosts, []byte(id)); raw != nil {
			jobs = append(jobs, job{id, raw})
		}
	}
	entries := make([]*postEntry, len(jobs))
	parallel.Range(len(jobs), func(from, to int) {
		k := &known{words: map[string]string{}}
		for i := from; i < to; i++ {
			k.id = jobs[i].id
			r := &struct { // the entry and its post in one allocation
				e postEntry
				p model.Post
			}{}
			content, lean, err := readPost(jobs[i].raw, k, &r.p)
			if err == nil { // a damaged post is left to Post, which says so
				r.e = postEntry{p: &r.p, content: content, lean: lean}
				entries[i] = &r.e
			}
		}
	})
	for i, e := range entries {
		if e != nil {
			st.posts[jobs[i].id] = e
		}
	}
}

// postIDs knows, for an import, which of its posts may be stored before they are written:
// those stored when the import was validated, and those that come more than once in its files.
// It holds hashes of the ids; a hash shared by chance only costs a look-up.
type postIDs struct {
	seed maphash.Seed
	seen []uint64 // every post of the files, until done
	may  map[uint64]struct{}
}

func newPostIDs() *postIDs {
	return &postIDs{seed: maphash.MakeSeed(), may: map[uint64]struct{}{}}
}

// add notes a post of the files, and whether it is stored.
func (f *postIDs) add(id string, stored bool) {
	h := maphash.String(f.seed, id)
	if stored {
		f.may[h] = struct{}{}
	}
	f.seen = append(f.seen, h)
}

// done finds the posts that come more than once, and lets the others go.
func (f *postIDs) done() {
	slices.Sort(f.seen)
	for i := 1; i < len(f.seen); i++ {
		if f.seen[i] == f.seen[i-1] {
			f.may[f.seen[i]] = struct{}{}
		}
	}
	f.seen = nil
}

func (f *postIDs) mayExist(id string) bool {
	_, ok := f.may[maphash.String(f.seed, id)]
	return ok
}

// migratePostHeaders brings a database of schema 5 or older to schema 6: each post's header,
// in JSON in its record (version 1), is written binary (version 2), its content as it was. The
// posts are rewritten a batch at a time, as a bucket may not be written while it is walked.
func migratePostHeaders(tx *bbolt.Tx) error {
	b := tx.Bucket(bPosts)
	b.FillPercent = 0.9
	type rewrite struct{ k, v []byte }
	batch := make([]rewrite, 0, 4096)
	c := b.Cursor()
	for k, v := c.First(); k != nil; {
		batch = batch[:0]
		for ; k != nil && len(batch) < cap(batch); k, v = c.Next() {
			if len(v) == 0 || v[0] != postRecordJSON {
				continue
			}
			p, content, err := decodePost(v)
			if err != nil {
				return fmt.Errorf("stored post %q is damaged: %w", k, err)
			}
			raw, err := encodePost(&p, content)
			if err != nil {
				return err
			}
			batch = append(batch, rewrite{slices.Clone(k), raw})
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
