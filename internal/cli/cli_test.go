package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"qunshen/internal/i18n"
	"qunshen/storage"
)

// The module's root, from this package's folder: the fixtures and the main package.
const moduleRoot = "../.."

// queueFile is the test queue of ten records.
var queueFile = filepath.Join(moduleRoot, "testdata", "queue.jsonl")

// cli runs one command line in-process against a database in dir. It speaks English (the
// tests assert its English texts) unless a test names another --lang after it.
type cli struct {
	t   *testing.T
	db  string
	now func() time.Time // the clock of the commands; nil: time.Now
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, db: filepath.Join(t.TempDir(), "q.db")}
}

func (c *cli) run(args ...string) (string, string, int) {
	return c.exec(nil, args)
}

// runIn runs one command line with the given standard input.
func (c *cli) runIn(stdin string, args ...string) (string, string, int) {
	return c.exec(strings.NewReader(stdin), args)
}

func (c *cli) exec(stdin io.Reader, args []string) (string, string, int) {
	var out, errb bytes.Buffer
	e := &env{stdin: stdin, stdout: &out, stderr: &errb, now: c.now}
	code := run(e, append([]string{"--db", c.db, "--lang", "en"}, args...))
	return out.String(), errb.String(), code
}

func (c *cli) ok(args ...string) string {
	c.t.Helper()
	out, errs, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("qunshen %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func (c *cli) fails(want string, args ...string) {
	c.t.Helper()
	out, errs, code := c.run(args...)
	if code == 0 {
		c.t.Fatalf("qunshen %s succeeded:\n%s", strings.Join(args, " "), out)
	}
	if !strings.Contains(errs, want) {
		c.t.Fatalf("qunshen %s: error %q does not say %q", strings.Join(args, " "), errs, want)
	}
}

func (c *cli) status() storage.Status {
	c.t.Helper()
	var s storage.Status
	if err := json.Unmarshal([]byte(c.ok("status", "--json", "--hash")), &s); err != nil {
		c.t.Fatal(err)
	}
	return s
}

func TestCLIWorkflow(t *testing.T) {
	c := newCLI(t)
	c.ok("init", "--name", "王管理", "--role", "admin", "--branch", "第三党支部")
	c.ok("init", "--name", "李书记", "--role", "secretary")
	c.fails("exists already", "init", "--name", "李书记", "--role", "secretary")
	c.fails("--role must be", "init", "--name", "x", "--role", "boss")
	out := c.ok("import", queueFile)
	if !strings.Contains(out, "10 records read, 10 new or changed") {
		t.Fatalf("import: %s", out)
	}
	if out := c.ok("import", queueFile); !strings.Contains(out, "0 new or changed, 10 unchanged") {
		t.Fatalf("second import: %s", out)
	}
	c.ok("decide", "p1", "approve")
	c.fails("major matter", "decide", "p2", "approve")
	c.ok("decide", "p2", "escalate")
	c.fails("the role admin may not take the action post.signoff (only secretary)", "decide", "p2", "signoff")
	c.ok("--as", "李书记", "decide", "p2", "signoff")
	c.fails("reason", "decide", "p3", "reject")
	c.ok("decide", "p3", "reject", "--reason", "含有广告引流")
	c.ok("decide", "p3", "undo")
	c.ok("decide", "p3", "changes", "--reason", "请删除联系方式")
	c.fails("unknown decision", "decide", "p3", "publish")
	c.fails("unknown post", "decide", "p404", "approve")

	s := c.status()
	want := map[string]int64{"pending": 0, "approved": 1, "signed-off": 1, "changes-requested": 1, "rejected": 0}
	for k, n := range want {
		if s.Posts[k] != n {
			t.Errorf("posts %s = %d, want %d", k, s.Posts[k], n)
		}
	}
	// 2 operators, one import batch of 10 records, 6 decisions.
	if s.Events != 9 || s.Members["active"] != 3 || s.Violations["open"] != 1 || s.Applications["pending"] != 1 || s.Disputed != 0 {
		t.Fatalf("status %+v", s)
	}
	if out := c.ok("verify"); !strings.HasPrefix(out, "ok: 9 events from 2 origins") {
		t.Fatalf("verify: %s", out)
	}
	bk := filepath.Join(t.TempDir(), "backup.db")
	c.ok("backup", bk)
	b := &cli{t: t, db: bk}
	if b.status().State != s.State {
		t.Fatal("the backup holds another state")
	}
	if out := c.ok("--lang", "en"); !strings.Contains(out, "posts:") || !strings.Contains(out, "operator: 王管理 (administrator)") {
		t.Fatalf("overview in English:\n%s", out)
	}
	if out := c.ok("--lang", "zh"); !strings.Contains(out, "信息:") || !strings.Contains(out, "群管理员") {
		t.Fatalf("overview in Chinese:\n%s", out)
	}
}

func TestCLIUsage(t *testing.T) {
	c := newCLI(t)
	c.fails("unknown command", "frobnicate")
	// Help goes to standard output, as cobra writes it.
	for _, k := range newRoot(&env{lang: i18n.EN, stdout: io.Discard, stderr: io.Discard}).Commands() {
		out, errs, code := c.run(k.Name(), "--help")
		if code != 0 || !strings.Contains(out, "Usage:\n  qunshen "+k.Name()) {
			t.Errorf("%s --help: exit %d, %q %q", k.Name(), code, out, errs)
		}
	}
	c.fails("no operator yet", "decide", "p1", "approve")
	c.fails("--lang takes zh or en", "--lang", "fr", "status")
}

func TestGenIsDeterministic(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	c.ok("gen", "--posts", "500", "--members", "60", "--seed", "3", "-o", a)
	c.ok("gen", "--posts", "500", "--members", "60", "--seed", "3", "-o", b)
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Fatal("the same seed wrote different files")
	}
	c.ok("init", "--name", "管理员", "--role", "admin")
	c.ok("import", a)
	if s := c.status(); s.Posts["pending"] != 500 {
		t.Fatalf("generated posts imported: %+v", s.Posts)
	}
}

