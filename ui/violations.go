package ui

import (
	"cmp"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/keymap"
	"qunshen/model"
	"qunshen/review"
)

// violationsPane is the log of violations, newest first: verified with the branch, sanctioned
// at the step of the ladder the record calls for, dismissed, the reporter told, an appeal
// answered.
type violationsPane struct {
	*common
	list      *List[*violRow]
	filter    *Filter[*violRow]
	gen       int
	loaded    bool
	zoom      bool
	prompt    *choicePrompt
	members   map[string]model.Member      // member key → member, every group
	groups    map[string]model.Group       // id → group
	byMember  map[string][]model.Violation // member key → record, newest first
	proposals map[string]review.Proposal   // violation id → the step proposed for it
	pol       *review.Policy
	open      int        // open violations in scope
	rows      []*violRow // every violation in scope, newest first
	drill     *drillSet  // a figure of the Reports pane narrows the list to its violations
	scroll    scroller   // of the detail
}

type violationsMsg struct {
	gen        int
	violations []*violRow // in scope, newest first
	members    map[string]model.Member
	groups     map[string]model.Group
	byMember   map[string][]model.Violation
	proposals  map[string]review.Proposal
	pol        *review.Policy
	err        error
}

func newViolations(c *common) pane {
	p := &violationsPane{common: c, members: map[string]model.Member{}, groups: map[string]model.Group{},
		byMember: map[string][]model.Violation{}, proposals: map[string]review.Proposal{}}
	p.list = NewList(func(v *violRow) string { return v.ID }, p.row)
	p.filter = NewFilter(c, p.list, func(v *violRow) []string {
		return []string{v.name, v.rule, v.Clause, p.groupName(v.Group), v.Text, v.Member, v.Rule, v.ID, v.Group}
	}, fieldName, fieldTitle, fieldText, fieldText, fieldBody, fieldID, fieldID, fieldID, fieldID)
	return p
}

// violRow is a violation with the names it is shown and found by, read with it.
type violRow struct {
	model.Violation
	name string // the member's
	rule string // the rule's name, or the source when it names none
}

func (p *violationsPane) titleKey() string { return "tab.violations" }
func (p *violationsPane) count() int       { return p.open }
func (p *violationsPane) busy() bool       { return p.prompt != nil || p.filter.Active() }

// newestFirst orders violations by time, the latest first.
func newestFirst(a, b model.Violation) int {
	if c := b.Time.Compare(a.Time); c != 0 {
		return c
	}
	return cmp.Compare(b.ID, a.ID)
}

func (p *violationsPane) load() tea.Cmd {
	p.gen++
	gen, be, scope, lang := p.gen, p.be, p.scope, p.lang
	return func() tea.Msg {
		gs, err := be.Groups()
		if err != nil {
			return violationsMsg{gen: gen, err: err}
		}
		vs, err := be.Violations()
		if err != nil {
			return violationsMsg{gen: gen, err: err}
		}
		pol, now := be.Policy(), be.Now()
		msg := violationsMsg{gen: gen, groups: map[string]model.Group{},
			byMember: map[string][]model.Violation{}, proposals: map[string]review.Proposal{}, pol: pol}
		for _, g := range gs {
			msg.groups[g.ID] = g
		}
		if msg.members, err = violationMembers(be, vs, scope); err != nil {
			return violationsMsg{gen: gen, err: err}
		}
		slices.SortFunc(vs, newestFirst)
		for _, v := range vs {
			k := model.MemberKey(v.Group, v.Member)
			msg.byMember[k] = append(msg.byMember[k], v)
		}
		for _, v := range vs {
			if scope != "" && v.Group != scope {
				continue
			}
			name := msg.members[model.MemberKey(v.Group, v.Member)].Name
			if name == "" {
				name = v.Member
			}
			msg.violations = append(msg.violations, &violRow{v, name, ruleNameOf(pol, lang, v)})
			msg.proposals[v.ID] = pol.ProposeFor(msg.groups[v.Group].Kind, msg.members[model.MemberKey(v.Group, v.Member)], v, msg.byMember[model.MemberKey(v.Group, v.Member)], now)
		}
		return msg
	}
}

