package ui

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/model"
)

// reportsPane is the supervision statistics of the groups in scope: what pre-review did this
// week and this month (or a week and a month before, with [ and ]), the violations recorded
// then, and where the posts, members and applications stand now.
//
// The posts are read whole once (a million posts take seconds): the violations, members and
// applications come first, the counts of posts follow when the scan is done. After that a
// decision of the pending pane re-reads only the posts it decided, and an action of another
// pane only the violations, members and applications. Every count runs in a command over
// data that is never changed once read.
type reportsPane struct {
	*common
	gen      int // of the full load; a result of an older one is dropped
	smallSeq int // of the last read of violations, members and applications
	smallGot int
	readSeq  int // of the last re-read of decided posts
	countSeq int // of the last count; only the latest is shown
	offset   int // 0 for the current week and month, -1 for the ones before …
	scroll   int
	height   int // of the last view, for paging
	small    *reportSmall
	posts    []reportPost          // the scan; nil until it is done
	over     map[string]reportOver // posts re-read since the scan, by id
	stats    reportStats
	hasStats bool
}

// reportSmall is what is quick to read: the violations, members and applications.
type reportSmall struct {
	now        time.Time
	violations []reportViolation
	members    map[model.MemberStatus]int
	apps       map[model.ApplicationKind]int
}

// reportPost is what the report needs of a post: a million of them are small.
type reportPost struct {
	id        string
	time      time.Time
	status    model.PostStatus
	decisions []reportDecision
}

type reportDecision struct {
	kind model.Kind
	time time.Time
}

// reportOver is a post re-read after a decision; seq orders re-reads that overlap.
type reportOver struct {
	post  reportPost
	seq   int
	found bool // false: out of scope, or gone
}

type reportViolation struct {
	time     time.Time
	status   model.ViolationStatus
	category string
}

// reportPeriod counts one period.
type reportPeriod struct {
	start, end time.Time
	posts      map[string]int // "submitted" and the decision kinds
	status     map[model.ViolationStatus]int
	category   map[string]int
}

type reportStats struct {
	offset      int
	week, month reportPeriod
	categories  []string // the categories of the violations of either period, sorted
	postsReady  bool     // the scan of the posts is done
	pending     int      // posts pending now
	escalated   int
	members     map[model.MemberStatus]int
	apps        map[model.ApplicationKind]int
}

type reportSmallMsg struct {
	gen, seq int
	d        *reportSmall
	err      error
}

type reportPostsMsg struct {
	gen   int
	scan  bool // the whole scan; else the posts of a decision
	seq   int
	posts []reportPost
	ids   []string // re-read: the ids asked for
	err   error
}

type reportStatsMsg struct {
	seq   int
	stats reportStats
}

// reportDecisions are the decisions on posts that the report counts, in its order.
var reportDecisions = []model.Kind{model.PostApprove, model.PostReject, model.PostChanges, model.PostEscalate, model.PostSignOff, model.PostReturn}

func newReports(c *common) pane {
	return &reportsPane{common: c}
}

func (p *reportsPane) titleKey() string { return "tab.reports" }
func (p *reportsPane) count() int       { return -1 }
func (p *reportsPane) busy() bool       { return false }

// load reads everything again: the quick part first, then the scan of the posts.
func (p *reportsPane) load() tea.Cmd {
	p.gen++
	p.small, p.posts, p.over, p.hasStats = nil, nil, nil, false
	gen, be, scope := p.gen, p.be, p.scope
	scan := func() tea.Msg {
		posts, err := be.Posts(model.PostStatuses, 0)
		if err != nil {
			return reportPostsMsg{gen: gen, scan: true, err: err}
		}
		out := make([]reportPost, 0, len(posts))
		for i := range posts {
			if scope == "" || posts[i].Group == scope {
				out = append(out, compactPost(&posts[i]))
			}
		}
		return reportPostsMsg{gen: gen, scan: true, posts: out}
	}
	return tea.Sequence(p.readSmall(), scan)
}

// compactPost keeps of a post what the report counts, and nothing that holds its text.
func compactPost(x *model.Post) reportPost {
	rp := reportPost{id: strings.Clone(x.ID), time: x.Time, status: x.Status}
	for _, h := range x.History {
		if !h.Undone && slices.Contains(reportDecisions, h.Kind) {
			rp.decisions = append(rp.decisions, reportDecision{h.Kind, h.Time})
		}
	}
	return rp
}

