package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// statusOf is `qunshen status --json --hash`, decoded.
func statusOf(t *testing.T, q func(string, ...string) string, db string) map[string]any {
	t.Helper()
	var s map[string]any
	if err := json.Unmarshal([]byte(q(db, "status", "--json", "--hash")), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// chatFixtures are the fixtures of the chat formats that import whole, with the format
// detection must find and any flags they need.
var chatFixtures = []struct {
	file, format string
	flags        []string
}{
	{"wecom/archive.jsonl", "wecom", nil},
	{"wecom/bom-crlf.jsonl", "wecom", nil},
	{"roster/zh-bom.csv", "roster-csv", []string{"--group", "g1"}},
	{"roster/gbk.csv", "roster-csv", []string{"--group", "g1"}},
	{"roster/en.csv", "roster-csv", []string{"--group", "g2"}},
	{"roster/names.tsv", "roster-csv", []string{"--group", "g2"}},
	{"qqtxt/group.txt", "qq-txt", nil},
	{"qqtxt/group-bom-crlf.txt", "qq-txt", nil},
	{"qqtxt/gbk.txt", "qq-txt", nil},
	{"qqtxt/utf16le.txt", "qq-txt", nil},
	{"qqtxt/no-header.txt", "qq-txt", []string{"--group", "g1"}},
	{"wechat/group.csv", "wechat-csv", []string{"--as", "history"}},
	{"wechat/single-old.csv", "wechat-csv", nil},
	{"telegram/single.json", "telegram", nil},
	{"telegram/account.json", "telegram", []string{"--as", "history"}},
	{"qqnt/group.json", "qq-nt", nil},
	{"qqnt/chunked.json", "qq-nt", nil},
	// Written by the real tools, or after their forms (the READMEs beside them say which).
	{"qqtxt/phone-12h.txt", "qq-txt", nil},
	{"qqnt/group_123456789_20240604_101500.json", "qq-nt", nil},
	{"qqnt-txt/group_123456789_20240604_101500.txt", "qq-nt-txt", nil},
	{"wecom/sdk-examples.jsonl", "wecom", nil},
	{"telegram/links.json", "telegram", nil},
	{"roster/display-name.csv", "roster-csv", []string{"--group", "g1"}},
	{"wechat/v2024-02/第三党支部工作群_utf8.csv", "wechat-csv", []string{"--group", "g1"}},
	{"wechat/v2023-12-29/第三党支部工作群_utf8.csv", "wechat-csv", []string{"--group", "g1"}},
}

// Every fixture of every chat format imports through the command line, is found by its
// format, and importing it again changes nothing.
func TestImportChatFixtures(t *testing.T) {
	bin := buildBinary(t)
	q := shell(t, bin)
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	q(db, "init", "--name", "王芳", "--role", "admin")
	q(db, "import", queueFile)
	copyTree(t, filepath.Join(moduleRoot, "internal", "ingest", "testdata"), filepath.Join(dir, "in"))
	for _, f := range chatFixtures {
		path := filepath.Join(dir, "in", f.file)
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: %v", f.file, err)
			continue
		}
		// Some fixtures hold bad records on purpose: they go to the rejects file.
		flags := append([]string{"import", "--skip-bad"}, f.flags...)
		out := q(db, append(flags, path)...)
		if !strings.Contains(out, path+": read as ") || !strings.Contains(out, "("+f.format+")") {
			t.Errorf("%s: not read as %s:\n%s", f.file, f.format, out)
		}
		_, err := os.Stat(path + ".rejected.jsonl")
		if (err == nil) != strings.Contains(out, "records rejected") {
			t.Errorf("%s: the rejects file and the output disagree: %v\n%s", f.file, err, out)
		}
		before := statusOf(t, q, db)
		out = q(db, append(flags, path)...)
		if !strings.Contains(out, " 0 new or changed") {
			t.Errorf("%s imported again changed something:\n%s", f.file, out)
		}
		if after := statusOf(t, q, db); after["state"] != before["state"] {
			t.Errorf("%s imported again changed the state", f.file)
		}
	}
	q(db, "verify")
}

// A file that no format knows is refused by name; --as takes only pending or history.
func TestImportRefusesUnknown(t *testing.T) {
	bin := buildBinary(t)
	q := shell(t, bin)
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	q(db, "init", "--name", "王芳", "--role", "admin")
	odd := filepath.Join(dir, "notes.bin")
	if err := os.WriteFile(odd, []byte("\x00\x01\x02 这不是聊天记录"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--db", db, "--lang", "en", "import", odd).CombinedOutput()
	if err == nil || !strings.Contains(string(out), odd+": not a format qunshen knows") {
		t.Fatalf("unknown file: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "--db", db, "--lang", "en", "import", "--as", "王芳", odd).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--as takes pending or history") {
		t.Fatalf("--as NAME: %v\n%s", err, out)
	}
}
