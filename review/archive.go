package review

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
)

// The group owner's archive (GO 五(一)): which posts go in, and under which theme.

// ArchiveStatuses are the statuses of a post that was published in the chat: approved by an
// administrator, signed off by the secretary, or taken from the chat's history. Pending,
// rejected, sent-back, escalated and recalled posts were never published (or were taken back)
// and stay out of the archive.
var ArchiveStatuses = []model.PostStatus{model.PostApproved, model.PostSignedOff, model.PostPublished}

// themeTerms is the one table of the theme rule. Terms are compared on the normalised text
// (traditional characters folded to simplified, punctuation and spaces dropped), so 會議紀要
// and 会议 纪要 match 会议纪要. The order of the rows breaks ties.
var themeTerms = []struct {
	theme model.Theme
	// title terms name the kind of document, which ends a Chinese title (关于……的通知).
	title []string
	// body terms are set phrases that declare the kind of a message in its text; single
	// common words (决定, 通知, 安排) are too frequent in chat to decide from the body.
	body []string
}{
	{model.ThemeResolution,
		[]string{"决议", "决定", "表决", "纪要", "会议通过", "审议通过", "解决", "答复", "办理结果", "处理结果", "处理情况", "整改情况", "落实情况"},
		[]string{"决议如下", "会议决定", "会议决议", "经表决", "表决通过", "会议通过", "审议通过", "会议纪要", "已解决", "已妥善处理", "处理结果", "办理结果"}},
	{model.ThemeNotice,
		[]string{"通知", "公告", "通告", "公示", "紧急", "启事", "须知", "提醒", "通报"},
		[]string{"特此通知", "特此公告", "特此通告", "紧急通知", "重要通知", "现通知如下", "通知如下", "现予公示"}},
	{model.ThemeArrangement,
		[]string{"安排", "部署", "计划", "任务", "分工", "方案", "值班", "排班", "工作要点", "日程"},
		[]string{"工作安排", "工作部署", "任务分工", "分工如下", "安排如下", "部署如下", "工作计划", "实施方案", "值班表"}},
}

// normalised forms of the terms, made once.
var themeNorm = func() [][2][]string {
	out := make([][2][]string, len(themeTerms))
	for i, row := range themeTerms {
		for _, t := range row.title {
			out[i][0] = append(out[i][0], Normalize(t))
		}
		for _, t := range row.body {
			out[i][1] = append(out[i][1], Normalize(t))
		}
	}
	return out
}()

// ThemeOf classes a post for the archive (GO 五(一)), by a fixed rule:
//
//  1. a post pinned in the chat is an important notice;
//  2. else the title decides: of the title terms of themeTerms, the one that ends last in the
//     title names the theme (关于工作安排的通知 is a notice, 关于落实通知的工作安排 an
//     arrangement); a tie goes to the earlier row (resolution, notice, arrangement);
//  3. else the body decides: the first row with a body phrase in the body;
//  4. else the post is a discussion record.
func ThemeOf(p *model.Post) model.Theme {
	if p.Pinned {
		return model.ThemeNotice
	}
	title := Normalize(p.Title)
	best, bestEnd := model.Theme(""), -1
	for i, row := range themeNorm {
		for _, t := range row[0] {
			if j := strings.LastIndex(title, t); j >= 0 && j+len(t) > bestEnd {
				best, bestEnd = themeTerms[i].theme, j+len(t)
			}
		}
	}
	if best != "" {
		return best
	}
	body := Normalize(p.Body)
	for i, row := range themeNorm {
		for _, t := range row[1] {
			if strings.Contains(body, t) {
				return themeTerms[i].theme
			}
		}
	}
	return model.ThemeDiscussion
}

// ArchiveSource is what an archive is read from; storage.Store satisfies it.
type ArchiveSource interface {
	Groups() ([]model.Group, error)
	Members() ([]model.Member, error)
	// PostsBetween lists the posts in these statuses with from ≤ time < to (zero: unbounded).
	PostsBetween(statuses []model.PostStatus, from, to time.Time) ([]model.Post, error)
}

// ArchiveRequest is what an operator asks to archive.
type ArchiveRequest struct {
	Groups              []string // group ids; none means every group that has posts in the period
	Period              *Period  // nil means all time
	ByTime              bool
	IncludeConfidential bool
	Operator            model.Operator
	Now                 time.Time
	Command             string
}

// BuildArchive chooses the posts of an archive: the published posts of the groups and the
// period, each with its theme, in time order (then by id) within its group; confidential posts
// (Post.IsConfidential) are left out and counted, unless the request asks for them and the
// operator's role permits it (model.MayArchiveConfidential). A request for confidential posts
// by a role that may not is refused before anything is read.
func BuildArchive(src ArchiveSource, req ArchiveRequest) (*model.Archive, error) {
	if req.IncludeConfidential && !model.MayArchiveConfidential(req.Operator.Role) {
		return nil, &model.ConfidentialArchiveError{Role: req.Operator.Role}
	}
	a := &model.Archive{ByTime: req.ByTime, IncludeConfidential: req.IncludeConfidential,
		Maker: req.Operator, MadeAt: req.Now, Command: req.Command}
	var from, to time.Time
	if req.Period != nil {
		from, to = req.Period.From, req.Period.To
		a.PeriodLabel, a.From, a.To = req.Period.String(), from, to
	}
	groups, err := src.Groups()
	if err != nil {
		return nil, err
	}
	byID := map[string]model.Group{}
	for _, g := range groups {
		byID[g.ID] = g
	}
	var chosen []string
	named := map[string]bool{}
	for _, id := range req.Groups {
		if _, ok := byID[id]; !ok {
			return nil, i18n.E("review.unknown-group", id)
		}
		if !named[id] {
			named[id] = true
			chosen = append(chosen, id)
		}
	}
	members, err := src.Members()
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(members))
	for _, m := range members {
		names[m.Key()] = m.Name
	}
	posts, err := src.PostsBetween(ArchiveStatuses, from, to)
	if err != nil {
		return nil, err
	}
	parts := map[string]*model.ArchiveGroup{}
	for _, id := range chosen {
		parts[id] = &model.ArchiveGroup{Group: byID[id]}
	}
	for i := range posts {
		p := &posts[i]
		part := parts[p.Group]
		if part == nil {
			if len(chosen) > 0 {
				continue
			}
			g, ok := byID[p.Group]
			if !ok {
				g = model.Group{ID: p.Group, Name: p.Group}
			}
			part = &model.ArchiveGroup{Group: g}
			parts[p.Group] = part
		}
		if p.IsConfidential() && !req.IncludeConfidential {
			part.LeftOut++
			continue
		}
		name := names[model.MemberKey(p.Group, p.Author)]
		if name == "" {
			name = p.Author
		}
		part.Entries = append(part.Entries, model.ArchiveEntry{Post: *p, Theme: ThemeOf(p), AuthorName: name})
	}
	ids := chosen
	if len(ids) == 0 {
		for id := range parts {
			ids = append(ids, id)
		}
		slices.Sort(ids)
	}
	for _, id := range ids {
		part := parts[id]
		slices.SortStableFunc(part.Entries, func(x, y model.ArchiveEntry) int {
			if c := x.Post.Time.Compare(y.Post.Time); c != 0 {
				return c
			}
			return cmp.Compare(x.Post.ID, y.Post.ID)
		})
		a.Groups = append(a.Groups, *part)
	}
	return a, nil
}
