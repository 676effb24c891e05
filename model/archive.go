package model

import "time"

// Theme is a class of the group owner's archive. GO 五(一)1 names what an archive holds:
// 重要通知 (important notices), 工作安排 (work arrangements), 討論記錄 (discussion records) and
// 問題解決情況 (how matters were resolved, with the group's resolutions); GO 五(一)2 wants it
// ordered by time and classed by theme.
type Theme string

const (
	ThemeNotice      Theme = "notice"      // 重要通知
	ThemeArrangement Theme = "arrangement" // 工作安排
	ThemeDiscussion  Theme = "discussion"  // 讨论记录
	ThemeResolution  Theme = "resolution"  // 决议与问题解决
)

// Themes lists the themes in the order of GO 五(一)1, the order of an archive.
var Themes = []Theme{ThemeNotice, ThemeArrangement, ThemeDiscussion, ThemeResolution}

// ArchiveEntry is one published post in an archive, with its theme and its author's name.
type ArchiveEntry struct {
	Post       Post
	Theme      Theme
	AuthorName string // the member's real name; the platform id when the member is unknown
}

// ArchiveGroup is one group's part of an archive: its entries in time order, and how many of
// its confidential posts were left out.
type ArchiveGroup struct {
	Group   Group
	Entries []ArchiveEntry
	LeftOut int
}

// Archive is the group owner's archive of published posts (GO 五(一)), as chosen for one
// operator: which groups, which period, whether confidential material is in it (GO 五(二)),
// and who made it when.
type Archive struct {
	Groups []ArchiveGroup
	// PeriodLabel names the period ("2026-10", "2026-Q3" …), empty for all time; From and To
	// bound it (To exclusive), zero for all time.
	PeriodLabel string
	From, To    time.Time
	ByTime      bool // one time line per group instead of one part per theme
	// IncludeConfidential is set when an operator whose role permits it asked for the
	// confidential posts (MayArchiveConfidential); otherwise they are left out and counted.
	IncludeConfidential bool
	Maker               Operator
	MadeAt              time.Time
	Command             string // the command line that made it, in canonical form
	// Access is the request to read the archive that it was made for (GO 五(二)), when it was:
	// its index names the request, the member, the reason and the approver.
	Access *ArchiveAccess
}

// Count is the number of posts in the archive.
func (a *Archive) Count() int {
	n := 0
	for _, g := range a.Groups {
		n += len(g.Entries)
	}
	return n
}

// LeftOut is the number of confidential posts left out of the archive.
func (a *Archive) LeftOut() int {
	n := 0
	for _, g := range a.Groups {
		n += g.LeftOut
	}
	return n
}
