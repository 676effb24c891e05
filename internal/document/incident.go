package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/internal/inert"
	"qunshen/model"
	"qunshen/review"
)

// The upward report (情况报告) of an incident (CW 五(一)2, IW 第八条(五)): the account an office
// files with the party organisation or department it reports to — title, to whom, the facts in
// time order, the measures, the posts concerned, the impact, the next steps, accountability,
// who made it and when. Written as Markdown, as one printable HTML page, and as a Word
// document (.docx). Every text from outside is made inert; the personal data in the posts is
// masked unless the maker's role may see it (model.MaySeePersonalData).

// IncidentFormats are the formats of an upward report.
var IncidentFormats = []string{"docx", "md", "html"}

// IncidentFormatOf is the format a file name suggests by its extension, or "".
func IncidentFormatOf(path string) string {
	p := strings.ToLower(path)
	for _, f := range IncidentFormats {
		if strings.HasSuffix(p, "."+f) {
			return f
		}
	}
	if strings.HasSuffix(p, ".htm") {
		return "html"
	}
	if strings.HasSuffix(p, ".markdown") {
		return "md"
	}
	return ""
}

// UpwardReport is what an upward report is made of.
type UpwardReport struct {
	Incident       model.Incident
	Group          model.Group
	Posts          []model.Post // the incident's post, then the posts its measures name
	Accountability []model.Accountability
	// MemberName gives a member's real name in the incident's group ("" when unknown).
	MemberName func(id string) string
	To         string // to whom it goes: the last report upward's, unless given
	Operator   string
	Role       model.Role
	Made       time.Time
	Unmasked   bool // the personal data stands as it is (the maker's role may see it)
}

// UpwardSource is what an upward report is gathered from: review.Service, for the command
// line and the screen alike.
type UpwardSource interface {
	Incident(id string) (model.Incident, error)
	Group(id string) (model.Group, bool, error)
	Post(id string) (model.Post, bool, error)
	Accountabilities() ([]model.Accountability, error)
	Members() ([]model.Member, error)
	Operator() model.Operator
}

// GatherUpward gathers what an upward report is made of: the incident, its group, its posts
// (its own, then those its measures name), the accountability tied to it, the maker. The
// caller sets whom it goes to, when it is made and whether it is unmasked.
func GatherUpward(svc UpwardSource, id string) (*UpwardReport, error) {
	in, err := svc.Incident(id)
	if err != nil {
		return nil, err
	}
	g, _, err := svc.Group(in.Group)
	if err != nil {
		return nil, err
	}
	r := &UpwardReport{Incident: in, Group: g, Operator: svc.Operator().Name, Role: svc.Operator().Role}
	ids := []string{}
	if in.Post != "" {
		ids = append(ids, in.Post)
	}
	for _, m := range in.Measures {
		if m.Post != "" && !slices.Contains(ids, m.Post) {
			ids = append(ids, m.Post)
		}
	}
	for _, pid := range ids {
		p, ok, err := svc.Post(pid)
		if err != nil {
			return nil, err
		}
		if ok {
			r.Posts = append(r.Posts, p)
		}
	}
	accs, err := svc.Accountabilities()
	if err != nil {
		return nil, err
	}
	for _, x := range accs {
		if x.Incident == in.ID {
			r.Accountability = append(r.Accountability, x)
		}
	}
	ms, err := svc.Members()
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, m := range ms {
		if m.Group == in.Group {
			names[m.ID] = m.Name
		}
	}
	r.MemberName = func(id string) string { return names[id] }
	return r, nil
}

// WriteIncidentReport writes the upward report in a format (docx, md, html) and a language.
func WriteIncidentReport(w io.Writer, format string, r *UpwardReport, lang i18n.Lang) error {
	u := &upward{r: r, lang: lang}
	doc := u.build()
	switch format {
	case "md":
		return doc.markdown(w)
	case "html":
		return doc.html(w)
	case "docx":
		return doc.docx(w, r.Made)
	}
	return fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(IncidentFormats, ", "))
}

type upward struct {
	r    *UpwardReport
	lang i18n.Lang
}

