package cli

// qunshen commend and qunshen reward: a well-run group commended (CW 六(三)1, IW 第九条), the
// reporter of a report that checked out rewarded (CW 六(一)2). Both appear in the report.

import (
	"strings"

	"github.com/spf13/cobra"
)

type commendOptions struct{ group, report, text, id string }

// qunshen commend --group G --text TEXT [--id ID]
func newCommendCmd(e *env) *cobra.Command {
	var o commendOptions
	c := e.command("commend", func(args []string) error {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		switch {
		case o.group == "":
			return usagef("cli.commend.group")
		case strings.TrimSpace(o.text) == "":
			return usagef("cli.commend.text")
		}
		st, svc, err := e.actor()
		if err != nil {
			return err
		}
		defer st.Close()
		x, ev, err := svc.Commend(o.id, o.group, o.text)
		if err != nil {
			return err
		}
		e.say("cli.commend.done", x.ID, x.Group, x.Clause, ev.Short(), x.By)
		return nil
	})
	f := c.Flags()
	f.StringVar(&o.group, "group", "", e.t("cli.commend.flag.group"))
	f.StringVar(&o.text, "text", "", e.t("cli.commend.flag.text"))
	f.StringVar(&o.id, "id", "", e.t("cli.commend.flag.id"))
	return c
}

// qunshen reward --report R --text TEXT [--id ID]
func newRewardCmd(e *env) *cobra.Command {
	var o commendOptions
	c := e.command("reward", func(args []string) error {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		switch {
		case o.report == "":
			return usagef("cli.reward.report")
		case strings.TrimSpace(o.text) == "":
			return usagef("cli.commend.text")
		}
		st, svc, err := e.actor()
		if err != nil {
			return err
		}
		defer st.Close()
		x, ev, err := svc.Reward(o.id, o.report, o.text)
		if err != nil {
			return err
		}
		e.say("cli.reward.done", x.ID, x.Reporter, x.Report, x.Group, x.Clause, ev.Short(), x.By)
		return nil
	})
	f := c.Flags()
	f.StringVar(&o.report, "report", "", e.t("cli.reward.flag.report"))
	f.StringVar(&o.text, "text", "", e.t("cli.reward.flag.text"))
	f.StringVar(&o.id, "id", "", e.t("cli.reward.flag.id"))
	return c
}
