package review_test

import (
	"strings"
	"testing"
	"time"

	"qunshen/model"
	"qunshen/review"
)

func TestReadFileName(t *testing.T) {
	for _, c := range []struct {
		name                string
		topic, date, author string
		ok                  bool
	}{
		{"防汛工作安排_20260603_党政办.docx", "防汛工作安排", "20260603", "党政办", true},
		{"2026-06-03 防汛工作安排-党政办.pdf", "防汛工作安排", "20260603", "党政办", true},
		{"关于报送材料的通知（党政办，2026年6月3日）.docx", "关于报送材料的通知", "20260603", "党政办", true},
		{"社区网格划分方案_２０２６．６．３_网格办.xlsx", "社区网格划分方案", "20260603", "网格办", true},
		{"二季度工作总结_2026年6月_王强.docx", "二季度工作总结", "202606", "王强", true},
		{"通知.pdf", "", "", "", false},
		{"新建 Microsoft Word 文档.docx", "", "", "", false},
		{"汇总表(1).xlsx", "", "", "", false},
		{"扫描件.pdf", "", "", "", false},
		{"防汛工作安排.docx", "防汛工作安排", "", "", false},
		{"防汛工作安排_20260603.docx", "防汛工作安排", "20260603", "", false},
		{"2026年工作计划_党政办.docx", "2026年工作计划", "", "党政办", false},
	} {
		f := review.ReadFileName(c.name)
		if f.Topic != c.topic || f.Date != c.date || f.Author != c.author || f.OK() != c.ok {
			t.Errorf("%s: %+v (ok %v), want %q %q %q (ok %v)", c.name, f, f.OK(), c.topic, c.date, c.author, c.ok)
		}
	}
}

func TestFileOf(t *testing.T) {
	for _, c := range []struct {
		name, cat string
		file      bool
	}{
		{"a.DOCX", review.FileDocument, true}, {"表.xlsx", review.FileSpreadsheet, true}, {"x.pdf", review.FilePDF, true},
		{"IMG_20260603_1.jpg", review.FileImage, true}, {"v.mp4", review.FileVideo, true}, {"image", review.FileImage, true},
		{"video", review.FileVideo, true}, {"voice", review.FileAudio, true}, {"资料.rar", review.FileArchive, true},
		{"数据.dat", review.FileOther, true}, {"sticker", "", false}, {"location", "", false}, {"redpacket", "", false},
	} {
		cat, file := review.FileOf(c.name)
		if cat != c.cat || file != c.file {
			t.Errorf("%s: %q %v, want %q %v", c.name, cat, file, c.cat, c.file)
		}
	}
}

// File-name findings: an attachment named without topic, date and author is an info finding
// of ST 六(一)2; a well-named one, or a photo, is not.
func TestFileNameFindings(t *testing.T) {
	c := review.NewChecker(review.DefaultPolicy(), nil)
	at := time.Date(2026, 6, 3, 9, 0, 0, 0, review.ChinaTime)
	has := func(p model.Post) bool {
		for _, f := range c.CheckPost(&p, model.KindStreet) {
			if f.Rule == "file-name" {
				if f.Clause != "ST 六(一)2" || f.Severity != review.Info {
					t.Errorf("the finding: %+v", f)
				}
				return true
			}
		}
		return false
	}
	body := "请查收附件通知和防汛工作安排_20260603_党政办，照片见IMG_20260603_1。"
	for _, x := range []struct {
		att  []string
		want bool
	}{
		{[]string{"通知.pdf"}, true},
		{[]string{"防汛工作安排_20260603_党政办.docx"}, false},
		{[]string{"IMG_20260603_1.jpg"}, false},
		{[]string{"防汛工作安排_20260603_党政办.docx", "通知.pdf"}, true},
		{nil, false},
	} {
		if got := has(model.Post{Title: "通知", Body: body, Attachments: x.att, Time: at}); got != x.want {
			t.Errorf("%v: a file-name finding %v, want %v", x.att, got, x.want)
		}
	}
}

