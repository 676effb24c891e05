package model

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	fastjson "github.com/goccy/go-json"
)

// fixture is a MemState with one operator of each role, a group, members and posts.
type fixture struct {
	t    *testing.T
	st   *MemState
	ops  map[Role]*Signer
	head map[Key]Hash
	seq  map[Key]uint64
	now  time.Time
	log  []Event
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{t: t, st: NewMemState(), ops: map[Role]*Signer{}, head: map[Key]Hash{}, seq: map[Key]uint64{},
		now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	for i, r := range Roles {
		seed := bytes.Repeat([]byte{byte(i + 1)}, ed25519.SeedSize)
		priv := ed25519.NewKeyFromSeed(seed)
		s := &Signer{Operator: Operator{Key: KeyOf(priv), Name: "op-" + string(r), Role: r}, Priv: priv}
		f.ops[r] = s
		f.must(f.do(r, OperatorRegister, s.Operator.Key.String(), s.Operator))
	}
	f.must(f.do(RoleAdmin, GroupRegister, "g1", Group{ID: "g1", Name: "第一党支部党员群", Kind: KindParty}))
	for _, m := range []string{"m1", "m2"} {
		f.must(f.do(RoleAdmin, MemberAdd, MemberKey("g1", m), Member{ID: m, Group: "g1", Name: "张伟"}))
	}
	for _, p := range []struct {
		id    string
		major bool
	}{{"p1", false}, {"p2", false}, {"p3", true}} {
		f.must(f.do(RoleAdmin, PostSubmit, p.id, Post{ID: p.id, Group: "g1", Author: "m1", Time: f.now, Title: "通知", Body: "明天开会", Major: p.major}))
	}
	return f
}

func (f *fixture) must(_ Hash, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// do makes an event of the role's operator and applies it.
func (f *fixture) do(r Role, k Kind, subject string, payload any, refs ...Hash) (Hash, error) {
	s := f.ops[r]
	raw, ok := payload.(rawPayload)
	if !ok {
		var err error
		if raw, err = json.Marshal(payload); err != nil {
			f.t.Fatal(err)
		}
	}
	f.now = f.now.Add(time.Minute)
	k0 := s.Operator.Key
	e := Event{Origin: k0, Seq: f.seq[k0] + 1, Prev: f.head[k0], Time: f.now, Role: r, Kind: k, Subject: subject, Refs: refs, Payload: raw}
	id := e.ID()
	if err := Apply(f.st, &e, id); err != nil {
		return id, err
	}
	f.seq[k0]++
	f.head[k0] = id
	f.log = append(f.log, e)
	return id, nil
}

func (f *fixture) post(id string) Post { return f.st.Posts[id] }

// The expected permission of every action, written out as the regulations say it, so that a
// change of the table must change this too.
var wantPermissions = map[Kind]string{
	OperatorRegister: "admin secretary owner supervisor",
	GroupRegister:    "admin owner", MemberAdd: "admin owner", PostSubmit: "admin owner", ApplicationFile: "admin owner",
	ComplaintFile: "admin owner supervisor", ImportBatch: "admin owner supervisor",
	MemberSeen: "admin owner", MemberLeave: "admin owner", PostRecall: "admin owner", PostPin: "admin owner",
	PostApprove: "admin owner", PostReject: "admin owner", PostChanges: "admin owner", PostEscalate: "admin owner",
	PostSignOff: "secretary", PostReturn: "secretary", PostUndo: "admin secretary owner", PostRetract: "admin secretary owner",
	MemberWarn: "admin owner", MemberMute: "admin owner", MemberRemove: "admin owner", MemberRestore: "admin owner",
	ViolationRecord: "admin owner supervisor", ViolationVerify: "admin secretary owner", ViolationSanction: "admin owner",
	ViolationDismiss: "admin secretary owner supervisor", ViolationClose: "admin owner",
	ViolationFeedback: "admin owner supervisor", ViolationAppeal: "admin owner supervisor",
	ApplicationApprove: "secretary owner", ApplicationRefuse: "secretary owner",
	AppealUphold: "admin owner supervisor", AppealOverturn: "admin owner supervisor",
	RectificationOrder: "supervisor", RectificationClose: "supervisor", GroupDissolve: "owner supervisor",
}

func TestPermissionTableAllPairs(t *testing.T) {
	if len(Kinds()) != len(wantPermissions) {
		t.Fatalf("the table has %d actions, the test knows %d", len(Kinds()), len(wantPermissions))
	}
	for _, k := range Kinds() {
		want, ok := wantPermissions[k]
		if !ok {
			t.Errorf("action %s is not in the expected table", k)
			continue
		}
		for _, r := range Roles {
			allowed := bytes.Contains([]byte(" "+want+" "), []byte(" "+string(r)+" "))
			if Allowed(r, k) != allowed {
				t.Errorf("Allowed(%s, %s) = %v, want %v", r, k, !allowed, allowed)
			}
			// Apply enforces the same table, whatever the state: a forbidden action is a
			// PermissionError, an allowed one never is.
			f := newFixture(t)
			_, err := f.do(r, k, "p1", map[string]any{})
			var pe *PermissionError
			if isPerm := errors.As(err, &pe); isPerm == allowed {
				t.Errorf("Apply(%s by %s): err = %v, want permission error: %v", k, r, err, !allowed)
			}
		}
	}
}

func TestPostTransitions(t *testing.T) {
	reason := ReasonPayload{Reason: "含有广告"}
	none := ReasonPayload{}
	type step struct {
		role    Role
		kind    Kind
		post    string
		payload ReasonPayload
		want    PostStatus // "" means refused
		why     string
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"approve pending", []step{{RoleAdmin, PostApprove, "p1", none, PostApproved, ""}}},
		{"approve rejected", []step{{RoleAdmin, PostReject, "p1", reason, PostRejected, ""}, {RoleAdmin, PostApprove, "p1", none, "", "rejected"}}},
		{"approve approved", []step{{RoleAdmin, PostApprove, "p1", none, PostApproved, ""}, {RoleAdmin, PostApprove, "p1", none, "", "approved"}}},
		{"reject without reason", []step{{RoleAdmin, PostReject, "p1", none, "", "reason"}}},
		{"changes without reason", []step{{RoleAdmin, PostChanges, "p1", none, "", "reason"}}},
		{"sign off never escalated", []step{{RoleSecretary, PostSignOff, "p1", none, "", "pending"}}},
		{"return never escalated", []step{{RoleSecretary, PostReturn, "p1", reason, "", "pending"}}},
		{"approve a major matter", []step{{RoleAdmin, PostApprove, "p3", none, "", "PM 三(三)2"}}},
		{"escalate and sign off", []step{{RoleAdmin, PostEscalate, "p3", none, PostEscalated, ""}, {RoleSecretary, PostSignOff, "p3", none, PostSignedOff, ""}}},
		{"sign off twice", []step{{RoleAdmin, PostEscalate, "p3", none, PostEscalated, ""}, {RoleSecretary, PostSignOff, "p3", none, PostSignedOff, ""}, {RoleSecretary, PostSignOff, "p3", none, "", "signed-off"}}},
		{"approve escalated", []step{{RoleAdmin, PostEscalate, "p1", none, PostEscalated, ""}, {RoleAdmin, PostApprove, "p1", none, "", "escalated"}}},
		{"return then reject", []step{{RoleAdmin, PostEscalate, "p3", none, PostEscalated, ""}, {RoleSecretary, PostReturn, "p3", reason, PostReturned, ""}, {RoleAdmin, PostReject, "p3", reason, PostRejected, ""}}},
		{"return without reason", []step{{RoleAdmin, PostEscalate, "p3", none, PostEscalated, ""}, {RoleSecretary, PostReturn, "p3", none, "", "reason"}}},
		{"return then approve", []step{{RoleAdmin, PostEscalate, "p1", none, PostEscalated, ""}, {RoleSecretary, PostReturn, "p1", reason, PostReturned, ""}, {RoleAdmin, PostApprove, "p1", none, "", "returned"}}},
		{"escalate signed off", []step{{RoleAdmin, PostEscalate, "p3", none, PostEscalated, ""}, {RoleSecretary, PostSignOff, "p3", none, PostSignedOff, ""}, {RoleAdmin, PostEscalate, "p3", none, "", "signed-off"}}},
		{"decide unknown post", []step{{RoleAdmin, PostApprove, "nope", none, "", "unknown post"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			for i, s := range c.steps {
				_, err := f.do(s.role, s.kind, s.post, s.payload)
				if s.want == "" {
					if err == nil {
						t.Fatalf("step %d: %s of %s by %s was accepted", i, s.kind, s.post, s.role)
					}
					if !bytes.Contains([]byte(err.Error()), []byte(s.why)) {
						t.Fatalf("step %d: error %q does not say %q", i, err, s.why)
					}
					var te *TransitionError
					if errors.As(err, &te) && (te.Kind != s.kind || te.Role != s.role || te.State == "") {
						t.Fatalf("step %d: the error does not name state, action and role: %+v", i, te)
					}
					return
				}
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if got := f.post(s.post).Status; got != s.want {
					t.Fatalf("step %d: status %s, want %s", i, got, s.want)
				}
			}
		})
	}
}

func TestUndo(t *testing.T) {
	f := newFixture(t)
	id, err := f.do(RoleAdmin, PostReject, "p1", ReasonPayload{Reason: "广告"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.do(RoleOwner, PostUndo, "p1", nil, id); err == nil {
		t.Fatal("another operator undid the administrator's decision")
	}
	if _, err := f.do(RoleAdmin, PostUndo, "p1", nil, Hash{1}); err == nil {
		t.Fatal("an undo naming another event was accepted")
	}
	undo, err := f.do(RoleAdmin, PostUndo, "p1", nil, id)
	if err != nil {
		t.Fatal(err)
	}
	p := f.post("p1")
	if p.Status != PostPending || p.Reason != "" || len(p.History) != 2 || !p.History[0].Undone || p.History[1].Event != undo {
		t.Fatalf("after undo: %+v", p)
	}
	if _, err := f.do(RoleAdmin, PostUndo, "p1", nil, id); err == nil {
		t.Fatal("the same decision was undone twice")
	}
	if _, err := f.do(RoleAdmin, PostApprove, "p1", nil); err != nil {
		t.Fatal(err)
	}
	if f.st.Counts["post/approved"] != 1 || f.st.Counts["post/rejected"] != 0 || f.st.Counts["post/pending"] != 2 {
		t.Fatalf("counts %v", f.st.Counts)
	}
}

func TestMemberAndViolationTransitions(t *testing.T) {
	f := newFixture(t)
	m := MemberKey("g1", "m2")
	if _, err := f.do(RoleAdmin, MemberMute, m, ReasonPayload{Until: f.now.Add(-time.Hour)}); err == nil {
		t.Fatal("a mute ending in the past was accepted")
	}
	f.must(f.do(RoleAdmin, MemberMute, m, ReasonPayload{Until: f.now.Add(24 * time.Hour)}))
	f.must(f.do(RoleAdmin, MemberRemove, m, ReasonPayload{Reason: "屡次违规"}))
	if _, err := f.do(RoleAdmin, MemberWarn, m, ReasonPayload{}); err == nil {
		t.Fatal("a removed member was warned")
	}
	if _, err := f.do(RoleAdmin, MemberRemove, m, ReasonPayload{}); err == nil {
		t.Fatal("a member was removed twice")
	}
	f.must(f.do(RoleAdmin, MemberRestore, m, ReasonPayload{}))
	if got := f.st.Members[m].Status; got != MemberActive {
		t.Fatalf("restored member is %s", got)
	}

	f.must(f.do(RoleAdmin, ComplaintFile, "r1", Violation{ID: "r1", Group: "g1", Member: "m2", Reporter: "m1", Text: "发广告", Time: f.now}))
	if _, err := f.do(RoleAdmin, ViolationSanction, "r1", ReasonPayload{Step: "警告"}); err == nil {
		t.Fatal("an unverified violation was sanctioned")
	}
	f.must(f.do(RoleSecretary, ViolationVerify, "r1", nil))
	if _, err := f.do(RoleAdmin, ViolationSanction, "r1", ReasonPayload{}); err == nil {
		t.Fatal("a sanction without a step was accepted")
	}
	f.must(f.do(RoleAdmin, ViolationSanction, "r1", ReasonPayload{Step: "警告"}))
	f.must(f.do(RoleAdmin, ViolationFeedback, "r1", FeedbackPayload{Text: "已处理，谢谢举报"}))
	if _, err := f.do(RoleAdmin, ViolationDismiss, "r1", nil); err == nil {
		t.Fatal("a sanctioned violation was dismissed")
	}
	f.must(f.do(RoleAdmin, ViolationClose, "r1", nil))
	v := f.st.Violations["r1"]
	if v.Status != ViolationClosed || v.Sanction != "警告" || v.Feedback == "" || f.st.Members[m].Step != "警告" {
		t.Fatalf("violation %+v, member step %q", v, f.st.Members[m].Step)
	}
	f.must(f.do(RoleAdmin, ViolationAppeal, "r1", AppealPayload{Overturned: true}))
	if v := f.st.Violations["r1"]; v.Status != ViolationDismissed || v.Appeal != AppealOverturned {
		t.Fatalf("after overturned appeal: %+v", v)
	}

	f.must(f.do(RoleAdmin, ApplicationFile, "a1", Application{ID: "a1", Group: "g1", Member: "m2", Kind: AppExit, Time: f.now}))
	if _, err := f.do(RoleOwner, AppealOverturn, "a1", nil); err == nil {
		t.Fatal("an exit application was decided as an appeal")
	}
	f.must(f.do(RoleSecretary, ApplicationApprove, "a1", ReasonPayload{}))
	if _, err := f.do(RoleSecretary, ApplicationRefuse, "a1", ReasonPayload{}); err == nil {
		t.Fatal("an application was decided twice")
	}
	if got := f.st.Members[m].Status; got != MemberExited {
		t.Fatalf("member after approved exit: %s", got)
	}

	f.must(f.do(RoleSupervisor, RectificationOrder, "x1", Rectification{ID: "x1", Group: "g1", Item: "信息发布", Finding: "未经审核发布", Deadline: f.now.Add(72 * time.Hour)}))
	if g := f.st.Groups["g1"]; g.Status != GroupRectifying {
		t.Fatalf("group under rectification is %s", g.Status)
	}
	f.must(f.do(RoleSupervisor, RectificationClose, "x1", nil))
	if _, err := f.do(RoleSupervisor, RectificationClose, "x1", nil); err == nil {
		t.Fatal("a rectification was closed twice")
	}
	f.must(f.do(RoleOwner, GroupDissolve, "g1", nil))
	if _, err := f.do(RoleOwner, GroupDissolve, "g1", nil); err == nil {
		t.Fatal("a group was dissolved twice")
	}
}

func TestImportRecordsAreIdempotent(t *testing.T) {
	f := newFixture(t)
	before := fmt.Sprint(f.st.Posts["p1"])
	again := f.post("p1")
	again.Status = ""
	_, err := f.do(RoleAdmin, PostSubmit, "p1", again)
	if !errors.Is(err, ErrNoChange) {
		t.Fatalf("the same post again: %v", err)
	}
	if fmt.Sprint(f.st.Posts["p1"]) != before {
		t.Fatal("the same post again changed the state")
	}
	_, err = f.do(RoleAdmin, MemberAdd, MemberKey("g1", "m1"), Member{ID: "m1", Group: "g1", Name: "张伟"})
	if !errors.Is(err, ErrNoChange) {
		t.Fatalf("the same member again: %v", err)
	}
	// A post sent back for changes comes again under its id, changed: it is pending again.
	f.must(f.do(RoleAdmin, PostChanges, "p2", ReasonPayload{Reason: "请补充落款"}))
	f.must(f.do(RoleAdmin, PostSubmit, "p2", Post{ID: "p2", Group: "g1", Author: "m1", Time: f.now, Title: "通知", Body: "明天开会\n——办公室"}))
	if p := f.post("p2"); p.Status != PostPending || len(p.History) != 2 {
		t.Fatalf("resubmitted post: %+v", p)
	}
	// A decided post cannot come again changed under the same id.
	f.must(f.do(RoleAdmin, PostApprove, "p1", nil))
	if _, err := f.do(RoleAdmin, PostSubmit, "p1", Post{ID: "p1", Group: "g1", Author: "m1", Time: f.now, Body: "改过的"}); err == nil {
		t.Fatal("an approved post was replaced")
	}
	if _, err := f.do(RoleAdmin, PostSubmit, "p9", Post{ID: "p9", Group: "g1", Author: "nobody", Time: f.now}); err == nil {
		t.Fatal("a post of an unknown author was accepted")
	}
	if _, err := f.do(RoleAdmin, PostSubmit, "p9", Post{ID: "p9", Group: "gx", Author: "m1", Time: f.now}); err == nil {
		t.Fatal("a post of an unknown group was accepted")
	}
}

func TestFoldIsDeterministic(t *testing.T) {
	f := newFixture(t)
	f.must(f.do(RoleAdmin, PostEscalate, "p3", nil))
	f.must(f.do(RoleSecretary, PostSignOff, "p3", nil))
	id, _ := f.do(RoleAdmin, PostReject, "p1", ReasonPayload{Reason: "x"})
	f.must(f.do(RoleAdmin, PostUndo, "p1", nil, id))
	f.must(f.do(RoleAdmin, ComplaintFile, "r1", Violation{ID: "r1", Group: "g1", Member: "m2", Time: f.now}))
	// Fold the same log twice, through encode and decode, into fresh states.
	fold := func() *MemState {
		st := NewMemState()
		for _, e := range f.log {
			b := e.Encode(nil)
			d, err := DecodeEvent(b)
			if err != nil {
				t.Fatal(err)
			}
			if err := Apply(st, &d, d.ID()); err != nil {
				t.Fatal(err)
			}
		}
		return st
	}
	a, b := fold(), fold()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two folds of one log differ")
	}
	ja, _ := json.Marshal(a.Posts)
	jf, _ := json.Marshal(f.st.Posts)
	if !bytes.Equal(ja, jf) {
		t.Fatal("the fold of the log differs from the state that made it")
	}
}

func TestOperatorMustRegisterItself(t *testing.T) {
	f := newFixture(t)
	other := f.ops[RoleSecretary].Operator
	other.Name = "冒名"
	if _, err := f.do(RoleAdmin, OperatorRegister, other.Key.String(), other); err == nil {
		t.Fatal("an operator registered another's key")
	}
	// An event claiming a role the operator does not have is refused.
	s := f.ops[RoleAdmin]
	e := Event{Origin: s.Operator.Key, Seq: 99, Time: f.now, Role: RoleSecretary, Kind: PostSignOff, Subject: "p3", Payload: []byte("{}")}
	if err := Apply(f.st, &e, e.ID()); err == nil || !bytes.Contains([]byte(err.Error()), []byte("claims the role")) {
		t.Fatalf("a role claimed falsely: %v", err)
	}
	var unknown Key
	e.Origin = unknown
	if err := Apply(f.st, &e, e.ID()); !errors.Is(err, ErrUnknownOperator) {
		t.Fatalf("an unknown key: %v", err)
	}
}

func TestEventRoundTripAndCheckpoint(t *testing.T) {
	f := newFixture(t)
	for _, e := range f.log {
		b := e.Encode(nil)
		d, err := DecodeEvent(b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(d.Encode(nil), b) || d.ID() != e.ID() {
			t.Fatal("round trip changed the event")
		}
		for i := range b {
			if _, err := DecodeEvent(b[:i]); err == nil {
				t.Fatalf("a body truncated to %d of %d bytes decoded", i, len(b))
			}
		}
	}
	s := f.ops[RoleSecretary]
	cp := Checkpoint{Origin: s.Operator.Key, Seq: 3, Head: Hash{7}}
	cp.Sign(s.Priv)
	if !cp.Verify() {
		t.Fatal("a good checkpoint does not verify")
	}
	d, err := DecodeCheckpoint(cp.Encode())
	if err != nil || d != cp {
		t.Fatal("checkpoint round trip")
	}
	cp.Seq = 4
	if cp.Verify() {
		t.Fatal("an altered checkpoint verifies")
	}
}

func FuzzDecodeEvent(f *testing.F) {
	e := Event{Seq: 1, Time: time.Unix(1, 0), Role: RoleAdmin, Kind: PostApprove, Subject: "p1", Refs: []Hash{{1}}, Payload: []byte(`{"reason":"x"}`)}
	f.Add(e.Encode(nil))
	f.Add([]byte{1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DecodeEvent(b)
		if err != nil {
			return
		}
		// Whatever decodes must encode back to the very same bytes, or two bodies would
		// share one event.
		if !bytes.Equal(d.Encode(nil), b) {
			t.Fatalf("decode/encode is not the identity on %x", b)
		}
	})
}

func TestImportBatch(t *testing.T) {
	f := newFixture(t)
	item := func(k Kind, subject string, v any) BatchItem {
		raw, _ := json.Marshal(v)
		return BatchItem{Kind: k, Subject: subject, Payload: raw}
	}
	items := []BatchItem{
		item(MemberAdd, MemberKey("g1", "m3"), Member{ID: "m3", Group: "g1", Name: "仇小红"}),
		item(PostSubmit, "p7", Post{ID: "p7", Group: "g1", Author: "m3", Time: f.now, Body: "收到"}),
		item(PostSubmit, "p1", f.post("p1")), // as it is: passed over
	}
	if _, err := f.do(RoleAdmin, ImportBatch, "", rawPayload(EncodeBatch(nil, items))); err != nil {
		t.Fatal(err)
	}
	if f.post("p7").Status != PostPending || f.st.Members[MemberKey("g1", "m3")].Name != "仇小红" {
		t.Fatal("the batch's records were not applied")
	}
	if _, err := f.do(RoleAdmin, ImportBatch, "", rawPayload(EncodeBatch(nil, items))); !errors.Is(err, ErrNoChange) {
		t.Fatalf("a batch that changes nothing: %v", err)
	}
	// A supervisor may file reports, not posts; no batch may carry a decision or a key.
	post := []BatchItem{item(PostSubmit, "p8", Post{ID: "p8", Group: "g1", Author: "m3", Time: f.now})}
	var pe *PermissionError
	if _, err := f.do(RoleSupervisor, ImportBatch, "", rawPayload(EncodeBatch(nil, post))); !errors.As(err, &pe) {
		t.Fatalf("a supervisor's batch of posts: %v", err)
	}
	bad := []BatchItem{item(PostApprove, "p7", ReasonPayload{})}
	if _, err := f.do(RoleAdmin, ImportBatch, "", rawPayload(EncodeBatch(nil, bad))); err == nil {
		t.Fatal("a decision inside an import batch was applied")
	}
	enc := EncodeBatch(nil, items)
	for i := range enc {
		if _, err := DecodeBatch(enc[:i]); err == nil {
			t.Fatalf("a batch cut at %d of %d bytes decoded", i, len(enc))
		}
	}
}

// rawPayload is a payload that is already encoded.
type rawPayload []byte

func (r rawPayload) MarshalJSON() ([]byte, error) { return nil, errors.New("raw") }

func FuzzDecodeBatch(f *testing.F) {
	f.Add(EncodeBatch(nil, []BatchItem{{Kind: PostSubmit, Subject: "p1", Payload: []byte(`{"id":"p1"}`)}}))
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := DecodeBatch(b)
		if err != nil {
			return
		}
		if !bytes.Equal(EncodeBatch(nil, items), b) {
			t.Fatalf("decode/encode is not the identity on %x", b)
		}
	})
}

// What a chat export brings: senders seen, members leaving, posts from history, recalls and
// pins, each idempotent.
func TestChatExportRecords(t *testing.T) {
	f := newFixture(t)
	t0 := time.Date(2026, 6, 2, 8, 0, 0, 0, time.UTC)
	seen := func(m Member) error {
		_, err := f.do(RoleAdmin, MemberSeen, m.Key(), m)
		return err
	}
	// A new sender becomes an active member named by its nickname.
	f.must(Hash{}, seen(Member{ID: "u9", Group: "g1", Nickname: "三支部-刘洋", LastActive: t0}))
	m := f.st.Members[MemberKey("g1", "u9")]
	if m.Status != MemberActive || m.Name != "三支部-刘洋" || !m.LastActive.Equal(t0) {
		t.Fatalf("new sender: %+v", m)
	}
	// A known member keeps its roster details; the chat brings the latest nickname and time.
	f.must(f.do(RoleAdmin, MemberAdd, MemberKey("g1", "m1"), Member{ID: "m1", Group: "g1", Name: "张伟", Branch: "第一党支部", LastActive: t0}))
	f.must(Hash{}, seen(Member{ID: "m1", Group: "g1", Nickname: "一支部-张伟", LastActive: t0.Add(time.Hour)}))
	if err := seen(Member{ID: "m1", Group: "g1", Nickname: "老张", LastActive: t0.Add(-time.Hour)}); !errors.Is(err, ErrNoChange) {
		t.Fatalf("an older nickname: %v", err)
	}
	m = f.st.Members[MemberKey("g1", "m1")]
	if m.Name != "张伟" || m.Branch != "第一党支部" || m.Nickname != "一支部-张伟" || !m.LastActive.Equal(t0.Add(time.Hour)) {
		t.Fatalf("known sender: %+v", m)
	}
	if err := seen(Member{ID: "m1", Group: "g1", Nickname: "一支部-张伟", LastActive: t0}); !errors.Is(err, ErrNoChange) {
		t.Fatalf("the same sender again: %v", err)
	}
	// Leaving exits; joining again later makes the member active.
	f.must(f.do(RoleAdmin, MemberLeave, MemberKey("g1", "m1"), Member{ID: "m1", Group: "g1", LastActive: t0.Add(2 * time.Hour)}))
	if s := f.st.Members[MemberKey("g1", "m1")].Status; s != MemberExited {
		t.Fatalf("after leaving: %s", s)
	}
	if _, err := f.do(RoleAdmin, MemberLeave, MemberKey("g1", "m1"), Member{ID: "m1", Group: "g1", LastActive: t0.Add(2 * time.Hour)}); !errors.Is(err, ErrNoChange) {
		t.Fatalf("leaving twice: %v", err)
	}
	f.must(Hash{}, seen(Member{ID: "m1", Group: "g1", Joined: t0.Add(3 * time.Hour), LastActive: t0.Add(3 * time.Hour)}))
	if s := f.st.Members[MemberKey("g1", "m1")].Status; s != MemberActive {
		t.Fatalf("after joining again: %s", s)
	}
	// A post from history is published; a queued one pending whatever status it claims.
	f.must(f.do(RoleAdmin, PostSubmit, "h1", Post{ID: "h1", Group: "g1", Author: "m2", Time: t0, Body: "通知", FromHistory: true}))
	f.must(f.do(RoleAdmin, PostSubmit, "h2", Post{ID: "h2", Group: "g1", Author: "m2", Time: t0, Body: "通知", Status: PostApproved}))
	if a, b := f.post("h1").Status, f.post("h2").Status; a != PostPublished || b != PostPending {
		t.Fatalf("history and queue: %s %s", a, b)
	}
	// A pin marks, a recall takes the post out of the queue; both only once.
	f.must(f.do(RoleAdmin, PostPin, "h1", MarkPayload{Time: t0}))
	if _, err := f.do(RoleAdmin, PostPin, "h1", MarkPayload{Time: t0}); !errors.Is(err, ErrNoChange) {
		t.Fatalf("pinned twice: %v", err)
	}
	f.must(f.do(RoleAdmin, PostRecall, "h2", MarkPayload{Time: t0.Add(time.Minute)}))
	if p := f.post("h2"); p.Status != PostRecalled || !p.Recalled.Equal(t0.Add(time.Minute)) || !f.post("h1").Pinned {
		t.Fatalf("after the recall: %+v", p)
	}
	if _, err := f.do(RoleAdmin, PostApprove, "h2", ReasonPayload{}); err == nil {
		t.Fatal("a recalled post was approved")
	}
	if _, err := f.do(RoleAdmin, PostRecall, "nope", MarkPayload{Time: t0}); err == nil {
		t.Fatal("an unknown post was recalled")
	}
	if _, err := f.do(RoleSecretary, PostPin, "h1", MarkPayload{Time: t0}); err == nil {
		t.Fatal("a secretary imported a pin")
	}
}

// The payload of most decisions, {"seen":N}, is read without the general decoder: as it would
// read it, and only what it reads so.
func TestDecodeSeen(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 17, 123456789} {
		raw, _ := json.Marshal(ReasonPayload{Seen: &n})
		var pl ReasonPayload
		if !decodeSeen(raw, &pl) || pl.Seen == nil || *pl.Seen != n || pl.Reason != "" || pl.Checked {
			t.Fatalf("%s: read as %+v", raw, pl)
		}
		raw, _ = json.Marshal(ReasonPayload{Seen: &n, Checked: true})
		pl = ReasonPayload{}
		if !decodeSeen(raw, &pl) || pl.Seen == nil || *pl.Seen != n || !pl.Checked {
			t.Fatalf("%s: read as %+v", raw, pl)
		}
	}
	for _, raw := range []string{`{"seen":01}`, `{"seen":-1}`, `{"seen":1234567890}`, `{"seen":}`, `{"seen":1,"reason":"x"}`,
		`{"reason":"x","seen":1}`, ` {"seen":1}`, `{"seen": 1}`, `{"Seen":1}`, `{"seen":1.0}`, `{"seen":"1"}`, `{}`,
		`{"seen":,"checked":true}`, `{"seen":1,"checked":false}`, `{"checked":true}`, `{"seen":1,"checked":true,"checked":true}`} {
		if decodeSeen([]byte(raw), new(ReasonPayload)) {
			t.Errorf("%s: read by the short way, which takes only the one form", raw)
		}
	}
}

func FuzzDecodeSeen(f *testing.F) {
	for _, s := range []string{`{"seen":0}`, `{"seen":42}`, `{"seen":007}`, `{"seen":1}}`, `{"reason":"x"}`, `{"seen":3,"checked":true}`, `{"seen":,"checked":true}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast ReasonPayload
		if !decodeSeen(b, &fast) {
			return
		}
		var slow ReasonPayload
		if err := fastjson.Unmarshal(b, &slow); err != nil {
			t.Fatalf("%q: read by the short way, refused by the general decoder: %v", b, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q: the short way read %+v, the general decoder %+v", b, fast, slow)
		}
	})
}