// readSmall reads the violations, members and applications.
func (p *reportsPane) readSmall() tea.Cmd {
	p.smallSeq++
	gen, seq, be, scope := p.gen, p.smallSeq, p.be, p.scope
	return func() tea.Msg {
		in := func(g string) bool { return scope == "" || g == scope }
		d := &reportSmall{now: be.Now(), members: map[model.MemberStatus]int{}, apps: map[model.ApplicationKind]int{}}
		pol := be.Policy()
		vs, err := be.Violations()
		if err != nil {
			return reportSmallMsg{gen: gen, seq: seq, err: err}
		}
		for _, v := range vs {
			if !in(v.Group) {
				continue
			}
			cat := ""
			if r := pol.Rule(v.Rule); r != nil {
				cat = r.Category
			}
			d.violations = append(d.violations, reportViolation{v.Time, v.Status, cat})
		}
		ms, err := be.Members()
		if err != nil {
			return reportSmallMsg{gen: gen, seq: seq, err: err}
		}
		for _, m := range ms {
			if in(m.Group) {
				d.members[m.Status]++
			}
		}
		as, err := be.Applications()
		if err != nil {
			return reportSmallMsg{gen: gen, seq: seq, err: err}
		}
		for _, a := range as {
			if in(a.Group) && a.Status == model.AppPending {
				d.apps[a.Kind]++
			}
		}
		return reportSmallMsg{gen: gen, seq: seq, d: d}
	}
}

// reread reads again the posts of a decision.
func (p *reportsPane) reread(ids []string) tea.Cmd {
	p.readSeq++
	gen, seq, be, scope := p.gen, p.readSeq, p.be, p.scope
	ids = slices.Clone(ids)
	return func() tea.Msg {
		msg := reportPostsMsg{gen: gen, seq: seq, ids: ids}
		for _, id := range ids {
			x, ok, err := be.Post(id)
			if err != nil {
				msg.err = err
				return msg
			}
			if ok && (scope == "" || x.Group == scope) {
				msg.posts = append(msg.posts, compactPost(&x))
			}
		}
		return msg
	}
}

// weekOf is the week (from Monday, local time) offset weeks from the one holding now.
func weekOf(now time.Time, offset int) (time.Time, time.Time) {
	n := now.In(time.Local)
	back := (int(n.Weekday()) + 6) % 7 // days since Monday
	start := time.Date(n.Year(), n.Month(), n.Day()-back+7*offset, 0, 0, 0, 0, time.Local)
	return start, start.AddDate(0, 0, 7)
}

// monthOf is the month (local time) offset months from the one holding now.
func monthOf(now time.Time, offset int) (time.Time, time.Time) {
	n := now.In(time.Local)
	start := time.Date(n.Year(), n.Month()+time.Month(offset), 1, 0, 0, 0, 0, time.Local)
	return start, start.AddDate(0, 1, 0)
}

// computeReport counts the week and the month of the offset. A post is submitted when its
// time (the latest submission's) falls in the period; a decision counts at its own time,
// unless it was undone. The violations are those recorded in the period, by the status they
// have now.
func computeReport(d *reportSmall, posts []reportPost, over map[string]reportOver, offset int) reportStats {
	s := reportStats{offset: offset, postsReady: posts != nil, members: d.members, apps: d.apps}
	ws, we := weekOf(d.now, offset)
	ms, me := monthOf(d.now, offset)
	s.week = reportPeriod{start: ws, end: we, posts: map[string]int{}, status: map[model.ViolationStatus]int{}, category: map[string]int{}}
	s.month = reportPeriod{start: ms, end: me, posts: map[string]int{}, status: map[model.ViolationStatus]int{}, category: map[string]int{}}
	periods := []*reportPeriod{&s.week, &s.month}
	count := func(x *reportPost) {
		switch x.status {
		case model.PostPending:
			s.pending++
		case model.PostEscalated:
			s.escalated++
		}
		for _, r := range periods {
			if !x.time.Before(r.start) && x.time.Before(r.end) {
				r.posts["submitted"]++
			}
			for _, h := range x.decisions {
				if !h.time.Before(r.start) && h.time.Before(r.end) {
					r.posts[string(h.kind)]++
				}
			}
		}
	}
	if posts != nil {
		for i := range posts {
			if _, redone := over[posts[i].id]; !redone {
				count(&posts[i])
			}
		}
		for _, o := range over {
			if o.found {
				count(&o.post)
			}
		}
	}
	seen := map[string]bool{}
	for _, v := range d.violations {
		for _, r := range periods {
			if !v.time.Before(r.start) && v.time.Before(r.end) {
				r.status[v.status]++
				r.category[v.category]++
				if !seen[v.category] {
					seen[v.category] = true
					s.categories = append(s.categories, v.category)
				}
			}
		}
	}
	slices.Sort(s.categories)
	return s
}

