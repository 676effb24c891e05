package document

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"qunshen/model"
)

// archiveZone is the zone of an archive's dates: China time, whatever the machine's zone.
var archiveZone = time.FixedZone("UTC+8", 8*60*60)

type archiveOut struct {
	name string
	data []byte
	what string // what the file holds, for the index
}

// archivePart is what one Markdown file holds: one group's entries of one theme, or of one
// month in time order.
type archivePart struct {
	group   *model.ArchiveGroup
	theme   model.Theme // "" in time order
	month   string      // in time order
	entries []model.ArchiveEntry
	file    string
}

type archiveRenderer struct {
	a   *model.Archive
	opt ArchiveOptions
	T   func(string) string
}

func (r *archiveRenderer) Tf(key string, args ...any) string { return fmt.Sprintf(r.T(key), args...) }

// renderArchive makes every file of the archive but SHA256SUMS, the index last, as it lists
// the sums of the others.
func renderArchive(a *model.Archive, opt ArchiveOptions) []archiveOut {
	r := &archiveRenderer{a: a, opt: opt, T: opt.T}
	namer := &fileNamer{used: map[string]bool{}}
	for _, n := range []string{ArchiveIndex, ArchiveHTML, ArchiveSums, ArchiveSumsSig} {
		namer.used[strings.ToLower(n)] = true
	}
	parts := r.parts()
	date := r.dateLabel()
	var out []archiveOut
	for _, p := range parts {
		gname := groupName(&p.group.Group)
		if p.theme != "" {
			p.file = namer.name(".md", date, gname+"-"+r.T("archive.theme."+string(p.theme)), a.Maker.Name)
		} else {
			p.file = namer.name(".md", p.month, gname, a.Maker.Name)
		}
		out = append(out, archiveOut{name: p.file, data: r.markdown(p), what: r.partTitle(p)})
	}
	out = append(out, archiveOut{name: ArchiveHTML, data: r.html(parts), what: r.T("archive.html.what")})
	out = append(out, archiveOut{name: ArchiveIndex, data: r.index(out)})
	return out
}

// parts splits the archive into its Markdown files: per group, the themes in the order of
// GO 五(一)1, or the months in time order.
func (r *archiveRenderer) parts() []*archivePart {
	var out []*archivePart
	for gi := range r.a.Groups {
		g := &r.a.Groups[gi]
		if r.a.ByTime {
			var cur *archivePart
			for _, e := range g.Entries {
				m := e.Post.Time.In(archiveZone).Format("2006-01")
				if cur == nil || cur.month != m {
					cur = &archivePart{group: g, month: m}
					out = append(out, cur)
				}
				cur.entries = append(cur.entries, e)
			}
			continue
		}
		for _, th := range model.Themes {
			p := &archivePart{group: g, theme: th}
			for _, e := range g.Entries {
				if e.Theme == th {
					p.entries = append(p.entries, e)
				}
			}
			if len(p.entries) > 0 {
				out = append(out, p)
			}
		}
	}
	return out
}

func groupName(g *model.Group) string {
	if strings.TrimSpace(g.Name) != "" {
		return g.Name
	}
	return g.ID
}

// dateLabel is the date part of the file names: the period, or else the days from the first
// post to the last, or else the day the archive was made.
func (r *archiveRenderer) dateLabel() string {
	if r.a.PeriodLabel != "" {
		return strings.ReplaceAll(r.a.PeriodLabel, "..", "~")
	}
	var first, last time.Time
	for _, g := range r.a.Groups {
		for _, e := range g.Entries {
			if first.IsZero() || e.Post.Time.Before(first) {
				first = e.Post.Time
			}
			if e.Post.Time.After(last) {
				last = e.Post.Time
			}
		}
	}
	if first.IsZero() {
		return r.a.MadeAt.In(archiveZone).Format("2006-01-02")
	}
	a, b := first.In(archiveZone).Format("2006-01-02"), last.In(archiveZone).Format("2006-01-02")
	if a == b {
		return a
	}
	return a + "~" + b
}

