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
	{"wechat/v2024-02-later/第三党支部工作群_utf8.csv", "wechat-csv", []string{"--group", "g1"}},
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

// An import's faults and notes are told in the user's language — Chinese by default, English
// with --lang en — each fault with its file and line; the rejects file keeps English reasons,
// for the programs that read it.
func TestImportSpeaksTheUsersLanguage(t *testing.T) {
	c := newCLI(t)
	c.ok("init", "--name", "王管理", "--role", "admin")
	c.ok("import", queueFile)
	dir := t.TempDir()
	copyTree(t, filepath.Join(moduleRoot, "internal", "ingest", "testdata", "wechat", "v2023-12-29"), dir)
	f := filepath.Join(dir, "第三党支部工作群_utf8.csv")
	// Line 5 is the exporting user's own message, whose sender this version does not write.
	_, errs, code := zh(t, c.db, "import", "--group", "g1", f)
	for _, w := range []string{
		f + "：第 5 行：导出文件没有写明这条消息是谁发的（这是导出者本人发的，但这一版 WeChatMsg 没有写出本人的 wxid）（加 --skip-bad 可导入其余记录）",
		"说明：" + f + "：WeChatMsg 的 CSV 不含聊天的标识",
		"未导入任何内容",
	} {
		if code != 1 || !strings.Contains(errs, w) {
			t.Fatalf("in Chinese: exit %d, does not say %q:\n%s", code, w, errs)
		}
	}
	if strings.Contains(errs, "nothing was imported") || strings.Contains(errs, "does not say who sent") {
		t.Fatalf("English in the Chinese output:\n%s", errs)
	}
	_, errs, code = c.run("import", "--group", "g1", f)
	for _, w := range []string{
		f + ":5: this export does not say who sent this message (it is the exporting user's own, and this version of WeChatMsg does not write that user's wxid) (--skip-bad imports the rest)",
		"note: " + f + ": a WeChatMsg CSV carries no identity of its chat",
		"nothing was imported",
	} {
		if code != 1 || !strings.Contains(errs, w) {
			t.Fatalf("in English: exit %d, does not say %q:\n%s", code, w, errs)
		}
	}
	out, errs, code := zh(t, c.db, "import", "--group", "g1", "--skip-bad", f)
	if code != 0 || !strings.Contains(out, "条记录被拒绝") {
		t.Fatalf("--skip-bad: exit %d\n%s%s", code, out, errs)
	}
	rej, err := os.ReadFile(f + ".rejected.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rej), `"line":5,"offset":733,"reason":"this export does not say who sent this message (it is the exporting user's own`) {
		t.Fatalf("the rejects file:\n%s", rej)
	}
}
