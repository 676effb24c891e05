package cli

import (
	"maps"
	"slices"

	"github.com/spf13/cobra"

	"qunshen/review"
)

// qunshen decide POST-ID approve|reject|changes|escalate|signoff|return|undo [--reason TEXT]:
// the decision goes through the service, which checks the operator's permission first.
func newDecideCmd(e *env) *cobra.Command {
	var reason string
	c := e.command("decide", func(args []string) error {
		if len(args) != 2 {
			return usagef("cli.decide.want")
		}
		return e.runDecide(args[0], args[1], reason)
	})
	c.Flags().StringVar(&reason, "reason", "", e.t("cli.decide.flag.reason"))
	c.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 1 {
			return slices.Sorted(maps.Keys(review.Decisions)), cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return c
}

func (e *env) runDecide(id, decision, reason string) error {
	kind, ok := review.Decisions[decision]
	if !ok {
		return usagef("cli.decide.unknown", decision)
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
	svc := review.Service{Store: st, Signer: s, Rules: pol}
	ev, err := svc.Decide(id, kind, reason)
	if err != nil {
		return err
	}
	p, _, err := st.Post(id)
	if err != nil {
		return err
	}
	e.say("cli.decide.done", p.ID, e.name("post.", string(p.Status)), ev.Short(), s.Operator.Name)
	return nil
}
