package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/keymap"
)

// List is a virtual list over rows held elsewhere: it keeps only the positions of the rows
// shown (after a filter), the cursor, the scroll offset, the marks (by id) and a cache of
// rendered rows; View renders the visible rows only.
type List[T any] struct {
	rows   []T     // every row
	shown  []int32 // indexes into rows, in order; nil means all
	cursor int     // position in shown
	offset int     // first visible position
	marked map[string]bool
	id     func(T) string
	render func(T, int) string
	cache  map[string]string
	cacheW int
	height int
}

// NewList makes a list with an id and a renderer of one row at a width.
func NewList[T any](id func(T) string, render func(T, int) string) *List[T] {
	return &List[T]{id: id, render: render, marked: map[string]bool{}, cache: map[string]string{}}
}

// SetRows replaces the rows, keeping the cursor on the same id when it is still there.
func (l *List[T]) SetRows(rows []T) {
	cur := ""
	if r, ok := l.Current(); ok {
		cur = l.id(r)
	}
	l.rows, l.shown = rows, nil
	clear(l.cache)
	l.cursor = 0
	if cur != "" {
		l.Select(cur)
	}
	l.clamp()
}

// Rows are all the rows.
func (l *List[T]) Rows() []T { return l.rows }

// Show limits the list to the rows at these indexes (a filter); nil shows all.
func (l *List[T]) Show(idx []int32) {
	cur := ""
	if r, ok := l.Current(); ok {
		cur = l.id(r)
	}
	l.shown = idx
	l.cursor, l.offset = 0, 0
	if cur != "" {
		l.Select(cur)
	}
	l.clamp()
}

// Len is the number of rows shown.
func (l *List[T]) Len() int {
	if l.shown != nil {
		return len(l.shown)
	}
	return len(l.rows)
}

// At is the row at a position of the shown rows.
func (l *List[T]) At(i int) T {
	if l.shown != nil {
		return l.rows[l.shown[i]]
	}
	return l.rows[i]
}

// Current is the row under the cursor.
func (l *List[T]) Current() (T, bool) {
	var zero T
	if l.Len() == 0 {
		return zero, false
	}
	return l.At(l.cursor), true
}

// Cursor is the cursor's position.
func (l *List[T]) Cursor() int { return l.cursor }

// Select puts the cursor on the row with this id, when shown.
func (l *List[T]) Select(id string) bool {
	for i := 0; i < l.Len(); i++ {
		if l.id(l.At(i)) == id {
			l.cursor = i
			l.clamp()
			return true
		}
	}
	return false
}

// Move moves the cursor by n rows.
func (l *List[T]) Move(n int) { l.cursor += n; l.clamp() }

// Top and Bottom jump to the ends.
func (l *List[T]) Top()    { l.cursor = 0; l.clamp() }
func (l *List[T]) Bottom() { l.cursor = l.Len() - 1; l.clamp() }

// SetCursor puts the cursor at a position.
func (l *List[T]) SetCursor(i int) { l.cursor = i; l.clamp() }

func (l *List[T]) clamp() {
	n := l.Len()
	if l.cursor >= n {
		l.cursor = n - 1
	}
	if l.cursor < 0 {
		l.cursor = 0
	}
	h := max(l.height, 1)
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+h {
		l.offset = l.cursor - h + 1
	}
	if l.offset > max(n-h, 0) {
		l.offset = max(n-h, 0)
	}
	if l.offset < 0 {
		l.offset = 0
	}
}

// Toggle marks or unmarks the current row.
func (l *List[T]) Toggle() {
	if r, ok := l.Current(); ok {
		id := l.id(r)
		if l.marked[id] {
			delete(l.marked, id)
		} else {
			l.marked[id] = true
		}
		delete(l.cache, id)
	}
}

// Marked are the ids marked, in the order of the rows.
func (l *List[T]) Marked() []string {
	var out []string
	if len(l.marked) == 0 {
		return nil
	}
	for _, r := range l.rows {
		if id := l.id(r); l.marked[id] {
			out = append(out, id)
		}
	}
	return out
}

// IsMarked tells whether a row is marked.
func (l *List[T]) IsMarked(id string) bool { return l.marked[id] }

