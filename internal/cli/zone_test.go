package cli

import (
	"strings"
	"testing"
)

// Times in the command line's human output are in China time, whatever the machine's zone;
// --tz and $QUNSHEN_TZ show them in another, and a zone that cannot be read is a usage error.
func TestTimesInOneZone(t *testing.T) {
	t.Setenv("TZ", "UTC")
	t.Setenv("QUNSHEN_TZ", "")
	c := newCLI(t)
	c.ok("init", "--name", "王管理", "--role", "admin")
	c.ok("import", queueFile)
	// p3 was submitted at 08:00 in China, 00:00 UTC: the overview (qunshen piped) lists it.
	if out := c.ok(); !strings.Contains(out, "2026-06-03 08:00  p3") {
		t.Fatalf("the overview is not in China time:\n%s", out)
	}
	if out := c.ok("--tz", "Europe/Berlin"); !strings.Contains(out, "2026-06-03 02:00  p3") {
		t.Fatalf("--tz Europe/Berlin:\n%s", out)
	}
	t.Setenv("QUNSHEN_TZ", "-05:00")
	if out := c.ok(); !strings.Contains(out, "2026-06-02 19:00  p3") {
		t.Fatalf("QUNSHEN_TZ=-05:00:\n%s", out)
	}
	_, errs, code := c.run("--tz", "Mars/Olympus", "status")
	if code != 2 || !strings.Contains(errs, `--tz: zone "Mars/Olympus"`) {
		t.Fatalf("a bad --tz: exit %d\n%s", code, errs)
	}
	t.Setenv("QUNSHEN_TZ", "")
	_, errs, code = zh(t, c.db, "--tz", "+25:00", "status")
	if code != 2 || !strings.Contains(errs, `--tz：时区 "+25:00"`) {
		t.Fatalf("a bad --tz in Chinese: exit %d\n%s", code, errs)
	}
}

// A command that acts, on a database without an operator, says what to do in the user's
// language: make one with init, or open the demo (qunshen itself, on a terminal, says the
// same: see TestEndToEndInTmux).
func TestNoOperatorExplained(t *testing.T) {
	c := newCLI(t)
	_, errs, code := zh(t, c.db, "decide", "p1", "approve")
	if code != 1 || !strings.Contains(errs, "还没有操作员") || !strings.Contains(errs, "qunshen init --name 姓名 --role admin") || !strings.Contains(errs, "qunshen demo") {
		t.Fatalf("no operator, in Chinese: exit %d\n%s", code, errs)
	}
	c.fails("has no operator yet. Make this machine's operator first: qunshen init", "decide", "p1", "approve")
	c.ok("init", "--name", "王管理", "--role", "admin")
	_, errs, code = zh(t, c.db, "--as", "李四", "decide", "p1", "approve")
	if code != 1 || !strings.Contains(errs, `没有名为 "李四" 的操作员`) {
		t.Fatalf("an unknown operator, in Chinese: exit %d\n%s", code, errs)
	}
}