func (u *upward) t(key string) string               { return i18n.T(u.lang, key) }
func (u *upward) tf(key string, args ...any) string { return i18n.Tf(u.lang, key, args...) }

// when is a time as the report states it: China time, to the minute.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(review.ChinaTime).Format("2006-01-02 15:04")
}

// text is outside text as the report writes it: inert, and masked unless the maker may see
// personal data.
func (u *upward) text(s string) string {
	if !u.r.Unmasked {
		s = review.MaskPersonalData(s)
	}
	return inert.Text(s)
}

func (u *upward) line(s string) string {
	if !u.r.Unmasked {
		s = review.MaskPersonalData(s)
	}
	return inert.Line(s)
}

func (u *upward) person(id string) string {
	if id == "" {
		return ""
	}
	if u.r.MemberName != nil {
		if n := u.r.MemberName(id); n != "" && n != id {
			return u.line(n) + " (" + u.line(id) + ")"
		}
	}
	return u.line(id)
}

func (u *upward) decision(m *model.Measure) string {
	var on string
	switch {
	case m.Post != "":
		on = u.tf("upward.on.post", u.line(m.Post))
	case m.Member != "":
		on = u.tf("upward.on.member", u.person(m.Member))
	}
	if m.Decision.IsZero() {
		if on == "" {
			return ""
		}
		return u.tf("upward.measure.nolink", on)
	}
	return u.tf("upward.measure.link", on, i18n.KindName(u.lang, m.DecisionKind), when(m.DecisionTime), m.Decision.Short())
}

// udoc is the report as blocks, which each format writes in its way.
type udoc struct {
	title  string
	blocks []ublock
}

type ublock struct {
	kind  byte // 'h' heading, 'p' paragraph, 'l' list item, 'q' a quoted post, 'r' right-aligned (the signature)
	text  string
	items []string // 'q': the lines of the quote
}

