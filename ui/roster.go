package ui

import (
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// rosterPane is the members of the groups in scope: their nicknames against the group's
// rule, how long they have been silent, their step on the discipline ladder; the cleanup
// candidates; and the open applications. f cycles the three lists.
type rosterPane struct {
	*common
	list    *List[rosterRow]
	filter  *Filter[rosterRow]
	gen     int
	loaded  bool
	zoom    bool
	mode    int
	prompt  *choicePrompt
	members []rosterMember // in scope; never changed once read
	apps    []rosterApp    // open, in scope, oldest first
	groups  map[string]model.Group
	pol     *review.Policy
	records map[string]rosterRecord // member key → record, read for the current member
	scroll  scroller                // of the detail
	drill   *drillSet               // a figure of the Reports pane narrows the list to its members
}

// The lists of the roster, in the order f cycles them.
const (
	rosterAll = iota
	rosterCleanup
	rosterApps
	rosterModes
)

// rosterMember is a member with what the roster judges of them, judged when read.
type rosterMember struct {
	model.Member
	nickOK bool
	idle   int      // days since they last spoke (or joined); -1 when unknown
	why    []string // catalogue keys of why they are a cleanup candidate
}

// rosterApp is an open application with the name of its member.
type rosterApp struct {
	model.Application
	name string
}

// rosterRow is a member or, in the list of applications, an application.
type rosterRow struct {
	m   *rosterMember
	app *rosterApp
}

func (r rosterRow) id() string {
	if r.app != nil {
		return "a\x00" + r.app.ID
	}
	return "m\x00" + r.m.Key()
}

type rosterRecord struct {
	violations []model.Violation
	proposal   review.Proposal
	err        error
}

type rosterMsg struct {
	gen     int
	members []rosterMember
	apps    []rosterApp
	groups  map[string]model.Group
	pol     *review.Policy
	err     error
}

type rosterRecordMsg struct {
	gen int
	key string
	rec rosterRecord
}

func newRoster(c *common) pane {
	p := &rosterPane{common: c, records: map[string]rosterRecord{}, groups: map[string]model.Group{}}
	p.list = NewList(rosterRow.id, p.row)
	p.filter = NewFilter(c, p.list, func(r rosterRow) []string {
		if r.app != nil {
			return []string{r.app.name, "", "", p.groupOf(r.app.Group), r.app.Member, r.app.ID, r.app.Text}
		}
		return []string{r.m.Name, r.m.Nickname, r.m.Branch, p.groupOf(r.m.Group), r.m.ID, r.m.Group, ""}
	}, fieldName, fieldName, fieldText, fieldText, fieldID, fieldID, fieldBody)
	return p
}

func (p *rosterPane) titleKey() string { return "tab.roster" }

func (p *rosterPane) count() int { return len(p.members) }

func (p *rosterPane) busy() bool { return p.prompt != nil || p.filter.Active() }

func (p *rosterPane) load() tea.Cmd {
	p.gen++
	gen, be, scope := p.gen, p.be, p.scope
	return func() tea.Msg {
		gs, err := be.Groups()
		if err != nil {
			return rosterMsg{gen: gen, err: err}
		}
		ms, err := be.Members()
		if err != nil {
			return rosterMsg{gen: gen, err: err}
		}
		as, err := be.Applications()
		if err != nil {
			return rosterMsg{gen: gen, err: err}
		}
		pol, now := be.Policy(), be.Now()
		msg := rosterMsg{gen: gen, groups: make(map[string]model.Group, len(gs)), pol: pol}
		for _, g := range gs {
			msg.groups[g.ID] = g
		}
		names := make(map[string]string)
		msg.members = make([]rosterMember, 0, len(ms))
		for _, m := range ms {
			if scope == "" || m.Group == scope {
				msg.members = append(msg.members, judge(m, msg.groups[m.Group], pol.Thresholds.InactiveDays, now))
			}
		}
		for _, m := range msg.members {
			names[m.Key()] = m.Name
		}
		for _, a := range as {
			if a.Status == model.AppPending && (scope == "" || a.Group == scope) {
				name := names[model.MemberKey(a.Group, a.Member)]
				if name == "" {
					name = a.Member
				}
				msg.apps = append(msg.apps, rosterApp{a, name})
			}
		}
		slices.SortStableFunc(msg.apps, func(a, b rosterApp) int { return a.Time.Compare(b.Time) })
		return msg
	}
}

// judge reads a member against the group's nickname rule and the policy's days of silence.
// A member who has exited but is still on the roster is a cleanup candidate; a removed one is
// done with; any other is one when silent too long or wrongly named.
func judge(m model.Member, g model.Group, inactiveDays int, now time.Time) rosterMember {
	r := rosterMember{Member: m, nickOK: nicknameOK(g.NicknameRule, g, m), idle: -1}
	if t := lastSeen(m); !t.IsZero() && !now.IsZero() {
		r.idle = max(int(now.Sub(t).Hours()/24), 0)
	}
	switch m.Status {
	case model.MemberRemoved:
		return r
	case model.MemberExited:
		r.why = []string{"roster.why.exited"}
		return r
	}
	if inactiveDays > 0 && r.idle > inactiveDays {
		r.why = append(r.why, "roster.why.inactive")
	}
	if !r.nickOK {
		r.why = append(r.why, "roster.why.nickname")
	}
	return r
}

func (p *rosterPane) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case rosterMsg:
		if msg.gen != p.gen {
			return nil
		}
		if msg.err != nil {
			p.fail(msg.err, "")
			return nil
		}
		p.members, p.apps, p.groups, p.pol = msg.members, msg.apps, msg.groups, msg.pol
		p.records = map[string]rosterRecord{}
		p.loaded = true
		return tea.Batch(p.setRows(), p.loadRecord())
	case rosterRecordMsg:
		if msg.gen == p.gen {
			p.records[msg.key] = msg.rec
		}
		return nil
	case actionMsg:
		if msg.owner != any(p) {
			if msg.err == nil {
				return p.load() // another pane changed the store
			}
			return nil
		}
		return p.acted(msg)
	case decidedMsg:
		if len(msg.ok) > 0 && changesRecord(msg.kind) {
			clear(p.records) // the members' records are read again when shown
			return p.loadRecord()
		}
	case filterMsg:
		return tea.Batch(p.filter.update(msg), p.loadRecord())
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

// setRows fills the list with the rows of the current mode.
func (p *rosterPane) setRows() tea.Cmd {
	var rows []rosterRow
	switch p.mode {
	case rosterApps:
		rows = make([]rosterRow, len(p.apps))
		for i := range p.apps {
			rows[i] = rosterRow{app: &p.apps[i]}
		}
	case rosterCleanup:
		for i := range p.members {
			if len(p.members[i].why) > 0 {
				rows = append(rows, rosterRow{m: &p.members[i]})
			}
		}
	default:
		rows = make([]rosterRow, 0, len(p.members))
		for i := range p.members {
			if p.drill.keep(p.members[i].Key()) {
				rows = append(rows, rosterRow{m: &p.members[i]})
			}
		}
	}
	p.list.SetRows(rows)
	return p.filter.Refresh()
}

func (p *rosterPane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.km
	if p.prompt != nil {
		done, cmd := p.prompt.key(msg)
		if done {
			p.prompt = nil
		}
		return cmd
	}
	if p.filter.Active() {
		return tea.Batch(p.filter.key(msg), p.loadRecord())
	}
	if p.scroll.key(msg, k) {
		return nil
	}
	if browse(msg, k, p.list, p.filter, &p.zoom) {
		return p.loadRecord()
	}
	switch {
	case key.Matches(msg, k.Cleanup):
		p.mode = (p.mode + 1) % rosterModes
		p.list.Top()
		return tea.Batch(p.setRows(), p.loadRecord())
	case key.Matches(msg, k.Warn):
		return p.askMember(model.MemberWarn)
	case key.Matches(msg, k.Mute):
		return p.askMember(model.MemberMute)
	case key.Matches(msg, k.Remove):
		return p.askMember(model.MemberRemove)
	case key.Matches(msg, k.Restore):
		return p.askMember(model.MemberRestore)
	case key.Matches(msg, k.Appeal):
		return p.askAppeal()
	case key.Matches(msg, k.AppApprove):
		return p.askApplication(true)
	case key.Matches(msg, k.AppRefuse):
		return p.askApplication(false)
	case key.Matches(msg, k.OpenIncident):
		if m, ok := p.current(); ok {
			p.prompt = incidentPrompt(p.common, p, review.NewIncident{Group: m.Group, Member: m.ID}, m.Name+" ("+m.ID+") "+p.groupName(m.Group))
		}
	}
	return nil
}

// current is the member under the cursor, when the row is a member.
func (p *rosterPane) current() (*rosterMember, bool) {
	r, ok := p.list.Current()
	if !ok || r.m == nil {
		return nil, false
	}
	return r.m, true
}

// loadRecord reads the current member's violations and proposes the next step, once.
func (p *rosterPane) loadRecord() tea.Cmd {
	cur, ok := p.current()
	if !ok {
		return nil
	}
	m := cur.Member
	k := m.Key()
	if _, ok := p.records[k]; ok {
		return nil
	}
	gen, be, kind := p.gen, p.be, p.groups[m.Group].Kind
	return func() tea.Msg {
		var r rosterRecord
		r.violations, r.err = be.MemberViolations(m.Group, m.ID)
		if r.err == nil {
			r.proposal = be.Policy().MemberProposal(kind, m, r.violations, be.Now())
		}
		return rosterRecordMsg{gen: gen, key: k, rec: r}
	}
}

func (p *rosterPane) keys() keymap.Help {
	k := p.km
	switch {
	case p.prompt != nil:
		return keymap.Help{Short: k.Prompt().Bindings, Groups: []keymap.Group{k.Roster(), k.Move(), k.List(), k.Filtering()}}
	case p.filter.Active():
		return keymap.Help{Short: k.Filtering().Bindings, Groups: []keymap.Group{k.Roster(), k.Move(), k.List(), k.Filtering()}}
	}
	var out []key.Binding
	allowed := func(kind model.Kind) bool { return model.Allowed(p.op.Role, kind) }
	if r, ok := p.list.Current(); ok && r.app != nil {
		approve, refuse := model.ApplicationApprove, model.ApplicationRefuse
		if r.app.Kind == model.AppAppeal {
			approve, refuse = model.AppealOverturn, model.AppealUphold
		}
		if allowed(approve) {
			out = append(out, k.AppApprove)
		}
		if allowed(refuse) {
			out = append(out, k.AppRefuse)
		}
	} else if ok {
		for _, b := range []struct {
			b    key.Binding
			kind model.Kind
		}{{k.Warn, model.MemberWarn}, {k.Mute, model.MemberMute}, {k.Remove, model.MemberRemove}, {k.Restore, model.MemberRestore}} {
			if allowed(b.kind) {
				out = append(out, b.b)
			}
		}
		if _, open := p.pendingAppeal(r.m); open && allowed(model.AppealUphold) {
			out = append(out, k.Appeal)
		}
		if allowed(model.IncidentOpen) {
			out = append(out, k.OpenIncident)
		}
	}
	short := append(out, k.Open, k.Cleanup, k.Filter)
	return keymap.Help{Short: short, Groups: []keymap.Group{k.Roster(), k.Move(), k.List(), k.Filtering()}}
}

// lastSeen is when the member last spoke, or joined when they never did; zero when unknown.
func lastSeen(m model.Member) time.Time {
	if !m.LastActive.IsZero() {
		return m.LastActive
	}
	return m.Joined
}

// nicknameOK is review.NicknameOK: the rule is the review's, the roster and the reports
// judge alike.
func nicknameOK(rule string, g model.Group, m model.Member) bool {
	return review.NicknameOK(rule, g, m)
}

func (p *rosterPane) drilled() *drillSet { return p.drill }

func (p *rosterPane) canClear() bool { return p.drill != nil && !p.zoom && p.filter.Query() == "" }

// setDrill shows the members of a figure, in the list of all members.
func (p *rosterPane) setDrill(d *drillSet) tea.Cmd {
	p.drill, p.zoom = d, false
	if d != nil {
		p.mode = rosterAll
	}
	return tea.Batch(p.setRows(), p.loadRecord())
}

// click selects the row clicked.
func (p *rosterPane) click(x, y int) tea.Cmd {
	if p.zoom || !clickRow(p.list, x, y) {
		return nil
	}
	return p.loadRecord()
}

// wheel moves the cursor.
func (p *rosterPane) wheel(n int) tea.Cmd {
	if p.zoom {
		return nil
	}
	p.list.Move(n)
	return p.loadRecord()
}
