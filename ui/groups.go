package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/internal/i18n"
	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// groupsPane is the register (IW 第四条, 第六条, 第八条(三)): every group and every application
// to create one, each with the badges of the checks it fails; beside it a group whole — its
// record, its responsibility chain, its open rectifications and their deadlines, its
// incidents and the accountability recorded, its membership and last activity. The
// supervisor's home: the report's overdue items open here.
type groupsPane struct {
	*common
	list   *List[*groupRow]
	filter *Filter[*groupRow]
	gen    int
	loaded bool
	zoom   bool
	prompt *choicePrompt
	rows   []*groupRow
	chains map[string]model.Chain
	alerts int       // rows in scope that fail a check, or wait for approval
	drill  *drillSet // a figure of the Reports pane narrows the list to its groups
	scroll scroller  // of the detail
	// files is the register of shared files of the groups read (groups_assess.go): read on
	// asking (F), since it reads the published posts.
	files map[string][]review.SharedFile
}

// groupRow is a row of the register with what the detail shows of it.
type groupRow struct {
	review.RegisterEntry
	rects     []model.Rectification  // open, against the group or its branch
	incidents []model.Incident       // in the order they were opened
	acc       []model.Accountability // in the order they were recorded
	commends  []model.Commendation   // commendations and rewards, in the order they were recorded
	access    []model.ArchiveAccess  // requests to read the archive, in the order they were filed
	badges    string                 // the checks' badges, in the pane's language
}

func (r *groupRow) id() string { return r.Group.ID }

type registerMsg struct {
	gen    int
	rows   []*groupRow
	chains map[string]model.Chain
	err    error
}

func newGroups(c *common) pane {
	p := &groupsPane{common: c}
	p.list = NewList((*groupRow).id, p.row)
	p.filter = NewFilter(c, p.list, func(r *groupRow) []string {
		return []string{r.Group.Name, r.Group.Owner, r.Group.Branch, r.badges, r.Group.ID, r.Group.FilingNo}
	}, fieldText, fieldName, fieldText, fieldText, fieldID, fieldID)
	return p
}

func (p *groupsPane) titleKey() string { return "tab.groups" }
func (p *groupsPane) count() int       { return p.alerts }
func (p *groupsPane) busy() bool       { return p.prompt != nil || p.filter.Active() }

func (p *groupsPane) load() tea.Cmd {
	p.gen++
	return p.loadRegister()
}

func (p *groupsPane) loadRegister() tea.Cmd {
	gen, be, scope, lang := p.gen, p.be, p.scope, p.lang
	return func() tea.Msg {
		reg, err := be.Register()
		if err != nil {
			return registerMsg{gen: gen, err: err}
		}
		chains, err := be.Chains()
		if err != nil {
			return registerMsg{gen: gen, err: err}
		}
		rects, err := be.Rectifications()
		if err != nil {
			return registerMsg{gen: gen, err: err}
		}
		ins, err := be.Incidents()
		if err != nil {
			return registerMsg{gen: gen, err: err}
		}
		accs, err := be.Accountabilities()
		if err != nil {
			return registerMsg{gen: gen, err: err}
		}
		msg := registerMsg{gen: gen, chains: chains}
		byID := map[string]*groupRow{}
		for i := range reg {
			e := reg[i]
			// A group in scope, or, with every group in scope, an application too.
			if scope != "" && e.Group.ID != scope {
				continue
			}
			r := &groupRow{RegisterEntry: e}
			if !e.IsApplication() {
				r.rects = review.OpenRectifications(&e.Group, rects)
			}
			bs := make([]string, len(e.Checks))
			for j, c := range e.Checks {
				bs[j] = i18n.T(lang, "register.badge."+c)
			}
			r.badges = strings.Join(bs, " ")
			byID[e.Group.ID] = r
			msg.rows = append(msg.rows, r)
		}
		for _, in := range ins {
			if r, ok := byID[in.Group]; ok {
				r.incidents = append(r.incidents, in)
			}
		}
		for _, x := range accs {
			if r, ok := byID[x.Group]; ok {
				r.acc = append(r.acc, x)
			}
		}
		if err := assessed(be, byID); err != nil {
			return registerMsg{gen: gen, err: err}
		}
		// In the order they were recorded: the latest last, where a question's cursor starts.
		for _, r := range msg.rows {
			slices.SortStableFunc(r.incidents, func(a, b model.Incident) int { return a.Opened.Compare(b.Opened) })
			slices.SortStableFunc(r.acc, func(a, b model.Accountability) int { return a.Time.Compare(b.Time) })
		}
		return msg
	}
}

func (p *groupsPane) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case registerMsg:
		if msg.gen != p.gen {
			return nil
		}
		if msg.err != nil {
			p.fail(msg.err, "")
			return nil
		}
		p.rows, p.chains = msg.rows, msg.chains
		p.alerts = 0
		for _, r := range p.rows {
			if len(r.Checks) > 0 || r.Status == review.StatusApplied {
				p.alerts++
			}
		}
		p.list.SetRows(filterRows(p.drill, p.rows, (*groupRow).id))
		p.loaded = true
		return p.filter.Refresh()
	case filesMsg:
		if p.status == p.t("loading") {
			p.status = ""
		}
		if msg.err != nil {
			p.fail(msg.err, "")
			return nil
		}
		if p.files == nil {
			p.files = map[string][]review.SharedFile{}
		}
		p.files[msg.group] = msg.files
		return nil
	case actionMsg:
		if msg.owner != any(p) {
			if msg.err == nil && msg.kind == model.IncidentOpen {
				return p.load() // an incident opened from a post or a member
			}
			return nil
		}
		p.inflight--
		if msg.err != nil {
			p.fail(msg.err, "")
			return nil
		}
		p.note(p.tf("desk.done."+string(msg.kind), msg.label))
		return p.load()
	case writtenMsg:
		if msg.err != nil {
			p.fail(msg.err, "")
			return nil
		}
		p.note(p.tf("desk.written", strings.Join(msg.paths, p.t("list.sep"))))
		return nil
	case filterMsg:
		return p.filter.update(msg)
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

