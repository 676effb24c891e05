package review

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// The register of groups (DOMAIN.md §10): each group's record, the applications to create
// groups not yet approved, and the checks on the register, each with its clause. The checks
// are read from the state as it stands, never stored: a group edited or filed passes at once.

// RegisterCheck is one check on the register, by its id (as `group list --json` names it).
type RegisterCheck struct {
	ID     string
	Clause string
}

// Ids of the register's checks.
const (
	CheckUnapproved  = "unapproved"              // no approval or filing (IW 第四条)
	CheckOverdue     = "overdue-dissolution"     // a project group past its dissolution deadline (IW 第十条(四))
	CheckUnclearName = "unclear-name"            // a name that says neither function nor owner unit (IW 第八条(三))
	CheckNotRealName = "not-real-name"           // nicknames against the rule above the policy's share (IW 第四条, 第八条(四))
	CheckPostsAfter  = "posts-after-dissolution" // a dissolved group with posts after its dissolution (IW 第十二条(二))
	StatusApplied    = "applied"                 // a row of the register: an application to create a group, pending
	StatusAppRefused = "refused"                 // an application refused
)

// RegisterChecks are the register's checks, in the order they are shown.
var RegisterChecks = []RegisterCheck{
	{CheckUnapproved, "IW 第四条"},
	{CheckOverdue, "IW 第十条(四)"},
	{CheckUnclearName, "IW 第八条(三)"},
	{CheckNotRealName, "IW 第四条, 第八条(四)"},
	{CheckPostsAfter, "IW 第十二条(二)"},
}

// RegisterClause is the clause of a check of the register.
func RegisterClause(id string) string {
	for _, c := range RegisterChecks {
		if c.ID == id {
			return c.Clause
		}
	}
	return ""
}

// RegisterStore is what the register reads; storage.Store satisfies it.
type RegisterStore interface {
	Groups() ([]model.Group, error)
	GroupApplications() ([]model.GroupApplication, error)
	ForEachMember(group string, f func(*model.Member) error) error
	Facts(kind model.FactKind, from, to time.Time, groups map[string]bool, f func(*model.Fact) error) error
}

// Membership counts a group's members.
type Membership struct {
	ByStatus    map[model.MemberStatus]int
	Current     int // active or muted
	NicknameBad int // active or muted, with a nickname against the group's rule
	LastActive  time.Time
}

// RegisterEntry is one row of the register: a group, or an application to create one that is
// not approved (its Group is made of the application, with the status applied or refused).
type RegisterEntry struct {
	Group       model.Group
	Application *model.GroupApplication // the group's application, when it has one
	Status      string                  // the group's status, or applied / refused
	Checks      []string                // ids of the checks it fails, in the order of RegisterChecks
	Members     Membership
	PostsAfter  int       // posts dated after its dissolution
	Dissolve    time.Time // a project group's dissolution deadline
}

// IsApplication reports whether the row is an application, not a group.
func (e *RegisterEntry) IsApplication() bool {
	return e.Status == StatusApplied || e.Status == StatusAppRefused
}

// Has reports whether the row fails the check.
func (e *RegisterEntry) Has(check string) bool { return slices.Contains(e.Checks, check) }

// Register reads the register as it stands at now: the groups and the applications not
// approved, each with its checks, by id.
func Register(st RegisterStore, pol *Policy, cal *Calendar, now time.Time) ([]RegisterEntry, error) {
	b, err := newRegister(st)
	if err != nil {
		return nil, err
	}
	if err := st.ForEachMember("", func(m *model.Member) error { b.member(m); return nil }); err != nil {
		return nil, err
	}
	return b.finish(st, pol, cal, now)
}

// registerBuilder makes the register: its rows from the groups and applications, the
// members counted one by one (so that a report counts them in the pass it makes anyway), then
// the checks.
type registerBuilder struct {
	out []RegisterEntry
	at  map[string]int
}

func newRegister(st RegisterStore) (*registerBuilder, error) {
	groups, err := st.Groups()
	if err != nil {
		return nil, err
	}
	apps, err := st.GroupApplications()
	if err != nil {
		return nil, err
	}
	return registerOf(groups, apps), nil
}

