package cli

import (
	"os"
	"time"

	"github.com/spf13/cobra"

	"qunshen/internal/atomicfile"
	"qunshen/internal/i18n"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// qunshen export decisions: what the chat side must carry out, as JSON Lines.
func newExportCmd(e *env) *cobra.Command {
	var out, since string
	c := e.command("export", func(args []string) error {
		if len(args) != 1 || args[0] != "decisions" {
			return usagef("cli.export.want")
		}
		return e.exportDecisions(out, since)
	})
	c.Flags().StringVarP(&out, "output", "o", "", e.t("cli.flag.output-or-stdout"))
	c.Flags().StringVar(&since, "since", "", e.t("cli.export.flag.since"))
	c.ValidArgsFunction = verbs("decisions")
	return c
}

func (e *env) exportDecisions(out, sinceText string) error {
	if out == "" {
		return usagef("cli.output-required")
	}
	var since time.Time
	if sinceText != "" {
		var err error
		if since, err = parseSince(sinceText); err != nil {
			return &usageError{err: i18n.E("cli.export.since", err)}
		}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	pol, err := e.loadPolicy()
	if err != nil {
		return err
	}
	// The service completes the lines the store keeps: the brief of a member added comes from
	// the policy in force.
	svc := review.Service{Store: st, Rules: pol}
	lines := func(f func(*model.OutboxLine) error) error { return svc.Outbox(since, f) }
	var n int
	if out == "-" {
		_, err = storage.WriteOutbox(e.stdout, lines)
		return err
	}
	err = atomicfile.Write(out, func(f *os.File) error {
		n, err = storage.WriteOutbox(f, lines)
		return err
	})
	if err != nil {
		return err
	}
	e.say("cli.export.done", out, n)
	return nil
}

func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		return t, nil
	}
	return time.Time{}, i18n.E("cli.export.since-bad", s)
}