func (u *upward) build() *udoc {
	r, in := u.r, &u.r.Incident
	gname := u.line(r.Group.Name)
	if gname == "" {
		gname = u.line(r.Group.ID)
	}
	kind := u.t("incident.kind." + string(in.Kind))
	d := &udoc{title: u.tf("upward.title", gname, kind)}
	add := func(kind byte, text string) { d.blocks = append(d.blocks, ublock{kind: kind, text: text}) }
	to := r.To
	if to == "" && len(in.Escalations) > 0 {
		to = in.Escalations[len(in.Escalations)-1].To
	}
	if to != "" {
		add('p', u.tf("upward.to", u.line(to)))
	} else {
		add('p', u.t("upward.to.blank"))
	}

	add('h', u.t("upward.h.basic"))
	basic := u.tf("upward.basic", when(in.Found), gname, u.line(r.Group.ID), kind, model.IncidentClause(in.Kind), u.line(in.Summary))
	if in.Member != "" {
		basic += u.tf("upward.basic.member", u.person(in.Member))
	}
	add('p', basic)
	add('p', u.tf("upward.status", u.t("incident."+string(in.Status)), u.line(in.ID), u.line(in.OpenedBy), when(in.Opened)))

	add('h', u.t("upward.h.timeline"))
	type entry struct {
		at   time.Time
		text string
	}
	tl := []entry{{in.Found, u.t("upward.tl.found")}, {in.Opened, u.tf("upward.tl.opened", u.line(in.OpenedBy))}}
	for _, m := range in.Measures {
		tl = append(tl, entry{m.Time, u.tf("upward.tl.measure", u.line(m.By), u.line(m.Text))})
	}
	for _, e := range in.Escalations {
		s := u.tf("upward.tl.escalated", u.line(e.By), u.line(e.To))
		if e.Text != "" {
			s += u.tf("upward.tl.said", u.line(e.Text))
		}
		tl = append(tl, entry{e.Time, s})
	}
	for _, f := range in.FollowUps {
		if f.Text != "" {
			tl = append(tl, entry{f.Time, u.tf("upward.tl.followup", u.line(f.By), u.line(f.Text))})
		}
	}
	if in.Status == model.IncClosed {
		tl = append(tl, entry{in.Closed, u.tf("upward.tl.closed", u.line(in.ClosedBy), u.line(in.Outcome))})
	}
	slices.SortStableFunc(tl, func(a, b entry) int { return a.at.Compare(b.at) })
	for _, e := range tl {
		add('l', when(e.at)+"  "+e.text)
	}

	add('h', u.t("upward.h.measures"))
	if len(in.Measures) == 0 {
		add('p', u.t("upward.none"))
	}
	for i, m := range in.Measures {
		s := fmt.Sprintf("%d. %s", i+1, u.line(m.Text))
		if l := u.decision(&m); l != "" {
			s += u.t("upward.sep") + l
		}
		add('l', s)
	}

	add('h', u.t("upward.h.posts"))
	if len(r.Posts) == 0 {
		add('p', u.t("upward.none"))
	}
	for _, p := range r.Posts {
		head := u.tf("upward.post", u.line(p.ID), u.person(p.Author), when(p.Time), u.t("post."+string(p.Status)))
		lines := []string{}
		if p.Title != "" {
			lines = append(lines, u.line(p.Title))
		}
		lines = append(lines, strings.Split(u.text(p.Body), "\n")...)
		d.blocks = append(d.blocks, ublock{kind: 'q', text: head, items: lines})
	}
	if r.Unmasked {
		add('p', u.t("upward.unmasked"))
	} else {
		add('p', u.t("upward.masked"))
	}

	add('h', u.t("upward.h.impact"))
	add('p', orBlank(u, u.line(in.Impact)))

	add('h', u.t("upward.h.next"))
	next := u.line(in.Next)
	if in.Status == model.IncClosed {
		next = u.tf("upward.outcome", u.line(in.Outcome))
		if in.Next != "" {
			next += u.t("upward.sep") + u.line(in.Next)
		}
	}
	add('p', orBlank(u, next))

	if len(r.Accountability) > 0 {
		add('h', u.t("upward.h.accountability"))
		for _, x := range r.Accountability {
			add('l', u.tf("upward.acc", when(x.Time), u.line(x.Person), u.t("acc."+string(x.Measure)), x.Clause, u.line(x.Text), u.line(x.By)))
		}
	}

	add('r', u.tf("upward.made", u.line(r.Operator), u.t("role."+string(r.Role))))
	add('r', r.Made.In(review.ChinaTime).Format(u.t("upward.date")))
	return d
}

func orBlank(u *upward, s string) string {
	if strings.TrimSpace(s) == "" {
		return u.t("upward.blank")
	}
	return s
}

