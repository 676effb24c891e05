package cli

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"qunshen/internal/i18n"
	"qunshen/internal/ingest"
	"qunshen/review"
	"qunshen/storage"
)

// importOptions are the flags of qunshen import. Its --as is the mode (pending or history):
// the operator is named before the command (see takeOperator).
type importOptions struct {
	format, group, as string
	skipBad           bool
}

func newImportCmd(e *env) *cobra.Command {
	var o importOptions
	c := e.command("import", func(files []string) error { return e.runImport(o, files) })
	f := c.Flags()
	f.StringVar(&o.format, "format", "", e.tf("cli.import.flag.format", strings.Join(ingest.Formats(), ", ")))
	f.StringVar(&o.group, "group", "", e.t("cli.import.flag.group"))
	f.StringVar(&o.as, "as", "pending", e.t("cli.import.flag.as"))
	f.BoolVar(&o.skipBad, "skip-bad", false, e.tf("cli.import.flag.skip-bad", ingest.RejectsSuffix))
	c.RegisterFlagCompletionFunc("format", fixed(ingest.Formats()...))
	c.RegisterFlagCompletionFunc("as", fixed("pending", "history"))
	return c
}

// formatTitle names a chat format as a person would: its title in the catalogue (in English,
// the format's own), and its name.
func (e *env) formatTitle(name string) string {
	title := name
	if p, ok := ingest.Lookup(name); ok && p.Title != "" {
		title = p.Title
	}
	if i18n.Has("cli.format." + name) {
		title = e.t("cli.format." + name)
	}
	if title == name {
		return name
	}
	return e.tf("cli.import.format", title, name)
}

// passedKeys are the catalogue's words for the messages of chat exports that are not posts.
var passedKeys = map[string]string{
	ingest.PassedService: "cli.import.passed.service",
	ingest.PassedPrivate: "cli.import.passed.private",
	ingest.PassedEmpty:   "cli.import.passed.empty",
}

func (e *env) runImport(o importOptions, files []string) error {
	if len(files) == 0 {
		return usagef("cli.import.no-file")
	}
	if o.as != "pending" && o.as != "history" {
		return usagef("cli.import.as", o.as)
	}
	pol, err := e.loadPolicy()
	if err != nil {
		return err
	}
	st, s, err := e.signer()
	if err != nil {
		return err
	}
	defer st.Close()
	checker := review.NewChecker(pol, nil)
	check, inOrder := checker.ImportChecks()
	stored, read := e.importProgress()
	opt := storage.ImportOptions{Progress: stored, Reading: read, Check: check, InOrder: inOrder, Muted: checker.Muted,
		Format: o.format, Group: o.group, History: o.as == "history", SkipBad: o.skipBad}
	res, err := st.Import(s, files, opt)
	e.endProgress()
	for i, f := range res.Formats {
		if f != ingest.QueueFormat {
			e.tell("cli.import.read-as", files[i], e.formatTitle(f))
		}
	}
	for _, n := range res.Notes {
		e.tell("cli.import.note", i18n.Explain(e.lang, n))
	}
	if err != nil {
		return err
	}
	e.say("cli.import.done", res.Records, res.Events, res.Unchanged)
	if res.Unknown > 0 {
		e.say("cli.import.unknown", res.Unknown)
	}
	for _, k := range slices.Sorted(maps.Keys(res.Passed)) {
		if key, ok := passedKeys[k]; ok {
			e.say(key, res.Passed[k])
		} else {
			e.say("cli.import.passed", res.Passed[k], k)
		}
	}
	for _, f := range res.Rejects {
		e.say("cli.import.rejects", f)
	}
	if res.Rejected > 0 {
		e.say("cli.import.rejected", res.Rejected)
	}
	return nil
}

// importProgress shows on a terminal how many records an import stored and, for a chat
// export, how far the reading of the file has come.
func (e *env) importProgress() (stored func(records int), reading func(file string, store bool, done, total int64)) {
	show := e.progressLine()
	if show == nil {
		return nil, nil
	}
	var mu sync.Mutex // the writer and the reader report on their own goroutines
	records, where := 0, ""
	line := func() {
		switch {
		case where == "":
			show(e.tf("cli.import.stored", records))
		case records == 0:
			show(where)
		default:
			show(e.tf("cli.import.where-stored", where, records))
		}
	}
	stored = func(n int) { mu.Lock(); defer mu.Unlock(); records = n; line() }
	reading = func(file string, store bool, done, total int64) {
		mu.Lock()
		defer mu.Unlock()
		key := "cli.import.checking"
		if store {
			key = "cli.import.storing"
		}
		where = e.tf(key, filepath.Base(file), done>>20, total>>20)
		line()
	}
	return stored, reading
}
