package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	fastjson "github.com/goccy/go-json"
	"time"
)

// State is what the fold reads and writes. The store implements it over bbolt inside one
// transaction; MemState implements it in memory, for a fresh fold of the log.
// Put receives the previous value (nil for a new entity) so that indexes and counts follow.
type State interface {
	Operator(Key) (Operator, bool, error)
	Group(id string) (Group, bool, error)
	Member(key string) (Member, bool, error)
	HasMember(group, id string) (bool, error)
	Post(id string) (Post, bool, error)
	Violation(id string) (Violation, bool, error)
	Application(id string) (Application, bool, error)
	Rectification(id string) (Rectification, bool, error)

	PutOperator(o *Operator) error
	PutGroup(old, g *Group) error
	PutMember(old, m *Member) error
	// PutPost stores p, which was old (nil for a new post); the store may keep p and old,
	// which the caller does not change after.
	PutPost(old, p *Post) error
	PutViolation(old, v *Violation) error
	PutApplication(old, a *Application) error
	PutRectification(old, r *Rectification) error
	// PutSuperseded sets aside an event of the log that the state did not admit when it was
	// replayed, with the reason, so that it is shown and never silently lost.
	PutSuperseded(id Hash, reason string) error
}

// Payloads of the action kinds. Import kinds carry the entity itself.
type (
	// ReasonPayload goes with post decisions, member actions and application decisions.
	ReasonPayload struct {
		Reason string    `json:"reason,omitempty"`
		Until  time.Time `json:"until,omitzero"` // member.mute
		Step   string    `json:"step,omitempty"` // member actions and violation.sanction: the ladder step
		// Seen is, on a post decision, how many entries of the post's history the decider saw:
		// the decision follows exactly that history. Nil on events made before it existed.
		Seen *int `json:"seen,omitempty"`
	}
	// FeedbackPayload is what the reporter was told.
	FeedbackPayload struct {
		Text string `json:"text"`
	}
	// AppealPayload records an appeal's outcome on a violation.
	AppealPayload struct {
		Overturned bool   `json:"overturned"`
		Reason     string `json:"reason,omitempty"`
	}
)

// Appeal outcomes as stored on a violation.
const (
	AppealUpheld     = "upheld"
	AppealOverturned = "overturned"
)

// ErrUnknownOperator is an event by a key that is not registered.
var ErrUnknownOperator = errors.New("unknown operator")

// applyBatch folds the records of an import batch in order, each as an event of its own
// kind with the batch's actor, role and time. A record that changes nothing is passed over.
// In a replay, a record that does not apply is passed over too, and named in the error
// returned after the others are applied.
func applyBatch(st State, e *Event, id Hash, actor string, replay bool) error {
	items, ok := e.Value.([]BatchItem)
	if !ok {
		var err error
		if items, err = DecodeBatch(e.Payload); err != nil {
			return err
		}
	}
	changed := 0
	var refused []string
	for i := range items {
		it := &items[i]
		sub := Event{Origin: e.Origin, Time: e.Time, Role: e.Role, Kind: it.Kind, Subject: it.Subject, Payload: it.Payload, Value: it.Value}
		if err := ApplyImport(st, &sub, actor); err != nil {
			if errors.Is(err, ErrNoChange) {
				continue
			}
			err = fmt.Errorf("record %d of the batch (%s %s): %w", i+1, it.Kind, it.Subject, err)
			if !replay || errors.Is(err, ErrStorage) {
				return err
			}
			refused = append(refused, err.Error())
			continue
		}
		changed++
	}
	if len(refused) > 0 {
		return &partialError{applied: changed, refused: refused}
	}
	if changed == 0 {
		return ErrNoChange
	}
	return nil
}

// partialError is a replayed batch of which some records did not apply.
type partialError struct {
	applied int
	refused []string
}

func (e *partialError) Error() string {
	s := fmt.Sprintf("%d records of the batch did not apply", len(e.refused))
	for i, r := range e.refused {
		if i == 3 {
			s += fmt.Sprintf("; and %d more", len(e.refused)-3)
			break
		}
		s += "; " + r
	}
	return s
}

// ErrStorage wraps a fault of the storage under a State: it stops a replay, where a refusal
// of the fold only sets the event aside.
var ErrStorage = errors.New("storage")

// ApplyImport folds one import record of a batch, made by actor in e.Role: the record's own
// kind must be an import kind that the role may take.
func ApplyImport(st State, e *Event, actor string) error {
	if !slices.Contains(ImportKinds, e.Kind) {
		return fmt.Errorf("%s cannot stand in an import batch", e.Kind)
	}
	if !Allowed(e.Role, e.Kind) {
		return &PermissionError{Role: e.Role, Kind: e.Kind}
	}
	return apply(st, e, Hash{}, actor)
}