func (r *archiveRenderer) partTitle(p *archivePart) string {
	what := r.T("archive.theme." + string(p.theme))
	if p.theme == "" {
		what = p.month
	}
	return groupName(&p.group.Group) + " · " + what + " · " + r.Tf("archive.n.posts", len(p.entries))
}

func (r *archiveRenderer) periodText() string {
	if r.a.PeriodLabel == "" {
		return r.T("archive.period.all")
	}
	return r.Tf("archive.period.span", r.a.PeriodLabel, r.a.From.In(archiveZone).Format("2006-01-02"),
		r.a.To.In(archiveZone).Add(-time.Nanosecond).Format("2006-01-02"))
}

func (r *archiveRenderer) makerText() string {
	m := r.a.Maker
	return r.Tf("archive.maker.text", m.Name, r.T("role."+string(m.Role)), m.Key.Fingerprint())
}

func (r *archiveRenderer) madeAtText() string {
	return r.a.MadeAt.In(archiveZone).Format("2006-01-02 15:04:05") + " (UTC+8)"
}

func (r *archiveRenderer) confidentialText() string {
	if r.a.IncludeConfidential {
		n := 0
		for _, g := range r.a.Groups {
			for _, e := range g.Entries {
				if e.Post.IsConfidential() {
					n++
				}
			}
		}
		return r.Tf("archive.confidential.in", n)
	}
	if r.a.LeftOut() == 0 {
		return r.T("archive.confidential.none")
	}
	return r.Tf("archive.confidential.out", r.a.LeftOut())
}

func (r *archiveRenderer) byText() string {
	if r.a.ByTime {
		return r.T("archive.by.time")
	}
	return r.T("archive.by.theme")
}

// entryLine is the line under an entry's heading: author, review, id, marks.
func (r *archiveRenderer) entryFacts(e *model.ArchiveEntry) []string {
	p := &e.Post
	facts := []string{r.T("archive.author") + "：" + e.AuthorName}
	st := r.T("archive.status." + string(p.Status))
	if d := lastDecision(p); d != nil {
		st += "：" + d.Actor + " " + d.Time.In(archiveZone).Format("2006-01-02 15:04")
	}
	facts = append(facts, st, r.T("archive.id")+"："+p.ID)
	if p.Pinned {
		facts = append(facts, r.T("archive.pinned"))
	}
	if p.IsConfidential() {
		facts = append(facts, r.T("archive.mark.confidential"))
	}
	return facts
}

// lastDecision is the decision that brought the post to its status, if it has one.
func lastDecision(p *model.Post) *model.Decision {
	for i := len(p.History) - 1; i >= 0; i-- {
		d := &p.History[i]
		if !d.Undone && d.To == p.Status {
			return d
		}
	}
	return nil
}

func entryTime(p *model.Post) string { return p.Time.In(archiveZone).Format("2006-01-02 15:04") }

func (r *archiveRenderer) entryTitle(p *model.Post) string {
	if strings.TrimSpace(p.Title) == "" {
		return r.T("archive.untitled")
	}
	return p.Title
}

// markdown is one group's theme (or month) as a Markdown file.
func (r *archiveRenderer) markdown(p *archivePart) []byte {
	var b strings.Builder
	what := r.T("archive.theme." + string(p.theme))
	if p.theme == "" {
		what = p.month
	}
	fmt.Fprintf(&b, "# %s · %s · %s\n\n", mdText(r.T("archive.title"), false, ""), mdText(groupName(&p.group.Group), false, ""), mdText(what, false, ""))
	fmt.Fprintf(&b, "%s：%s · %s：%s · %s\n\n", mdText(r.T("archive.period"), false, ""), mdText(r.periodText(), false, ""),
		mdText(r.T("archive.maker"), false, ""), mdText(r.a.Maker.Name, false, ""), mdText(r.Tf("archive.n.posts", len(p.entries)), false, ""))
	if r.a.IncludeConfidential {
		fmt.Fprintf(&b, "**%s**\n\n", mdText(r.T("archive.confidential.banner"), false, ""))
	}
	for i := range p.entries {
		e := &p.entries[i]
		head := entryTime(&e.Post) + " · "
		if p.theme == "" {
			head += "〔" + r.T("archive.theme."+string(e.Theme)) + "〕 "
		}
		fmt.Fprintf(&b, "## %s%s\n\n", mdText(head, false, ""), mdText(r.entryTitle(&e.Post), false, ""))
		fmt.Fprintf(&b, "%s\n\n", mdText(strings.Join(r.entryFacts(e), " · "), false, ""))
		if e.Post.Body != "" {
			fmt.Fprintf(&b, "> %s\n\n", mdText(e.Post.Body, true, "> "))
		}
		if len(e.Post.Attachments) > 0 {
			fmt.Fprintf(&b, "%s：%s\n\n", mdText(r.T("archive.attachments"), false, ""), mdText(strings.Join(e.Post.Attachments, "、"), false, ""))
		}
	}
	return []byte(b.String())
}

