package ui

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// pane is one of the five panes. Panes share the app's common state, handle the keys that
// reach them (the app takes the global ones first) and the messages of their own loads.
type pane interface {
	titleKey() string
	count() int
	load() tea.Cmd
	update(msg tea.Msg) tea.Cmd
	view(w, h int) string
	// keys are the pane's keys (keymap's groups), and of them those that act on what the
	// pane shows now: the ? screen and the help line are made of them.
	keys() keymap.Help
	busy() bool // a prompt or filter of the pane has the keyboard
}

// common is what every pane shares.
type common struct {
	lang    i18n.Lang
	km      keymap.Keys
	be      Backend
	op      model.Operator
	zone    *time.Location // every time on the screen is shown in it
	scope   string         // group id in scope; "" for all
	groups  []model.Group
	kinds   map[string]model.GroupKind
	styles  styles
	status  string // the message of the moment, when it is not an error
	errText string // the error of the moment, explained in the user's language
	log     []logEntry
	// inflight counts decisions written but not yet confirmed: q waits for them.
	inflight int
}

// logEntry is one message since the workbench opened, for the message log.
type logEntry struct {
	at   time.Time
	text string
	err  bool
}

func (c *common) t(key string) string               { return i18n.T(c.lang, key) }
func (c *common) tf(key string, args ...any) string { return i18n.Tf(c.lang, key, args...) }

// note shows a message (what was done, what to do) and keeps it in the log.
func (c *common) note(text string) {
	c.status, c.errText = text, ""
	c.logged(text, false)
}

// fail shows an error in the user's language, with what to do about it when the screen
// knows, and keeps it in the log.
func (c *common) fail(err error, advice string) {
	text := i18n.Explain(c.lang, err)
	if advice != "" {
		text += c.t("msg.sep") + advice
	}
	c.status, c.errText = "", text
	c.logged(text, true)
}

func (c *common) logged(text string, isErr bool) {
	if text == "" {
		return
	}
	c.log = append(c.log, logEntry{at: time.Now(), text: text, err: isErr})
	if len(c.log) > 500 {
		c.log = slices.Delete(c.log, 0, len(c.log)-500)
	}
}

// clearMsg takes the message of the moment off the screen; the log keeps it.
func (c *common) clearMsg() { c.status, c.errText = "", "" }

// when is a time as the screen shows it, in the zone of the screen.
func (c *common) when(t time.Time, layout string) string { return t.In(c.zone).Format(layout) }

// groupName is a group's name, or its id when the groups are not read yet.
func (c *common) groupName(id string) string {
	for _, g := range c.groups {
		if g.ID == id && g.Name != "" {
			return g.Name
		}
	}
	return id
}

// inScope reports whether a group is in the scope.
func (c *common) inScope(group string) bool { return c.scope == "" || c.scope == group }

type styles struct {
	tab, tabActive, bar, sel, dim, bold, mark, hl lipgloss.Style
	sev                                           map[string]lipgloss.Style
}

func newStyles() styles {
	return styles{
		tab:       lipgloss.NewStyle().Padding(0, 1),
		tabActive: lipgloss.NewStyle().Padding(0, 1).Reverse(true).Bold(true),
		bar:       lipgloss.NewStyle().Reverse(true),
		sel:       lipgloss.NewStyle().Reverse(true),
		dim:       lipgloss.NewStyle().Faint(true),
		bold:      lipgloss.NewStyle().Bold(true),
		mark:      lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("6")),
		hl:        lipgloss.NewStyle().Reverse(true).Bold(true),
		sev: map[string]lipgloss.Style{
			"block":    lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
			"escalate": lipgloss.NewStyle().Foreground(lipgloss.Color("5")).Bold(true),
			"warn":     lipgloss.NewStyle().Foreground(lipgloss.Color("3")),
			"info":     lipgloss.NewStyle().Foreground(lipgloss.Color("4")),
		},
	}
}

