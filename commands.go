package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"qunshen/internal/atomicfile"
	"qunshen/internal/gen"
	"qunshen/internal/i18n"
	"qunshen/internal/ingest"
	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
	"qunshen/ui"
)

var (
	initName, initRole, initBranch string
	decideReason                   string
	statusJSON, statusHash         bool
	genPosts, genMembers, genGroup int
	genSeed                        int64
	genOut                         string
)

func initFlags(fs *flag.FlagSet, _ *ctx) {
	fs.StringVar(&initName, "name", "", "the operator's `name`")
	fs.StringVar(&initRole, "role", "", "admin, secretary, owner or supervisor")
	fs.StringVar(&initBranch, "branch", "", "the operator's branch or department")
	fs.BoolVar(&initPassphrase, "passphrase", false, "encrypt the private key with a passphrase: $"+passphraseEnv+", or asked twice on the terminal")
}

func runInit(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected %q", args[0])
	}
	if strings.TrimSpace(initName) == "" {
		return usagef("--name is required")
	}
	role, ok := model.ParseRole(initRole)
	if !ok {
		return usagef("--role must be admin, secretary, owner or supervisor, not %q", initRole)
	}
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Operator(initName); err == nil {
		return fmt.Errorf("an operator named %q exists already in %s", initName, st.Path())
	}
	var pass []byte
	if initPassphrase {
		if pass, err = c.newPassphrase(initName); err != nil {
			return err
		}
	}
	s, err := keyring.NewSigner(initName, role, initBranch)
	if err != nil {
		return err
	}
	if err := keyring.SaveKey(st.Path(), s, pass); err != nil {
		return err
	}
	if err := st.Register(s); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "operator %s (%s) created in %s\nkey fingerprint: %s\n", initName, role, st.Path(), s.Operator.Key.Fingerprint())
	if pass != nil {
		fmt.Fprintf(c.stdout, "the private key is encrypted: its passphrase is asked for (or read from $%s) when it signs\n", passphraseEnv)
	}
	return nil
}

var importOpt struct {
	format, group, as string
	skipBad           bool
}

func importFlags(fs *flag.FlagSet, _ *ctx) {
	fs.StringVar(&importOpt.format, "format", "", "the `format` of every file, instead of the one found by looking at it: "+strings.Join(ingest.Formats(), ", "))
	fs.StringVar(&importOpt.group, "group", "", "put the messages and members of chat exports and rosters in this stored `group`")
	fs.StringVar(&importOpt.as, "as", "pending", "chat messages come as pending posts (a pre-review queue) or as history (published already): `mode` pending or history")
	fs.BoolVar(&importOpt.skipBad, "skip-bad", false, "import the good records of a chat export and write the bad ones, with the reason for each, to FILE"+ingest.RejectsSuffix)
}

// formatTitle names a chat format as a person would.
func formatTitle(name string) string {
	if p, ok := ingest.Lookup(name); ok && p.Title != "" {
		return p.Title + " (" + name + ")"
	}
	return name
}

