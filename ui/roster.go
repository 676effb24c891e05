package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"qunshen/internal/inert"
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
			return []string{r.app.name, r.app.Member, r.app.Group, r.app.ID, r.app.Text}
		}
		return []string{r.m.Name, r.m.Nickname, r.m.ID, r.m.Branch, r.m.Group}
	})
	return p
}

func (p *rosterPane) titleKey() string { return "tab.roster" }
func (p *rosterPane) count() int       { return len(p.members) }
func (p *rosterPane) busy() bool       { return p.prompt != nil || p.filter.Active() }

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
			p.errText = msg.err.Error()
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

// askMember opens the prompt of an action on the current member: the proposed step, a
// duration for a mute, an optional reason. A role that may not take the action is refused
// by the store, and the refusal shown, without a prompt.
func (p *rosterPane) askMember(kind model.Kind) tea.Cmd {
	cur, ok := p.current()
	if !ok {
		p.status = p.t("roster.need.member")
		return nil
	}
	m := cur.Member
	subject, label := m.Key(), inert.Line(m.Name)
	rec, haveRec := p.records[m.Key()]
	step := ""
	if haveRec {
		step = rec.proposal.Step.Name(string(p.lang))
	}
	if !model.Allowed(p.op.Role, kind) {
		return actionCmd(p.common, p, kind, subject, label, model.ReasonPayload{Step: step})
	}
	pr := newChoicePrompt(p.common, p.t("roster.ask."+string(kind))+" — "+label)
	pr.withReason(p.t("roster.reason"))
	switch kind {
	case model.MemberWarn:
		if haveRec {
			pr.info = append(pr.info, p.tf("roster.ask.step", inert.Line(step), inert.Line(rec.proposal.Step.Clause)))
		}
		gkind, lang := p.groups[m.Group].Kind, string(p.lang)
		pr.run = func(_ int, reason string) tea.Cmd {
			return actionCmdWith(p.common, p, kind, subject, label, func(be Backend) (any, error) {
				s := step
				if s == "" { // the record was not read yet: propose from the store's
					vs, err := be.MemberViolations(m.Group, m.ID)
					if err != nil {
						return nil, err
					}
					s = be.Policy().NextStep(gkind, m.PartyMember, vs, review.Warn, be.Now()).Step.Name(lang)
				}
				return model.ReasonPayload{Reason: reason, Step: s}, nil
			})
		}
	case model.MemberMute:
		days := []int{1, 3, 7, 30}
		suggested := 0
		if haveRec {
			suggested = rec.proposal.Step.MuteDays
		}
		if suggested > 0 && !slices.Contains(days, suggested) {
			days = append(days, suggested)
			slices.Sort(days)
		}
		muteStep := p.muteStep(m)
		for i, d := range days {
			choice := p.tf("roster.days.n", d)
			if d == suggested {
				choice += " " + p.tf("roster.suggested", inert.Line(step))
				pr.cursor = i
			}
			pr.choices = append(pr.choices, choice)
		}
		pr.run = func(i int, reason string) tea.Cmd {
			until := p.be.Now().AddDate(0, 0, days[i])
			return actionCmd(p.common, p, kind, subject, label, model.ReasonPayload{Reason: reason, Until: until, Step: muteStep})
		}
	default:
		pr.run = func(_ int, reason string) tea.Cmd {
			return actionCmd(p.common, p, kind, subject, label, model.ReasonPayload{Reason: reason})
		}
	}
	p.prompt = pr
	return nil
}

// muteStep is the name of the step of the member's ladder that is a mute, if there is one:
// a mute moves the member to it.
func (p *rosterPane) muteStep(m model.Member) string {
	if p.pol == nil {
		return ""
	}
	ladder, _ := p.pol.LadderFor(p.groups[m.Group].Kind, m.PartyMember)
	for _, s := range ladder {
		if s.MuteDays > 0 {
			return s.Name(string(p.lang))
		}
	}
	return ""
}

// pendingAppeal is the member's open appeal, if any.
func (p *rosterPane) pendingAppeal(m *rosterMember) (*rosterApp, bool) {
	for i := range p.apps {
		a := &p.apps[i]
		if a.Kind == model.AppAppeal && a.Group == m.Group && a.Member == m.ID {
			return a, true
		}
	}
	return nil, false
}

