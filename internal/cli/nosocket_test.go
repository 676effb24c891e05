package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// straceOK reports whether strace can trace a process here (it is installed, and the
// system lets it attach); the tests that need it are skipped where it cannot.
func straceOK(t *testing.T) bool {
	t.Helper()
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace is not installed")
		return false
	}
	if out, err := exec.Command("strace", "-f", "-o", os.DevNull, "true").CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace here: %v\n%s", err, out)
		return false
	}
	return true
}

// sockets reads a trace of strace -e trace=socket,connect,execve and returns the lines that
// open or connect a socket, or start another program.
func sockets(t *testing.T, trace string, bin string) []string {
	t.Helper()
	raw, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, l := range strings.Split(string(raw), "\n") {
		switch {
		case strings.Contains(l, "socket(") || strings.Contains(l, "connect("):
			bad = append(bad, l)
		case strings.Contains(l, "execve(") && !strings.Contains(l, `execve("`+bin+`"`):
			bad = append(bad, l)
		}
	}
	return bad
}

// TestNoSocket runs the built binary under strace, a few commands and the workbench in a
// terminal inside tmux, and fails on any socket it opens or connects, and on any other
// program it starts (a child could open one in its stead).
func TestNoSocket(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and traces it")
	}
	if !straceOK(t) {
		return
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "db", "q.db")
	peerDB := filepath.Join(dir, "peer", "q.db")
	traceOf := func(name string) string { return filepath.Join(dir, name+".trace") }
	traced := func(name, db string, args ...string) {
		t.Helper()
		all := append([]string{"-f", "-o", traceOf(name), "-e", "trace=socket,connect,execve", bin, "--db", db, "--lang", "en"}, args...)
		out, err := exec.Command("strace", all...).CombinedOutput()
		if err != nil {
			t.Fatalf("qunshen %v: %v\n%s", args, err, out)
		}
		if bad := sockets(t, traceOf(name), bin); len(bad) > 0 {
			t.Errorf("qunshen %v opened a socket or started a program:\n%s", args, strings.Join(bad, "\n"))
		}
	}
	queue := filepath.Join(dir, "queue.jsonl")
	traced("gen", db, "gen", "--posts", "300", "--members", "50", "--groups", "3", "-o", queue)
	traced("init", db, "init", "--name", "管理员", "--role", "admin")
	traced("import", db, "import", queue)
	traced("status", db, "status")
	traced("verify", db, "verify")
	traced("report", db, "report", "--period", "2026-05")
	traced("backup", db, "backup", filepath.Join(dir, "backup.db"))
	traced("compact", db, "compact")
	traced("key", db, "key", "export", "-o", filepath.Join(dir, "admin.key.json"))
	traced("peer-init", peerDB, "init", "--name", "书记", "--role", "secretary")
	traced("trust", peerDB, "trust", filepath.Join(dir, "admin.key.json"), "--yes")
	traced("sync-export", db, "sync", "export", "-o", filepath.Join(dir, "b.qsb"))
	traced("sync-import", peerDB, "sync", "import", filepath.Join(dir, "b.qsb"))
	traced("export", db, "export", "decisions", "-o", filepath.Join(dir, "decisions.jsonl"))
	traced("overview", db)

	// The workbench, on a terminal inside tmux, where the colour profile is found: a reason
	// typed and ctrl+v pressed in it (bubbles reads the clipboard with xclip on that key).
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	cache := t.TempDir()
	env := []string{"XDG_CACHE_HOME=" + cache, "LANG=C.UTF-8", "TERM=xterm-256color", "TZ=Asia/Shanghai"}
	trace := traceOf("workbench")
	s := startTmux(t, "qunshen-nosocket", 120, 30, env, "strace -f -o "+trace+" -e trace=socket,connect,execve "+bin+" --lang en demo")
	s.waitFor("Pending 3000")
	s.keys("r")
	s.waitFor("Choose the reason")
	for range 12 {
		s.keys("Down")
	}
	s.keys("Enter")
	s.waitFor("Reason:")
	s.keys("C-v", "Escape", "Escape", "q")
	s.waitExit()
	if bad := sockets(t, trace, bin); len(bad) > 0 {
		t.Errorf("the workbench opened a socket or started a program:\n%s", strings.Join(bad, "\n"))
	}
}

// TestOverviewWithoutTerminal runs qunshen with no command and no terminal on its output:
// into a file, into /dev/null (a character device, not a terminal), with its input a terminal
// (in tmux) or not. It prints the overview, as into a pipe, and never asks for a terminal.
func TestOverviewWithoutTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	shell(t, bin)(db, "init", "--name", "管理员", "--role", "admin")
	out := filepath.Join(dir, "out.txt")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	cmd := exec.Command(bin, "--db", db, "--lang", "en")
	cmd.Stdin, cmd.Stdout = null, f
	if err := cmd.Run(); err != nil {
		t.Fatalf("qunshen >file: %v", err)
	}
	f.Close()
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "operator: 管理员") || !strings.Contains(string(b), "oldest pending posts") {
		t.Fatalf("qunshen >file wrote:\n%s", b)
	}
	cmd = exec.Command(bin, "--db", db, "--lang", "en")
	var stderr strings.Builder
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("qunshen >/dev/null: %v\n%s", err, stderr.String())
	}

	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	into := filepath.Join(dir, "from-tmux.txt")
	s := startTmux(t, "qunshen-overview", 100, 20, []string{"LANG=C.UTF-8", "TERM=xterm-256color"},
		bin+" --db "+db+" --lang en > "+into+"; echo exit=$? >> "+into+"; sleep 30")
	for i := 0; ; i++ {
		b, _ := os.ReadFile(into)
		if strings.Contains(string(b), "exit=") {
			if !strings.Contains(string(b), "exit=0") || !strings.Contains(string(b), "oldest pending posts") {
				t.Fatalf("qunshen >file in a terminal wrote:\n%s\nthe screen:\n%s", b, s.screen())
			}
			break
		}
		if i == 150 {
			t.Fatalf("qunshen >file in a terminal did not end:\n%s", s.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
