package ui

import (
	"errors"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// The decisions of the Pending pane: what each key does to the post under the cursor or to
// the marked posts, the questions asked before a decision that a slip could make, the
// decisions written and undone.

// question is asked before a decision: y (or the decision's key again) goes ahead, n or Esc
// does not. Asked for a reason, the answer is typed, and an empty one cancels.
type question struct {
	lines  []string // what is asked, inert already
	again  *key.Binding
	reason bool
	input  textinput.Model
	yes    func(reason string) tea.Cmd
}

// targets are the marked posts (every one, shown or not), or else the current one; batch
// tells which.
func (p *pendingPane) targets() (ids []string, batch bool) {
	if p.list.MarkCount() > 0 {
		for _, src := range [][]*model.PostSummary{p.all, p.pub} {
			for _, x := range src {
				if p.list.IsMarked(x.ID) {
					ids = append(ids, x.ID)
				}
			}
		}
		return ids, true
	}
	if x, ok := p.list.Current(); ok {
		return []string{x.ID}, false
	}
	return nil, false
}

// post finds the summary of a post the pane holds.
func (p *pendingPane) post(id string) (*model.PostSummary, bool) {
	ps := p.posts([]string{id})
	x, ok := ps[id]
	return x, ok
}

// posts finds the summaries the pane holds of these ids, in one pass over them.
func (p *pendingPane) posts(ids []string) map[string]*model.PostSummary {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	out := make(map[string]*model.PostSummary, len(ids))
	for _, src := range [][]*model.PostSummary{p.all, p.pub} {
		for _, x := range src {
			if want[x.ID] {
				out[x.ID] = x
			}
		}
	}
	return out
}

// findingsOf are a post's findings of one severity, each rule once.
func findingsOf(x *model.Post, severity string) []model.Finding {
	var out []model.Finding
	for _, f := range x.Findings {
		if f.Severity == severity && !slices.ContainsFunc(out, func(g model.Finding) bool { return g.Rule == f.Rule }) {
			out = append(out, f)
		}
	}
	return out
}

// ruleName names a finding's rule in the language of the screen, with its clause.
func (p *pendingPane) ruleName(f model.Finding) string {
	name := f.Rule
	if r := p.be.Policy().Rule(f.Rule); r != nil {
		name = r.Name.In(string(p.lang))
	}
	if f.Clause == "" {
		return inert.Line(name)
	}
	return p.tf("rule.clause", inert.Line(name), inert.Line(f.Clause))
}

// act is a decision key: the decision goes ahead, or first asks what a slip could cost. What
// it asks is of the post read whole: a decision that needs it waits for it.
func (p *pendingPane) act(kind model.Kind) tea.Cmd {
	ids, batch := p.targets()
	if len(ids) == 0 {
		return nil
	}
	if !model.Allowed(p.op.Role, kind) {
		return p.decide(kind, ids, "") // refused by the service, and said why
	}
	if batch {
		return p.actBatch(kind, ids)
	}
	switch kind {
	case model.PostApprove, model.PostSignOff, model.PostReject, model.PostChanges, model.PostReturn, model.PostRetract:
	default:
		return p.decide(kind, ids, "")
	}
	x := p.whole(ids[0])
	if x == nil {
		return p.loadPost(ids[0], func() tea.Cmd { return p.act(kind) })
	}
	switch kind {
	case model.PostApprove:
		if x.NeedsSignOff() {
			p.needsSecretary(x)
			return nil
		}
		if len(findingsOf(x, review.Block)) > 0 {
			return p.askOverride(kind, x)
		}
		if ws := findingsOf(x, review.Warn); len(ws) > 0 {
			return p.askWarn(x, ws)
		}
	case model.PostSignOff:
		if len(findingsOf(x, review.Block)) > 0 {
			return p.askOverride(kind, x)
		}
	case model.PostReject, model.PostChanges, model.PostReturn:
		p.prompt = newReasonPrompt(p.common, kind, ids, p.reasons(*x), "")
		return nil
	case model.PostRetract:
		p.prompt = newReasonPrompt(p.common, kind, ids, p.retractReasons(*x), p.t("retract.told"))
		return nil
	}
	return p.decide(kind, ids, "")
}

// needsSecretary says why a post cannot be approved here (a major matter, a secret …) and
// what to do: escalate it.
func (p *pendingPane) needsSecretary(x *model.Post) {
	var why []string
	if x.Major && !slices.ContainsFunc(x.Findings, func(f model.Finding) bool { return f.Rule == review.DetectMajorFlag }) {
		why = append(why, p.t("needs.major-flag"))
	}
	for _, f := range findingsOf(x, review.Escalate) {
		why = append(why, p.ruleName(f))
	}
	p.note(p.tf("needs.secretary", strings.Join(why, p.t("list.sep")), keymap.Name(p.km.Escalate)))
}

// askWarn asks before a post with warn findings is approved: y, or a again.
func (p *pendingPane) askWarn(x *model.Post, ws []model.Finding) tea.Cmd {
	names := make([]string, len(ws))
	for i, f := range ws {
		names[i] = p.ruleName(f)
	}
	again := p.km.Approve
	id := x.ID
	p.ask = &question{
		lines: []string{p.tf("ask.warn", len(ws), strings.Join(names, p.t("list.sep"))),
			p.tf("ask.warn.keys", keymap.Name(p.km.Yes), keymap.Name(again), keymap.Name(p.km.No))},
		again: &again,
		yes:   func(string) tea.Cmd { return p.decide(model.PostApprove, []string{id}, "") },
	}
	return nil
}

// askOverride asks for the reason to approve or sign off a post that a block finding stops,
// naming each finding; an empty reason cancels.
func (p *pendingPane) askOverride(kind model.Kind, x *model.Post) tea.Cmd {
	lines := []string{p.tf("ask.override", p.kindName(kind))}
	for _, f := range findingsOf(x, review.Block) {
		lines = append(lines, "  "+p.styles.sev[review.Block].Render(p.t("sev.block"))+"  "+p.ruleName(f)+p.spanOf(x, f))
	}
	lines = append(lines, p.tf("ask.override.then", keymap.Name(p.km.Confirm), keymap.Name(p.km.Cancel), keymap.Name(p.km.Reject)))
	in := newTextInput()
	in.Prompt = p.t("ask.override.reason")
	in.CharLimit = 500
	in.Focus()
	id := x.ID
	p.ask = &question{lines: lines, reason: true, input: in,
		yes: func(reason string) tea.Cmd { return p.decideOverride(kind, id, reason) }}
	return nil
}

// spanOf is the text a finding matched, quoted, or "".
func (p *pendingPane) spanOf(x *model.Post, f model.Finding) string {
	src := map[string]string{review.FieldTitle: x.Title, review.FieldBody: x.Body}[f.Field]
	if f.End > f.Start && f.End <= len(src) {
		return " «" + inert.Line(src[f.Start:f.End]) + "»"
	}
	return ""
}

// decideOverride approves or signs off a post over its block findings, with the reason: the
// override is recorded with the findings it names.
func (p *pendingPane) decideOverride(kind model.Kind, id, reason string) tea.Cmd {
	p.inflight++
	p.status, p.errText = p.t("saving"), ""
	be := p.be
	return func() tea.Msg {
		m := decidedMsg{kind: kind, n: 1, override: true}
		if _, err := be.DecideWith(id, kind, review.DecideOptions{Reason: reason, Override: true}); err != nil {
			m.errs = []error{err}
		} else {
			m.ok = []string{id}
		}
		return m
	}
}

// kindName is a decision in words: 通过, approve.
func (p *pendingPane) kindName(kind model.Kind) string {
	return p.t("key." + strings.TrimPrefix(string(kind), "post."))
}

// actBatch is a decision on the marked posts: it says how many it will apply to, how many
// of them are not shown, and which it leaves out (a block finding needs an override each;
// a major matter the secretary), and asks first.
func (p *pendingPane) actBatch(kind model.Kind, ids []string) tea.Cmd {
	shown, total := p.list.MarkCounts()
	hidden := total - shown
	var keep []string
	blocked, secretary, warned := 0, 0, 0
	held := p.posts(ids)
	for _, id := range ids {
		x, ok := held[id]
		if ok && (kind == model.PostApprove || kind == model.PostSignOff) && x.HasSeverity(review.Block) {
			blocked++
			continue
		}
		if ok && kind == model.PostApprove && x.NeedsSignOff() {
			secretary++
			continue
		}
		if ok && kind == model.PostApprove && x.HasSeverity(review.Warn) {
			warned++
		}
		keep = append(keep, id)
	}
	var notes []string
	if hidden > 0 {
		notes = append(notes, p.tf("batch.hidden", hidden))
	}
	if blocked > 0 {
		notes = append(notes, p.tf("batch.blocked", blocked))
	}
	if secretary > 0 {
		notes = append(notes, p.tf("batch.secretary", secretary, keymap.Name(p.km.Escalate)))
	}
	if warned > 0 {
		notes = append(notes, p.tf("batch.warned", warned))
	}
	if len(keep) == 0 {
		p.note(p.tf("batch.none", p.kindName(kind), len(ids)) + p.t("msg.sep") + strings.Join(notes, p.t("msg.sep")))
		return nil
	}
	switch kind {
	case model.PostReject, model.PostChanges, model.PostReturn, model.PostRetract:
		// The templates are of the post under the cursor, read whole.
		cur := p.currentID()
		x := p.whole(cur)
		if x == nil {
			if cur == "" {
				return nil
			}
			return p.loadPost(cur, func() tea.Cmd { return p.act(kind) })
		}
		note := p.tf("batch.reason", len(keep))
		if len(notes) > 0 {
			note += p.t("msg.sep") + strings.Join(notes, p.t("msg.sep"))
		}
		reasons := p.reasons(*x)
		if kind == model.PostRetract {
			reasons = p.retractReasons(*x)
			note = p.t("retract.told") + p.t("msg.sep") + note
		}
		p.prompt = newReasonPrompt(p.common, kind, keep, reasons, note)
		return nil
	}
	lines := []string{p.tf("batch.ask", p.kindName(kind), len(keep))}
	lines = append(lines, notes...)
	lines = append(lines, p.tf("ask.keys", keymap.Name(p.km.Yes), keymap.Name(p.km.No)))
	p.ask = &question{lines: lines, yes: func(string) tea.Cmd { return p.decide(kind, keep, "") }}
	return nil
}

// askKey answers the question: y or the key again goes ahead; n or Esc does not; a typed
// reason goes ahead with Enter, or cancels when empty. Other keys are not taken for an
// answer.
func (p *pendingPane) askKey(msg tea.KeyPressMsg) tea.Cmd {
	q, k := p.ask, p.km
	if q.reason {
		switch {
		case key.Matches(msg, k.Confirm):
			p.ask = nil
			if r := strings.TrimSpace(q.input.Value()); r != "" {
				return q.yes(r)
			}
			p.note(p.t("ask.cancelled"))
		case key.Matches(msg, k.Cancel):
			p.ask = nil
			p.note(p.t("ask.cancelled"))
		default:
			q.input, _ = q.input.Update(msg)
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Yes), q.again != nil && key.Matches(msg, *q.again):
		p.ask = nil
		return q.yes("")
	case key.Matches(msg, k.No, k.Cancel):
		p.ask = nil
		p.note(p.t("ask.cancelled"))
	}
	return nil
}

// askView draws the question above the post it is about.
func (p *pendingPane) askView(w, h int) []string {
	q := p.ask
	var lines []string
	for i, l := range q.lines {
		for _, x := range Wrap(l, max(w, 2)) {
			if i == 0 {
				x = p.styles.bold.Render(x)
			}
			lines = append(lines, Cut(x, w))
		}
	}
	if q.reason {
		q.input.SetWidth(max(w-Width(q.input.Prompt)-2, 1))
		lines = append(lines, Cut(q.input.View(), w))
	}
	return append(lines, strings.Repeat("─", max(w, 0)))
}

// reasons are the templates for a post: one per rule it tripped, then the general ones.
func (p *pendingPane) reasons(x model.Post) []string {
	var out []string
	pol := p.be.Policy()
	seen := map[string]bool{}
	for _, f := range x.Findings {
		r := pol.Rule(f.Rule)
		if r == nil || seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		out = append(out, p.tf("reason.rule", r.Name.In(string(p.lang)), f.Clause))
	}
	return append(out, p.t("reason.general"), p.t("reason.format"))
}

// decide writes a decision on each post, in a command; the screen shows it done only when
// the store has it.
func (p *pendingPane) decide(kind model.Kind, ids []string, reason string) tea.Cmd {
	if len(ids) == 0 {
		return nil
	}
	p.inflight += len(ids)
	p.status, p.errText = p.t("saving"), ""
	be := p.be
	return func() tea.Msg {
		m := decidedMsg{kind: kind, n: len(ids)}
		for _, id := range ids {
			if _, err := be.Decide(id, kind, reason); err != nil {
				m.errs = append(m.errs, err)
			} else {
				m.ok = append(m.ok, id)
			}
		}
		return m
	}
}

// undoBatch undoes the decisions of a batch, all or none.
func (p *pendingPane) undoBatch(ids []string) tea.Cmd {
	p.inflight += len(ids)
	p.status, p.errText = p.t("saving"), ""
	be := p.be
	return func() tea.Msg {
		m := decidedMsg{kind: model.PostUndo, n: len(ids)}
		if _, err := be.UndoBatch(ids); err != nil {
			m.errs = []error{err}
		} else {
			m.ok = ids
		}
		return m
	}
}

func (p *pendingPane) decided(m decidedMsg) tea.Cmd {
	p.inflight = max(p.inflight-m.n, 0)
	if len(m.errs) > 0 {
		var more []string
		if a := p.advise(m.kind, m.errs[0]); a != "" {
			more = append(more, a)
		}
		if len(m.errs) > 1 {
			more = append(more, p.tf("decided.more.errors", len(m.errs)-1))
		}
		if len(m.ok) > 0 {
			more = append(more, p.tf("decided.partly", p.kindName(m.kind), len(m.ok)))
		}
		p.fail(m.errs[0], strings.Join(more, p.t("msg.sep")))
	}
	if len(m.ok) == 0 {
		if len(m.errs) == 0 {
			p.clearMsg()
		}
		if isStale(m.errs) {
			return p.load() // read what changed, to look at it again
		}
		return nil
	}
	if m.kind == model.PostUndo {
		if len(m.errs) == 0 {
			p.note(p.tf("undone.n", len(m.ok)))
		}
		return p.load()
	}
	p.undo = append(p.undo, m.ok)
	if len(m.errs) == 0 {
		done := p.tf("decided", p.kindName(m.kind), len(m.ok))
		if m.override {
			done += p.t("msg.sep") + p.t("decided.override")
		}
		if m.kind == model.PostReject || m.kind == model.PostChanges {
			n := 0
			for _, x := range p.posts(m.ok) {
				if x.HasSeverity(model.SeverityBlock) {
					n++
				}
			}
			if n > 0 {
				done += p.t("msg.sep") + p.tf("decided.recorded", n)
			}
		}
		p.note(done)
	}
	p.moved(m.kind, m.ok, m.override)
	return tea.Batch(p.filter.Refresh(), p.loadRecord())
}

// isStale reports whether a refusal says the post changed since it was read.
func isStale(errs []error) bool {
	for _, err := range errs {
		var te *model.TransitionError
		if errors.As(err, &te) && strings.HasPrefix(te.Why, "it changed since it was read") {
			return true
		}
	}
	return false
}

// moved updates the posts decided as the store now has them, without reading them again:
// each takes its new status and the decision in its history, and goes to the view it now
// belongs to; the cursor stays where it was, on the next post when this one left the view.
func (p *pendingPane) moved(kind model.Kind, ids []string, override bool) {
	done := make(map[string]bool, len(ids))
	for _, id := range ids {
		done[id] = true
	}
	next, ok := nextStatus(kind)
	if !ok {
		return
	}
	d := model.Decision{Kind: kind, Actor: p.op.Name, Role: p.op.Role, Time: p.be.Now(), To: next}
	cursor := p.list.Cursor()
	cur := p.currentID()
	var keep, pub []*model.PostSummary
	for _, src := range [][]*model.PostSummary{p.all, p.pub} {
		for _, x := range src {
			if done[x.ID] {
				if w := p.shown[x.ID]; w != nil { // the post shown whole, as the store now has it
					d.From, d.Override = w.Status, nil
					if override {
						d.Override = w.BlockRules()
					}
					w.Status = next
					w.History = append(slices.Clone(w.History), d)
				}
				x.Status = next // in the rows of the view too
				x.History++
				p.list.Invalidate(x.ID)
			}
			switch {
			case p.drill != nil, slices.Contains(queueStatuses, x.Status):
				keep = append(keep, x) // a figure's posts stay, whatever their status
			case slices.Contains(publishedStatuses, x.Status):
				pub = append(pub, x)
			}
		}
	}
	p.all = keep
	if p.pubRead {
		p.pub = pub
	}
	// The rows of the view keep their order: the posts decided take their new status, and
	// leave the view when it no longer holds them (a decision moves a post out of a view, not
	// into it; the next choice of a view, sorted again, shows it where it now belongs).
	rows := p.list.Rows()
	out := make([]*model.PostSummary, 0, len(rows))
	for _, x := range rows {
		if p.drill != nil || p.inView(p.shows, x) {
			out = append(out, x)
		}
	}
	p.list.Unmark()
	p.recount()
	p.list.SetRows(out)
	if !p.list.Select(cur) {
		p.list.SetCursor(min(cursor, p.list.Len()-1))
	}
}

// nextStatus is where a decision takes a post, as the model's state machine says.
func nextStatus(k model.Kind) (model.PostStatus, bool) {
	switch k {
	case model.PostApprove:
		return model.PostApproved, true
	case model.PostReject:
		return model.PostRejected, true
	case model.PostChanges:
		return model.PostChangesRequested, true
	case model.PostEscalate:
		return model.PostEscalated, true
	case model.PostSignOff:
		return model.PostSignedOff, true
	case model.PostReturn:
		return model.PostReturned, true
	case model.PostRetract:
		return model.PostRetracted, true
	}
	return "", false
}

// undoLast undoes the last decision made here: of a batch, every post of it.
func (p *pendingPane) undoLast() tea.Cmd {
	if len(p.undo) == 0 {
		p.note(p.t("nothing.undo"))
		return nil
	}
	ids := p.undo[len(p.undo)-1]
	p.undo = p.undo[:len(p.undo)-1]
	if len(ids) == 1 {
		return p.decide(model.PostUndo, ids, "")
	}
	return p.undoBatch(ids)
}
