package review

import (
	"slices"
	"strings"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// Commendation and reward (CW 六(三)1, 六(一)2; IW 第九条) and archive access on request
// (GO 五(二)), as the screen and the command line act on them. Each action checks the
// operator's role first, then what it names, then appends its event; the fold checks both
// again.

// AssessStore is what these read of the store; storage.Store satisfies it.
type AssessStore interface {
	Commendations() ([]model.Commendation, error)
	ArchiveAccesses() ([]model.ArchiveAccess, error)
	ArchiveAccess(id string) (model.ArchiveAccess, bool, error)
	Violation(id string) (model.Violation, bool, error)
}

func (s *Service) assessStore() (AssessStore, error) {
	d, ok := s.Store.(AssessStore)
	if !ok {
		return nil, i18n.E("review.desk.store")
	}
	return d, nil
}

// Commendations lists the commendations and rewards, by id.
func (s *Service) Commendations() ([]model.Commendation, error) {
	d, err := s.assessStore()
	if err != nil {
		return nil, err
	}
	return d.Commendations()
}

// ArchiveAccesses lists the requests to read the archive, by id.
func (s *Service) ArchiveAccesses() ([]model.ArchiveAccess, error) {
	d, err := s.assessStore()
	if err != nil {
		return nil, err
	}
	return d.ArchiveAccesses()
}

// ArchiveAccess reads one request to read the archive; an unknown one is refused.
func (s *Service) ArchiveAccess(id string) (model.ArchiveAccess, error) {
	d, err := s.assessStore()
	if err != nil {
		return model.ArchiveAccess{}, err
	}
	x, ok, err := d.ArchiveAccess(id)
	if err == nil && !ok {
		err = i18n.E("review.access.unknown", id)
	}
	return x, err
}

func (s *Service) commendationID(prefix string) (string, error) {
	d, err := s.assessStore()
	if err != nil {
		return "", err
	}
	return s.freeID(prefix+s.Now().In(ChinaTime).Format("20060102-150405"), func(id string) (bool, error) {
		xs, err := d.Commendations()
		return slices.ContainsFunc(xs, func(x model.Commendation) bool { return x.ID == id }), err
	})
}

// Commend records the commendation of a well-run group (CW 六(三)1, IW 第九条); id empty
// makes one (K-YYYYMMDD-HHMMSS).
func (s *Service) Commend(id, group, text string) (model.Commendation, model.Hash, error) {
	x := model.Commendation{ID: id, Kind: model.CommendGroup, Group: group, Text: strings.TrimSpace(text)}
	if err := s.allowed(model.GroupCommend); err != nil {
		return x, model.Hash{}, err
	}
	if _, ok, err := s.findGroup(group); err != nil || !ok {
		if err == nil {
			err = i18n.E("review.unknown-group", group)
		}
		return x, model.Hash{}, err
	}
	if x.ID == "" {
		var err error
		if x.ID, err = s.commendationID("K-"); err != nil {
			return x, model.Hash{}, err
		}
	}
	ev, err := s.Act(model.GroupCommend, x.ID, x)
	if err != nil {
		return x, ev, err
	}
	x.Clause, x.Time, x.By = model.CommendClause(x.Kind), s.Now(), s.Signer.Operator.Name
	return x, ev, nil
}

// Reward records the reward of the member whose report checked out (CW 六(一)2): report is the
// violation the member reported, verified, sanctioned or closed.
func (s *Service) Reward(id, report, text string) (model.Commendation, model.Hash, error) {
	x := model.Commendation{ID: id, Kind: model.CommendReward, Report: report, Text: strings.TrimSpace(text)}
	if err := s.allowed(model.ReportReward); err != nil {
		return x, model.Hash{}, err
	}
	d, err := s.assessStore()
	if err != nil {
		return x, model.Hash{}, err
	}
	v, ok, err := d.Violation(report)
	if err != nil {
		return x, model.Hash{}, err
	}
	switch {
	case !ok:
		return x, model.Hash{}, i18n.E("review.reward.unknown", report)
	case v.Source != model.SourceComplaint || v.Reporter == "":
		return x, model.Hash{}, i18n.E("review.reward.not-report", report)
	case v.Status == model.ViolationOpen || v.Status == model.ViolationDismissed:
		return x, model.Hash{}, i18n.E("review.reward.unverified", report, string(v.Status))
	}
	x.Group, x.Reporter = v.Group, v.Reporter
	if x.ID == "" {
		if x.ID, err = s.commendationID("W-"); err != nil {
			return x, model.Hash{}, err
		}
	}
	ev, err := s.Act(model.ReportReward, x.ID, x)
	if err != nil {
		return x, ev, err
	}
	x.Clause, x.Time, x.By = model.CommendClause(x.Kind), s.Now(), s.Signer.Operator.Name
	return x, ev, nil
}

func (s *Service) findGroup(id string) (model.Group, bool, error) {
	gs, err := s.Store.Groups()
	if err != nil {
		return model.Group{}, false, err
	}
	for _, g := range gs {
		if g.ID == id {
			return g, true, nil
		}
	}
	return model.Group{}, false, nil
}

// NewArchiveAccess is a member's request to read a group's archive.
type NewArchiveAccess struct {
	ID, Group, Member, Reason string
	Period                    *Period // nil: all time
}

// RequestArchive records a member's request to read a group's archive for their work
// (GO 五(二)1); id empty makes one (A-YYYYMMDD-HHMMSS).
func (s *Service) RequestArchive(n NewArchiveAccess) (model.ArchiveAccess, model.Hash, error) {
	x := model.ArchiveAccess{ID: n.ID, Group: n.Group, Member: n.Member, Reason: strings.TrimSpace(n.Reason)}
	if n.Period != nil {
		x.Period, x.From, x.To = n.Period.String(), n.Period.From, n.Period.To
	}
	if err := s.allowed(model.ArchiveRequest); err != nil {
		return x, model.Hash{}, err
	}
	if _, ok, err := s.findGroup(n.Group); err != nil || !ok {
		if err == nil {
			err = i18n.E("review.unknown-group", n.Group)
		}
		return x, model.Hash{}, err
	}
	if _, ok, err := s.Store.Member(n.Group, n.Member); err != nil || !ok {
		if err == nil {
			err = i18n.E("review.access.unknown-member", n.Member, n.Group)
		}
		return x, model.Hash{}, err
	}
	d, err := s.assessStore()
	if err != nil {
		return x, model.Hash{}, err
	}
	if x.ID == "" {
		if x.ID, err = s.freeID("A-"+s.Now().In(ChinaTime).Format("20060102-150405"), func(id string) (bool, error) {
			_, ok, err := d.ArchiveAccess(id)
			return ok, err
		}); err != nil {
			return x, model.Hash{}, err
		}
	} else if _, ok, err := d.ArchiveAccess(x.ID); err != nil || ok {
		if err == nil {
			err = i18n.E("review.access.exists", x.ID)
		}
		return x, model.Hash{}, err
	}
	ev, err := s.Act(model.ArchiveRequest, x.ID, x)
	if err != nil {
		return x, ev, err
	}
	return s.accessAfter(x.ID, ev)
}

func (s *Service) accessAfter(id string, ev model.Hash) (model.ArchiveAccess, model.Hash, error) {
	x, err := s.ArchiveAccess(id)
	return x, ev, err
}

// waiting reads a request that is still waiting for the owner's decision.
func (s *Service) waiting(id string, kind model.Kind) (model.ArchiveAccess, error) {
	if err := s.allowed(kind); err != nil {
		return model.ArchiveAccess{}, err
	}
	x, err := s.ArchiveAccess(id)
	if err != nil {
		return x, err
	}
	if x.Status != model.AccessRequested {
		return x, &model.TransitionError{Entity: "archive request", ID: x.ID, State: string(x.Status), Kind: kind, Role: s.Signer.Operator.Role,
			Why: "it was decided already, by " + x.DecidedBy}
	}
	return x, nil
}

// ApproveArchive records the approval of a request's confidential material by the branch
// secretary or the supervisor (GO 五(二)2): what lets the owner grant it with that material.
func (s *Service) ApproveArchive(id, note string) (model.ArchiveAccess, model.Hash, error) {
	x, err := s.waiting(id, model.ArchiveApprove)
	if err != nil {
		return x, model.Hash{}, err
	}
	if x.Approved() {
		return x, model.Hash{}, i18n.E("review.access.approved-already", x.ID, x.ApprovedBy)
	}
	ev, err := s.Act(model.ArchiveApprove, x.ID, model.ArchiveApprovePayload{Note: strings.TrimSpace(note)})
	if err != nil {
		return x, ev, err
	}
	return s.accessAfter(x.ID, ev)
}

// GrantArchive records the owner's grant of a request, after checking its reason (GO 五(二)1);
// with the confidential material only when its approval is recorded (GO 五(二)2).
func (s *Service) GrantArchive(id string, confidential bool) (model.ArchiveAccess, model.Hash, error) {
	x, err := s.waiting(id, model.ArchiveGrant)
	if err != nil {
		return x, model.Hash{}, err
	}
	if confidential && !x.Approved() {
		return x, model.Hash{}, i18n.E("review.access.not-approved", x.ID)
	}
	ev, err := s.Act(model.ArchiveGrant, x.ID, model.ArchiveGrantPayload{Confidential: confidential})
	if err != nil {
		return x, ev, err
	}
	return s.accessAfter(x.ID, ev)
}

// RefuseArchive records the owner's refusal of a request, with the reason.
func (s *Service) RefuseArchive(id, reason string) (model.ArchiveAccess, model.Hash, error) {
	x, err := s.waiting(id, model.ArchiveRefuse)
	if err != nil {
		return x, model.Hash{}, err
	}
	ev, err := s.Act(model.ArchiveRefuse, x.ID, model.ArchiveRefusePayload{Reason: strings.TrimSpace(reason)})
	if err != nil {
		return x, ev, err
	}
	return s.accessAfter(x.ID, ev)
}

// AccessArchiveRequest is the archive that a granted request lets be made: the request's group
// and period, the confidential posts in it only when the grant includes them.
func AccessArchiveRequest(x *model.ArchiveAccess) (groups []string, period *Period, confidential bool) {
	if x.Period != "" || !x.From.IsZero() {
		period = &Period{Kind: PeriodRange, From: x.From, To: x.To}
		// A period named as the report names it (2026-10, 2026-Q3 …) keeps its name.
		if p, err := ParsePeriod(x.Period, x.From); err == nil && p.From.Equal(x.From) && p.To.Equal(x.To) {
			period = &p
		}
	}
	return []string{x.Group}, period, x.Confidential
}
