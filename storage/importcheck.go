package storage

// The first pass of an import of queue files: every line parsed and checked against what came
// before it in the files and against the database, before anything is written; and the
// faults it lists.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	fastjson "github.com/goccy/go-json"
	"go.etcd.io/bbolt"

	"qunshen/internal/i18n"
	"qunshen/internal/ingest"
	"qunshen/model"
)

// maxErrors is how many faults an import lists before it stops looking.
const maxErrors = 20

// ImportError lists the faults of the files; nothing of them was applied.
type ImportError struct {
	Faults []error
	More   bool
	// NotUndone, when set, says that what the import wrote could not be rolled back yet:
	// the next Open of the database rolls it back.
	NotUndone error
}

// add lists one more fault, and reports whether there is room for others: after maxErrors
// the list is closed and marked More.
func (e *ImportError) add(err error) bool {
	if len(e.Faults) == maxErrors {
		e.More = true
		return false
	}
	e.Faults = append(e.Faults, err)
	return true
}

// Lines are the faults and a closing line, for the user's language (i18n.Explain).
func (e *ImportError) Lines() []error {
	out := append([]error(nil), e.Faults...)
	if e.More {
		out = append(out, i18n.E("storage.import.more", maxErrors))
	}
	out = append(out, i18n.E("storage.import.nothing"))
	if e.NotUndone != nil {
		out = append(out, e.NotUndone)
	}
	return out
}

// Unwrap gives the faults, for errors.Is and errors.As.
func (e *ImportError) Unwrap() []error { return e.Faults }

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
	s += "\nnothing was imported"
	if e.NotUndone != nil {
		s += "\n" + e.NotUndone.Error()
	}
	return s
}

