package ui

import (
	"cmp"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/model"
)

// pendingPane is the pre-review queue and its views (f): for an administrator the posts the
// secretary returned, then those waiting for review, oldest first; for a secretary the
// escalated posts first. Other views narrow it to the returned, the escalated, the posts with
// findings (worst first, or of one severity), or list the published posts.
//
// The lists hold a summary of each post (model.PostSummary): what a row, a view, a count and
// a batch need, each summary held once, the lists and views pointing to it. The post under the cursor is read whole (Backend.Post) in a command when the
// cursor comes to it, and kept with a few others read last (shown); its detail says
// "loading" until then, and a decision that needs it waits for it.
type pendingPane struct {
	*common
	list    *List[*model.PostSummary]
	filter  *Filter[*model.PostSummary]
	shown   map[string]*model.Post // posts read whole, the current one among them
	gen     int
	loaded  bool
	zoom    bool     // the detail fills the pane
	scroll  scroller // of the detail
	prompt  *reasonPrompt
	choice  *choicePrompt // a violation recorded from the post
	ask     *question     // a question before a decision
	picker  *viewPicker   // the views, chosen with f
	shows   pendingView
	newest  bool                 // newest first, else oldest first
	all     []*model.PostSummary // the posts of every view but the published, as read
	pub     []*model.PostSummary // the published posts, read when first wanted
	pubRead bool
	pubGen  int
	viewN   [nViews]int
	undo    [][]string // the posts of each decision made here (a batch, or one), latest last
	records map[string]authorRecord
	outbox  map[string]outboxRec // post id → what its decisions told the chat side
	names   map[string]string    // member key → name
	nicks   map[string]string    // member key → nickname
	nPend   int                  // pending and escalated posts in scope, counted when they change
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
	posts []*model.PostSummary
	names map[string]string
	nicks map[string]string
	all   bool
	err   error
}

// publishedMsg carries the published posts in scope.
type publishedMsg struct {
	gen   int
	posts []*model.PostSummary
	err   error
}

// postMsg is a post read whole to be shown; then, when set, is what waited for it (a
// decision, a prompt), done when it comes if the cursor is still on the post.
type postMsg struct {
	gen  int // of the load it was read after
	id   string
	post model.Post
	ok   bool
	err  error
	then func() tea.Cmd
}

// keepShown is how many posts read whole the pane keeps, the current one among them.
const keepShown = 32

type recordMsg struct {
	key string
	rec authorRecord
}

// outboxRec is the outbox lines of a post, as read after its steps of history.
type outboxRec struct {
	steps   int
	lines   []model.OutboxLine
	err     error
	reading bool
}

type outboxMsg struct {
	post string
	rec  outboxRec
}

type decidedMsg struct {
	kind model.Kind
	ok   []string
	errs []error
	n    int // the posts it was asked for: in flight until it comes
	// override: an approval or sign-off over block findings
	override bool
}

func newPending(c *common) *pendingPane {
	p := &pendingPane{common: c, records: map[string]authorRecord{}, outbox: map[string]outboxRec{}, names: map[string]string{}, nicks: map[string]string{},
		shown: map[string]*model.Post{}}
	p.list = NewList(func(x *model.PostSummary) string { return x.ID }, p.row)
	// Of the body the filter sees what the summary holds: the first line of a post without a
	// title.
	p.filter = NewFilter(c, p.list, func(x *model.PostSummary) []string {
		k := model.MemberKey(x.Group, x.Author)
		return []string{p.names[k], p.nicks[k], x.Title, p.groupName(x.Group), x.Line, x.Author, x.ID, x.Group}
	}, fieldName, fieldName, fieldTitle, fieldText, fieldBody, fieldID, fieldID, fieldID)
	return p
}

func (p *pendingPane) titleKey() string { return "tab.pending" }

// count is the posts of the operator's queue (of a figure, when drilled), whatever the view.
func (p *pendingPane) count() int {
	if p.drill != nil || !p.loaded {
		return p.list.Len()
	}
	return p.viewN[viewQueue]
}

