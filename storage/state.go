package storage

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"

	fastjson "github.com/goccy/go-json"

	"qunshen/model"
)

func (st *txState) Operator(k model.Key) (model.Operator, bool, error) {
	if o, ok := st.operators[k]; ok {
		return o, true, nil
	}
	o, ok, err := getJSON[model.Operator](st, bOperators, string(k[:]))
	if ok {
		st.operators[k] = o
	}
	return o, ok, err
}

func (st *txState) Group(id string) (model.Group, bool, error) {
	if g, ok := st.groups[id]; ok {
		return g, true, nil
	}
	g, ok, err := getJSON[model.Group](st, bGroups, id)
	if ok {
		st.groups[id] = g
	}
	return g, ok, err
}

func (st *txState) Member(key string) (model.Member, bool, error) {
	if m, ok := st.members[key]; ok {
		return m, true, nil
	}
	m, ok, err := getJSON[model.Member](st, bMembers, key)
	if ok {
		st.members[key] = m
	}
	return m, ok, err
}

func (st *txState) HasMember(group, id string) (bool, error) {
	if st.fresh != nil {
		// The import's validation found every author it names, in the database or earlier
		// in its files, whose members are written before the posts; none is removed.
		return true, nil
	}
	ref := memberRef{group, id}
	if _, ok := st.known[ref]; ok {
		return true, nil
	}
	st.key = append(append(append(st.key[:0], group...), 0), id...)
	if st.get(bMembers, st.key) == nil {
		return false, nil
	}
	if st.known != nil {
		st.known[ref] = struct{}{}
	}
	return true, nil
}

func (st *txState) Post(id string) (model.Post, bool, error) {
	p, ok, err := st.LendPost(id)
	if !ok {
		return model.Post{}, ok, err
	}
	return *p, true, nil // the fold copies History before it appends
}

// LendPost is the post id as the transaction holds it (model.PostLender): the caller reads
// it and does not change it. An entry never changes the post it holds, but replaces it.
func (st *txState) LendPost(id string) (*model.Post, bool, error) {
	if e, ok := st.posts[id]; ok {
		if e.lean && id != st.deciding {
			if err := e.whole(); err != nil {
				return nil, false, inconsistent("stored post %q is damaged: %w", id, err)
			}
		}
		return e.p, true, nil
	}
	if st.fresh != nil && !st.fresh.mayExist(id) {
		return nil, false, nil
	}
	raw := st.get(bPosts, []byte(id))
	if raw == nil {
		return nil, false, nil
	}
	p, content, err := decodePost(raw)
	if err != nil {
		return nil, false, inconsistent("stored post %q is damaged: %w", id, err)
	}
	st.posts[id] = &postEntry{p: &p, content: content}
	return &p, true, nil
}

func (st *txState) Violation(id string) (model.Violation, bool, error) {
	return getJSON[model.Violation](st, bViolations, id)
}

func (st *txState) Application(id string) (model.Application, bool, error) {
	return getJSON[model.Application](st, bApps, id)
}

func (st *txState) Rectification(id string) (model.Rectification, bool, error) {
	return getJSON[model.Rectification](st, bRects, id)
}

func (st *txState) GroupApplication(id string) (model.GroupApplication, bool, error) {
	return getJSON[model.GroupApplication](st, bGroupApps, id)
}

func (st *txState) Incident(id string) (model.Incident, bool, error) {
	return getJSON[model.Incident](st, bIncidents, id)
}

func (st *txState) Accountability(id string) (model.Accountability, bool, error) {
	return getJSON[model.Accountability](st, bAccount, id)
}

// GroupRectifications are the inspection findings against a group (model.State): those
// stored, as this transaction has changed them.
func (st *txState) GroupRectifications(group string) ([]model.Rectification, error) {
	raw := map[string][]byte{}
	if err := st.rec(bRects).ForEach(func(k, v []byte) error {
		raw[string(k)] = v
		return nil
	}); err != nil {
		return nil, err
	}
	if !st.direct {
		if set := st.writes[string(bRects)]; set != nil {
			for _, x := range set.list {
				if x.w.del {
					delete(raw, x.k)
				} else {
					raw[x.k] = x.w.v
				}
			}
		}
	}
	var out []model.Rectification
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		var r model.Rectification
		if err := fastjson.Unmarshal(raw[k], &r); err != nil {
			return nil, inconsistent("stored rectification %q is damaged: %w", k, err)
		}
		if r.Group == group {
			out = append(out, r)
		}
	}
	return out, nil
}

// Designation is a designation of the authority, kept decoded for the transaction (and the
// fold's chunks after it): every event of a designated operator reads its own.
func (st *txState) Designation(serial string) (model.DesignationRecord, bool, error) {
	if d, ok := st.designations[serial]; ok {
		return d, true, nil
	}
	d, ok, err := getJSON[model.DesignationRecord](st, bDesign, serial)
	if ok {
		if st.designations == nil {
			st.designations = map[string]model.DesignationRecord{}
		}
		st.designations[serial] = d
	}
	return d, ok, err
}

func (st *txState) PutDesignation(_, d *model.DesignationRecord) error {
	if st.designations == nil {
		st.designations = map[string]model.DesignationRecord{}
	}
	st.designations[d.Serial] = *d
	return st.putJSON(bDesign, d.Serial, d)
}

func (st *txState) PutOperator(o *model.Operator) error {
	st.operators[o.Key] = *o
	return st.putJSON(bOperators, string(o.Key[:]), o)
}

func (st *txState) PutGroup(old, g *model.Group) error {
	st.counts.Group(old, g)
	st.groups[g.ID] = *g
	return st.putJSON(bGroups, g.ID, g)
}

