package cli

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// archiveQueue has two groups, a notice, an arrangement, a resolution, a discussion, a post
// with a confidentiality mark, and posts left pending or rejected.
const archiveCLIQueue = `{"type":"group","id":"g1","name":"第三党支部党员群","kind":"party","owner":"wx_owner"}
{"type":"group","id":"g2","name":"城东项目群","kind":"work","owner":"wx_pm"}
{"type":"member","id":"wx_owner","group":"g1","name":"曾志强","role":"owner"}
{"type":"member","id":"wx_a","group":"g1","name":"單海燕"}
{"type":"member","id":"wx_pm","group":"g2","name":"解明","role":"owner"}
{"type":"post","id":"p1","group":"g1","author":"wx_a","time":"2026-10-08T09:30:00+08:00","title":"关于召开支部大会的通知","body":"定于周五下午召开支部大会。"}
{"type":"post","id":"p2","group":"g1","author":"wx_owner","time":"2026-10-09T10:00:00+08:00","title":"国庆后值班安排","body":"请按表轮流值班。"}
{"type":"post","id":"p3","group":"g1","author":"wx_owner","time":"2026-10-10T11:00:00+08:00","title":"会议纪要","body":"经表决，会议通过。<script>alert(1)</script>"}
{"type":"post","id":"p4","group":"g1","author":"wx_owner","time":"2026-10-11T11:00:00+08:00","title":"材料","body":"内部资料，不得外传。"}
{"type":"post","id":"p5","group":"g1","author":"wx_a","time":"2026-10-12T11:00:00+08:00","title":"还在审","body":"待审。"}
{"type":"post","id":"p6","group":"g2","author":"wx_pm","time":"2026-10-13T11:00:00+08:00","title":"聊聊进度","body":"大家辛苦了。"}
{"type":"post","id":"p7","group":"g2","author":"wx_pm","time":"2026-11-01T00:00:00+08:00","title":"十一月","body":"下个月的。"}
`

func TestArchiveCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the built binary")
	}
	bin := buildBinary(t)
	sh := shell(t, bin)
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	queue := filepath.Join(dir, "queue.jsonl")
	if err := os.WriteFile(queue, []byte(archiveCLIQueue), 0o600); err != nil {
		t.Fatal(err)
	}
	sh(db, "init", "--name", "王管理", "--role", "admin")
	sh(db, "init", "--name", "李书记", "--role", "secretary")
	sh(db, "init", "--name", "曾群主", "--role", "owner")
	sh(db, "import", queue)
	for _, p := range []string{"p1", "p2", "p3", "p6", "p7"} {
		sh(db, "decide", p, "approve")
	}
	sh(db, "decide", "p4", "escalate")
	sh(db, "--as", "李书记", "decide", "p4", "signoff")

	// An administrator's archive leaves the confidential post out, and says so.
	out := sh(db, "archive", "--period", "2026-10", "-o", filepath.Join(dir, "admin"))
	if !strings.Contains(out, "archive of 4 posts from 2 groups (2026-10, by theme)") || !strings.Contains(out, "1 confidential posts left out") {
		t.Fatalf("archive as the administrator:\n%s", out)
	}
	html, err := os.ReadFile(filepath.Join(dir, "admin", "archive.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(html), "内部资料") || strings.Contains(string(html), "<script>") || !strings.Contains(string(html), "&lt;script&gt;") {
		t.Fatal("archive.html holds the confidential post, or an unescaped script")
	}
	names, _ := filepath.Glob(filepath.Join(dir, "admin", "2026-10_第三党支部党员群-*_王管理.md"))
	if len(names) != 3 {
		t.Fatalf("theme files of g1: %q", names)
	}

	// Asking for the confidential posts: refused to the administrator, nothing written.
	refused := filepath.Join(dir, "refused")
	cmd := exec.Command(bin, "--db", db, "--lang", "en", "archive", "--include-confidential", "-o", refused)
	msg, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(msg), "the role admin may not put confidential posts into an archive") {
		t.Fatalf("--include-confidential as the administrator: %v\n%s", err, msg)
	}
	if _, err := os.Stat(refused); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the refused archive wrote %s", refused)
	}
	// Granted to the owner, in time order, in English.
	out = sh(db, "--as", "曾群主", "--lang", "en", "archive", "--group", "g1", "--by", "time", "--include-confidential", "-o", filepath.Join(dir, "owner"))
	if !strings.Contains(out, "archive of 4 posts from 1 groups (all time, by time)") || !strings.Contains(out, "confidential posts are included") {
		t.Fatalf("archive as the owner:\n%s", out)
	}
	md, err := os.ReadFile(filepath.Join(dir, "owner", "2026-10_第三党支部党员群_曾群主.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "内部资料") || !strings.Contains(string(md), "Confidential") || !strings.Contains(string(md), "〔Resolutions〕") {
		t.Fatalf("the owner's archive:\n%s", md)
	}
	index, _ := os.ReadFile(filepath.Join(dir, "owner", "index.md"))
	if !strings.Contains(string(index), "曾群主 (group owner)") || !strings.Contains(string(index), "qunshen archive --group g1 --by time --include-confidential") {
		t.Fatalf("index.md:\n%s", index)
	}
	// The same folder again: refused without --force, replaced with it.
	cmd = exec.Command(bin, "--db", db, "--lang", "en", "archive", "-o", filepath.Join(dir, "admin"))
	if msg, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(msg), "--force replaces") {
		t.Fatalf("an archive written over an earlier one: %v\n%s", err, msg)
	}
	sh(db, "archive", "--force", "--period", "2026-11", "-o", filepath.Join(dir, "admin"))
	if names, _ := filepath.Glob(filepath.Join(dir, "admin", "*.md")); len(names) != 2 {
		t.Fatalf("after --force: %q", names)
	}
	if out := sh(db, "verify"); !strings.HasPrefix(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
}

func TestArchiveCommandUsage(t *testing.T) {
	c := newCLI(t)
	c.ok("init", "--name", "王管理", "--role", "admin")
	o := filepath.Join(t.TempDir(), "a")
	c.fails("-o FOLDER is required", "archive")
	c.fails("--by takes theme or time", "archive", "--by", "month", "-o", o)
	c.fails(`period "2026-13"`, "archive", "--period", "2026-13", "-o", o)
	c.fails(`unknown group "g9"`, "archive", "--group", "g9", "-o", o)
	c.fails("may not put confidential posts", "archive", "--include-confidential", "-o", o)
	if _, err := os.Stat(o); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a refused archive wrote its folder")
	}
	if out := c.ok("archive", "-o", o); !strings.Contains(out, "archive of 0 posts from 0 groups") {
		t.Fatalf("an empty archive: %s", out)
	}
}
