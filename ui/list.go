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
	ver    int // changes when the rows shown or the marks change
	mc     struct{ ver, shown int }
	at     rect // where the rows were last drawn in the pane, for a click
}

// rect is a place in a pane: its top left cell and its size.
type rect struct{ x, y, w, h int }

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
	l.ver++
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
	l.ver++
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
	h := l.height
	if h <= 0 {
		h = n // not drawn yet: no height to scroll by, the rows from the top
	}
	h = max(h, 1)
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
		l.ver++
	}
}

// MarkShown marks every row shown, and returns how many that is.
func (l *List[T]) MarkShown() int {
	for i := 0; i < l.Len(); i++ {
		id := l.id(l.At(i))
		if !l.marked[id] {
			l.marked[id] = true
			delete(l.cache, id)
		}
	}
	l.ver++
	return l.Len()
}

// MarkCount is the number of rows marked, shown or not.
func (l *List[T]) MarkCount() int { return len(l.marked) }

// MarkCounts are the marked rows shown, and all the marked rows (those a filter hides, or
// that are not among the rows at all, too).
func (l *List[T]) MarkCounts() (shown, total int) {
	if len(l.marked) == 0 {
		return 0, 0
	}
	if l.mc.ver != l.ver {
		n := 0
		for i := 0; i < l.Len(); i++ {
			if l.marked[l.id(l.At(i))] {
				n++
			}
		}
		l.mc.ver, l.mc.shown = l.ver, n
	}
	return l.mc.shown, len(l.marked)
}

// RowAt is the position of the row drawn at a cell of the pane, when one is.
func (l *List[T]) RowAt(x, y int) (int, bool) {
	a := l.at
	if x < a.x || x >= a.x+a.w || y < a.y || y >= a.y+a.h {
		return 0, false
	}
	i := l.offset + y - a.y
	return i, i < l.Len()
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
	l.ver++
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

// listBody is the body of a list pane: loading, empty, or the list (under its column
// headings) beside its detail. The list's rows are drawn from line top of the pane, where a
// click finds them.
func listBody[T any](c *common, columns func(w int) string, l *List[T], loading, zoom bool, top, w, h int, detail func(w, h int) string) string {
	l.at = rect{}
	switch {
	case loading:
		return c.t("loading")
	case l.Len() == 0:
		if columns != nil {
			return columns(w) + "\n" + c.t("empty")
		}
		return c.t("empty")
	}
	return splitPane(w, h, zoom, func(w, h int) []string {
		var head []string
		if columns != nil && h > 1 {
			head = []string{Cut(columns(w), w)}
		}
		l.at = rect{x: 0, y: top + len(head), w: w, h: h - len(head)}
		return append(head, l.View(w, h-len(head), func(s string) string { return c.styles.sel.Render(s) })...)
	}, detail)
}

// listView is a pane's list, with its detail, under the pane's head lines (a title, the
// filter's line), in h lines at most; columns draws the line of column headings at a width,
// or is nil.
func listView[T any](c *common, head []string, columns func(w int) string, l *List[T], loading, zoom bool, w, h int, detail func(w, h int) string) string {
	h -= len(head)
	body := listBody(c, columns, l, loading, zoom, len(head), w, h, detail)
	return clipLines(strings.Join(append(head, body), "\n"), h+len(head))
}

// splitPane draws a list beside its detail on a wide terminal, above it on a narrow one, or
// the detail alone when zoomed. On a narrow one the list takes a third of the lines (at least
// five), so that the detail has room.
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
	lh := min(max(h*2/5, 5), h)
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

// clickRow puts the cursor on the row drawn at a cell of the pane, and reports whether one
// is there.
func clickRow[T any](l *List[T], x, y int) bool {
	i, ok := l.RowAt(x, y)
	if ok {
		l.SetCursor(i)
	}
	return ok
}

// scroller keeps where the detail beside a list is scrolled to: its first line of text, for
// the row it was scrolled on (another row starts at its top), and the lines it showed.
type scroller struct {
	top  int
	of   string
	room int
}

// key scrolls by half the lines shown (ctrl+d, ctrl+u); false when the key is not one.
func (s *scroller) key(msg tea.KeyPressMsg, km keymap.Keys) bool {
	switch {
	case key.Matches(msg, km.HalfDown):
		s.top += max(s.room/2, 1)
	case key.Matches(msg, km.HalfUp):
		s.top = max(s.top-max(s.room/2, 1), 0)
	default:
		return false
	}
	return true
}

// view draws the head lines (which stay), then as much of the body as fits from the line
// scrolled to; when the body does not fit, sticky lines follow the head (a summary of what is
// below the fold) and the last line says which lines are shown and how to see the others.
func (s *scroller) view(c *common, id string, head, sticky, body []string, w, h int, keys string) string {
	if s.of != id {
		s.top, s.of = 0, id
	}
	if len(head)+len(body) <= h {
		s.top, s.room = 0, h
		return strings.Join(append(head, body...), "\n")
	}
	head = append(head, sticky...)
	room := h - len(head) - 1
	if room <= 0 {
		return strings.Join(head[:min(len(head), max(h, 0))], "\n")
	}
	s.room = room
	s.top = max(min(s.top, len(body)-room), 0)
	out := append(head, body[s.top:s.top+room]...)
	out = append(out, c.styles.dim.Render(Cut(c.tf("detail.more", s.top+1, s.top+room, len(body), keys), w)))
	return strings.Join(out, "\n")
}
