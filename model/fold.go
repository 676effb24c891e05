package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	fastjson "github.com/goccy/go-json"
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
	// GroupRectifications are the inspection findings against a group, in the order of their ids.
	GroupRectifications(group string) ([]Rectification, error)

	PutOperator(o *Operator) error
	PutGroup(old, g *Group) error
	PutMember(old, m *Member) error
	// PutPost stores p, which was old (nil for a new post); the store may keep p and old,
	// which the caller does not change after.
	PutPost(old, p *Post) error
	PutViolation(old, v *Violation) error
	PutApplication(old, a *Application) error
	PutRectification(old, r *Rectification) error
	// PutOutbox keeps the lines of the outbox that one event made, in order (OutboxLine).
	PutOutbox(lines []OutboxLine) error
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
		// Violation is, on a member action, the violation whose step of the ladder it applies.
		Violation string `json:"violation,omitempty"`
		// Override is, on an approval or a sign-off, the operator's override of the post's
		// block findings: every rule of them, and why.
		Override *Override `json:"override,omitempty"`
		// Seen is, on a post decision, how many entries of the post's history the decider saw:
		// the decision follows exactly that history. Nil on events made before it existed.
		Seen *int `json:"seen,omitempty"`
		// Checked is, on an approval or a sign-off, the decider's word that it holds block
		// findings to an override: every such decision made since that rule came carries it.
		// A decision without it was made by an earlier version, under the rules of its time,
		// and is admitted as it was made, so that a database's history stays what it was.
		Checked bool `json:"checked,omitempty"`
	}
	// Override lets a post with block findings be approved or signed off.
	Override struct {
		Reason string   `json:"reason"`
		Rules  []string `json:"rules"`
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
	if err := a.apply(); err != nil {
		return err
	}
	if len(a.out) > 0 {
		return st.PutOutbox(a.out)
	}
	return nil
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
	case PostApprove, PostReject, PostChanges, PostEscalate, PostSignOff, PostReturn, PostRetract:
		return a.postDecide()
	case PostUndo:
		return a.postUndo()

	case ComplaintFile, ViolationRecord:
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
	out    []OutboxLine // the lines of the outbox the event makes (emit)
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

// entityKind is how the appliers name, read and show one kind of entity (fold_*.go, one file
// an entity).
type entityKind[T any] struct {
	name   string                               // in messages: "member"
	get    func(State, string) (T, bool, error) // the entity a key names
	id     func(*T) string                      // its id, as a refusal names it
	status func(*T) string                      // its status, as a refusal names it
}

var (
	groupKind = &entityKind[Group]{"group", State.Group,
		func(g *Group) string { return g.ID }, func(g *Group) string { return string(g.Status) }}
	memberKind = &entityKind[Member]{"member", State.Member,
		func(m *Member) string { return m.ID }, func(m *Member) string { return string(m.Status) }}
	postKind = &entityKind[Post]{"post", State.Post,
		func(p *Post) string { return p.ID }, func(p *Post) string { return string(p.Status) }}
	violationKind = &entityKind[Violation]{"violation", State.Violation,
		func(v *Violation) string { return v.ID }, func(v *Violation) string { return string(v.Status) }}
	applicationKind = &entityKind[Application]{"application", State.Application,
		func(a *Application) string { return a.ID }, func(a *Application) string { return string(a.Status) }}
	rectificationKind = &entityKind[Rectification]{"rectification", State.Rectification,
		func(r *Rectification) string { return r.ID }, func(r *Rectification) string { return string(r.Status) }}
)

// load is how an action on an entity begins: the event's payload decoded into pl (none when
// nil), the entity the event's subject names read, an unknown one refused, and, when allowed
// is not nil, the action refused unless allowed says the entity, as it stands, may take it.
func load[T any](a *applier, k *entityKind[T], pl any, allowed func(*T) bool) (T, error) {
	var v T
	if pl != nil {
		if err := a.payload(pl); err != nil {
			return v, err
		}
	}
	v, ok, err := k.get(a.st, a.e.Subject)
	if err != nil {
		return v, err
	}
	if !ok {
		return v, fmt.Errorf("unknown %s %q", k.name, a.e.Subject)
	}
	if allowed != nil && !allowed(&v) {
		return v, a.refuse(k.name, k.id(&v), k.status(&v), "")
	}
	return v, nil
}