func (p *groupsPane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.km
	if q := p.prompt; q != nil {
		done, cmd := q.key(msg)
		if done && p.prompt == q { // an answer may ask the next question
			p.prompt = nil
		}
		return cmd
	}
	if p.filter.Active() {
		return p.filter.key(msg)
	}
	if p.scroll.key(msg, k) {
		return nil
	}
	if browse(msg, k, p.list, p.filter, &p.zoom) {
		return nil
	}
	if key.Matches(msg, k.GroupApply) {
		return p.askApply()
	}
	r, ok := p.list.Current()
	if !ok {
		return nil
	}
	switch {
	case key.Matches(msg, k.GroupApprove):
		return p.askDecide(r, true)
	case key.Matches(msg, k.GroupRefuse):
		return p.askDecide(r, false)
	case key.Matches(msg, k.OpenIncident):
		if r.IsApplication() {
			return nil
		}
		p.prompt = incidentPrompt(p.common, p, review.NewIncident{Group: r.Group.ID}, r.Group.Name)
	case key.Matches(msg, k.Measure):
		return p.withIncident(r, model.IncidentMeasure, p.askMeasure)
	case key.Matches(msg, k.Report):
		return p.withIncident(r, model.IncidentEscalate, p.askEscalate)
	case key.Matches(msg, k.FollowUp):
		return p.withIncident(r, model.IncidentFollowUp, p.askFollowUp)
	case key.Matches(msg, k.CloseIncident):
		return p.withIncident(r, model.IncidentClose, p.askClose)
	case key.Matches(msg, k.WriteReport):
		return p.askWrite(r)
	case key.Matches(msg, k.Account):
		return p.askAccountability(r)
	case key.Matches(msg, k.Commend):
		return p.askCommend(r)
	case key.Matches(msg, k.ArchiveAccess):
		return p.askAccess(r)
	case key.Matches(msg, k.Files):
		if r.IsApplication() {
			return nil
		}
		return p.loadFiles(r.Group.ID)
	}
	return nil
}

func (p *groupsPane) keys() keymap.Help {
	k := p.km
	groups := []keymap.Group{k.Register(), k.Move(), k.List(), k.Filtering()}
	switch {
	case p.prompt != nil:
		return keymap.Help{Short: k.Prompt().Bindings, Groups: groups}
	case p.filter.Active():
		return keymap.Help{Short: k.Filtering().Bindings, Groups: groups}
	}
	// What the role may do to the row under the cursor.
	var out []key.Binding
	r, ok := p.list.Current()
	app := ok && r.IsApplication()
	open := ok && slices.ContainsFunc(r.incidents, func(in model.Incident) bool { return in.Status != model.IncClosed })
	for _, b := range []struct {
		b    key.Binding
		kind model.Kind
		show bool
	}{
		{k.GroupApply, model.GroupApply, true},
		{k.GroupApprove, model.GroupApprove, ok && (app && r.Status == review.StatusApplied || !app && r.Group.FilingNo == "")},
		{k.GroupRefuse, model.GroupRefuse, app && r.Status == review.StatusApplied},
		{k.OpenIncident, model.IncidentOpen, ok && !app},
		{k.Measure, model.IncidentMeasure, open},
		{k.Report, model.IncidentEscalate, open},
		{k.WriteReport, model.IncidentOpen, ok && len(r.incidents) > 0},
		{k.Account, model.AccountabilityRecord, ok && !app},
		{k.CloseIncident, model.IncidentClose, open},
		{k.FollowUp, model.IncidentFollowUp, open},
		{k.Commend, model.GroupCommend, ok && !app},
		{k.ArchiveAccess, model.ArchiveRequest, ok && !app},
		{k.Files, model.ArchiveRequest, ok && !app}, // reading: every role
	} {
		if b.show && model.Allowed(p.op.Role, b.kind) {
			out = append(out, b.b)
		}
	}
	short := append(out, k.Open, k.Filter, k.HalfDown)
	return keymap.Help{Short: short, Groups: groups}
}

func (p *groupsPane) drilled() *drillSet { return p.drill }
func (p *groupsPane) canClear() bool     { return p.drill != nil && !p.zoom && p.filter.Query() == "" }

func (p *groupsPane) setDrill(d *drillSet) tea.Cmd {
	p.drill, p.zoom = d, false
	p.list.SetRows(filterRows(p.drill, p.rows, (*groupRow).id))
	return p.filter.Refresh()
}

// click selects the row clicked.
func (p *groupsPane) click(x, y int) tea.Cmd {
	if !p.zoom {
		clickRow(p.list, x, y)
	}
	return nil
}

// wheel moves the cursor.
func (p *groupsPane) wheel(n int) tea.Cmd {
	if !p.zoom {
		p.list.Move(n)
	}
	return nil
}
