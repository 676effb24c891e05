package main

// The group owner's archive (GO 五(一)): the published posts of a period, by theme or by time,
// written to a folder as Markdown and one printable HTML page.

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"qunshen/internal/document"
	"qunshen/internal/i18n"
	"qunshen/model"
	"qunshen/review"
)

var (
	archiveGroups       groupList
	archivePeriod       string
	archiveBy           string
	archiveOut          string
	archiveForce        bool
	archiveConfidential bool
)

// groupList is --group, given once or more, or as a list with commas.
type groupList []string

func (g *groupList) String() string { return strings.Join(*g, ",") }
func (g *groupList) Set(s string) error {
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			*g = append(*g, id)
		}
	}
	return nil
}

func archiveFlags(fs *flag.FlagSet, _ *ctx) {
	archiveGroups = nil
	fs.Var(&archiveGroups, "group", "archive this group `id` (again, or a list with commas, for more; default every group with posts)")
	fs.StringVar(&archivePeriod, "period", "", "the `period`: 2026, 2026-Q3, 2026-10, 2026-W41, 2026-10-08, 2026-10-01..2026-11-15, this-month, last-quarter … (China time days; default all time)")
	fs.StringVar(&archiveBy, "by", "theme", "theme: one part per theme, in time order within it; time: one time line, each post with its theme")
	fs.StringVar(&archiveOut, "o", "", "the new `folder` to write the archive into")
	fs.BoolVar(&archiveForce, "force", false, "replace an earlier archive in the folder (a folder holding anything else is never replaced)")
	fs.BoolVar(&archiveConfidential, "include-confidential", false, "put the confidential posts in (owner, secretary or supervisor only: GO 五(二)2)")
}

func runArchive(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected %q", args[0])
	}
	if archiveOut == "" {
		return usagef("-o FOLDER is required")
	}
	if archiveBy != "theme" && archiveBy != "time" {
		return usagef("--by takes theme or time, not %q", archiveBy)
	}
	now := time.Now()
	var period *review.Period
	if archivePeriod != "" {
		p, err := review.ParsePeriod(archivePeriod, now)
		if err != nil {
			return usagef("--period: %v", err)
		}
		period = &p
	}
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	// The operator's key proves who makes the archive, and signs its sums.
	s, err := c.loadSigner(st)
	if err != nil {
		return err
	}
	if archiveConfidential && !model.MayArchiveConfidential(s.Operator.Role) {
		return &model.ConfidentialArchiveError{Role: s.Operator.Role}
	}
	cmd := []string{"qunshen archive"}
	for _, g := range archiveGroups {
		cmd = append(cmd, "--group "+g)
	}
	if period != nil {
		cmd = append(cmd, "--period "+period.String())
	}
	cmd = append(cmd, "--by "+archiveBy)
	if archiveConfidential {
		cmd = append(cmd, "--include-confidential")
	}
	a, err := review.BuildArchive(st, review.ArchiveRequest{Groups: archiveGroups, Period: period,
		ByTime: archiveBy == "time", IncludeConfidential: archiveConfidential, Operator: s.Operator,
		Now: now, Command: strings.Join(cmd, " ")})
	if err != nil {
		return err
	}
	l := i18n.Lang(c.language())
	files, err := document.WriteArchive(archiveOut, a, document.ArchiveOptions{Lang: string(l),
		T: func(k string) string { return i18n.T(l, k) }, Force: archiveForce, Signer: s})
	if err != nil {
		return err
	}
	what := "all time"
	if period != nil {
		what = period.String()
	}
	fmt.Fprintf(c.stdout, "archive of %d posts from %d groups (%s, by %s) written to %s, made by %s (%s)\n",
		a.Count(), len(a.Groups), what, archiveBy, archiveOut, inert(s.Operator.Name), s.Operator.Role)
	switch n := a.LeftOut(); {
	case archiveConfidential:
		fmt.Fprintf(c.stdout, "confidential posts are included: keep and show the archive only under the confidentiality rules (GO 五(二)2)\n")
	case n > 0:
		fmt.Fprintf(c.stdout, "%d confidential posts left out (GO 五(二)); an owner, secretary or supervisor may add them with --include-confidential\n", n)
	}
	for _, f := range files {
		fmt.Fprintf(c.stdout, "  %s  %s\n", f.SHA256[:12], inert(f.Name))
	}
	fmt.Fprintf(c.stdout, "  %s, %s: the sums of every file, and their signature\n", document.ArchiveSums, document.ArchiveSumsSig)
	return nil
}
