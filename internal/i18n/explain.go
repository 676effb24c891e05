package i18n

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"qunshen/internal/inert"
	"qunshen/model"
)

// Error is a fault whose words are in the catalogue: Key names the entry, Args fill its verbs
// (%s, %q, %d, %v; explicit indexes such as %[2]s let a language take the arguments in its own
// order, or leave one out). Error gives the English text, for logs and tests; Explain and In
// give the user's language. A package returns one where its fault reaches a person:
//
//	return i18n.E("review.scope.bad", s)
//
// An argument that is an error is explained in the same language (so an Error may wrap a
// cause); a string argument is made inert on one line, so that a name or a path from outside
// cannot drive the terminal.
type Error struct {
	Key  string
	Args []any
	// Is is an error this one stands for, for errors.Is, not shown (a sentinel such as
	// storage.ErrLocked, whose words the catalogue gives).
	Is error
}

// E makes a catalogue error.
func E(key string, args ...any) *Error { return &Error{Key: key, Args: args} }

// EIs makes a catalogue error that stands for the error is: errors.Is finds it, the text is
// the catalogue's.
func EIs(is error, key string, args ...any) *Error { return &Error{Key: key, Args: args, Is: is} }

// Error is the English text.
func (e *Error) Error() string { return e.In(EN) }

// In is the text in l.
func (e *Error) In(l Lang) string {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		switch v := a.(type) {
		case error:
			args[i] = Explain(l, v)
		case string:
			args[i] = inert.Line(v)
		default:
			args[i] = a
		}
	}
	return Tf(l, e.Key, args...)
}

// Unwrap gives the errors among the arguments, for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Is != nil {
		errs = append(errs, e.Is)
	}
	for _, a := range e.Args {
		if err, ok := a.(error); ok {
			errs = append(errs, err)
		}
	}
	return errs
}

// Explain is the text of err in l. A catalogue Error is given in l; a refusal of the model
// (PermissionError, TransitionError, ConfidentialArchiveError, ErrUnknownOperator) is given
// in l with the names of roles, actions and statuses from the catalogue; an error made of
// several (with a Lines method: an import's faults) is each of them, one a line; a wrapped error
// keeps its wrapper's words and has what it wraps explained; any other error is given as it
// is. In English the refusals read as the model's own messages.
func Explain(l Lang, err error) string {
	if err == nil {
		return ""
	}
	switch e := err.(type) {
	case *Error:
		return e.In(l)
	case *model.PermissionError:
		return explainPermission(l, e)
	case *model.TransitionError:
		return explainTransition(l, e)
	case *model.ScopeError:
		return explainScope(l, e)
	case *model.DesignationError:
		return explainDesignation(l, e)
	case *model.DesignationFault:
		return Tf(l, "explain.designation-fault", Why(l, e.Why))
	case *model.ConfidentialArchiveError:
		allowed := []model.Role{model.RoleOwner, model.RoleSecretary, model.RoleSupervisor}
		return Tf(l, "explain.confidential", string(e.Role), roleName(l, e.Role), codes(allowed, ", "), roleNames(l, allowed))
	}
	if b, ok := err.(interface {
		Place() (string, int64)
		Unwrap() error
	}); ok && b.Unwrap() != nil {
		// A refused bundle whose fault is in the catalogue: the file, the place, the fault.
		file, off := b.Place()
		if off >= 0 {
			return Tf(l, "bundle.at", inert.Line(file), off, Explain(l, b.Unwrap()))
		}
		return Tf(l, "bundle.file", inert.Line(file), Explain(l, b.Unwrap()))
	}
	if x, ok := err.(interface{ In(Lang) string }); ok {
		return x.In(l) // a fault that words itself from the catalogue: a line of a file
	}
	if err == model.ErrUnknownOperator {
		return T(l, "explain.unknown-operator")
	}
	if ls, ok := err.(interface{ Lines() []error }); ok {
		// Several faults (an import's), one a line, each explained.
		lines := ls.Lines()
		out := make([]string, len(lines))
		for i, e := range lines {
			out[i] = Explain(l, e)
		}
		return strings.Join(out, "\n")
	}
	full := err.Error()
	switch w := err.(type) {
	case interface{ Unwrap() error }:
		if in := w.Unwrap(); in != nil {
			return splice(full, in.Error(), Explain(l, in))
		}
	case interface{ Unwrap() []error }:
		for _, in := range w.Unwrap() {
			if in != nil {
				full = splice(full, in.Error(), Explain(l, in))
			}
		}
	}
	return full
}

// splice puts the explained text of a wrapped error where its own text stands in the
// wrapper's message (at its end, most often: "file.csv: " + the wrapped).
func splice(full, inner, explained string) string {
	if inner == "" || inner == explained {
		return full
	}
	i := strings.LastIndex(full, inner)
	if i < 0 {
		return full
	}
	return full[:i] + explained + full[i+len(inner):]
}

func explainPermission(l Lang, e *model.PermissionError) string {
	allowed := model.AllowedRoles(e.Kind)
	if len(allowed) == 0 {
		return Tf(l, "explain.unknown-action", string(e.Kind))
	}
	s := Tf(l, "explain.permission", string(e.Role), roleName(l, e.Role), string(e.Kind), kindName(l, e.Kind),
		codes(allowed, ", "), roleNames(l, allowed))
	if slices.Contains(allowed, model.RoleSecretary) {
		s += T(l, "explain.powers")
	}
	return s
}