func TestSuggestFileName(t *testing.T) {
	p := model.Post{Title: "关于防汛值班的通知", Time: time.Date(2026, 6, 2, 20, 0, 0, 0, time.UTC)} // 06-03 in China
	for _, c := range []struct{ name, want string }{
		{"通知.pdf", "关于防汛值班的通知_20260603_党政办.pdf"},
		{"防汛值班表.xlsx", "防汛值班表_20260603_党政办.xlsx"},
		{"防汛值班表_20260601.xlsx", "防汛值班表_20260601_党政办.xlsx"},
		{"附件1.docx", "关于防汛值班的通知_20260603_党政办.docx"},
	} {
		if got := review.SuggestFileName(c.name, &p, "党政办"); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := review.ReadFileName(review.SuggestFileName("通知.pdf", &p, "党政办")); !got.OK() {
		t.Errorf("the suggested name does not pass: %+v", got)
	}
}

// The register of shared files: the attachments of published posts only, by group and
// category, media marked for backup, bad names with a suggestion.
func TestSharedFiles(t *testing.T) {
	at := time.Date(2026, 6, 3, 9, 0, 0, 0, review.ChinaTime)
	posts := []model.Post{
		{ID: "p1", Group: "g1", Author: "m1", Time: at, Title: "防汛通知", Status: model.PostApproved, Attachments: []string{"通知.pdf", "IMG_1.jpg", "sticker"}},
		{ID: "p2", Group: "g1", Author: "m2", Time: at.Add(time.Hour), Status: model.PostPending, Attachments: []string{"草稿.docx"}},
		{ID: "p3", Group: "g2", Author: "m3", Time: at, Status: model.PostPublished, Attachments: []string{"值班表_20260603_办公室.xlsx"}},
	}
	groups := []model.Group{{ID: "g1", Branch: "党政办"}, {ID: "g2"}}
	members := []model.Member{{ID: "m1", Group: "g1", Name: "张伟"}}
	fs := review.SharedFiles(posts, groups, members, "")
	if len(fs) != 3 {
		t.Fatalf("files: %+v", fs)
	}
	if f := fs[0]; f.Name != "通知.pdf" || f.Category != review.FilePDF || f.NamedOK || f.Suggest != "防汛通知_20260603_党政办.pdf" || f.Author != "张伟" || f.Backup {
		t.Errorf("the notice: %+v", f)
	}
	if f := fs[1]; f.Name != "IMG_1.jpg" || f.Category != review.FileImage || !f.NamedOK || !f.Backup {
		t.Errorf("the photo: %+v", f)
	}
	if f := fs[2]; f.Group != "g2" || !f.NamedOK || f.Author != "m3" {
		t.Errorf("the table: %+v", f)
	}
	if fs := review.SharedFiles(posts, groups, members, "g2"); len(fs) != 1 {
		t.Errorf("g2's: %+v", fs)
	}
}

// FuzzReadFileName: an attachment's name is outside input. Reading it never panics, its date is
// digits (YYYYMMDD or YYYYMM), and the name suggested holds none of the characters a file name
// may not.
func FuzzReadFileName(f *testing.F) {
	for _, s := range []string{"防汛工作安排_20260603_党政办.docx", "通知.pdf", "关于报送材料的通知（党政办，2026年6月3日）.docx",
		"２０２６．６．３_网格办_方案.xlsx", "IMG_20260603_1.jpg", ".", "a.", "\xff\xfe.pdf", "2026年13月40日_x_y.doc", ""} {
		f.Add(s, "关于防汛值班的通知")
	}
	f.Fuzz(func(t *testing.T, name, title string) {
		fn := review.ReadFileName(name)
		if fn.Date != "" && (len(fn.Date) != 8 && len(fn.Date) != 6 || strings.Trim(fn.Date, "0123456789") != "") {
			t.Fatalf("%q: date %q", name, fn.Date)
		}
		review.FileOf(name)
		p := model.Post{Title: title, Time: time.Date(2026, 6, 3, 9, 0, 0, 0, review.ChinaTime)}
		s := review.SuggestFileName(name, &p, "党政办")
		base := strings.TrimSuffix(s, name[max(strings.LastIndexByte(name, '.'), 0):])
		if strings.ContainsAny(base, "/\\:*?\"<>|\n\r\t") {
			t.Fatalf("%q, %q: suggested %q", name, title, s)
		}
	})
}