func registerOf(groups []model.Group, apps []model.GroupApplication) *registerBuilder {
	byApp := map[string]*model.GroupApplication{}
	for i := range apps {
		byApp[apps[i].ID] = &apps[i]
	}
	b := &registerBuilder{out: make([]RegisterEntry, 0, len(groups)+len(apps)), at: map[string]int{}}
	for _, g := range groups {
		e := RegisterEntry{Group: g, Application: byApp[g.ID], Status: string(g.Status),
			Members: Membership{ByStatus: map[model.MemberStatus]int{}}}
		if e.Status == "" {
			e.Status = string(model.GroupActive)
		}
		b.at[g.ID] = len(b.out)
		b.out = append(b.out, e)
	}
	for i := range apps {
		a := &apps[i]
		if _, ok := b.at[a.ID]; ok || a.Status == model.AppApproved {
			continue
		}
		status := StatusApplied
		if a.Status == model.AppRefused {
			status = StatusAppRefused
		}
		b.out = append(b.out, RegisterEntry{Application: a, Status: status, Members: Membership{ByStatus: map[model.MemberStatus]int{}},
			Group: model.Group{ID: a.ID, Name: a.Name, Kind: a.Kind, Platform: a.Platform, Owner: a.Owner, Branch: a.Branch,
				Purpose: a.Purpose, NicknameRule: a.NicknameRule, ProjectEnd: a.ProjectEnd}})
	}
	return b
}

// member counts a member of a group of the register, and reports whether it is a current
// member (active or muted) whose nickname is against the group's rule; known is false for a
// member of a group the register does not hold.
func (b *registerBuilder) member(m *model.Member) (bad, known bool) {
	i, ok := b.at[m.Group]
	if !ok {
		return false, false
	}
	e := &b.out[i]
	e.Members.ByStatus[m.Status]++
	if m.LastActive.After(e.Members.LastActive) {
		e.Members.LastActive = m.LastActive
	}
	if m.Status == model.MemberActive || m.Status == model.MemberMuted {
		e.Members.Current++
		if !NicknameOK(e.Group.NicknameRule, e.Group, *m) {
			e.Members.NicknameBad++
			return true, true
		}
	}
	return false, true
}

// finish counts the posts of dissolved groups after their dissolution and runs the checks.
func (b *registerBuilder) finish(st interface {
	Facts(kind model.FactKind, from, to time.Time, groups map[string]bool, f func(*model.Fact) error) error
}, pol *Policy, cal *Calendar, now time.Time) ([]RegisterEntry, error) {
	if pol == nil {
		pol = DefaultPolicy()
	}
	if cal == nil {
		cal = DefaultCalendar()
	}
	out := b.out
	for i := range out {
		e := &out[i]
		if e.IsApplication() {
			continue
		}
		g := &e.Group
		if g.Status == model.GroupDissolved && !g.Dissolved.IsZero() {
			err := st.Facts(model.FactSubmit, g.Dissolved, farFuture, map[string]bool{g.ID: true}, func(x *model.Fact) error {
				if x.Group == g.ID {
					e.PostsAfter++
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
		if g.Kind == model.KindProject && !g.ProjectEnd.IsZero() {
			e.Dissolve = cal.DissolutionDeadline(g.ProjectEnd)
		}
		e.Checks = checksOf(e, pol, now)
	}
	slices.SortStableFunc(out, func(a, b RegisterEntry) int { return cmp.Compare(a.Group.ID, b.Group.ID) })
	return out, nil
}

// farFuture bounds a read of the report index: the latest time its keys hold (nanoseconds since
// 1970 in 64 bits reach 2262).
var farFuture = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

// checksOf are the checks a group of the register fails.
func checksOf(e *RegisterEntry, pol *Policy, now time.Time) []string {
	g := &e.Group
	var out []string
	if !g.Approved() {
		out = append(out, CheckUnapproved)
	}
	if g.Status != model.GroupDissolved && !e.Dissolve.IsZero() && e.Dissolve.Before(now) {
		out = append(out, CheckOverdue)
	}
	if !NameSaysFunction(g, &pol.Register) {
		out = append(out, CheckUnclearName)
	}
	if e.Members.Current > 0 && float64(e.Members.NicknameBad) > pol.Register.NicknameBadShare*float64(e.Members.Current) {
		out = append(out, CheckNotRealName)
	}
	if e.PostsAfter > 0 {
		out = append(out, CheckPostsAfter)
	}
	return out
}

// NameSaysFunction reports whether a group's name says its function or its owner unit
// (IW 第八条(三)): it holds a term of the policy's lists, or the group's branch or department.
// Names are compared normalised (traditional characters as simplified, no separators).
func NameSaysFunction(g *model.Group, r *RegisterRules) bool {
	name := Normalize(g.Name)
	if name == "" {
		return false
	}
	if b := Normalize(g.Branch); b != "" && strings.Contains(name, b) {
		return true
	}
	for _, list := range [][]string{r.FunctionTerms, r.UnitTerms} {
		for _, t := range list {
			if t := Normalize(t); t != "" && strings.Contains(name, t) {
				return true
			}
		}
	}
	return false
}

// Register is the register as the service reads it now, with its policy and calendar.
func (s *Service) Register() ([]RegisterEntry, error) {
	rs, ok := s.Store.(RegisterStore)
	if !ok {
		return nil, i18n.E("review.desk.store")
	}
	return Register(rs, s.Policy(), s.Calendar, s.Now())
}