// ScopeText names a designation's scope for a person.
func ScopeText(l Lang, s model.Scope) string {
	groups := strings.Join(s.Groups, T(l, "list.sep"))
	switch {
	case s.All:
		return T(l, "explain.scope.all")
	case len(s.Groups) == 0:
		return Tf(l, "explain.scope.branch", inert.Line(s.Branch))
	case s.Branch == "":
		return Tf(l, "explain.scope.groups", inert.Line(groups))
	}
	return Tf(l, "explain.scope.both", inert.Line(s.Branch), inert.Line(groups))
}

func explainScope(l Lang, e *model.ScopeError) string {
	var where string
	switch {
	case e.Group == "":
		where = Tf(l, "explain.where.branch", inert.Line(e.Branch))
	case e.Branch == "":
		where = Tf(l, "explain.where.group", inert.Line(e.Group))
	default:
		where = Tf(l, "explain.where.group-branch", inert.Line(e.Group), inert.Line(e.Branch))
	}
	key := "explain.scope"
	if e.Entity == "group" && e.ID == e.Group {
		key = "explain.scope.self"
	}
	return Tf(l, key, inert.Line(e.Operator), roleName(l, e.Role), string(e.Role), inert.Line(e.Serial), ScopeText(l, e.Scope),
		kindName(l, e.Kind), string(e.Kind), lookup(l, "entity."+e.Entity, e.Entity), e.Entity, inert.Line(e.ID), where)
}

func explainDesignation(l Lang, e *model.DesignationError) string {
	at := func(t time.Time) string { return t.In(chinaTime).Format(time.DateTime) }
	s := Tf(l, "explain.designation."+e.Why, inert.Line(e.Serial), inert.Line(e.Name), at(e.When))
	if e.Kind != "" {
		s += Tf(l, "explain.designation.event", kindName(l, e.Kind), string(e.Kind), inert.Line(e.Subject), at(e.At))
	}
	return s
}

// chinaTime is the zone times are shown in (UTC+8).
var chinaTime = time.FixedZone("CST", 8*3600)

// Time shows an instant to a person, in China time, to the minute.
func Time(t time.Time) string { return t.In(chinaTime).Format("2006-01-02 15:04") }

func explainTransition(l Lang, e *model.TransitionError) string {
	s := Tf(l, "explain.transition", e.Entity, lookup(l, "entity."+e.Entity, e.Entity), e.ID, e.State, stateName(l, e.Entity, e.State),
		string(e.Kind), kindName(l, e.Kind), string(e.Role), roleName(l, e.Role))
	if e.Why != "" {
		s += Tf(l, "explain.why", Why(l, e.Why))
	}
	return s
}

// lookup is the entry of key in l, or def when the catalogue has none.
func lookup(l Lang, key, def string) string {
	if Has(key) {
		return T(l, key)
	}
	return def
}

// Has reports whether the catalogue has key.
func Has(key string) bool {
	_, ok := catalog[key]
	return ok
}

func roleName(l Lang, r model.Role) string { return lookup(l, "role."+string(r), string(r)) }

func kindName(l Lang, k model.Kind) string { return lookup(l, "kind."+string(k), string(k)) }

// KindName is the name of an action (an event's kind) in l.
func KindName(l Lang, k model.Kind) string { return kindName(l, k) }

func roleNames(l Lang, rs []model.Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = roleName(l, r)
	}
	return strings.Join(names, T(l, "list.sep"))
}

func codes(rs []model.Role, sep string) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return strings.Join(out, sep)
}

// stateName names an entity's state: "pending", or an application's "pending join".
func stateName(l Lang, entity, state string) string {
	if entity == "application" {
		if st, kind, ok := strings.Cut(state, " "); ok {
			return Tf(l, "explain.app-state", st, lookup(l, "application."+st, st), kind, lookup(l, "roster.app."+kind, kind))
		}
	}
	return lookup(l, entity+"."+state, state)
}

// whys are the entries of the reasons the model and the service give for a refusal
// (TransitionError.Why), the keys "why.…". The English text of each is the model's words,
// with %s and %d where they carry a value; Why finds the entry whose English text matches.
type whyEntry struct {
	key string
	re  *regexp.Regexp
}

var whys = sync.OnceValue(func() []whyEntry {
	var out []whyEntry
	for _, k := range slices.Sorted(maps.Keys(catalog)) {
		if strings.HasPrefix(k, "why.") {
			en := regexp.QuoteMeta(T(EN, k))
			out = append(out, whyEntry{k, regexp.MustCompile("^" + anyVerb.ReplaceAllString(en, "(.+?)") + "$")})
		}
	}
	return out
})

var anyVerb = regexp.MustCompile(`%(\[\d+\])?[dsvq]`)

// Why gives a refusal's reason in l: the model's English words when the catalogue has no
// entry for them.
func Why(l Lang, why string) string {
	if l == EN {
		return why
	}
	for _, w := range whys() {
		m := w.re.FindStringSubmatch(why)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for j, s := range m[1:] {
			args[j] = s
		}
		// The values were read back as text: every verb of the translation takes a string.
		tmpl := anyVerb.ReplaceAllString(T(l, w.key), "%${1}s")
		return fmt.Sprintf(tmpl, args...)
	}
	return why
}