func (d *udoc) markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(d.title))
	for _, bl := range d.blocks {
		switch bl.kind {
		case 'h':
			fmt.Fprintf(&b, "\n## %s\n\n", mdEscape(bl.text))
		case 'p':
			fmt.Fprintf(&b, "%s\n\n", mdEscape(bl.text))
		case 'l':
			fmt.Fprintf(&b, "- %s\n", mdEscape(bl.text))
		case 'q':
			fmt.Fprintf(&b, "\n%s\n\n", mdEscape(bl.text))
			for _, l := range bl.items {
				fmt.Fprintf(&b, "> %s\n", mdEscape(l))
			}
			b.WriteString("\n")
		case 'r':
			fmt.Fprintf(&b, "\n%s\n", mdEscape(bl.text))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

const upwardCSS = `body{font-family:"FangSong","仿宋","STFangsong",serif;font-size:16pt;line-height:1.6;max-width:42em;margin:2em auto;padding:0 1em}
h1{font-family:"SimSun","宋体",serif;font-size:22pt;text-align:center;margin:1em 0}
h2{font-family:"SimHei","黑体",sans-serif;font-size:16pt;margin:1.2em 0 .4em}
ul{list-style:none;padding-left:0}li{margin:.2em 0}
blockquote{border-left:3px solid #888;margin:.4em 0;padding:.2em .8em;white-space:pre-wrap;font-size:14pt}
p.sign{text-align:right;margin:0}
@media print{body{margin:0;max-width:none}@page{size:A4;margin:3.7cm 2.6cm 3.5cm 2.8cm}h2{page-break-after:avoid}blockquote{page-break-inside:avoid}}`

func (d *udoc) html(w io.Writer) error {
	h := html.EscapeString
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<h1>%s</h1>\n",
		h(d.title), upwardCSS, h(d.title))
	inList := false
	for _, bl := range d.blocks {
		if inList && bl.kind != 'l' {
			b.WriteString("</ul>\n")
			inList = false
		}
		switch bl.kind {
		case 'h':
			fmt.Fprintf(&b, "<h2>%s</h2>\n", h(bl.text))
		case 'p':
			fmt.Fprintf(&b, "<p>%s</p>\n", h(bl.text))
		case 'l':
			if !inList {
				b.WriteString("<ul>\n")
				inList = true
			}
			fmt.Fprintf(&b, "<li>%s</li>\n", h(bl.text))
		case 'q':
			fmt.Fprintf(&b, "<p>%s</p>\n<blockquote>%s</blockquote>\n", h(bl.text), h(strings.Join(bl.items, "\n")))
		case 'r':
			fmt.Fprintf(&b, "<p class=\"sign\">%s</p>\n", h(bl.text))
		}
	}
	if inList {
		b.WriteString("</ul>\n")
	}
	b.WriteString("</body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// docx writes the report as a Word document: a zip of the parts WordprocessingML needs
// (ECMA-376 Part 1) — the content types, the package's relationship to the document, the
// document's styles and its body — written with the standard library. The typefaces are those
// of a Chinese official document: 宋体 for the title, 黑体 for the headings, 仿宋 for the text.
func (d *udoc) docx(w io.Writer, made time.Time) error {
	var body bytes.Buffer
	para := func(style, align string, runs ...string) {
		body.WriteString("<w:p>")
		if style != "" || align != "" {
			body.WriteString("<w:pPr>")
			if style != "" {
				fmt.Fprintf(&body, `<w:pStyle w:val="%s"/>`, style)
			}
			if align != "" {
				fmt.Fprintf(&body, `<w:jc w:val="%s"/>`, align)
			}
			body.WriteString("</w:pPr>")
		}
		for i, r := range runs {
			body.WriteString("<w:r>")
			if i > 0 {
				body.WriteString("<w:br/>")
			}
			body.WriteString(`<w:t xml:space="preserve">`)
			xml.EscapeText(&body, []byte(r))
			body.WriteString("</w:t></w:r>")
		}
		body.WriteString("</w:p>")
	}
	para("Title", "center", d.title)
	for _, bl := range d.blocks {
		switch bl.kind {
		case 'h':
			para("Heading1", "", bl.text)
		case 'p', 'l':
			para("", "", bl.text)
		case 'q':
			para("", "", bl.text)
			para("Quote", "", bl.items...)
		case 'r':
			para("", "right", bl.text)
		}
	}
	parts := []struct{ name, data string }{
		{"[Content_Types].xml", docxTypes},
		{"_rels/.rels", docxRels},
		{"word/_rels/document.xml.rels", docxDocRels},
		{"word/styles.xml", docxStyles},
		{"word/document.xml", xml.Header + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body.String() + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>`},
	}
	z := zip.NewWriter(w)
	for _, p := range parts {
		f, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: made.UTC()})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.data); err != nil {
			return err
		}
	}
	return z.Close()
}

const docxTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`</Types>`

const docxRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`</Relationships>`

const docxDocRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

const docxStyles = xml.Header + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="FangSong" w:hAnsi="FangSong" w:eastAsia="仿宋"/><w:sz w:val="32"/><w:lang w:val="zh-CN" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/><w:spacing w:before="240" w:after="240"/></w:pPr>` +
	`<w:rPr><w:rFonts w:ascii="SimSun" w:hAnsi="SimSun" w:eastAsia="宋体"/><w:b/><w:sz w:val="44"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr>` +
	`<w:rPr><w:rFonts w:ascii="SimHei" w:hAnsi="SimHei" w:eastAsia="黑体"/><w:sz w:val="32"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="720"/></w:pPr><w:rPr><w:sz w:val="28"/></w:rPr></w:style>` +
	`</w:styles>`