// App is the workbench.
type App struct {
	*common
	panes   []pane
	focus   int
	w, h    int
	help    bool
	helpTop int // the first line of the ? screen shown, when it is taller than the terminal
	logOpen bool
	logTop  int
	scoping *scopePicker
	quit    bool
	noMouse bool
	bodyTop int // the line of the terminal where the focused pane's body begins
}

// Option sets how the workbench runs.
type Option func(*App)

// WithZone shows every time in a zone (China time by default).
func WithZone(loc *time.Location) Option {
	return func(a *App) {
		if loc != nil {
			a.zone = loc
		}
	}
}

// WithoutMouse leaves the mouse to the terminal, for its own selection of text.
func WithoutMouse() Option { return func(a *App) { a.noMouse = true } }

// New makes the workbench over a backend, in a language.
func New(be Backend, lang i18n.Lang, opts ...Option) *App {
	c := &common{lang: lang, km: keymap.New(lang), be: be, op: be.Operator(), zone: review.ChinaTime, styles: newStyles(), kinds: map[string]model.GroupKind{}}
	a := &App{common: c, w: 80, h: 24}
	for _, o := range opts {
		o(a)
	}
	a.panes = []pane{newPending(c), newRoster(c), newViolations(c), newReports(c), newGroups(c)}
	a.status = a.firstHint()
	return a
}

// firstHint is the line of the first screen: the keys that matter most for this operator.
func (a *App) firstHint() string {
	k := a.km
	bs := []key.Binding{k.Open}
	for _, b := range []struct {
		b    key.Binding
		kind model.Kind
	}{{k.Approve, model.PostApprove}, {k.Reject, model.PostReject}, {k.Escalate, model.PostEscalate}, {k.SignOff, model.PostSignOff}, {k.Return, model.PostReturn}} {
		if model.Allowed(a.op.Role, b.kind) {
			bs = append(bs, b.b)
		}
	}
	bs = append(bs, k.Views, k.Filter)
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = b.Help().Key + " " + b.Help().Desc
	}
	return a.tf("hint.first", strings.Join(parts, a.t("hint.sep")), keymap.Name(k.Help))
}

// groupsMsg carries the groups, read at start.
type groupsMsg struct {
	groups []model.Group
	err    error
}

// Init reads the groups and loads every pane.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{func() tea.Msg {
		gs, err := a.be.Groups()
		return groupsMsg{gs, err}
	}}
	for _, p := range a.panes {
		cmds = append(cmds, p.load())
	}
	return tea.Batch(cmds...)
}

// setFocus shows another pane; the message of the pane left goes with it.
func (a *App) setFocus(i int) {
	if i != a.focus {
		a.clearMsg()
	}
	a.focus = i
}

// Update routes a message: the size and the global keys to the app, other keys to the
// focused pane (or its prompt), everything else to every pane, which keep their own.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
		return a, nil
	case groupsMsg:
		if msg.err != nil {
			a.fail(msg.err, "")
		}
		a.groups = msg.groups
		for _, g := range msg.groups {
			a.kinds[g.ID] = g.Kind
		}
		// The panes draw group names: they hear of the groups too.
	case tea.MouseClickMsg:
		return a, a.click(msg.Mouse())
	case tea.MouseWheelMsg:
		return a, a.wheel(msg.Mouse())
	case tea.KeyPressMsg:
		return a, a.key(msg)
	case chainsMsg:
		if a.scoping != nil {
			a.scoping.chains, a.scoping.chainErr = msg.chains, msg.err
		}
		return a, nil
	case drillMsg:
		// A figure of the Reports pane opens its items in their own pane.
		a.setFocus(msg.pane)
		if d, ok := a.panes[msg.pane].(drillable); ok {
			return a, d.setDrill(msg.set)
		}
		return a, nil
	}
	var cmds []tea.Cmd
	for _, p := range a.panes {
		cmds = append(cmds, p.update(msg))
	}
	if a.quit && a.inflight == 0 {
		cmds = append(cmds, tea.Quit)
	}
	return a, tea.Batch(cmds...)
}