// askAppeal records the outcome of the current member's open appeal: upheld or overturned.
func (p *rosterPane) askAppeal() tea.Cmd {
	var a *rosterApp
	if r, ok := p.list.Current(); ok && r.app != nil && r.app.Kind == model.AppAppeal {
		a = r.app
	} else if m, ok := p.current(); ok {
		if a, ok = p.pendingAppeal(m); !ok {
			p.status = p.t("roster.no.appeal")
			return nil
		}
	} else {
		p.status = p.t("roster.need.member")
		return nil
	}
	id, label := a.ID, inert.Line(a.ID)
	if !model.Allowed(p.op.Role, model.AppealUphold) {
		return actionCmd(p.common, p, model.AppealUphold, id, label, model.ReasonPayload{})
	}
	pr := newChoicePrompt(p.common, p.t("roster.ask.appeal")+" — "+p.appLabel(a))
	pr.info = append(pr.info, inert.Line(firstLine(a.Text)))
	pr.choices = []string{p.t("roster.appeal.uphold"), p.t("roster.appeal.overturn")}
	pr.withReason(p.t("roster.reason"))
	pr.run = func(i int, reason string) tea.Cmd {
		kind := model.AppealUphold
		if i == 1 {
			kind = model.AppealOverturn
		}
		return actionCmd(p.common, p, kind, id, label, model.ReasonPayload{Reason: reason})
	}
	p.prompt = pr
	return nil
}

// askApplication approves or refuses the current application; for an appeal, approving
// overturns the sanction and refusing upholds it.
func (p *rosterPane) askApplication(approve bool) tea.Cmd {
	r, ok := p.list.Current()
	if !ok || r.app == nil {
		p.status = p.t("roster.need.app")
		return nil
	}
	a := r.app
	kind := model.ApplicationRefuse
	switch {
	case a.Kind == model.AppAppeal && approve:
		kind = model.AppealOverturn
	case a.Kind == model.AppAppeal:
		kind = model.AppealUphold
	case approve:
		kind = model.ApplicationApprove
	}
	id, label := a.ID, inert.Line(a.ID)
	if !model.Allowed(p.op.Role, kind) {
		return actionCmd(p.common, p, kind, id, label, model.ReasonPayload{})
	}
	pr := newChoicePrompt(p.common, p.t("roster.ask."+string(kind))+" — "+p.appLabel(a))
	if a.Text != "" {
		pr.info = append(pr.info, inert.Line(firstLine(a.Text)))
	}
	pr.withReason(p.t("roster.reason"))
	pr.run = func(_ int, reason string) tea.Cmd {
		return actionCmd(p.common, p, kind, id, label, model.ReasonPayload{Reason: reason})
	}
	p.prompt = pr
	return nil
}

// appLabel names an application: its kind and the member.
func (p *rosterPane) appLabel(a *rosterApp) string {
	return p.t("roster.app."+string(a.Kind)) + " " + inert.Line(a.name)
}

// acted shows the outcome of an action of this pane and reads the roster again.
func (p *rosterPane) acted(m actionMsg) tea.Cmd {
	p.inflight--
	if m.err != nil {
		p.errText, p.status = m.err.Error(), ""
		return nil
	}
	p.errText = ""
	p.status = p.tf("roster.done."+string(m.kind), m.label)
	return p.load()
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
			r.proposal = be.Policy().NextStep(kind, m.PartyMember, r.violations, review.Warn, be.Now())
		}
		return rosterRecordMsg{gen: gen, key: k, rec: r}
	}
}

func (p *rosterPane) keys() keymap.Help {
	k := p.km
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
	}
	short := append(out, k.Cleanup, k.Open)
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

// whyText is the cleanup reasons of a member in words.
func (p *rosterPane) whyText(m *rosterMember, sep string) string {
	ws := make([]string, len(m.why))
	for i, k := range m.why {
		ws[i] = p.t(k)
	}
	return strings.Join(ws, sep)
}

