package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"qunshen/model"
	"qunshen/review"
)

type violationOptions struct {
	step, text, reason string
}

// violationVerbs are the Violations pane's actions, by the words of the command line.
func violationVerbs() []string { return []string{"verify", "dismiss", "sanction", "feedback", "close"} }

// qunshen violation verify|dismiss|sanction|feedback|close V: the Violations pane's actions
// on a violation, through the service. sanction applies the step of the ladder proposed for
// it (or the one --step names): the violation's sanction and the member action the step
// calls for, in one transaction.
func newViolationCmd(e *env) *cobra.Command {
	var o violationOptions
	c := e.command("violation", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.violation.want")
		}
		if !slices.Contains(violationVerbs(), args[0]) {
			return usagef("cli.violation.unknown", args[0])
		}
		if len(args) != 2 {
			return usagef("cli.violation.want")
		}
		return e.runViolation(args[0], args[1], o)
	})
	f := c.Flags()
	f.StringVar(&o.step, "step", "", e.t("cli.violation.flag.step"))
	f.StringVar(&o.text, "text", "", e.t("cli.violation.flag.text"))
	f.StringVar(&o.reason, "reason", "", e.t("cli.violation.flag.reason"))
	c.ValidArgsFunction = verbs(violationVerbs()...)
	return c
}

func (e *env) runViolation(verb, id string, o violationOptions) error {
	text := strings.TrimSpace(o.text)
	switch {
	case o.step != "" && verb != "sanction":
		return usagef("cli.violation.only", "--step", "sanction")
	case o.reason != "" && verb != "sanction":
		return usagef("cli.violation.only", "--reason", "sanction")
	case o.text != "" && verb != "feedback" && verb != "dismiss":
		return usagef("cli.violation.only", "--text", "feedback, dismiss")
	case verb == "feedback" && text == "":
		return usagef("cli.violation.text-needed")
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	var ids []model.Hash
	var sanctioned *review.Sanctioned
	one := func(ev model.Hash, err error) error {
		ids = append(ids, ev)
		return err
	}
	switch verb {
	case "verify":
		err = one(svc.MoveViolation(id, model.ViolationVerify))
	case "close":
		err = one(svc.MoveViolation(id, model.ViolationClose))
	case "feedback":
		err = one(svc.Feedback(id, text))
	case "dismiss":
		ids, err = svc.Dismiss(id, text)
	case "sanction":
		var r review.Sanctioned
		r, err = svc.Sanction(id, o.step, strings.TrimSpace(o.reason), string(e.lang))
		ids, sanctioned = r.Events, &r
	}
	if err != nil {
		return err
	}
	v, _, err := svc.Violation(id)
	if err != nil {
		return err
	}
	e.say("cli.violation.done", v.ID, e.name("violation.", string(v.Status)), events(ids), svc.Operator().Name)
	if r := sanctioned; r != nil {
		m, _, err := svc.Member(v.Group, v.Member)
		if err != nil {
			return err
		}
		e.say("cli.violation.step", r.Step.Name(string(e.lang)), r.Step.Clause, m.ID, m.Group,
			e.t("cli.did."+string(r.Action)), e.memberState(m))
	}
	return nil
}
