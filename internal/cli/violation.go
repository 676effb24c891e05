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
	// record's: the post, or the member and group; the rule; the note
	post, member, group, rule, note string
}

// violationVerbs are the Violations pane's actions, by the words of the command line, and
// record.
func violationVerbs() []string {
	return []string{"record", "verify", "dismiss", "sanction", "feedback", "close"}
}

// qunshen violation verify|dismiss|sanction|feedback|close V: the Violations pane's actions
// on a violation, through the service. sanction applies the step of the ladder proposed for
// it (or the one --step names): the violation's sanction and the member action the step
// calls for, in one transaction. qunshen violation record (--post P | --member M --group G)
// --rule R --note TEXT: a violation recorded by hand.
func newViolationCmd(e *env) *cobra.Command {
	var o violationOptions
	c := e.command("violation", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.violation.want")
		}
		if !slices.Contains(violationVerbs(), args[0]) {
			return usagef("cli.violation.unknown", args[0])
		}
		if args[0] == "record" {
			if len(args) != 1 {
				return usagef("cli.unexpected", args[1])
			}
			return e.runViolationRecord(o)
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
	f.StringVar(&o.post, "post", "", e.t("cli.violation.flag.post"))
	f.StringVar(&o.member, "member", "", e.t("cli.violation.flag.member"))
	f.StringVar(&o.group, "group", "", e.t("cli.violation.flag.group"))
	f.StringVar(&o.rule, "rule", "", e.t("cli.violation.flag.rule"))
	f.StringVar(&o.note, "note", "", e.t("cli.violation.flag.note"))
	c.ValidArgsFunction = verbs(violationVerbs()...)
	return c
}

// runViolationRecord records a violation in a post (its author's) or of a member of a group.
func (e *env) runViolationRecord(o violationOptions) error {
	switch {
	case o.step != "" || o.text != "" || o.reason != "":
		return usagef("cli.violation.record.flags")
	case o.post != "" && (o.member != "" || o.group != ""):
		return usagef("cli.violation.record.both")
	case o.post == "" && (o.member == "" || o.group == ""):
		return usagef("cli.violation.record.who")
	case o.rule == "":
		return usagef("cli.violation.record.rule")
	case strings.TrimSpace(o.note) == "":
		return usagef("cli.violation.record.note")
	}
	st, svc, err := e.actor()
	if err != nil {
		return err
	}
	defer st.Close()
	v, ev, err := svc.RecordViolation(review.NewViolation{Post: o.post, Member: o.member, Group: o.group, Rule: o.rule, Note: o.note})
	if err != nil {
		return err
	}
	e.say("cli.violation.recorded", v.ID, v.Member, v.Group, v.Rule, v.Clause, e.name("violation.", string(v.Status)), ev.Short(), svc.Operator().Name)
	return nil
}

func (e *env) runViolation(verb, id string, o violationOptions) error {
	text := strings.TrimSpace(o.text)
	switch {
	case o.post != "" || o.member != "" || o.group != "" || o.rule != "" || o.note != "":
		return usagef("cli.violation.only", "--post, --member, --group, --rule, --note", "record")
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
