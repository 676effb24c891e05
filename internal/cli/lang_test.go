package cli

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qunshen/internal/keyring"
	"qunshen/model"
	"qunshen/storage"
)

// zh runs a command line as a user with no --lang and no English locale would.
func zh(t *testing.T, db string, args ...string) (string, string, int) {
	t.Helper()
	t.Setenv("LANG", "")
	var out, errb bytes.Buffer
	code := run(&env{stdout: &out, stderr: &errb}, append([]string{"--db", db}, args...))
	return out.String(), errb.String(), code
}

func TestHelpIsChineseByDefault(t *testing.T) {
	db := filepath.Join(t.TempDir(), "q.db")
	out, errs, code := zh(t, db, "--help")
	for _, w := range []string{"群审", "用法：\n  qunshen [选项]\n  qunshen [命令]", "命令：", "  import ", "导入待审队列文件", "选项：", "--db 路径", "completion"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Fatalf("qunshen --help: exit %d, does not say %q:\n%s%s", code, w, out, errs)
		}
	}
	out, errs, code = zh(t, db, "import", "--help")
	for _, w := range []string{"用法：\n  qunshen import [--format 格式]", "选项：", "--as 方式", "（默认 \"pending\"）", "--skip-bad", "全局选项：", "--db 路径", "qunshen --as 姓名 import --as history"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Fatalf("qunshen import --help: exit %d, does not say %q:\n%s%s", code, w, out, errs)
		}
	}
	// The global --as is import's own there: the operator's is not listed among the global flags.
	if strings.Contains(out, "操作员身份") {
		t.Fatalf("import --help lists the global --as:\n%s", out)
	}
	out, _, code = zh(t, db, "help", "decide")
	if code != 0 || !strings.Contains(out, "qunshen decide 信息编号 approve|reject") || !strings.Contains(out, "--reason 理由") {
		t.Fatalf("qunshen help decide: exit %d\n%s", code, out)
	}
	// An English locale, or --lang en, gives cobra's English.
	t.Setenv("LANG", "en_GB.UTF-8")
	var b bytes.Buffer
	if code := run(&env{stdout: &b, stderr: &b}, []string{"import", "--help"}); code != 0 || !strings.Contains(b.String(), "Usage:\n  qunshen import [--format NAME]") || !strings.Contains(b.String(), "Global Flags:") {
		t.Fatalf("import --help under an English locale: exit %d\n%s", code, b.String())
	}
}

func TestMistypedCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "q.db")
	out, errs, code := zh(t, db, "improt")
	if code != 2 || out != "" || !strings.Contains(errs, `未知命令 "improt"`) || !strings.Contains(errs, "您是不是要用：\n\timport") || !strings.Contains(errs, "qunshen --help") {
		t.Fatalf("qunshen improt: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("a mistyped command opened the database")
	}
	_, errs, code = zh(t, db, "--lang", "en", "improt")
	if code != 2 || !strings.Contains(errs, `unknown command "improt" for "qunshen"`) || !strings.Contains(errs, "Did you mean this?\n\timport") {
		t.Fatalf("qunshen --lang en improt: exit %d\n%s", code, errs)
	}
	_, errs, code = zh(t, db, "help", "improt")
	if code != 2 || !strings.Contains(errs, "您是不是要用") {
		t.Fatalf("qunshen help improt: exit %d\n%s", code, errs)
	}
	// Faults of the flags, in Chinese, with the command's usage, exit 2.
	for _, c := range []struct{ args, want string }{
		{"decide p1 approve --bogus", "未知选项：--bogus"},
		{"gen --posts many -o x", `选项 --posts 的值 "many" 无效：不是整数`},
		{"decide p1 reject --reason", "选项 --reason 需要一个值"},
		{"status -x", "未知选项：-x 中的 'x'"},
	} {
		_, errs, code := zh(t, db, strings.Fields(c.args)...)
		if code != 2 || !strings.Contains(errs, c.want) || !strings.Contains(errs, "用法：") {
			t.Errorf("%s: exit %d\n%s", c.args, code, errs)
		}
	}
}

// A refusal of the model is told in the user's language.
func TestRefusalInBothLanguages(t *testing.T) {
	c := newCLI(t)
	c.ok("init", "--name", "王管理", "--role", "admin")
	c.ok("import", queueFile)
	_, errs, code := zh(t, c.db, "decide", "p2", "signoff")
	if code != 1 || !strings.Contains(errs, "qunshen decide：群管理员无权执行“审签”（post.signoff），只有支部书记可以") {
		t.Fatalf("refusal in Chinese: exit %d %s", code, errs)
	}
	_, errs, code = zh(t, c.db, "decide", "p2", "approve")
	if code != 1 || !strings.Contains(errs, "信息 p2 当前为“待审”，群管理员不能执行“通过”（post.approve）：重大事项须经支部书记审签后方可发布") {
		t.Fatalf("transition refused in Chinese: exit %d %s", code, errs)
	}
	_, errs, code = c.run("decide", "p2", "signoff")
	if code != 1 || !strings.Contains(errs, "qunshen decide: the role admin may not take the action post.signoff (only secretary)") {
		t.Fatalf("refusal in English: exit %d %s", code, errs)
	}
	_, errs, code = c.run("decide", "p2", "approve")
	if code != 1 || !strings.Contains(errs, "post p2 is pending: the action post.approve (by the role admin) is not allowed (a major matter") {
		t.Fatalf("transition refused in English: exit %d %s", code, errs)
	}
}