// particulars are the archive's particulars, as catalogue keys and values: the groups, the
// period, how it is arranged, what it holds, the confidential posts, who made it, when, how.
func (r *archiveRenderer) particulars() [][2]string {
	var gs []string
	for _, g := range r.a.Groups {
		gs = append(gs, groupName(&g.Group)+"（"+g.Group.ID+"）")
	}
	if len(gs) == 0 {
		gs = []string{r.T("none")}
	}
	out := [][2]string{
		{"archive.groups", strings.Join(gs, "、")},
		{"archive.period", r.periodText()},
		{"archive.by", r.byText()},
		{"archive.scope", r.T("archive.scope.text")},
		{"archive.confidential", r.confidentialText()},
		{"archive.maker", r.makerText()},
		{"archive.madeat", r.madeAtText()},
		{"archive.command", r.a.Command},
	}
	if x := r.a.Access; x != nil {
		approver := r.T("archive.request.none")
		if x.Approved() {
			approver = r.Tf("archive.request.approved", x.ApprovedBy, r.T("role."+string(x.ApprovedRole)), x.ApprovedAt.In(archiveZone).Format("2006-01-02 15:04"))
		}
		out = append(out,
			[2]string{"archive.request", r.Tf("archive.request.text", x.ID, x.Member, x.DecidedBy, x.DecidedAt.In(archiveZone).Format("2006-01-02 15:04"))},
			[2]string{"archive.request.reason", x.Reason},
			[2]string{"archive.request.approver", approver})
	}
	return out
}

// index is index.md: what the archive holds, who made it and when, how, and the sums of the
// other files.
func (r *archiveRenderer) index(files []archiveOut) []byte {
	var b strings.Builder
	md := func(s string) string { return mdText(s, false, "") }
	b.WriteString(archiveMark + "\n")
	fmt.Fprintf(&b, "# %s\n\n", md(r.T("archive.title")))
	fmt.Fprintf(&b, "| %s | %s |\n|---|---|\n", md(r.T("archive.item")), md(r.T("archive.value")))
	for _, kv := range r.particulars() {
		fmt.Fprintf(&b, "| %s | %s |\n", md(r.T(kv[0])), md(kv[1]))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "## %s\n\n", md(r.T("archive.counts")))
	b.WriteString("| " + md(r.T("archive.group")))
	for _, th := range model.Themes {
		b.WriteString(" | " + md(r.T("archive.theme."+string(th))))
	}
	fmt.Fprintf(&b, " | %s | %s |\n|---", md(r.T("archive.total")), md(r.T("archive.leftout")))
	b.WriteString(strings.Repeat("|---:", len(model.Themes)+2) + "|\n")
	totals := make([]int, len(model.Themes)+2)
	for _, g := range r.a.Groups {
		c := themeCounts(&g)
		c = append(c, len(g.Entries), g.LeftOut)
		b.WriteString("| " + md(groupName(&g.Group)))
		for i, n := range c {
			fmt.Fprintf(&b, " | %d", n)
			totals[i] += n
		}
		b.WriteString(" |\n")
	}
	b.WriteString("| " + md(r.T("archive.total")))
	for _, n := range totals {
		fmt.Fprintf(&b, " | %d", n)
	}
	b.WriteString(" |\n\n")
	fmt.Fprintf(&b, "## %s\n\n| %s | %s | SHA-256 |\n|---|---|---|\n", md(r.T("archive.files")), md(r.T("archive.file")), md(r.T("archive.holds")))
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		fmt.Fprintf(&b, "| [%s](<%s>) | %s | `%s` |\n", md(f.name), f.name, md(f.what), hex.EncodeToString(sum[:]))
	}
	fmt.Fprintf(&b, "\n%s\n", md(r.T("archive.check")))
	return []byte(b.String())
}

