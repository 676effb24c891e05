package cli

// Help, usage and cobra's own messages, in the language of the catalogue: the help and the
// usage are written here rather than by cobra's templates (whose functions are global to the
// process, and whose flag lists say "(default …)" in English); a flag's fault, an unknown
// command and an unknown help topic become usage errors of the catalogue.

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"qunshen/internal/i18n"
)

// localize gives the tree its help command, its completion command and a help flag on every
// command, all in the language in force, and the functions that write help and usage.
func (e *env) localize(root *cobra.Command) {
	root.SetHelpCommand(&cobra.Command{
		Use:   "help " + e.t("cli.help.args"),
		Short: e.t("cli.help.short"),
		Long:  e.t("cli.help.long"),
		Args:  cobra.ArbitraryArgs,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var names []cobra.Completion
			for _, c := range root.Commands() {
				if c.IsAvailableCommand() {
					names = append(names, cobra.CompletionWithDesc(c.Name(), c.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || target == nil {
				target = root
			}
			if target == root && len(rest) > 0 {
				return e.unknownCommand(root, rest[0])
			}
			return target.Help()
		},
	})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Short, c.Long, c.Args = e.t("cli.completion.short"), e.t("cli.completion.long"), noArgs
		for _, sh := range c.Commands() {
			sh.Short = e.tf("cli.completion.shell", sh.Name())
			if i18n.Has("cli.completion." + sh.Name()) {
				sh.Long = e.t("cli.completion." + sh.Name())
			}
			sh.Args = noArgs
			if f := sh.Flags().Lookup("no-descriptions"); f != nil {
				f.Usage = e.t("cli.completion.no-desc")
			}
		}
	}
	var helpFlags func(c *cobra.Command)
	helpFlags = func(c *cobra.Command) {
		if c.Flags().Lookup("help") == nil {
			c.Flags().BoolP("help", "h", false, e.tf("cli.flag.help", c.Name()))
		}
		for _, sub := range c.Commands() {
			helpFlags(sub)
		}
	}
	helpFlags(root)
	root.SetHelpFunc(func(c *cobra.Command, _ []string) { e.writeHelp(c.OutOrStdout(), c) })
	root.SetUsageFunc(func(c *cobra.Command) error { e.writeUsage(c.OutOrStderr(), c); return nil })
	root.SetFlagErrorFunc(e.flagError)
}

// writeHelp writes what a command does, then its usage.
func (e *env) writeHelp(w io.Writer, c *cobra.Command) {
	text := c.Long
	if text == "" {
		text = c.Short
	}
	fmt.Fprintf(w, "%s\n\n", strings.TrimRight(text, "\n"))
	e.writeUsage(w, c)
}

// writeUsage writes a command's use line, its commands, its flags and the flags it inherits.
func (e *env) writeUsage(w io.Writer, c *cobra.Command) {
	var b strings.Builder
	b.WriteString(e.t("cli.help.usage") + "\n")
	if c.HasParent() && c.Runnable() {
		fmt.Fprintf(&b, "  %s %s\n", c.Parent().CommandPath(), c.Use)
	}
	if c.Runnable() && !c.HasParent() {
		fmt.Fprintf(&b, "  %s %s\n", c.CommandPath(), e.t("cli.help.flags-use"))
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "  %s %s\n", c.CommandPath(), e.t("cli.help.command-use"))
		b.WriteString("\n" + e.t("cli.help.commands") + "\n")
		width := 0
		for _, sub := range c.Commands() {
			width = max(width, len(sub.Name()))
		}
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				fmt.Fprintf(&b, "  %-*s  %s\n", width, sub.Name(), sub.Short)
			}
		}
	}
	if fs := c.LocalFlags(); fs.HasAvailableFlags() {
		b.WriteString("\n" + e.t("cli.help.flags") + "\n" + e.flagUsages(fs))
	}
	if fs := c.InheritedFlags(); fs.HasAvailableFlags() {
		b.WriteString("\n" + e.t("cli.help.global") + "\n" + e.flagUsages(fs))
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n" + e.tf("cli.help.more", c.CommandPath()) + "\n")
	}
	io.WriteString(w, b.String())
}

// flagUsages lists flags as pflag does, with the placeholders and the word for a default
// from the catalogue, aligned on the display width (a CJK placeholder is two columns wide).
func (e *env) flagUsages(fs *pflag.FlagSet) string {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		left := "      --" + f.Name
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			left = "  -" + f.Shorthand + ", --" + f.Name
		}
		varname, usage := pflag.UnquoteUsage(f)
		if varname != "" {
			left += " " + varname
		}
		if def := defaultText(f); def != "" {
			usage += e.tf("cli.help.default", def)
		}
		rows = append(rows, row{left, usage})
		width = max(width, ansi.StringWidth(left))
	})
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s%s   %s\n", r.left, strings.Repeat(" ", width-ansi.StringWidth(r.left)), r.usage)
	}
	return b.String()
}

// defaultText is a flag's default when it is worth saying: not empty, zero or false.
func defaultText(f *pflag.Flag) string {
	switch d := f.DefValue; {
	case d == "" || d == "false" || d == "0" || d == "[]":
		return ""
	case f.Value.Type() == "string":
		return strconv.Quote(d)
	default:
		return d
	}
}

// noCommand is the root's check of its arguments: with none it opens the workbench, any
// other is a command it does not know.
func (e *env) noCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return e.unknownCommand(c, args[0])
}

// unknownCommand refuses a command that does not exist, with the ones it may have meant.
func (e *env) unknownCommand(root *cobra.Command, name string) error {
	if s := root.SuggestionsFor(name); len(s) > 0 {
		return &usageError{err: i18n.E("cli.unknown-command.suggest", name, strings.Join(s, ", ")), hint: root.CommandPath()}
	}
	return &usageError{err: i18n.E("cli.unknown-command", name), hint: root.CommandPath()}
}

// flagError makes a fault of pflag's parsing (an unknown flag, a missing or bad value) a
// usage error of the catalogue.
func (e *env) flagError(_ *cobra.Command, err error) error {
	var (
		notExist *pflag.NotExistError
		noValue  *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &notExist):
		if s := notExist.GetSpecifiedShortnames(); s != "" {
			return usagef("cli.flag.unknown-short", rune(notExist.GetSpecifiedName()[0]), s)
		}
		return usagef("cli.flag.unknown", notExist.GetSpecifiedName())
	case errors.As(err, &noValue):
		if s := noValue.GetSpecifiedShortnames(); s != "" {
			return usagef("cli.flag.no-value-short", rune(noValue.GetSpecifiedName()[0]), s)
		}
		return usagef("cli.flag.no-value", noValue.GetSpecifiedName())
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		name := "--" + f.Name
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			name = "-" + f.Shorthand + ", --" + f.Name
		}
		cause := errors.Unwrap(invalid)
		why := fmt.Sprint(cause)
		switch {
		case errors.Is(cause, strconv.ErrSyntax):
			why = e.t("cli.flag.not-number")
		case errors.Is(cause, strconv.ErrRange):
			why = e.t("cli.flag.out-of-range")
		}
		return usagef("cli.flag.invalid", invalid.GetValue(), name, cause, why)
	case errors.As(err, &syntax):
		return usagef("cli.flag.syntax", syntax.GetSpecifiedFlag())
	}
	return &usageError{err: err}
}
