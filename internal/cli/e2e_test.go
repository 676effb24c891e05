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
	admin.keys("a") // the first post has a warning: a asks first
	admin.waitFor("确定通过")
	admin.keys("y")
	admin.waitFor("已通过：1")
	admin.keys("r")
	admin.waitFor("选择理由")
	admin.keys("Enter")
	admin.waitFor("已驳回：1")
	admin.keys("e")
	admin.waitFor("已提交书记：1")

	// An override: the view of the posts with a block finding, a asks for the reason.
	admin.keys("f")
	admin.waitFor("选择视图")
	admin.keys("Down", "Down", "Down", "Down", "Enter")
	admin.waitFor("含禁止类 72")
	admin.keys("a")
	admin.waitFor("放行理由")
	admin.keys("Enter") // an empty reason: nothing decided
	admin.waitFor("已取消，未作任何决定")
	admin.keys("a")
	admin.waitFor("放行理由")
	admin.tmux("send-keys", "-t", admin.name, "-l", "已核实为对公账户")
	admin.keys("Enter")
	admin.waitFor("禁止类问题的放行理由已记录")

	// A retraction: the published view lists the two approved posts; x takes the one
	// under the cursor back, with the words the group is told.
	admin.keys("f", "G", "Enter")
	admin.waitFor("已通过与已发布 2")
	admin.keys("x")
	admin.waitFor("撤回时会告知群内和发布者理由")
	admin.keys("Enter")
	admin.waitFor("已撤回已发布的信息：1 条")

	// A batch with marks, said before it is decided, and undone whole.
	admin.keys("f", "g", "Enter")
	admin.waitFor("我的待审 2996")
	admin.keys("Space", "Space")
	admin.waitFor("已选 2")
	admin.keys("a")
	admin.waitFor("对已选的 2 条信息执行“通过”？")
	admin.keys("y")
	admin.waitFor("已通过：2 条")
	admin.keys("u")
	admin.waitFor("已撤销 2 条决定")

	// A drill-down: the Reports pane opens on the latest month with data; the items behind
	// its first figure open in the Pending pane, and Esc brings the queue back.
	admin.keys("4")
	admin.waitFor("最近有数据的一期")
	admin.keys("Enter")
	admin.waitFor("报表明细")
	admin.keys("Escape")
	admin.waitFor("我的待审 2996")
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
	want := map[string]int64{"approved": 1, "retracted": 1, "rejected": 1, "signed-off": 1, "escalated": 0, "pending": 2996}
	for k, n := range want {
		if st.Posts[k] != n {
			t.Errorf("posts %s = %d, want %d (%v)", k, st.Posts[k], n, st.Posts)
		}
	}
	if out, err := exec.Command(bin, "--db", db, "--lang", "en", "verify").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "ok:") {
		t.Fatalf("verify: %v\n%s", err, out)
	}

	// The chat side is told to publish what was approved, and to take back what was retracted.
	out, err = exec.Command(bin, "--db", db, "export", "decisions", "-o", "-").CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"action":"retract"`) || !strings.Contains(string(out), `"action":"publish"`) {
		t.Fatalf("export decisions: %v\n%s", err, out)
	}

	// qunshen on a database with no operator says, in Chinese, what to do.
	empty := startTmux(t, "qunshen-e2e-empty", 80, 24, env, "sh -c '"+bin+" --db "+filepath.Join(cache, "empty.db")+"; sleep 30'")
	empty.waitFor("还没有操作员")
	empty.waitFor("qunshen demo")
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
