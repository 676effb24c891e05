package model

import (
	"slices"
	"strings"
)

// MemState is the state held in memory: the fold of a whole log, to check the stored projection
// against, and the state of tests that need no database.
type MemState struct {
	Operators      map[Key]Operator
	Groups         map[string]Group
	Members        map[string]Member
	Posts          map[string]Post
	Violations     map[string]Violation
	Applications   map[string]Application
	Rectifications map[string]Rectification
	Superseded     map[Hash]string
	// Outbox holds the lines of the outbox by the event that made them.
	Outbox map[Hash][]OutboxLine
	Counts Counts
}

// NewMemState returns an empty state.
func NewMemState() *MemState {
	return &MemState{
		Operators:      map[Key]Operator{},
		Groups:         map[string]Group{},
		Members:        map[string]Member{},
		Posts:          map[string]Post{},
		Violations:     map[string]Violation{},
		Applications:   map[string]Application{},
		Rectifications: map[string]Rectification{},
		Superseded:     map[Hash]string{},
		Outbox:         map[Hash][]OutboxLine{},
		Counts:         Counts{},
	}
}

func get[K comparable, V any](m map[K]V, k K) (V, bool, error) {
	v, ok := m[k]
	return v, ok, nil
}

func (s *MemState) Operator(k Key) (Operator, bool, error)  { return get(s.Operators, k) }
func (s *MemState) Group(id string) (Group, bool, error)    { return get(s.Groups, id) }
func (s *MemState) Member(key string) (Member, bool, error) { return get(s.Members, key) }
func (s *MemState) HasMember(group, id string) (bool, error) {
	_, ok := s.Members[MemberKey(group, id)]
	return ok, nil
}
func (s *MemState) Post(id string) (Post, bool, error)           { return get(s.Posts, id) }
func (s *MemState) Violation(id string) (Violation, bool, error) { return get(s.Violations, id) }
func (s *MemState) Application(id string) (Application, bool, error) {
	return get(s.Applications, id)
}
func (s *MemState) Rectification(id string) (Rectification, bool, error) {
	return get(s.Rectifications, id)
}

func (s *MemState) GroupRectifications(group string) ([]Rectification, error) {
	var out []Rectification
	for _, r := range s.Rectifications {
		if r.Group == group {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Rectification) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (s *MemState) PutOutbox(lines []OutboxLine) error {
	id := lines[0].Event
	s.Outbox[id] = append(s.Outbox[id], lines...)
	return nil
}

func (s *MemState) PutOperator(o *Operator) error { s.Operators[o.Key] = *o; return nil }
func (s *MemState) PutGroup(old, g *Group) error {
	s.Counts.Group(old, g)
	s.Groups[g.ID] = *g
	return nil
}
func (s *MemState) PutMember(old, m *Member) error {
	s.Counts.Member(old, m)
	s.Members[m.Key()] = *m
	return nil
}
func (s *MemState) PutPost(old, p *Post) error {
	s.Counts.Post(old, p)
	s.Posts[p.ID] = *p
	return nil
}
func (s *MemState) PutViolation(old, v *Violation) error {
	s.Counts.Violation(old, v)
	s.Violations[v.ID] = *v
	return nil
}
func (s *MemState) PutApplication(old, a *Application) error {
	s.Counts.Application(old, a)
	s.Applications[a.ID] = *a
	return nil
}
func (s *MemState) PutRectification(old, r *Rectification) error {
	s.Counts.Rectification(old, r)
	s.Rectifications[r.ID] = *r
	return nil
}

func (s *MemState) PutSuperseded(id Hash, reason string) error {
	if _, ok := s.Superseded[id]; !ok {
		s.Counts["event/superseded"]++
	}
	s.Superseded[id] = reason
	return nil
}

// Counts are the numbers of entities by status, keyed "post/pending", "member/active" …, and
// "post/disputed" for posts in dispute. Both the store and MemState keep them the same way.
type Counts map[string]int64

func (c Counts) move(kind string, old, new string, had, has bool) {
	if had && has && old == new {
		return
	}
	if had {
		k := countKey(kind, old)
		if c[k]--; c[k] == 0 {
			delete(c, k)
		}
	}
	if has {
		c[countKey(kind, new)]++
	}
}

// countKey is kind/status, the key of a count; those of a post's status, which a fold of
// decisions counts twice an event, are made once.
func countKey(kind, status string) string {
	if kind == "post" {
		if k, ok := postCountKeys[status]; ok {
			return k
		}
	}
	return kind + "/" + status
}

var postCountKeys = func() map[string]string {
	m := map[string]string{"disputed": "post/disputed"}
	for _, s := range PostStatuses {
		m[string(s)] = "post/" + string(s)
	}
	return m
}()

// Group counts a change of a group (old nil when new).
func (c Counts) Group(old, g *Group) {
	c.move("group", statusOf(old, func(g *Group) string { return string(g.Status) }), string(g.Status), old != nil, true)
}

// Member counts a change of a member.
func (c Counts) Member(old, m *Member) {
	c.move("member", statusOf(old, func(m *Member) string { return string(m.Status) }), string(m.Status), old != nil, true)
}

// Post counts a change of a post, and of its dispute.
func (c Counts) Post(old, p *Post) {
	c.move("post", statusOf(old, func(p *Post) string { return string(p.Status) }), string(p.Status), old != nil, true)
	c.move("post", "disputed", "disputed", old != nil && old.Disputed, p.Disputed)
}

// Violation counts a change of a violation.
func (c Counts) Violation(old, v *Violation) {
	c.move("violation", statusOf(old, func(v *Violation) string { return string(v.Status) }), string(v.Status), old != nil, true)
}

// Application counts a change of an application.
func (c Counts) Application(old, a *Application) {
	c.move("application", statusOf(old, func(a *Application) string { return string(a.Status) }), string(a.Status), old != nil, true)
}

// Rectification counts a change of a rectification.
func (c Counts) Rectification(old, r *Rectification) {
	c.move("rectification", statusOf(old, func(r *Rectification) string { return string(r.Status) }), string(r.Status), old != nil, true)
}

func statusOf[T any](v *T, f func(*T) string) string {
	if v == nil {
		return ""
	}
	return f(v)
}
