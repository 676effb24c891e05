package storage

import (
	"time"

	"qunshen/internal/i18n"
	"qunshen/internal/ingest"
	"qunshen/model"
)

// importScope checks the records of an import of files, before anything is written, against
// the designation in force of the operator who imports: a designated administrator imports
// only the groups, members, posts, reports and applications of the groups its scope covers.
// The fold checks each record again as it is written.
type importScope struct {
	rec      *model.DesignationRecord // nil: the operator has none, and imports every group
	name     string
	role     model.Role
	branches map[string]string // the groups of the files read so far: id → branch
}

// newImportScope is the scope of op's import at now: nil when op has no designation. A
// designation that does not hold now refuses the import.
func newImportScope(st *txState, op model.Operator, now time.Time) (*importScope, error) {
	stored, ok, err := st.Operator(op.Key)
	if err != nil || !ok || stored.Designation == "" {
		return nil, err
	}
	rec, ok, err := st.Designation(stored.Designation)
	if err != nil || !ok {
		return nil, err
	}
	if err := rec.HoldsFor(&model.Event{Kind: model.ImportBatch, Time: now}); err != nil {
		return nil, err
	}
	return &importScope{rec: &rec, name: op.Name, role: op.Role, branches: map[string]string{}}, nil
}

// check refuses a record of a group the scope does not cover, in the catalogue's words.
func (sc *importScope) check(st *txState, file string, rec *ingest.Record) error {
	if sc == nil || sc.rec.Scope.All {
		return nil
	}
	var kind model.Kind
	var entity, id, group string
	switch {
	case rec.Group != nil:
		g := *rec.Group
		if old, ok, err := st.Group(g.ID); err != nil {
			return err
		} else if ok && !sc.rec.Scope.Covers(&old) {
			return sc.refuse(file, rec, model.GroupRegister, "group", g.ID, &old)
		}
		sc.branches[g.ID] = g.Branch
		if !sc.rec.Scope.Covers(&g) {
			return sc.refuse(file, rec, model.GroupRegister, "group", g.ID, &g)
		}
		return nil
	case rec.Member != nil:
		kind, entity, id, group = model.MemberAdd, "member", rec.Member.ID, rec.Member.Group
	case rec.Post != nil:
		kind, entity, id, group = model.PostSubmit, "post", rec.Post.ID, rec.Post.Group
	case rec.Report != nil:
		kind, entity, id, group = model.ComplaintFile, "violation", rec.Report.ID, rec.Report.Group
	case rec.Application != nil:
		kind, entity, id, group = model.ApplicationFile, "application", rec.Application.ID, rec.Application.Group
	default:
		return nil
	}
	g := model.Group{ID: group}
	if b, ok := sc.branches[group]; ok {
		g.Branch = b
	} else if stored, ok, err := st.Group(group); err != nil {
		return err
	} else if ok {
		g = stored
	}
	if sc.rec.Scope.Covers(&g) {
		return nil
	}
	return sc.refuse(file, rec, kind, entity, id, &g)
}

func (sc *importScope) refuse(file string, rec *ingest.Record, kind model.Kind, entity, id string, g *model.Group) error {
	return i18n.E("storage.import.line", file, rec.Line, &model.ScopeError{Operator: sc.name, Role: sc.role, Serial: sc.rec.Serial,
		Scope: sc.rec.Scope, Kind: kind, Entity: entity, ID: id, Group: g.ID, Branch: g.Branch})
}
