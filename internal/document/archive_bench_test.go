package document

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
	"qunshen/review"
)

// BenchmarkWriteArchive writes a year of a busy group's archive: 6 groups, 100,000 published
// posts, through the theme rule, rendering and escaping, as Markdown and HTML, with sums.
func BenchmarkWriteArchive(b *testing.B) {
	const n = 100_000
	titles := []string{"关于召开支部大会的通知", "国庆值班安排", "支部大会会议纪要", "大家的想法", "关于群众反映问题的答复"}
	a := &model.Archive{PeriodLabel: "2026", MadeAt: time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC),
		Maker: model.Operator{Name: "曾群主", Role: model.RoleOwner}, Command: "qunshen archive --period 2026"}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, archiveZone)
	var bodyBytes int
	for g := range 6 {
		ag := model.ArchiveGroup{Group: model.Group{ID: fmt.Sprintf("g%d", g), Name: fmt.Sprintf("第%d党支部党员群", g+1)}}
		for i := range n / 6 {
			p := model.Post{ID: fmt.Sprintf("p%d-%d", g, i), Group: ag.Group.ID, Author: "wx", Status: model.PostApproved,
				Time:  start.Add(time.Duration(i) * 5 * time.Minute),
				Title: titles[i%len(titles)],
				Body:  "定于周五下午召开支部大会，请各位党员准时参加。<b>地点</b>：三楼会议室 & 二楼。\n——第三党支部 2026年10月8日"}
			bodyBytes += len(p.Body) + len(p.Title)
			ag.Entries = append(ag.Entries, model.ArchiveEntry{Post: p, Theme: review.ThemeOf(&p), AuthorName: "單海燕"})
		}
		a.Groups = append(a.Groups, ag)
	}
	opt := ArchiveOptions{Lang: "zh", T: func(k string) string { return i18n.T(i18n.ZH, k) }}
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		out := filepath.Join(dir, fmt.Sprint(i))
		if _, err := WriteArchive(out, a, opt); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(out)
		b.StartTimer()
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(n)/sec, "posts/s")
	b.ReportMetric(float64(bodyBytes)/sec/1e6, "MB/s")
}
