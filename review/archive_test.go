package review

import (
	"testing"

	"qunshen/model"
)

func TestThemeOf(t *testing.T) {
	for _, c := range []struct {
		title, body string
		pinned      bool
		want        model.Theme
	}{
		// A pinned post is an important notice, whatever it says.
		{"随便聊聊", "周末愉快", true, model.ThemeNotice},
		{"会议纪要", "", true, model.ThemeNotice},
		// The title names the kind of document; the term that ends last decides.
		{"关于召开支部大会的通知", "", false, model.ThemeNotice},
		{"紧急！明日停水", "", false, model.ThemeNotice},
		{"公告", "", false, model.ThemeNotice},
		{"国庆值班安排", "", false, model.ThemeArrangement},
		{"下周工作部署", "", false, model.ThemeArrangement},
		{"关于工作安排的通知", "", false, model.ThemeNotice},
		{"关于落实通知精神的工作安排", "", false, model.ThemeArrangement},
		{"关于表彰先进的决定", "", false, model.ThemeResolution},
		{"支部大会會議紀要", "", false, model.ThemeResolution},
		{"关于群众反映问题的答复", "", false, model.ThemeResolution},
		{"整改落实情况", "", false, model.ThemeResolution},
		{"通 知", "", false, model.ThemeNotice},
		// The body decides only by a set phrase.
		{"周五", "经表决，会议通过如下事项。", false, model.ThemeResolution},
		{"周五", "现将有关事项通知如下：", false, model.ThemeNotice},
		{"周五", "具体任务分工如下：", false, model.ThemeArrangement},
		{"周五", "已妥善處理，謝謝大家。", false, model.ThemeResolution},
		// Common words in a body do not.
		{"周五", "收到通知了，我决定明天安排一下。", false, model.ThemeDiscussion},
		{"", "", false, model.ThemeDiscussion},
		{"大家的想法", "我觉得可以再讨论一下。", false, model.ThemeDiscussion},
	} {
		p := &model.Post{Title: c.title, Body: c.body, Pinned: c.pinned}
		if got := ThemeOf(p); got != c.want {
			t.Errorf("ThemeOf(%q, %q, pinned %v) = %s, want %s", c.title, c.body, c.pinned, got, c.want)
		}
	}
}

func TestArchiveStatuses(t *testing.T) {
	in := map[model.PostStatus]bool{model.PostApproved: true, model.PostSignedOff: true, model.PostPublished: true}
	for _, s := range model.PostStatuses {
		got := false
		for _, a := range ArchiveStatuses {
			got = got || a == s
		}
		if got != in[s] {
			t.Errorf("a %s post in the archive: %v", s, got)
		}
	}
}