func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a demo database")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	var out, errb bytes.Buffer
	if code := run(&env{stdout: &out, stderr: &errb}, []string{"--lang", "en", "demo"}); code != 0 {
		t.Fatalf("demo: %s", errb.String())
	}
	if !strings.Contains(out.String(), "演示管理员") {
		t.Fatalf("demo opens as the administrator:\n%s", out.String())
	}
	out.Reset()
	if code := run(&env{stdout: &out, stderr: &errb}, []string{"--lang", "en", "demo", "--as", "secretary"}); code != 0 {
		t.Fatalf("demo as secretary: %s", errb.String())
	}
	if !strings.Contains(out.String(), "演示书记") || strings.Contains(errb.String(), "making") && strings.Count(errb.String(), "making") > 1 {
		t.Fatalf("demo as secretary:\n%s\n%s", out.String(), errb.String())
	}
	db := filepath.Join(demoDir(), "demo.db")
	c := &cli{t: t, db: db}
	s := c.status()
	if s.Posts["pending"] != 3000 || s.Members["active"] < 390 {
		t.Fatalf("demo status %+v", s)
	}
	c.ok("verify")
}

// buildBinary builds qunshen once for the tests that drive it as a user would.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "qunshen")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = moduleRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// shell runs the built binary on a database and returns its output; a failure fails the test.
func shell(t testing.TB, bin string) func(db string, args ...string) string {
	return func(db string, args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append([]string{"--db", db, "--lang", "en"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("qunshen %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
}

// TestKilledImportIsRolledBack kills the built binary half-way through an import: the next
// command rolls the import back and says so, the database is as before it and verifies, and
// the import run again reaches the state of an uninterrupted one.
func TestKilledImportIsRolledBack(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a large file with the built binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	sh := shell(t, bin)
	queue := filepath.Join(dir, "queue.jsonl")
	sh(filepath.Join(dir, "unused.db"), "gen", "--posts", "300000", "--members", "5000", "--groups", "12", "-o", queue)

	killed := filepath.Join(dir, "killed", "q.db")
	sh(killed, "init", "--name", "管理员", "--role", "admin")
	sh(killed, "import", queueFile)
	before := sh(killed, "status", "--json", "--hash")
	// The uninterrupted twin starts from a copy, so that both have the same operator.
	whole := filepath.Join(dir, "whole", "q.db")
	copyTree(t, filepath.Dir(killed), filepath.Dir(whole))

	for attempt, wait := 0, 600*time.Millisecond; ; attempt++ {
		cmd := exec.Command(bin, "--db", killed, "import", queue)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(wait)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		status := exec.Command(bin, "--db", killed, "--lang", "en", "status", "--json", "--hash")
		var said strings.Builder
		status.Stderr = &said
		out, err := status.Output()
		if err != nil {
			t.Fatalf("status after the kill: %v\n%s", err, said.String())
		}
		if strings.Contains(said.String(), "did not finish (its process was killed): it was rolled back") {
			if string(out) != before {
				t.Fatalf("after the roll back:\n%s\nbefore the import:\n%s", out, before)
			}
			t.Logf("killed after %v, rolled back", wait)
			break
		}
		if string(out) != before { // the import ended before the kill: start again from before
			t.Logf("the import ended within %v", wait)
			os.RemoveAll(filepath.Dir(killed))
			copyTree(t, filepath.Dir(whole), filepath.Dir(killed))
			wait /= 2
		} else {
			wait *= 2 // killed before it wrote
		}
		if attempt == 6 {
			t.Skip("could not kill the import half-way")
		}
	}
	if out := sh(killed, "verify"); !strings.HasPrefix(out, "ok:") {
		t.Fatalf("verify after the roll back: %s", out)
	}
	sh(killed, "import", queue)
	sh(whole, "import", queue)
	var a, b storage.Status
	json.Unmarshal([]byte(sh(killed, "status", "--json", "--hash")), &a)
	json.Unmarshal([]byte(sh(whole, "status", "--json", "--hash")), &b)
	if a.State == "" || a.State != b.State || a.Posts["pending"] != 300003 {
		t.Fatalf("import after the roll back: %+v\nuninterrupted: %+v", a, b)
	}
	sh(killed, "verify")
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if fi.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}
