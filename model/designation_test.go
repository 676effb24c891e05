package model

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// scopeFixture is the fixture with an authority and two groups of two branches, a post
// escalated in each, and the operators designated as a test needs.
type scopeFixture struct {
	*fixture
	auth *Signer
}

func newScopeFixture(t *testing.T) *scopeFixture {
	f := &scopeFixture{fixture: newFixture(t)}
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{99}, ed25519.SeedSize))
	f.auth = &Signer{Operator: Operator{Key: KeyOf(priv), Name: "机关党委", Role: RoleAuthority}, Priv: priv}
	f.ops[RoleAuthority] = f.auth
	f.must(f.do(RoleAuthority, OperatorRegister, f.auth.Operator.Key.String(), f.auth.Operator))
	for _, g := range []Group{{ID: "g3", Name: "第三党支部党员群", Kind: KindParty, Branch: "第三党支部"}, {ID: "g9", Name: "东湖街道工作群", Kind: KindStreet, Branch: "东湖街道"}} {
		f.must(f.do(RoleAdmin, GroupRegister, g.ID, g))
		f.must(f.do(RoleAdmin, MemberAdd, MemberKey(g.ID, "m1"), Member{ID: "m1", Group: g.ID, Name: "张伟"}))
		p := "p-" + g.ID
		f.must(f.do(RoleAdmin, PostSubmit, p, Post{ID: p, Group: g.ID, Author: "m1", Time: f.now, Title: "任免", Body: "重大事项", Major: true}))
		f.must(f.do(RoleAdmin, PostEscalate, p, ReasonPayload{}))
	}
	return f
}

// designation makes and signs a designation of the role's operator.
func (f *scopeFixture) designation(r Role, serial string, s Scope, from, until time.Time) Designation {
	op := f.ops[r].Operator
	d := Designation{Serial: serial, AuthorityName: f.auth.Operator.Name, Key: op.Key, Name: op.Name, Role: r, Scope: s, From: from, Until: until, Issued: from}
	d.Normalize()
	d.Sign(f.auth.Priv)
	return d
}

// designate records the designation at the authority and attaches it to its operator.
func (f *scopeFixture) designate(d Designation) {
	f.t.Helper()
	f.must(f.do(RoleAuthority, AuthorityDesignate, d.Serial, d))
	f.must(f.do(d.Role, OperatorDesignate, d.Serial, d))
}

