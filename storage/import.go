package storage

import (
	"errors"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/internal/i18n"
	"qunshen/internal/ingest"
	"qunshen/model"
)

// ImportOptions tune an import.
type ImportOptions struct {
	// Check runs the content checks of the regulations on a post of a group of this kind
	// before it is stored, setting its findings. It is called on several goroutines at once;
	// what it returns is handed to InOrder with the same post.
	Check func(p *model.Post, kind model.GroupKind) any
	// InOrder runs the checks that depend on what came before (flooding, repeats), on the
	// posts in the order of the files; it reports whether it changed the post.
	InOrder func(p *model.Post, kind model.GroupKind, prepared any) bool
	// Muted, when set, adds to a post whose author was muted when it was submitted (the
	// stored member muted until after the post's time) the finding that says so; it is
	// called after Check, on the same goroutines.
	Muted func(p *model.Post, kind model.GroupKind)
	// Batch is the number of records written per transaction (default 5,000: the records of
	// a transaction and of the next, parsed ahead, are what an import holds in memory, and
	// under the import's memory limit the collector's work grows with them; fewer records
	// pay more fsyncs).
	Batch int
	// Now gives the time of the events (default time.Now).
	Now func() time.Time
	// Progress, when set, is told how many records were written.
	Progress func(records int)
	// Reading, when set, is told how far the reading of a chat export has come: in the
	// first pass (checking, store false) and in the second (store true), every few MB.
	Reading func(file string, store bool, done, total int64)

	// Format names the format of every file (ingest.Formats); "" finds each file's own.
	Format string
	// Group puts the messages and members of chat exports in this stored group, instead of
	// a group of each chat's own (made when it is not stored).
	Group string
	// History imports the messages of chat exports as published already, not pending.
	History bool
	// SkipBad imports the good records of a chat export and writes the others, with their
	// reasons, beside it (RejectsSuffix), instead of refusing the file.
	SkipBad bool
}

// ImportResult counts what an import did.
type ImportResult struct {
	Records   int // records read
	Events    int // records that were new or changed, and so written
	Unchanged int // records already stored as they are (or passed over: see Unknown)
	// Unknown counts recalls and pins of messages that are neither stored nor in the file.
	Unknown int
	// Rejected counts the records of chat exports set aside by SkipBad; Rejects names the
	// files they were written to.
	Rejected int
	Rejects  []string
	// Passed counts the messages of chat exports that do not become posts, by what they are
	// (service messages, one-to-one chats, empty messages).
	Passed map[string]int
	// Notes are what the formats and the mapping of chat exports said about the files
	// (unknown columns, one-to-one chats passed over …), each once: catalogue errors, for
	// the user's language.
	Notes []error
	// Formats names the format each file was read as, in the order of the files.
	Formats []string
}

// importMemoryLimit is the soft limit of the heap while an import runs.
const importMemoryLimit = 192 << 20

