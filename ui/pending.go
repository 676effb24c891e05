package ui

import (
	"fmt"
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

// pendingPane is the pre-review queue: for an administrator the posts waiting for review
// (and those the secretary returned), oldest first; for a secretary the escalated posts first.
type pendingPane struct {
	*common
	list    *List[model.Post]
	filter  *Filter[model.Post]
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
	posts []model.Post
	names map[string]string
	all   bool
	err   error
}

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
	p := &pendingPane{common: c, records: map[string]authorRecord{}, names: map[string]string{}}
	p.list = NewList(func(x model.Post) string { return x.ID }, p.row)
	p.filter = NewFilter(c, p.list, func(x model.Post) []string {
		return []string{x.Title, p.names[model.MemberKey(x.Group, x.Author)], x.Author, x.Group, x.ID}
	})
	return p
}

func (p *pendingPane) titleKey() string { return "tab.pending" }
func (p *pendingPane) count() int       { return p.list.Len() }
func (p *pendingPane) busy() bool       { return p.prompt != nil || p.filter.Active() }

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
func (p *pendingPane) setRows(rows []model.Post) {
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
		var posts []model.Post
		for _, s := range statuses {
			ps, err := be.Posts([]model.PostStatus{s}, limit)
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
		return tea.Batch(p.filter.Refresh(), p.loadRecord())
	case recordMsg:
		p.records[msg.key] = msg.rec
		return nil
	case groupsMsg:
		p.list.InvalidateAll()
		return nil
	case decidedMsg:
		return p.decided(msg)
	case filterMsg:
		return p.filter.update(msg)
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
		return p.loadRecord()
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
	return p.loadRecord()
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
	p.prompt = newReasonPrompt(p.common, kind, ids, p.reasons(cur))
	return nil
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
	var rows []model.Post
	cursor := p.list.Cursor()
	for _, x := range p.list.Rows() {
		if done[x.ID] {
			if next, ok := nextStatus(x.Status, m.kind); ok && slices.Contains(keep, next) {
				x.Status = next
				x.History = append(slices.Clone(x.History), model.Decision{Kind: m.kind, To: next})
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
	return tea.Batch(p.filter.Refresh(), p.loadRecord())
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
		if worst(x.Findings) <= review.SeverityRank(review.Warn) || x.Disputed {
			p.list.SetCursor(i)
			return
		}
	}
}

// worst is the rank of the strongest finding (4 for none).
func worst(fs []model.Finding) int {
	w := 4
	for _, f := range fs {
		w = min(w, review.SeverityRank(f.Severity))
	}
	return w
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

// badges show the findings of a post by severity: B block, E escalate, W warn, I info.
func (p *pendingPane) badges(x model.Post) string {
	counts := map[string]int{}
	for _, f := range x.Findings {
		counts[f.Severity]++
	}
	var parts []string
	for _, s := range []string{"block", "escalate", "warn", "info"} {
		if n := counts[s]; n > 0 {
			parts = append(parts, p.styles.sev[s].Render(fmt.Sprintf("%c%d", strings.ToUpper(s)[0], n)))
		}
	}
	if x.Disputed {
		parts = append([]string{p.styles.sev["block"].Render("D")}, parts...)
	}
	return strings.Join(parts, " ")
}

// row renders one post of the list at width w.
func (p *pendingPane) row(x model.Post, w int) string {
	mark := " "
	if p.list.IsMarked(x.ID) {
		mark = p.styles.mark.Render("*")
	}
	if x.Status == model.PostEscalated {
		mark += "^"
	} else if x.Status == model.PostReturned {
		mark += "<"
	} else {
		mark += " "
	}
	t := x.Time.Local().Format("01-02 15:04")
	group := Fit(inert.Line(p.groupName(x.Group)), min(14, w/7))
	author := Fit(p.filter.Highlight(x, p.nameOf(x)), min(10, w/8))
	title := x.Title
	if title == "" {
		title = firstLine(x.Body)
	}
	badges := p.badges(x)
	bw := Width(badges)
	rest := w - Width(mark) - 12 - Width(group) - Width(author) - 3 - bw - 1
	return Fit(mark+t+" "+group+" "+author+" "+Fit(p.filter.Highlight(x, title), max(rest, 1))+" "+badges, w)
}

func (p *pendingPane) nameOf(x model.Post) string {
	if n := p.names[model.MemberKey(x.Group, x.Author)]; n != "" {
		return n
	}
	return x.Author
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// view draws the list beside the detail on a wide terminal, above it on a narrow one.
func (p *pendingPane) view(w, h int) string {
	if h <= 0 {
		return ""
	}
	if p.prompt != nil {
		return p.prompt.view(w, h)
	}
	var head []string
	if l := p.filter.Line(w); l != "" {
		head = append(head, l)
	}
	return listView(p.common, head, p.list, !p.loaded && p.list.Len() == 0, p.zoom, w, h, p.detail)
}

// detail is the whole post: its text with every finding highlighted, the findings with
// their clauses and explanations, the suggestion, and the author's record.
func (p *pendingPane) detail(w, h int) string {
	x, ok := p.list.Current()
	if !ok || h <= 0 {
		return ""
	}
	w = max(w, 10)
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	title := x.Title
	if title == "" {
		title = p.t("post.notitle")
	}
	for _, l := range richWrap(title, spansOf(x.Findings, review.FieldTitle), w, p.styles) {
		add(p.styles.bold.Render(l))
	}
	status := p.t("post." + string(x.Status))
	if x.Disputed {
		status += " · " + p.t("post.disputed")
	}
	add(Cut(fmt.Sprintf("%s  %s  %s  %s", x.Time.Local().Format("2006-01-02 15:04"), inert.Line(p.groupName(x.Group)), inert.Line(p.nameOf(x)), status), w))
	// The decisions taken on the post, who took them and why: of a dispute, from the last one
	// that was not contested; else every one, so that a secretary sees who escalated and why.
	from := 0
	if x.Disputed {
		add("", p.styles.sev[review.Escalate].Render(Cut(p.t("post.dispute"), w)))
		for i, d := range x.History {
			if !d.Concurrent && (i+1 == len(x.History) || x.History[i+1].Concurrent) {
				from = i
			}
		}
	} else if len(x.History) > 0 {
		add("", Cut(p.t("post.history"), w))
	}
	for _, d := range x.History[from:] {
		label := p.t("report.posts." + string(d.Kind))
		switch d.Kind {
		case model.PostUndo, model.PostSubmit:
			label = p.t("post.decision." + string(d.Kind))
		}
		line := fmt.Sprintf("  %s  %s  %s", d.Time.Local().Format("01-02 15:04"), inert.Line(d.Actor), label)
		if d.Reason != "" {
			line += ": " + inert.Line(d.Reason)
		}
		if d.Concurrent {
			line += " " + p.t("post.dispute.concurrent")
		}
		add(Cut(line, w))
	}
	add("")
	add(richWrap(x.Body, spansOf(x.Findings, review.FieldBody), w, p.styles)...)
	if len(x.Attachments) > 0 {
		add("", Cut(p.t("post.attachments")+": "+inert.Line(strings.Join(x.Attachments, ", ")), w))
	}
	if x.Reason != "" {
		add("", Cut("> "+inert.Line(x.Reason), w))
	}
	add("", p.styles.bold.Render(p.t("post.findings")))
	if len(x.Findings) == 0 {
		add("  " + p.t("empty"))
	}
	pol := p.be.Policy()
	for _, f := range x.Findings {
		text := ""
		if f.End > f.Start {
			src := map[string]string{review.FieldTitle: x.Title, review.FieldBody: x.Body}[f.Field]
			if f.End <= len(src) {
				text = " «" + inert.Line(src[f.Start:f.End]) + "»"
			}
		}
		head := p.styles.sev[f.Severity].Render(fmt.Sprintf("[%s]", f.Severity)) + text
		add(Cut("  "+head, w))
		for _, l := range Wrap(pol.Explain(f, string(p.lang)), w-4) {
			add("    " + l)
		}
	}
	s := review.Triage(&x)
	add("", p.styles.bold.Render(p.t("post.suggest"))+": "+p.t("suggest."+s.Action))
	add("", p.styles.bold.Render(p.t("post.record")))
	if r, ok := p.records[model.MemberKey(x.Group, x.Author)]; ok {
		step := r.member.Step
		if step == "" {
			step = "-"
		}
		if len(r.violations) == 0 {
			add("  " + p.t("record.none"))
		} else {
			add("  " + Cut(p.tf("record.count", len(r.violations), inert.Line(step)), w-2))
		}
	} else {
		add("  " + p.t("loading"))
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}

// span is a byte range of a text to highlight.
type span struct{ start, end int }

func spansOf(fs []model.Finding, field string) []span {
	var out []span
	for _, f := range fs {
		if f.Field == field && f.End > f.Start {
			out = append(out, span{f.Start, f.End})
		}
	}
	return out
}

// richWrap wraps a text to w cells with the spans highlighted: the text is made inert rune
// by rune (eachDrawn), so that a span keeps its place whatever the text holds.
func richWrap(s string, spans []span, w int, st styles) []string {
	type cell struct {
		r  rune
		hl bool
	}
	var cells []cell
	eachDrawn(s, true, func(i int, drawn string) {
		hl := false
		for _, sp := range spans {
			if i >= sp.start && i < sp.end {
				hl = true
				break
			}
		}
		for _, c := range drawn {
			cells = append(cells, cell{c, hl})
		}
	})
	var lines []string
	var cur []cell
	curW := 0
	emit := func(cs []cell) {
		var b strings.Builder
		for i := 0; i < len(cs); {
			j := i
			for j < len(cs) && cs[j].hl == cs[i].hl {
				j++
			}
			var t strings.Builder
			for _, c := range cs[i:j] {
				t.WriteRune(c.r)
			}
			if cs[i].hl {
				b.WriteString(st.hl.Render(t.String()))
			} else {
				b.WriteString(t.String())
			}
			i = j
		}
		lines = append(lines, b.String())
	}
	for _, c := range cells {
		if c.r == '\n' {
			emit(cur)
			cur, curW = nil, 0
			continue
		}
		cw := Width(string(c.r))
		if curW+cw > w && len(cur) > 0 {
			cut := len(cur)
			if strings.ContainsRune(noLineStart, c.r) && len(cur) > 1 {
				cut = len(cur) - 1 // no line begins with closing punctuation
			}
			emit(cur[:cut])
			cur = append([]cell(nil), cur[cut:]...)
			curW = 0
			for _, x := range cur {
				curW += Width(string(x.r))
			}
		}
		cur = append(cur, c)
		curW += cw
	}
	if len(cur) > 0 || len(lines) == 0 {
		emit(cur)
	}
	return lines
}

// reasonPrompt chooses or types the reason told to the author.
type reasonPrompt struct {
	c       *common
	kind    model.Kind
	ids     []string
	choices []string
	cursor  int
	typing  bool
	input   textinput.Model
}

func newReasonPrompt(c *common, kind model.Kind, ids []string, choices []string) *reasonPrompt {
	in := textinput.New()
	in.Prompt = c.t("reason.type")
	in.CharLimit = 500
	return &reasonPrompt{c: c, kind: kind, ids: ids, choices: append(choices, c.t("reason.custom")), input: in}
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
	lines := []string{r.c.styles.bold.Render(Cut(r.c.t("key."+strings.TrimPrefix(string(r.kind), "post."))+" ("+fmt.Sprint(len(r.ids))+")", w)),
		Cut(r.c.t("reason.title"), w), ""}
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

func (p *pendingPane) drilled() *drillSet { return p.drill }
func (p *pendingPane) canClear() bool     { return p.drill != nil && !p.zoom && p.filter.Query() == "" }

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
				msg.posts = append(msg.posts, x)
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
