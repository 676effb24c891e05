package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"qunshen/internal/i18n"
)

// newRoot builds the command tree in the language in force. With no command, qunshen opens
// the workbench (open.go).
func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:                        "qunshen",
		Short:                      e.t("cli.root.short"),
		Long:                       e.t("cli.root.long"),
		Args:                       e.noCommand,
		RunE:                       func(*cobra.Command, []string) error { return e.runOpen() },
		SilenceErrors:              true,
		SilenceUsage:               true,
		SuggestionsMinimumDistance: 2,
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&e.db, "db", "", e.t("cli.flag.db"))
	pf.StringVar(&e.langFlag, "lang", "", e.t("cli.flag.lang"))
	pf.StringVar(&e.as, "as", "", e.t("cli.flag.as"))
	pf.StringVar(&e.policy, "policy", "", e.t("cli.flag.policy"))
	for _, c := range []*cobra.Command{
		newInitCmd(e), newKeyCmd(e), newTrustCmd(e), newImportCmd(e), newDecideCmd(e),
		newMemberCmd(e), newViolationCmd(e), newApplicationCmd(e), newAppealCmd(e), newListCmd(e), newShowCmd(e),
		newStatusCmd(e), newVerifyCmd(e), newBackupCmd(e), newRestoreCmd(e), newCompactCmd(e),
		newReportCmd(e), newInspectCmd(e), newRectifyCmd(e), newGenCmd(e), newDemoCmd(e),
		newScanCmd(e), newSyncCmd(e), newExportCmd(e), newArchiveCmd(e), newPolicyCmd(e),
		newViolationCmd(e),
	} {
		root.AddCommand(c)
	}
	root.SetGlobalNormalizationFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "o" { // -o FILE, also spelt --o as Go's flag package took it
			return "output"
		}
		return pflag.NormalizedName(name)
	})
	e.localize(root)
	return root
}

// command is a command of the catalogue: its use line, short and long help are the entries
// cli.NAME.args, cli.NAME.short and cli.NAME.long. Its flags are added by the caller, and its
// arguments checked by run, so that every fault has a message of the catalogue.
func (e *env) command(name string, run func(args []string) error) *cobra.Command {
	use := name
	if i18n.Has("cli." + name + ".args") {
		use += " " + e.t("cli."+name+".args")
	}
	c := &cobra.Command{
		Use:   use,
		Short: e.t("cli." + name + ".short"),
		Args:  cobra.ArbitraryArgs,
		RunE:  func(_ *cobra.Command, args []string) error { return run(args) },
	}
	if i18n.Has("cli." + name + ".long") {
		c.Long = e.t("cli." + name + ".long")
	}
	return c
}

// verbs completes the first argument of a command from its verbs (sync export|import …).
func verbs(words ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return words, cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveDefault
	}
}

// fixed completes a flag's value from a list.
func fixed(words ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return words, cobra.ShellCompDirectiveNoFileComp
	}
}

// noArgs refuses any argument (completion bash …).
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("cli.unexpected", args[0])
	}
	return nil
}