// ErrNoChange is returned by Apply for an import record identical to what the state holds:
// the caller drops the event, so that importing a file twice changes nothing.
var ErrNoChange = errors.New("no change")

// Apply folds one new event of this machine into the state. It checks the permission of the
// actor's role and the transition of the entity, and returns an error naming both when either
// is refused; the state is then unchanged. The fold reads nothing but the state and the
// event, so the same events give the same state.
func Apply(st State, e *Event, id Hash) error { return fold(st, e, id, false) }

// Replay folds an event that stands in the log already, in the canonical order of the log
// (time, then id). It never refuses: an event that the state does not admit any more (made
// on another machine that had not seen an earlier event) is set aside with its reason by
// PutSuperseded, and decisions on a post made without seeing each other are resolved by the
// rule of postConcurrent. Only a fault of the storage is returned.
func Replay(st State, e *Event, id Hash) error {
	err := fold(st, e, id, true)
	if err == nil || errors.Is(err, ErrNoChange) {
		return nil
	}
	if errors.Is(err, ErrStorage) {
		return err
	}
	return st.PutSuperseded(id, fmt.Sprintf("%s %s (origin %s, sequence %d): %v", e.Kind, e.Subject, e.Origin.Fingerprint(), e.Seq, err))
}

func fold(st State, e *Event, id Hash, replay bool) error {
	if e.Kind == OperatorRegister {
		return applyOperator(st, e)
	}
	op, ok, err := st.Operator(e.Origin)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w %s", ErrUnknownOperator, e.Origin.Fingerprint())
	}
	if op.Role != e.Role {
		return fmt.Errorf("operator %s is a %s, but the event claims the role %s", op.Name, op.Role, e.Role)
	}
	if !Allowed(e.Role, e.Kind) {
		return &PermissionError{Role: e.Role, Kind: e.Kind}
	}
	if e.Kind == ImportBatch {
		return applyBatch(st, e, id, op.Name, replay)
	}
	a := applier{st: st, e: e, id: id, actor: op.Name, replay: replay}
	return a.apply()
}

// apply folds one event whose actor and permission are checked.
func apply(st State, e *Event, id Hash, actor string) error {
	a := applier{st: st, e: e, id: id, actor: actor}
	return a.apply()
}

func (a *applier) apply() error {
	e := a.e
	switch e.Kind {
	case GroupRegister:
		return a.groupRegister()
	case GroupDissolve:
		return a.groupDissolve()
	case MemberAdd:
		return a.memberAdd()
	case MemberWarn, MemberMute, MemberRemove, MemberRestore:
		return a.memberAction()
	case PostSubmit:
		return a.postSubmit()
	case MemberSeen:
		return a.memberSeen()
	case MemberLeave:
		return a.memberLeave()
	case PostRecall, PostPin:
		return a.postMark()
	case PostApprove, PostReject, PostChanges, PostEscalate, PostSignOff, PostReturn:
		return a.postDecide()
	case PostUndo:
		return a.postUndo()
	case ReportFile, ViolationRecord:
		return a.violationNew()
	case ViolationVerify, ViolationSanction, ViolationDismiss, ViolationClose, ViolationFeedback, ViolationAppeal:
		return a.violationAction()
	case ApplicationFile:
		return a.applicationFile()
	case ApplicationApprove, ApplicationRefuse, AppealUphold, AppealOverturn:
		return a.applicationDecide()
	case RectificationOrder:
		return a.rectificationOrder()
	case RectificationClose:
		return a.rectificationClose()
	}
	return &PermissionError{Role: e.Role, Kind: e.Kind}
}

func applyOperator(st State, e *Event) error {
	var o Operator
	if err := json.Unmarshal(e.Payload, &o); err != nil {
		return fmt.Errorf("operator.register: %w", err)
	}
	if o.Key != e.Origin || o.Role != e.Role {
		return errors.New("operator.register must be signed by the key it registers, in its own role")
	}
	if _, ok := ParseRole(string(o.Role)); !ok {
		return fmt.Errorf("operator.register: unknown role %q", o.Role)
	}
	if o.Name == "" {
		return errors.New("operator.register: empty name")
	}
	old, ok, err := st.Operator(o.Key)
	if err != nil {
		return err
	}
	if ok {
		if old == o {
			return ErrNoChange
		}
		return fmt.Errorf("operator %s is registered already as %s (%s)", o.Key.Fingerprint(), old.Name, old.Role)
	}
	return st.PutOperator(&o)
}

