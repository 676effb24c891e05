// Package keymap is the one home of the workbench's keys: every key.Binding with its help text,
// and the groups they are shown in. The panes match key presses against these bindings (never
// against key strings of their own), the help line and the ? screen show them, and
// docs/keys.md is generated from them (go generate ./keymap).
//
// A new key is a field of Keys made in New, with its help text in the catalogue
// (internal/i18n/keys.go), put in the group of the place it works in (the methods below);
// TestEveryKeyIsInAGroup and TestNoKeyTwiceInAPlace keep that true.
package keymap

import (
	"fmt"

	"charm.land/bubbles/v2/key"

	"qunshen/internal/i18n"
)

// Keys are the bindings of the workbench, with their help in one language.
type Keys struct {
	// Everywhere.
	Panes              key.Binding // 1 to 5: the panes in the order of their tabs
	NextPane, PrevPane key.Binding
	Scope              key.Binding
	Log, Help, Quit    key.Binding
	// Moving in a list, the Reports pane's figures, the ? screen and the message log; half a
	// page scrolls the detail beside a list.
	Up, Down, Top, Bottom, PageUp, PageDown, HalfUp, HalfDown key.Binding
	// Lists.
	Open, Back, Filter key.Binding
	// While typing a filter.
	FilterDone, FilterClear key.Binding
	// Pending posts.
	Mark, Approve, Reject, Changes, Escalate, SignOff, Return, Undo, NextFlagged key.Binding
	MarkAll, ClearMarks, Views, Sort, Retract, Record                            key.Binding
	// A post read full-screen: the next and the previous post.
	NextPost, PrevPost key.Binding
	// A confirmation: yes or no.
	Yes, No key.Binding
	// Roster.
	AppApprove, AppRefuse, Warn, Mute, Remove, Restore, Appeal, Cleanup key.Binding
	// Violations.
	Verify, Sanction, Dismiss, Feedback key.Binding
	// An incident opened on what the cursor is on: a post, a member, a group.
	OpenIncident key.Binding
	// Groups: an application to create a group, an application or a group approved and
	// filed, an application refused; the
	// group's incidents followed (a measure, a report upward, a follow-up, the closing, the
	// upward report written); accountability recorded.
	GroupApply, GroupApprove, GroupRefuse, Measure, Report, FollowUp, CloseIncident, WriteReport, Account key.Binding
	// Groups: a group commended, the requests to read its archive; Violations: a reporter rewarded.
	Commend, ArchiveAccess, Reward, Files key.Binding
	// Reports.
	PrevPeriod, NextPeriod, PeriodLength, BranchScope, Drill, Export key.Binding
	// The formats the Reports pane exports to, after Export.
	ExportMarkdown, ExportCSV, ExportXLSX, ExportHTML, ExportJSON key.Binding
	// Prompts.
	Confirm, Cancel key.Binding

	lang i18n.Lang
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
	panes := b("panes", "1", "2", "3", "4", "5")
	panes.SetHelp("1-5", panes.Help().Desc)
	return Keys{
		Panes:    panes,
		NextPane: b("next-pane", "tab"), PrevPane: b("prev-pane", "shift+tab"),
		Scope: b("scope", "ctrl+g"),
		Log:   b("log", "@"), Help: b("help", "?"), Quit: b("quit", "q", "ctrl+c"),

		Up: b("up", "up", "k"), Down: b("down", "down", "j"), Top: b("top", "g", "home"), Bottom: b("bottom", "G", "end"),
		PageUp: b("page-up", "pgup"), PageDown: b("page-down", "pgdown"),
		HalfUp: b("half-up", "ctrl+u"), HalfDown: b("half-down", "ctrl+d"),

		Open: b("open", "enter"), Back: b("back", "esc"), Filter: b("filter", "/"),
		FilterDone: b("filter-done", "enter"), FilterClear: b("filter-clear", "esc"),

		Mark:    b("mark", "space"),
		Approve: b("approve", "a"), Reject: b("reject", "r"), Changes: b("changes", "c"), Escalate: b("escalate", "e"),
		SignOff: b("signoff", "s"), Return: b("return", "b"), Undo: b("undo", "u"), NextFlagged: b("next-flagged", "n"),
		MarkAll: b("mark-all", "+"), ClearMarks: b("clear-marks", "-"), Views: b("views", "f"), Sort: b("sort", "o"),
		Retract: b("retract", "x"), Record: b("record", "v"),
		NextPost: b("next-post", "n"), PrevPost: b("prev-post", "p"),
		Yes: b("yes", "y"), No: b("no", "n"),

		AppApprove: b("app-approve", "a"), AppRefuse: b("app-refuse", "r"), Warn: b("warn", "w"), Mute: b("mute", "m"),
		Remove: b("remove", "x"), Restore: b("restore", "R"), Appeal: b("appeal", "p"), Cleanup: b("cleanup", "f"),

		OpenIncident: b("incident", "i"),
		GroupApply:   b("group-apply", "n"), GroupApprove: b("group-approve", "a"), GroupRefuse: b("group-refuse", "r"), Measure: b("measure", "m"),
		Report: b("report-up", "e"), FollowUp: b("followup", "u"), CloseIncident: b("close-incident", "c"),
		WriteReport: b("write-report", "w"), Account: b("account", "A"),
		Commend: b("commend", "K"), ArchiveAccess: b("archive-access", "R"), Reward: b("reward", "W"), Files: b("files", "F"),

		Verify: b("verify", "v"), Sanction: b("sanction", "s"), Dismiss: b("dismiss", "d"), Feedback: b("feedback", "f"),

		PrevPeriod: b("prev-period", "["), NextPeriod: b("next-period", "]"),
		PeriodLength: b("period-length", "t"), BranchScope: b("branch-scope", "b"),
		Drill: b("drill", "enter"), Export: b("export", "e"),

		ExportMarkdown: b("export-md", "m"), ExportCSV: b("export-csv", "c"), ExportXLSX: b("export-xlsx", "x"),
		ExportHTML: b("export-html", "h"), ExportJSON: b("export-json", "j"),

		Confirm: b("confirm", "enter"), Cancel: b("cancel", "esc"),

		lang: l,
	}
}

