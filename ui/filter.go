package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"qunshen/internal/inert"
)

// Filter narrows a list as the user types after /. Matching runs in a command, off the
// screen's goroutine; a result for an older query is dropped.
//
// A row matches when any of its texts matches the query fuzzily (the characters of the
// query in order, not necessarily together; case does not matter, by sahilm/fuzzy), and a
// query of Latin letters also matches Chinese text by its pinyin, each part of the query the
// beginning of the reading of a character, of consecutive ones: "zw", "zhw", "zhangw" and
// "zhangwei" find 张伟 (see pinyinMatch). Rows come best match first, in their own order
// among equals.
//
// The texts of the rows are read (on the screen's goroutine) once per set of rows; their
// pinyin and character masks are computed once per distinct text, off the screen's
// goroutine, and kept across reloads. Each keystroke then skips every text that lacks a
// character of the query (by the masks), searches only the rows of the previous query when
// the query grew, and matches each distinct text (or pinyin) once.
type Filter[T any] struct {
	c      *common
	list   *List[T]
	fields func(T) []string
	kinds  []fieldKind // of each text of fields, by position
	input  textinput.Model
	active bool
	query  string
	gen    int

	keys  *textCache // masks and pinyin keys of texts, kept across reloads
	ix    *index     // over the rows below; nil until needed or after Refresh
	first *T         // the rows ix is over: their first element and number
	n     int

	hlq   string              // the query of the rows shown, for Highlight
	drawn map[string]struct{} // rows rendered through Highlight since hlq changed
}

// filterMsg is the result of one query.
type filterMsg struct {
	owner any
	gen   int
	idx   []int32
	q     string
	ix    *index // the rows searched
}

// fieldKind is what a text of a row is, which says how a query matches it and how a match
// ranks: a row matched by a person's name comes before one matched by a title, which comes
// before one matched by a group's name or a body, which comes before one matched by an id.
type fieldKind uint8

const (
	fieldText  fieldKind = iota // a group's name, a branch: fuzzily, by pinyin too
	fieldID                     // an id: fuzzily, ranked last
	fieldTitle                  // a title: fuzzily, by pinyin too
	fieldName                   // a person's name or nickname: fuzzily, by pinyin too, ranked first
	fieldBody                   // a long text: only where it holds the query as it is typed
)

// tier is the rank of a match in a text of a kind.
func (k fieldKind) tier() uint8 {
	switch k {
	case fieldName:
		return 3
	case fieldTitle:
		return 2
	case fieldID:
		return 0
	}
	return 1
}

// NewFilter makes a filter over a list; fields are the texts of a row that the query matches,
// and kinds say what each is, by position (a text past the kinds given is a fieldText).
func NewFilter[T any](c *common, l *List[T], fields func(T) []string, kinds ...fieldKind) *Filter[T] {
	in := newTextInput()
	in.Prompt = "/"
	return &Filter[T]{c: c, list: l, fields: fields, kinds: kinds, input: in, keys: newTextCache(), drawn: map[string]struct{}{}}
}

// Active reports whether the filter has the keyboard.
func (f *Filter[T]) Active() bool { return f.active }

// Query is the query in force.
func (f *Filter[T]) Query() string { return f.query }

// Start gives the filter the keyboard, and prepares the index of the rows in the background.
func (f *Filter[T]) Start() {
	f.active = true
	f.input.SetValue(f.query)
	f.input.CursorEnd()
	f.input.Focus()
	go f.index().build()
}

// Clear drops the query.
func (f *Filter[T]) Clear() {
	f.query = ""
	f.active = false
	f.gen++
	f.list.Show(nil)
	f.setHighlight("")
}

// Refresh runs the query again over new rows (or rows whose texts changed). The pane must
// return (or batch) the command: the rows stay unfiltered until its result comes.
func (f *Filter[T]) Refresh() tea.Cmd {
	f.ix = nil
	if f.query == "" {
		return nil
	}
	return f.run()
}