// Unmark clears the marks.
func (l *List[T]) Unmark() {
	for id := range l.marked {
		delete(l.cache, id)
	}
	clear(l.marked)
}

// InvalidateAll forgets the rendering of every row (what they show changed).
func (l *List[T]) InvalidateAll() { clear(l.cache) }

// Invalidate forgets the rendering of one row (its data changed).
func (l *List[T]) Invalidate(id string) { delete(l.cache, id) }

// View renders the visible rows at width w and height h; selected is drawn by sel (cursor
// row), the others as they are. Only visible rows are rendered, each once per width.
func (l *List[T]) View(w, h int, sel func(string) string) []string {
	if w != l.cacheW {
		clear(l.cache)
		l.cacheW = w
	}
	l.height = h
	l.clamp()
	out := make([]string, 0, h)
	for i := l.offset; i < l.Len() && len(out) < h; i++ {
		r := l.At(i)
		id := l.id(r)
		s, ok := l.cache[id]
		if !ok {
			s = l.render(r, w)
			l.cache[id] = s
		}
		if i == l.cursor && sel != nil {
			s = sel(s)
		}
		out = append(out, s)
	}
	return out
}

// browse handles the keys that every list pane shares — moving, the detail full-screen, the
// filter — and reports whether it took the key.
func browse[T any](msg tea.KeyPressMsg, km keymap.Keys, l *List[T], f *Filter[T], zoom *bool) bool {
	switch {
	case key.Matches(msg, km.Up):
		l.Move(-1)
	case key.Matches(msg, km.Down):
		l.Move(1)
	case key.Matches(msg, km.PageUp):
		l.Move(-10)
	case key.Matches(msg, km.PageDown):
		l.Move(10)
	case key.Matches(msg, km.Top):
		l.Top()
	case key.Matches(msg, km.Bottom):
		l.Bottom()
	case key.Matches(msg, km.Open):
		*zoom = !*zoom
	case key.Matches(msg, km.Back):
		*zoom = false
		if f.Query() != "" {
			f.Clear()
		}
	case key.Matches(msg, km.Filter):
		f.Start()
	default:
		return false
	}
	return true
}

// listBody is the body of a list pane: loading, empty, or the list beside its detail.
func listBody[T any](c *common, l *List[T], loading, zoom bool, w, h int, detail func(w, h int) string) string {
	switch {
	case loading:
		return c.t("loading")
	case l.Len() == 0:
		return c.t("empty")
	}
	return splitPane(w, h, zoom, func(w, h int) []string {
		return l.View(w, h, func(s string) string { return c.styles.sel.Render(s) })
	}, detail)
}

// listView is a pane's list, with its detail, under the pane's head lines (a title, the
// filter's line), in h lines at most.
func listView[T any](c *common, head []string, l *List[T], loading, zoom bool, w, h int, detail func(w, h int) string) string {
	h -= len(head)
	body := listBody(c, l, loading, zoom, w, h, detail)
	return clipLines(strings.Join(append(head, body), "\n"), h+len(head))
}

// splitPane draws a list beside its detail on a wide terminal, above it on a narrow one, or
// the detail alone when zoomed.
func splitPane(w, h int, zoom bool, list func(w, h int) []string, detail func(w, h int) string) string {
	if zoom {
		return detail(w, h)
	}
	if w >= 120 {
		lw := w * 11 / 20
		left := list(lw, h)
		right := strings.Split(detail(w-lw-1, h), "\n")
		lines := make([]string, 0, h)
		for i := 0; i < h; i++ {
			l, r := "", ""
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				r = right[i]
			}
			lines = append(lines, Fit(l, lw)+"│"+Cut(r, w-lw-1))
		}
		return strings.Join(lines, "\n")
	}
	lh := max(h/2, 3)
	lines := list(w, lh)
	for len(lines) < lh {
		lines = append(lines, "")
	}
	lines = append(lines, strings.Repeat("─", w))
	if rest := h - lh - 1; rest > 0 {
		lines = append(lines, strings.Split(detail(w, rest), "\n")...)
	}
	if len(lines) > h {
		lines = lines[:max(h, 0)]
	}
	return strings.Join(lines, "\n")
}

// clipLines keeps the first h lines of s.
func clipLines(s string, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.SplitN(s, "\n", h+1)
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}
