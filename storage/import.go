package storage

import (
	"errors"
	"fmt"
	"os"
	"time"

	"go.etcd.io/bbolt"

	"qunshen/model"
)

// ImportOptions tune an import.
type ImportOptions struct {
	// Check runs the regulations' checks on a post before it is stored (findings, major flag).
	Check func(*model.Post)
	// Batch is the number of records written per transaction (default 5,000).
	Batch int
	// Now gives the time of the events (default time.Now).
	Now func() time.Time
	// Progress, when set, is told how many bytes of all files were read, of how many.
	Progress func(done, total int64)
}

// ImportResult counts what an import did.
type ImportResult struct {
	Records   int // records read
	Events    int // events written: records that were new or changed
	Unchanged int // records already stored as they are
}

// maxErrors is how many faults an import lists before it stops looking.
const maxErrors = 20

// ImportError lists the faults of the files; nothing of them was applied.
type ImportError struct {
	Faults []error
	More   bool
}

func (e *ImportError) Error() string {
	s := ""
	for i, f := range e.Faults {
		if i > 0 {
			s += "\n"
		}
		s += f.Error()
	}
	if e.More {
		s += fmt.Sprintf("\n(stopped after %d faults)", maxErrors)
	}
	return s + "\nnothing was imported"
}

// Import reads the queue files, validates all of them whole — every line, and every reference
// to a group or member in the files or in the database — and only then writes them, in
// transactions of opt.Batch records, each closed by a signed checkpoint. A fault anywhere
// applies nothing. An import killed half-way leaves whole batches; running it again
// completes it, because records already stored as they are write no event.
func (s *Store) Import(signer *model.Signer, files []string, opt ImportOptions) (ImportResult, error) {
	if opt.Batch <= 0 {
		opt.Batch = 5000
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	var total int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			return ImportResult{}, err
		}
		total += fi.Size()
	}
	if err := s.validate(files); err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	var done int64
	for _, f := range files {
		if err := s.importFile(signer, f, opt, &res, &done, total); err != nil {
			return res, err
		}
	}
	return res, nil
}

// validate is the first pass: parse everything, and check references and resubmissions
// against what came before in the files and against the database. A reference must be made
// before it is used (the roster before the posts), as the second pass writes in that order.
func (s *Store) validate(files []string) error {
	ie := &ImportError{}
	add := func(err error) bool {
		if len(ie.Faults) == maxErrors {
			ie.More = true
			return false
		}
		ie.Faults = append(ie.Faults, err)
		return true
	}
	groups := map[string]bool{}
	members := map[string]bool{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		hasGroup := func(g string) bool { return groups[g] || tx.Bucket(bGroups).Get([]byte(g)) != nil }
		hasMember := func(g, m string) bool {
			k := model.MemberKey(g, m)
			return members[k] || tx.Bucket(bMembers).Get([]byte(k)) != nil
		}
		for _, f := range files {
			r, err := os.Open(f)
			if err != nil {
				if !add(err) {
					break
				}
				continue
			}
			err = ReadQueue(r, f, func(rec *Record) error {
				ok := true
				at := func(format string, args ...any) {
					ok = ok && add(&LineError{File: f, Line: rec.Line, Msg: fmt.Sprintf(format, args...)})
				}
				switch {
				case rec.Group != nil:
					groups[rec.Group.ID] = true
				case rec.Member != nil:
					m := rec.Member
					if !hasGroup(m.Group) {
						at("member %s: unknown group %q (the group must come first)", m.ID, m.Group)
					}
					members[m.Key()] = true
				case rec.Post != nil:
					p := rec.Post
					if !hasGroup(p.Group) {
						at("post %s: unknown group %q", p.ID, p.Group)
					} else if !hasMember(p.Group, p.Author) {
						at("post %s: unknown member %q of group %q (the roster must come before the posts)", p.ID, p.Author, p.Group)
					}
					old, found, err := st.Post(p.ID)
					if err != nil {
						return err
					}
					if found && !samePost(&old, p) && old.Status != model.PostPending && old.Status != model.PostChangesRequested && old.Status != model.PostReturned {
						at("post %s is %s already: a changed post must come under a new id", p.ID, old.Status)
					}
				case rec.Report != nil:
					v := rec.Report
					if !hasMember(v.Group, v.Member) {
						at("report %s: unknown member %q of group %q", v.ID, v.Member, v.Group)
					}
				case rec.Application != nil:
					a := rec.Application
					if !hasGroup(a.Group) {
						at("application %s: unknown group %q", a.ID, a.Group)
					}
				}
				if !ok {
					return errStop
				}
				return nil
			})
			r.Close()
			if errors.Is(err, errStop) {
				break
			}
			if err != nil && !add(err) {
				break
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(ie.Faults) > 0 {
		return ie
	}
	return nil
}

func splitMemberKey(k string) (group, id string) {
	for i := 0; i < len(k); i++ {
		if k[i] == 0 {
			return k[:i], k[i+1:]
		}
	}
	return "", k
}

func samePost(a, b *model.Post) bool {
	return a.Group == b.Group && a.Author == b.Author && a.Time.Equal(b.Time) && a.Title == b.Title && a.Body == b.Body
}

// importFile is the second pass over one file: parse in one goroutine, write in this one.
func (s *Store) importFile(signer *model.Signer, file string, opt ImportOptions, res *ImportResult, done *int64, total int64) error {
	type batch struct {
		drafts []model.Draft
		bytes  int64
	}
	r, err := os.Open(file)
	if err != nil {
		return err
	}
	defer r.Close()
	batches := make(chan batch, 4)
	parseErr := make(chan error, 1)
	stop := make(chan struct{})
	go func() {
		defer close(batches)
		cr := &countingReader{r: r}
		cur := batch{drafts: make([]model.Draft, 0, opt.Batch)}
		send := func() bool {
			cur.bytes = cr.n
			select {
			case batches <- cur:
			case <-stop:
				return false
			}
			cur = batch{drafts: make([]model.Draft, 0, opt.Batch)}
			return true
		}
		err := ReadQueue(cr, file, func(rec *Record) error {
			if rec.Post != nil && opt.Check != nil {
				opt.Check(rec.Post)
			}
			d, err := rec.Draft()
			if err != nil {
				return &LineError{File: file, Line: rec.Line, Msg: err.Error()}
			}
			cur.drafts = append(cur.drafts, d)
			if len(cur.drafts) == opt.Batch && !send() {
				return errStop
			}
			return nil
		})
		if err == nil && len(cur.drafts) > 0 {
			send()
		}
		parseErr <- err
	}()
	base := *done
	for b := range batches {
		err := s.db.Update(func(tx *bbolt.Tx) error {
			a := newAppender(newTxState(tx), signer, opt.Now)
			for i := range b.drafts {
				d := &b.drafts[i]
				err := a.add(d)
				if errors.Is(err, model.ErrNoChange) {
					res.Unchanged++
					continue
				}
				if err != nil {
					return &LineError{File: file, Line: d.Line, Msg: err.Error()}
				}
			}
			return a.finish()
		})
		if err != nil {
			close(stop)
			for range batches {
			}
			<-parseErr
			return err
		}
		res.Records += len(b.drafts)
		res.Events = res.Records - res.Unchanged
		*done = base + b.bytes
		if opt.Progress != nil {
			opt.Progress(*done, total)
		}
	}
	if err := <-parseErr; err != nil && !errors.Is(err, errStop) {
		return err
	}
	return nil
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
