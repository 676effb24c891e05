package ingest

import (
	"slices"
	"strings"

	"qunshen/internal/i18n"
)

// NamePrefix starts the id of a member that an export names only by a name: name:张伟.
const NamePrefix = "name:"

// maxNames bounds what the mapper remembers of the names of a file: past it, a name it has
// not seen stays a member by name.
const maxNames = 1 << 20

// nameRef is a name (its NameKey) in a group.
type nameRef struct{ group, key string }

// nameUse is how a name without an id was used in the file, for the notes.
type nameUse struct {
	name    string // as first written
	notices int    // persons of join and leave notices
	posts   int    // messages sent under it
}

// Outcomes of finding a person named only by a name.
const (
	nameOwn       = iota // the person came with an id of their own
	nameFound            // one member of that name: the person is that member
	nameUnknown          // no member of that name with an id: a member by name
	nameAmbiguous        // several members of that name: not told apart
)

// nameBook finds the member a name stands for: a person that a join or leave notice names
// only by nickname, or a sender that an export gives only by name, is the member of that
// name — among the senders of the whole file (learned in the first pass over it) and the
// members the store holds of the group (by name and nickname) — where exactly one member
// has it. Names are compared by NameKey.
type nameBook struct {
	frozen bool                 // the first pass is over: nothing more is learned
	file   map[nameRef][]string // the ids of the file's senders of a name (at most three)
	first  map[senderKey]Sender // a sender's names as the file first gives them
	// stored holds the store's members of a group by name key, loaded on first need;
	// lookup loads them (nil in the second pass: what the first loaded is kept).
	stored map[string]map[string][]Sender
	lookup func(group string, each func(Sender)) error
	uses   map[nameRef]*nameUse
	order  []nameRef
	size   int
}

func newNameBook() *nameBook {
	return &nameBook{file: map[nameRef][]string{}, first: map[senderKey]Sender{}, stored: map[string]map[string][]Sender{},
		uses: map[nameRef]*nameUse{}}
}

// byNameOnly reports whether s names a person by a name only.
func byNameOnly(s Sender) bool { return s.ID == "" || strings.HasPrefix(s.ID, NamePrefix) }

// nameKeys are the keys of the names s gives: its name, its nickname, and the name in an id
// of the form name:….
func nameKeys(s Sender) []string {
	var keys []string
	for _, n := range []string{s.Name, s.Nickname, strings.TrimPrefix(s.ID, NamePrefix)} {
		if n == s.ID && !strings.HasPrefix(n, NamePrefix) {
			continue
		}
		if k := NameKey(n); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// learn remembers the names of a sender who comes with an id, in the first pass.
func (b *nameBook) learn(group string, s Sender) {
	if b.frozen || byNameOnly(s) || b.size >= maxNames {
		return
	}
	k := senderKey{group, s.ID}
	if _, ok := b.first[k]; !ok {
		b.first[k] = Sender{ID: s.ID, Name: s.Name, Nickname: s.Nickname}
		b.size++
	}
	for _, key := range nameKeys(s) {
		r := nameRef{group, key}
		ids := b.file[r]
		if !slices.Contains(ids, s.ID) && len(ids) < 3 {
			b.file[r] = append(ids, s.ID)
			b.size++
		}
	}
}

// storedNames is the store's members of a group by name key.
func (b *nameBook) storedNames(group string) map[string][]Sender {
	if idx, ok := b.stored[group]; ok || b.lookup == nil {
		return idx
	}
	idx := map[string][]Sender{}
	b.stored[group] = idx
	add := func(key string, s Sender) {
		if key != "" && !slices.ContainsFunc(idx[key], func(x Sender) bool { return x.ID == s.ID }) {
			idx[key] = append(idx[key], s)
		}
	}
	// A fault of the store leaves the group's members unknown by name: the names stay
	// members by name, as they would with an empty group.
	_ = b.lookup(group, func(s Sender) {
		add(NameKey(s.Name), s)
		add(NameKey(s.Nickname), s)
	})
	return idx
}

// find gives the member a sender stands for, and how it was found. A sender with an id of its
// own is itself; one named only by a name is the one member of that name, else it stays as it
// is (a member by name, name:…), and ambiguous tells that several members have the name.
func (b *nameBook) find(group string, s Sender) (Sender, int) {
	if !byNameOnly(s) {
		return s, nameOwn
	}
	var found []Sender
	add := func(x Sender) {
		if !slices.ContainsFunc(found, func(y Sender) bool { return y.ID == x.ID }) {
			found = append(found, x)
		}
	}
	stored := b.storedNames(group)
	for _, key := range nameKeys(s) {
		for _, id := range b.file[nameRef{group, key}] {
			x := b.first[senderKey{group, id}]
			x.ID = id
			add(x)
		}
		for _, x := range stored[key] {
			add(x)
		}
	}
	// A member already known only by this name (name:…) is the person too, unless members
	// with an id have the name: they are the ones to tell apart.
	found = slices.DeleteFunc(found, byNameOnly)
	switch {
	case len(found) == 1:
		who := found[0]
		who.Role = s.Role
		return who, nameFound
	case len(found) > 1:
		return s, nameAmbiguous
	}
	return s, nameUnknown
}

// use counts, in the first pass, a person named only by a name, for the notes.
func (b *nameBook) use(group string, s Sender, post bool) {
	if b.frozen {
		return
	}
	name := memberName(s)
	r := nameRef{group, NameKey(name)}
	u := b.uses[r]
	if u == nil {
		if len(b.uses) >= maxNames {
			return
		}
		u = &nameUse{name: name}
		b.uses[r] = u
		b.order = append(b.order, r)
	}
	if post {
		u.posts++
	} else {
		u.notices++
	}
}

// memberName is the name a sender without an id is known by.
func memberName(s Sender) string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Nickname != "":
		return s.Nickname
	}
	return strings.TrimPrefix(s.ID, NamePrefix)
}

// notes tells what became of the names without ids of a file, now that the whole file is
// known: the names several members share (not told apart), the names of notices that match
// no member with an id, and the messages given to a member found by its name.
func (b *nameBook) notes(file string) []*i18n.Error {
	var out []*i18n.Error
	var unknown, linked []string
	for _, r := range b.order {
		u := b.uses[r]
		who, how := b.find(r.group, Sender{Nickname: u.name})
		switch {
		case how == nameAmbiguous:
			out = append(out, i18n.E("ingest.map.ambiguous", file, u.name, strings.Join(b.idsOf(r), ", "), u.notices, u.posts))
		case how == nameUnknown && u.notices > 0:
			unknown = append(unknown, NamePrefix+u.name)
		case how == nameFound && u.posts > 0:
			linked = append(linked, u.name+" → "+who.ID)
		}
	}
	if len(unknown) > 0 {
		out = append(out, i18n.E("ingest.map.by-name", file, len(unknown), listSome(unknown)))
	}
	if len(linked) > 0 {
		out = append(out, i18n.E("ingest.map.linked", file, len(linked), listSome(linked)))
	}
	return out
}

// idsOf lists the ids of the members that share a name.
func (b *nameBook) idsOf(r nameRef) []string {
	var ids []string
	for _, id := range b.file[r] {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, s := range b.stored[r.group][r.key] {
		if !byNameOnly(s) && !slices.Contains(ids, s.ID) {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// listSome lists the first five of a list, and how many more there are.
func listSome(ss []string) string {
	if len(ss) <= 5 {
		return strings.Join(ss, ", ")
	}
	return strings.Join(ss[:5], ", ") + ", …"
}
