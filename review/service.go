// Package review holds the rules of the regulations and the workflows that apply them: the
// checks on posts, triage, the discipline ladder, statistics, and the service through which
// the screen and the command line decide.
package review

import (
	"encoding/json"
	"fmt"

	"qunshen/model"
)

// Store is what the workflows need of storage; storage.Store satisfies it.
type Store interface {
	Post(id string) (model.Post, bool, error)
	Append(signer *model.Signer, drafts ...model.Draft) ([]model.Hash, error)
}

// Service decides on behalf of one operator.
type Service struct {
	Store  Store
	Signer *model.Signer
}

// Decisions maps the words of the command line to the kinds of decision.
var Decisions = map[string]model.Kind{
	"approve":  model.PostApprove,
	"reject":   model.PostReject,
	"changes":  model.PostChanges,
	"escalate": model.PostEscalate,
	"signoff":  model.PostSignOff,
	"return":   model.PostReturn,
	"undo":     model.PostUndo,
}

// Decide records a decision on a post: it checks the permission first, so that a forbidden
// action is refused before anything is read, then appends the signed event; the store checks
// the transition again inside its transaction. It returns the event's id.
func (s *Service) Decide(postID string, kind model.Kind, reason string) (model.Hash, error) {
	role := s.Signer.Operator.Role
	if !model.Allowed(role, kind) {
		return model.Hash{}, &model.PermissionError{Role: role, Kind: kind}
	}
	d := model.Draft{Kind: kind, Subject: postID}
	if kind == model.PostUndo {
		p, ok, err := s.Store.Post(postID)
		if err != nil {
			return model.Hash{}, err
		}
		if !ok {
			return model.Hash{}, fmt.Errorf("unknown post %q", postID)
		}
		i := p.LastDecision()
		if i < 0 {
			return model.Hash{}, &model.TransitionError{Entity: "post", ID: postID, State: string(p.Status), Kind: kind, Role: role, Why: "there is no decision to undo"}
		}
		d.Refs = []model.Hash{p.History[i].Event}
	}
	payload, err := json.Marshal(model.ReasonPayload{Reason: reason})
	if err != nil {
		return model.Hash{}, err
	}
	d.Payload = payload
	ids, err := s.Store.Append(s.Signer, d)
	if err != nil {
		return model.Hash{}, err
	}
	if len(ids) != 1 {
		return model.Hash{}, fmt.Errorf("post %s: the decision wrote no event", postID)
	}
	return ids[0], nil
}
