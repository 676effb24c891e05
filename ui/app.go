package ui

import (
	"fmt"
	"runtime/debug"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
)

// pane is one of the four panes. Panes share the app's common state, handle the keys that
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
	scope   string // group id in scope; "" for all
	groups  []model.Group
	kinds   map[string]model.GroupKind
	styles  styles
	status  string // the last message of the status bar
	errText string
	// inflight counts decisions written but not yet confirmed: q waits for them.
	inflight int
}

func (c *common) t(key string) string               { return i18n.T(c.lang, key) }
func (c *common) tf(key string, args ...any) string { return i18n.Tf(c.lang, key, args...) }

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
	scoping *scopePicker
	quit    bool
}

// New makes the workbench over a backend, in a language.
func New(be Backend, lang i18n.Lang) *App {
	c := &common{lang: lang, km: keymap.New(lang), be: be, op: be.Operator(), styles: newStyles(), kinds: map[string]model.GroupKind{}}
	a := &App{common: c, w: 80, h: 24}
	a.panes = []pane{newPending(c), newRoster(c), newViolations(c), newReports(c)}
	return a
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

// Update routes a message: the size and the global keys to the app, other keys to the
// focused pane (or its prompt), everything else to every pane, which keep their own.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
		return a, nil
	case groupsMsg:
		if msg.err != nil {
			a.errText = msg.err.Error()
		}
		a.groups = msg.groups
		for _, g := range msg.groups {
			a.kinds[g.ID] = g.Kind
		}
		// The panes draw group names: they hear of the groups too.
	case tea.MouseClickMsg:
		if m := msg.Mouse(); m.Y == 0 {
			if i := a.tabAt(m.X); i >= 0 {
				a.focus = i
			}
		}
		return a, nil
	case tea.KeyPressMsg:
		return a, a.key(msg)
	case drillMsg:
		// A figure of the Reports pane opens its items in their own pane.
		a.focus = msg.pane
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

func (a *App) key(msg tea.KeyPressMsg) tea.Cmd {
	k := a.km
	if a.help {
		switch {
		case key.Matches(msg, k.Help, k.Back, k.Quit):
			a.help, a.helpTop = false, 0
		case key.Matches(msg, k.Up):
			a.helpTop--
		case key.Matches(msg, k.Down):
			a.helpTop++
		case key.Matches(msg, k.PageUp):
			a.helpTop -= a.h / 2
		case key.Matches(msg, k.PageDown):
			a.helpTop += a.h / 2
		case key.Matches(msg, k.Top):
			a.helpTop = 0
		case key.Matches(msg, k.Bottom):
			a.helpTop = 1 << 30 // helpView stops at the last line
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
		a.status = a.t("quit.waiting")
		return nil
	case key.Matches(msg, k.Help):
		a.help = true
		return nil
	case key.Matches(msg, k.Scope):
		a.scoping = newScopePicker(a.common)
		return nil
	case key.Matches(msg, k.NextPane):
		a.focus = (a.focus + 1) % len(a.panes)
		return nil
	case key.Matches(msg, k.PrevPane):
		a.focus = (a.focus + len(a.panes) - 1) % len(a.panes)
		return nil
	}
	if i, ok := k.PaneOf(msg); ok && i < len(a.panes) {
		a.focus = i
		return nil
	}
	return p.update(msg)
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

// View draws the frame: tabs, the focused pane, the status bar and the help line. Every line
// is cut to the width of the terminal.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
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
	bodyH := h - 3
	var body string
	switch {
	case a.help:
		body = a.helpView(w, bodyH)
	case a.scoping != nil:
		body = a.scoping.view(w, bodyH)
	default:
		p := a.panes[a.focus]
		if d, ok := p.(drillable); ok && d.drilled() != nil {
			set := d.drilled()
			body = a.styles.mark.Render(Cut(a.tf("drill.header", inert.Line(set.label), len(set.ids), keymap.Name(a.km.Back)), w)) + "\n" + p.view(w, bodyH-1)
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
	lines = append(lines, a.styles.bar.Render(Fit(a.statusLine(), w)))
	lines = append(lines, Fit(a.helpLine(w), w))
	return strings.Join(lines, "\n")
}

func (a *App) statusLine() string {
	scope := a.t("scope.all")
	if a.scope != "" {
		scope = a.scope
		for _, g := range a.groups {
			if g.ID == a.scope {
				scope = inert.Line(g.Name)
			}
		}
	}
	pend, esc := 0, 0
	if p, ok := a.panes[0].(*pendingPane); ok {
		pend, esc = p.counts()
	}
	s := fmt.Sprintf(" %s (%s) | %s: %s | %s %d | %s %d", inert.Line(a.op.Name), a.t("role."+string(a.op.Role)),
		a.t("scope"), scope, a.t("pending"), pend, a.t("escalated"), esc)
	if a.inflight > 0 {
		s += " | " + a.t("saving")
	}
	if a.errText != "" {
		s += " | " + a.t("error") + ": " + inert.Line(a.errText)
	} else if a.status != "" {
		s += " | " + a.status
	}
	return s + " | " + inert.Line(a.be.Location())
}

// helpLine lists the keys of the focused place that fit.
func (a *App) helpLine(w int) string {
	var bs []key.Binding
	bs = append(bs, a.panes[a.focus].keys().ShortHelp()...)
	bs = append(bs, a.km.Filter, a.km.Scope, a.km.Help, a.km.Quit)
	var parts []string
	used := 0
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		part := b.Help().Key + " " + b.Help().Desc
		if used+Width(part)+2 > w {
			break
		}
		parts = append(parts, part)
		used += Width(part) + 2
	}
	return strings.Join(parts, "  ")
}

// helpGroups are the groups of the ? screen: the keys of everywhere, each pane's groups in the
// order of the tabs (a group shared by panes once), the prompts'.
func (a *App) helpGroups() []keymap.Group {
	gs := []keymap.Group{a.km.Global()}
	seen := map[string]bool{}
	for _, p := range a.panes {
		for _, g := range p.keys().Groups {
			if !seen[g.Title] {
				seen[g.Title] = true
				gs = append(gs, g)
			}
		}
	}
	return append(gs, a.km.Prompt())
}

// helpView lists every key, a heading per group, from helpTop on; the title stays.
func (a *App) helpView(w, h int) string {
	var lines []string
	for _, g := range a.helpGroups() {
		lines = append(lines, "", a.styles.bold.Render(g.Title))
		row := ""
		for _, b := range g.Bindings {
			item := fmt.Sprintf("%-9s %s", b.Help().Key, b.Help().Desc)
			cell := Fit(item, 26)
			if Width(row)+26 > w {
				lines = append(lines, row)
				row = ""
			}
			row += cell
		}
		if row != "" {
			lines = append(lines, row)
		}
	}
	room := max(h-1, 0)
	a.helpTop = max(min(a.helpTop, len(lines)-room), 0)
	lines = lines[a.helpTop:min(a.helpTop+room, len(lines))]
	title := a.tf("help.title", keymap.Name(a.km.Help), keymap.Name(a.km.Back))
	return strings.Join(append([]string{a.styles.bold.Render(title)}, lines...), "\n")
}

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
			s += "  " + c.styles.dim.Render(string(g.Kind)+" "+inert.Line(g.ID))
		}
		return Fit(s, w)
	})
	l.SetRows(append([]model.Group{all}, c.groups...))
	l.Select(c.scope)
	return &scopePicker{c: c, list: l}
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

// Run opens the workbench on a terminal and returns when the user quits.
func Run(be Backend, lang i18n.Lang) error {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(MemoryLimit))
	_, err := tea.NewProgram(New(be, lang)).Run()
	return err
}

// MemoryLimit is the soft limit of the heap the workbench runs under (debug.SetMemoryLimit).
// What bounds its memory is what it holds: a summary of each post of a list (some 280 bytes;
// the post shown is read whole when it is shown), and the filter's index once a query is
// typed (about as much again). The limit keeps the garbage between two collections from
// doubling that: as the heap nears it, the collector runs sooner. Beyond it (a queue of
// several million posts with a query) the collector runs often, within the CPU the runtime
// allows it, and the heap grows as it must.
const MemoryLimit = 1 << 30