type applier struct {
	st     State
	e      *Event
	id     Hash
	actor  string
	replay bool
}

func (a *applier) payload(v any) error {
	if err := fastjson.Unmarshal(a.e.Payload, v); err != nil {
		return fmt.Errorf("%s %s: bad payload: %w", a.e.Kind, a.e.Subject, err)
	}
	return nil
}

// entity gives the event's payload as a T: the decoded Value when the event carries one
// (a copy, so that the fold never changes the caller's value), else the decoded Payload.
func entity[T any](a *applier, dst *T) error {
	if v, ok := a.e.Value.(*T); ok && v != nil {
		*dst = *v
		return nil
	}
	return a.payload(dst)
}

func (a *applier) refuse(entity, id, state, why string) error {
	return &TransitionError{Entity: entity, ID: id, State: state, Kind: a.e.Kind, Role: a.e.Role, Why: why}
}

func (a *applier) groupRegister() error {
	var g Group
	if err := entity(a, &g); err != nil {
		return err
	}
	if g.ID == "" || g.ID != a.e.Subject {
		return fmt.Errorf("group.register: subject %q and group id %q differ", a.e.Subject, g.ID)
	}
	old, ok, err := a.st.Group(g.ID)
	if err != nil {
		return err
	}
	if ok {
		// What the organisation decided about the group is kept; the import updates its details.
		g.Status, g.Deadline = old.Status, old.Deadline
		if groupEqual(&old, &g) {
			return ErrNoChange
		}
		return a.st.PutGroup(&old, &g)
	}
	g.Status = GroupActive
	return a.st.PutGroup(nil, &g)
}

func groupEqual(a, b *Group) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func (a *applier) groupDissolve() error {
	g, ok, err := a.st.Group(a.e.Subject)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("unknown group %q", a.e.Subject)
	}
	if g.Status == GroupDissolved {
		return a.refuse("group", g.ID, string(g.Status), "")
	}
	old := g
	g.Status = GroupDissolved
	return a.st.PutGroup(&old, &g)
}

// importedMember reads the member of an import record (member.add, member.seen): its subject
// must be the member's key and its group known; old is the member as stored, if it is.
func (a *applier) importedMember() (m, old Member, ok bool, err error) {
	if err = entity(a, &m); err != nil {
		return
	}
	if m.ID == "" || m.Key() != a.e.Subject {
		err = fmt.Errorf("%s: subject and member %q of group %q differ", a.e.Kind, m.ID, m.Group)
		return
	}
	if _, known, gerr := a.st.Group(m.Group); gerr != nil || !known {
		err = gerr
		if err == nil {
			err = fmt.Errorf("member %s: unknown group %q", m.ID, m.Group)
		}
		return
	}
	old, ok, err = a.st.Member(m.Key())
	return
}

func (a *applier) memberAdd() error {
	m, old, ok, err := a.importedMember()
	if err != nil {
		return err
	}
	if !ok {
		m.Status, m.MutedUntil, m.Warnings, m.Step = MemberActive, time.Time{}, 0, ""
		return a.st.PutMember(nil, &m)
	}
	// The roster updates the details; status and discipline are the workbench's.
	m.Status, m.MutedUntil, m.Warnings, m.Step = old.Status, old.MutedUntil, old.Warnings, old.Step
	if m.LastActive.Before(old.LastActive) {
		m.LastActive = old.LastActive
	}
	if m == old {
		return ErrNoChange
	}
	return a.st.PutMember(&old, &m)
}

func (a *applier) memberAction() error {
	var p ReasonPayload
	if err := a.payload(&p); err != nil {
		return err
	}
	m, ok, err := a.st.Member(a.e.Subject)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("unknown member %q", a.e.Subject)
	}
	old := m
	switch a.e.Kind {
	case MemberWarn:
		if m.Status != MemberActive && m.Status != MemberMuted {
			return a.refuse("member", m.ID, string(m.Status), "")
		}
		m.Warnings++
	case MemberMute:
		if m.Status != MemberActive && m.Status != MemberMuted {
			return a.refuse("member", m.ID, string(m.Status), "")
		}
		if !p.Until.After(a.e.Time) {
			return a.refuse("member", m.ID, string(m.Status), "a mute needs an end after now")
		}
		m.Status, m.MutedUntil = MemberMuted, p.Until.UTC()
	case MemberRemove:
		if m.Status == MemberRemoved || m.Status == MemberExited {
			return a.refuse("member", m.ID, string(m.Status), "")
		}
		m.Status, m.MutedUntil = MemberRemoved, time.Time{}
	case MemberRestore:
		if m.Status != MemberMuted && m.Status != MemberRemoved {
			return a.refuse("member", m.ID, string(m.Status), "")
		}
		m.Status, m.MutedUntil = MemberActive, time.Time{}
	}
	if p.Step != "" {
		m.Step = p.Step
	}
	return a.st.PutMember(&old, &m)
}