func (p *pendingPane) busy() bool {
	return p.prompt != nil || p.choice != nil || p.ask != nil || p.picker != nil || p.filter.Active()
}

// queueStatuses are the statuses of the posts the pane reads for its views, but the
// published ones.
var queueStatuses = []model.PostStatus{model.PostPending, model.PostReturned, model.PostEscalated}

// publishedStatuses are the posts that reached the chat, or were cleared to.
var publishedStatuses = []model.PostStatus{model.PostApproved, model.PostSignedOff, model.PostPublished}

// counts are the pending and escalated posts in scope, for the status bar.
func (p *pendingPane) counts() (pending, escalated int) { return p.nPend, p.nEsc }

// firstPage is what the first frame needs; the rest follows.
const firstPage = 300

func (p *pendingPane) load() tea.Cmd {
	p.gen++
	p.pubRead, p.pub = false, nil
	if p.drill != nil {
		return p.loadDrill()
	}
	gen, be, scope := p.gen, p.be, p.scope
	// The first frame shows the oldest posts of the first view: for an administrator the
	// returned posts come first, for a secretary the escalated ones.
	first := []model.PostStatus{model.PostReturned, model.PostPending}
	if model.Holds(p.op.Role, model.RoleSecretary) { // a department head's queue is a secretary's
		first = []model.PostStatus{model.PostEscalated, model.PostPending}
	}
	fetch := func(statuses []model.PostStatus, limit int) tea.Msg {
		var posts []*model.PostSummary
		for _, s := range statuses {
			ps, err := be.PostSummaries([]model.PostStatus{s}, limit)
			if err != nil {
				return postsMsg{gen: gen, err: err}
			}
			for i := range ps {
				if scope == "" || ps[i].Group == scope {
					posts = append(posts, &ps[i])
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
			msg.nicks = make(map[string]string, len(ms))
			for _, m := range ms {
				msg.names[m.Key()] = m.Name
				if m.Nickname != "" && m.Nickname != m.Name {
					msg.nicks[m.Key()] = m.Nickname
				}
			}
		}
		return msg
	}
	return tea.Sequence(func() tea.Msg { return fetch(first, firstPage) }, func() tea.Msg { return fetch(queueStatuses, 0) })
}

// loadPublished reads the published posts in scope, once a load: for the view that lists
// them and its count.
func (p *pendingPane) loadPublished() tea.Cmd {
	if p.pubRead || p.drill != nil {
		return nil
	}
	p.pubRead = true
	p.pubGen = p.gen
	gen, be, scope := p.gen, p.be, p.scope
	return func() tea.Msg {
		ps, err := be.PostSummaries(publishedStatuses, 0)
		if err != nil {
			return publishedMsg{gen: gen, err: err}
		}
		out := make([]*model.PostSummary, 0, len(ps))
		for i := range ps {
			if scope == "" || ps[i].Group == scope {
				out = append(out, &ps[i])
			}
		}
		return publishedMsg{gen: gen, posts: out}
	}
}

func (p *pendingPane) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case postsMsg:
		if msg.gen != p.gen {
			return nil // a newer load is under way
		}
		if msg.err != nil {
			p.fail(msg.err, "")
			return nil
		}
		if !msg.all && p.loaded {
			return nil
		}
		if msg.names != nil {
			p.names, p.nicks = msg.names, msg.nicks
		}
		p.all = msg.posts
		p.loaded = msg.all
		clear(p.shown) // read again when shown: they may have changed
		p.recount()
		p.showView()
		var more tea.Cmd
		if p.shows == viewPublished {
			more = p.loadPublished()
		}
		return tea.Batch(p.filter.Refresh(), p.loadRecord(), more)
	case publishedMsg:
		if msg.gen != p.gen {
			return nil
		}
		if msg.err != nil {
			p.fail(msg.err, "")
			return nil
		}
		p.pub = msg.posts
		p.viewN[viewPublished] = len(p.pub)
		for _, x := range p.pub {
			delete(p.shown, x.ID) // read again when shown, as they are read now
		}
		if p.shows == viewPublished {
			p.showView()
			return tea.Batch(p.filter.Refresh(), p.loadRecord())
		}
		return p.loadRecord()
	case postMsg:
		return p.gotPost(msg)
	case recordMsg:
		p.records[msg.key] = msg.rec
		return nil
	case outboxMsg:
		p.outbox[msg.post] = msg.rec
		return nil
	case actionMsg:
		if msg.owner != any(p) {
			return nil
		}
		return p.acted(msg)
	case groupsMsg:
		p.list.InvalidateAll()
		return nil
	case decidedMsg:
		return p.decided(msg)
	case filterMsg:
		return tea.Batch(p.filter.update(msg), p.loadRecord())
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

// recount counts the posts of each view, and the pending and escalated posts of the status
// bar.
func (p *pendingPane) recount() {
	p.nPend, p.nEsc = 0, 0
	var c [nViews]int
	for _, x := range p.all {
		switch x.Status {
		case model.PostPending, model.PostReturned:
			p.nPend++
		case model.PostEscalated:
			p.nEsc++
		}
		for v := viewQueue; v < viewPublished; v++ {
			if p.inView(v, x) {
				c[v]++
			}
		}
	}
	c[viewPublished] = p.viewN[viewPublished]
	if p.pubRead && p.pubGen == p.gen {
		c[viewPublished] = len(p.pub)
	} else {
		c[viewPublished] = -1 // not read yet
	}
	p.viewN = c
}

// showView puts the posts of the view in the list, in its order; the cursor stays on its
// post when the post is still there.
func (p *pendingPane) showView() {
	if p.drill != nil {
		p.list.SetRows(p.all)
		return
	}
	src := p.all
	if p.shows == viewPublished {
		src = p.pub
	}
	rows := make([]*model.PostSummary, 0, len(src))
	for _, x := range src {
		if p.inView(p.shows, x) {
			rows = append(rows, x)
		}
	}
	rank := p.viewRank(p.shows)
	slices.SortStableFunc(rows, func(a, b *model.PostSummary) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		c := a.Time.Compare(b.Time)
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if p.newest {
			return -c
		}
		return c
	})
	p.list.SetRows(rows)
}

func (p *pendingPane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.km
	switch {
	case p.picker != nil:
		return p.pickerKey(msg)
	case p.ask != nil:
		return p.askKey(msg)
	case p.choice != nil:
		done, cmd := p.choice.key(msg)
		if done {
			p.choice = nil
		}
		return cmd
	case p.prompt != nil:
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
	case p.filter.Active():
		return tea.Batch(p.filter.key(msg), p.loadRecord())
	}
	if p.zoom {
		if cmd, ok := p.readingKey(msg); ok {
			return cmd
		}
	} else if p.scroll.key(msg, p.km) {
		return nil
	}
	if browse(msg, k, p.list, p.filter, &p.zoom) {
		return p.loadRecord()
	}
	switch {
	case key.Matches(msg, k.Mark):
		p.list.Toggle()
		if !p.zoom {
			p.list.Move(1)
		}
	case key.Matches(msg, k.MarkAll):
		n := p.list.MarkShown()
		p.note(p.tf("marks.all", n))
	case key.Matches(msg, k.ClearMarks):
		n := p.list.MarkCount()
		p.list.Unmark()
		p.note(p.tf("marks.cleared", n))
	case key.Matches(msg, k.Views):
		return p.openPicker()
	case key.Matches(msg, k.Sort):
		p.newest = !p.newest
		p.showView()
		p.list.Top()
		return tea.Batch(p.filter.Refresh(), p.loadRecord())
	case key.Matches(msg, k.NextFlagged):
		p.nextFlagged()
	case key.Matches(msg, k.Approve):
		return p.act(model.PostApprove)
	case key.Matches(msg, k.Escalate):
		return p.act(model.PostEscalate)
	case key.Matches(msg, k.SignOff):
		return p.act(model.PostSignOff)
	case key.Matches(msg, k.Reject):
		return p.act(model.PostReject)
	case key.Matches(msg, k.Changes):
		return p.act(model.PostChanges)
	case key.Matches(msg, k.Return):
		return p.act(model.PostReturn)
	case key.Matches(msg, k.Retract):
		return p.act(model.PostRetract)
	case key.Matches(msg, k.Record):
		return p.askRecord()
	case key.Matches(msg, k.OpenIncident):
		return p.askIncident()
	case key.Matches(msg, k.Undo):
		return p.undoLast()
	default:
		return nil
	}
	return p.loadRecord()
}

// loadRecord reads what the detail of the current post shows that the list does not hold:
// the post whole, unless it is held already; its author's record, once; what the decisions
// on the post told the chat side, once a step of its history.
func (p *pendingPane) loadRecord() tea.Cmd {
	x, ok := p.list.Current()
	if !ok {
		return nil
	}
	out := p.loadPost(x.ID, nil)
	if r, read := p.outbox[x.ID]; x.History > 0 && (!read || r.steps != x.History) {
		id, steps, be := x.ID, x.History, p.be
		p.outbox[id] = outboxRec{steps: steps, reading: true} // asked: not again while it is read
		out = tea.Batch(out, func() tea.Msg {
			lines, err := be.PostOutbox(id)
			return outboxMsg{post: id, rec: outboxRec{steps: steps, lines: lines, err: err}}
		})
	}
	k := model.MemberKey(x.Group, x.Author)
	if _, ok := p.records[k]; ok {
		return out
	}
	be := p.be
	return tea.Batch(out, func() tea.Msg {
		var r authorRecord
		var found bool
		r.member, found, r.err = be.Member(x.Group, x.Author)
		if r.err == nil && found {
			r.violations, r.err = be.MemberViolations(x.Group, x.Author)
		}
		return recordMsg{key: k, rec: r}
	})
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
		msg := postsMsg{gen: gen, all: true, names: map[string]string{}, nicks: map[string]string{}}
		for _, id := range ids {
			x, ok, err := be.Post(id)
			if err != nil {
				return postsMsg{gen: gen, err: err}
			}
			if ok {
				s := x.Summary()
				msg.posts = append(msg.posts, &s)
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
				if m.Nickname != "" && m.Nickname != m.Name {
					msg.nicks[k] = m.Nickname
				}
			}
		}
		return msg
	}
}