func (st *txState) PutMember(old, m *model.Member) error {
	st.counts.Member(old, m)
	st.members[m.Key()] = *m
	if st.known != nil {
		st.known[memberRef{m.Group, m.ID}] = struct{}{}
	}
	return st.putJSON(bMembers, m.Key(), m)
}

func (st *txState) PutPost(old, p *model.Post) error {
	st.counts.Post(old, p)
	if w := st.submitted.writesFor(old, p); w != nil && st.direct {
		st.put(ixPostStatus, w.statusKey, w.statusVal)
		for i := range w.factKeys {
			st.put(ixFacts, w.factKeys[i], w.factVals[i])
		}
		delete(st.posts, p.ID)
		st.put(bPosts, []byte(p.ID), w.record)
		return nil
	}
	var content []byte // the content's bytes, when they stay as they are stored
	if old != nil && sameContent(old, p) {
		if e := st.posts[p.ID]; e != nil {
			content = e.content
		}
	}
	e := st.posts[p.ID]
	lean := e != nil && e.lean // p is the lean post a decision read, with what it decided
	if lean && content == nil {
		return fmt.Errorf("post %q: a decision changed what its author wrote", p.ID)
	}
	if st.direct {
		// An import's posts come mostly in the order of their ids: written now, they cost no
		// entry to keep and no sort at the end. A later read in this transaction decodes them.
		var was []model.Fact
		if old != nil && e != nil {
			was = e.facts
		}
		facts := st.indexPost(old, p, was)
		if old != nil {
			st.del(ixPostStatus, postStatusKey(old))
		}
		st.put(ixPostStatus, postStatusKey(p), statusValue(facts))
		delete(st.posts, p.ID)
		st.put(bPosts, []byte(p.ID), encodePost(p, content))
		return nil
	}
	// The post and its entries in the indexes are written at the end of the transaction
	// (encodePosts), from the version the indexes hold to the last.
	ne := &postEntry{p: p, content: content, dirty: true, at: len(st.dirty), lean: lean} // kept, as old is
	switch {
	case e != nil && e.dirty: // written before in this transaction
		ne.base, ne.baseFacts, ne.at = e.base, e.baseFacts, e.at
		st.dirty[ne.at] = ne
	case old != nil:
		ne.base = old // the fold hands over a version it does not change again
		if e != nil {
			ne.baseFacts = e.facts
		}
		fallthrough
	default:
		st.dirty = append(st.dirty, ne)
	}
	st.posts[p.ID] = ne
	return nil
}

func (st *txState) PutViolation(old, v *model.Violation) error {
	st.counts.Violation(old, v)
	st.put(ixViolMember, violMemberKey(v), nil)
	st.indexViolation(old, v)
	return st.putJSON(bViolations, v.ID, v)
}

func (st *txState) PutApplication(old, a *model.Application) error {
	st.counts.Application(old, a)
	if old != nil {
		st.del(ixAppStatus, appStatusKey(old))
	}
	st.put(ixAppStatus, appStatusKey(a), nil)
	st.indexApplication(old, a)
	return st.putJSON(bApps, a.ID, a)
}

func (st *txState) PutRectification(old, r *model.Rectification) error {
	st.counts.Rectification(old, r)
	return st.putJSON(bRects, r.ID, r)
}

func (st *txState) PutGroupApplication(old, a *model.GroupApplication) error {
	st.counts.GroupApplication(old, a)
	return st.putJSON(bGroupApps, a.ID, a)
}

func (st *txState) PutIncident(old, in *model.Incident) error {
	st.counts.Incident(old, in)
	st.indexIncident(old, in)
	return st.putJSON(bIncidents, in.ID, in)
}

func (st *txState) Commendation(id string) (model.Commendation, bool, error) {
	return getJSON[model.Commendation](st, bCommend, id)
}

func (st *txState) ArchiveAccess(id string) (model.ArchiveAccess, bool, error) {
	return getJSON[model.ArchiveAccess](st, bAccess, id)
}

func (st *txState) PutCommendation(x *model.Commendation) error {
	st.counts.Commendation(x)
	return st.putJSON(bCommend, x.ID, x)
}

func (st *txState) PutArchiveAccess(old, x *model.ArchiveAccess) error {
	st.counts.ArchiveAccess(old, x)
	return st.putJSON(bAccess, x.ID, x)
}

func (st *txState) PutAccountability(old, x *model.Accountability) error {
	st.counts.Accountability(old, x)
	st.indexAccountability(old, x)
	return st.putJSON(bAccount, x.ID, x)
}

func (st *txState) PutSuperseded(id model.Hash, reason string) error {
	if st.get(bSuperseded, id[:]) == nil {
		st.counts["event/superseded"]++
	}
	st.put(bSuperseded, id[:], []byte(reason))
	return nil
}

// flushCounts writes the pending writes of the projection and adds the gathered deltas to
// the stored counts: the end of every transaction that folds.
func (st *txState) flushCounts() error {
	if err := st.flushWrites(); err != nil {
		return err
	}
	b := st.rec(bCounts)
	for k, d := range st.counts {
		if d == 0 {
			continue
		}
		var n int64
		if v := b.Get([]byte(k)); len(v) == 8 {
			n = int64(binary.BigEndian.Uint64(v))
		}
		n += d
		if n == 0 {
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
			continue
		}
		if err := b.Put([]byte(k), binary.BigEndian.AppendUint64(nil, uint64(n))); err != nil {
			return err
		}
	}
	clear(st.counts)
	return nil
}