// Import reads queue files, chat exports and rosters (each in the format it is found to be,
// or opt.Format), validates all of them whole — every line or record, and every reference to
// a group or member in the files or in the database — and only then writes them, in
// transactions of opt.Batch records, each closed by a signed checkpoint. A fault anywhere
// applies nothing: one found while writing rolls back what was written (undo.go), and an
// import killed half-way is rolled back by the next Open. Imported again, a file changes
// nothing, because records already stored as they are write nothing.
func (s *Store) Import(signer *model.Signer, files []string, opt ImportOptions) (ImportResult, error) {
	if opt.Batch <= 0 {
		opt.Batch = 5000
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	// An import allocates much and keeps little: collect garbage less often while it runs.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	// … but never let that take the heap far: a chat export of gigabytes is read in bounded
	// memory, and the collector works harder as the heap nears this.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	sources, err := ingest.DetectFormats(files, opt.Format)
	if err != nil {
		return ImportResult{}, err
	}
	var queue []string
	for _, src := range sources {
		if src.Parser == nil {
			queue = append(queue, src.File)
		}
	}
	kinds, fresh, err := s.validate(queue, signer.Operator, opt.Now())
	var ie *ImportError
	if err != nil && !errors.As(err, &ie) {
		return ImportResult{}, err
	}
	if ie == nil {
		ie = &ImportError{}
	}
	var res ImportResult
	for _, src := range sources {
		res.Formats = append(res.Formats, src.Format())
	}
	if kinds == nil {
		kinds = map[string]model.GroupKind{}
	}
	stored := map[string]model.GroupKind{}
	notes := map[string]bool{}
	mappers := make([]*ingest.ChatMapper, len(sources))
	for i, src := range sources {
		if src.Parser == nil || ie.More {
			continue
		}
		goOn, m := s.validateChat(src, opt, stored, kinds, notes, &res, ie.add)
		mappers[i] = m
		if !goOn {
			break
		}
	}
	if len(ie.Faults) > 0 {
		return ImportResult{Formats: res.Formats, Notes: res.Notes}, ie
	}
	if len(queue) < len(sources) {
		fresh = nil // chat exports write posts the validation of the queue files did not see
	}
	for i, src := range sources {
		if src.Parser == nil {
			err = s.importFile(signer, src.File, kinds, fresh, opt, &res)
		} else {
			err = s.importChat(signer, src, mappers[i], stored, kinds, opt, &res)
		}
		if err != nil {
			return s.rollBack(res, err)
		}
	}
	if err := s.endImport(); err != nil {
		return s.rollBack(res, err)
	}
	return res, nil
}

// endImport ends the journal of an import that wrote: from its commit, the import stands.
func (s *Store) endImport() error {
	return s.update(func(tx *bbolt.Tx) error {
		if _, ok := journalOf(tx); ok {
			return endJournal(tx)
		}
		return nil
	})
}

// rollBack undoes an import of files that failed after it began to write (undoFailed), with
// the files of rejected records it wrote beside its inputs.
func (s *Store) rollBack(res ImportResult, cause error) (ImportResult, error) {
	for _, f := range res.Rejects {
		os.Remove(f)
	}
	return ImportResult{Formats: res.Formats, Notes: res.Notes}, s.undoFailed(cause)
}

// undoFailed rolls back an import that failed after it began to write (undoImport), and
// returns its fault as an ImportError, which says that nothing was imported. A roll back
// that fails is said too: Open rolls the import back before anything reads the database.
func (s *Store) undoFailed(cause error) error {
	var ie *ImportError
	if !errors.As(cause, &ie) {
		ie = &ImportError{Faults: []error{cause}}
	}
	if _, err := s.undoImport(); err != nil {
		ie.NotUndone = i18n.E("storage.import.not-undone", err, s.path)
	}
	return ie
}

func splitMemberKey(k string) (group, id string) {
	for i := 0; i < len(k); i++ {
		if k[i] == 0 {
			return k[:i], k[i+1:]
		}
	}
	return "", k
}

// importFile is the second pass over one queue file: parse and check on every core, write on
// this goroutine in transactions of opt.Batch records.
func (s *Store) importFile(signer *model.Signer, file string, kinds map[string]model.GroupKind, fresh *postIDs, opt ImportOptions, res *ImportResult) error {
	r, err := os.Open(file)
	if err != nil {
		return err
	}
	defer r.Close()
	return s.store(signer, file, kinds, fresh, opt, res, func(prepare func(*ingest.Record) (*item, error), deliver func([]*item) error) error {
		// Without the checks the writer is the slower of the two, and a core is left to it;
		// the checks need every core.
		workers := runtime.GOMAXPROCS(0)
		if opt.Check == nil {
			workers--
		}
		return ingest.ParseQueue(r, file, workers, prepare, deliver)
	})
}

// store writes the records that feed delivers, in the order delivered, in transactions of
// opt.Batch records. feed calls prepare on each record (on any goroutine) before delivering
// it: the checks that need no state run there, on every core.
// fresh, when not nil, knows the posts that cannot be stored before they are written.
func (s *Store) store(signer *model.Signer, file string, kinds map[string]model.GroupKind, fresh *postIDs, opt ImportOptions, res *ImportResult,
	feed func(prepare func(*ingest.Record) (*item, error), deliver func([]*item) error) error) error {
	// The writer runs on its own goroutine, so that parsing goes on while it commits.
	batches := make(chan []*item)
	writeErr := make(chan error, 1)
	known := map[memberRef]struct{}{}
	var muted map[memberRef]time.Time
	if opt.Muted != nil {
		var err error
		if muted, err = s.mutedAuthors(); err != nil {
			return err
		}
	}
	go func() {
		var err error
		for recs := range batches {
			if err == nil {
				err = s.writeBatch(signer, file, recs, known, fresh, opt, res)
			}
		}
		writeErr <- err
	}()
	pending := make([]*item, 0, opt.Batch)
	failed := func() error {
		select {
		case err := <-writeErr:
			writeErr <- err
			return err
		default:
			return nil
		}
	}
	flush := func() error {
		if len(pending) == 0 {
			return failed()
		}
		batches <- pending
		pending = make([]*item, 0, opt.Batch)
		return failed()
	}
	prepare := func(r *ingest.Record) (*item, error) {
		rec := &item{Record: r}
		if rec.Post != nil && opt.Check != nil {
			rec.prepared = opt.Check(rec.Post, kinds[rec.Post.Group])
		}
		if p := rec.Post; p != nil && muted != nil {
			if until, ok := muted[memberRef{p.Group, p.Author}]; ok && p.Time.Before(until) {
				opt.Muted(p, kinds[p.Group])
			}
		}
		return rec, rec.prepare()
	}
	err := feed(prepare, func(recs []*item) error {
		for _, rec := range recs {
			if rec.Post != nil && opt.InOrder != nil {
				if opt.InOrder(rec.Post, kinds[rec.Post.Group], rec.prepared) {
					if err := rec.prepare(); err != nil {
						return err
					}
				}
			}
			rec.prepared = nil
			pending = append(pending, rec)
			if len(pending) >= opt.Batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	close(batches)
	if werr := <-writeErr; werr != nil {
		return werr
	}
	return err
}

// item is a record of an input on its way into the store, with what the parsing goroutines
// made of it for the writer.
type item struct {
	*ingest.Record
	draft    model.Draft    // its event's draft
	writes   *newPostWrites // of a post, made with the draft: its writes if it is new
	prepared any            // what ImportOptions.Check prepared for ImportOptions.InOrder
}

// asIs is the preparation of a record that needs none.
func asIs(r *ingest.Record) (*ingest.Record, error) { return r, nil }

// prepare makes the record's draft and, for a post, its writes if it is new: the writer's
// work that needs no state, done on the parsing goroutines.
func (rec *item) prepare() error {
	d, err := rec.Draft()
	rec.draft, rec.writes = d, nil
	if err == nil && rec.Post != nil {
		rec.writes = prepareNewPost(rec.Post)
	}
	return err
}

// beginFileImport begins the journal of an import of files in its first transaction: the
// signer's chain, the count of events, the clock, and the projection, which it writes.
func beginFileImport(st *txState, signer model.Key) error {
	if _, ok := journalOf(st.tx); ok {
		return nil
	}
	j, err := beginJournal(st.tx, "files")
	if err == nil {
		err = j.head(st, signer)
	}
	for _, k := range [][]byte{kLogSeq, kMaxTime} {
		if err == nil {
			err = j.keep(st.tx, bMeta, k)
		}
	}
	if err == nil {
		err = j.projection()
	}
	return err
}

// writeBatch writes one transaction of drafts as import batches.
func (s *Store) writeBatch(signer *model.Signer, file string, recs []*item, known map[memberRef]struct{}, fresh *postIDs, opt ImportOptions, res *ImportResult) error {
	unchanged, unknown := 0, 0
	n := s.batches.Add(1)
	err := s.update(func(tx *bbolt.Tx) error {
		if err := fault("batch", int(n)); err != nil {
			return err
		}
		st := newTxState(tx)
		if err := beginFileImport(st, signer.Operator.Key); err != nil {
			return err
		}
		st.known = known
		st.direct = true
		st.fresh = fresh
		a := newAppender(st, signer, opt.Now)
		b := a.batcher()
		for _, rec := range recs {
			skip, err := st.settle(rec)
			if err != nil {
				return err
			}
			if skip {
				unknown++
				continue
			}
			err = b.add(&rec.draft, rec.writes)
			if errors.Is(err, model.ErrNoChange) {
				unchanged++
				continue
			}
			if err != nil {
				return &ingest.LineError{File: file, Line: rec.Line, Msg: err.Error(), Err: err}
			}
		}
		if err := b.flush(); err != nil {
			return err
		}
		return a.finish()
	})
	if err != nil {
		return err
	}
	// Every tenth transaction, let the pages of the file go from the process's memory.
	if n%10 == 0 {
		s.releaseMap()
	}
	res.Records += len(recs)
	res.Unchanged += unchanged + unknown
	res.Unknown += unknown
	res.Events = res.Records - res.Unchanged
	if opt.Progress != nil {
		opt.Progress(res.Records)
	}
	return nil
}