func (p *reportsPane) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case reportSmallMsg:
		if msg.gen != p.gen || msg.seq < p.smallGot {
			return nil
		}
		if msg.err != nil {
			p.errText = msg.err.Error()
			return nil
		}
		p.small, p.smallGot = msg.d, msg.seq
		return p.recount()
	case reportPostsMsg:
		if msg.gen != p.gen {
			return nil
		}
		if msg.err != nil {
			p.errText = msg.err.Error()
			return nil
		}
		if msg.scan {
			p.posts = msg.posts
			return p.recount()
		}
		over := maps.Clone(p.over)
		if over == nil {
			over = map[string]reportOver{}
		}
		got := map[string]reportPost{}
		for _, x := range msg.posts {
			got[x.id] = x
		}
		for _, id := range msg.ids {
			if o, ok := over[id]; ok && o.seq > msg.seq {
				continue // a later re-read is in already
			}
			x, found := got[id]
			over[id] = reportOver{post: x, seq: msg.seq, found: found}
		}
		p.over = over
		return p.recount()
	case reportStatsMsg:
		if msg.seq == p.countSeq {
			p.stats, p.hasStats = msg.stats, true
		}
		return nil
	case actionMsg:
		if msg.err == nil && p.small != nil {
			return p.readSmall() // a member, violation or application changed
		}
		return nil
	case decidedMsg:
		if len(msg.ok) > 0 {
			return p.reread(msg.ok)
		}
		return nil
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

// recount counts the periods of the offset again, over the data read.
func (p *reportsPane) recount() tea.Cmd {
	if p.small == nil {
		return nil
	}
	p.countSeq++
	seq, d, posts, over, offset := p.countSeq, p.small, p.posts, p.over, p.offset
	return func() tea.Msg { return reportStatsMsg{seq: seq, stats: computeReport(d, posts, over, offset)} }
}

func (p *reportsPane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.km
	switch {
	case key.Matches(msg, k.PrevPeriod):
		p.offset--
		return p.recount()
	case key.Matches(msg, k.NextPeriod):
		if p.offset < 0 {
			p.offset++
			return p.recount()
		}
	case key.Matches(msg, k.Up):
		p.scroll--
	case key.Matches(msg, k.Down):
		p.scroll++
	case key.Matches(msg, k.PageUp):
		p.scroll -= max(p.height-1, 1)
	case key.Matches(msg, k.PageDown):
		p.scroll += max(p.height-1, 1)
	case key.Matches(msg, k.Top):
		p.scroll = 0
	case key.Matches(msg, k.Bottom):
		p.scroll = 1 << 20
	}
	p.scroll = max(p.scroll, 0)
	return nil
}

func (p *reportsPane) keys() []key.Binding {
	return []key.Binding{p.km.PrevPeriod, p.km.NextPeriod}
}

func (p *reportsPane) view(w, h int) string {
	p.height = h
	if h <= 0 {
		return ""
	}
	if !p.hasStats {
		return Cut(p.t("loading"), w)
	}
	scope := p.t("scope.all")
	if p.scope != "" {
		scope = Inert(p.groupName(p.scope), false)
	}
	title := []string{Cut(p.styles.bold.Render(p.t("report.title"))+"  "+scope+"  "+p.styles.dim.Render(p.t("report.hint")), w)}
	var table []string
	if w >= 76 {
		lw := min(w/2+4, 64)
		l, r := p.periodTable(lw-1), p.nowTable(w-lw-1)
		for i := 0; i < max(len(l), len(r)); i++ {
			a, b := "", ""
			if i < len(l) {
				a = l[i]
			}
			if i < len(r) {
				b = r[i]
			}
			table = append(table, Fit(a, lw)+"│"+Cut(b, w-lw-1))
		}
	} else {
		table = append(p.periodTable(w), "")
		table = append(table, p.nowTable(w)...)
	}
	body := h - len(title)
	p.scroll = min(p.scroll, max(len(table)-body, 0))
	end := min(p.scroll+max(body, 0), len(table))
	out := append(title, table[min(p.scroll, end):end]...)
	for i := range out {
		out[i] = Cut(out[i], w)
	}
	return strings.Join(out[:min(len(out), h)], "\n")
}

