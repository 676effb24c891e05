// Command qunshen (群审) is a keyboard-driven workbench for the pre-review of posts in Chinese
// work group chats, over an embedded database in which every decision is a signed event.
// This file wires the program: the subcommands, their flags, the store and the service.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// command is one subcommand.
type command struct {
	name    string
	args    string
	summary string
	run     func(c *ctx, fs *flag.FlagSet, args []string) error
	flags   func(fs *flag.FlagSet, c *ctx)
	// ownAs marks a command whose flags give --as a meaning of their own; the operator is
	// then named by --as before the command (qunshen --as 王芳 import --as history FILE).
	ownAs bool
}

// ctx holds the global flags and the streams.
type ctx struct {
	db     string
	lang   string
	as     string
	policy string
	stdout io.Writer
	stderr io.Writer
	stdin  io.Reader

	passphrase []byte // of the operator's key, once asked on the terminal
}

var commands []*command

func init() {
	commands = []*command{
		{name: "init", args: "--name NAME --role admin|secretary|owner|supervisor [--branch BRANCH] [--passphrase]", summary: "create an operator of this machine and its key", run: runInit, flags: initFlags},
		{name: "key", args: "export -o FILE", summary: "write the public key file of the operator in force, for other machines to trust", run: runKey, flags: keyFlags},
		{name: "trust", args: "FILE [--yes] | --list | --revoke NAME|FINGERPRINT", summary: "trust the operator key in a key file, list the trusted keys, or revoke one", run: runTrust, flags: trustFlags},
		{name: "import", args: "[--format NAME] [--group ID] [--as pending|history] [--skip-bad] FILE...", summary: "import queue files, chat exports (Telegram, QQ, WeCom, WeChat) and member rosters (CSV)", run: runImport, flags: importFlags, ownAs: true},
		{name: "decide", args: "POST-ID approve|reject|changes|escalate|signoff|return|undo [--reason TEXT]", summary: "record a decision on a post", run: runDecide, flags: decideFlags},
		{name: "status", args: "[--json]", summary: "print the counts of posts, members, violations and applications", run: runStatus, flags: statusFlags},
		{name: "verify", args: "", summary: "check every signature, the hash chains, and the projection against the log", run: runVerify},
		{name: "backup", args: "FILE", summary: "write a consistent copy of the database", run: runBackup},
		{name: "restore", args: "FILE", summary: "replace the database with a checked backup, keeping the one replaced", run: runRestore},
		{name: "compact", args: "", summary: "rewrite the database file without its free pages", run: runCompact},
		{name: "report", args: "[--period P] [--scope all|group:ID|branch:NAME] [--format md|csv|xlsx|html|json] [-o FILE] [--calendar FILE]", summary: "write the supervisor's report of a period, each figure beside the period before", run: runReport, flags: reportFlags},
		{name: "inspect", args: "--group ID|--branch NAME --item ITEM --finding TEXT [--deadline DATE|--days N] [--dissolve]", summary: "record an inspection finding and order its rectification, or the group's dissolution (supervisor)", run: runInspect, flags: inspectFlags},
		{name: "rectify", args: "list [--all] [--json] | close ID | dissolve GROUP [--reason TEXT]", summary: "list inspection findings, close one once rectified, or record a group dissolved", run: runRectify, flags: rectifyFlags},
		{name: "gen", args: "--posts N --members M [--groups G] [--seed S] -o FILE", summary: "write realistic generated data in the queue format", run: runGen, flags: genFlags},
		{name: "demo", args: "[--as admin|secretary]", summary: "open a demo database (made the first time) as its administrator or secretary", run: runDemo},
		{name: "scan", args: "[--terms FILE] [--json] [FILE|-]", summary: "run the content checks over text, each line one post", run: runScan, flags: scanFlags},
		{name: "sync", args: "export [--peer NAME] [--all] -o FILE | import FILE... | conflicts", summary: "carry events between machines as signed bundle files, and list the conflicts", run: runSync, flags: syncFlags},
		{name: "export", args: "decisions [--since TIME] -o FILE", summary: "write the decisions the chat side must carry out, as JSON Lines", run: runExport, flags: exportFlags},
		{name: "archive", args: "[--group ID] [--period P] [--by theme|time] [--include-confidential] [--force] -o FOLDER", summary: "write the group owner's archive of published posts (GO 五(一)) as Markdown and one printable HTML file", run: runArchive, flags: archiveFlags},
		{name: "policy", args: "check FILE | default", summary: "check a policy file, or print the built-in policy to start one from", run: runPolicy},
	}
}

func main() {
	c := &ctx{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin}
	os.Exit(run(c, os.Args[1:]))
}

