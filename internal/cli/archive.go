package cli

// The group owner's archive (GO 五(一)): the published posts of a period, by theme or by time,
// written to a folder as Markdown and one printable HTML page.

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"qunshen/internal/document"
	"qunshen/internal/i18n"
	"qunshen/model"
	"qunshen/review"
)

// groupList is --group, given once or more, or as a list with commas.
type groupList []string

func (g *groupList) String() string { return strings.Join(*g, ",") }
func (g *groupList) Type() string   { return "groups" }
func (g *groupList) Set(s string) error {
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			*g = append(*g, id)
		}
	}
	return nil
}

type archiveOptions struct {
	groups                  groupList
	period, by, out         string
	force, withConfidential bool
	// archive access on request (archive_access.go)
	member, reason, id, request, text string
	json                              bool
}

func newArchiveCmd(e *env) *cobra.Command {
	var o archiveOptions
	c := e.command("archive", func(args []string) error {
		if len(args) > 0 {
			if !slices.Contains(archiveVerbs(), args[0]) {
				return usagef("cli.access.unknown", args[0])
			}
			return e.runArchiveVerb(args[0], args[1:], o)
		}
		if o.member != "" || o.reason != "" || o.id != "" || o.text != "" || o.json {
			return usagef("cli.access.verb-flags")
		}
		return e.runArchive(o)
	})
	f := c.Flags()
	f.Var(&o.groups, "group", e.t("cli.archive.flag.group"))
	f.StringVar(&o.period, "period", "", e.t("cli.archive.flag.period"))
	f.StringVar(&o.by, "by", "theme", e.t("cli.archive.flag.by"))
	f.StringVarP(&o.out, "output", "o", "", e.t("cli.archive.flag.output"))
	f.BoolVar(&o.force, "force", false, e.t("cli.archive.flag.force"))
	f.BoolVar(&o.withConfidential, "include-confidential", false, e.t("cli.archive.flag.confidential"))
	f.StringVar(&o.request, "request", "", e.t("cli.archive.flag.request"))
	f.StringVar(&o.member, "member", "", e.t("cli.archive.flag.member"))
	f.StringVar(&o.reason, "reason", "", e.t("cli.archive.flag.reason"))
	f.StringVar(&o.id, "id", "", e.t("cli.archive.flag.id"))
	f.StringVar(&o.text, "text", "", e.t("cli.archive.flag.text"))
	f.BoolVar(&o.json, "json", false, e.t("cli.archive.flag.json"))
	c.RegisterFlagCompletionFunc("by", fixed("theme", "time"))
	c.ValidArgsFunction = verbs(archiveVerbs()...)
	return c
}

func (e *env) runArchive(o archiveOptions) error {
	if o.out == "" {
		return usagef("cli.archive.output-required")
	}
	if o.by != "theme" && o.by != "time" {
		return usagef("cli.archive.by", o.by)
	}
	now := e.now()
	if o.request != "" {
		return e.runAccessArchive(o, now)
	}
	var period *review.Period
	if o.period != "" {
		p, err := review.ParsePeriod(o.period, now)
		if err != nil {
			return &usageError{err: i18n.E("cli.archive.period", err)}
		}
		period = &p
	}
	st, err := e.openForDocument()
	if err != nil {
		return err
	}
	defer st.Close()
	// The operator's key proves who makes the archive, and signs its sums.
	s, err := e.loadSigner(st)
	if err != nil {
		return err
	}
	if o.withConfidential && !model.MayArchiveConfidential(s.Operator.Role) {
		return &model.ConfidentialArchiveError{Role: s.Operator.Role}
	}
	cmd := []string{"qunshen archive"}
	for _, g := range o.groups {
		cmd = append(cmd, "--group "+g)
	}
	if period != nil {
		cmd = append(cmd, "--period "+period.String())
	}
	cmd = append(cmd, "--by "+o.by)
	if o.withConfidential {
		cmd = append(cmd, "--include-confidential")
	}
	a, err := review.BuildArchive(st, review.ArchiveRequest{Groups: o.groups, Period: period,
		ByTime: o.by == "time", IncludeConfidential: o.withConfidential, Operator: s.Operator,
		Now: now, Command: strings.Join(cmd, " ")})
	if err != nil {
		return err
	}
	return e.writeArchive(o, a, s, period)
}

// writeArchive writes an archive made and tells what it holds.
func (e *env) writeArchive(o archiveOptions, a *model.Archive, s *model.Signer, period *review.Period) error {
	l := e.lang
	files, err := document.WriteArchive(o.out, a, document.ArchiveOptions{Lang: string(l),
		T: func(k string) string { return i18n.T(l, k) }, Force: o.force, Signer: s})
	if err != nil {
		return err
	}
	what := e.t("cli.archive.all-time")
	if period != nil {
		what = period.String()
	}
	e.say("cli.archive.done", a.Count(), len(a.Groups), what, e.t("cli.archive.by."+o.by), o.out, s.Operator.Name, e.role(s.Operator.Role))
	if x := a.Access; x != nil {
		e.say("cli.access.for", x.ID, x.Member, x.Reason)
	}
	switch n := a.LeftOut(); {
	case a.IncludeConfidential:
		e.say("cli.archive.included")
	case n > 0 && a.Access != nil:
		e.say("cli.access.left-out", n)
	case n > 0:
		e.say("cli.archive.left-out", n)
	}
	for _, f := range files {
		e.say("cli.archive.file", f.SHA256[:12], f.Name)
	}
	e.say("cli.archive.sums", document.ArchiveSums, document.ArchiveSumsSig)
	return nil
}
