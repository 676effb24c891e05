package storage

import (
	"bytes"
	"errors"
	"runtime"
	"strings"

	"go.etcd.io/bbolt"

	fastjson "github.com/goccy/go-json"
	"qunshen/internal/i18n"
	"qunshen/internal/ingest"
	"qunshen/model"
)

// readingOf is the progress callback of one pass over one file.
func readingOf(opt ImportOptions, file string, store bool) func(done, total int64) {
	if opt.Reading == nil {
		return nil
	}
	return func(done, total int64) { opt.Reading(file, store, done, total) }
}

// validateChat is the first pass over a chat export: read it whole, map every item, and
// check what the store must admit — the groups named exist, a message stored already and
// decided comes back unchanged. Faults go to add; it returns false when add says to stop.
// The mapper it returns has learned the names of the file (and of the stored members it
// needed) for the second pass.
//
// stored gathers the kind of every group the file names that is stored ("" for one that is
// not); kinds gathers the kinds of the groups the import stores or makes, for the checks.
func (s *Store) validateChat(src ingest.Source, opt ImportOptions, stored, kinds map[string]model.GroupKind, notes map[string]bool, res *ImportResult, add func(error) bool) (bool, *ingest.ChatMapper) {
	goOn := true
	var m *ingest.ChatMapper
	note := func(n error) {
		if !notes[n.Error()] {
			notes[n.Error()] = true
			res.Notes = append(res.Notes, n)
		}
	}
	err := s.view(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		groupKnown := func(id string) bool {
			if kind, seen := stored[id]; seen {
				return kind != ""
			}
			g, ok, err := st.Group(id)
			stored[id] = ""
			if err == nil && ok {
				stored[id], kinds[id] = g.Kind, g.Kind
			}
			return stored[id] != ""
		}
		m = ingest.NewChatMapper(src.Parser, opt.Group, opt.History, groupKnown)
		m.StoredMembers(func(group string, each func(ingest.Sender)) error { return membersByName(tx, group, each) })
		var pos ingest.Pos
		check := func(rec *ingest.Record) {
			if rec.Group != nil {
				kinds[rec.Group.ID] = rec.Group.Kind
			}
			if rec.Post == nil || !goOn {
				return
			}
			if dissolved(st, rec.Post) {
				goOn = add(pos.Fault(src.File, i18n.E("ingest.map.dissolved", rec.Post.ID, rec.Post.Group)))
				return
			}
			old, ok, err := st.Post(rec.Post.ID)
			if err != nil || !ok {
				return
			}
			p := rec.Post
			if rec.ByName && p.Author != old.Author {
				// A post whose sender the export names only by a name keeps the author it
				// was stored with (see settle).
				q := *p
				q.Author = old.Author
				p = &q
			}
			if !samePost(&old, p) && old.Status != model.PostPending && old.Status != model.PostChangesRequested && old.Status != model.PostReturned {
				goOn = add(pos.Fault(src.File, i18n.E("ingest.map.changed", rec.Post.ID, i18n.E("post."+string(old.Status)))))
			}
		}
		err := ingest.ParseFile(src, readingOf(opt, src.File, false), func(it ingest.Item) error {
			if it.Note != "" {
				var n error = it.Notice
				if it.Notice == nil {
					n = i18n.E("ingest.bad", it.Note)
				}
				if !strings.HasPrefix(it.Note, src.File) {
					n = i18n.E("ingest.note.file", src.File, n)
				}
				note(n)
				return nil
			}
			pos = ingest.ItemPos(it)
			if why := m.Map(it, check); why != nil && !opt.SkipBad {
				goOn = add(pos.Fault(src.File, i18n.E("ingest.fault.skip", why)))
			}
			if !goOn {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			goOn = add(err)
		}
		return nil
	})
	if err != nil {
		return add(err), nil
	}
	for _, n := range m.Notes(src.File) {
		note(n)
	}
	return goOn, m
}

// membersByName calls each with the id, name and nickname of every stored member of group,
// for the mapper to find a person named only by a name.
func membersByName(tx *bbolt.Tx, group string, each func(ingest.Sender)) error {
	prefix := []byte(group + "\x00")
	c := recordsOf(tx, bMembers).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var x struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			Nickname string `json:"nickname"`
		}
		if err := fastjson.Unmarshal(v, &x); err != nil {
			return err
		}
		each(ingest.Sender{ID: x.ID, Name: x.Name, Nickname: x.Nickname})
	}
	return nil
}

