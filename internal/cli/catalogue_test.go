package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"qunshen/internal/i18n"
	"qunshen/internal/ingest"
)

// has reports whether the catalogue has key with both texts.
func has(key string) bool {
	return i18n.Has(key) && i18n.T(i18n.ZH, key) != "" && i18n.T(i18n.EN, key) != ""
}

// Every key the command line names is in the catalogue, in both languages. Keys made of a
// prefix and a value are checked for every value they take.
func TestCatalogueHasEveryKey(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	keys := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !strings.HasPrefix(s, "cli.") || strings.ContainsAny(s, " %") {
				return true
			}
			keys++
			if !strings.HasSuffix(s, ".") && !has(s) {
				t.Errorf("%s: %q is not in the catalogue in both languages", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
	if keys < 100 {
		t.Fatalf("found %d keys: the test reads the sources wrong", keys)
	}
	var prefixed []string
	for _, p := range ingest.Names() {
		prefixed = append(prefixed, "cli.format."+p)
		// In English a format is named by its own title.
		if pr, _ := ingest.Lookup(p); i18n.T(i18n.EN, "cli.format."+p) != pr.Title {
			t.Errorf("cli.format.%s in English is %q, the format's title %q", p, i18n.T(i18n.EN, "cli.format."+p), pr.Title)
		}
	}
	for _, s := range []string{"read", "store", "fold"} {
		prefixed = append(prefixed, "cli.sync.stage."+s)
	}
	for _, s := range []string{"name", "role", "branch", "fingerprint", "kind", "trusted", "revoked"} {
		prefixed = append(prefixed, "cli.trust.col."+s)
	}
	for _, s := range []string{"theme", "time"} {
		prefixed = append(prefixed, "cli.archive.by."+s)
	}
	for _, s := range []string{"bash", "zsh", "fish", "powershell"} {
		prefixed = append(prefixed, "cli.completion."+s)
	}
	for _, k := range prefixed {
		if !has(k) {
			t.Errorf("%q is not in the catalogue in both languages", k)
		}
	}
}

// Every command and flag of the tree, in both languages, has its words from the catalogue,
// and every flag that takes a value names it with a placeholder of the catalogue (else pflag
// would show its type, "string" or "int", in English).
func TestTreeIsInTheCatalogue(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.ZH, i18n.EN} {
		root := newRoot(&env{lang: l, stdout: io.Discard, stderr: io.Discard})
		var walk func(c *cobra.Command)
		walk = func(c *cobra.Command) {
			if c.Hidden {
				return
			}
			if c.Short == "" || strings.HasPrefix(c.Short, "cli.") {
				t.Errorf("%s %s: no short help (%q)", l, c.CommandPath(), c.Short)
			}
			if l == i18n.ZH && !regexp.MustCompile(`\p{Han}`).MatchString(c.Short) {
				t.Errorf("%s: the short help %q is not Chinese", c.CommandPath(), c.Short)
			}
			check := func(f *pflag.Flag) {
				if f.Usage == "" || strings.HasPrefix(f.Usage, "cli.") {
					t.Errorf("%s %s --%s: no usage (%q)", l, c.CommandPath(), f.Name, f.Usage)
				}
				if f.NoOptDefVal == "" && !strings.Contains(f.Usage, "`") {
					t.Errorf("%s %s --%s: no `placeholder` in %q", l, c.CommandPath(), f.Name, f.Usage)
				}
			}
			c.LocalFlags().VisitAll(check)
			for _, sub := range c.Commands() {
				walk(sub)
			}
		}
		walk(root)
	}
}

// englishWords finds two English words in a row: a sentence left untranslated.
var englishWords = regexp.MustCompile(`\b[A-Za-z]{2,}(?: [A-Za-z]{2,}\b)+`)

// allowedEnglish are names that stay as they are in Chinese text: command lines and flags,
// products, formats, the lines of shell code in the completion's help (indented by a tab), and
// key fingerprints (random hex, which may spell "ccba acea").
var allowedEnglish = regexp.MustCompile(`qunshen(?: [a-z][a-z-]*)*|--?[a-z][a-z-]*|JSON Lines|Telegram Desktop|QQ NT|(?m:^\t.*$)|\b[0-9a-f]{4}(?: [0-9a-f]{4}){4}\b`)

// The commands that the tests run, run in Chinese, show no English sentence and no key of
// the catalogue.
func TestNoEnglishInChinese(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a session of every command")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "q.db")
	p := func(name string) string { return filepath.Join(dir, name) }
	os.WriteFile(p("text.txt"), []byte("土豪加微信 abc 13800138000\n"), 0o600)
	var lines [][]string
	add := func(args ...string) { lines = append(lines, args) }
	add("--help")
	for _, c := range newRoot(&env{lang: i18n.ZH, stdout: io.Discard, stderr: io.Discard}).Commands() {
		add(c.Name(), "--help")
	}
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		add("completion", sh, "--help")
	}
	add("improt")
	add("help", "improt")
	add("decide", "p1")
	add("decide", "--bogus")
	add("init", "--name", "王管理", "--role", "boss")
	add("init", "--name", "王管理", "--role", "admin", "--branch", "第三党支部")
	add("init", "--name", "王管理", "--role", "admin")
	add("init", "--name", "李书记", "--role", "secretary")
	add("init", "--name", "周监督", "--role", "supervisor")
	add("import", queueFile)
	add("import", "--as", "王芳", queueFile)
	add("decide", "p1", "approve")
	add("decide", "p2", "approve")
	add("decide", "p2", "signoff")
	add("decide", "p3", "reject")
	add("decide", "p3", "publish")
	add("decide", "p404", "approve")
	add("decide", "p1", "undo")
	add("decide", "p1", "undo")
	add("decide", "p2", "escalate")
	add("--as", "李书记", "decide", "p2", "signoff")
	add("status")
	add("verify")
	add()
	add("key", "export", "-o", p("k.json"))
	add("key", "import")
	add("trust", "--list")
	add("trust", p("k.json"), "--yes")
	add("trust")
	add("sync", "export", "-o", p("b.qsb"))
	add("sync", "import", p("b.qsb"))
	add("sync", "conflicts")
	add("sync", "frob")
	add("export", "decisions", "-o", p("d.jsonl"))
	add("export", "decisions", "--since", "昨天", "-o", p("d.jsonl"))
	add("backup", p("bk.db"))
	add("compact")
	add("restore", p("bk.db"))
	add("scan", p("text.txt"))
	add("policy", "check", filepath.Join(moduleRoot, "review", "policy.toml"))
	add("policy")
	add("gen", "--posts", "10", "--members", "40", "-o", p("g.jsonl"))
	add("gen", "--posts", "x", "-o", p("g.jsonl"))
	add("archive", "-o", p("arch"))
	add("archive", "--by", "month", "-o", p("arch2"))
	add("archive", "--include-confidential", "-o", p("arch3"))
	add("report", "-o", p("r.md"))
	add("report", "--period", "2026-13")
	add("report", "--format", "pdf")
	add("inspect", "--group", "g1", "--item", "content", "--finding", "未审先发", "--days", "3")
	add("--as", "周监督", "inspect", "--group", "g1", "--item", "content", "--finding", "未审先发", "--days", "3", "--id", "R1")
	add("--as", "周监督", "inspect", "--group", "g1", "--item", "looks", "--finding", "x", "--days", "3")
	add("rectify", "list")
	add("--as", "周监督", "rectify", "close", "R1")
	add("--as", "周监督", "rectify", "close", "R1")
	add("rectify")
	add("authority", "init", "--name", "机关党委", "-o", p("a.json"))
	add("authority", "init", "--name", "机关党委", "-o", p("a.json"))
	add("authority", "designate", p("k.json"), "-o", p("d.json"))
	add("authority", "designate", p("k.json"), "--all", "-o", p("d.json"))
	add("authority", "designate", p("k.json"), "--role", "secretary", "--branch", "第三党支部", "-o", p("d.json"))
	add("authority", "designate", p("k.json"), "--branch", "第三党支部", "--until", "2027-13-01", "-o", p("d.json"))
	add("authority", "designate", p("k.json"), "--branch", "第三党支部", "--groups", "g2", "--until", "2027-12-31", "-o", p("d.json"))
	add("authority", "accept", p("d.json"))
	add("authority", "accept", p("d.json"))
	add("authority", "list")
	add("authority", "frob")
	add("authority", "list", "--reason", "x")
	add("group", "show", "g1")
	add("group", "show", "g404")
	add("authority", "revoke", "王管理", "--reason", "调离")
	add("authority", "revoke", "王管理")
	add("trust", "--authority", p("a.json"), "--yes")
	add("trust", "--authority", p("k.json"))
	add("--lang", "fr")
	for _, args := range lines {
		out, errs, _ := zh(t, db, args...)
		text := strings.ReplaceAll(out+errs, dir, "")
		if strings.Contains(text, "cli.") {
			t.Errorf("qunshen %s shows a key of the catalogue:\n%s", strings.Join(args, " "), text)
		}
		if w := englishWords.FindString(allowedEnglish.ReplaceAllString(text, "")); w != "" {
			t.Errorf("qunshen %s says %q in English:\n%s", strings.Join(args, " "), w, text)
		}
	}
}

// Every command is in the tree once: a command added twice would show twice in the help.
func TestEveryCommandOnce(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		seen := map[string]bool{}
		for _, sub := range c.Commands() {
			if seen[sub.Name()] {
				t.Errorf("%s: the command %s is added twice", c.CommandPath(), sub.Name())
			}
			seen[sub.Name()] = true
			walk(sub)
		}
	}
	walk(newRoot(&env{lang: i18n.EN, stdout: io.Discard, stderr: io.Discard}))
}
