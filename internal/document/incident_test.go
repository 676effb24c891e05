package document_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"qunshen/internal/document"
	"qunshen/internal/i18n"
	"qunshen/model"
)

// hostileBody carries a resident id, a mobile number, an escape sequence and a bidirectional
// override: the report quotes it inert, with the numbers masked.
const hostileBody = "紧急扩散！举报人身份证11010519491231002X，电话13812345678\x1b]52;c;ZXZpbA==\x07，‮速看"

func upwardFixture() *document.UpwardReport {
	t0 := time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)
	retract := model.Hash{1, 2, 3}
	mute := model.Hash{4, 5, 6}
	return &document.UpwardReport{
		Incident: model.Incident{ID: "I-1", Group: "g1", Kind: model.IncidentOpinion, Post: "p9", Member: "m1", Summary: "群内出现煽动性言论",
			Found: t0, Opened: t0.Add(10 * time.Minute), OpenedBy: "王芳", Status: model.IncClosed,
			Measures: []model.Measure{
				{Time: t0.Add(20 * time.Minute), By: "王芳", Role: model.RoleAdmin, Text: "撤回该信息", Post: "p9", Decision: retract, DecisionKind: model.PostRetract, DecisionTime: t0.Add(15 * time.Minute)},
				{Time: t0.Add(25 * time.Minute), By: "王芳", Role: model.RoleAdmin, Text: "禁言发布者", Member: "m1", Decision: mute, DecisionKind: model.MemberMute, DecisionTime: t0.Add(22 * time.Minute)},
			},
			Escalations: []model.Escalation{{Time: t0.Add(time.Hour), By: "王芳", Role: model.RoleAdmin, To: "街道党工委", Text: "电话报告"}},
			Impact:      "转发 3 人次", Next: "加强审核", Outcome: "影响已消除", Closed: t0.Add(48 * time.Hour), ClosedBy: "李明"},
		Group:          model.Group{ID: "g1", Name: "第三党支部党员群"},
		Posts:          []model.Post{{ID: "p9", Group: "g1", Author: "m1", Time: t0.Add(-time.Hour), Title: "速看", Body: hostileBody, Status: model.PostRetracted}},
		Accountability: []model.Accountability{{ID: "Q1", Group: "g1", Person: "张伟", Measure: model.AccTalk, Incident: "I-1", Text: "处置不及时", Clause: "IW 第十二条(三)", Time: t0.Add(72 * time.Hour), By: "周监督"}},
		MemberName:     func(id string) string { return map[string]string{"m1": "赵六"}[id] },
		Operator:       "王芳", Role: model.RoleAdmin, Made: t0.Add(80 * time.Hour),
	}
}

// docxText reads the text of a Word document's body back: it is a zip, its body
// word/document.xml.
func docxText(t *testing.T, b []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	names := map[string]bool{}
	var body []byte
	for _, f := range z.File {
		names[f.Name] = true
		if f.Name == "word/document.xml" {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(r)
			r.Close()
		}
	}
	for _, n := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml"} {
		if !names[n] {
			t.Errorf("the document has no %s", n)
		}
	}
	var text strings.Builder
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("word/document.xml is not well-formed: %v", err)
		}
		switch x := tok.(type) {
		case xml.CharData:
			text.Write(x)
		case xml.EndElement:
			if x.Name.Local == "p" {
				text.WriteString("\n")
			}
		}
	}
	return text.String()
}

func TestUpwardReportDocx(t *testing.T) {
	r := upwardFixture()
	var b bytes.Buffer
	if err := document.WriteIncidentReport(&b, "docx", r, i18n.ZH); err != nil {
		t.Fatal(err)
	}
	text := docxText(t, b.Bytes())
	for _, want := range []string{"关于第三党支部党员群发生舆情的情况报告", "街道党工委：", "一、基本情况", "二、事件经过", "三、处置措施",
		"撤回该信息", "撤销发布", "禁言", "赵六 (m1)", "110***********002X", "138****5678", "转发 3 人次", "影响已消除", "约谈",
		"报告人：王芳（群管理员）", "2026年6月7日"} {
		if !strings.Contains(text, want) {
			t.Errorf("the document lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"11010519491231002X", "13812345678", "\x1b", "\u202e"} {
		if strings.Contains(text, bad) {
			t.Errorf("the document holds %q", bad)
		}
	}
	// The same report made twice is the same file.
	var again bytes.Buffer
	if err := document.WriteIncidentReport(&again, "docx", r, i18n.ZH); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("two documents of one report differ")
	}
	// A supervisor's report keeps the numbers.
	r.Unmasked = true
	b.Reset()
	if err := document.WriteIncidentReport(&b, "docx", r, i18n.EN); err != nil {
		t.Fatal(err)
	}
	if text := docxText(t, b.Bytes()); !strings.Contains(text, "11010519491231002X") || !strings.Contains(text, "Report on the public opinion in 第三党支部党员群") {
		t.Errorf("unmasked, in English:\n%s", text)
	}
}

func TestUpwardReportHTMLAndMarkdown(t *testing.T) {
	r := upwardFixture()
	for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
		var b bytes.Buffer
		if err := document.WriteIncidentReport(&b, "html", r, lang); err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(bytes.NewReader(b.Bytes()))
		d.Strict = true
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: the HTML is not well-formed: %v", lang, err)
			}
			if se, ok := tok.(xml.StartElement); ok && (se.Name.Local == "script" || se.Name.Local == "link" || se.Name.Local == "img") {
				t.Errorf("%s: the page has a <%s>", lang, se.Name.Local)
			}
		}
		if !strings.Contains(b.String(), "@media print") {
			t.Errorf("%s: no print style", lang)
		}
		var md bytes.Buffer
		if err := document.WriteIncidentReport(&md, "md", r, lang); err != nil {
			t.Fatal(err)
		}
		for _, out := range []string{b.String(), md.String()} {
			if strings.Contains(out, "11010519491231002X") || strings.Contains(out, "\x1b") || strings.Contains(out, "\u202e") {
				t.Errorf("%s: unmasked or active text in:\n%s", lang, out)
			}
		}
	}
	if err := document.WriteIncidentReport(io.Discard, "pdf", r, i18n.ZH); err == nil {
		t.Error("an unknown format was written")
	}
}
