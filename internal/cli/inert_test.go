package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"qunshen/internal/inert"
)

// hostile is text from outside that would act on a terminal shown raw: an escape that clears
// the screen, one that sets the window title, a C1 CSI, a bidirectional override, a bell.
const hostile = "\x1b[2J\x1b]0;PWNED\x07\u009b31m\u202eevil"

// acting lists the characters of s that would act on a terminal: control characters but LF
// and tab, DEL, C1 controls, bidirectional controls.
func acting(s string) []string {
	var out []string
	for i, r := range s {
		if r == utf8.RuneError {
			continue
		}
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) || inert.IsBidi(r) {
			out = append(out, fmt.Sprintf("%U at %d: %q", r, i, s[max(0, i-20):min(len(s), i+20)]))
		}
	}
	return out
}

// TestNoRawEscapeReachesTheTerminal runs the commands that show what came from outside —
// names, titles, bodies, file names, paths, in their output and in their errors, as text and as
// JSON — and fails on any character that would act on a terminal.
func TestNoRawEscapeReachesTheTerminal(t *testing.T) {
	c := newCLI(t)
	c.ok("init", "--name", "王管理", "--role", "admin")
	dir := filepath.Join(t.TempDir(), "in"+hostile)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	h := strings.ReplaceAll(strings.ReplaceAll(hostile, `\`, `\\`), `"`, `\"`)
	esc := func(s string) string { // as JSON text
		var b strings.Builder
		for _, r := range s {
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	hj := esc(h)
	queue := filepath.Join(dir, "queue"+hostile+".jsonl")
	lines := []string{
		`{"type":"group","id":"g1","name":"群` + hj + `","kind":"work","branch":"支部` + hj + `","purpose":"` + hj + `"}`,
		`{"type":"member","id":"m1","group":"g1","name":"王` + hj + `","nickname":"昵称` + hj + `","branch":"` + hj + `"}`,
		`{"type":"post","id":"p1","group":"g1","author":"m1","time":"2026-05-03T09:30:00+08:00","title":"标题` + hj + `","body":"正文` + hj + `加微信 代购","attachments":["附件` + hj + `.docx"]}`,
		`{"type":"post","id":"p2","group":"g1","author":"m1","time":"2026-05-04T09:30:00+08:00","title":"通知","body":"` + hj + `"}`,
		`{"type":"report","id":"r1","group":"g1","member":"m1","reporter":"m1","time":"2026-05-05T09:30:00+08:00","reason":"举报` + hj + `"}`,
	}
	if err := os.WriteFile(queue, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad"+hostile+".jsonl")
	if err := os.WriteFile(bad, []byte(`{"type":"post","id":"p9","group":"g`+hj+`","author":"m1","time":"2026-05-03T09:30:00+08:00","title":"x","body":"y"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	scan := filepath.Join(dir, "scan.txt")
	if err := os.WriteFile(scan, []byte("加微信"+hostile+"代购\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out"+hostile)
	if err := os.MkdirAll(out, 0o700); err != nil {
		t.Fatal(err)
	}

	runs := [][]string{
		{"import", queue},
		{"import", bad},
		{"import", filepath.Join(dir, "missing"+hostile)},
		{"decide", "p2", "reject", "--reason", "理由" + hostile},
		{"decide", "p" + hostile, "approve"},
		{"status"},
		{"verify"},
		{"list", "groups"}, {"list", "members"}, {"list", "posts"}, {"list", "violations"},
		{"list", "posts", "--json"}, {"list", "members", "--json"},
		{"list", "posts", "--group", "g" + hostile},
		{"show", "p1"}, {"show", "p2"}, {"show", "m1", "--group", "g1"}, {"show", "p1", "--json"},
		{"show", "x" + hostile},
		{"report", "--period", "2026-05"},
		{"report", "--period", "2026-05", "--format", "csv"},
		{"report", "--period", "2026-05", "--format", "json"},
		{"report", "--period", "2026-05", "--scope", "group:g" + hostile},
		{"export", "decisions", "-o", "-"},
		{"export", "decisions", "-o", filepath.Join(out, "d.jsonl")},
		{"sync", "conflicts"},
		{"sync", "import", filepath.Join(dir, "b"+hostile+".qsb")},
		{"sync", "export", "-o", filepath.Join(out, "missing", "b.qsb")},
		{"scan", scan}, {"scan", "--json", scan},
		{"trust", filepath.Join(dir, "k"+hostile+".json")},
		{"trust", "--revoke", "x" + hostile},
		{"backup", filepath.Join(out, "missing", "b.db")},
		{"restore", filepath.Join(dir, "nobackup"+hostile)},
		{"archive", "--period", "2026-05", "-o", filepath.Join(out, "archive")},
		{"--as", "x" + hostile, "status"},
		{"--policy", filepath.Join(dir, "p"+hostile+".toml"), "status"},
		{"import", "--group", "g" + hostile, "--format", "wechat-txt", queue},
		{"no-such-command" + hostile},
		{"status", "--no-such-flag" + hostile},
		{"init", "--name", "x", "--role", "r" + hostile},
	}
	for _, args := range runs {
		stdout, stderr, _ := c.run(args...)
		for _, s := range []string{stdout, stderr} {
			if a := acting(s); len(a) > 0 {
				t.Errorf("qunshen %q wrote:\n  %s", args, strings.Join(a, "\n  "))
			}
		}
	}
	// A database at a hostile path: the notes on standard error name it (a temporary file of
	// a killed compact removed), and so do its errors.
	d := &cli{t: t, db: filepath.Join(dir, "db"+hostile, "q.db"), now: c.now}
	d.ok("init", "--name", "王管理", "--role", "admin")
	stale := filepath.Join(filepath.Dir(d.db), ".q.db.compact-123456")
	if err := os.WriteFile(stale, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"status"}, {"import", bad}, {"restore", filepath.Join(dir, "nobackup"+hostile)}} {
		stdout, stderr, _ := d.run(args...)
		for _, s := range []string{stdout, stderr} {
			if a := acting(s); len(a) > 0 {
				t.Errorf("qunshen --db %q %q wrote:\n  %s", d.db, args, strings.Join(a, "\n  "))
			}
		}
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("the temporary file of a killed compact was not removed")
	}
	// The queue did go in: the texts shown above were the hostile ones.
	if s := c.status(); s.Posts["pending"] != 1 || s.Posts["rejected"] != 1 {
		t.Fatalf("status: %+v", s.Posts)
	}
}