func runImport(c *ctx, _ *flag.FlagSet, files []string) error {
	if len(files) == 0 {
		return usagef("name at least one file")
	}
	if importOpt.as != "pending" && importOpt.as != "history" {
		return usagef("--as takes pending or history, not %q (name the operator before the command: qunshen --as NAME import …)", importOpt.as)
	}
	pol, err := c.loadPolicy()
	if err != nil {
		return err
	}
	st, s, err := c.signer()
	if err != nil {
		return err
	}
	defer st.Close()
	check, inOrder := review.NewChecker(pol, nil).ImportChecks()
	stored, read := importProgress(c)
	opt := storage.ImportOptions{Progress: stored, Reading: read, Check: check, InOrder: inOrder,
		Format: importOpt.format, Group: importOpt.group, History: importOpt.as == "history", SkipBad: importOpt.skipBad}
	res, err := st.Import(s, files, opt)
	endProgress(c)
	for i, f := range res.Formats {
		if f != ingest.QueueFormat {
			fmt.Fprintf(c.stderr, "%s: read as %s\n", files[i], formatTitle(f))
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintf(c.stderr, "note: %s\n", n)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%d records read, %d new or changed, %d unchanged\n", res.Records, res.Events, res.Unchanged)
	if res.Unknown > 0 {
		fmt.Fprintf(c.stdout, "%d recalls or pins of messages not stored, passed over\n", res.Unknown)
	}
	for _, k := range slices.Sorted(maps.Keys(res.Passed)) {
		fmt.Fprintf(c.stdout, "%d %s, not posts\n", res.Passed[k], k)
	}
	for _, f := range res.Rejects {
		fmt.Fprintf(c.stdout, "rejected records written to %s\n", f)
	}
	if res.Rejected > 0 {
		fmt.Fprintf(c.stdout, "%d records rejected\n", res.Rejected)
	}
	return nil
}

// importProgress shows on a terminal how many records an import stored and, for a chat
// export, how far the reading of the file has come.
func importProgress(c *ctx) (stored func(records int), reading func(file string, store bool, done, total int64)) {
	show := progressLine(c)
	if show == nil {
		return nil, nil
	}
	var mu sync.Mutex // the writer and the reader report on their own goroutines
	records, where := 0, ""
	line := func() {
		switch {
		case where == "":
			show(fmt.Sprintf("%d records stored", records))
		case records == 0:
			show(where)
		default:
			show(fmt.Sprintf("%s, %d records stored", where, records))
		}
	}
	stored = func(n int) { mu.Lock(); defer mu.Unlock(); records = n; line() }
	reading = func(file string, store bool, done, total int64) {
		mu.Lock()
		defer mu.Unlock()
		verb := "checking"
		if store {
			verb = "storing"
		}
		where = fmt.Sprintf("%s %s: %d of %d MB", verb, filepath.Base(file), done>>20, total>>20)
		line()
	}
	return stored, reading
}

func endProgress(c *ctx) {
	if f, ok := c.stderr.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(c.stderr, "\r\033[K")
	}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func decideFlags(fs *flag.FlagSet, _ *ctx) {
	fs.StringVar(&decideReason, "reason", "", "the reason told to the author (needed to reject, request changes or return)")
}

func runDecide(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) != 2 {
		return usagef("want a post id and a decision")
	}
	kind, ok := review.Decisions[args[1]]
	if !ok {
		return usagef("unknown decision %q", args[1])
	}
	st, s, err := c.signer()
	if err != nil {
		return err
	}
	defer st.Close()
	pol, err := c.loadPolicy()
	if err != nil {
		return err
	}
	svc := review.Service{Store: st, Signer: s, Rules: pol}
	id, err := svc.Decide(args[0], kind, decideReason)
	if err != nil {
		return err
	}
	p, _, err := st.Post(args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "post %s: %s (event %s, by %s)\n", p.ID, p.Status, id.Short(), s.Operator.Name)
	return nil
}

func statusFlags(fs *flag.FlagSet, _ *ctx) {
	fs.BoolVar(&statusJSON, "json", false, "print one JSON object, for scripts")
	fs.BoolVar(&statusHash, "hash", false, "add a digest of the whole state, to compare two machines (reads every record)")
}

func runStatus(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected %q", args[0])
	}
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := st.Status()
	if err != nil {
		return err
	}
	if statusHash {
		h, err := st.StateHash()
		if err != nil {
			return err
		}
		s.State = h.String()
	}
	if statusJSON {
		enc := json.NewEncoder(c.stdout)
		return enc.Encode(s)
	}
	printStatus(c, st, s)
	if s.State != "" {
		fmt.Fprintf(c.stdout, "state %s\n", s.State)
	}
	return nil
}