func (a *applier) postSubmit() error {
	var p Post
	if err := entity(a, &p); err != nil {
		return err
	}
	if p.ID == "" || p.ID != a.e.Subject {
		return fmt.Errorf("post.submit: subject %q and post id %q differ", a.e.Subject, p.ID)
	}
	if _, ok, err := a.st.Group(p.Group); err != nil || !ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("post %s: unknown group %q", p.ID, p.Group)
	}
	if ok, err := a.st.HasMember(p.Group, p.Author); err != nil || !ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("post %s: unknown author %q in group %q", p.ID, p.Author, p.Group)
	}
	old, ok, err := a.st.Post(p.ID)
	if err != nil {
		return err
	}
	if !ok {
		// A post from a chat's history was published already; everything else waits.
		p.Status = PostPending
		if p.FromHistory {
			p.Status = PostPublished
		}
		p.Reason, p.History, p.Disputed, p.Pinned, p.Recalled = "", nil, false, false, time.Time{}
		return a.st.PutPost(nil, &p)
	}
	if samePostContent(&old, &p) {
		return ErrNoChange
	}
	// A changed post under the same id is a resubmission; only a post sent back may come again.
	switch old.Status {
	case PostPending, PostChangesRequested, PostReturned:
	default:
		return a.refuse("post", p.ID, string(old.Status), "a post already decided cannot be resubmitted under the same id")
	}
	n := old
	n.Title, n.Body, n.Attachments, n.Major, n.Time, n.Category, n.Findings = p.Title, p.Body, p.Attachments, p.Major, p.Time, p.Category, p.Findings
	if old.Status != PostPending {
		n.History = append(slices.Clone(old.History), Decision{Kind: PostSubmit, Actor: a.actor, Role: a.e.Role, Time: a.e.Time, From: old.Status, To: PostPending})
		n.Status, n.Reason = PostPending, ""
	}
	return a.st.PutPost(&old, &n)
}

// samePostContent compares what the author submitted. Findings are left out: they are the
// checks' reading of the content, and a policy changed since must not make a post seem
// resubmitted.
func samePostContent(a, b *Post) bool {
	return a.Group == b.Group && a.Author == b.Author && a.Time.Equal(b.Time) && a.Title == b.Title &&
		a.Body == b.Body && slices.Equal(a.Attachments, b.Attachments) && a.Major == b.Major && a.Category == b.Category &&
		a.Confidential == b.Confidential
}

// memberSeen folds a sender seen in a chat export. An unknown one becomes an active member;
// a known one keeps what the roster and the workbench said of it, and takes from the chat
// only what the chat knows better: the latest nickname, the last time it spoke, the earliest
// time it joined, a name or a role where none was known.
func (a *applier) memberSeen() error {
	m, old, ok, err := a.importedMember()
	if err != nil {
		return err
	}
	if !ok {
		n := Member{ID: m.ID, Group: m.Group, Name: m.Name, Nickname: m.Nickname, Role: m.Role,
			Joined: m.Joined, LastActive: m.LastActive, Status: MemberActive}
		if n.Name == "" {
			n.Name = n.Nickname
		}
		return a.st.PutMember(nil, &n)
	}
	n := old
	if n.Name == "" {
		n.Name = m.Name
	}
	if n.Role == "" {
		n.Role = m.Role
	}
	if m.Nickname != "" && !m.LastActive.Before(old.LastActive) {
		n.Nickname = m.Nickname
	}
	if m.LastActive.After(n.LastActive) {
		n.LastActive = m.LastActive
	}
	if !m.Joined.IsZero() && (n.Joined.IsZero() || m.Joined.Before(n.Joined)) {
		n.Joined = m.Joined
	}
	// Joining again after leaving makes the member active again.
	if old.Status == MemberExited && !m.Joined.IsZero() && m.Joined.After(old.LastActive) {
		n.Status = MemberActive
		n.LastActive = m.Joined
	}
	if n == old {
		return ErrNoChange
	}
	return a.st.PutMember(&old, &n)
}