func (p *rosterPane) row(r rosterRow, w int) string {
	if a := r.app; a != nil {
		kind := Fit(p.t("roster.app."+string(a.Kind)), 8)
		t := a.Time.Local().Format("01-02 15:04")
		group := Fit(inert.Line(p.groupOf(a.Group)), min(14, w/6))
		name := Fit(inert.Line(a.name), min(10, w/8))
		rest := w - 8 - 12 - Width(group) - Width(name) - 4
		return Fit(" "+kind+" "+t+" "+group+" "+name+" "+Fit(inert.Line(firstLine(a.Text)), max(rest, 1)), w)
	}
	m := r.m
	name := Fit(p.filter.Highlight(r, m.Name), min(10, w/8))
	group := Fit(inert.Line(p.groupOf(m.Group)), min(12, w/8))
	verdict := p.styles.dim.Render(Fit(p.t("roster.nick.ok.short"), 6))
	if !m.nickOK {
		verdict = p.styles.sev["warn"].Render(Fit(p.t("roster.nick.bad.short"), 6))
	}
	days := "-"
	if m.idle >= 0 {
		days = p.tf("roster.idle", m.idle)
	}
	days = Fit(days, 7)
	status := Fit(p.t("member."+string(m.Status)), 8)
	if m.Status == model.MemberRemoved || m.Status == model.MemberExited || m.Status == model.MemberMuted {
		status = p.styles.sev["warn"].Render(status)
	}
	tail := status
	if p.mode == rosterCleanup {
		tail = Fit(p.whyText(m, "·"), min(24, w/4))
	} else if m.Step != "" {
		tail += " " + Fit(inert.Line(m.Step), min(10, w/10))
	}
	fixed := 1 + Width(name) + 1 + Width(group) + 1 + 6 + 1 + 7 + 1 + Width(tail) + 1
	nick := Fit(inert.Line(m.Nickname), max(w-fixed, 1))
	return Fit(" "+name+" "+group+" "+nick+" "+verdict+" "+days+" "+tail, w)
}

// groupOf is a group's name, or its id.
func (p *rosterPane) groupOf(id string) string {
	if g, ok := p.groups[id]; ok && g.Name != "" {
		return g.Name
	}
	return id
}

func (p *rosterPane) view(w, h int) string {
	if p.prompt != nil {
		return p.prompt.view(w, h)
	}
	n := len(p.members)
	switch p.mode {
	case rosterCleanup, rosterApps:
		n = len(p.list.Rows())
	}
	head := []string{Cut(p.styles.bold.Render(p.tf(fmt.Sprintf("roster.mode.%d", p.mode), n))+"  "+p.styles.dim.Render(p.tf("roster.mode.hint", keymap.Name(p.km.Cleanup))), w)}
	if l := p.filter.Line(w); l != "" {
		head = append(head, l)
	}
	return listView(p.common, head, p.list, !p.loaded, p.zoom, w, h, p.detail)
}

// detail is the member's record, or the application.
func (p *rosterPane) detail(w, h int) string {
	r, ok := p.list.Current()
	if !ok {
		return ""
	}
	w = max(w, 10)
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	kv := func(label, value string) { add(Cut(p.styles.dim.Render(p.t(label))+"  "+value, w)) }
	if a := r.app; a != nil {
		add(Cut(p.styles.bold.Render(p.appLabel(a)), w))
		kv("roster.f.app", inert.Line(a.ID)+"  "+p.t("application."+string(a.Status)))
		kv("roster.f.group", inert.Line(p.groupOf(a.Group)))
		kv("roster.f.id", inert.Line(a.Member))
		kv("roster.f.time", a.Time.Local().Format("2006-01-02 15:04"))
		for i := range p.members {
			if m := &p.members[i]; m.Group == a.Group && m.ID == a.Member {
				st := p.t("member." + string(m.Status))
				if m.Step != "" {
					st += " · " + inert.Line(m.Step)
				}
				kv("roster.f.status", st)
			}
		}
		add("", p.styles.bold.Render(p.t("roster.f.text")))
		for _, l := range Wrap(inertBody(a.Text), w-2) {
			add("  " + l)
		}
	} else {
		p.memberDetail(r.m, w, add, kv)
	}
	if len(lines) > h {
		lines = lines[:max(h, 0)]
	}
	return strings.Join(lines, "\n")
}