// scroll moves an overlay's first line by a key of Move; false when the key is not one.
func (a *App) scroll(top *int, msg tea.KeyPressMsg) bool {
	k := a.km
	page := max(a.h-4, 1)
	switch {
	case key.Matches(msg, k.Up):
		*top--
	case key.Matches(msg, k.Down):
		*top++
	case key.Matches(msg, k.PageUp):
		*top -= page
	case key.Matches(msg, k.PageDown, k.Mark):
		*top += page
	case key.Matches(msg, k.HalfUp):
		*top -= page / 2
	case key.Matches(msg, k.HalfDown):
		*top += page / 2
	case key.Matches(msg, k.Top):
		*top = 0
	case key.Matches(msg, k.Bottom):
		*top = 1 << 30 // the view stops at the last line
	default:
		return false
	}
	*top = max(*top, 0)
	return true
}

func (a *App) key(msg tea.KeyPressMsg) tea.Cmd {
	k := a.km
	if a.help {
		if !a.scroll(&a.helpTop, msg) && key.Matches(msg, k.Help, k.Back, k.Quit) {
			a.help, a.helpTop = false, 0
		}
		return nil
	}
	if a.logOpen {
		if !a.scroll(&a.logTop, msg) && key.Matches(msg, k.Log, k.Back, k.Quit) {
			a.logOpen, a.logTop = false, 0
		}
		return nil
	}
	if a.scoping != nil {
		done, chosen, ok := a.scoping.key(msg, k)
		if done {
			a.scoping = nil
			if ok && chosen != a.scope {
				a.scope = chosen
				var cmds []tea.Cmd
				for _, p := range a.panes {
					cmds = append(cmds, p.load())
				}
				return tea.Batch(cmds...)
			}
		}
		return nil
	}
	p := a.panes[a.focus]
	if p.busy() {
		return p.update(msg)
	}
	if d, ok := p.(drillable); ok && key.Matches(msg, k.Back) && d.canClear() {
		return d.setDrill(nil) // back from a figure's items to the whole list
	}
	switch {
	case key.Matches(msg, k.Quit):
		if a.inflight == 0 {
			return tea.Quit
		}
		a.quit = true
		a.note(a.t("quit.waiting"))
		return nil
	case key.Matches(msg, k.Help):
		a.help = true
		return nil
	case key.Matches(msg, k.Log):
		a.logOpen = true
		return nil
	case key.Matches(msg, k.Scope):
		a.scoping = newScopePicker(a.common)
		return a.scoping.load()
	case key.Matches(msg, k.NextPane):
		a.setFocus((a.focus + 1) % len(a.panes))
		return nil
	case key.Matches(msg, k.PrevPane):
		a.setFocus((a.focus + len(a.panes) - 1) % len(a.panes))
		return nil
	}
	if i, ok := k.PaneOf(msg); ok && i < len(a.panes) {
		a.setFocus(i)
		return nil
	}
	return p.update(msg)
}

// clickable is a pane whose lines a click chooses (a row of a list) or a wheel scrolls.
type clickable interface {
	// click is a click at a cell of the pane's body, counted from its top left corner.
	click(x, y int) tea.Cmd
	// wheel scrolls by n rows, down when positive.
	wheel(n int) tea.Cmd
}

// overlay reports whether something covers the panes: the ? screen, the log, the scope
// picker, or a prompt of the focused pane.
func (a *App) overlay() bool {
	return a.help || a.logOpen || a.scoping != nil || a.panes[a.focus].busy()
}

// click on the tab bar shows a pane; on a row of a list, selects it.
func (a *App) click(m tea.Mouse) tea.Cmd {
	if m.Button != tea.MouseLeft {
		return nil
	}
	if m.Y == 0 {
		if i := a.tabAt(m.X); i >= 0 && !a.help && !a.logOpen && a.scoping == nil {
			a.setFocus(i)
		}
		return nil
	}
	if a.overlay() {
		return nil
	}
	if c, ok := a.panes[a.focus].(clickable); ok {
		return c.click(m.X, m.Y-a.bodyTop)
	}
	return nil
}

