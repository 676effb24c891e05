package review

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"qunshen/internal/gen"
	"qunshen/model"
)

func generatedPosts(b *testing.B, n int) []model.Post {
	var buf bytes.Buffer
	if err := gen.Write(&buf, gen.Options{Posts: n, Members: n/20 + 50, Seed: 3}); err != nil {
		b.Fatal(err)
	}
	var posts []model.Post
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !bytes.Contains(sc.Bytes(), []byte(`"type":"post"`)) {
			continue
		}
		var p model.Post
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			b.Fatal(err)
		}
		posts = append(posts, p)
	}
	return posts
}

// BenchmarkCheckPost runs every content and format check on generated posts, one core.
func BenchmarkCheckPost(b *testing.B) {
	posts := generatedPosts(b, 20000)
	c := NewChecker(DefaultPolicy(), nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := &posts[i%len(posts)]
		c.CheckPost(p, model.KindWork)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "µs/post")
}

// BenchmarkFlow runs the flooding and repeat checks on generated posts in order.
func BenchmarkFlow(b *testing.B) {
	posts := generatedPosts(b, 20000)
	c := NewChecker(DefaultPolicy(), nil)
	b.ResetTimer()
	f := c.NewFlow()
	for i := 0; i < b.N; i++ {
		if i%len(posts) == 0 {
			f = c.NewFlow()
		}
		f.Check(&posts[i%len(posts)], model.KindWork)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "µs/post")
}

// BenchmarkCheckParts times each part of the checks on generated posts.
func BenchmarkCheckParts(b *testing.B) {
	posts := generatedPosts(b, 20000)
	c := NewChecker(DefaultPolicy(), nil)
	parts := map[string]func(p *model.Post){
		"matcher": func(p *model.Post) { c.matcher.FindAll(p.Title, nil); c.matcher.FindAll(p.Body, nil) },
		"pii":     func(p *model.Post) { FindPII(p.Title, nil); FindPII(p.Body, nil) },
		"format": func(p *model.Post) {
			titleTooLong(p.Title, 20)
			HasSignature(p.Body)
			for _, a := range p.Attachments {
				AttachmentNamed(p.Body, a)
			}
		},
		"fingerprint": func(p *model.Post) { fingerprint(p) },
	}
	for name, f := range parts {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				f(&posts[i%len(posts)])
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "µs/post")
		})
	}
}

// BenchmarkReadFileName reads the names of attachments as the file-name check does.
func BenchmarkReadFileName(b *testing.B) {
	names := []string{"IMG_20260603_123456.jpg", "新建 Microsoft Word 文档.docx", "汇总表(1).xlsx", "通知.pdf",
		"防汛工作安排_20260603_党政办.docx", "关于报送材料的通知（党政办，2026年6月3日）.docx"}
	for i := 0; i < b.N; i++ {
		ReadFileName(names[i%len(names)])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "µs/name")
}
