package cli

import (
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"qunshen/model"
	"qunshen/review"
)

// qunshen decide POST-ID approve|reject|changes|escalate|signoff|return|retract|undo
// [--reason TEXT] [--override]: the decision goes through the service, which checks the
// operator's permission first.
func newDecideCmd(e *env) *cobra.Command {
	var o struct {
		reason   string
		override bool
	}
	c := e.command("decide", func(args []string) error {
		if len(args) != 2 {
			return usagef("cli.decide.want")
		}
		if o.override && strings.TrimSpace(o.reason) == "" {
			return usagef("cli.decide.override-reason")
		}
		return e.runDecide(args[0], args[1], review.DecideOptions{Reason: o.reason, Override: o.override})
	})
	c.Flags().StringVar(&o.reason, "reason", "", e.t("cli.decide.flag.reason"))
	c.Flags().BoolVar(&o.override, "override", false, e.t("cli.decide.flag.override"))
	c.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 1 {
			return slices.Sorted(maps.Keys(review.Decisions)), cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return c
}

func (e *env) runDecide(id, decision string, opt review.DecideOptions) error {
	kind, ok := review.Decisions[decision]
	if !ok {
		return usagef("cli.decide.unknown", decision)
	}
	if opt.Override && kind != model.PostApprove && kind != model.PostSignOff {
		return usagef("cli.decide.override-kind", decision)
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
	ev, err := svc.DecideWith(id, kind, opt)
	if err != nil {
		return err
	}
	p, _, err := st.Post(id)
	if err != nil {
		return err
	}
	e.say("cli.decide.done", p.ID, e.name("post.", string(p.Status)), ev.Short(), s.Operator.Name)
	if last := p.History[len(p.History)-1]; len(last.Override) > 0 {
		e.say("cli.decide.overridden", strings.Join(last.Override, ", "), last.Reason)
	}
	if kind == model.PostReject || kind == model.PostChanges {
		// The violations the rejection recorded, found by the checks.
		vs, err := st.MemberViolations(p.Group, p.Author)
		if err != nil {
			return err
		}
		at := p.History[len(p.History)-1].Time
		for _, v := range slices.Backward(vs) {
			if v.Post == p.ID && v.Source == model.SourceCheck && !v.Time.Before(at) {
				e.say("cli.decide.violation", v.ID, p.Author, v.Rule, v.Clause)
			}
		}
	}
	return nil
}
