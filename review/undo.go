package review

import (
	"encoding/json"
	"fmt"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// UndoBatch undoes the last decision of each post, all in one append: a batch decided
// together (the screen's marked posts) is undone together, or not at all. Each undo is an
// event of its own, referring to the decision it reverses, as DecideWith's undo is, and
// dismisses the violations a rejection it reverses recorded.
func (s *Service) UndoBatch(postIDs []string) ([]model.Hash, error) {
	role := s.Signer.Operator.Role
	if !model.Allowed(role, model.PostUndo) {
		return nil, &model.PermissionError{Role: role, Kind: model.PostUndo}
	}
	drafts := make([]model.Draft, 0, len(postIDs))
	payload, err := json.Marshal(model.ReasonPayload{})
	if err != nil {
		return nil, err
	}
	for _, id := range postIDs {
		p, ok, err := s.Store.Post(id)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, i18n.E("review.unknown-post", id)
		}
		i := p.LastDecision()
		if i < 0 {
			return nil, &model.TransitionError{Entity: "post", ID: id, State: string(p.Status), Kind: model.PostUndo, Role: role, Why: "there is no decision to undo"}
		}
		drafts = append(drafts, model.Draft{Kind: model.PostUndo, Subject: id, Payload: payload, Refs: []model.Hash{p.History[i].Event}})
		more, err := s.undoFindings(&p, p.History[i])
		if err != nil {
			return nil, err
		}
		drafts = append(drafts, more...)
	}
	ids, err := s.Store.Append(s.Signer, drafts...)
	if err != nil {
		return nil, err
	}
	if len(ids) < len(postIDs) {
		return ids, fmt.Errorf("undo of %d posts wrote %d events", len(postIDs), len(ids))
	}
	return ids, nil
}