// memberLeave folds a member leaving the chat (a service message of the export): an active
// or muted member is then exited. Its LastActive is when it left.
func (a *applier) memberLeave() error {
	var m Member
	if err := entity(a, &m); err != nil {
		return err
	}
	if m.ID == "" || m.Key() != a.e.Subject {
		return fmt.Errorf("member.leave: subject and member %q of group %q differ", m.ID, m.Group)
	}
	old, ok, err := a.st.Member(m.Key())
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("member %s of group %q left, but is not known", m.ID, m.Group)
	}
	if old.Status != MemberActive && old.Status != MemberMuted || m.LastActive.Before(old.LastActive) {
		return ErrNoChange
	}
	n := old
	n.Status, n.MutedUntil, n.LastActive = MemberExited, time.Time{}, m.LastActive
	return a.st.PutMember(&old, &n)
}

// MarkPayload goes with post.recall and post.pin: when it happened in the chat.
type MarkPayload struct {
	Time time.Time `json:"time"`
}

// postMark folds a recall or a pin from a chat export. A recalled post leaves the queue,
// whatever was decided of it; a pinned one is an important notice for the archive.
func (a *applier) postMark() error {
	var m MarkPayload
	if v, ok := a.e.Value.(*MarkPayload); ok && v != nil {
		m = *v
	} else if err := a.payload(&m); err != nil {
		return err
	}
	old, ok, err := a.st.Post(a.e.Subject)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("post %s: %s, but the post is not known", a.e.Subject, a.e.Kind)
	}
	n := old
	if a.e.Kind == PostPin {
		if old.Pinned {
			return ErrNoChange
		}
		n.Pinned = true
	} else {
		if old.Status == PostRecalled {
			return ErrNoChange
		}
		n.Status, n.Recalled, n.Disputed = PostRecalled, m.Time, false
	}
	return a.st.PutPost(&old, &n)
}

// postMoves is the state machine of pre-review: for each decision, the states it may leave
// and the state it reaches.
var postMoves = map[Kind]struct {
	from   []PostStatus
	to     PostStatus
	reason bool
}{
	PostApprove:  {[]PostStatus{PostPending}, PostApproved, false},
	PostReject:   {[]PostStatus{PostPending, PostReturned}, PostRejected, true},
	PostChanges:  {[]PostStatus{PostPending, PostReturned}, PostChangesRequested, true},
	PostEscalate: {[]PostStatus{PostPending}, PostEscalated, false},
	PostSignOff:  {[]PostStatus{PostEscalated}, PostSignedOff, false},
	PostReturn:   {[]PostStatus{PostEscalated}, PostReturned, true},
}

// CanDecide reports whether a post in status s may take decision k, without the state.
func CanDecide(s PostStatus, k Kind) bool {
	mv, ok := postMoves[k]
	return ok && slices.Contains(mv.from, s)
}

// PostLender is a State that lends a post it holds, for the caller to read and not change: a
// decision then copies the post once, to change it, rather than twice (the version it
// replaces being the one lent).
type PostLender interface {
	LendPost(id string) (*Post, bool, error)
}

// lendPost is the post id, lent when the state lends, or a copy of its own.
func (a *applier) lendPost(id string) (*Post, bool, error) {
	if l, ok := a.st.(PostLender); ok {
		return l.LendPost(id)
	}
	p, ok, err := a.st.Post(id)
	return &p, ok, err
}

// reasonPayload decodes the event's payload into pl; the payload most decisions carry, only
// the count of history seen, without the general decoder (decodeSeen).
func (a *applier) reasonPayload(pl *ReasonPayload) error {
	if decodeSeen(a.e.Payload, pl) {
		return nil
	}
	var v ReasonPayload // of its own: what goes to the general decoder is allocated
	if err := a.payload(&v); err != nil {
		return err
	}
	*pl = v
	return nil
}

// decodeSeen reads a payload of exactly the form {"seen":N}, N a count as strconv writes it
// of fewer than ten digits, into pl, as the general decoder would; anything else, which it
// reports false for, is left to the general decoder. FuzzDecodeSeen holds it to that decoder.
func decodeSeen(b []byte, pl *ReasonPayload) bool {
	const pre = `{"seen":`
	if len(b) < len(pre)+2 || string(b[:len(pre)]) != pre || b[len(b)-1] != '}' {
		return false
	}
	digits := b[len(pre) : len(b)-1]
	if len(digits) > 9 || digits[0] == '0' && len(digits) > 1 {
		return false
	}
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	*pl = ReasonPayload{Seen: &n}
	return true
}