// violationMembers reads the members that the violations in scope name, as members or
// reporters: one by one when they are few, else the whole roster.
func violationMembers(be Backend, vs []model.Violation, scope string) (map[string]model.Member, error) {
	type who struct{ group, id string }
	want := map[who]bool{}
	for _, v := range vs {
		if scope == "" || v.Group == scope {
			want[who{v.Group, v.Member}] = true
			if v.Reporter != "" {
				want[who{v.Group, v.Reporter}] = true
			}
		}
	}
	out := make(map[string]model.Member, len(want))
	if len(want) <= 500 { // a read each costs about what 100 members of a scan do
		for w := range want {
			m, ok, err := be.Member(w.group, w.id)
			if err != nil {
				return nil, err
			}
			if ok {
				out[m.Key()] = m
			}
		}
		return out, nil
	}
	ms, err := be.Members()
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if want[who{m.Group, m.ID}] {
			out[m.Key()] = m
		}
	}
	return out, nil
}

func (p *violationsPane) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case violationsMsg:
		if msg.gen != p.gen {
			return nil
		}
		if msg.err != nil {
			p.fail(msg.err, "")
			return nil
		}
		p.members, p.groups, p.byMember, p.proposals, p.pol = msg.members, msg.groups, msg.byMember, msg.proposals, msg.pol
		p.open = 0
		for _, v := range msg.violations {
			if v.Status == model.ViolationOpen {
				p.open++
			}
		}
		p.rows = msg.violations
		p.list.SetRows(filterRows(p.drill, p.rows, func(v *violRow) string { return v.ID }))
		p.loaded = true
		return p.filter.Refresh()
	case actionMsg:
		if msg.owner != any(p) {
			if msg.err == nil {
				return p.load()
			}
			return nil
		}
		p.inflight--
		if msg.err != nil {
			p.fail(msg.err, p.advise(msg.kind, msg.err))
			return nil
		}
		p.note(p.tf("viol.done."+string(msg.kind), msg.label))
		return p.load()
	case decidedMsg:
		if len(msg.ok) > 0 && changesRecord(msg.kind) {
			return p.load() // a rejection records violations, its undo dismisses them
		}
	case filterMsg:
		return p.filter.update(msg)
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

// changesRecord reports whether a decision on posts may change the violations: a rejection
// or a change request of a post with block findings records them, an undo dismisses them.
func changesRecord(k model.Kind) bool {
	return k == model.PostReject || k == model.PostChanges || k == model.PostUndo
}

