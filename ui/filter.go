package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// Filter narrows a list as the user types after /. Matching runs in a command, off the
// screen's goroutine; a result for an older query is dropped.
type Filter[T any] struct {
	c      *common
	list   *List[T]
	fields func(T) []string
	input  textinput.Model
	active bool
	query  string
	gen    int
}

// filterMsg is the result of one query.
type filterMsg struct {
	owner any
	gen   int
	idx   []int32
}

// NewFilter makes a filter over a list; fields are the texts of a row that the query matches.
func NewFilter[T any](c *common, l *List[T], fields func(T) []string) *Filter[T] {
	in := textinput.New()
	in.Prompt = "/"
	return &Filter[T]{c: c, list: l, fields: fields, input: in}
}

// Active reports whether the filter has the keyboard.
func (f *Filter[T]) Active() bool { return f.active }

// Query is the query in force.
func (f *Filter[T]) Query() string { return f.query }

// Start gives the filter the keyboard.
func (f *Filter[T]) Start() {
	f.active = true
	f.input.SetValue(f.query)
	f.input.CursorEnd()
	f.input.Focus()
}

// Clear drops the query.
func (f *Filter[T]) Clear() {
	f.query = ""
	f.active = false
	f.gen++
	f.list.Show(nil)
}

// Refresh runs the query again over new rows.
func (f *Filter[T]) Refresh() tea.Cmd {
	if f.query == "" {
		return nil
	}
	return f.run()
}

func (f *Filter[T]) key(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, f.c.km.Confirm):
		f.active = false
		return nil
	case key.Matches(msg, f.c.km.Back):
		f.Clear()
		return nil
	}
	f.input, _ = f.input.Update(msg)
	if v := f.input.Value(); v != f.query {
		f.query = v
		return f.run()
	}
	return nil
}

func (f *Filter[T]) run() tea.Cmd {
	f.gen++
	gen, q, rows, fields := f.gen, strings.ToLower(f.query), f.list.Rows(), f.fields
	if q == "" {
		f.list.Show(nil)
		return nil
	}
	return func() tea.Msg {
		var idx []int32
		for i, r := range rows {
			for _, s := range fields(r) {
				if strings.Contains(strings.ToLower(s), q) {
					idx = append(idx, int32(i))
					break
				}
			}
		}
		if idx == nil {
			idx = []int32{}
		}
		return filterMsg{owner: f, gen: gen, idx: idx}
	}
}

func (f *Filter[T]) update(msg filterMsg) tea.Cmd {
	if msg.owner != any(f) || msg.gen != f.gen {
		return nil // another list's, or an older query's
	}
	f.list.Show(msg.idx)
	return nil
}

// Line is the filter's line above the list, or "" when there is no query.
func (f *Filter[T]) Line(w int) string {
	if !f.active && f.query == "" {
		return ""
	}
	if f.active {
		return Cut(f.input.View(), w)
	}
	return Cut("/"+Inert(f.query, false), w)
}