// reportCols lays out a table: a label column and value columns of equal width.
func reportCols(w, n int) (lw, cw int) {
	cw = min(max((w-18)/n, 6), 12)
	lw = max(min(w-cw*n, 26), 0)
	return
}

// cell is a number right-aligned in a column, or … while it is being counted.
func (p *reportsPane) cell(n int, ready bool, cw int) string {
	s := "…"
	if ready {
		s = fmt.Sprint(n)
	}
	return strings.Repeat(" ", max(cw-Width(s), 0)) + s
}

func (p *reportsPane) periodTable(w int) []string {
	s := p.stats
	lw, cw := reportCols(w, 2)
	row := func(label string, week, month int, ready bool) string {
		return Fit("  "+label, lw) + p.cell(week, ready, cw) + p.cell(month, ready, cw)
	}
	right := func(s string) string { return strings.Repeat(" ", max(cw-Width(s), 0)) + Cut(s, cw) }
	weekHead, monthHead := p.t("report.week"), p.t("report.month")
	if s.offset == 0 {
		weekHead, monthHead = p.t("report.thisweek"), p.t("report.thismonth")
	}
	lines := []string{
		Fit("", lw) + p.styles.bold.Render(right(weekHead)+right(monthHead)),
		Fit("", lw) + p.styles.dim.Render(right(s.week.start.Format("01-02")+"~"+s.week.end.AddDate(0, 0, -1).Format("01-02"))+right(s.month.start.Format("2006-01"))),
		p.styles.bold.Render(Cut(p.t("report.posts"), w)),
		row(p.t("report.posts.submitted"), s.week.posts["submitted"], s.month.posts["submitted"], s.postsReady),
	}
	for _, k := range reportDecisions {
		lines = append(lines, row(p.t("report.posts."+string(k)), s.week.posts[string(k)], s.month.posts[string(k)], s.postsReady))
	}
	lines = append(lines, p.styles.bold.Render(Cut(p.t("report.viol.status"), w)))
	for _, st := range model.ViolationStatuses {
		lines = append(lines, row(p.t("violation."+string(st)), s.week.status[st], s.month.status[st], true))
	}
	lines = append(lines, p.styles.bold.Render(Cut(p.t("report.viol.category"), w)))
	if len(s.categories) == 0 {
		lines = append(lines, Cut("  "+p.t("empty"), w))
	}
	for _, c := range s.categories {
		lines = append(lines, row(p.categoryName(c), s.week.category[c], s.month.category[c], true))
	}
	return lines
}

// categoryName is a rule category in words; one the catalogue does not know shows as it is.
func (p *reportsPane) categoryName(c string) string {
	if c == "" {
		return p.t("report.cat.none")
	}
	if k := "report.cat." + c; p.t(k) != k {
		return p.t(k)
	}
	return Inert(c, false)
}

func (p *reportsPane) nowTable(w int) []string {
	s := p.stats
	lw, cw := reportCols(w, 1)
	row := func(label string, n int, ready bool) string { return Fit("  "+label, lw) + p.cell(n, ready, cw) }
	head := p.t("report.now")
	lines := []string{
		Fit("", lw) + p.styles.bold.Render(strings.Repeat(" ", max(cw-Width(head), 0))+Cut(head, cw)),
		"",
		p.styles.bold.Render(Cut(p.t("report.posts"), w)),
		row(p.t("report.pending"), s.pending, s.postsReady),
		row(p.t("report.escalated"), s.escalated, s.postsReady),
		p.styles.bold.Render(Cut(p.t("report.members"), w)),
	}
	for _, st := range model.MemberStatuses {
		lines = append(lines, row(p.t("member."+string(st)), s.members[st], true))
	}
	lines = append(lines, p.styles.bold.Render(Cut(p.t("report.apps"), w)))
	for _, k := range []model.ApplicationKind{model.AppJoin, model.AppExit, model.AppAppeal} {
		lines = append(lines, row(p.t("roster.app."+string(k)), s.apps[k], true))
	}
	return lines
}