// PaneOf is the pane (0 for the first tab) that a key of Panes chooses.
func (k Keys) PaneOf(msg fmt.Stringer) (int, bool) {
	if !key.Matches(msg, k.Panes) {
		return 0, false
	}
	s := msg.String()
	for i, name := range k.Panes.Keys() {
		if name == s {
			return i, true
		}
	}
	return 0, false
}

// Name is what the screen calls a binding's key in a hint: "esc", "enter", "f".
func Name(b key.Binding) string { return b.Help().Key }

// Group is keys that work in one place, under a heading: one table of docs/keys.md, one block
// of the ? screen.
type Group struct {
	Title    string
	Bindings []key.Binding
}

func (k Keys) group(title string, bs ...key.Binding) Group {
	return Group{Title: i18n.T(k.lang, title), Bindings: bs}
}

// Global are the keys that work in every pane.
func (k Keys) Global() Group {
	return k.group("keys.global", k.Panes, k.NextPane, k.PrevPane, k.Scope, k.Log, k.Help, k.Quit)
}

// Move are the keys that move the cursor: in a list, among the Reports pane's figures, on the
// ? screen.
func (k Keys) Move() Group {
	return k.group("keys.move", k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown)
}

// List are the keys of the lists of the Pending, Roster and Violations panes.
func (k Keys) List() Group {
	return k.group("keys.list", k.Open, k.Back, k.Filter)
}

// Filtering are the keys that end typing a filter.
func (k Keys) Filtering() Group {
	return k.group("keys.filter", k.FilterDone, k.FilterClear)
}

// Pending are the keys of the Pending pane.
func (k Keys) Pending() Group {
	return k.group("tab.pending", k.Approve, k.Reject, k.Changes, k.Escalate, k.SignOff, k.Return, k.Undo,
		k.Retract, k.Record, k.OpenIncident, k.Mark, k.MarkAll, k.ClearMarks, k.Views, k.Sort, k.NextFlagged)
}

// Reading are the keys of a post read full-screen (Enter in the Pending pane): the text
// scrolls with the keys of Move, the decisions work as in the list.
func (k Keys) Reading() Group {
	return k.group("keys.reading", k.NextPost, k.PrevPost, k.HalfDown, k.HalfUp, k.PageDown, k.PageUp, k.Mark, k.Back)
}

// Confirmation are the keys of a question asked before a decision.
func (k Keys) Confirmation() Group {
	return k.group("keys.confirm", k.Yes, k.No, k.Cancel)
}

// Roster are the keys of the Roster pane.
func (k Keys) Roster() Group {
	return k.group("tab.roster", k.AppApprove, k.AppRefuse, k.Warn, k.Mute, k.Remove, k.Restore, k.Appeal, k.OpenIncident, k.Cleanup)
}

// Violations are the keys of the Violations pane.
func (k Keys) Violations() Group {
	return k.group("tab.violations", k.Verify, k.Sanction, k.Dismiss, k.Feedback, k.Appeal, k.Reward)
}

// Reports are the keys of the Reports pane.
func (k Keys) Reports() Group {
	return k.group("tab.reports", k.PrevPeriod, k.NextPeriod, k.PeriodLength, k.BranchScope, k.Drill, k.Export)
}

// Register are the keys of the Groups pane: the register's approvals, a group's incidents
// and accountability.
func (k Keys) Register() Group {
	return k.group("tab.groups", k.GroupApply, k.GroupApprove, k.GroupRefuse, k.OpenIncident, k.Measure, k.Report, k.FollowUp,
		k.CloseIncident, k.WriteReport, k.Account, k.Commend, k.ArchiveAccess, k.Files)
}

// ExportFormats are the keys that choose the format after Export; any other key cancels.
func (k Keys) ExportFormats() Group {
	return k.group("keys.export", k.ExportMarkdown, k.ExportCSV, k.ExportXLSX, k.ExportHTML, k.ExportJSON, k.Cancel)
}

// Prompt are the keys of a prompt: the reason of a decision, the details of an action, the
// group in scope.
func (k Keys) Prompt() Group {
	return k.group("keys.prompt", k.Up, k.Down, k.Confirm, k.Cancel)
}

// Groups are every group, in the order of the ? screen and docs/keys.md: the keys of
// everywhere, then each pane's in the order of the tabs, then the prompts'.
func (k Keys) Groups() []Group {
	return []Group{k.Global(),
		k.Pending(), k.Reading(), k.Confirmation(), k.Move(), k.List(), k.Filtering(),
		k.Roster(), k.Violations(),
		k.Reports(), k.ExportFormats(),
		k.Register(),
		k.Prompt()}
}

// Help is the keys of one pane, in the shape of bubbles' help.KeyMap: the keys that act on
// what is shown now (the help line), and the groups of every key of the pane (the ? screen).
type Help struct {
	Short  []key.Binding
	Groups []Group
}

// ShortHelp is the keys that act now.
func (h Help) ShortHelp() []key.Binding { return h.Short }

// FullHelp is every key of the pane, a column per group.
func (h Help) FullHelp() [][]key.Binding {
	out := make([][]key.Binding, len(h.Groups))
	for i, g := range h.Groups {
		out[i] = g.Bindings
	}
	return out
}
