package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// pendingPane is the pre-review queue: for an administrator the posts waiting for review
// (and those the secretary returned), oldest first; for a secretary the escalated posts first.
// The list holds a summary of each post (model.PostSummary); the post shown is read whole
// (shown), in a command, when the cursor comes to it.
type pendingPane struct {
	*common
	list    *List[model.PostSummary]
	filter  *Filter[model.PostSummary]
	shown   map[string]*model.Post // posts read whole, the current one among them
	gen     int
	loaded  bool
	zoom    bool // the detail fills the pane
	prompt  *reasonPrompt
	undo    []string // posts decided here, latest last
	records map[string]authorRecord
	names   map[string]string // member key → name
	nPend   int               // pending and escalated posts in the rows, counted when they change
	nEsc    int
	drill   *drillSet // a figure of the Reports pane: its posts, whatever their status, instead of the queue
}

type authorRecord struct {
	member     model.Member
	violations []model.Violation
	err        error
}

type postsMsg struct {
	gen   int
	posts []model.PostSummary
	names map[string]string
	all   bool
	err   error
}

// postMsg is a post read whole to be shown; ask, when set, opens the reason prompt for it.
type postMsg struct {
	id   string
	post model.Post
	ok   bool
	err  error
	ask  model.Kind
	ids  []string
}

// keepShown is how many posts read whole the pane keeps, the current one among them.
const keepShown = 64

type recordMsg struct {
	key string
	rec authorRecord
}

type decidedMsg struct {
	kind model.Kind
	ok   []string
	errs []error
}

func newPending(c *common) *pendingPane {
	p := &pendingPane{common: c, records: map[string]authorRecord{}, names: map[string]string{}, shown: map[string]*model.Post{}}
	p.list = NewList(func(x model.PostSummary) string { return x.ID }, p.row)
	p.filter = NewFilter(c, p.list, func(x model.PostSummary) []string {
		return []string{x.Title, p.names[model.MemberKey(x.Group, x.Author)], x.Author, x.Group, x.ID}
	})
	return p
}

func (p *pendingPane) titleKey() string { return "tab.pending" }

func (p *pendingPane) count() int { return p.list.Len() }

func (p *pendingPane) busy() bool { return p.prompt != nil || p.filter.Active() }

// statuses of the queue of this operator, the first ones shown first.
func (p *pendingPane) statuses() []model.PostStatus {
	if p.op.Role == model.RoleSecretary {
		return []model.PostStatus{model.PostEscalated, model.PostPending}
	}
	return []model.PostStatus{model.PostPending, model.PostReturned, model.PostEscalated}
}

// counts are the pending and escalated posts in scope, for the status bar.
func (p *pendingPane) counts() (pending, escalated int) { return p.nPend, p.nEsc }

// setRows puts new rows in the list and counts them.
func (p *pendingPane) setRows(rows []model.PostSummary) {
	p.list.SetRows(rows)
	p.nPend, p.nEsc = 0, 0
	for _, x := range rows {
		switch x.Status {
		case model.PostPending, model.PostReturned:
			p.nPend++
		case model.PostEscalated:
			p.nEsc++
		}
	}
}

// firstPage is what the first frame needs; the rest follows.
const firstPage = 300

func (p *pendingPane) load() tea.Cmd {
	p.gen++
	if p.drill != nil {
		return p.loadDrill()
	}
	gen, statuses, be, scope := p.gen, p.statuses(), p.be, p.scope
	fetch := func(limit int) tea.Msg {
		var posts []model.PostSummary
		for _, s := range statuses {
			ps, err := be.PostSummaries([]model.PostStatus{s}, limit)
			if err != nil {
				return postsMsg{gen: gen, err: err}
			}
			for _, x := range ps {
				if scope == "" || x.Group == scope {
					posts = append(posts, x)
				}
			}
		}
		msg := postsMsg{gen: gen, posts: posts, all: limit == 0}
		if limit == 0 {
			ms, err := be.Members()
			if err != nil {
				return postsMsg{gen: gen, err: err}
			}
			msg.names = make(map[string]string, len(ms))
			for _, m := range ms {
				msg.names[m.Key()] = m.Name
			}
		}
		return msg
	}
	return tea.Sequence(func() tea.Msg { return fetch(firstPage) }, func() tea.Msg { return fetch(0) })
}

func (p *pendingPane) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case postsMsg:
		if msg.gen != p.gen {
			return nil // a newer load is under way
		}
		if msg.err != nil {
			p.errText = msg.err.Error()
			return nil
		}
		if !msg.all && p.loaded {
			return nil
		}
		if msg.names != nil {
			p.names = msg.names
		}
		p.setRows(msg.posts)
		p.loaded = msg.all
		clear(p.shown) // read again when shown: the posts may have changed
		return tea.Batch(p.filter.Refresh(), p.loadShown())
	case postMsg:
		return p.gotPost(msg)
	case recordMsg:
		p.records[msg.key] = msg.rec
		return nil
	case groupsMsg:
		p.list.InvalidateAll()
		return nil
	case decidedMsg:
		return p.decided(msg)
	case filterMsg:
		return tea.Batch(p.filter.update(msg), p.loadShown())
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