// loadPost reads a post whole, unless it is held already; then, when set, is done once it
// is held (at once when it is).
func (p *pendingPane) loadPost(id string, then func() tea.Cmd) tea.Cmd {
	if p.shown[id] != nil {
		if then != nil {
			return then()
		}
		return nil
	}
	be, gen := p.be, p.gen
	return func() tea.Msg {
		post, ok, err := be.Post(id)
		return postMsg{gen: gen, id: id, post: post, ok: ok, err: err, then: then}
	}
}

// currentID is the id of the post under the cursor, or "".
func (p *pendingPane) currentID() string {
	if x, ok := p.list.Current(); ok {
		return x.ID
	}
	return ""
}

// whole is a post read whole, if it is held.
func (p *pendingPane) whole(id string) *model.Post { return p.shown[id] }

// gotPost keeps a post read whole, the few read last with it, and does what waited for it.
func (p *pendingPane) gotPost(m postMsg) tea.Cmd {
	if m.err != nil {
		p.fail(m.err, "")
		return nil
	}
	if !m.ok {
		return nil // gone since the list was read: the next load drops it
	}
	if m.gen != p.gen { // read before the posts were read again: read it again too
		return p.loadPost(m.id, m.then)
	}
	cur := p.currentID()
	if len(p.shown) >= keepShown {
		for id := range p.shown {
			if id != cur {
				delete(p.shown, id)
			}
		}
	}
	p.shown[m.id] = &m.post
	if m.then != nil && cur == m.id && !p.busy() {
		return m.then()
	}
	return nil
}
