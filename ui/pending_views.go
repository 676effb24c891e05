package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/internal/i18n"
	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// The views of the Pending pane: the queue and its narrowings, each with its count, chosen
// with f from a list.

type pendingView int

const (
	viewQueue     pendingView = iota // the operator's queue, as the pane opens
	viewReturned                     // returned by the secretary, to the administrators
	viewEscalated                    // waiting for the secretary's sign-off
	viewFindings                     // the open posts with findings, the worst first
	viewBlock                        // … with a block finding
	viewSignOff                      // … that only the secretary may clear: major matters, secrets
	viewWarn                         // … with warn findings and nothing worse
	viewPublished                    // approved, signed off or published: to retract
	nViews
)

// viewNames are the catalogue's words of the views.
var viewNames = [nViews]string{"queue", "returned", "escalated", "findings", "block", "signoff", "warn", "published"}

// open reports whether a post waits for this operator: pending or returned for an
// administrator, escalated or pending for a secretary.
func (p *pendingPane) open(x *model.PostSummary) bool {
	switch x.Status {
	case model.PostPending:
		return true
	case model.PostReturned:
		return !model.Holds(p.op.Role, model.RoleSecretary)
	case model.PostEscalated:
		return model.Holds(p.op.Role, model.RoleSecretary)
	}
	return false
}

// inView reports whether a post belongs to a view.
func (p *pendingPane) inView(v pendingView, x *model.PostSummary) bool {
	switch v {
	case viewQueue:
		return p.open(x)
	case viewReturned:
		return x.Status == model.PostReturned
	case viewEscalated:
		return x.Status == model.PostEscalated
	case viewFindings:
		return p.open(x) && len(x.Severities) > 0
	case viewBlock:
		return p.open(x) && worst(x.Severities) == review.SeverityRank(review.Block)
	case viewSignOff:
		return p.open(x) && x.Status != model.PostEscalated && x.NeedsSignOff()
	case viewWarn:
		return p.open(x) && worst(x.Severities) == review.SeverityRank(review.Warn)
	case viewPublished:
		for _, s := range publishedStatuses {
			if x.Status == s {
				return true
			}
		}
	}
	return false
}

// viewRank orders a view's posts before their time: the returned (for an administrator) or
// escalated (for a secretary) posts first in the queue, the worst findings first among the
// posts with findings.
func (p *pendingPane) viewRank(v pendingView) func(*model.PostSummary) int {
	switch v {
	case viewQueue:
		first := model.PostReturned
		if model.Holds(p.op.Role, model.RoleSecretary) {
			first = model.PostEscalated
		}
		return func(x *model.PostSummary) int {
			if x.Status == first {
				return 0
			}
			return 1
		}
	case viewFindings:
		return func(x *model.PostSummary) int { return worst(x.Severities) }
	}
	return func(*model.PostSummary) int { return 0 }
}

// views are the views offered to this operator, in the order of the list.
func (p *pendingPane) views() []pendingView {
	if p.op.Role == model.RoleSecretary {
		return []pendingView{viewQueue, viewEscalated, viewFindings, viewBlock, viewWarn, viewPublished}
	}
	return []pendingView{viewQueue, viewReturned, viewEscalated, viewFindings, viewBlock, viewSignOff, viewWarn, viewPublished}
}

// viewTitle names a view for this operator.
func (p *pendingPane) viewTitle(v pendingView) string { return p.t(p.viewKey("view.", v)) }

// viewKey is the catalogue's key of a view's words: a secretary's own where there is one.
func (p *pendingPane) viewKey(prefix string, v pendingView) string {
	k := prefix + viewNames[v]
	if p.op.Role == model.RoleSecretary && i18n.Has(k+".secretary") {
		k += ".secretary"
	}
	return k
}

// countText is a view's count, or … while the posts it lists are being read.
func (p *pendingPane) countText(v pendingView) string {
	if p.viewN[v] < 0 {
		return "..."
	}
	return fmt.Sprint(p.viewN[v])
}

// viewLine is the head of the pane: the view, its count, its order, and the key of the
// views.
func (p *pendingPane) viewLine(w int) string {
	order := p.t("view.oldest")
	if p.newest {
		order = p.t("view.newest")
	}
	if p.shows == viewQueue {
		q := "view.order.queue"
		if p.op.Role == model.RoleSecretary {
			q += ".secretary"
		}
		order = p.t(q) + p.t("view.order.sep") + order
	}
	if p.shows == viewFindings {
		order = p.t("view.order.worst") + p.t("view.order.sep") + order
	}
	n := p.countText(p.shows)
	head := p.styles.bold.Render(p.viewTitle(p.shows)+" "+n) + "  " + p.styles.dim.Render(order)
	hint := p.styles.dim.Render(p.tf("view.hint", keymap.Name(p.km.Views), keymap.Name(p.km.Sort)))
	if Width(head)+2+Width(hint) <= w {
		head += "  " + hint
	}
	return Cut(head, w)
}

// viewPicker lists the views with their counts; Enter shows one.
type viewPicker struct {
	views  []pendingView
	cursor int
}

func (p *pendingPane) openPicker() tea.Cmd {
	vs := p.views()
	pk := &viewPicker{views: vs}
	for i, v := range vs {
		if v == p.shows {
			pk.cursor = i
		}
	}
	p.picker = pk
	return p.loadPublished() // its count too
}

func (p *pendingPane) pickerKey(msg tea.KeyPressMsg) tea.Cmd {
	k, pk := p.km, p.picker
	switch {
	case key.Matches(msg, k.Up):
		pk.cursor = max(pk.cursor-1, 0)
	case key.Matches(msg, k.Down):
		pk.cursor = min(pk.cursor+1, len(pk.views)-1)
	case key.Matches(msg, k.Top):
		pk.cursor = 0
	case key.Matches(msg, k.Bottom):
		pk.cursor = len(pk.views) - 1
	case key.Matches(msg, k.Confirm):
		p.picker = nil
		return p.setView(pk.views[pk.cursor])
	case key.Matches(msg, k.Cancel, k.Views, k.Quit):
		p.picker = nil
	}
	return nil
}

// setView shows a view, from its top.
func (p *pendingPane) setView(v pendingView) tea.Cmd {
	if v != p.shows {
		p.clearMsg()
	}
	p.shows, p.zoom = v, false
	p.showView()
	p.list.Top()
	var more tea.Cmd
	if v == viewPublished {
		more = p.loadPublished()
	}
	return tea.Batch(p.filter.Refresh(), p.loadRecord(), more)
}

func (p *pendingPane) pickerView(w, h int) string {
	pk := p.picker
	lines := []string{p.styles.bold.Render(Cut(p.tf("view.pick", keymap.Name(p.km.Confirm), keymap.Name(p.km.Cancel)), w)), ""}
	nameW := 0
	for _, v := range pk.views {
		nameW = max(nameW, Width(p.viewTitle(v)))
	}
	for i, v := range pk.views {
		l := "  " + Fit(p.viewTitle(v), nameW) + "  " + fmt.Sprintf("%6s", p.countText(v)) + "  " + p.styles.dim.Render(p.t(p.viewKey("view.about.", v)))
		l = Fit(l, w)
		if i == pk.cursor {
			l = p.styles.sel.Render(l)
		}
		lines = append(lines, l)
	}
	return strings.Join(lines[:min(len(lines), max(h, 0))], "\n")
}