func printStatus(c *ctx, st *storage.Store, s storage.Status) {
	l := i18n.Lang(c.language())
	w := bufio.NewWriter(c.stdout)
	defer w.Flush()
	fmt.Fprintf(w, "%s  %s: %s  %s: %d  %s: %d", i18n.T(l, "app.title"), i18n.T(l, "db"), st.Path(), i18n.T(l, "events"), s.Events, i18n.T(l, "disputed"), s.Disputed)
	if s.Superseded > 0 {
		fmt.Fprintf(w, "  %s: %d", i18n.T(l, "superseded"), s.Superseded)
	}
	if s.Parked > 0 {
		fmt.Fprintf(w, "  %s: %d", i18n.T(l, "parked"), s.Parked)
	}
	fmt.Fprintln(w)
	line := func(title, prefix string, order []string, m map[string]int64) {
		fmt.Fprintf(w, "%s:", i18n.T(l, title))
		for _, k := range order {
			fmt.Fprintf(w, "  %s %d", i18n.T(l, prefix+"."+k), m[k])
		}
		fmt.Fprintln(w)
	}
	line("posts", "post", strs(model.PostStatuses), s.Posts)
	line("members", "member", strs(model.MemberStatuses), s.Members)
	line("violations", "violation", strs(model.ViolationStatuses), s.Violations)
	line("applications", "application", strs(model.ApplicationStatuses), s.Applications)
	line("groups", "group", []string{"active", "rectifying", "dissolved"}, s.Groups)
}

func strs[S ~string](ss []S) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// runOpen opens the workbench on the database. When its output is not a terminal (a script,
// a pipe) it prints what is in the database instead: the counts and the oldest pending posts.
func runOpen(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected %q", args[0])
	}
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	return openWorkbench(c, st)
}

// openWorkbench runs the screen as the operator in force, or prints the overview.
func openWorkbench(c *ctx, st *storage.Store) error {
	out, ok := c.stdout.(*os.File)
	if !ok || !isTerminal(out) || !isTerminal(os.Stdin) {
		return showDatabase(c, st)
	}
	s, err := c.loadSigner(st)
	if err != nil {
		return err
	}
	pol, err := c.loadPolicy()
	if err != nil {
		return err
	}
	cal, err := loadCalendar()
	if err != nil {
		return err
	}
	return ui.Run(&review.Service{Store: st, Signer: s, Rules: pol, Calendar: cal}, i18n.Lang(c.language()))
}

func showDatabase(c *ctx, st *storage.Store) error {
	l := i18n.Lang(c.language())
	if op, err := st.Operator(c.operatorName()); err == nil {
		fmt.Fprintf(c.stdout, "%s: %s (%s)\n", i18n.T(l, "operator"), op.Name, i18n.T(l, "role."+string(op.Role)))
	}
	s, err := st.Status()
	if err != nil {
		return err
	}
	printStatus(c, st, s)
	posts, err := st.PostsByStatus(model.PostPending, 10)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "\n%s:\n", i18n.T(l, "oldest.pending"))
	if len(posts) == 0 {
		fmt.Fprintf(c.stdout, "  %s\n", i18n.T(l, "none"))
	}
	for _, p := range posts {
		fmt.Fprintf(c.stdout, "  %s  %s  %-12s %s\n", p.Time.Local().Format("2006-01-02 15:04"), p.ID, p.Group, inert(p.Title))
	}
	return nil
}

// inert shows control characters as visible placeholders, so that no text from a post can
// drive the terminal.
func inert(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '\uFFFD'
		}
		return r
	}, s)
}

func runVerify(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected %q", args[0])
	}
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.Verify()
	if err != nil {
		return fmt.Errorf("FAILED: %w", err)
	}
	fmt.Fprintf(c.stdout, "ok: %d events from %d origins, %d signed checkpoints; the projection equals the fold of the log\n", rep.Events, rep.Origins, rep.Checkpoints)
	return nil
}

func runBackup(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) != 1 {
		return usagef("name the backup file")
	}
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(args[0]); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "backup written to %s\n", args[0])
	return nil
}

