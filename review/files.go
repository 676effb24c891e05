package review

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// Shared files (ST 六): the files attached to posts, classed by kind (六(一)2: 分类存放), their
// names checked for topic, date and author (六(一)2), and images and videos flagged for backup
// (六(二)3).

// File categories, by the extension of the name.
const (
	FileDocument    = "document"
	FileSpreadsheet = "spreadsheet"
	FileSlides      = "slides"
	FilePDF         = "pdf"
	FileImage       = "image"
	FileVideo       = "video"
	FileAudio       = "audio"
	FileArchive     = "archive"
	FileOther       = "other"
)

// FileCategories lists the categories, in the order of the register.
var FileCategories = []string{FileDocument, FileSpreadsheet, FileSlides, FilePDF, FileImage, FileVideo, FileAudio, FileArchive, FileOther}

var fileExt = map[string]string{}

func init() {
	for cat, exts := range map[string]string{
		FileDocument:    "doc docx wps odt rtf txt md pages",
		FileSpreadsheet: "xls xlsx xlsm et ods csv numbers",
		FileSlides:      "ppt pptx dps odp key",
		FilePDF:         "pdf ofd",
		FileImage:       "jpg jpeg png gif bmp webp heic heif tif tiff svg",
		FileVideo:       "mp4 mov avi mkv wmv flv 3gp m4v webm mpg mpeg",
		FileAudio:       "mp3 wav amr m4a aac silk ogg flac wma",
		FileArchive:     "zip rar 7z tar gz tgz bz2 xz",
	} {
		for _, e := range strings.Fields(exts) {
			fileExt[e] = cat
		}
	}
}

// mediaWords are what a chat export writes for an attachment that has no name: the kind of
// message. Those that are not files (a sticker, a location, a card, a link, a call, a red
// packet) stand outside the register.
var mediaWords = map[string]string{
	"image": FileImage, "photo": FileImage, "picture": FileImage, "图片": FileImage, "照片": FileImage,
	"video": FileVideo, "视频": FileVideo, "video_file": FileVideo,
	"voice": FileAudio, "audio": FileAudio, "语音": FileAudio,
	"file": FileOther, "文件": FileOther, "document": FileOther,
}

// FileOf classes an attachment: its category, and whether it is a file at all (a sticker or a
// location is not).
func FileOf(name string) (category string, isFile bool) {
	n := strings.TrimSpace(name)
	if i := strings.LastIndexByte(n, '.'); i > 0 && i < len(n)-1 {
		if c, ok := fileExt[strings.ToLower(n[i+1:])]; ok {
			return c, true
		}
		return FileOther, true
	}
	if c, ok := mediaWords[strings.ToLower(strings.Trim(n, "[]【】"))]; ok {
		return c, true
	}
	return "", false
}

// IsMedia reports whether a category is of images or videos: what ST 六(二)3 asks to back up.
func IsMedia(category string) bool { return category == FileImage || category == FileVideo }

// namedByPeople reports whether the files of a category are named by people: images, videos
// and voice messages take the names their devices give them, and are backed up, not renamed.
func namedByPeople(category string) bool {
	return category != FileImage && category != FileVideo && category != FileAudio
}

// FileName is what an attachment's name says (ST 六(一)2): a topic, a date, an author.
type FileName struct {
	Topic, Date, Author string // as found in the name; Date as YYYYMMDD
}

// OK reports whether the name says all three.
func (f FileName) OK() bool { return f.Topic != "" && f.Date != "" && f.Author != "" }

// dateRe finds a date in a name: 2026-06-03, 2026.6.3, 2026年6月3日, 20260603, 2026年6月; its
// groups are the year, then the month and day, or the month alone.
var dateRe = regexp.MustCompile(`((?:19|20)\d\d)(?:[-._/年]?(0?[1-9]|1[0-2])[-._/月]?(0?[1-9]|[12]\d|3[01])日?|年(0?[1-9]|1[0-2])月)`)

// genericNames are words that name no topic (a file called 通知 or 新建文档 says nothing of
// what it is about), compared on the normal form.
var genericNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`通知 文件 附件 资料 材料 图片 照片 截图 视频 新建 新建文档 未命名 无标题 副本 文档 表格 汇总表
		最终版 终稿 定稿 修改稿 修改版 新版 草稿 扫描件 扫描 附表 清单 名单 通告 公告 说明 方案 报告 总结 计划
		img image dsc vid video screenshot document doc file untitled copy final new wechat mmexport
		microsoft word excel powerpoint wps 微信图片 新建microsoftword文档`) {
		m[Normalize(w)] = true
	}
	return m
}()

// isSep splits a name into its parts.
func isSep(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("_-—－–~·+、，,;；()（）[]【】{}《》<>「」", r)
}

// ReadFileName reads the topic, the date and the author from an attachment's name: the date as
// people write it, and of the other parts with words (not a number, not a word that names no
// topic such as 通知 or IMG) the longest as the topic and the next as the author.
func ReadFileName(name string) FileName {
	base := strings.TrimSpace(name)
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		if _, ok := fileExt[strings.ToLower(base[i+1:])]; ok || len(base)-i <= 5 {
			base = base[:i]
		}
	}
	base = strings.Map(func(r rune) rune { // full-width digits, letters and dots as ASCII
		if r >= '！' && r <= '～' && r != '（' && r != '）' && r != '，' {
			return r - 0xFEE0
		}
		return r
	}, base)
	var f FileName
	if m := dateRe.FindStringSubmatchIndex(base); m != nil {
		f.Date = dateDigits(base, m)
		base = base[:m[0]] + " " + base[m[1]:]
	}
	var words []string
	for _, part := range strings.FieldsFunc(base, isSep) {
		n := Normalize(part)
		if utf8.RuneCountInString(n) < 2 || genericNames[strings.TrimRight(n, "0123456789")] || strings.Trim(n, "0123456789") == "" {
			continue
		}
		words = append(words, part)
	}
	slices.SortStableFunc(words, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	if len(words) > 0 {
		f.Topic = words[0]
	}
	if len(words) > 1 {
		f.Author = words[1]
	}
	return f
}

