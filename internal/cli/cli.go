// Package cli is qunshen's command line: a cobra command per file (or per family of
// commands), each owning its flags, every word it shows taken from the catalogue
// internal/i18n, every name, path and text from outside made inert before it is shown.
//
// Run is the whole of it for main. The language is known before the command tree is built
// (--lang, else LANG), so that help, usage and cobra's own messages are in it too.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	_ "time/tzdata" // zone names (--tz Europe/Berlin) on a machine without a zone database

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
)

// Run runs one command line and returns its exit code: 0 when it did what was asked, 1 when
// it failed, 2 when the command line itself was wrong.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(&env{stdin: stdin, stdout: stdout, stderr: stderr}, args)
}

// env is what every command runs with: the streams, the language, the global options, the
// clock, and the passphrase of the operator's key once asked.
type env struct {
	stdin          io.Reader // nil: nothing to read answers from
	stdout, stderr io.Writer
	now            func() time.Time // what reports and inspections take as now (tests fix it)
	lang           i18n.Lang

	// The global options (persistent flags of the root command).
	db, langFlag, as, policy, tz string
	noMouse                      bool
	zone                         *time.Location // of the times shown: --tz, $QUNSHEN_TZ, or China time

	passphrase []byte
}

func run(e *env, args []string) int {
	if e.now == nil {
		e.now = time.Now
	}
	// Everything written to standard output is made inert where it is made; the guard shows
	// whatever would still act on a terminal (the C1 and bidirectional controls that JSON
	// output carries raw), as JSON's escape of it.
	guard := inert.NewGuard(e.stdout)
	e.stdout = guard
	defer guard.Flush()
	lang, bad := langOf(args)
	e.lang = lang
	if bad != "" {
		e.printError("", &usageError{err: i18n.E("cli.lang.bad", bad)})
		return 2
	}
	root := newRoot(e)
	args = longFlags(root, args)
	args = e.takeOperator(args)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	return e.exit(root, cmd, err)
}

// langOf is the language of the command line: the last --lang, else en when LANG names an
// English locale, else zh. bad is a last --lang that is neither; the message that says so is
// in the language of a --lang before it, or of LANG.
func langOf(args []string) (l i18n.Lang, bad string) {
	l = i18n.ZH
	if strings.HasPrefix(os.Getenv("LANG"), "en_") {
		l = i18n.EN
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "lang" {
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				break
			}
			i++
			val = args[i]
		}
		switch val {
		case "zh", "en":
			l, bad = i18n.Lang(val), ""
		case "":
		default:
			bad = val
		}
	}
	return l, bad
}

// longFlags writes a long flag given with one dash (-json, -reason X), as Go's flag package
// took them, with two, as cobra takes them. A value that follows a flag is left as it is.
func longFlags(root *cobra.Command, args []string) []string {
	takesValue := map[string]bool{} // every flag of the tree, by name and shorthand
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.Flags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				takesValue[f.Name] = takesValue[f.Name] || f.NoOptDefVal == ""
				if f.Shorthand != "" {
					takesValue[f.Shorthand] = takesValue[f.Shorthand] || f.NoOptDefVal == ""
				}
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		out = append(out, a)
		if a == "--" {
			out = append(out, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		name, _, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		value, known := takesValue[name]
		if known && a[1] != '-' && len(name) > 1 {
			out[len(out)-1] = "-" + a
		}
		if known && value && !hasVal && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
	}
	return out
}

// takeOperator takes --as NAME from before the command name. import gives --as a meaning of
// its own (pending or history), so in `qunshen --as 王芳 import --as history chat.csv` the
// first names the operator and the second the mode; for every other command the two are the
// same flag. The other global flags before the command are left for cobra.
func (e *env) takeOperator(args []string) []string {
	out := make([]string, 0, len(args))
	i := 0
	for i < len(args) {
		a := args[i]
		if a == "--" || len(a) < 2 || a[0] != '-' {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		n := 1
		if !hasVal && name != "h" && name != "help" && name != "no-mouse" {
			n = 2
		}
		if i+n > len(args) {
			break
		}
		switch name {
		case "as":
			if !hasVal {
				val = args[i+1]
			}
			e.as = val
		case "db", "lang", "policy", "tz", "no-mouse", "h", "help":
			out = append(out, args[i:i+n]...)
		default:
			return append(out, args[i:]...)
		}
		i += n
	}
	return append(out, args[i:]...)
}

// usageError is a command line that is wrong: exit 2, with the command's usage after it.
type usageError struct {
	err  error
	hint string // a command whose --help to point to, rather than print the usage
}

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

// usagef is a usage error of the catalogue.
func usagef(key string, args ...any) error { return &usageError{err: i18n.E(key, args...)} }

// exit prints err, if any, and gives the exit code.
func (e *env) exit(root, cmd *cobra.Command, err error) int {
	if err == nil {
		return 0
	}
	if cmd == nil {
		cmd = root
	}
	name := strings.TrimPrefix(strings.TrimPrefix(cmd.CommandPath(), root.Name()), " ")
	e.printError(name, err)
	var ue *usageError
	if !errors.As(err, &ue) {
		return 1
	}
	if ue.hint != "" {
		fmt.Fprintln(e.stderr, inert.Text(e.tf("cli.help.hint", ue.hint)))
	} else {
		fmt.Fprintln(e.stderr)
		e.writeUsage(e.stderr, cmd)
	}
	return 2
}

// printError writes `qunshen COMMAND: what went wrong`, in the user's language.
func (e *env) printError(name string, err error) {
	if name != "" {
		name = " " + name
	}
	fmt.Fprintln(e.stderr, inert.Text(i18n.Tf(e.lang, "cli.error", name, i18n.Explain(e.lang, err))))
}