func TestDesignationSignatureCoversEveryField(t *testing.T) {
	f := newScopeFixture(t)
	d := f.designation(RoleSecretary, "s1", Scope{Branch: "第三党支部", Groups: []string{"g1"}}, f.now, f.now.Add(24*time.Hour))
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	other := f.ops[RoleAdmin].Operator.Key
	for name, change := range map[string]func(d *Designation){
		"serial":         func(d *Designation) { d.Serial = "s2" },
		"authority":      func(d *Designation) { d.Authority = other },
		"authority name": func(d *Designation) { d.AuthorityName = "宣传部" },
		"key":            func(d *Designation) { d.Key = other },
		"name":           func(d *Designation) { d.Name = "李书记" },
		"role":           func(d *Designation) { d.Role = RoleDeptHead },
		"branch":         func(d *Designation) { d.Scope.Branch = "第一党支部" },
		"groups":         func(d *Designation) { d.Scope.Groups = []string{"g1", "g2"} },
		"from":           func(d *Designation) { d.From = d.From.Add(-time.Hour) },
		"until":          func(d *Designation) { d.Until = d.Until.Add(time.Hour) },
		"no end":         func(d *Designation) { d.Until = time.Time{} },
		"issued":         func(d *Designation) { d.Issued = d.Issued.Add(time.Second) },
		"signature":      func(d *Designation) { d.Signature[7] ^= 1 },
	} {
		x := d
		x.Scope.Groups = append([]string(nil), d.Scope.Groups...)
		change(&x)
		if err := x.Check(); !errors.Is(err, ErrDesignation) || !strings.Contains(err.Error(), "signature") {
			t.Errorf("%s changed: %v", name, err)
		}
	}
	// The signed bytes are a designation's own: a checkpoint's signature over them is no
	// designation's, and the other way round.
	if !bytes.HasPrefix(d.Message(), []byte("qunshen designation v1\x00")) {
		t.Fatal("no domain")
	}
	for name, c := range map[string]struct {
		change func(d *Designation)
		want   string
	}{
		"every group for a secretary": {func(d *Designation) { d.Scope = Scope{All: true} }, "only a supervisor"},
		"empty scope":                 {func(d *Designation) { d.Scope = Scope{} }, "the scope is empty"},
		"ends before it begins":       {func(d *Designation) { d.Until = d.From }, "before it begins"},
		"authority role":              {func(d *Designation) { d.Role = RoleAuthority }, "unknown role"},
		"escape in the name":          {func(d *Designation) { d.Name = "李\x1b[2J" }, "control characters"},
		"groups unsorted":             {func(d *Designation) { d.Scope.Groups = []string{"g2", "g1"} }, "not sorted"},
		"no serial":                   {func(d *Designation) { d.Serial = "" }, "the serial is empty"},
	} {
		x := d
		c.change(&x)
		x.Sign(f.auth.Priv)
		if err := x.Check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

func TestScopeInTheFold(t *testing.T) {
	f := newScopeFixture(t)
	f.designate(f.designation(RoleSecretary, "sec", Scope{Branch: "第三党支部"}, f.now, time.Time{}))
	// The secretary of 第三党支部 signs off her branch's post, not 东湖街道's.
	f.must(f.do(RoleSecretary, PostSignOff, "p-g3", ReasonPayload{}))
	_, err := f.do(RoleSecretary, PostSignOff, "p-g9", ReasonPayload{})
	var se *ScopeError
	if !errors.As(err, &se) || se.Group != "g9" || se.Branch != "东湖街道" || se.Serial != "sec" || se.Kind != PostSignOff || se.Entity != "post" || se.ID != "p-g9" {
		t.Fatalf("sign-off outside the scope: %v", err)
	}
	if !strings.Contains(err.Error(), "op-secretary (secretary, designation sec) may act only on the groups of 第三党支部: the action post.signoff on post p-g9 is of group g9 (东湖街道), outside that scope") {
		t.Fatalf("message: %v", err)
	}
	if f.post("p-g9").Status != PostEscalated {
		t.Fatal("a refused sign-off changed the post")
	}

	// An administrator designated for one group, by id: that group, and no other.
	f.designate(f.designation(RoleAdmin, "adm", Scope{Groups: []string{"g9"}}, f.now, time.Time{}))
	f.must(f.do(RoleAdmin, MemberWarn, MemberKey("g9", "m1"), ReasonPayload{Reason: "刷屏"}))
	if _, err := f.do(RoleAdmin, MemberWarn, MemberKey("g3", "m1"), ReasonPayload{Reason: "刷屏"}); !errors.As(err, &se) || se.Entity != "member" {
		t.Fatalf("warning outside the scope: %v", err)
	}
	// Every record of an import batch is checked: a group of another branch, a post of a
	// group outside.
	for _, item := range []BatchItem{
		{Kind: GroupRegister, Subject: "g8", Payload: mustJSON(t, Group{ID: "g8", Name: "x", Kind: KindWork, Branch: "第一党支部"})},
		{Kind: PostSubmit, Subject: "p8", Payload: mustJSON(t, Post{ID: "p8", Group: "g3", Author: "m1", Time: f.now, Title: "x", Body: "y"})},
		{Kind: ComplaintFile, Subject: "r8", Payload: mustJSON(t, Violation{ID: "r8", Group: "g3", Member: "m1", Reporter: "m1", Time: f.now})},
	} {
		if _, err := f.do(RoleAdmin, ImportBatch, "", rawPayload(EncodeBatch(nil, []BatchItem{item}))); !errors.As(err, &se) {
			t.Errorf("import of %s %s outside the scope: %v", item.Kind, item.Subject, err)
		}
	}
	// A registration that would move a group out of the scope, or into it, is refused.
	if _, err := f.do(RoleAdmin, ImportBatch, "", rawPayload(EncodeBatch(nil, []BatchItem{{Kind: GroupRegister, Subject: "g9",
		Payload: mustJSON(t, Group{ID: "g9", Name: "东湖街道工作群", Kind: KindStreet, Branch: "第一党支部"})}}))); err != nil {
		t.Fatalf("a group listed by id stays in scope whatever its branch: %v", err)
	}
	// A supervisor designated for every group inspects a branch; one designated for a branch
	// does not inspect another.
	f.designate(f.designation(RoleSupervisor, "sup", Scope{Branch: "东湖街道"}, f.now, time.Time{}))
	if _, err := f.do(RoleSupervisor, RectificationOrder, "R1", Rectification{ID: "R1", Branch: "第三党支部", Item: "discipline", Finding: "x"}); !errors.As(err, &se) || se.Group != "" || se.Branch != "第三党支部" {
		t.Fatalf("inspection of another branch: %v", err)
	}
	f.designate(f.designation(RoleSupervisor, "sup2", Scope{All: true}, f.now, time.Time{}))
	f.must(f.do(RoleSupervisor, RectificationOrder, "R1", Rectification{ID: "R1", Branch: "第三党支部", Item: "discipline", Finding: "x"}))

	// An operator without designation acts on every group, as before designations.
	f.must(f.do(RoleOwner, MemberWarn, MemberKey("g3", "m1"), ReasonPayload{Reason: "刷屏"}))

	// A replay sets the refused event aside, with its reason.
	mem := NewMemState()
	for i := range f.log {
		if err := Replay(mem, &f.log[i], f.log[i].ID()); err != nil {
			t.Fatal(err)
		}
	}
	e := Event{Origin: f.ops[RoleSecretary].Operator.Key, Seq: 99, Time: f.now.Add(time.Hour), Role: RoleSecretary, Kind: PostSignOff, Subject: "p-g9", Payload: []byte(`{}`)}
	if err := Replay(mem, &e, e.ID()); err != nil {
		t.Fatal(err)
	}
	if why := mem.Superseded[e.ID()]; !strings.Contains(why, "outside that scope") || mem.Posts["p-g9"].Status != PostEscalated {
		t.Fatalf("replay: %q", why)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestDesignationPeriodAndRevocation(t *testing.T) {
	f := newScopeFixture(t)
	start := f.now.Add(time.Hour)
	d := f.designation(RoleSecretary, "sec", Scope{Branch: "第三党支部"}, start, start.Add(2*time.Hour))
	f.designate(d) // attached before it begins: allowed
	var de *DesignationError
	if _, err := f.do(RoleSecretary, PostSignOff, "p-g3", ReasonPayload{}); !errors.As(err, &de) || de.Why != DesignationNotYet || de.Kind != PostSignOff {
		t.Fatalf("before the start: %v", err)
	}
	f.now = start
	f.must(f.do(RoleSecretary, PostReturn, "p-g3", ReasonPayload{Reason: "请补充材料"}))
	f.now = start.Add(2 * time.Hour)
	if _, err := f.do(RoleSecretary, ViolationDismiss, "v0", nil); !errors.As(err, &de) || de.Why != DesignationExpired {
		t.Fatalf("after the end: %v", err)
	}
	if !strings.Contains(de.Error(), "the designation sec of op-secretary ended on") {
		t.Fatalf("message: %v", de)
	}
	// An expired designation is not attached again; a new one is.
	if _, err := f.do(RoleSecretary, OperatorDesignate, "sec", d); !errors.As(err, &de) {
		t.Fatalf("attaching an expired designation: %v", err)
	}
	d2 := f.designation(RoleSecretary, "sec2", Scope{Branch: "第三党支部"}, f.now, time.Time{})
	f.designate(d2)
	f.must(f.do(RoleSecretary, PostUndo, "p-g3", rawPayload(`{}`), f.post("p-g3").History[len(f.post("p-g3").History)-1].Event))

	// Revoked: what the operator signs after it is refused, what it signed before stays.
	f.must(f.do(RoleAuthority, AuthorityRevoke, "sec2", Revocation{Serial: "sec2", Key: d2.Key, Name: d2.Name, Reason: "调离"}))
	if _, err := f.do(RoleSecretary, PostSignOff, "p-g3", ReasonPayload{}); !errors.As(err, &de) || de.Why != DesignationRevoked {
		t.Fatalf("after the revocation: %v", err)
	}
	if f.post("p-g3").Status != PostEscalated || f.st.Designations["sec2"].RevokeReason != "调离" {
		t.Fatalf("post %s, record %+v", f.post("p-g3").Status, f.st.Designations["sec2"])
	}
	if _, err := f.do(RoleAuthority, AuthorityRevoke, "sec2", Revocation{Serial: "sec2", Key: d2.Key, Name: d2.Name}); err == nil {
		t.Fatal("revoked twice")
	}
	if _, err := f.do(RoleSecretary, OperatorDesignate, "sec2", d2); !errors.As(err, &de) || de.Why != DesignationRevoked {
		t.Fatalf("a revoked designation attached again: %v", err)
	}
}

func TestDesignationAttachRefusals(t *testing.T) {
	f := newScopeFixture(t)
	d := f.designation(RoleSecretary, "sec", Scope{Branch: "第三党支部"}, f.now, time.Time{})
	for name, c := range map[string]struct {
		role Role
		d    func() Designation
		want string
	}{
		"another's key": {RoleAdmin, func() Designation {
			x := f.designation(RoleAdmin, "x", Scope{Branch: "b"}, f.now, time.Time{})
			x.Key = f.ops[RoleOwner].Operator.Key
			x.Sign(f.auth.Priv)
			return x
		}, "names the key"},
		"another role": {RoleAdmin, func() Designation {
			x := f.designation(RoleAdmin, "x", Scope{Branch: "b"}, f.now, time.Time{})
			x.Role = RoleOwner
			x.Sign(f.auth.Priv)
			return x
		}, "is of a owner, but op-admin is a admin"},
		"another name": {RoleAdmin, func() Designation {
			x := f.designation(RoleAdmin, "x", Scope{Branch: "b"}, f.now, time.Time{})
			x.Name = "王芳"
			x.Sign(f.auth.Priv)
			return x
		}, "names 王芳"},
		"altered": {RoleSecretary, func() Designation {
			x := d
			x.Scope.Branch = "东湖街道"
			return x
		}, "the signature is not the authority's"},
		"subject": {RoleSecretary, func() Designation { x := d; x.Serial = "other"; x.Sign(f.auth.Priv); return x }, "subject"},
	} {
		x := c.d()
		subject := x.Serial
		if name == "subject" {
			subject = d.Serial
		}
		if _, err := f.do(c.role, OperatorDesignate, subject, x); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	// Only the authority that made a designation revokes it; an authority records only its own.
	f.designate(d)
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{98}, ed25519.SeedSize))
	other := &Signer{Operator: Operator{Key: KeyOf(priv), Name: "宣传部", Role: RoleAuthority}, Priv: priv}
	f.ops[RoleAuthority] = other
	f.must(f.do(RoleAuthority, OperatorRegister, other.Operator.Key.String(), other.Operator))
	var te *TransitionError
	if _, err := f.do(RoleAuthority, AuthorityRevoke, "sec", Revocation{Serial: "sec", Key: d.Key}); !errors.As(err, &te) || !strings.Contains(err.Error(), "only the authority that made it revokes it") {
		t.Fatalf("revoked by another authority: %v", err)
	}
	if _, err := f.do(RoleAuthority, AuthorityDesignate, "sec", d); err == nil || !strings.Contains(err.Error(), "not by the one that records it") {
		t.Fatalf("recorded by another authority: %v", err)
	}
	// The authority takes no other action; an operator never designates.
	if _, err := f.do(RoleAuthority, PostApprove, "p1", ReasonPayload{}); !errors.As(err, new(*PermissionError)) {
		t.Fatalf("the authority approves: %v", err)
	}
	if _, err := f.do(RoleSupervisor, AuthorityRevoke, "sec", Revocation{Serial: "sec", Key: d.Key}); !errors.As(err, new(*PermissionError)) {
		t.Fatalf("a supervisor revokes: %v", err)
	}
}

func TestDeptHeadHoldsTheSecretarysPowers(t *testing.T) {
	f := newScopeFixture(t)
	f.designate(f.designation(RoleDeptHead, "dh", Scope{Branch: "东湖街道"}, f.now, time.Time{}))
	f.must(f.do(RoleDeptHead, PostSignOff, "p-g9", ReasonPayload{}))
	var se *ScopeError
	if _, err := f.do(RoleDeptHead, PostSignOff, "p-g3", ReasonPayload{}); !errors.As(err, &se) {
		t.Fatalf("a department head signs off another's post: %v", err)
	}
	if _, err := f.do(RoleDeptHead, PostApprove, "p1", ReasonPayload{}); !errors.As(err, new(*PermissionError)) {
		t.Fatalf("a department head approves as an administrator: %v", err)
	}
	if !Holds(RoleDeptHead, RoleSecretary) || Holds(RoleSecretary, RoleDeptHead) || !MayArchiveConfidential(RoleDeptHead) {
		t.Fatal("powers")
	}
}

func TestResponsibilityChain(t *testing.T) {
	f := newScopeFixture(t)
	f.designate(f.designation(RoleSecretary, "sec", Scope{Branch: "第三党支部"}, f.now, time.Time{}))
	f.designate(f.designation(RoleAdmin, "adm", Scope{Groups: []string{"g3"}}, f.now, time.Time{}))
	f.designate(f.designation(RoleSupervisor, "sup", Scope{All: true}, f.now, time.Time{}))
	f.designate(f.designation(RoleDeptHead, "dh", Scope{Branch: "东湖街道"}, f.now, time.Time{}))
	f.must(f.do(RoleAuthority, AuthorityRevoke, "adm", Revocation{Serial: "adm", Key: f.ops[RoleAdmin].Operator.Key}))
	g := Group{ID: "g3", Name: "第三党支部党员群", Branch: "第三党支部", Owner: "wx_owner", Admins: []string{"wx_owner", "wx_a"}}
	var ds []DesignationRecord
	for _, d := range f.st.Designations {
		ds = append(ds, d)
	}
	names := map[string]string{"wx_owner": "曾志强"}
	c := ResponsibilityChain(&g, func(id string) string { return names[id] }, ds, []Operator{f.auth.Operator}, f.now)
	line := func(rs []Responsible) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Name+"/"+string(r.Role)+"/"+r.Source)
		}
		return strings.Join(out, " ")
	}
	if got := line(c.First); got != "op-secretary/secretary/designation" {
		t.Errorf("first: %s", got)
	}
	if got := line(c.Managers); got != "曾志强/owner/group wx_a/admin/group" { // the designated admin was revoked
		t.Errorf("managers: %s", got)
	}
	if got := line(c.Supervisors); got != "op-supervisor/supervisor/designation 机关党委/authority/authority" {
		t.Errorf("supervisors: %s", got)
	}
}