// wheel scrolls what is under it: the ? screen, the log, or the focused pane.
func (a *App) wheel(m tea.Mouse) tea.Cmd {
	n := 0
	switch m.Button {
	case tea.MouseWheelUp:
		n = -3
	case tea.MouseWheelDown:
		n = 3
	default:
		return nil
	}
	switch {
	case a.help:
		a.helpTop = max(a.helpTop+n, 0)
	case a.logOpen:
		a.logTop = max(a.logTop+n, 0)
	case a.overlay():
	default:
		if c, ok := a.panes[a.focus].(clickable); ok {
			return c.wheel(n)
		}
	}
	return nil
}

// tabLabels are the tab texts with their counts.
func (a *App) tabLabels() []string {
	out := make([]string, len(a.panes))
	for i, p := range a.panes {
		label := fmt.Sprintf("%d %s", i+1, a.t(p.titleKey()))
		if n := p.count(); n >= 0 {
			label += fmt.Sprintf(" %d", n)
		}
		out[i] = label
	}
	return out
}

// tabAt is the tab under column x of the tab bar, or -1.
func (a *App) tabAt(x int) int {
	pos := 0
	for i, l := range a.tabLabels() {
		w := Width(l) + 2
		if x >= pos && x < pos+w {
			return i
		}
		pos += w
	}
	return -1
}

// View draws the frame: tabs, the focused pane, the message, the status bar and the help
// line. Every line is cut to the width of the terminal.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	if !a.noMouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

func (a *App) render() string {
	w, h := max(a.w, 20), max(a.h, 6)
	var tabs []string
	for i, l := range a.tabLabels() {
		st := a.styles.tab
		if i == a.focus {
			st = a.styles.tabActive
		}
		tabs = append(tabs, st.Render(l))
	}
	lines := []string{Fit(strings.Join(tabs, ""), w)}
	msg := a.messageLines(w, min(2, max(h-6, 0)))
	bodyH := h - 3 - len(msg)
	a.bodyTop = 1
	var body string
	switch {
	case a.help:
		body = a.helpView(w, bodyH)
	case a.logOpen:
		body = a.logView(w, bodyH)
	case a.scoping != nil:
		body = a.scoping.view(w, bodyH)
	default:
		p := a.panes[a.focus]
		if d, ok := p.(drillable); ok && d.drilled() != nil {
			set := d.drilled()
			body = a.styles.mark.Render(Cut(a.tf("drill.header", inert.Line(set.label), len(set.ids), keymap.Name(a.km.Back)), w)) + "\n" + p.view(w, bodyH-1)
			a.bodyTop = 2
		} else {
			body = p.view(w, bodyH)
		}
	}
	bl := strings.Split(body, "\n")
	for i := 0; i < bodyH; i++ {
		s := ""
		if i < len(bl) {
			s = bl[i]
		}
		lines = append(lines, Fit(s, w))
	}
	lines = append(lines, msg...)
	lines = append(lines, a.styles.bar.Render(Fit(a.statusLine(), w)))
	lines = append(lines, Fit(a.helpLine(w), w))
	return strings.Join(lines, "\n")
}

// Run opens the workbench on a terminal and returns when the user quits. The workbench runs
// under a soft memory limit (MemoryLimit), set back as it was when it returns.
func Run(be Backend, lang i18n.Lang, opts ...Option) error {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(MemoryLimit))
	_, err := tea.NewProgram(New(be, lang, opts...)).Run()
	return err
}

// MemoryLimit is the soft limit of the heap the workbench runs under (debug.SetMemoryLimit).
// What bounds its memory is what it holds: a summary of each post of the Pending pane's lists
// (model.PostSummary; the post shown is read whole when it is shown, with a few others), and
// the filter's index once a query is typed: at a million pending posts 0.3 GB, 0.6 GB with a
// query, whose garbage the collector's pace keeps near as much again. At three million posts
// with a query (1.6 GB live) the limit keeps the garbage from doubling that; at 1.5 GiB, below
// what they hold, the collector ran without pause and the query's index took 38 s instead of
// 22 s to build. Beyond it the collector runs more often, within the CPU the runtime allows
// it, and the heap grows as it must.
const MemoryLimit = 2 << 30