func (a *applier) postDecide() error {
	var pl ReasonPayload
	if err := a.reasonPayload(&pl); err != nil {
		return err
	}
	old, ok, err := a.lendPost(a.e.Subject) // read only: copied below to change
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("unknown post %q", a.e.Subject)
	}
	mv := postMoves[a.e.Kind]
	if a.e.Kind == PostApprove && old.NeedsSignOff() {
		return a.refuse("post", old.ID, string(old.Status), "a major matter is published only after the secretary signs it off (PM 三(三)2)")
	}
	if mv.reason && pl.Reason == "" {
		return a.refuse("post", old.ID, string(old.Status), "the author must be told a reason (PM 三(三)1)")
	}
	if pl.Seen != nil && *pl.Seen != len(old.History) {
		if !a.replay {
			return a.refuse("post", old.ID, string(old.Status), fmt.Sprintf("it changed since it was read (%d steps of history then, %d now): look at it again", *pl.Seen, len(old.History)))
		}
		return a.postConcurrent(old, pl, mv.to)
	}
	if !slices.Contains(mv.from, old.Status) {
		return a.refuse("post", old.ID, string(old.Status), "")
	}
	p := new(Post)
	*p = *old
	d := Decision{Event: a.id, Kind: a.e.Kind, Actor: a.actor, Role: a.e.Role, Time: a.e.Time, Reason: pl.Reason, From: p.Status, To: mv.to}
	if p.Disputed {
		d.Resolves, p.Disputed = true, false
	}
	p.History = append(slices.Clip(p.History), d) // a new array: old's stays as it was
	p.Status, p.Reason = mv.to, pl.Reason
	return a.st.PutPost(old, p)
}

// postConcurrent folds a decision made without seeing the post's latest history: on another
// machine, before the bundles met. The rule, the same on every machine because the fold
// follows the canonical order of the log:
//   - a decision that reaches the status the post is in already concurs: it is recorded in the
//     history and changes nothing;
//   - any other leaves the post disputed: both decisions stay in the history, and the post
//     goes back to the queue unpublished, pending for an administrator, or escalated for the
//     secretary when a major matter, an escalation, a sign-off or a return is involved (a
//     sign-off endorses one exact history, so a rejection it did not see voids it until the
//     secretary signs again);
//   - a disputed post is resolved by the next decision made after seeing the dispute.
func (a *applier) postConcurrent(old *Post, pl ReasonPayload, to PostStatus) error {
	p := *old
	d := Decision{Event: a.id, Kind: a.e.Kind, Actor: a.actor, Role: a.e.Role, Time: a.e.Time, Reason: pl.Reason, From: p.Status, To: to, Concurrent: true}
	if to == p.Status && !p.Disputed {
		p.History = append(slices.Clip(p.History), d) // a new array: old's stays as it was
		return a.st.PutPost(old, &p)
	}
	back := PostPending
	switch {
	case p.NeedsSignOff(),
		a.e.Kind == PostEscalate || a.e.Kind == PostSignOff || a.e.Kind == PostReturn,
		p.Status == PostEscalated || p.Status == PostSignedOff || p.Status == PostReturned:
		back = PostEscalated
	}
	if p.Disputed {
		back = p.Status // a dispute once open stays where it went
	}
	d.To = back
	p.History = append(slices.Clip(p.History), d) // a new array: old's stays as it was
	p.Status, p.Reason, p.Disputed = back, "", true
	return a.st.PutPost(old, &p)
}

// LastDecision returns the index in History of the decision that an undo would reverse, or -1.
func (p *Post) LastDecision() int {
	if p.Disputed {
		return -1 // a dispute is resolved by a new decision, not undone
	}
	for i := len(p.History) - 1; i >= 0; i-- {
		d := p.History[i]
		if d.Kind == PostUndo || d.Kind == PostSubmit {
			return -1
		}
		if !d.Undone {
			return i
		}
	}
	return -1
}

func (a *applier) postUndo() error {
	p, ok, err := a.st.Post(a.e.Subject)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("unknown post %q", a.e.Subject)
	}
	i := p.LastDecision()
	if i < 0 || len(a.e.Refs) != 1 || p.History[i].Event != a.e.Refs[0] {
		return a.refuse("post", p.ID, string(p.Status), "only the last decision can be undone")
	}
	d := p.History[i]
	if d.Actor != a.actor {
		return a.refuse("post", p.ID, string(p.Status), "only "+d.Actor+", who decided, can undo it")
	}
	old := p
	p.History = slices.Clone(p.History)
	p.History[i].Undone = true
	p.History = append(p.History, Decision{Event: a.id, Kind: PostUndo, Actor: a.actor, Role: a.e.Role, Time: a.e.Time, From: p.Status, To: d.From})
	p.Status, p.Reason = d.From, ""
	for j := i - 1; j >= 0; j-- { // the reason in force is that of the decision now last
		if !p.History[j].Undone && p.History[j].Kind != PostUndo {
			if p.History[j].To == p.Status {
				p.Reason = p.History[j].Reason
			}
			break
		}
	}
	return a.st.PutPost(&old, &p)
}

