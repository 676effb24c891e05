package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"
	"unsafe"

	fastjson "github.com/goccy/go-json"
	"go.etcd.io/bbolt"

	"qunshen/model"
)

// The report index: every dated fact that a supervisor's report counts (model.Fact), keyed by
// kind and time, so that a report of a month reads that month's entries and nothing else.
//
//	key:   kind (1) | time (8) | id | n (4)
//	value: the fact's fields, strings as uvarint length and bytes, durations as varints
//
// but for the facts of submission (model.FactSubmit), one a post: their key would repeat the
// post's entry in the posts-by-status index (status | 0 | time | id), so they are that entry's
// value, and a report reads them from there, every status merged in time order. A post is then
// written to two indexes, not three (schema 4).
//
// It is a projection like the others: derived from the posts, violations and applications
// alone, written in the transaction that changes them, cleared with them when the log is
// replayed whole, compared by verify with the fold of the log, and built when a database of
// schema 2 or older is opened.
var ixFacts = []byte("ix_report")

func init() {
	allBuckets = append(allBuckets, ixFacts)
	projectionBuckets = append(projectionBuckets, ixFacts)
}

func factKey(f *model.Fact) []byte {
	k := make([]byte, 0, 1+8+len(f.ID)+4)
	k = append(k, byte(f.Kind))
	k = appendTimeKey(k, f.Time)
	k = append(k, f.ID...)
	return binary.BigEndian.AppendUint32(k, uint32(f.N))
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func factValue(f *model.Fact) []byte {
	// Room for the strings and their lengths, and for the numbers, at once.
	n := 32 + len(f.Group) + len(f.Class) + len(f.Decision) + len(f.Member) + len(f.Rule) + len(f.Clause) + len(f.Source) +
		len(f.Status) + len(f.Step) + len(f.Appeal) + len(f.AppKind)
	for _, r := range f.Rules {
		n += 2 + len(r)
	}
	for _, x := range f.Findings {
		n += 4 + len(x.Category) + len(x.Clause)
	}
	b := make([]byte, 0, n)
	b = model.AppendStr(b, f.Group)
	switch f.Kind {
	case model.FactSubmit:
		b = binary.AppendUvarint(b, uint64(len(f.Findings)))
		for _, x := range f.Findings {
			b = model.AppendStr(model.AppendStr(b, x.Category), x.Clause)
		}
	case model.FactDecide:
		b = model.AppendStr(b, string(f.Decision))
		b = appendBool(b, f.First)
		b = binary.AppendVarint(b, int64(f.Latency))
	case model.FactViolation:
		for _, s := range []string{f.Member, f.Rule, f.Clause, f.Source, f.Status} {
			b = model.AppendStr(b, s)
		}
		b = appendBool(b, f.Feedback)
		b = model.AppendStr(model.AppendStr(b, f.Step), f.Appeal)
	case model.FactSanction:
		b = model.AppendStr(model.AppendStr(model.AppendStr(b, f.Member), f.Step), f.Appeal)
	case model.FactApplication, model.FactAppDecided:
		b = model.AppendStr(model.AppendStr(b, string(f.AppKind)), f.Status)
		b = binary.AppendVarint(b, int64(f.Wait))
	case model.FactOverride:
		b = model.AppendStr(b, string(f.Decision))
		b = binary.AppendUvarint(b, uint64(len(f.Rules)))
		for _, r := range f.Rules {
			b = model.AppendStr(b, r)
		}
	case model.FactIncident, model.FactIncEscalated, model.FactIncClosed, model.FactAccountability:
		b = model.AppendStr(b, f.Class)
	case model.FactIncMeasured:
		b = model.AppendStr(b, f.Class)
		b = binary.AppendVarint(b, int64(f.Latency))
	}
	return b
}

var (
	errFact = errors.New("damaged entry of the report index")
	errSkip = errors.New("a fact of a group out of scope")
)

// factReader decodes index entries; the strings that repeat (groups, categories, clauses,
// statuses) are interned, so that a year's report does not allocate them a million times.
type factReader struct {
	groups map[string]bool // only the facts of these groups are decoded whole; nil: every group
	intern map[string]string
	model.Reader
}

func newFactReader() *factReader { return &factReader{intern: map[string]string{}} }

func (r *factReader) str() string {
	raw := r.Raw()
	if s, ok := r.intern[string(raw)]; ok {
		return s
	}
	s := string(raw)
	if len(r.intern) < 1<<16 {
		r.intern[s] = s
	}
	return s
}

func (r *factReader) bool() bool {
	b := r.Byte()
	if b > 1 && r.Err == nil {
		r.Err = errFact
	}
	return b == 1
}

// decode reads one entry into f, which it resets; f.Findings keeps its backing array.
func (r *factReader) decode(k, v []byte, f *model.Fact) error {
	if len(k) < 1+8+4 {
		return errFact
	}
	findings := f.Findings[:0]
	*f = model.Fact{Kind: model.FactKind(k[0])}
	f.Time = time.Unix(0, int64(binary.BigEndian.Uint64(k[1:9])^(1<<63)))
	rest := k[9:]
	// The id is the key's own bytes, valid during the read transaction: a report keeps none
	// of the hundreds of thousands it reads, and the caller copies the few it keeps.
	if n := len(rest) - 4; n > 0 {
		f.ID = unsafe.String(&rest[0], n)
	}
	f.N = int(binary.BigEndian.Uint32(rest[len(rest)-4:]))
	r.B, r.Err = v, nil
	f.Group = r.str()
	if r.groups != nil && !r.groups[f.Group] {
		return errSkip
	}
	switch f.Kind {
	case model.FactSubmit:
		c := r.Uvarint()
		if c > uint64(len(v)) {
			return errFact
		}
		for j := uint64(0); j < c && r.Err == nil; j++ {
			findings = append(findings, model.FactFinding{Category: r.str(), Clause: r.str()})
		}
		f.Findings = findings
	case model.FactDecide:
		f.Decision = model.Kind(r.str())
		f.First = r.bool()
		f.Latency = time.Duration(r.Varint())
	case model.FactViolation:
		f.Member, f.Rule, f.Clause, f.Source, f.Status = r.str(), r.str(), r.str(), r.str(), r.str()
		f.Feedback = r.bool()
		f.Step, f.Appeal = r.str(), r.str()
	case model.FactSanction:
		f.Member, f.Step, f.Appeal = r.str(), r.str(), r.str()
	case model.FactApplication, model.FactAppDecided:
		f.AppKind = model.ApplicationKind(r.str())
		f.Status = r.str()
		f.Wait = time.Duration(r.Varint())
	case model.FactOverride:
		f.Decision = model.Kind(r.str())
		c := r.Uvarint()
		if c > uint64(len(v)) {
			return errFact
		}
		for j := uint64(0); j < c && r.Err == nil; j++ {
			f.Rules = append(f.Rules, r.str())
		}
	case model.FactIncident, model.FactIncEscalated, model.FactIncClosed, model.FactAccountability:
		f.Class = r.str()
	case model.FactIncMeasured:
		f.Class = r.str()
		f.Latency = time.Duration(r.Varint())
	default:
		return errFact
	}
	if r.Err != nil {
		return errFact
	}
	return nil
}

// indexFacts brings the report index from the facts of an entity's old version to those of
// its new one: entries that left are deleted, entries new or changed written.
func (st *txState) indexFacts(old, facts []model.Fact) {
	factWrites(old, facts, func(k, v []byte, del bool) {
		if del {
			st.del(ixFacts, k)
		} else {
			st.put(ixFacts, k, v)
		}
	})
}

// factWrites gives the writes that bring the report index from facts old to facts.
func factWrites(old, facts []model.Fact, write func(k, v []byte, del bool)) {
	if len(old) > 16 {
		factWritesMany(old, facts, write)
		return
	}
	// A post has a few facts: a list is searched faster than a map is made.
	type entry struct {
		k, v []byte
		kept bool
	}
	was := make([]entry, len(old))
	for i := range old {
		was[i] = entry{k: factKey(&old[i]), v: factValue(&old[i])}
	}
next:
	for i := range facts {
		k, v := factKey(&facts[i]), factValue(&facts[i])
		for j := range was {
			if w := &was[j]; !w.kept && bytes.Equal(w.k, k) {
				w.kept = true
				if bytes.Equal(w.v, v) {
					continue next
				}
				break
			}
		}
		write(k, v, false)
	}
	for _, w := range was {
		if !w.kept {
			write(w.k, nil, true)
		}
	}
}

func factWritesMany(old, facts []model.Fact, write func(k, v []byte, del bool)) {
	was := make(map[string][]byte, len(old))
	for i := range old {
		was[string(factKey(&old[i]))] = factValue(&old[i])
	}
	for i := range facts {
		k, v := factKey(&facts[i]), factValue(&facts[i])
		if w, ok := was[string(k)]; ok {
			delete(was, string(k))
			if bytes.Equal(w, v) {
				continue
			}
		}
		write(k, v, false)
	}
	for k := range was {
		write([]byte(k), nil, true)
	}
}

// indexPost brings the report index from a post's old version to p, and returns p's facts.
// was, when not nil, are the old version's facts already known. The fact of p's submission
// is the value of its entry in the status index, which PutPost writes.
func (st *txState) indexPost(old, p *model.Post, was []model.Fact) []model.Fact {
	if old != nil && was == nil {
		was = model.PostFacts(old)
	}
	facts := model.PostFacts(p)
	st.indexFacts(decided(was), decided(facts))
	return facts
}

// decided leaves out a post's fact of submission, which stands first (model.PostFacts).
func decided(facts []model.Fact) []model.Fact {
	if len(facts) > 0 && facts[0].Kind == model.FactSubmit {
		return facts[1:]
	}
	return facts
}

// statusValue is the value of a post's entry in the status index: its fact of submission.
func statusValue(facts []model.Fact) []byte {
	if len(facts) > 0 && facts[0].Kind == model.FactSubmit {
		return factValue(&facts[0])
	}
	return nil
}

func (st *txState) indexViolation(old, v *model.Violation) {
	var was []model.Fact
	if old != nil {
		was = model.ViolationFacts(old)
	}
	st.indexFacts(was, model.ViolationFacts(v))
}

func (st *txState) indexIncident(old, in *model.Incident) {
	var was []model.Fact
	if old != nil {
		was = model.IncidentFacts(old)
	}
	st.indexFacts(was, model.IncidentFacts(in))
}

func (st *txState) indexAccountability(old, x *model.Accountability) {
	var was []model.Fact
	if old != nil {
		was = model.AccountabilityFacts(old)
	}
	st.indexFacts(was, model.AccountabilityFacts(x))
}

func (st *txState) indexApplication(old, a *model.Application) {
	var was []model.Fact
	if old != nil {
		was = model.ApplicationFacts(old)
	}
	st.indexFacts(was, model.ApplicationFacts(a))
}

// buildFactIndex fills the report index from the stored posts, violations and
// applications: a database of schema 2 or older has none.
func buildFactIndex(tx *bbolt.Tx) error {
	b := tx.Bucket(ixFacts)
	b.FillPercent = 0.9
	put := func(facts []model.Fact) error {
		for i := range facts {
			if err := b.Put(factKey(&facts[i]), factValue(&facts[i])); err != nil {
				return err
			}
		}
		return nil
	}
	err := tx.Bucket(bPosts).ForEach(func(k, v []byte) error {
		p, _, err := decodePost(v)
		if err != nil {
			return inconsistent("stored post %q is damaged: %w", k, err)
		}
		return put(decided(model.PostFacts(&p)))
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bViolations).ForEach(func(k, v []byte) error {
		var x model.Violation
		if err := fastjson.Unmarshal(v, &x); err != nil {
			return inconsistent("stored violation %q is damaged: %w", k, err)
		}
		return put(model.ViolationFacts(&x))
	})
	if err != nil {
		return err
	}
	return tx.Bucket(bApps).ForEach(func(k, v []byte) error {
		var x model.Application
		if err := fastjson.Unmarshal(v, &x); err != nil {
			return inconsistent("stored application %q is damaged: %w", k, err)
		}
		return put(model.ApplicationFacts(&x))
	})
}

// moveSubmitFacts brings a database of schema 3 or older to schema 4: the facts of
// submission leave the report index for the values of the status index.
func moveSubmitFacts(tx *bbolt.Tx) error {
	ix := tx.Bucket(ixPostStatus)
	err := tx.Bucket(bPosts).ForEach(func(k, v []byte) error {
		p, _, err := decodePost(v)
		if err != nil {
			return inconsistent("stored post %q is damaged: %w", k, err)
		}
		return ix.Put(postStatusKey(&p), statusValue(model.PostFacts(&p)))
	})
	if err != nil {
		return err
	}
	c := tx.Bucket(ixFacts).Cursor()
	for k, _ := c.Seek([]byte{byte(model.FactSubmit)}); k != nil && k[0] == byte(model.FactSubmit); k, _ = c.Seek([]byte{byte(model.FactSubmit)}) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// wantFactIndex is the report index of a fresh fold, for verify.
func wantFactIndex(mem *model.MemState) map[string]any {
	out := map[string]any{}
	add := func(facts []model.Fact) {
		for i := range facts {
			out[string(factKey(&facts[i]))] = factValue(&facts[i])
		}
	}
	for _, p := range mem.Posts {
		add(decided(model.PostFacts(&p)))
	}
	for _, v := range mem.Violations {
		add(model.ViolationFacts(&v))
	}
	for _, a := range mem.Applications {
		add(model.ApplicationFacts(&a))
	}
	for _, in := range mem.Incidents {
		add(model.IncidentFacts(&in))
	}
	for _, x := range mem.Accountabilities {
		add(model.AccountabilityFacts(&x))
	}
	return out
}

// Facts calls f with the entries of the report index of one kind whose time is in
// [from, to), of the groups given (every group when nil), in time order. The fact passed is
// reused, and its id is valid only during the call: f copies what it keeps.
func (s *Store) Facts(kind model.FactKind, from, to time.Time, groups map[string]bool, f func(*model.Fact) error) error {
	return s.view(func(tx *bbolt.Tx) error {
		r := newFactReader()
		r.groups = groups
		if kind == model.FactSubmit {
			return submitFacts(tx, r, from, to, f)
		}
		start := append([]byte{byte(kind)}, timeKey(from)...)
		end := append([]byte{byte(kind)}, timeKey(to)...)
		c := recordsOf(tx, ixFacts).Cursor()
		var fact model.Fact
		for k, v := c.Seek(start); k != nil && bytes.Compare(k, end) < 0; k, v = c.Next() {
			if err := r.decode(k, v, &fact); err != nil {
				if errors.Is(err, errSkip) {
					continue
				}
				return fmt.Errorf("%w: %q", err, printable(k))
			}
			if err := f(&fact); err != nil {
				return err
			}
		}
		return nil
	})
}

// submitFacts reads the facts of submission in [from, to) from the status index: the range of
// each status, merged in the order of time and id, as the report index would give them.
func submitFacts(tx *bbolt.Tx, r *factReader, from, to time.Time, f func(*model.Fact) error) error {
	type run struct {
		c      recordCursor
		prefix int
		end    []byte
		k, v   []byte
	}
	var runs []*run
	for _, status := range model.PostStatuses {
		prefix := append([]byte(status), 0)
		x := &run{c: recordsOf(tx, ixPostStatus).Cursor(), prefix: len(prefix), end: append(slices.Clone(prefix), timeKey(to)...)}
		x.k, x.v = x.c.Seek(append(prefix, timeKey(from)...))
		runs = append(runs, x)
	}
	var fact model.Fact
	key := []byte{byte(model.FactSubmit)}
	for {
		var next *run
		for _, x := range runs {
			if x.k == nil || bytes.Compare(x.k, x.end) >= 0 {
				continue
			}
			if next == nil || bytes.Compare(x.k[x.prefix:], next.k[next.prefix:]) < 0 {
				next = x
			}
		}
		if next == nil {
			return nil
		}
		// The key the entry would have in the report index: kind | time | id | n (0).
		key = append(append(key[:1], next.k[next.prefix:]...), 0, 0, 0, 0)
		err := r.decode(key, next.v, &fact)
		next.k, next.v = next.c.Next()
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%w: %q (posts by status)", err, printable(key))
		}
		if err := f(&fact); err != nil {
			return err
		}
	}
}

// reportMember is what a report reads of a member: the JSON decoder passes over the rest.
type reportMember struct {
	ID         string             `json:"id"`
	Group      string             `json:"group"`
	Name       string             `json:"name"`
	Nickname   string             `json:"nickname"`
	Branch     string             `json:"branch"`
	Joined     time.Time          `json:"joined"`
	LastActive time.Time          `json:"last_active"`
	Status     model.MemberStatus `json:"status"`
	Step       string             `json:"step"`
}

// ForEachMember calls f with the members of a group (every member when group is ""), by
// group then id. The member passed is reused: f copies what it keeps. Only the fields a
// report reads are decoded: id, group, name, nickname, branch, joined, last active, status
// and step.
func (s *Store) ForEachMember(group string, f func(*model.Member) error) error {
	return s.view(func(tx *bbolt.Tx) error {
		c := recordsOf(tx, bMembers).Cursor()
		var prefix []byte
		if group != "" {
			prefix = []byte(group + "\x00")
		}
		var m model.Member
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var x reportMember
			if err := fastjson.Unmarshal(v, &x); err != nil {
				return inconsistent("stored member %q is damaged: %w", printable(k), err)
			}
			m = model.Member{ID: x.ID, Group: x.Group, Name: x.Name, Nickname: x.Nickname, Branch: x.Branch,
				Joined: x.Joined, LastActive: x.LastActive, Status: x.Status, Step: x.Step}
			if err := f(&m); err != nil {
				return err
			}
		}
		return nil
	})
}
