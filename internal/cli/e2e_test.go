package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"qunshen/storage"
)

// tmuxSession drives the built binary in a terminal, as a person would, on a tmux server of
// its own (another run of the tests on the machine has its own sessions).
type tmuxSession struct {
	t    *testing.T
	name string
}

// tmuxSocket names the tmux server of this test process.
var tmuxSocket = "qunshen-test-" + strconv.Itoa(os.Getpid())

func tmuxCmd(args ...string) *exec.Cmd {
	return exec.Command("tmux", append([]string{"-L", tmuxSocket}, args...)...)
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := tmuxCmd(args...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", s.name) }

// waitFor polls the screen until it shows text.
func (s *tmuxSession) waitFor(text string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		if strings.Contains(scr, text) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q:\n%s", text, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *tmuxSession) keys(keys ...string) {
	for _, k := range keys {
		s.tmux("send-keys", "-t", s.name, k)
		time.Sleep(150 * time.Millisecond)
	}
}

// waitExit waits for the program in the session to end.
func (s *tmuxSession) waitExit() {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if err := tmuxCmd("has-session", "-t", s.name).Run(); err != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("the program did not quit:\n%s", s.screen())
}

func startTmux(t *testing.T, name string, w, h int, env []string, cmd string) *tmuxSession {
	s := &tmuxSession{t: t, name: name}
	tmuxCmd("kill-session", "-t", name).Run()
	args := []string{"new-session", "-d", "-s", name, "-x", itoa(w), "-y", itoa(h)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	s.tmux(append(args, cmd)...)
	t.Cleanup(func() { tmuxCmd("kill-session", "-t", name).Run() })
	return s
}

func itoa(n int) string { return jsonInt(n) }

func jsonInt(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestEndToEndInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := buildBinary(t)
	cache := t.TempDir()
	env := []string{"XDG_CACHE_HOME=" + cache, "LANG=C.UTF-8", "TERM=xterm-256color", "TZ=Asia/Shanghai"}

	// The administrator: approve one, reject one with a reason, escalate one.
	admin := startTmux(t, "qunshen-e2e-admin", 200, 50, env, bin+" demo")
	admin.waitFor("演示管理员")
	admin.waitFor("1 待审 3000")
	admin.keys("a")
	admin.waitFor("已通过：1")
	admin.keys("r")
	admin.waitFor("选择理由")
	admin.keys("Enter")
	admin.waitFor("已驳回：1")
	admin.keys("e")
	admin.waitFor("已提交书记：1")
	admin.keys("q")
	admin.waitExit()

	// The secretary sees the escalated post first, and signs it off.
	sec := startTmux(t, "qunshen-e2e-sec", 80, 24, env, bin+" demo --as secretary")
	sec.waitFor("演示书记")
	scr := sec.waitFor("待审签 1")
	if !strings.Contains(scr, "^") {
		t.Fatalf("the escalated post is not shown first:\n%s", scr)
	}
	sec.keys("s")
	sec.waitFor("已审签：1")
	sec.keys("q")
	sec.waitExit()

	db := filepath.Join(cache, "qunshen", "demo", "demo.db")
	out, err := exec.Command(bin, "--db", db, "status", "--json").CombinedOutput()
	if err != nil {
		t.Fatalf("status: %v\n%s", err, out)
	}
	var st storage.Status
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"approved": 1, "rejected": 1, "signed-off": 1, "escalated": 0, "pending": 2997}
	for k, n := range want {
		if st.Posts[k] != n {
			t.Errorf("posts %s = %d, want %d (%v)", k, st.Posts[k], n, st.Posts)
		}
	}
	if out, err := exec.Command(bin, "--db", db, "--lang", "en", "verify").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "ok:") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
}

// TestOverviewIntoAFile runs `qunshen >file` in a terminal: standard input is the terminal,
// standard output a file, and qunshen prints the overview into it, as into a pipe, where it
// once failed opening the terminal.
func TestOverviewIntoAFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it in tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	db, out := filepath.Join(dir, "q.db"), filepath.Join(dir, "overview.txt")
	if msg, err := exec.Command(bin, "--db", db, "init", "--name", "王管理", "--role", "admin").CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, msg)
	}
	env := []string{"LANG=C.UTF-8", "TERM=xterm-256color"}
	s := startTmux(t, "qunshen-overview", 100, 30, env, "sh -c '"+bin+" --lang en --db "+db+" >"+out+"; echo exit-$?; sleep 30'")
	s.waitFor("exit-0")
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "database: "+db) || !strings.Contains(string(got), "王管理") {
		t.Fatalf("the overview written into a file:\n%s", got)
	}
}
