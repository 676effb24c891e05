package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"qunshen/internal/i18n"
	"qunshen/model"
	"qunshen/review"
)

// qunshen application approve|refuse ID [--reason TEXT]: a join or exit application
// decided, as the Roster pane's a and r do, through the service. An application is decided
// once.
func newApplicationCmd(e *env) *cobra.Command {
	var reason string
	c := e.command("application", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.application.want")
		}
		kind, ok := map[string]model.Kind{"approve": model.ApplicationApprove, "refuse": model.ApplicationRefuse}[args[0]]
		if !ok {
			return usagef("cli.application.unknown", args[0])
		}
		if len(args) != 2 {
			return usagef("cli.application.want")
		}
		st, svc, err := e.actor()
		if err != nil {
			return err
		}
		defer st.Close()
		ev, err := svc.DecideApplication(args[1], kind, strings.TrimSpace(reason))
		if err != nil {
			return err
		}
		return e.sayApplication(svc, args[1], ev)
	})
	c.Flags().StringVar(&reason, "reason", "", e.t("cli.application.flag.reason"))
	c.ValidArgsFunction = verbs("approve", "refuse")
	return c
}

// qunshen appeal uphold|overturn ID --reason TEXT: the answer to an appeal. ID is an appeal
// application (the Roster pane's p) or a sanctioned violation (the Violations pane's p).
func newAppealCmd(e *env) *cobra.Command {
	var reason string
	c := e.command("appeal", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.appeal.want")
		}
		kind, ok := map[string]model.Kind{"uphold": model.AppealUphold, "overturn": model.AppealOverturn}[args[0]]
		if !ok {
			return usagef("cli.appeal.unknown", args[0])
		}
		if len(args) != 2 {
			return usagef("cli.appeal.want")
		}
		if strings.TrimSpace(reason) == "" {
			return usagef("cli.appeal.reason-needed")
		}
		return e.runAppeal(kind, args[1], strings.TrimSpace(reason))
	})
	c.Flags().StringVar(&reason, "reason", "", e.t("cli.appeal.flag.reason"))
	c.ValidArgsFunction = verbs("uphold", "overturn")
	return c
}

func (e *env) runAppeal(kind model.Kind, id, reason string) error {
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	// The role first, before the id is looked up: an appeal's answer is the office's.
	if role := svc.Operator().Role; !model.Allowed(role, kind) && !model.Allowed(role, model.ViolationAppeal) {
		return &model.PermissionError{Role: role, Kind: kind}
	}
	_, isApp, err := svc.Application(id)
	if err != nil {
		return err
	}
	_, isViol, err := svc.Violation(id)
	if err != nil {
		return err
	}
	switch {
	case isApp && isViol:
		return i18n.E("cli.appeal.both", id)
	case isApp:
		ev, err := svc.DecideApplication(id, kind, reason)
		if err != nil {
			return err
		}
		return e.sayApplication(svc, id, ev)
	case isViol:
		ev, err := svc.AppealViolation(id, kind == model.AppealOverturn, reason)
		if err != nil {
			return err
		}
		v, _, err := svc.Violation(id)
		if err != nil {
			return err
		}
		e.say("cli.appeal.violation", v.ID, e.t("cli.appeal."+v.Appeal), e.name("violation.", string(v.Status)), ev.Short(), svc.Operator().Name)
		return nil
	}
	return i18n.E("cli.appeal.none", id)
}

// sayApplication tells where an application stands after its decision.
func (e *env) sayApplication(svc *review.Service, id string, ev model.Hash) error {
	a, _, err := svc.Application(id)
	if err != nil {
		return err
	}
	e.say("cli.application.done", a.ID, e.t("roster.app."+string(a.Kind)), e.name("application.", string(a.Status)), ev.Short(), svc.Operator().Name)
	return nil
}
