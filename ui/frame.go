package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/review"
)

// The lines of the frame around the focused pane: the message and its log, the status bar,
// the help line and the ? screen.

// messageLines are the message of the moment, wrapped onto at most max lines; a longer one
// ends with a pointer to the log, which holds it whole.
func (a *App) messageLines(w, most int) []string {
	text, st := a.status, lipgloss.NewStyle()
	if a.errText != "" {
		text, st = a.t("error")+a.t("msg.colon")+a.errText, a.styles.sev[review.Block]
	}
	if text == "" || most <= 0 {
		return nil
	}
	ls := Wrap(inert.Line(text), w)
	if len(ls) > most {
		more := a.tf("msg.more", keymap.Name(a.km.Log))
		ls = ls[:most]
		ls[most-1] = Cut(ls[most-1], max(w-Width(more), 1)) + more
	}
	for i, l := range ls {
		ls[i] = st.Render(Fit(l, w))
	}
	return ls
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
	var marks string
	if p, ok := a.panes[0].(*pendingPane); ok {
		pend, esc = p.counts()
		marks = p.markLine()
	}
	s := fmt.Sprintf(" %s (%s)", inert.Line(a.op.Name), a.t("role."+string(a.op.Role)))
	if marks != "" {
		s += " | " + marks // first: what a decision would act on
	}
	s += fmt.Sprintf(" | %s: %s | %s %d | %s %d", a.t("scope"), scope, a.t("pending"), pend, a.t("escalated"), esc)
	if a.inflight > 0 {
		s += " | " + a.t("saving")
	}
	return s + " | " + inert.Line(a.be.Location())
}

// helpLine lists the keys of the focused place that fit, and ends with the keys of help and
// quit whenever they work (not while the ? screen, the log, a prompt, a question or a filter
// has the keyboard).
func (a *App) helpLine(w int) string {
	var bs []key.Binding
	last := []key.Binding{a.km.Help, a.km.Quit}
	if a.overlay() {
		last = nil // q closes the ? screen and the log, and types a q in a prompt
	}
	switch {
	case a.help, a.logOpen:
		bs = append(bs, a.km.Down, a.km.Up, a.km.PageDown, a.km.Back)
	case a.scoping != nil:
		bs = append(bs, a.km.Prompt().Bindings...)
	case a.panes[a.focus].busy():
		bs = append(bs, a.panes[a.focus].keys().ShortHelp()...)
	default:
		bs = append(bs, a.panes[a.focus].keys().ShortHelp()...)
		bs = append(bs, a.km.Scope)
	}
	part := func(b key.Binding) string { return b.Help().Key + " " + b.Help().Desc }
	var tail []string
	room := w
	for _, b := range last {
		tail = append(tail, part(b))
		room -= Width(part(b)) + 2
	}
	var parts []string
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		p := part(b)
		if Width(p)+2 > room {
			break
		}
		parts = append(parts, p)
		room -= Width(p) + 2
	}
	return strings.Join(append(parts, tail...), "  ")
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

// helpView lists every key, a heading per group, in as many columns as the width holds
// whole, from helpTop on; the title, the zone of the times and the legend of the marks stay.
func (a *App) helpView(w, h int) string {
	groups := a.helpGroups()
	keyW, descW := 0, 0
	for _, g := range groups {
		for _, b := range g.Bindings {
			keyW = max(keyW, Width(b.Help().Key))
			descW = max(descW, Width(b.Help().Desc))
		}
	}
	cellW := keyW + 2 + descW + 3
	cols := max(1, min(3, (w+3)/cellW))
	var lines []string
	for _, g := range groups {
		lines = append(lines, "", a.styles.bold.Render(g.Title))
		row := ""
		for i, b := range g.Bindings {
			item := Fit(b.Help().Key, keyW) + "  " + b.Help().Desc
			if i%cols == cols-1 || i == len(g.Bindings)-1 {
				row += item
				lines = append(lines, Cut(row, w))
				row = ""
			} else {
				row += Fit(item, cellW)
			}
		}
	}
	lines = append(lines, "", a.styles.bold.Render(a.t("help.legend.title")))
	for _, l := range Wrap(a.t("help.legend"), max(w, 2)) {
		lines = append(lines, l)
	}
	title := a.tf("help.title", keymap.Name(a.km.Help), keymap.Name(a.km.Back))
	head := []string{a.styles.bold.Render(Cut(title, w)), a.styles.dim.Render(Cut(a.tf("help.zone", review.ZoneName(a.zone, a.lang, a.be.Now())), w))}
	room := max(h-len(head), 0)
	a.helpTop = max(min(a.helpTop, len(lines)-room), 0)
	lines = lines[a.helpTop:min(a.helpTop+room, len(lines))]
	return strings.Join(append(head, lines...), "\n")
}

// logView is the messages since the workbench opened, newest first, each with its time, from logTop on.
func (a *App) logView(w, h int) string {
	var lines []string
	if len(a.log) == 0 {
		lines = append(lines, "  "+a.t("log.empty"))
	}
	for i := len(a.log) - 1; i >= 0; i-- {
		e := a.log[i]
		head := a.when(e.at, "15:04:05") + "  "
		text := inert.Line(e.text)
		if e.err {
			text = a.t("error") + a.t("msg.colon") + text
		}
		for j, l := range Wrap(text, max(w-Width(head), 2)) {
			if j == 0 {
				l = head + l
				if e.err {
					l = a.styles.sev[review.Block].Render(l)
				}
			} else {
				l = strings.Repeat(" ", Width(head)) + l
			}
			lines = append(lines, l)
		}
	}
	title := a.tf("log.title", len(a.log), keymap.Name(a.km.Log), keymap.Name(a.km.Back))
	room := max(h-1, 0)
	a.logTop = max(min(a.logTop, len(lines)-room), 0)
	lines = lines[a.logTop:min(a.logTop+room, len(lines))]
	return strings.Join(append([]string{a.styles.bold.Render(Cut(title, w))}, lines...), "\n")
}
