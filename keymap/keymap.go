// Package keymap defines every key of the workbench once, with its help text: the help line,
// the ? overlay and the key handling of every pane read them from here.
package keymap

import (
	"charm.land/bubbles/v2/key"

	"qunshen/internal/i18n"
)

// Keys are the bindings of the workbench.
type Keys struct {
	// Everywhere.
	Pane1, Pane2, Pane3, Pane4 key.Binding
	NextPane, PrevPane         key.Binding
	Scope                      key.Binding
	Help, Quit                 key.Binding
	// Lists.
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
	Open, Back, Filter, Mark                key.Binding
	// Pending posts.
	Approve, Reject, Changes, Escalate, SignOff, Return, Undo, NextFlagged key.Binding
	// Roster.
	AppApprove, AppRefuse, Warn, Mute, Remove, Restore, Appeal, Cleanup key.Binding
	// Violations.
	Verify, Sanction, Dismiss, Feedback key.Binding
	// Reports.
	PrevPeriod, NextPeriod, PeriodLength, BranchScope, Export key.Binding
	// Prompts.
	Confirm, Cancel key.Binding
}

// New makes the keys with their help in a language.
func New(l i18n.Lang) Keys {
	b := func(help string, keys ...string) key.Binding {
		name := keys[0]
		if len(keys) > 1 && (keys[0] == "up" || keys[0] == "down") {
			name = keys[1] + "/" + keys[0]
		}
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(name, i18n.T(l, "key."+help)))
	}
	return Keys{
		Pane1: b("pane1", "1"), Pane2: b("pane2", "2"), Pane3: b("pane3", "3"), Pane4: b("pane4", "4"),
		NextPane: b("next-pane", "tab"), PrevPane: b("prev-pane", "shift+tab"),
		Scope: b("scope", "ctrl+g"),
		Help:  b("help", "?"), Quit: b("quit", "q", "ctrl+c"),

		Up: b("up", "up", "k"), Down: b("down", "down", "j"), Top: b("top", "g", "home"), Bottom: b("bottom", "G", "end"),
		PageUp: b("page-up", "pgup"), PageDown: b("page-down", "pgdown"),
		Open: b("open", "enter"), Back: b("back", "esc"), Filter: b("filter", "/"), Mark: b("mark", "space"),

		Approve: b("approve", "a"), Reject: b("reject", "r"), Changes: b("changes", "c"), Escalate: b("escalate", "e"),
		SignOff: b("signoff", "s"), Return: b("return", "b"), Undo: b("undo", "u"), NextFlagged: b("next-flagged", "n"),

		AppApprove: b("app-approve", "a"), AppRefuse: b("app-refuse", "r"), Warn: b("warn", "w"), Mute: b("mute", "m"),
		Remove: b("remove", "x"), Restore: b("restore", "R"), Appeal: b("appeal", "p"), Cleanup: b("cleanup", "f"),

		Verify: b("verify", "v"), Sanction: b("sanction", "s"), Dismiss: b("dismiss", "d"), Feedback: b("feedback", "f"),

		PrevPeriod: b("prev-period", "["), NextPeriod: b("next-period", "]"),
		PeriodLength: b("period-length", "t"), BranchScope: b("branch-scope", "b"), Export: b("export", "e"),

		Confirm: b("confirm", "enter"), Cancel: b("cancel", "esc"),
	}
}

// Global are the keys that work in every pane.
func (k Keys) Global() []key.Binding {
	return []key.Binding{k.Pane1, k.NextPane, k.Scope, k.Filter, k.Help, k.Quit}
}

// List are the keys of every list.
func (k Keys) List() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown, k.Open, k.Back, k.Filter, k.Mark}
}