func (a *applier) violationNew() error {
	var v Violation
	if err := entity(a, &v); err != nil {
		return err
	}
	if v.ID == "" || v.ID != a.e.Subject {
		return fmt.Errorf("%s: subject %q and id %q differ", a.e.Kind, a.e.Subject, v.ID)
	}
	if _, ok, err := a.st.Member(MemberKey(v.Group, v.Member)); err != nil || !ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("violation %s: unknown member %q in group %q", v.ID, v.Member, v.Group)
	}
	// v.Post may name a post that never passed through this queue (one published before, or
	// on another machine): a report about it is still a report.
	old, ok, err := a.st.Violation(v.ID)
	if err != nil {
		return err
	}
	if a.e.Kind == ReportFile {
		v.Source = SourceReport
	} else if v.Source != SourceCheck {
		v.Source = SourceAdmin
	}
	v.Status, v.Sanction, v.Feedback, v.Appeal, v.UpdatedAt, v.SanctionedAt = ViolationOpen, "", "", "", time.Time{}, time.Time{}
	if ok {
		if old.Group == v.Group && old.Member == v.Member && old.Post == v.Post && old.Reporter == v.Reporter &&
			old.Text == v.Text && old.Time.Equal(v.Time) && old.Rule == v.Rule && old.Source == v.Source {
			return ErrNoChange
		}
		return fmt.Errorf("violation %s exists already with other content", v.ID)
	}
	return a.st.PutViolation(nil, &v)
}

var violationMoves = map[Kind]struct {
	from []ViolationStatus
	to   ViolationStatus
}{
	ViolationVerify:   {[]ViolationStatus{ViolationOpen}, ViolationVerified},
	ViolationSanction: {[]ViolationStatus{ViolationVerified}, ViolationSanctioned},
	ViolationDismiss:  {[]ViolationStatus{ViolationOpen, ViolationVerified}, ViolationDismissed},
	ViolationClose:    {[]ViolationStatus{ViolationSanctioned}, ViolationClosed},
	ViolationAppeal:   {[]ViolationStatus{ViolationSanctioned, ViolationClosed}, ""},
	ViolationFeedback: {ViolationStatuses, ""},
}

func (a *applier) violationAction() error {
	v, ok, err := a.st.Violation(a.e.Subject)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("unknown violation %q", a.e.Subject)
	}
	mv := violationMoves[a.e.Kind]
	if !slices.Contains(mv.from, v.Status) {
		return a.refuse("violation", v.ID, string(v.Status), "")
	}
	old := v
	v.UpdatedAt = a.e.Time
	if mv.to != "" {
		v.Status = mv.to
	}
	switch a.e.Kind {
	case ViolationSanction:
		var p ReasonPayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if p.Step == "" {
			return a.refuse("violation", v.ID, string(old.Status), "a sanction names its step of the ladder")
		}
		v.Sanction, v.SanctionedAt = p.Step, a.e.Time
		if err := a.setStep(v.Group, v.Member, p.Step); err != nil {
			return err
		}
	case ViolationFeedback:
		var p FeedbackPayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if v.Source != SourceReport || p.Text == "" {
			return a.refuse("violation", v.ID, string(v.Status), "feedback goes to the member who reported, and says something")
		}
		v.Feedback = p.Text
	case ViolationAppeal:
		var p AppealPayload
		if err := a.payload(&p); err != nil {
			return err
		}
		if v.Appeal != "" {
			return a.refuse("violation", v.ID, string(v.Status), "the appeal was answered already")
		}
		v.Appeal = AppealUpheld
		if p.Overturned {
			v.Appeal, v.Status = AppealOverturned, ViolationDismissed
		}
	}
	return a.st.PutViolation(&old, &v)
}

func (a *applier) setStep(group, member, step string) error {
	m, ok, err := a.st.Member(MemberKey(group, member))
	if err != nil || !ok {
		return err
	}
	old := m
	m.Step = step
	return a.st.PutMember(&old, &m)
}

