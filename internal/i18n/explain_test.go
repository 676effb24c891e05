package i18n

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"qunshen/model"
)

// Every entry of the catalogue has both texts, and the two take the same arguments.
func TestCatalogueComplete(t *testing.T) {
	verb := regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?(\[\d+\])?[a-zA-Z%]`)
	for k, v := range catalog {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s: a text is empty: %q", k, v)
			continue
		}
		// Without explicit indexes, the two must have as many verbs; with them, every
		// argument must be used by one of the two texts.
		zh, en := verb.FindAllString(v[0], -1), verb.FindAllString(v[1], -1)
		if !strings.Contains(v[0]+v[1], "%[") && countArgs(zh) != countArgs(en) {
			t.Errorf("%s: %d verbs in Chinese, %d in English: %q", k, countArgs(zh), countArgs(en), v)
		}
	}
}

func countArgs(verbs []string) int {
	n := 0
	for _, v := range verbs {
		if v != "%%" {
			n++
		}
	}
	return n
}

// Every action, role and status the model names has its words in the catalogue.
func TestModelNames(t *testing.T) {
	for _, k := range model.Kinds() {
		if !Has("kind." + string(k)) {
			t.Errorf("no entry kind.%s", k)
		}
	}
	for _, r := range model.Roles {
		if !Has("role." + string(r)) {
			t.Errorf("no entry role.%s", r)
		}
	}
	for _, s := range model.PostStatuses {
		if !Has("post." + string(s)) {
			t.Errorf("no entry post.%s", s)
		}
	}
	for _, e := range []string{"post", "member", "violation", "application", "rectification", "group"} {
		if !Has("entity." + e) {
			t.Errorf("no entry entity.%s", e)
		}
	}
	for _, s := range []model.RectificationStatus{model.RectOpen, model.RectClosed} {
		if !Has("rectification." + string(s)) {
			t.Errorf("no entry rectification.%s", s)
		}
	}
}

// In English, Explain gives a refusal of the model in the model's own words; in Chinese, in
// the catalogue's, with the names of the roles, actions and states.
func TestExplainRefusals(t *testing.T) {
	perm := &model.PermissionError{Role: model.RoleAdmin, Kind: model.PostSignOff}
	trans := &model.TransitionError{Entity: "post", ID: "p-000025", State: "pending", Kind: model.PostApprove, Role: model.RoleAdmin,
		Why: "a major matter is published only after the secretary signs it off (PM 三(三)2)"}
	undo := &model.TransitionError{Entity: "post", ID: "p1", State: "approved", Kind: model.PostUndo, Role: model.RoleSecretary,
		Why: "only 王管理, who decided, can undo it"}
	app := &model.TransitionError{Entity: "application", ID: "a1", State: "pending join", Kind: model.AppealUphold, Role: model.RoleOwner,
		Why: "an appeal is upheld or overturned; a join or exit is approved or refused"}
	conf := &model.ConfidentialArchiveError{Role: model.RoleAdmin}
	unknown := fmt.Errorf("%w %s", model.ErrUnknownOperator, "ab12 cd34")
	wrapped := fmt.Errorf("record 3 of the batch (post.submit p9): %w", perm)
	for _, c := range []struct {
		err error
		zh  []string
	}{
		{perm, []string{"群管理员无权执行“审签”（post.signoff），只有支部书记可以"}},
		{trans, []string{"信息 p-000025 当前为“待审”", "群管理员不能执行“通过”（post.approve）", "重大事项须经支部书记审签后方可发布（PM 三(三)2）"}},
		{undo, []string{"只有作出该决定的 王管理 可以撤销"}},
		{app, []string{"申请 a1 当前为“待批的入群申请”", "申诉只能维持或撤销处理"}},
		{conf, []string{"群管理员不能把涉密信息收入存档", "群主、支部书记、监督人"}},
		{unknown, []string{"未登记的操作员 ab12 cd34"}},
		{wrapped, []string{"record 3 of the batch (post.submit p9): 群管理员无权执行“审签”"}},
		{errors.New("disk full"), []string{"disk full"}},
	} {
		if got := Explain(EN, c.err); got != c.err.Error() {
			t.Errorf("English: %q, the error says %q", got, c.err.Error())
		}
		got := Explain(ZH, c.err)
		for _, w := range c.zh {
			if !strings.Contains(got, w) {
				t.Errorf("Chinese %q does not say %q", got, w)
			}
		}
	}
	if got := Explain(ZH, E("review.unknown-post", "p\x1b[2J")); strings.ContainsRune(got, 0x1b) {
		t.Errorf("a catalogue error shows an escape: %q", got)
	}
	inner := E("review.calendar.date", 3, "2026-02-30")
	outer := E("review.calendar.read", 4, inner)
	if !errors.Is(outer, inner) || Explain(ZH, outer) != "第 4 行：第 3 行：\"2026-02-30\" 不是日期（YYYY-MM-DD）" {
		t.Errorf("nested: %q", Explain(ZH, outer))
	}
}

// Every reason the model and the service give for a refusal (TransitionError.Why, as the
// sources write it) has its entry: a new reason fails here until it is in the catalogue.
func TestEveryWhyHasAnEntry(t *testing.T) {
	var files []string
	for _, dir := range []string{"model", "review"} {
		fs, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	fset := token.NewFileSet()
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			var why ast.Expr
			switch n := n.(type) {
			case *ast.CallExpr: // a.refuse(entity, id, state, why)
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "refuse" && len(n.Args) == 4 {
					why = n.Args[3]
				}
			case *ast.KeyValueExpr: // TransitionError{… Why: "…"}
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Why" {
					why = n.Value
				}
			case *ast.AssignStmt: // why = "…"
				if id, ok := n.Lhs[0].(*ast.Ident); ok && id.Name == "why" && len(n.Rhs) == 1 {
					why = n.Rhs[0]
				}
			}
			if why == nil {
				return true
			}
			text, ok := pattern(why)
			if !ok || text == "" {
				return true
			}
			found++
			sample := strings.NewReplacer("%d", "7", "%s", "某人").Replace(text)
			if Why(ZH, sample) == sample {
				t.Errorf("%s: the reason %q has no entry why.*", fset.Position(why.Pos()), text)
			}
			return true
		})
	}
	if found < 10 {
		t.Fatalf("found %d reasons in the sources: the test reads them wrong", found)
	}
}

// pattern is the text of a reason as the source builds it: a literal, fmt.Sprintf of one, or
// literals joined with values (a value stands as %s).
func pattern(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		a, okA := pattern(e.X)
		b, okB := pattern(e.Y)
		if !okA {
			a = "%s"
		}
		if !okB {
			b = "%s"
		}
		return a + b, okA || okB
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && len(e.Args) > 0 {
			return pattern(e.Args[0])
		}
	}
	return "", false
}
