package storage

import (
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"qunshen/internal/parallel"
	"qunshen/model"
)

// submission is a post.submit record on its way into the store.
type submission struct {
	id string
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
// a new post, and nothing decided yet.
func prepareNewPost(p *model.Post) *newPostWrites {
	n := contentOf(p)
	n.Status = model.PostPending
	if n.FromHistory {
		n.Status = model.PostPublished
	}
	facts := model.PostFacts(&n)
	w := &newPostWrites{status: n.Status, record: encodePost(&n, nil), statusKey: postStatusKey(&n), statusVal: statusValue(facts)}
	for _, f := range decided(facts) {
		w.factKeys = append(w.factKeys, factKey(&f))
		w.factVals = append(w.factVals, factValue(&f))
	}
	return w
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
}

// encodePosts encodes the posts written in the transaction, and their entries in the
// indexes, on every core, into its pending writes, in the order the posts were first
// written; it forgets the posts when they are many.
func (st *txState) encodePosts() error {
	dirty := st.dirty
	ws := make([]postWrites, len(dirty))
	var faultMu sync.Mutex
	var fault error
	parallel.Range(len(dirty), func(from, to int) {
		if err := onCore(func() {
			for i := from; i < to; i++ {
				ws[i] = dirty[i].writes()
			}
		}); err != nil {
			faultMu.Lock()
			fault = err
			faultMu.Unlock()
		}
	})
	if fault != nil {
		return stored(fault)
	}
	for i, e := range dirty {
		w := &ws[i]
		for _, x := range w.status {
			st.write(ixPostStatus, x)
		}
		for _, x := range w.report {
			st.write(ixFacts, x)
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
	w.raw = encodePost(e.p, e.content)
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
		// A damaged post, or a fault of the memory map reading it, is left to Post, which
		// reads it again on the transaction's goroutine and says so.
		onCore(func() {
			for i := from; i < to; i++ {
				k.id = jobs[i].id
				r := &struct { // the entry and its post in one allocation
					e postEntry
					p model.Post
				}{}
				content, err := readPost(jobs[i].raw, k, &r.p)
				if err == nil {
					r.e = postEntry{p: &r.p, content: content, lean: true}
					entries[i] = &r.e
				}
			}
		})
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