func (f *Filter[T]) key(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, f.c.km.FilterDone):
		f.active = false
		return nil
	case key.Matches(msg, f.c.km.FilterClear):
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
	gen, q := f.gen, f.query
	if q == "" {
		f.list.Show(nil)
		f.setHighlight("")
		return nil
	}
	ix := f.index()
	return func() tea.Msg {
		return filterMsg{owner: f, gen: gen, idx: ix.search(q), q: q, ix: ix}
	}
}

func (f *Filter[T]) update(msg filterMsg) tea.Cmd {
	if msg.owner != any(f) || msg.gen != f.gen {
		return nil // another list's, or an older query's
	}
	if msg.ix != f.ix || !f.indexed() {
		return f.run() // the rows changed (SetRows without Refresh): search them
	}
	f.list.Show(msg.idx)
	f.setHighlight(msg.q)
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
	return Cut("/"+inert.Line(f.query), w)
}

// CountedLine is Line with how many rows the query matched, once its result is in.
func (f *Filter[T]) CountedLine(w int) string {
	l := f.Line(w)
	if l == "" || f.query == "" || f.hlq != f.query {
		return l
	}
	return Cut(l+"  "+f.c.styles.dim.Render(f.c.tf("filter.count", f.list.Len())), w)
}

// Highlight is one text of a row made safe to draw (as inert.Line(text)), with the
// characters that the query of the rows shown matched styled, when that query matched this
// very text of the row (by its characters, not by pinyin). A row renderer may call it in
// place of inert.Line; the filter forgets the rendering of the rows it drew when the query changes.
func (f *Filter[T]) Highlight(row T, text string) string {
	f.drawn[f.list.id(row)] = struct{}{}
	if f.hlq == "" || text == "" || !slices.Contains(f.fields(row), text) {
		return inert.Line(text)
	}
	ms := fuzzy.Find(f.hlq, []string{text})
	if len(ms) == 0 {
		return inert.Line(text)
	}
	at := ms[0].MatchedIndexes // byte offsets of the first byte of each rune matched
	var b, part strings.Builder
	on := false
	flush := func() {
		if part.Len() == 0 {
			return
		}
		if on {
			b.WriteString(f.c.styles.hl.Render(part.String()))
		} else {
			b.WriteString(part.String())
		}
		part.Reset()
	}
	k := 0
	eachDrawn(text, false, func(i int, drawn string) {
		for k < len(at) && at[k] < i {
			k++
		}
		if hit := k < len(at) && at[k] == i; hit != on {
			flush()
			on = hit
		}
		part.WriteString(drawn)
	})
	flush()
	return b.String()
}

// setHighlight sets the query Highlight marks, forgetting the rendering of the rows drawn
// under the previous one.
func (f *Filter[T]) setHighlight(q string) {
	if q == f.hlq {
		return
	}
	f.hlq = q
	for id := range f.drawn {
		f.list.Invalidate(id)
	}
	clear(f.drawn)
}

// indexed reports whether f.ix is over the list's rows as they are.
func (f *Filter[T]) indexed() bool {
	rows := f.list.Rows()
	var first *T
	if len(rows) > 0 {
		first = &rows[0]
	}
	return f.ix != nil && f.first == first && f.n == len(rows)
}

// index is the index over the list's rows, made anew when the rows changed: their texts are
// read here, on the screen's goroutine (a fields function reads the pane), the rest is built
// by the first command that needs it.
func (f *Filter[T]) index() *index {
	if f.indexed() {
		return f.ix
	}
	rows := f.list.Rows()
	var first *T
	if len(rows) > 0 {
		first = &rows[0]
	}
	texts := make([][]string, len(rows))
	for i, r := range rows {
		texts[i] = f.fields(r)
	}
	f.ix, f.first, f.n = &index{cache: f.keys, texts: texts, kinds: f.kinds}, first, len(rows)
	return f.ix
}
