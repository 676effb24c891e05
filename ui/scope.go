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

// scopePicker chooses the group in scope.
type scopePicker struct {
	c      *common
	list   *List[model.Group]
	chosen string
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
	lines := []string{s.c.styles.bold.Render(s.c.tf("scope.title", keymap.Name(s.c.km.Confirm), keymap.Name(s.c.km.Cancel)))}
	lines = append(lines, s.list.View(w, h-1, func(r string) string { return s.c.styles.sel.Render(r) })...)
	return strings.Join(lines, "\n")
}