func (p *pendingPane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.km
	if p.prompt != nil {
		done, reason, ok := p.prompt.key(msg, k)
		if !done {
			return nil
		}
		kind, ids := p.prompt.kind, p.prompt.ids
		p.prompt = nil
		if !ok {
			return nil
		}
		return p.decide(kind, ids, reason)
	}
	if p.filter.Active() {
		return p.filter.key(msg)
	}
	if browse(msg, k, p.list, p.filter, &p.zoom) {
		return p.loadShown()
	}
	switch {
	case key.Matches(msg, k.Mark):
		p.list.Toggle()
		p.list.Move(1)
	case key.Matches(msg, k.NextFlagged):
		p.nextFlagged()
	case key.Matches(msg, k.Approve):
		return p.decide(model.PostApprove, p.targets(), "")
	case key.Matches(msg, k.Escalate):
		return p.decide(model.PostEscalate, p.targets(), "")
	case key.Matches(msg, k.SignOff):
		return p.decide(model.PostSignOff, p.targets(), "")
	case key.Matches(msg, k.Reject):
		return p.ask(model.PostReject)
	case key.Matches(msg, k.Changes):
		return p.ask(model.PostChanges)
	case key.Matches(msg, k.Return):
		return p.ask(model.PostReturn)
	case key.Matches(msg, k.Undo):
		return p.undoLast()
	default:
		return nil
	}
	return p.loadShown()
}

// targets are the marked posts, or the current one.
func (p *pendingPane) targets() []string {
	if ids := p.list.Marked(); len(ids) > 0 {
		return ids
	}
	if x, ok := p.list.Current(); ok {
		return []string{x.ID}
	}
	return nil
}

// ask opens the reason prompt for a decision that the author must be told the reason of.
func (p *pendingPane) ask(kind model.Kind) tea.Cmd {
	ids := p.targets()
	if len(ids) == 0 {
		return nil
	}
	if !model.Allowed(p.op.Role, kind) {
		return p.decide(kind, ids, "") // the refusal is shown as any other
	}
	cur, _ := p.list.Current()
	x := p.shown[cur.ID]
	if x == nil { // its templates name its findings: the prompt opens when it is read
		be := p.be
		return func() tea.Msg {
			post, ok, err := be.Post(cur.ID)
			return postMsg{id: cur.ID, post: post, ok: ok, err: err, ask: kind, ids: ids}
		}
	}
	p.prompt = newReasonPrompt(p.common, kind, ids, p.reasons(x))
	return nil
}

