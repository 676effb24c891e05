package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
)

// scopePicker chooses the group in scope, and shows the responsibility chain (IW 第六条) of
// the group under the cursor.
type scopePicker struct {
	c        *common
	list     *List[model.Group]
	chosen   string
	chains   map[string]model.Chain // nil until read
	chainErr error
}

// chainsMsg carries the responsibility chains of the groups, read when the picker opens.
type chainsMsg struct {
	chains map[string]model.Chain
	err    error
}

// load reads the chains of the groups.
func (s *scopePicker) load() tea.Cmd {
	be := s.c.be
	return func() tea.Msg {
		cs, err := be.Chains()
		return chainsMsg{cs, err}
	}
}

func newScopePicker(c *common) *scopePicker {
	all := model.Group{ID: "", Name: c.t("scope.all")}
	l := NewList(func(g model.Group) string { return g.ID }, func(g model.Group, w int) string {
		s := inert.Line(g.Name)
		if g.ID != "" {
			s += "  " + c.styles.dim.Render(c.kindName(g.Kind)+" "+inert.Line(g.ID))
		}
		return Fit(s, w)
	})
	l.SetRows(append([]model.Group{all}, c.groups...))
	l.Select(c.scope)
	return &scopePicker{c: c, list: l}
}

// kindName is a kind of group in words: 党员群, a party group.
func (c *common) kindName(k model.GroupKind) string {
	if i18n.Has("group.kind." + string(k)) {
		return c.t("group.kind." + string(k))
	}
	return inert.Line(string(k))
}

func (s *scopePicker) key(msg tea.KeyPressMsg, k keymap.Keys) (done bool, chosen string, ok bool) {
	switch {
	case key.Matches(msg, k.Up):
		s.list.Move(-1)
	case key.Matches(msg, k.Down):
		s.list.Move(1)
	case key.Matches(msg, k.Confirm):
		g, _ := s.list.Current()
		return true, g.ID, true
	case key.Matches(msg, k.Cancel, k.Quit, k.Scope):
		return true, "", false
	}
	return false, "", false
}

func (s *scopePicker) view(w, h int) string {
	chain := s.chainLines(w)
	if len(chain) > h/2 {
		chain = chain[:h/2] // a short terminal keeps its room for the list
	}
	lines := []string{s.c.styles.bold.Render(s.c.tf("scope.title", keymap.Name(s.c.km.Confirm), keymap.Name(s.c.km.Cancel)))}
	lines = append(lines, s.list.View(w, h-1-len(chain), func(r string) string { return s.c.styles.sel.Render(r) })...)
	return strings.Join(append(lines, chain...), "\n")
}

// chainLines are the lines of the responsibility chain of the group under the cursor: a
// heading, then who answers for it first, who manages it, who supervises it.
func (s *scopePicker) chainLines(w int) []string {
	g, ok := s.list.Current()
	if !ok || g.ID == "" {
		return nil
	}
	head := s.c.styles.bold.Render(Cut(s.c.tf("chain.title", inert.Line(g.Name)), w))
	switch {
	case s.chainErr != nil:
		return []string{"", head, Cut(s.c.t("error")+": "+inert.Line(s.chainErr.Error()), w)}
	case s.chains == nil:
		return []string{"", head, s.c.styles.dim.Render(s.c.t("loading"))}
	}
	c := s.chains[g.ID]
	lines := []string{"", head}
	for _, part := range []struct {
		key string
		rs  []model.Responsible
	}{{"chain.first", c.First}, {"chain.managers", c.Managers}, {"chain.supervisors", c.Supervisors}} {
		lines = append(lines, Cut(s.c.tf("chain.line", s.c.t(part.key), chainNames(s.c, part.rs)), w))
	}
	return lines
}