func themeCounts(g *model.ArchiveGroup) []int {
	c := make([]int, len(model.Themes))
	for _, e := range g.Entries {
		for i, th := range model.Themes {
			if e.Theme == th {
				c[i]++
			}
		}
	}
	return c
}

// archiveCSS is the style of archive.html: plain, readable on a screen, and set for paper.
// It holds no < or &, so that the page stays well-formed XML.
const archiveCSS = `
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif; line-height: 1.6; max-width: 52em; margin: 2em auto; padding: 0 1em; color: #111; }
h1 { font-size: 1.8em; border-bottom: 2px solid #333; padding-bottom: .2em; }
h2 { font-size: 1.4em; margin-top: 2em; border-bottom: 1px solid #999; }
h3 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: .25em .6em; text-align: left; vertical-align: top; }
td.n { text-align: right; }
.banner { border: 2px solid #a00; color: #a00; padding: .5em 1em; font-weight: bold; }
article { border-top: 1px solid #ddd; padding: .6em 0; }
article h4 { margin: .2em 0; font-size: 1em; }
.time { font-family: monospace; margin-right: .6em; }
.theme-tag { color: #555; margin-right: .4em; }
.facts { color: #444; font-size: .9em; margin: .2em 0; }
.body { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: isolate; border-left: 3px solid #ccc; padding-left: .8em; margin: .4em 0; }
.att { font-size: .9em; color: #444; }
.mark { font-weight: bold; }
footer { margin-top: 3em; border-top: 1px solid #999; font-size: .9em; color: #444; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; color: #000; }
  nav { display: none; }
  a { color: #000; text-decoration: none; }
  section.group { break-before: page; }
  article { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  .banner { border-color: #000; color: #000; }
}
@page { margin: 2cm; }
`

