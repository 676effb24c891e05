package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"qunshen/internal/atomicfile"
	"qunshen/storage"
)

var (
	syncPeer  string
	syncAll   bool
	syncOut   string
	exportOut string
	sinceText string
)

func syncFlags(fs *flag.FlagSet, _ *ctx) {
	fs.StringVar(&syncPeer, "peer", "", "export: only what the operator of this `name` has not been sent yet, and remember it as sent")
	fs.BoolVar(&syncAll, "all", false, "export: every event, even what the peer was sent before (a lost stick)")
	fs.StringVar(&syncOut, "o", "", "export: the bundle `file` to write")
}

// runSync is `qunshen sync export|import|conflicts`.
func runSync(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		return usagef("want export, import or conflicts")
	}
	switch args[0] {
	case "export":
		if len(args) > 1 {
			return usagef("unexpected %q", args[1])
		}
		return syncExport(c)
	case "import":
		if len(args) < 2 {
			return usagef("name at least one bundle")
		}
		return syncImport(c, args[1:])
	case "conflicts":
		return syncConflicts(c)
	}
	return usagef("unknown sync command %q (want export, import or conflicts)", args[0])
}

func syncExport(c *ctx) error {
	if syncOut == "" {
		return usagef("-o FILE is required")
	}
	st, s, err := c.signer()
	if err != nil {
		return err
	}
	defer st.Close()
	opt := storage.ExportOptions{Peer: syncPeer, All: syncAll}
	if show := progressLine(c); show != nil {
		opt.Progress = func(done, total int) { show(fmt.Sprintf("%d / %d events written", done, total)) }
	}
	res, err := st.ExportBundle(s, syncOut, opt)
	endProgress(c)
	if err != nil {
		return err
	}
	per := 0.0
	if res.Events > 0 {
		per = float64(res.Bytes) / float64(res.Events)
	}
	fmt.Fprintf(c.stdout, "%s: %d events of %d origins, %d bytes (%.0f per event), signed by %s (%s)\n",
		syncOut, res.Events, res.Origins, res.Bytes, per, s.Operator.Name, s.Operator.Key.Fingerprint())
	if res.Events == 0 && syncPeer != "" {
		fmt.Fprintf(c.stdout, "%s has been sent everything already (--all sends it all again)\n", syncPeer)
	}
	return nil
}

func syncImport(c *ctx, files []string) error {
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	opt := storage.SyncOptions{}
	if show := progressLine(c); show != nil {
		what := map[string]string{"read": "reading and checking bundle", "store": "storing event", "fold": "folding event"}
		opt.Progress = func(stage string, done, total int) {
			show(fmt.Sprintf("%s %d of %d", what[stage], done, total))
		}
	}
	res, err := st.ImportBundles(files, opt)
	endProgress(c)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%d bundles, %d events: %d new, %d held already", res.Bundles, res.Events, res.New, res.Known)
	if res.Parked > 0 {
		fmt.Fprintf(c.stdout, ", %d waiting for an earlier bundle of their origin", res.Parked)
	}
	fmt.Fprintln(c.stdout)
	if res.Refolded {
		fmt.Fprintln(c.stdout, "events came that belong before events held here: the state was rebuilt from the whole log")
	}
	if res.Disputed > 0 || res.Superseded > 0 {
		fmt.Fprintf(c.stdout, "%d posts disputed, %d events set aside: qunshen sync conflicts lists them\n", res.Disputed, res.Superseded)
	}
	return nil
}

func syncConflicts(c *ctx) error {
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := st.Conflicts()
	if err != nil {
		return err
	}
	if len(cs.Disputed) == 0 && len(cs.Superseded) == 0 {
		fmt.Fprintln(c.stdout, "no conflicts")
		return nil
	}
	for _, p := range cs.Disputed {
		fmt.Fprintf(c.stdout, "post %s (%s), disputed, now %s:\n", p.ID, p.Title, p.Status)
		for _, d := range p.History {
			mark := ""
			if d.Concurrent {
				mark = "  ← made without seeing the decision before it"
			}
			fmt.Fprintf(c.stdout, "  %s  %-10s %-18s %s → %s %s%s\n", d.Time.Local().Format("2006-01-02 15:04"), d.Actor, d.Kind, d.From, d.To, d.Reason, mark)
		}
	}
	for _, s := range cs.Superseded {
		fmt.Fprintf(c.stdout, "set aside: %s\n", s)
	}
	return nil
}

func exportFlags(fs *flag.FlagSet, _ *ctx) {
	fs.StringVar(&exportOut, "o", "", "the `file` to write (- for standard output)")
	fs.StringVar(&sinceText, "since", "", "only decisions made at or after this `time` (RFC 3339, or a date 2006-01-02)")
}

// runExport is `qunshen export decisions`.
func runExport(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) != 1 || args[0] != "decisions" {
		return usagef("want: export decisions [--since TIME] -o FILE")
	}
	if exportOut == "" {
		return usagef("-o FILE is required")
	}
	var since time.Time
	if sinceText != "" {
		var err error
		if since, err = parseSince(sinceText); err != nil {
			return usagef("--since: %v", err)
		}
	}
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var n int
	if exportOut == "-" {
		n, err = st.ExportDecisions(since, c.stdout)
		return err
	}
	err = atomicfile.Write(exportOut, func(f *os.File) error {
		n, err = st.ExportDecisions(since, f)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: %d decisions for the chat side\n", exportOut, n)
	return nil
}

func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is neither RFC 3339 (2026-06-03T09:00:00+08:00) nor a date (2026-06-03)", s)
}

// progressLine returns a function that rewrites one line of progress on a terminal, or nil
// when standard error is not one.
func progressLine(c *ctx) func(string) {
	f, ok := c.stderr.(*os.File)
	if !ok || !isTerminal(f) {
		return nil
	}
	return func(s string) { fmt.Fprintf(c.stderr, "\r%s\033[K", strings.TrimSpace(s)) }
}