// reasons are the templates for a post: one per rule it tripped, then the general ones.
func (p *pendingPane) reasons(x *model.Post) []string {
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
	p.status = p.t("saving")
	be := p.be
	return func() tea.Msg {
		var m decidedMsg
		m.kind = kind
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

func (p *pendingPane) decided(m decidedMsg) tea.Cmd {
	p.inflight -= len(m.ok) + len(m.errs)
	p.errText = ""
	if len(m.errs) > 0 {
		p.errText = m.errs[0].Error()
	}
	if len(m.ok) == 0 {
		p.status = ""
		return nil
	}
	if m.kind == model.PostUndo {
		p.status = p.t("undone")
		return p.load()
	}
	p.undo = append(p.undo, m.ok...)
	p.status = p.tf("decided", p.t("key."+strings.TrimPrefix(string(m.kind), "post.")), len(m.ok))
	done := map[string]bool{}
	for _, id := range m.ok {
		done[id] = true
	}
	// Re-read the decided posts in the background; drop them from the queue now that they
	// are stored, unless their new status still belongs here.
	keep := p.statuses()
	var rows []model.PostSummary
	cursor := p.list.Cursor()
	for _, x := range p.list.Rows() {
		if done[x.ID] {
			delete(p.shown, x.ID) // read again when shown, with the decision
			if next, ok := nextStatus(x.Status, m.kind); ok && slices.Contains(keep, next) {
				x.Status = next
				rows = append(rows, x)
				p.list.Invalidate(x.ID)
			}
			continue
		}
		rows = append(rows, x)
	}
	p.list.Unmark()
	p.setRows(rows)
	p.list.SetCursor(min(cursor, p.list.Len()-1))
	return tea.Batch(p.filter.Refresh(), p.loadShown())
}

// nextStatus is where a decision takes a post, as the model's state machine says.
func nextStatus(from model.PostStatus, k model.Kind) (model.PostStatus, bool) {
	switch k {
	case model.PostEscalate:
		return model.PostEscalated, true
	case model.PostReturn:
		return model.PostReturned, true
	}
	return "", false
}

func (p *pendingPane) undoLast() tea.Cmd {
	if len(p.undo) == 0 {
		p.status = p.t("nothing.undo")
		return nil
	}
	id := p.undo[len(p.undo)-1]
	p.undo = p.undo[:len(p.undo)-1]
	return p.decide(model.PostUndo, []string{id}, "")
}

func (p *pendingPane) nextFlagged() {
	for i := p.list.Cursor() + 1; i < p.list.Len(); i++ {
		x := p.list.At(i)
		if worst(x.Severities) <= review.SeverityRank(review.Warn) || x.Disputed {
			p.list.SetCursor(i)
			return
		}
	}
}

// worst is the rank of the strongest of the severities of findings (4 for none).
func worst(severities []string) int {
	w := 4
	for _, s := range severities {
		w = min(w, review.SeverityRank(s))
	}
	return w
}

// loadShown reads what the current post shows that the list does not hold: the post whole,
// and its author's record.
func (p *pendingPane) loadShown() tea.Cmd {
	return tea.Batch(p.loadPost(), p.loadRecord())
}

// loadPost reads the current post whole, unless it is read already.
func (p *pendingPane) loadPost() tea.Cmd {
	x, ok := p.list.Current()
	if !ok || p.shown[x.ID] != nil {
		return nil
	}
	be, id := p.be, x.ID
	return func() tea.Msg {
		post, ok, err := be.Post(id)
		return postMsg{id: id, post: post, ok: ok, err: err}
	}
}

// gotPost keeps a post read whole, and opens the prompt that waited for it.
func (p *pendingPane) gotPost(m postMsg) tea.Cmd {
	if m.err != nil {
		p.errText = m.err.Error()
		return nil
	}
	if !m.ok {
		return nil // gone since the list was read: the next load drops it
	}
	if len(p.shown) >= keepShown {
		cur, _ := p.list.Current()
		for id := range p.shown {
			if id != cur.ID {
				delete(p.shown, id)
			}
		}
	}
	p.shown[m.id] = &m.post
	if m.ask != "" && p.prompt == nil {
		if cur, ok := p.list.Current(); ok && cur.ID == m.id {
			p.prompt = newReasonPrompt(p.common, m.ask, m.ids, p.reasons(&m.post))
		}
	}
	return nil
}

// loadRecord reads the author's record of the current post, once.
func (p *pendingPane) loadRecord() tea.Cmd {
	x, ok := p.list.Current()
	if !ok {
		return nil
	}
	k := model.MemberKey(x.Group, x.Author)
	if _, ok := p.records[k]; ok {
		return nil
	}
	be := p.be
	return func() tea.Msg {
		var r authorRecord
		var found bool
		r.member, found, r.err = be.Member(x.Group, x.Author)
		if r.err == nil && found {
			r.violations, r.err = be.MemberViolations(x.Group, x.Author)
		}
		return recordMsg{key: k, rec: r}
	}
}

func (p *pendingPane) keys() keymap.Help {
	k := p.km
	var out []key.Binding
	for _, b := range []struct {
		b    key.Binding
		kind model.Kind
	}{{k.Approve, model.PostApprove}, {k.Reject, model.PostReject}, {k.Changes, model.PostChanges}, {k.Escalate, model.PostEscalate},
		{k.SignOff, model.PostSignOff}, {k.Return, model.PostReturn}, {k.Undo, model.PostUndo}} {
		if model.Allowed(p.op.Role, b.kind) {
			out = append(out, b.b)
		}
	}
	short := append(out, k.Mark, k.NextFlagged, k.Open)
	return keymap.Help{Short: short, Groups: []keymap.Group{k.Pending(), k.Move(), k.List(), k.Filtering()}}
}

func (p *pendingPane) drilled() *drillSet { return p.drill }

func (p *pendingPane) canClear() bool { return p.drill != nil && !p.zoom && p.filter.Query() == "" }

// setDrill shows the posts of a figure instead of the queue; nil brings the queue back.
func (p *pendingPane) setDrill(d *drillSet) tea.Cmd {
	p.drill, p.zoom, p.loaded = d, false, false
	return p.load()
}

// loadDrill reads the posts of the drill, in its order, and the names of their authors.
func (p *pendingPane) loadDrill() tea.Cmd {
	gen, be, ids := p.gen, p.be, p.drill.ids
	return func() tea.Msg {
		msg := postsMsg{gen: gen, all: true, names: map[string]string{}}
		for _, id := range ids {
			x, ok, err := be.Post(id)
			if err != nil {
				return postsMsg{gen: gen, err: err}
			}
			if ok {
				msg.posts = append(msg.posts, x.Summary())
			}
		}
		for _, x := range msg.posts {
			k := model.MemberKey(x.Group, x.Author)
			if _, done := msg.names[k]; !done {
				m, _, err := be.Member(x.Group, x.Author)
				if err != nil {
					return postsMsg{gen: gen, err: err}
				}
				msg.names[k] = m.Name
			}
		}
		return msg
	}
}
