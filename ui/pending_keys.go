package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// The keys of the Pending pane that move and read: the post read full-screen, the next post
// with a finding, the mouse, and the keys the pane offers.

// readingKey is a key of the post read full-screen: the text scrolls, n and p go to the
// next and previous post, space marks the post and stays on it; Enter and Esc go back to the
// list. It reports whether it took the key.
func (p *pendingPane) readingKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k, s := p.km, &p.scroll
	page := max(s.room-1, 1)
	switch {
	case key.Matches(msg, k.Down):
		s.top++
	case key.Matches(msg, k.Up):
		s.top = max(s.top-1, 0)
	case key.Matches(msg, k.PageDown):
		s.top += page
	case key.Matches(msg, k.PageUp):
		s.top = max(s.top-page, 0)
	case key.Matches(msg, k.HalfDown):
		s.top += max(page/2, 1)
	case key.Matches(msg, k.HalfUp):
		s.top = max(s.top-max(page/2, 1), 0)
	case key.Matches(msg, k.Top):
		s.top = 0
	case key.Matches(msg, k.Bottom):
		s.top = 1 << 30 // the view stops at the last line
	case key.Matches(msg, k.NextPost):
		p.list.Move(1)
		return p.loadRecord(), true
	case key.Matches(msg, k.PrevPost):
		p.list.Move(-1)
		return p.loadRecord(), true
	case key.Matches(msg, k.Filter):
		return nil, true // the list is not shown: nothing to filter
	default:
		return nil, false
	}
	return nil, true
}

// nextFlagged moves to the next post with a finding of warn or worse, or disputed.
func (p *pendingPane) nextFlagged() {
	for i := p.list.Cursor() + 1; i < p.list.Len(); i++ {
		x := p.list.At(i)
		if worst(x.Severities) <= review.SeverityRank(review.Warn) || x.Disputed {
			p.list.SetCursor(i)
			return
		}
	}
	p.note(p.t("flagged.none"))
}

// worst is the rank of the strongest of the severities of findings (4 for none).
func worst(severities []string) int {
	w := 4
	for _, s := range severities {
		w = min(w, review.SeverityRank(s))
	}
	return w
}

func (p *pendingPane) keys() keymap.Help {
	k := p.km
	groups := []keymap.Group{k.Pending(), k.Reading(), k.Confirmation(), k.Move(), k.List(), k.Filtering()}
	switch {
	case p.ask != nil && p.ask.reason:
		return keymap.Help{Short: []key.Binding{k.Confirm, k.Cancel}, Groups: groups}
	case p.ask != nil:
		short := []key.Binding{k.Yes}
		if p.ask.again != nil {
			short = append(short, *p.ask.again)
		}
		return keymap.Help{Short: append(short, k.No), Groups: groups}
	case p.prompt != nil, p.picker != nil, p.choice != nil:
		return keymap.Help{Short: k.Prompt().Bindings, Groups: groups}
	case p.filter.Active():
		return keymap.Help{Short: k.Filtering().Bindings, Groups: groups}
	}
	// The decisions the role may take, the commonest first; the others after the keys of
	// moving about, as the width of the help line allows.
	var first, then []key.Binding
	for _, b := range []struct {
		b    key.Binding
		kind model.Kind
		main bool
	}{{k.Approve, model.PostApprove, true}, {k.Reject, model.PostReject, true}, {k.Escalate, model.PostEscalate, true},
		{k.SignOff, model.PostSignOff, true}, {k.Return, model.PostReturn, true},
		{k.Changes, model.PostChanges, false}, {k.Undo, model.PostUndo, false}, {k.Record, model.ViolationRecord, false},
		{k.OpenIncident, model.IncidentOpen, false}} {
		switch {
		case !model.Allowed(p.op.Role, b.kind):
		case b.main:
			first = append(first, b.b)
		default:
			then = append(then, b.b)
		}
	}
	if p.shows == viewPublished { // what is done to a published post: retract it, or undo
		first, then = nil, nil
		for _, b := range []struct {
			b    key.Binding
			kind model.Kind
		}{{k.Retract, model.PostRetract}, {k.Undo, model.PostUndo}, {k.Record, model.ViolationRecord}, {k.OpenIncident, model.IncidentOpen}} {
			if model.Allowed(p.op.Role, b.kind) {
				first = append(first, b.b)
			}
		}
	}
	var short []key.Binding
	if p.zoom {
		short = append(append(first, k.NextPost, k.PrevPost, k.Mark, k.Back), then...)
		short = append(short, k.HalfDown)
	} else {
		short = append(append(first, k.Open, k.Views, k.Filter, k.Mark), then...)
		short = append(short, k.Sort, k.NextFlagged, k.MarkAll, k.ClearMarks, k.HalfDown)
	}
	return keymap.Help{Short: short, Groups: groups}
}

// click selects the row clicked.
func (p *pendingPane) click(x, y int) tea.Cmd {
	if p.zoom || !clickRow(p.list, x, y) {
		return nil
	}
	return p.loadRecord()
}

// wheel moves the cursor, or scrolls the post read full-screen.
func (p *pendingPane) wheel(n int) tea.Cmd {
	if p.zoom {
		p.scroll.top = max(p.scroll.top+n, 0)
		return nil
	}
	p.list.Move(n)
	return p.loadRecord()
}
