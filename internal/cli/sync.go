package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"qunshen/internal/inert"
	"qunshen/storage"
)

type syncOptions struct {
	peer, out string
	all       bool
}

// qunshen sync export|import|conflicts: events carried between machines in signed bundles.
func newSyncCmd(e *env) *cobra.Command {
	var o syncOptions
	c := e.command("sync", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.sync.want")
		}
		switch args[0] {
		case "export":
			if len(args) > 1 {
				return usagef("cli.unexpected", args[1])
			}
			return e.syncExport(o)
		case "import":
			if len(args) < 2 {
				return usagef("cli.sync.no-bundle")
			}
			return e.syncImport(args[1:])
		case "conflicts":
			return e.syncConflicts()
		}
		return usagef("cli.sync.unknown", args[0])
	})
	f := c.Flags()
	f.StringVar(&o.peer, "peer", "", e.t("cli.sync.flag.peer"))
	f.BoolVar(&o.all, "all", false, e.t("cli.sync.flag.all"))
	f.StringVarP(&o.out, "output", "o", "", e.t("cli.sync.flag.output"))
	c.ValidArgsFunction = verbs("export", "import", "conflicts")
	return c
}

func (e *env) syncExport(o syncOptions) error {
	if o.out == "" {
		return usagef("cli.output-required")
	}
	st, s, err := e.signer()
	if errors.Is(err, storage.ErrNoOperator) && e.operatorName() == "" {
		// The committee's machine may hold the authority alone: its bundles are the
		// authority's.
		var aerr error
		if st, s, aerr = e.authoritySigner(); aerr == nil {
			err = nil
		}
	}
	if err != nil {
		return err
	}
	defer st.Close()
	opt := storage.ExportOptions{Peer: o.peer, All: o.all}
	if show := e.progressLine(); show != nil {
		opt.Progress = func(done, total int) { show(e.tf("cli.sync.written", done, total)) }
	}
	res, err := st.ExportBundle(s, o.out, opt)
	e.endProgress()
	if err != nil {
		return err
	}
	per := 0.0
	if res.Events > 0 {
		per = float64(res.Bytes) / float64(res.Events)
	}
	e.say("cli.sync.exported", o.out, res.Events, res.Origins, res.Bytes, per, s.Operator.Name, s.Operator.Key.Fingerprint())
	if res.Events == 0 && o.peer != "" {
		e.say("cli.sync.sent-all", o.peer)
	}
	return nil
}

func (e *env) syncImport(files []string) error {
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	opt := storage.SyncOptions{}
	if show := e.progressLine(); show != nil {
		opt.Progress = func(stage string, done, total int) {
			show(e.tf("cli.sync.stage."+stage, done, total))
		}
	}
	res, err := st.ImportBundles(files, opt)
	e.endProgress()
	if err != nil {
		return err
	}
	line := e.tf("cli.sync.imported", res.Bundles, res.Events, res.New, res.Known)
	if res.Parked > 0 {
		line += e.tf("cli.sync.parked", res.Parked)
	}
	fmt.Fprintln(e.stdout, line)
	if res.Refolded {
		e.say("cli.sync.refolded")
	}
	if res.Disputed > 0 || res.Superseded > 0 {
		e.say("cli.sync.disputed", res.Disputed, res.Superseded)
	}
	return nil
}

func (e *env) syncConflicts() error {
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := st.Conflicts()
	if err != nil {
		return err
	}
	if len(cs.Disputed) == 0 && len(cs.Superseded) == 0 {
		e.say("cli.sync.no-conflicts")
		return nil
	}
	for _, p := range cs.Disputed {
		e.say("cli.sync.conflict", p.ID, p.Title, e.name("post.", string(p.Status)))
		for _, d := range p.History {
			mark := ""
			if d.Concurrent {
				mark = e.t("cli.sync.concurrent")
			}
			fmt.Fprintf(e.stdout, "  %s  %-10s %-18s %s → %s %s%s\n", e.when(d.Time), inert.Line(d.Actor),
				e.name("kind.", string(d.Kind)), e.name("post.", string(d.From)), e.name("post.", string(d.To)), inert.Line(d.Reason), mark)
		}
	}
	for _, s := range cs.Superseded {
		e.say("cli.sync.set-aside", s)
	}
	return nil
}
