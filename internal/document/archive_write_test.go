package document

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"qunshen/internal/i18n"
	"qunshen/model"
	"qunshen/review"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func archiveText(l i18n.Lang) func(string) string {
	return func(k string) string { return i18n.T(l, k) }
}

func writeTestArchive(t *testing.T, dir string, a *model.Archive, s *model.Signer) []ArchiveFile {
	t.Helper()
	files, err := WriteArchive(dir, a, ArchiveOptions{Lang: "zh", T: archiveText(i18n.ZH), Signer: s})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// wellFormed parses the page as XML in strict mode: every element closed, every entity known.
func wellFormed(t *testing.T, page string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = true
	d.Entity = map[string]string{} // only the five of XML
	depth, elems := 0, map[string]int{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("archive.html is not well-formed: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			depth++
			elems[x.Name.Local]++
			for _, at := range x.Attr {
				if strings.HasPrefix(strings.ToLower(at.Name.Local), "on") || strings.Contains(at.Value, "javascript:") {
					t.Fatalf("an event handler or script link: %v", at)
				}
				if (at.Name.Local == "href" || at.Name.Local == "src") && !strings.HasPrefix(at.Value, "#") {
					t.Fatalf("a resource from elsewhere: %s=%q", at.Name.Local, at.Value)
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 || elems["html"] != 1 || elems["body"] != 1 || elems["style"] != 1 {
		t.Fatalf("archive.html: depth %d, elements %v", depth, elems)
	}
	for _, bad := range []string{"script", "iframe", "img", "link", "object", "embed"} {
		if elems[bad] > 0 {
			t.Fatalf("archive.html holds a <%s> element", bad)
		}
	}
}

func TestWriteArchive(t *testing.T) {
	e := newArchiveEnv(t)
	a := e.build(review.ArchiveRequest{Period: period(t, "2026-10"), Command: "qunshen archive --period 2026-10 --by theme"})
	dir := filepath.Join(t.TempDir(), "存档")
	files := writeTestArchive(t, dir, a, e.admin)
	got := readDir(t, dir)
	var names []string
	for n := range got {
		names = append(names, n)
	}
	slices.Sort(names)
	want := []string{
		"2026-10_城东项目群-决议与问题解决_王管理.md",
		"2026-10_城东项目群-工作安排_王管理.md",
		"2026-10_第三党支部党员群-决议与问题解决_王管理.md",
		"2026-10_第三党支部党员群-工作安排_王管理.md",
		"2026-10_第三党支部党员群-讨论记录_王管理.md",
		"2026-10_第三党支部党员群-重要通知_王管理.md",
		"SHA256SUMS", "SHA256SUMS.sig", "archive.html", "index.md",
	}
	if !slices.Equal(names, want) {
		t.Fatalf("files:\n got %q\nwant %q", names, want)
	}
	if len(files) != len(want)-2 {
		t.Fatalf("WriteArchive reported %d files", len(files))
	}

	// A theme's file: its posts in time order, their authors, how they were published.
	notice := got["2026-10_第三党支部党员群-重要通知_王管理.md"]
	if i, j := strings.Index(notice, "随便聊聊"), strings.Index(notice, "关于召开支部大会的通知"); i < 0 || j < i {
		t.Fatalf("notices out of order:\n%s", notice)
	}
	for _, s := range []string{"置顶", "群内已发布", "审核通过：王管理", "作者：單海燕", "> 定于周五下午召开支部大会。\\\n> ——第三党支部"} {
		if !strings.Contains(notice, s) {
			t.Fatalf("the notices do not say %q:\n%s", s, notice)
		}
	}
	if res := got["2026-10_第三党支部党员群-决议与问题解决_王管理.md"]; !strings.Contains(res, "书记审签：李书记") {
		t.Fatalf("a signed-off post does not name the secretary:\n%s", res)
	}

	// Nothing confidential, nothing unpublished, anywhere.
	for name, text := range got {
		for _, s := range []string{"内部资料", "下季度工作计划", "还没审", "驳回。", "修改。", "待书记审签", "撤回。", "十一月。", "九月。"} {
			if strings.Contains(text, s) {
				t.Fatalf("%s holds %q, which is confidential or was not published", name, s)
			}
		}
	}

	// The index: who made it and when, how, what is in it, and the sums.
	index := got["index.md"]
	for _, s := range []string{archiveMark, "王管理（群管理员），密钥指纹 " + e.admin.Operator.Key.Fingerprint(), "2026-11-02 10:00:00 (UTC+8)",
		"qunshen archive --period 2026-10 --by theme", "2 条涉密信息未收入", "2026-10（2026-10-01 至 2026-10-31，北京时间）",
		"| 第三党支部党员群 | 2 | 1 | 3 | 2 | 8 | 2 |", "| 城东项目群 | 0 | 1 | 0 | 1 | 2 | 0 |"} {
		if !strings.Contains(index, s) {
			t.Fatalf("index.md does not say %q:\n%s", s, index)
		}
	}
	for _, f := range files {
		sum := sha256.Sum256([]byte(got[f.Name]))
		if hex.EncodeToString(sum[:]) != f.SHA256 || !strings.Contains(got[ArchiveSums], f.SHA256+"  "+f.Name+"\n") {
			t.Fatalf("the sum of %s is wrong", f.Name)
		}
		if f.Name != ArchiveIndex && !strings.Contains(index, f.SHA256) {
			t.Fatalf("index.md does not list the sum of %s", f.Name)
		}
	}
	sig := regexp.MustCompile(`(?m)^signature ([0-9a-f]+)$`).FindStringSubmatch(got[ArchiveSumsSig])
	raw, _ := hex.DecodeString(sig[1])
	if !ed25519.Verify(e.admin.Operator.Key[:], []byte(got[ArchiveSums]), raw) {
		t.Fatal("the signature of SHA256SUMS does not verify with the maker's key")
	}

	// The page: well-formed, self-contained, the maker and the time on it.
	page := got[ArchiveHTML]
	wellFormed(t, page)
	for _, s := range []string{"@media print", "王管理（群管理员）", "2026-11-02 10:00:00 (UTC+8)", "关于召开支部大会的通知", "项目部署计划"} {
		if !strings.Contains(page, s) {
			t.Fatalf("archive.html does not say %q", s)
		}
	}
}

func TestArchiveHostileTextIsInert(t *testing.T) {
	e := newArchiveEnv(t)
	a := e.build(review.ArchiveRequest{Groups: []string{"g1"}, Period: period(t, "2026-10-20")})
	dir := filepath.Join(t.TempDir(), "a")
	writeTestArchive(t, dir, a, e.admin)
	got := readDir(t, dir)
	page, md := got[ArchiveHTML], got["2026-10-20_第三党支部党员群-讨论记录_王管理.md"]
	wellFormed(t, page)
	for name, text := range got {
		if strings.ContainsAny(text, "\x1b\x07\u202e\u202c") || !utf8.ValidString(text) {
			t.Fatalf("%s carries a control character or a bidi override", name)
		}
	}
	for _, s := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;/div&gt;&lt;script&gt;alert(2)&lt;/script&gt;", "&amp;amp;", "␛[2J", "␇", "⟦U+202E⟧gnp.exe⟦U+202C⟧"} {
		if !strings.Contains(page, s) {
			t.Fatalf("archive.html does not show %q", s)
		}
	}
	if strings.Contains(page, "<script") {
		t.Fatal("archive.html holds a script")
	}
	for _, s := range []string{"\\<script\\>alert(1)\\</script\\>", "\\<script\\>alert(2)", "\\&amp;", "\\*粗\\*", "\\_斜\\_", "\\[链接\\](http://x)",
		"\\| 表 \\|", "\\$x\\$", "> \\# 标题", "> 1\\. 列表", "> \\- 列表", "> \\> 引用", "> \\`\\`\\`"} {
		if !strings.Contains(md, s) {
			t.Fatalf("the Markdown does not escape %q:\n%s", s, md)
		}
	}
}

func TestArchiveByTime(t *testing.T) {
	e := newArchiveEnv(t)
	a := e.build(review.ArchiveRequest{Groups: []string{"g1"}, Period: period(t, "2026-09-30..2026-11-01"), ByTime: true, IncludeConfidential: true, Operator: e.owner.Operator})
	dir := filepath.Join(t.TempDir(), "a")
	writeTestArchive(t, dir, a, e.owner)
	got := readDir(t, dir)
	sep, oct, nov := got["2026-09_第三党支部党员群_曾群主.md"], got["2026-10_第三党支部党员群_曾群主.md"], got["2026-11_第三党支部党员群_曾群主.md"]
	if !strings.Contains(sep, "九月最后一条") || !strings.Contains(nov, "十一月第一条") {
		t.Fatalf("months: %q", slices.Collect(func(yield func(string) bool) {
			for k := range got {
				yield(k)
			}
		}))
	}
	// One time line, the theme on each entry, confidential posts in and marked.
	var order []string
	for _, s := range []string{"〔重要通知〕 随便聊聊", "〔工作安排〕 工作计划", "〔重要通知〕 关于召开支部大会的通知", "〔工作安排〕 国庆后值班安排", "〔决议与问题解决〕 支部大会會議紀要"} {
		i := strings.Index(oct, s)
		if i < 0 {
			t.Fatalf("October does not hold %q:\n%s", s, oct)
		}
		order = append(order, s)
		if len(order) > 1 && i < strings.Index(oct, order[len(order)-2]) {
			t.Fatalf("%q comes before %q", s, order[len(order)-2])
		}
	}
	for _, s := range []string{"涉密", "本存档含涉密信息"} {
		if !strings.Contains(oct, s) || !strings.Contains(got[ArchiveHTML], s) {
			t.Fatalf("confidential posts are not marked %q", s)
		}
	}
	if !strings.Contains(got[ArchiveIndex], "已收入 2 条涉密信息") {
		t.Fatalf("index:\n%s", got[ArchiveIndex])
	}
	wellFormed(t, got[ArchiveHTML])
}

func TestArchiveAgainIsTheSame(t *testing.T) {
	e := newArchiveEnv(t)
	req := review.ArchiveRequest{Period: period(t, "2026-Q4")}
	one, two := filepath.Join(t.TempDir(), "one"), filepath.Join(t.TempDir(), "two")
	writeTestArchive(t, one, e.build(req), e.admin)
	req.Now = at("2027-01-15T16:30:00+08:00")
	writeTestArchive(t, two, e.build(req), e.admin)
	a, b := readDir(t, one), readDir(t, two)
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	// Only the time of making differs, and the sums of the files that name it.
	madeAt := regexp.MustCompile(`20\d\d-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\+8\)|[0-9a-f]{64}|signature [0-9a-f]+`)
	for name, x := range a {
		y, ok := b[name]
		if !ok {
			t.Fatalf("%s is not made again", name)
		}
		if madeAt.ReplaceAllString(x, "") != madeAt.ReplaceAllString(y, "") {
			t.Fatalf("%s differs beyond the time of making", name)
		}
		if strings.HasSuffix(name, ".md") && name != ArchiveIndex && x != y {
			t.Fatalf("%s differs", name)
		}
	}
}

func TestArchiveFolderIsWrittenWholeOrNotAtAll(t *testing.T) {
	e := newArchiveEnv(t)
	a := e.build(review.ArchiveRequest{Period: period(t, "2026-10")})
	parent := t.TempDir()
	opt := ArchiveOptions{T: archiveText(i18n.EN), Lang: "en"}

	other := filepath.Join(parent, "other")
	e.check(os.MkdirAll(other, 0o700))
	e.check(os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o600))
	for _, force := range []bool{false, true} {
		opt.Force = force
		if _, err := WriteArchive(other, a, opt); !errors.Is(err, ErrArchiveExists) {
			t.Fatalf("a folder of other files (force %v): %v", force, err)
		}
	}
	if got := readDir(t, other); len(got) != 1 || got["notes.txt"] != "mine" {
		t.Fatalf("the folder of other files was touched: %v", got)
	}
	file := filepath.Join(parent, "file")
	e.check(os.WriteFile(file, nil, 0o600))
	if _, err := WriteArchive(file, a, opt); err == nil {
		t.Fatal("a file was taken for the folder")
	}

	empty := filepath.Join(parent, "empty")
	e.check(os.MkdirAll(empty, 0o700))
	opt.Force = false
	if _, err := WriteArchive(empty, a, opt); err != nil {
		t.Fatalf("an empty folder: %v", err)
	}
	if !strings.Contains(readDir(t, empty)[ArchiveIndex], "Important notices") {
		t.Fatal("the archive is not in English")
	}
	if _, err := WriteArchive(empty, a, opt); !errors.Is(err, ErrArchiveExists) {
		t.Fatalf("an earlier archive replaced without --force: %v", err)
	}
	opt.Force = true
	b := e.build(review.ArchiveRequest{Groups: []string{"g2"}, Period: period(t, "2026-10")})
	if _, err := WriteArchive(empty, b, opt); err != nil {
		t.Fatalf("--force over an earlier archive: %v", err)
	}
	got := readDir(t, empty)
	for name := range got {
		if strings.Contains(name, "第三党支部") {
			t.Fatalf("%s of the replaced archive is left", name)
		}
	}
	ents, _ := os.ReadDir(parent)
	for _, en := range ents {
		if strings.HasPrefix(en.Name(), ".") {
			t.Fatalf("a temporary folder is left: %s", en.Name())
		}
	}
}

func TestArchiveFileNames(t *testing.T) {
	n := &fileNamer{}
	long := strings.Repeat("很长的群名", 40)
	for _, c := range []struct{ parts []string }{
		{[]string{"2026-10", `a/b\c:d*e?f"g<h>i|j`, "张伟"}},
		{[]string{"2026-10", "..", "\x1b[2J\u202e\u200b"}},
		{[]string{"2026-10", long, long}},
		{[]string{"CON"}}, {[]string{"con"}}, {[]string{"Com1.x"}},
		{[]string{"A"}}, {[]string{"a"}},
		{[]string{"cafe\u0301"}}, {[]string{"caf\u00e9"}},
		{[]string{" .hidden. "}}, {[]string{"\xff\xfe"}},
	} {
		name := n.name(".md", c.parts...)
		base := strings.TrimSuffix(name, ".md")
		switch {
		case len(name) > maxFileName || !utf8.ValidString(name):
			t.Errorf("%q: %q is too long or not UTF-8", c.parts, name)
		case strings.ContainsAny(name, `/\:*?"<>|`+"\x00\x1b\u202e\u200b "):
			t.Errorf("%q: %q holds a forbidden character", c.parts, name)
		case strings.HasPrefix(name, ".") || strings.HasPrefix(name, "-") || base == "" || base == "..":
			t.Errorf("%q: %q is hidden or empty", c.parts, name)
		case reservedNames[strings.ToUpper(strings.Split(name, ".")[0])]:
			t.Errorf("%q: %q is a device name on Windows", c.parts, name)
		}
	}
	seen := map[string]bool{}
	for k := range n.used {
		if seen[k] {
			t.Errorf("two files named %q", k)
		}
		seen[k] = true
	}
	if !n.used["a_2.md"] || !n.used["café_2.md"] || !n.used["_con_2.md"] {
		t.Errorf("names that differ only by case or by Unicode normalisation were not told apart: %v", n.used)
	}
}

// FuzzArchiveText checks that any text, made inert and escaped, is valid XML character data
// that opens no element, and that any text makes a safe file name.
func FuzzArchiveText(f *testing.F) {
	for _, s := range []string{"", "<script>alert(1)</script>", "\x1b[2J\x07", "\u202egnp.exe", "a\r\nb\rc\u2028d", "\xff\xfe\x00", "]]>", "&amp;", "CON", "../../etc/passwd", "# 1. - > `"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, keep := range []bool{false, true} {
			doc := "<p>" + htmlText(s, keep) + "</p>"
			d := xml.NewDecoder(strings.NewReader(doc))
			d.Strict = true
			n := 0
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%q: %v", s, err)
				}
				if _, ok := tok.(xml.StartElement); ok {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%q opened %d elements", s, n)
			}
			md := mdText(s, keep, "> ")
			if !utf8.ValidString(md) || strings.ContainsAny(md, "\x1b\x00\u202e") {
				t.Fatalf("%q: Markdown %q", s, md)
			}
			if !keep && strings.Contains(md, "\n") {
				t.Fatalf("%q: a line break in a one-line text", s)
			}
		}
		name := (&fileNamer{}).name(".md", s)
		if len(name) > maxFileName || strings.ContainsAny(name, `/\:*?"<>|`+"\x00") || strings.HasPrefix(name, ".") || !utf8.ValidString(name) {
			t.Fatalf("%q: file name %q", s, name)
		}
		if bytes.ContainsFunc([]byte(name), func(r rune) bool { return r < 0x20 }) {
			t.Fatalf("%q: file name %q", s, name)
		}
	})
}

// Titles and names are put on one line by the rule of the one sanitiser (inert.Line): a line
// break is drawn ↵ and a tab becomes a space; a body keeps its lines and tabs (inert.Text).
func TestArchiveOneLineText(t *testing.T) {
	if got := htmlText("一\r\n二\t<三>", false); got != "一↵二 &lt;三&gt;" {
		t.Errorf("a title on one line: %q", got)
	}
	if got := mdText("一\r\n二\t三", false, ""); got != "一↵二 三" {
		t.Errorf("a title on one line in Markdown: %q", got)
	}
	if got := htmlText("一\r\n二\t三", true); got != "一\n二\t三" {
		t.Errorf("a body: %q", got)
	}
}