// validate is the first pass: parse everything, and check references and resubmissions
// against what came before in the files and against the database. A reference must be made
// before it is used (the roster before the posts), as the second pass writes in that order.
// It returns the kind of every group the files name, for the checks, and which of their
// posts may be stored before the import writes them.
func (s *Store) validate(files []string, op model.Operator, now time.Time) (map[string]model.GroupKind, *postIDs, error) {
	ie := &ImportError{}
	fresh := newPostIDs()
	add := ie.add
	groups := map[string]model.GroupKind{} // "" for a group that is not there
	members := map[memberRef]bool{}
	// The complaints and applications of the files, few beside the posts: one filed twice
	// with other content is refused here, not half-way through the writing.
	reports := map[string]*model.Violation{}
	apps := map[string]*model.Application{}
	err := s.view(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		scope, err := newImportScope(st, op, now) // a designated operator imports its groups
		if err != nil {
			return err
		}
		bp := recordsOf(tx, bPosts)
		noPosts := false // a database without posts: no post of the files is stored
		if k, _ := bp.Cursor().First(); k == nil {
			noPosts = true
		}
		hasGroup := func(g string) bool {
			if kind, ok := groups[g]; ok {
				return kind != ""
			}
			stored, ok, err := st.Group(g)
			groups[g] = ""
			if err == nil && ok {
				groups[g] = stored.Kind
			}
			return groups[g] != ""
		}
		// Whether a stored group is dissolved, read once a group: the groups of a file are
		// mostly not stored yet, and a look-up that finds nothing is not kept by the state.
		dissolvedGroups := map[string]bool{}
		isDissolved := func(g string) bool {
			d, ok := dissolvedGroups[g]
			if !ok {
				stored, found, err := st.Group(g)
				d = err == nil && found && stored.Status == model.GroupDissolved
				dissolvedGroups[g] = d
			}
			return d
		}
		hasMember := func(g, m string) bool {
			if members[memberRef{g, m}] {
				return true
			}
			ok, _ := st.HasMember(g, m)
			return ok
		}
		for _, f := range files {
			r, err := os.Open(f)
			if err != nil {
				if !add(err) {
					break
				}
				continue
			}
			err = ingest.ParseQueue(r, f, runtime.GOMAXPROCS(0), asIs, func(recs []*ingest.Record) error {
				for _, rec := range recs {
					ok := true
					at := func(key string, args ...any) {
						fault := i18n.E(key, args...)
						ok = ok && add(&ingest.LineError{File: f, Line: rec.Line, Msg: fault.Error(), Err: fault})
					}
					switch {
					case rec.Group != nil:
						groups[rec.Group.ID] = rec.Group.Kind
					case rec.Member != nil:
						m := rec.Member
						if !hasGroup(m.Group) {
							at("storage.queue.member-group", m.ID, m.Group)
						}
						members[memberRef{m.Group, m.ID}] = true
					case rec.Post != nil:
						p := rec.Post
						if !hasGroup(p.Group) {
							at("storage.queue.post-group", p.ID, p.Group)
						} else if !p.FromHistory && isDissolved(p.Group) {
							at("storage.queue.dissolved", p.ID, p.Group)
						} else if !hasMember(p.Group, p.Author) {
							at("storage.queue.post-member", p.ID, p.Author, p.Group)
						}
						var raw []byte
						if !noPosts {
							raw = bp.Get([]byte(p.ID))
						}
						fresh.add(p.ID, raw != nil)
						if raw != nil {
							old, _, err := st.Post(p.ID)
							if err != nil {
								return err
							}
							if !samePost(&old, p) && old.Status != model.PostPending && old.Status != model.PostChangesRequested && old.Status != model.PostReturned {
								at("storage.queue.post-changed", p.ID, string(old.Status))
							}
						}
					case rec.Report != nil:
						v := *rec.Report
						v.Source = model.SourceComplaint // as the fold files it
						if !hasMember(v.Group, v.Member) {
							at("storage.queue.report-member", v.ID, v.Member, v.Group)
						}
						old, ok := reports[v.ID]
						if !ok {
							stored, found, err := st.Violation(v.ID)
							if err != nil {
								return err
							}
							old, ok = &stored, found
						}
						if ok && !model.SameViolation(old, &v) {
							at("storage.queue.report-changed", v.ID, v.ID)
						}
						reports[v.ID] = &v
					case rec.Application != nil:
						a := *rec.Application
						if !hasGroup(a.Group) {
							at("storage.queue.app-group", a.ID, a.Group)
						}
						old, ok := apps[a.ID]
						if !ok {
							stored, found, err := st.Application(a.ID)
							if err != nil {
								return err
							}
							old, ok = &stored, found
						}
						if ok && !model.SameApplication(old, &a) {
							at("storage.queue.app-changed", a.ID)
						}
						apps[a.ID] = &a
					}
					if err := scope.check(st, f, rec); err != nil && ok {
						ok = add(err)
					}
					if !ok {
						return errStop
					}
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
		return nil, nil, err
	}
	if len(ie.Faults) > 0 {
		return nil, nil, ie
	}
	fresh.done()
	return groups, fresh, nil
}

// dissolved reports whether p is a new pending post of a group the database holds

// mutedAuthors are the members the database holds muted, with the end of their mute; nil
// when there are none.
func (s *Store) mutedAuthors() (map[memberRef]time.Time, error) {
	var out map[memberRef]time.Time
	err := s.view(func(tx *bbolt.Tx) error {
		if v := recordsOf(tx, bCounts).Get([]byte("member/" + string(model.MemberMuted))); len(v) != 8 {
			return nil // none: the members need not be read
		}
		return recordsOf(tx, bMembers).ForEach(func(k, v []byte) error {
			if !bytes.Contains(v, []byte(`"status":"muted"`)) {
				return nil
			}
			var m model.Member
			if err := fastjson.Unmarshal(v, &m); err != nil {
				return inconsistent("stored member %q is damaged: %w", printable(k), err)
			}
			if m.Status == model.MemberMuted {
				if out == nil {
					out = map[memberRef]time.Time{}
				}
				out[memberRef{m.Group, m.ID}] = m.MutedUntil
			}
			return nil
		})
	})
	return out, err
}

func samePost(a, b *model.Post) bool {
	return a.Group == b.Group && a.Author == b.Author && a.Time.Equal(b.Time) && a.Title == b.Title && a.Body == b.Body
}

// dissolved reports whether a post that is not history would go to a group the database
// holds dissolved: the fold would refuse it (history may still come).
func dissolved(st *txState, p *model.Post) bool {
	if p.FromHistory {
		return false
	}
	g, ok, err := st.Group(p.Group)
	return err == nil && ok && g.Status == model.GroupDissolved
}