// dateDigits writes the date dateRe matched (m, its submatch indexes in s) as YYYYMMDD, or
// YYYYMM for a month.
func dateDigits(s string, m []int) string {
	part := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		p := s[m[2*i]:m[2*i+1]]
		if len(p) == 1 {
			p = "0" + p
		}
		return p
	}
	if part(2) != "" {
		return part(1) + part(2) + part(3)
	}
	return part(1) + part(4)
}

// fileNameUnsafe are the characters a file name may not hold on the machines of an office.
var fileNameUnsafe = strings.NewReplacer("/", "", "\\", "", ":", "", "*", "", "?", "", "\"", "", "<", "", ">", "", "|", "", "\n", "", "\r", "", "\t", "")

// SuggestFileName is a name for an attachment of a post that says its topic, date and author
// (ST 六(一)2): 主题_YYYYMMDD_作者.ext, each part taken from the name when it has it, else the
// topic from the post's title, the date from the post's time (China time), the author from
// the author's department or name given.
func SuggestFileName(name string, p *model.Post, author string) string {
	f := ReadFileName(name)
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && i < len(name)-1 {
		ext = name[i:]
	}
	topic := f.Topic
	if topic == "" {
		topic = strings.TrimSpace(p.Title)
	}
	if topic == "" {
		topic = strings.TrimSuffix(strings.TrimSpace(name), ext)
	}
	if rs := []rune(topic); len(rs) > 30 {
		topic = string(rs[:30])
	}
	date := f.Date
	if date == "" {
		date = p.Time.In(ChinaTime).Format("20060102")
	}
	who := f.Author
	if who == "" {
		who = author
	}
	parts := []string{}
	for _, s := range []string{topic, date, who} {
		if s = strings.TrimSpace(fileNameUnsafe.Replace(s)); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "_") + ext
}

// SharedFile is one file attached to a published post: a row of the register of shared files.
type SharedFile struct {
	Group    string
	Post     string
	Name     string
	Category string
	Time     time.Time // the post's
	Author   string    // the post's author, by name when the roster has it
	Named    FileName
	NamedOK  bool   // named with topic, date and author, or a medium that is not named by people
	Suggest  string // a name that says them, when NamedOK is not set
	Backup   bool   // an image or a video: backed up (ST 六(二)3)
}

// SharedFiles is the register of the files attached to the published posts, of one group or of
// every group when group is "": by group, then category, then time.
func SharedFiles(posts []model.Post, groups []model.Group, members []model.Member, group string) []SharedFile {
	names := map[string]string{}
	for _, m := range members {
		if m.Name != "" {
			names[m.Key()] = m.Name
		}
	}
	branch := map[string]string{}
	for _, g := range groups {
		branch[g.ID] = g.Branch
	}
	var out []SharedFile
	for i := range posts {
		p := &posts[i]
		if group != "" && p.Group != group || !p.Status.Published() {
			continue
		}
		who := names[model.MemberKey(p.Group, p.Author)]
		if who == "" {
			who = p.Author
		}
		for _, a := range p.Attachments {
			cat, ok := FileOf(a)
			if !ok {
				continue
			}
			f := SharedFile{Group: p.Group, Post: p.ID, Name: a, Category: cat, Time: p.Time, Author: who, Backup: IsMedia(cat)}
			f.Named = ReadFileName(a)
			f.NamedOK = !namedByPeople(cat) || f.Named.OK()
			if !f.NamedOK {
				suggestBy := branch[p.Group]
				if suggestBy == "" {
					suggestBy = who
				}
				f.Suggest = SuggestFileName(a, p, suggestBy)
			}
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b SharedFile) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), slices.Index(FileCategories, a.Category)-slices.Index(FileCategories, b.Category),
			a.Time.Compare(b.Time), cmp.Compare(a.Post, b.Post), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// badlyNamed is the first attachment of a post whose name does not say its topic, date and
// author, among the files named by people.
func badlyNamed(p *model.Post) (string, bool) {
	for _, a := range p.Attachments {
		if cat, ok := FileOf(a); ok && namedByPeople(cat) && !ReadFileName(a).OK() {
			return a, true
		}
	}
	return "", false
}

// SharedFiles is the register of the files shared in one group, or in every group when group
// is "" (ST 六).
func (s *Service) SharedFiles(group string) ([]SharedFile, error) {
	src, ok := s.Store.(ArchiveSource)
	if !ok {
		return nil, i18n.E("review.desk.store")
	}
	groups, err := src.Groups()
	if err != nil {
		return nil, err
	}
	if group != "" && !slices.ContainsFunc(groups, func(g model.Group) bool { return g.ID == group }) {
		return nil, i18n.E("review.unknown-group", group)
	}
	members, err := src.Members()
	if err != nil {
		return nil, err
	}
	var posts []model.Post
	if pf, ok := s.Store.(interface {
		PostFiles(group string) ([]model.Post, error)
	}); ok {
		posts, err = pf.PostFiles(group) // the published posts with attachments, lean
	} else {
		posts, err = src.PostsBetween(ArchiveStatuses, time.Time{}, time.Time{})
	}
	if err != nil {
		return nil, err
	}
	return SharedFiles(posts, groups, members, group), nil
}