// html is archive.html: the whole archive in one printable page with no script and nothing
// fetched from elsewhere, written as polyglot markup (well-formed XML as well as HTML).
func (r *archiveRenderer) html(parts []*archivePart) []byte {
	var b strings.Builder
	h := func(s string) string { return htmlText(s, false) }
	lang := "zh-CN"
	if r.opt.Lang == "en" {
		lang = "en"
	}
	b.WriteString("<!DOCTYPE html>\n")
	fmt.Fprintf(&b, "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"%s\" xml:lang=\"%s\">\n<head>\n", lang, lang)
	b.WriteString("<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
	b.WriteString("<meta name=\"generator\" content=\"qunshen\"/>\n")
	title := r.T("archive.title")
	if r.a.PeriodLabel != "" {
		title += " · " + r.a.PeriodLabel
	}
	fmt.Fprintf(&b, "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n", h(title), archiveCSS)
	fmt.Fprintf(&b, "<h1>%s</h1>\n", h(title))
	if r.a.IncludeConfidential {
		fmt.Fprintf(&b, "<p class=\"banner\">%s</p>\n", h(r.T("archive.confidential.banner")))
	}
	b.WriteString("<table class=\"meta\">\n")
	for _, kv := range r.particulars() {
		fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td></tr>\n", h(r.T(kv[0])), h(kv[1]))
	}
	b.WriteString("</table>\n")
	// Counts by theme.
	fmt.Fprintf(&b, "<table class=\"counts\">\n<tr><th>%s</th>", h(r.T("archive.group")))
	for _, th := range model.Themes {
		fmt.Fprintf(&b, "<th>%s</th>", h(r.T("archive.theme."+string(th))))
	}
	fmt.Fprintf(&b, "<th>%s</th><th>%s</th></tr>\n", h(r.T("archive.total")), h(r.T("archive.leftout")))
	for _, g := range r.a.Groups {
		fmt.Fprintf(&b, "<tr><td>%s</td>", h(groupName(&g.Group)))
		for _, n := range append(themeCounts(&g), len(g.Entries), g.LeftOut) {
			fmt.Fprintf(&b, "<td class=\"n\">%d</td>", n)
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
	// Contents.
	fmt.Fprintf(&b, "<nav>\n<h2>%s</h2>\n<ol>\n", h(r.T("archive.contents")))
	pi := 0
	for gi := range r.a.Groups {
		g := &r.a.Groups[gi]
		fmt.Fprintf(&b, "<li><a href=\"#g%d\">%s</a>", gi+1, h(groupName(&g.Group)))
		var sub []string
		for ; pi < len(parts) && parts[pi].group == g; pi++ {
			sub = append(sub, fmt.Sprintf("<li><a href=\"#g%d-p%d\">%s</a></li>", gi+1, pi+1, h(r.partHeading(parts[pi])+" ("+r.Tf("archive.n.posts", len(parts[pi].entries))+")")))
		}
		if len(sub) > 0 {
			b.WriteString("\n<ol>\n" + strings.Join(sub, "\n") + "\n</ol>\n")
		}
		b.WriteString("</li>\n")
	}
	b.WriteString("</ol>\n</nav>\n</header>\n<main>\n")
	pi = 0
	for gi := range r.a.Groups {
		g := &r.a.Groups[gi]
		fmt.Fprintf(&b, "<section class=\"group\" id=\"g%d\">\n<h2>%s <small>%s</small></h2>\n", gi+1, h(groupName(&g.Group)), h(g.Group.ID))
		if len(g.Entries) == 0 {
			fmt.Fprintf(&b, "<p>%s</p>\n", h(r.T("archive.none")))
		}
		if g.LeftOut > 0 && !r.a.IncludeConfidential {
			fmt.Fprintf(&b, "<p class=\"facts\">%s</p>\n", h(r.Tf("archive.confidential.out", g.LeftOut)))
		}
		for ; pi < len(parts) && parts[pi].group == g; pi++ {
			p := parts[pi]
			fmt.Fprintf(&b, "<section class=\"part\" id=\"g%d-p%d\">\n<h3>%s</h3>\n", gi+1, pi+1, h(r.partHeading(p)))
			for i := range p.entries {
				e := &p.entries[i]
				b.WriteString("<article>\n<h4>")
				fmt.Fprintf(&b, "<span class=\"time\">%s</span>", entryTime(&e.Post))
				if p.theme == "" {
					fmt.Fprintf(&b, "<span class=\"theme-tag\">〔%s〕</span>", h(r.T("archive.theme."+string(e.Theme))))
				}
				fmt.Fprintf(&b, "%s</h4>\n", h(r.entryTitle(&e.Post)))
				fmt.Fprintf(&b, "<p class=\"facts\">%s</p>\n", h(strings.Join(r.entryFacts(e), " · ")))
				if e.Post.Body != "" {
					fmt.Fprintf(&b, "<div class=\"body\">%s</div>\n", htmlText(e.Post.Body, true))
				}
				if len(e.Post.Attachments) > 0 {
					fmt.Fprintf(&b, "<p class=\"att\">%s：%s</p>\n", h(r.T("archive.attachments")), h(strings.Join(e.Post.Attachments, "、")))
				}
				b.WriteString("</article>\n")
			}
			b.WriteString("</section>\n")
		}
		b.WriteString("</section>\n")
	}
	b.WriteString("</main>\n<footer>\n")
	fmt.Fprintf(&b, "<p>%s：%s</p>\n<p>%s：%s</p>\n", h(r.T("archive.maker")), h(r.makerText()), h(r.T("archive.madeat")), h(r.madeAtText()))
	b.WriteString("</footer>\n</body>\n</html>\n")
	return []byte(b.String())
}

func (r *archiveRenderer) partHeading(p *archivePart) string {
	if p.theme == "" {
		return p.month
	}
	return r.T("archive.theme." + string(p.theme))
}
