package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
)

// The prompts a pane opens before it acts (choicePrompt for the roster and the violations,
// reasonPrompt for a decision on posts), and the commands that write actions.

// actionMsg is the outcome of an action written by a pane (not a decision on a post).
type actionMsg struct {
	owner any // the pane that wrote it
	kind  model.Kind
	label string // what the status line names
	err   error
}

// actionCmd runs an action of the service in a command; the pane shows it done only when
// the store has it.
func actionCmd(c *common, owner any, kind model.Kind, label string, do func(Backend) error) tea.Cmd {
	c.inflight++
	c.status, c.errText = c.t("saving"), ""
	be := c.be
	return func() tea.Msg {
		return actionMsg{owner: owner, kind: kind, label: label, err: do(be)}
	}
}

// choicePrompt asks for the details of an action: one of a few choices (↑↓), an optional or
// required text, Enter to carry it out, Esc to cancel.
type choicePrompt struct {
	c        *common
	title    string   // inert already
	info     []string // lines under the title, inert already
	choices  []string
	cursor   int
	input    *textinput.Model
	needText bool
	run      func(choice int, text string) tea.Cmd
}

func newChoicePrompt(c *common, title string) *choicePrompt {
	return &choicePrompt{c: c, title: title}
}

// withReason adds a text line, with its label.
func (r *choicePrompt) withReason(label string) {
	in := newTextInput()
	in.Prompt = label
	in.CharLimit = 500
	in.Focus()
	r.input = &in
}

func (r *choicePrompt) key(msg tea.KeyPressMsg) (done bool, cmd tea.Cmd) {
	k := r.c.km
	switch {
	case key.Matches(msg, k.Cancel):
		return true, nil
	case key.Matches(msg, k.Confirm):
		text := ""
		if r.input != nil {
			text = strings.TrimSpace(r.input.Value())
		}
		if r.needText && text == "" {
			return false, nil
		}
		return true, r.run(r.cursor, text)
	case (r.input == nil || msg.Text == "") && key.Matches(msg, k.Up):
		r.cursor = max(r.cursor-1, 0)
		return false, nil
	case (r.input == nil || msg.Text == "") && key.Matches(msg, k.Down):
		r.cursor = max(min(r.cursor+1, len(r.choices)-1), 0)
		return false, nil
	}
	if r.input != nil {
		*r.input, _ = r.input.Update(msg)
	}
	return false, nil
}

func (r *choicePrompt) view(w, h int) string {
	lines := []string{Cut(r.c.styles.bold.Render(r.title), w)}
	for _, l := range r.info {
		for _, x := range Wrap(l, max(w, 2)) {
			lines = append(lines, Cut(x, w))
		}
	}
	hint := "roster.prompt.hint"
	if len(r.choices) > 0 {
		hint = "roster.prompt.hint.choose"
	}
	hint = r.c.tf(hint, keymap.Name(r.c.km.Confirm), keymap.Name(r.c.km.Cancel))
	lines = append(lines, "", Cut(r.c.styles.dim.Render(hint), w))
	var input []string
	if r.input != nil {
		r.input.SetWidth(max(w-Width(r.input.Prompt)-2, 1))
		input = []string{"", Cut(r.input.View(), w)}
	}
	// The choices that fit, the cursor's among them: the text line stays in sight below.
	room := max(h-len(lines)-len(input), 1)
	top := max(min(r.cursor-room/2, len(r.choices)-room), 0)
	for i := top; i < len(r.choices) && i < top+room; i++ {
		l := Fit("  "+r.choices[i], w)
		if i == r.cursor {
			l = r.c.styles.sel.Render(l)
		}
		lines = append(lines, l)
	}
	lines = append(lines, input...)
	if len(lines) > h {
		lines = lines[:max(h, 0)]
	}
	return strings.Join(lines, "\n")
}

// reasonPrompt chooses or types the reason told to the author.
type reasonPrompt struct {
	c       *common
	kind    model.Kind
	ids     []string
	note    string // what a decision on marked posts applies to
	choices []string
	cursor  int
	typing  bool
	input   textinput.Model
}

func newReasonPrompt(c *common, kind model.Kind, ids []string, choices []string, note string) *reasonPrompt {
	in := newTextInput()
	in.Prompt = c.t("reason.type")
	in.CharLimit = 500
	return &reasonPrompt{c: c, kind: kind, ids: ids, note: note, choices: append(choices, c.t("reason.custom")), input: in}
}

func (r *reasonPrompt) key(msg tea.KeyPressMsg, k keymap.Keys) (done bool, reason string, ok bool) {
	if r.typing {
		switch {
		case key.Matches(msg, k.Confirm):
			v := strings.TrimSpace(r.input.Value())
			if v == "" {
				return false, "", false
			}
			return true, v, true
		case key.Matches(msg, k.Cancel):
			r.typing = false
			return false, "", false
		}
		r.input, _ = r.input.Update(msg)
		return false, "", false
	}
	switch {
	case key.Matches(msg, k.Up):
		r.cursor = max(r.cursor-1, 0)
	case key.Matches(msg, k.Down):
		r.cursor = min(r.cursor+1, len(r.choices)-1)
	case key.Matches(msg, k.Confirm):
		if r.cursor == len(r.choices)-1 {
			r.typing = true
			r.input.SetValue(r.choices[0])
			r.input.CursorEnd()
			r.input.Focus()
			return false, "", false
		}
		return true, r.choices[r.cursor], true
	case key.Matches(msg, k.Cancel):
		return true, "", false
	}
	return false, "", false
}

func (r *reasonPrompt) view(w, h int) string {
	lines := []string{r.c.styles.bold.Render(Cut(r.c.t("key."+strings.TrimPrefix(string(r.kind), "post."))+" ("+fmt.Sprint(len(r.ids))+")", w))}
	if r.note != "" {
		for _, l := range Wrap(r.note, max(w, 2)) {
			lines = append(lines, r.c.styles.mark.Render(Cut(l, w)))
		}
	}
	lines = append(lines, Cut(r.c.tf("reason.title", keymap.Name(r.c.km.Confirm), keymap.Name(r.c.km.Cancel)), w), "")
	for i, c := range r.choices {
		l := Fit("  "+inert.Line(c), w)
		if i == r.cursor && !r.typing {
			l = r.c.styles.sel.Render(l)
		}
		lines = append(lines, l)
	}
	if r.typing {
		lines = append(lines, "", Cut(r.input.View(), w))
	}
	return strings.Join(lines, "\n")
}
