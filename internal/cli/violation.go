package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"qunshen/review"
)

// violationOptions are the flags of qunshen violation.
type violationOptions struct {
	post, member, group, rule, note string
}

// qunshen violation record (--post P | --member M --group G) --rule R --note TEXT: a violation
// recorded by hand, through the service, which checks the operator's permission and the rule.
func newViolationCmd(e *env) *cobra.Command {
	var o violationOptions
	c := e.command("violation", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.violation.want")
		}
		switch args[0] {
		case "record":
			if len(args) != 1 {
				return usagef("cli.unexpected", args[1])
			}
			return e.runViolationRecord(o)
		}
		return usagef("cli.violation.unknown", args[0])
	})
	f := c.Flags()
	f.StringVar(&o.post, "post", "", e.t("cli.violation.flag.post"))
	f.StringVar(&o.member, "member", "", e.t("cli.violation.flag.member"))
	f.StringVar(&o.group, "group", "", e.t("cli.violation.flag.group"))
	f.StringVar(&o.rule, "rule", "", e.t("cli.violation.flag.rule"))
	f.StringVar(&o.note, "note", "", e.t("cli.violation.flag.note"))
	c.ValidArgsFunction = verbs("record")
	return c
}

// runViolationRecord records a violation in a post (its author's) or of a member of a group.
func (e *env) runViolationRecord(o violationOptions) error {
	switch {
	case o.post != "" && (o.member != "" || o.group != ""):
		return usagef("cli.violation.record.both")
	case o.post == "" && (o.member == "" || o.group == ""):
		return usagef("cli.violation.record.who")
	case o.rule == "":
		return usagef("cli.violation.record.rule")
	case strings.TrimSpace(o.note) == "":
		return usagef("cli.violation.record.note")
	}
	st, s, err := e.signer()
	if err != nil {
		return err
	}
	defer st.Close()
	pol, err := e.loadPolicy()
	if err != nil {
		return err
	}
	svc := review.Service{Store: st, Signer: s, Rules: pol, Clock: e.now}
	v, ev, err := svc.RecordViolation(review.NewViolation{Post: o.post, Member: o.member, Group: o.group, Rule: o.rule, Note: o.note})
	if err != nil {
		return err
	}
	e.say("cli.violation.recorded", v.ID, v.Member, v.Group, v.Rule, v.Clause, e.name("violation.", string(v.Status)), ev.Short(), s.Operator.Name)
	return nil
}