// run executes one command line and returns the exit code.
func run(c *ctx, args []string) int {
	top := flag.NewFlagSet("qunshen", flag.ContinueOnError)
	top.SetOutput(c.stderr)
	globalFlags(top, c, true)
	top.Usage = func() { usage(c.stderr) }
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	args = top.Args()
	var cmd *command
	if len(args) > 0 {
		if args[0] == "help" {
			usage(c.stdout)
			return 0
		}
		for _, k := range commands {
			if k.name == args[0] {
				cmd = k
			}
		}
		if cmd == nil {
			fmt.Fprintf(c.stderr, "qunshen: unknown command %q\n\n", args[0])
			usage(c.stderr)
			return 2
		}
		args = args[1:]
	}
	if cmd == nil {
		cmd = &command{name: "", summary: "open the workbench", run: runOpen}
	}
	fs := flag.NewFlagSet("qunshen "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	globalFlags(fs, c, !cmd.ownAs)
	if cmd.flags != nil {
		cmd.flags(fs, c)
	}
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "usage: qunshen %s %s\n\n%s\n\nflags:\n", cmd.name, cmd.args, cmd.summary)
		fs.PrintDefaults()
	}
	if err := fs.Parse(interleave(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if c.lang != "" && c.lang != "zh" && c.lang != "en" {
		fmt.Fprintf(c.stderr, "qunshen: --lang takes zh or en, not %q\n", c.lang)
		return 2
	}
	if err := cmd.run(c, fs, fs.Args()); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(c.stderr, "qunshen %s: %v\n", cmd.name, err)
			fs.Usage()
			return 2
		}
		fmt.Fprintf(c.stderr, "qunshen %s: %v\n", cmd.name, err)
		return 1
	}
	return 0
}

// interleave lets flags stand after positional arguments (qunshen decide P1 reject --reason X).
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") {
				if f := fs.Lookup(name); f != nil {
					if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
						if i+1 < len(args) {
							flags = append(flags, args[i+1])
							i++
						}
					}
				}
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// globalFlags registers the flags every command takes; withAs leaves --as out for a command
// that gives it a meaning of its own.
func globalFlags(fs *flag.FlagSet, c *ctx, withAs bool) {
	fs.StringVar(&c.db, "db", c.db, "database `path` (default $QUNSHEN_DB, or $XDG_DATA_HOME/qunshen/qunshen.db)")
	fs.StringVar(&c.lang, "lang", c.lang, "language of the interface: zh or en (default zh, or en when LANG is en_*)")
	if withAs {
		fs.StringVar(&c.as, "as", c.as, "act as the operator of this `name` (default $QUNSHEN_AS, or the first operator made by init)")
	}
	fs.StringVar(&c.policy, "policy", c.policy, "the checks' policy `file` (default $QUNSHEN_POLICY, or the built-in policy)")
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "qunshen (群审): pre-review of work group posts, offline, with signed decisions\n\n")
	fmt.Fprintf(w, "usage: qunshen [--db PATH] [--lang zh|en] [--as NAME] [--policy FILE] [COMMAND] [ARGS]\n\n")
	fmt.Fprintf(w, "with no command, opens the workbench on the database.\n\ncommands:\n")
	for _, k := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", k.name, k.summary)
	}
	fmt.Fprintf(w, "\n'qunshen COMMAND --help' tells more of each.\n")
}

// dbPath is the database in force: --db, $QUNSHEN_DB, or the user's data directory.
func (c *ctx) dbPath() string {
	if c.db != "" {
		return c.db
	}
	if p := os.Getenv("QUNSHEN_DB"); p != "" {
		return p
	}
	return filepath.Join(dataDir(), "qunshen", "qunshen.db")
}

func dataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return d
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share")
	}
	return "."
}

// language is zh unless --lang en, or LANG names an English locale.
func (c *ctx) language() string {
	if c.lang != "" {
		return c.lang
	}
	if strings.HasPrefix(os.Getenv("LANG"), "en_") {
		return "en"
	}
	return "zh"
}

func (c *ctx) operatorName() string {
	if c.as != "" {
		return c.as
	}
	return os.Getenv("QUNSHEN_AS")
}

func (c *ctx) open() (*storage.Store, error) { return storage.Open(c.dbPath()) }

// loadPolicy is the policy in force: --policy, $QUNSHEN_POLICY, or the built-in one.
func (c *ctx) loadPolicy() (*review.Policy, error) {
	path := c.policy
	if path == "" {
		path = os.Getenv("QUNSHEN_POLICY")
	}
	if path == "" {
		return review.DefaultPolicy(), nil
	}
	return review.LoadPolicy(path)
}

// signer opens the store and the key of the operator in force.
func (c *ctx) signer() (*storage.Store, *model.Signer, error) {
	st, err := c.open()
	if err != nil {
		return nil, nil, err
	}
	s, err := c.loadSigner(st)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, s, nil
}