func (a *applier) applicationFile() error {
	var ap Application
	if err := entity(a, &ap); err != nil {
		return err
	}
	if ap.ID == "" || ap.ID != a.e.Subject {
		return fmt.Errorf("application.file: subject %q and id %q differ", a.e.Subject, ap.ID)
	}
	switch ap.Kind {
	case AppJoin, AppExit, AppAppeal:
	default:
		return fmt.Errorf("application %s: unknown kind %q", ap.ID, ap.Kind)
	}
	if _, ok, err := a.st.Group(ap.Group); err != nil || !ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("application %s: unknown group %q", ap.ID, ap.Group)
	}
	ap.Status, ap.DecidedBy, ap.DecidedAt, ap.Reason = AppPending, "", time.Time{}, ""
	old, ok, err := a.st.Application(ap.ID)
	if err != nil {
		return err
	}
	if ok {
		if old.Group == ap.Group && old.Member == ap.Member && old.Kind == ap.Kind && old.Time.Equal(ap.Time) && old.Text == ap.Text {
			return ErrNoChange
		}
		return fmt.Errorf("application %s exists already with other content", ap.ID)
	}
	return a.st.PutApplication(nil, &ap)
}

func (a *applier) applicationDecide() error {
	var p ReasonPayload
	if err := a.payload(&p); err != nil {
		return err
	}
	ap, ok, err := a.st.Application(a.e.Subject)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("unknown application %q", a.e.Subject)
	}
	appeal := a.e.Kind == AppealUphold || a.e.Kind == AppealOverturn
	if ap.Status != AppPending || appeal != (ap.Kind == AppAppeal) {
		why := ""
		if ap.Status == AppPending {
			why = "an appeal is upheld or overturned; a join or exit is approved or refused"
		}
		return a.refuse("application", ap.ID, string(ap.Status)+" "+string(ap.Kind), why)
	}
	old := ap
	ap.DecidedBy, ap.DecidedAt, ap.Reason = a.actor, a.e.Time, p.Reason
	ap.Status = AppApproved
	if a.e.Kind == ApplicationRefuse || a.e.Kind == AppealUphold {
		ap.Status = AppRefused
	}
	if ap.Status == AppApproved {
		if err := a.applicationEffect(&ap); err != nil {
			return err
		}
	}
	return a.st.PutApplication(&old, &ap)
}

// applicationEffect carries out an approved application on the membership.
func (a *applier) applicationEffect(ap *Application) error {
	m, ok, err := a.st.Member(MemberKey(ap.Group, ap.Member))
	if err != nil || !ok {
		return err // a join of someone not yet on the roster: the administrator adds them
	}
	old := m
	switch ap.Kind {
	case AppJoin:
		if m.Status != MemberApplicant {
			return nil
		}
		m.Status = MemberActive
	case AppExit:
		if m.Status == MemberRemoved || m.Status == MemberExited {
			return nil
		}
		m.Status, m.MutedUntil = MemberExited, time.Time{}
	case AppAppeal:
		if m.Status != MemberRemoved && m.Status != MemberMuted {
			return nil
		}
		m.Status, m.MutedUntil = MemberActive, time.Time{}
	}
	return a.st.PutMember(&old, &m)
}

func (a *applier) rectificationOrder() error {
	var r Rectification
	if err := a.payload(&r); err != nil {
		return err
	}
	if r.ID == "" || r.ID != a.e.Subject || (r.Group == "" && r.Branch == "") || r.Item == "" {
		return fmt.Errorf("rectification %q: needs an id, a group or branch, and an inspection item", r.ID)
	}
	if _, ok, err := a.st.Rectification(r.ID); err != nil || ok {
		if err != nil {
			return err
		}
		return fmt.Errorf("rectification %s exists already", r.ID)
	}
	r.Status, r.Opened, r.Closed = RectOpen, a.e.Time, time.Time{}
	if r.Group != "" {
		g, ok, err := a.st.Group(r.Group)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("rectification %s: unknown group %q", r.ID, r.Group)
		}
		if g.Status == GroupDissolved {
			return a.refuse("group", g.ID, string(g.Status), "")
		}
		old := g
		g.Status, g.Deadline = GroupRectifying, r.Deadline
		if err := a.st.PutGroup(&old, &g); err != nil {
			return err
		}
	}
	return a.st.PutRectification(nil, &r)
}

func (a *applier) rectificationClose() error {
	r, ok, err := a.st.Rectification(a.e.Subject)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("unknown rectification %q", a.e.Subject)
	}
	if r.Status != RectOpen {
		return a.refuse("rectification", r.ID, string(r.Status), "")
	}
	old := r
	r.Status, r.Closed = RectClosed, a.e.Time
	if r.Group != "" {
		g, ok, err := a.st.Group(r.Group)
		if err != nil {
			return err
		}
		if ok && g.Status == GroupRectifying {
			og := g
			g.Status, g.Deadline = GroupActive, time.Time{}
			if err := a.st.PutGroup(&og, &g); err != nil {
				return err
			}
		}
	}
	return a.st.PutRectification(&old, &r)
}