func (p *violationsPane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.km
	if p.prompt != nil {
		done, cmd := p.prompt.key(msg)
		if done {
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
	switch {
	case key.Matches(msg, k.Verify):
		return p.direct(model.ViolationVerify)
	case key.Matches(msg, k.Dismiss):
		return p.askDismiss()
	case key.Matches(msg, k.Sanction):
		return p.askSanction()
	case key.Matches(msg, k.Feedback):
		return p.askFeedback()
	case key.Matches(msg, k.Appeal):
		return p.askAppeal()
	case key.Matches(msg, k.Reward):
		return p.askReward()
	}
	return nil
}

// askReward rewards the reporter of the report under the cursor, once it checked out
// (CW 六(一)2): what for. A role that may not, or a report that did not check out, goes straight
// to the service, which refuses and says why.
func (p *violationsPane) askReward() tea.Cmd {
	v, ok := p.list.Current()
	if !ok {
		return nil
	}
	id := v.ID
	reward := func(text string) tea.Cmd {
		return p.act(model.ReportReward, inert.Line(id), func(be Backend) error {
			_, _, err := be.Reward("", id, text)
			return err
		})
	}
	if !model.Allowed(p.op.Role, model.ReportReward) || v.Source != model.SourceComplaint ||
		v.Status == model.ViolationOpen || v.Status == model.ViolationDismissed {
		return reward("-")
	}
	q := newChoicePrompt(p.common, p.t("viol.ask.reward")+" — "+inert.Line(p.memberName(v.Group, v.Reporter)))
	q.info = append(q.info, inert.Line(v.rule))
	q.withReason(p.t("viol.ask.reward.text"))
	q.needText = true
	q.run = func(_ int, text string) tea.Cmd { return reward(text) }
	p.prompt = q
	return nil
}

// act runs an action on the current violation through the service.
func (p *violationsPane) act(kind model.Kind, label string, do func(Backend) error) tea.Cmd {
	return actionCmd(p.common, p, kind, label, do)
}

// direct writes an action that needs nothing more: verify, dismiss.
func (p *violationsPane) direct(kind model.Kind) tea.Cmd {
	v, ok := p.list.Current()
	if !ok {
		return nil
	}
	id := v.ID
	return p.act(kind, inert.Line(id), func(be Backend) error {
		var err error
		if kind == model.ViolationDismiss {
			_, err = be.Dismiss(id, "")
		} else {
			_, err = be.MoveViolation(id, kind)
		}
		return err
	})
}

// askDismiss asks before a violation is dismissed: nothing can follow it.
func (p *violationsPane) askDismiss() tea.Cmd {
	v, ok := p.list.Current()
	if !ok {
		return nil
	}
	if !model.Allowed(p.op.Role, model.ViolationDismiss) || (v.Status != model.ViolationOpen && v.Status != model.ViolationVerified) {
		return p.direct(model.ViolationDismiss) // the store refuses, and says why
	}
	q := newChoicePrompt(p.common, p.t("viol.ask.dismiss")+" — "+inert.Line(p.memberName(v.Group, v.Member)))
	q.info = append(q.info, inert.Line(v.rule))
	if v.Text != "" {
		q.info = append(q.info, "«"+inert.Line(firstLine(v.Text))+"»")
	}
	q.run = func(int, string) tea.Cmd { return p.direct(model.ViolationDismiss) }
	p.prompt = q
	return nil
}

// sanction applies a step of the ladder through the service (review.Sanction): the
// violation's sanction and the member action the step calls for; step "" is the proposed one.
func (p *violationsPane) sanction(id, step string) tea.Cmd {
	lang := string(p.lang)
	return p.act(model.ViolationSanction, inert.Line(id), func(be Backend) error {
		_, err := be.Sanction(id, step, "", lang)
		return err
	})
}

// askSanction offers the steps of the member's ladder, the proposed one chosen. A violation
// not verified, or a role that may not sanction, goes straight to the service, which refuses.
func (p *violationsPane) askSanction() tea.Cmd {
	v, ok := p.list.Current()
	if !ok || p.pol == nil {
		return nil
	}
	pr := p.proposals[v.ID]
	if !model.Allowed(p.op.Role, model.ViolationSanction) || v.Status != model.ViolationVerified {
		return p.sanction(v.ID, "")
	}
	m := p.members[model.MemberKey(v.Group, v.Member)]
	ladder, _ := p.pol.LadderFor(p.groups[v.Group].Kind, m.PartyMember)
	q := newChoicePrompt(p.common, p.t("viol.ask.sanction")+" — "+inert.Line(p.memberName(v.Group, v.Member)))
	q.info = append(q.info, inert.Line(v.rule))
	for i, s := range ladder {
		c := p.tf("viol.step", i+1, inert.Line(s.Name(string(p.lang))), inert.Line(s.Clause))
		if s.MuteDays > 0 {
			c += " " + p.tf("viol.step.mute", s.MuteDays)
		}
		if i == pr.Index {
			c += " " + p.t("viol.proposed")
			q.cursor = i
		}
		q.choices = append(q.choices, c)
	}
	q.run = func(i int, _ string) tea.Cmd {
		if i < 0 || i >= len(ladder) {
			return nil
		}
		return p.sanction(v.ID, ladder[i].Name(string(p.lang)))
	}
	p.prompt = q
	return nil
}

// askFeedback asks what the reporter was told, starting from a template for the
// violation's status. A role that may not, or a report dismissed already, goes straight to
// the service, which refuses and says why.
func (p *violationsPane) askFeedback() tea.Cmd {
	v, ok := p.list.Current()
	if !ok {
		return nil
	}
	id, label := v.ID, inert.Line(v.ID)
	feedback := func(text string) tea.Cmd {
		return p.act(model.ViolationFeedback, label, func(be Backend) error {
			_, err := be.Feedback(id, text)
			return err
		})
	}
	if !model.Allowed(p.op.Role, model.ViolationFeedback) {
		return feedback("")
	}
	if v.Source != model.SourceComplaint {
		p.note(p.t("viol.feedback.notreport"))
		return nil
	}
	if v.Status == model.ViolationDismissed {
		return feedback("")
	}
	q := newChoicePrompt(p.common, p.t("viol.ask.feedback")+" — "+inert.Line(p.memberName(v.Group, v.Reporter)))
	if v.Feedback != "" {
		q.info = append(q.info, p.t("viol.f.feedback")+p.t("msg.colon")+inert.Line(v.Feedback))
	}
	q.withReason(p.t("viol.feedback.prompt"))
	q.input.SetValue(p.t("viol.feedback." + string(v.Status)))
	q.input.CursorEnd()
	q.needText = true
	q.run = func(_ int, text string) tea.Cmd { return feedback(text) }
	p.prompt = q
	return nil
}

// askAppeal records an appeal's outcome on a sanctioned violation.
func (p *violationsPane) askAppeal() tea.Cmd {
	v, ok := p.list.Current()
	if !ok {
		return nil
	}
	id, label := v.ID, inert.Line(v.ID)
	appeal := func(overturned bool, reason string) tea.Cmd {
		return p.act(model.ViolationAppeal, label, func(be Backend) error {
			_, err := be.AppealViolation(id, overturned, reason)
			return err
		})
	}
	sanctioned := v.Status == model.ViolationSanctioned || v.Status == model.ViolationClosed
	if !model.Allowed(p.op.Role, model.ViolationAppeal) || !sanctioned || v.Appeal != "" {
		return appeal(false, "")
	}
	q := newChoicePrompt(p.common, p.t("viol.ask.appeal")+" — "+inert.Line(p.memberName(v.Group, v.Member)))
	if v.Sanction != "" {
		q.info = append(q.info, p.t("viol.f.sanction")+p.t("msg.colon")+inert.Line(p.stepName(v.Sanction)))
	}
	q.choices = []string{p.t("viol.appeal.uphold"), p.t("viol.appeal.overturn")}
	q.withReason(p.t("viol.reason"))
	q.run = func(i int, reason string) tea.Cmd { return appeal(i == 1, reason) }
	p.prompt = q
	return nil
}

func (p *violationsPane) keys() keymap.Help {
	k := p.km
	switch {
	case p.prompt != nil:
		return keymap.Help{Short: k.Prompt().Bindings, Groups: []keymap.Group{k.Violations(), k.Move(), k.List(), k.Filtering()}}
	case p.filter.Active():
		return keymap.Help{Short: k.Filtering().Bindings, Groups: []keymap.Group{k.Violations(), k.Move(), k.List(), k.Filtering()}}
	}
	var out []key.Binding
	v, ok := p.list.Current()
	for _, b := range []struct {
		b    key.Binding
		kind model.Kind
	}{{k.Verify, model.ViolationVerify}, {k.Sanction, model.ViolationSanction}, {k.Dismiss, model.ViolationDismiss},
		{k.Feedback, model.ViolationFeedback}, {k.Appeal, model.ViolationAppeal}, {k.Reward, model.ReportReward}} {
		if !model.Allowed(p.op.Role, b.kind) {
			continue
		}
		if (b.kind == model.ViolationFeedback || b.kind == model.ReportReward) && ok && v.Source != model.SourceComplaint {
			continue
		}
		out = append(out, b.b)
	}
	short := append(out, k.Open, k.Filter)
	return keymap.Help{Short: short, Groups: []keymap.Group{k.Violations(), k.Move(), k.List(), k.Filtering()}}
}

func (p *violationsPane) memberName(group, id string) string {
	if m, ok := p.members[model.MemberKey(group, id)]; ok && m.Name != "" {
		return m.Name
	}
	return id
}

// ruleNameOf is the name of the violation's rule, or where it came from when it names none.
func ruleNameOf(pol *review.Policy, lang i18n.Lang, v model.Violation) string {
	if v.Rule == "" {
		return i18n.T(lang, "viol.source."+v.Source)
	}
	if pol != nil {
		if r := pol.Rule(v.Rule); r != nil {
			return r.Name.In(string(lang))
		}
	}
	return v.Rule
}

func (p *violationsPane) drilled() *drillSet { return p.drill }
func (p *violationsPane) canClear() bool     { return p.drill != nil && !p.zoom && p.filter.Query() == "" }

func (p *violationsPane) setDrill(d *drillSet) tea.Cmd {
	p.drill, p.zoom = d, false
	p.list.SetRows(filterRows(p.drill, p.rows, func(v *violRow) string { return v.ID }))
	return p.filter.Refresh()
}

// click selects the row clicked.
func (p *violationsPane) click(x, y int) tea.Cmd {
	if !p.zoom {
		clickRow(p.list, x, y)
	}
	return nil
}

// wheel moves the cursor.
func (p *violationsPane) wheel(n int) tea.Cmd {
	if !p.zoom {
		p.list.Move(n)
	}
	return nil
}