func (p *rosterPane) memberDetail(m *rosterMember, w int, add func(...string), kv func(string, string)) {
	add(Cut(p.styles.bold.Render(inert.Line(m.Name)), w))
	kv("roster.f.group", inert.Line(p.groupOf(m.Group)))
	kv("roster.f.id", inert.Line(m.ID))
	if m.Branch != "" {
		kv("roster.f.branch", inert.Line(m.Branch))
	}
	kv("roster.f.nickname", inert.Line(m.Nickname))
	rule := p.groups[m.Group].NicknameRule
	ruleText := p.t("roster.rule.none")
	switch rule {
	case "":
	case "branch+name", "dept+name", "name":
		ruleText = p.t("roster.rule." + rule)
	default:
		ruleText = inert.Line(rule)
	}
	verdict := p.t("roster.nick.ok")
	if !m.nickOK {
		verdict = p.styles.sev["warn"].Render(p.t("roster.nick.bad"))
	}
	kv("roster.f.rule", ruleText+" → "+verdict)
	role := p.t("roster.role.member")
	switch m.Role {
	case model.MemberOwner, model.MemberAdmin:
		role = p.t("roster.role." + string(m.Role))
	}
	if m.PartyMember {
		role += " · " + p.t("roster.party")
	}
	kv("roster.f.role", role)
	if !m.Joined.IsZero() {
		kv("roster.f.joined", m.Joined.Local().Format("2006-01-02"))
	}
	if m.idle >= 0 {
		last := p.t("roster.never")
		if !m.LastActive.IsZero() {
			last = m.LastActive.Local().Format("2006-01-02")
		}
		kv("roster.f.active", last+"  "+p.tf("roster.days.ago", m.idle))
	}
	st := p.t("member." + string(m.Status))
	if m.Status == model.MemberMuted && !m.MutedUntil.IsZero() {
		st += "  " + p.tf("roster.until", m.MutedUntil.Local().Format("2006-01-02 15:04"))
	}
	kv("roster.f.status", st)
	kv("roster.f.warnings", fmt.Sprint(m.Warnings))
	step := "-"
	if m.Step != "" {
		step = inert.Line(m.Step)
	}
	kv("roster.f.step", step)
	if len(m.why) > 0 {
		kv("roster.f.cleanup", p.whyText(m, p.t("roster.sep")))
	}
	for i := range p.apps {
		if a := &p.apps[i]; a.Group == m.Group && a.Member == m.ID {
			kv("roster.f.open", p.t("roster.app."+string(a.Kind))+"  "+inert.Line(a.ID)+"  "+inert.Line(firstLine(a.Text)))
		}
	}
	rec, ok := p.records[m.Key()]
	add("", p.styles.bold.Render(p.t("roster.f.record")))
	switch {
	case !ok:
		add("  " + p.t("loading"))
		return
	case rec.err != nil:
		add("  " + Cut(p.t("error")+": "+inert.Line(rec.err.Error()), w-2))
		return
	case len(rec.violations) == 0:
		add("  " + p.t("record.none"))
	}
	for _, v := range rec.violations {
		add("  " + Cut(violationLine(p.common, p.pol, v), w-2))
	}
	pr := rec.proposal
	s := p.tf("roster.next", inert.Line(pr.Step.Name(string(p.lang))), inert.Line(pr.Step.Clause), pr.Index+1, pr.Of)
	if pr.Party {
		s += " · " + p.t("roster.party.ladder")
	}
	add("", Cut(p.styles.bold.Render(s), w))
}

// violationLine is one violation of a member's record: date, rule, status, sanction.
func violationLine(c *common, pol *review.Policy, v model.Violation) string {
	rule := c.t("viol.source." + v.Source)
	if pol != nil && v.Rule != "" {
		if r := pol.Rule(v.Rule); r != nil {
			rule = r.Name.In(string(c.lang))
		} else {
			rule = v.Rule
		}
	}
	s := v.Time.Local().Format("2006-01-02") + "  " + inert.Line(rule) + "  " + c.t("violation."+string(v.Status))
	if v.Sanction != "" {
		s += "  " + inert.Line(v.Sanction)
	}
	if v.Appeal != "" {
		s += "  " + c.t("viol.appeal."+v.Appeal)
	}
	return s
}

