package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

type stubPane struct {
	*common
	k string
}

func (s *stubPane) titleKey() string       { return s.k }
func (s *stubPane) count() int             { return -1 }
func (s *stubPane) load() tea.Cmd          { return nil }
func (s *stubPane) update(tea.Msg) tea.Cmd { return nil }
func (s *stubPane) view(w, h int) string   { return "" }
func (s *stubPane) keys() []key.Binding    { return nil }
func (s *stubPane) busy() bool             { return false }
func newRoster(c *common) pane             { return &stubPane{c, "tab.roster"} }
func newViolations(c *common) pane         { return &stubPane{c, "tab.violations"} }
func newReports(c *common) pane            { return &stubPane{c, "tab.reports"} }
