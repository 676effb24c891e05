package cli

// Archive access on request (GO 五(二)): a member asks to read a group's archive for their work;
// the owner checks the reason and grants it, the confidential material only with the approval
// of the branch secretary or the supervisor recorded; the archive written for a request holds
// what was granted, and its index names the request, the reason and the approver.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
	"qunshen/review"
)

// archiveVerbs are the verbs of qunshen archive; without one it writes an archive.
func archiveVerbs() []string { return []string{"request", "approve", "grant", "refuse", "requests"} }

func (e *env) runArchiveVerb(verb string, args []string, o archiveOptions) error {
	if verb == "requests" {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		return e.archiveRequests(o)
	}
	if verb == "request" {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		return e.archiveRequest(o)
	}
	if len(args) != 1 {
		return usagef("cli.access.one-id", verb)
	}
	id := args[0]
	switch verb {
	case "approve":
		if o.withConfidential || o.reason != "" {
			return usagef("cli.access.approve-flags")
		}
	case "grant":
		if o.reason != "" || o.text != "" {
			return usagef("cli.access.grant-flags")
		}
	case "refuse":
		if strings.TrimSpace(o.reason) == "" {
			return usagef("cli.access.reason")
		}
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	var x model.ArchiveAccess
	var ev model.Hash
	switch verb {
	case "approve":
		x, ev, err = svc.ApproveArchive(id, o.text)
	case "grant":
		x, ev, err = svc.GrantArchive(id, o.withConfidential)
	case "refuse":
		x, ev, err = svc.RefuseArchive(id, o.reason)
	}
	if err != nil {
		return err
	}
	switch verb {
	case "approve":
		e.say("cli.access.approved", x.ID, x.Member, x.Group, e.role(x.ApprovedRole), ev.Short(), x.ApprovedBy)
	case "grant":
		what := e.t("cli.access.without")
		if x.Confidential {
			what = e.tf("cli.access.with", x.ApprovedBy)
		}
		e.say("cli.access.granted", x.ID, x.Member, x.Group, what, ev.Short(), x.DecidedBy)
		e.say("cli.access.next", x.ID)
	case "refuse":
		e.say("cli.access.refused", x.ID, x.Member, x.Group, ev.Short(), x.DecidedBy)
	}
	return nil
}

func (e *env) archiveRequest(o archiveOptions) error {
	switch {
	case len(o.groups) != 1:
		return usagef("cli.access.group")
	case o.member == "":
		return usagef("cli.access.member")
	case strings.TrimSpace(o.reason) == "":
		return usagef("cli.access.reason")
	case o.withConfidential || o.request != "" || o.out != "":
		return usagef("cli.access.request-flags")
	}
	now := e.now()
	var period *review.Period
	if o.period != "" {
		p, err := review.ParsePeriod(o.period, now)
		if err != nil {
			return &usageError{err: i18n.E("cli.archive.period", err)}
		}
		period = &p
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	x, ev, err := svc.RequestArchive(review.NewArchiveAccess{ID: o.id, Group: o.groups[0], Member: o.member, Reason: o.reason, Period: period})
	if err != nil {
		return err
	}
	e.say("cli.access.requested", x.ID, x.Member, x.Group, e.accessPeriod(&x), ev.Short(), x.FiledBy)
	return nil
}

func (e *env) accessPeriod(x *model.ArchiveAccess) string {
	if x.Period == "" {
		return e.t("cli.archive.all-time")
	}
	return x.Period
}

// accessRow is a row of archive requests --json.
type accessRow struct {
	ID           string    `json:"id"`
	Group        string    `json:"group"`
	Member       string    `json:"member"`
	Period       string    `json:"period"`
	Reason       string    `json:"reason"`
	Status       string    `json:"status"`
	Filed        time.Time `json:"filed,omitzero"`
	FiledBy      string    `json:"filed_by"`
	ApprovedBy   string    `json:"approved_by"`
	ApprovedAt   time.Time `json:"approved_at,omitzero"`
	DecidedBy    string    `json:"decided_by"`
	DecidedAt    time.Time `json:"decided_at,omitzero"`
	Confidential bool      `json:"confidential"`
	RefuseReason string    `json:"refuse_reason,omitempty"`
}

func (e *env) archiveRequests(o archiveOptions) error {
	st, svc, err := e.reader()
	if err != nil {
		return err
	}
	defer st.Close()
	xs, err := svc.ArchiveAccesses()
	if err != nil {
		return err
	}
	slices.SortStableFunc(xs, func(a, b model.ArchiveAccess) int { return a.Filed.Compare(b.Filed) })
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	rows := [][]string{{e.t("cli.col.id"), e.t("cli.col.group"), e.t("cli.col.member"), e.t("cli.col.period"), e.t("cli.col.status"),
		e.t("cli.col.approver"), e.t("cli.col.reason")}}
	for _, x := range xs {
		if len(o.groups) > 0 && !slices.Contains(o.groups, x.Group) {
			continue
		}
		if o.json {
			if err := enc.Encode(accessRow{ID: x.ID, Group: x.Group, Member: x.Member, Period: x.Period, Reason: x.Reason, Status: string(x.Status),
				Filed: x.Filed, FiledBy: x.FiledBy, ApprovedBy: x.ApprovedBy, ApprovedAt: x.ApprovedAt, DecidedBy: x.DecidedBy,
				DecidedAt: x.DecidedAt, Confidential: x.Confidential, RefuseReason: x.RefuseReason}); err != nil {
				return err
			}
			continue
		}
		status := e.t("access." + string(x.Status))
		if x.Confidential {
			status += e.t("cli.access.with-conf")
		}
		rows = append(rows, cells(x.ID, x.Group, x.Member, e.accessPeriod(&x), status, x.ApprovedBy, x.Reason))
	}
	if o.json {
		return nil
	}
	if len(rows) == 1 {
		e.say("cli.list.none")
		return nil
	}
	writeTable(w, rows)
	return nil
}

// runAccessArchive writes the archive of a granted request: the request's group and period,
// the confidential posts only when the grant includes them; its index names the request, the
// reason and the approver.
func (e *env) runAccessArchive(o archiveOptions, now time.Time) error {
	if len(o.groups) > 0 || o.period != "" || o.withConfidential {
		return usagef("cli.access.archive-flags")
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := e.loadSigner(st)
	if err != nil {
		return err
	}
	svc := &review.Service{Store: st, Signer: s, Clock: e.now}
	x, err := svc.ArchiveAccess(o.request)
	if err != nil {
		return err
	}
	if x.Status != model.AccessGranted {
		return i18n.E("cli.access.not-granted", x.ID, e.t("access."+string(x.Status)))
	}
	groups, period, conf := review.AccessArchiveRequest(&x)
	a, err := review.BuildArchive(st, review.ArchiveRequest{Groups: groups, Period: period, ByTime: o.by == "time",
		IncludeConfidential: conf, Operator: s.Operator, Now: now,
		Command: fmt.Sprintf("qunshen archive --request %s --by %s", x.ID, o.by)})
	if err != nil {
		return err
	}
	a.Access = &x
	return e.writeArchive(o, a, s, period)
}