// actionMsg is the outcome of an action written by a pane (not a decision on a post).
type actionMsg struct {
	owner any // the pane that wrote it
	kind  model.Kind
	label string // what the status line names
	err   error
}

// actionCmd writes an action through the backend in a command; the pane shows it done only
// when the store has it.
func actionCmd(c *common, owner any, kind model.Kind, subject, label string, payload any) tea.Cmd {
	return actionCmdWith(c, owner, kind, subject, label, func(Backend) (any, error) { return payload, nil })
}

// actionCmdWith is actionCmd with a payload made in the command, where it may read the store.
func actionCmdWith(c *common, owner any, kind model.Kind, subject, label string, payload func(Backend) (any, error)) tea.Cmd {
	c.inflight++
	c.status = c.t("saving")
	be := c.be
	return func() tea.Msg {
		pl, err := payload(be)
		if err == nil {
			_, err = be.Act(kind, subject, pl)
		}
		return actionMsg{owner: owner, kind: kind, label: label, err: err}
	}
}

// choicePrompt asks for the details of an action: one of a few choices (↑↓), an optional or
// required text, Enter to carry it out, Esc to cancel.
type choicePrompt struct {
	c        *common
	title    string   // inert already
	info     []string // lines under the title, inert already
	choices  []string
	cursor   int
	input    *textinput.Model
	needText bool
	run      func(choice int, text string) tea.Cmd
}

func newChoicePrompt(c *common, title string) *choicePrompt {
	return &choicePrompt{c: c, title: title}
}

// withReason adds a text line, with its label.
func (r *choicePrompt) withReason(label string) {
	in := textinput.New()
	in.Prompt = label
	in.CharLimit = 500
	in.Focus()
	r.input = &in
}

func (r *choicePrompt) key(msg tea.KeyPressMsg) (done bool, cmd tea.Cmd) {
	k := r.c.km
	switch {
	case key.Matches(msg, k.Cancel):
		return true, nil
	case key.Matches(msg, k.Confirm):
		text := ""
		if r.input != nil {
			text = strings.TrimSpace(r.input.Value())
		}
		if r.needText && text == "" {
			return false, nil
		}
		return true, r.run(r.cursor, text)
	case (r.input == nil || msg.Text == "") && key.Matches(msg, k.Up):
		r.cursor = max(r.cursor-1, 0)
		return false, nil
	case (r.input == nil || msg.Text == "") && key.Matches(msg, k.Down):
		r.cursor = max(min(r.cursor+1, len(r.choices)-1), 0)
		return false, nil
	}
	if r.input != nil {
		*r.input, _ = r.input.Update(msg)
	}
	return false, nil
}

func (r *choicePrompt) view(w, h int) string {
	lines := []string{Cut(r.c.styles.bold.Render(r.title), w)}
	for _, l := range r.info {
		for _, x := range Wrap(l, max(w, 2)) {
			lines = append(lines, Cut(x, w))
		}
	}
	hint := "roster.prompt.hint"
	if len(r.choices) > 0 {
		hint = "roster.prompt.hint.choose"
	}
	hint = r.c.tf(hint, keymap.Name(r.c.km.Confirm), keymap.Name(r.c.km.Cancel))
	lines = append(lines, "", Cut(r.c.styles.dim.Render(hint), w))
	for i, ch := range r.choices {
		l := Fit("  "+ch, w)
		if i == r.cursor {
			l = r.c.styles.sel.Render(l)
		}
		lines = append(lines, l)
	}
	if r.input != nil {
		r.input.SetWidth(max(w-Width(r.input.Prompt)-2, 1))
		lines = append(lines, "", Cut(r.input.View(), w))
	}
	if len(lines) > h {
		lines = lines[:max(h, 0)]
	}
	return strings.Join(lines, "\n")
}

func (p *rosterPane) drilled() *drillSet { return p.drill }
func (p *rosterPane) canClear() bool     { return p.drill != nil && !p.zoom && p.filter.Query() == "" }

// setDrill shows the members of a figure, in the list of all members.
func (p *rosterPane) setDrill(d *drillSet) tea.Cmd {
	p.drill, p.zoom = d, false
	if d != nil {
		p.mode = rosterAll
	}
	return tea.Batch(p.setRows(), p.loadRecord())
}