func genFlags(fs *flag.FlagSet, _ *ctx) {
	fs.IntVar(&genPosts, "posts", 3000, "number of posts")
	fs.IntVar(&genMembers, "members", 400, "number of members")
	fs.IntVar(&genGroup, "groups", 6, "number of groups")
	fs.Int64Var(&genSeed, "seed", 1, "seed: the same seed writes the same file")
	fs.StringVar(&genOut, "o", "", "output `file`")
}

func runGen(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected %q", args[0])
	}
	if genOut == "" {
		return usagef("-o FILE is required")
	}
	if genPosts < 0 || genMembers < 1 || genGroup < 1 || genMembers < genGroup*4 {
		return usagef("want --posts ≥ 0, --groups ≥ 1 and at least 4 members per group")
	}
	err := atomicfile.Write(genOut, func(f *os.File) error {
		w := bufio.NewWriterSize(f, 1<<20)
		if err := gen.Write(w, gen.Options{Posts: genPosts, Members: genMembers, Groups: genGroup, Seed: genSeed}); err != nil {
			return err
		}
		return w.Flush()
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%d posts, %d members in %d groups written to %s\n", genPosts, genMembers, genGroup, genOut)
	return nil
}

// Demo operators.
const (
	demoAdmin     = "演示管理员"
	demoSecretary = "演示书记"
)

func demoDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "qunshen", "demo")
}

func runDemo(c *ctx, fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected %q", args[0])
	}
	as := demoAdmin
	switch c.as {
	case "", "admin", demoAdmin:
	case "secretary", demoSecretary:
		as = demoSecretary
	default:
		return usagef("--as takes admin or secretary in the demo")
	}
	dir := demoDir()
	if c.db == "" {
		c.db = filepath.Join(dir, "demo.db")
	}
	if _, err := os.Stat(c.db); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(c.stderr, "making the demo database in %s …\n", filepath.Dir(c.db))
		if err := makeDemo(c.db); err != nil {
			return fmt.Errorf("making the demo: %w", err)
		}
	}
	c.as = as
	st, err := c.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := c.loadSigner(st); err != nil {
		return err
	}
	return openWorkbench(c, st)
}

// makeDemo builds the demo database in a fresh folder and renames it into place, so that an
// interrupted build leaves no half demo behind.
func makeDemo(dbPath string) error {
	parent := filepath.Dir(dbPath)
	if err := os.MkdirAll(filepath.Dir(parent), 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(parent), ".demo-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	db := filepath.Join(tmp, filepath.Base(dbPath))
	st, err := storage.Open(db)
	if err != nil {
		return err
	}
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	var admin *model.Signer
	for _, o := range []struct {
		name   string
		role   model.Role
		branch string
	}{{demoAdmin, model.RoleAdmin, "第一党支部"}, {demoSecretary, model.RoleSecretary, "第一党支部"}} {
		s, err := keyring.NewSigner(o.name, o.role, o.branch)
		if err != nil {
			return err
		}
		if err := keyring.SaveKey(db, s, nil); err != nil {
			return err
		}
		if err := st.Register(s); err != nil {
			return err
		}
		if admin == nil {
			admin = s
		}
	}
	queue := filepath.Join(tmp, "queue.jsonl")
	f, err := os.OpenFile(queue, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := gen.Write(w, gen.Options{Posts: 3000, Members: 400, Groups: 6, Seed: 1}); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	check, inOrder := review.NewChecker(review.DefaultPolicy(), nil).ImportChecks()
	if _, err := st.Import(admin, []string{queue}, storage.ImportOptions{Check: check, InOrder: inOrder}); err != nil {
		return err
	}
	os.Remove(queue)
	if err := st.Close(); err != nil {
		return err
	}
	st = nil
	if err := os.RemoveAll(parent); err != nil {
		return err
	}
	return os.Rename(tmp, parent)
}