func TestCompletion(t *testing.T) {
	db := filepath.Join(t.TempDir(), "q.db")
	for shell, want := range map[string]string{"bash": "# bash completion V2 for qunshen", "zsh": "#compdef qunshen", "fish": "# fish completion for qunshen"} {
		out, errs, code := zh(t, db, "completion", shell)
		if code != 0 || !strings.Contains(out, want) || errs != "" {
			t.Errorf("completion %s: exit %d %q\n%.200s", shell, code, errs, out)
		}
	}
	out, _, code := zh(t, db, "completion", "bash", "--help")
	if code != 0 || !strings.Contains(out, "source <(qunshen completion bash)") || !strings.Contains(out, "在当前会话中启用补全") {
		t.Fatalf("completion bash --help: %s", out)
	}
	// The completions themselves: the commands, a command's verbs, a flag's values.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "imp"}, "import\t导入待审队列文件"},
		{[]string{"__complete", "sync", ""}, "conflicts"},
		{[]string{"__complete", "decide", "p1", ""}, "signoff"},
		{[]string{"__complete", "init", "--role", ""}, "supervisor"},
	} {
		out, _, code := zh(t, db, c.args...)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d\n%s", c.args, code, out)
		}
	}
}

// The operator named before import and import's own --as are two flags: both work at once.
func TestImportOperatorAndMode(t *testing.T) {
	c := newCLI(t)
	// The first operator, the default, is a secretary, who may not import.
	c.ok("init", "--name", "李书记", "--role", "secretary")
	c.ok("init", "--name", "王芳", "--role", "admin")
	chat := filepath.Join(t.TempDir(), "group.csv")
	copyTree(t, filepath.Join(moduleRoot, "internal", "ingest", "testdata", "wechat", "group.csv"), chat)
	c.fails("may not", "import", "--skip-bad", "--as", "history", chat)
	out := c.ok("--as", "王芳", "import", "--skip-bad", "--as", "history", chat)
	if !strings.Contains(out, "new or changed") {
		t.Fatalf("qunshen --as 王芳 import --as history: %s", out)
	}
	if s := c.status(); s.Posts["published"] == 0 || s.Posts["pending"] != 0 {
		t.Fatalf("history imported as %v", s.Posts)
	}
	c.ok("--as=王芳", "import", "--as=pending", queueFile)
	if s := c.status(); s.Posts["pending"] == 0 {
		t.Fatalf("pending imported as %v", s.Posts)
	}
	c.fails("--as takes pending or history", "--as", "王芳", "import", "--as", "王芳", queueFile)
	// With the operator from the environment, import --as is the mode alone.
	t.Setenv("QUNSHEN_AS", "王芳")
	c.ok("import", "--skip-bad", "--as", "history", chat)
}

// Flags spelt with one dash, as Go's flag package took them, and flags after the arguments.
func TestFlagSpellings(t *testing.T) {
	c := newCLI(t)
	c.ok("-name", "王管理", "-role=admin", "init")
	c.ok("import", queueFile)
	var s storage.Status
	if err := json.Unmarshal([]byte(c.ok("status", "-json")), &s); err != nil || s.Posts["pending"] != 3 {
		t.Fatalf("status -json: %v %+v", err, s)
	}
	c.ok("decide", "p3", "reject", "-reason", "-含有广告")
	c.ok("decide", "p3", "undo")
	c.ok("decide", "p3", "reject", "--reason=广告")
	out := filepath.Join(t.TempDir(), "d.jsonl")
	c.ok("export", "--o", out, "decisions")
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "广告") {
		t.Fatalf("export --o: %v %s", err, b)
	}
}

// Names and texts from outside reach the terminal inert. init refuses a name with control
// characters, as a key file does; an operator of such a name made by a qunshen from before
// that rule is shown inert.
func TestOutputIsInert(t *testing.T) {
	c := newCLI(t)
	name := "王\x1b]0;pwned\x07芳\u202e"
	out, errs, code := c.run("init", "--name", name, "--role", "admin")
	if code != 2 || !strings.Contains(errs, `--name "王␛]0;pwned␇芳⟦U+202E⟧" has control characters`) {
		t.Fatalf("init of a name with control characters: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(c.db); err == nil {
		t.Fatal("the refused init made a database")
	}
	// As a qunshen from before the rule made it.
	st, err := storage.Open(c.db)
	if err != nil {
		t.Fatal(err)
	}
	_, priv, _ := ed25519.GenerateKey(nil)
	s := &model.Signer{Operator: model.Operator{Key: model.KeyOf(priv), Name: name, Role: model.RoleAdmin}, Priv: priv}
	if err := keyring.SaveKey(c.db, s, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.Register(s); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, keyErrs, _ := c.run("key", "export", "-o", filepath.Join(t.TempDir(), "k.json"))
	if !strings.Contains(keyErrs, `the name "王\x1b]0;pwned\a芳\u202e" has control characters`) {
		t.Fatalf("key export of that operator: %s", keyErrs)
	}
	for _, s := range []string{out, errs, keyErrs, c.ok("trust", "--list"), c.ok("--lang", "zh"), c.ok("status")} {
		if strings.ContainsAny(s, "\x1b\x07\u202e") {
			t.Fatalf("an escape reached the output: %q", s)
		}
	}
}