// The desk's entities belong to a group: an incident, an application to create a group, an
// accountability measure, a group's record are acted on only within the operator's scope.
func TestScopeOfTheDesk(t *testing.T) {
	f := newScopeFixture(t)
	f.designate(f.designation(RoleSecretary, "sec", Scope{Branch: "第三党支部"}, f.now, time.Time{}))
	f.designate(f.designation(RoleAdmin, "adm", Scope{Branch: "东湖街道"}, f.now, time.Time{}))
	f.designate(f.designation(RoleSupervisor, "sup", Scope{Branch: "东湖街道"}, f.now, time.Time{}))
	scoped := func(what, entity string, err error) {
		t.Helper()
		var se *ScopeError
		if !errors.As(err, &se) || se.Entity != entity {
			t.Errorf("%s outside the scope: %v", what, err)
		}
	}

	// Incidents: opened and followed in the group's scope.
	f.must(f.do(RoleSecretary, IncidentOpen, "i3", Incident{ID: "i3", Kind: IncidentOpinion, Group: "g3", Summary: "舆情"}))
	_, err := f.do(RoleSecretary, IncidentOpen, "i9", Incident{ID: "i9", Kind: IncidentOpinion, Group: "g9", Summary: "舆情"})
	scoped("incident on g9 by the secretary of 第三党支部", "incident", err)
	f.must(f.do(RoleOwner, IncidentOpen, "i9", Incident{ID: "i9", Kind: IncidentEmergency, Group: "g9", Summary: "违法信息"}))
	f.must(f.do(RoleSecretary, IncidentEscalate, "i3", EscalatePayload{To: "街道党工委", Text: "已处置"}))
	_, err = f.do(RoleSecretary, IncidentMeasure, "i9", MeasurePayload{Text: "撤回"})
	scoped("measure on g9's incident", "incident", err)
	_, err = f.do(RoleSecretary, IncidentClose, "i9", ClosePayload{Outcome: "处置完毕"})
	scoped("closing g9's incident", "incident", err)

	// Accountability: recorded by a supervisor whose scope covers the group.
	f.must(f.do(RoleSupervisor, AccountabilityRecord, "a9", Accountability{ID: "a9", Group: "g9", Person: "王群主", Measure: AccTalk, Incident: "i9", Text: "未及时处置"}))
	_, err = f.do(RoleSupervisor, AccountabilityRecord, "a3", Accountability{ID: "a3", Group: "g3", Person: "李群主", Measure: AccTalk, Text: "x"})
	scoped("accountability on g3", "accountability", err)

	// Applications to create a group: the branch it names is the applicant's and the approver's.
	f.must(f.do(RoleAdmin, GroupApply, "g20", GroupApplication{ID: "g20", Name: "东湖街道志愿者群", Kind: KindStreet, Purpose: "志愿服务", Branch: "东湖街道"}))
	_, err = f.do(RoleAdmin, GroupApply, "g21", GroupApplication{ID: "g21", Name: "第三党支部学习群", Kind: KindParty, Purpose: "学习", Branch: "第三党支部"})
	scoped("application for a group of 第三党支部", "group", err)
	f.must(f.do(RoleOwner, GroupApply, "g21", GroupApplication{ID: "g21", Name: "第三党支部学习群", Kind: KindParty, Purpose: "学习", Branch: "第三党支部"}))
	_, err = f.do(RoleSupervisor, GroupApprove, "g21", ApprovalPayload{FilingNo: "备-21"})
	scoped("approval of 第三党支部's application", "group", err)
	f.must(f.do(RoleSecretary, GroupApprove, "g21", ApprovalPayload{FilingNo: "备-21"}))
	f.must(f.do(RoleSupervisor, GroupApprove, "g20", ApprovalPayload{FilingNo: "备-20"}))
	_, err = f.do(RoleSupervisor, GroupApprove, "g3", ApprovalPayload{FilingNo: "备-3"})
	scoped("filing of g3 afterwards", "group", err)
	f.must(f.do(RoleSupervisor, GroupApprove, "g9", ApprovalPayload{FilingNo: "备-9"}))

	// A group's record: edited within the scope, and not moved out of it.
	purpose := "街道工作"
	f.must(f.do(RoleAdmin, GroupEdit, "g9", GroupChanges{Purpose: &purpose}))
	branch := "第三党支部"
	_, err = f.do(RoleAdmin, GroupEdit, "g9", GroupChanges{Branch: &branch})
	scoped("moving g9 to 第三党支部", "group", err)
	_, err = f.do(RoleAdmin, GroupEdit, "g3", GroupChanges{Purpose: &purpose})
	scoped("editing g3", "group", err)
	if f.st.Groups["g9"].Branch != "东湖街道" || f.st.Groups["g21"].FilingNo != "备-21" || f.st.Incidents["i9"].Status != IncOpen {
		t.Fatalf("state after the refusals: %+v %+v %+v", f.st.Groups["g9"], f.st.Groups["g21"], f.st.Incidents["i9"])
	}
}