// importChat is the second pass over a chat export: map its items again and store them as
// the queue's records are stored, the checks on every core. The records that cannot be
// imported (only with SkipBad) go, with their reasons, to a file beside the input.
//
// stored and kinds are what validateChat gathered; neither is changed here.
func (s *Store) importChat(signer *model.Signer, src ingest.Source, m *ingest.ChatMapper, stored, kinds map[string]model.GroupKind, opt ImportOptions, res *ImportResult) error {
	m.Rewind(func(id string) bool { return stored[id] != "" })
	rej := &ingest.Rejects{File: src.File}
	defer rej.Abandon()
	err := s.store(signer, src.File, kinds, nil, opt, res, func(prepare func(*ingest.Record) (*item, error), deliver func([]*item) error) error {
		return ingest.InOrder(runtime.GOMAXPROCS(0), prepare, deliver, func(emit func(*ingest.Record) error) error {
			var emitErr error
			put := func(rec *ingest.Record) {
				if emitErr == nil {
					emitErr = emit(rec)
				}
			}
			err := ingest.ParseFile(src, readingOf(opt, src.File, true), func(it ingest.Item) error {
				if it.Note != "" {
					return nil
				}
				if why := m.Map(it, put); why != nil {
					// The rejects file is read by programs: its reasons are in English.
					if err := rej.Add(it, why.Error()); err != nil {
						return err
					}
				}
				return emitErr
			})
			if err != nil {
				return err
			}
			m.Finish(put)
			return emitErr
		})
	})
	if err != nil {
		return err
	}
	for k, n := range m.Passed() {
		if res.Passed == nil {
			res.Passed = map[string]int{}
		}
		res.Passed[k] += n
	}
	if rej.N() > 0 {
		name, err := rej.Commit()
		if err != nil {
			return err
		}
		res.Rejected += rej.N()
		res.Rejects = append(res.Rejects, name)
	}
	return nil
}

// settle readies a record of a chat export for the store, in the writing transaction: a
// roster row keeps what is stored where its cells are empty; a recall or a pin of a post that
// is not stored is passed over (skip); a post stored already whose sender the export names
// only by a name keeps its author (a member found by name later, or a roster imported since,
// does not move a post from one member to another).
func (st *txState) settle(rec *item) (skip bool, err error) {
	switch {
	case rec.Mark != nil:
		_, ok, err := st.Post(rec.Mark.Post)
		return !ok, err
	case rec.ByName && rec.Post != nil:
		old, ok, err := st.LendPost(rec.Post.ID)
		if err != nil || !ok || old.Author == rec.Post.Author {
			return false, err
		}
		rec.Post.Author = old.Author
		return false, rec.prepare()
	case rec.Merge && rec.Member != nil:
		old, ok, err := st.Member(rec.Member.Key())
		if err != nil || !ok {
			return false, err
		}
		m := rec.Member
		for _, f := range []struct {
			dst *string
			old string
		}{{&m.Name, old.Name}, {&m.Nickname, old.Nickname}, {&m.Branch, old.Branch}} {
			if *f.dst == "" {
				*f.dst = f.old
			}
		}
		if m.Role == "" {
			m.Role = old.Role
		}
		if m.Joined.IsZero() {
			m.Joined = old.Joined
		}
		m.PartyMember = m.PartyMember || old.PartyMember
		rec.draft, err = rec.Draft()
		return false, err
	}
	return false, nil
}
