package review

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"qunshen/model"
)

// Fields of a post that findings point into.
const (
	FieldTitle = "title"
	FieldBody  = "body"
)

// CustomRule is the id of the rule of a word list added for one run (scan --terms).
const CustomRule = "custom"

// Checker runs the content checks of a policy. It is safe for use by many goroutines at once;
// flooding and repeats need the order of posts and are Flow's.
type Checker struct {
	Policy   *Policy
	matcher  *Matcher
	termRule []int32 // term id → index of its rule in Policy.Rules
	allow    *Matcher
	byDetect map[string]int
}

// NewChecker builds the matchers of a policy. extra terms, when given, form a rule of their
// own (category custom, severity warn).
func NewChecker(p *Policy, extra []string) *Checker {
	if len(extra) > 0 {
		cp := *p
		cp.Rules = append(slices.Clone(p.Rules), Rule{ID: CustomRule, Category: "custom", Severity: Warn,
			Name:    Text{ZH: "自定义词表", EN: "Custom word list"},
			Explain: Text{ZH: "命中本次检查附加的词表。", EN: "Matches the word list added to this check."},
			Terms:   extra})
		p = &cp
	}
	c := &Checker{Policy: p, byDetect: map[string]int{}}
	var terms []string
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.Detector != "" {
			c.byDetect[r.Detector] = i
			continue
		}
		for _, t := range r.Terms {
			terms = append(terms, t)
			c.termRule = append(c.termRule, int32(i))
		}
	}
	c.matcher = NewMatcher(terms)
	c.allow = NewMatcher(p.Allow)
	return c
}

// CheckText finds the terms and the personal data in one text of a post of a group of this
// kind, with spans in text, and appends them to dst.
func (c *Checker) CheckText(text, field string, kind model.GroupKind, dst []model.Finding) []model.Finding {
	var ms []Match
	ms = c.matcher.FindAll(text, ms)
	var allowed []Match
	if len(ms) > 0 {
		allowed = c.allow.FindAll(text, nil)
	}
	for _, m := range ms {
		r := &c.Policy.Rules[c.termRule[m.Term]]
		if !r.AppliesTo(kind) || inside(m, allowed) {
			continue
		}
		dst = c.add(dst, r, kind, m.Start, m.End, field)
	}
	for _, pm := range FindPII(text, nil) {
		det := map[PIIKind]string{PIIResidentID: DetectResidentID, PIIMobile: DetectMobile, PIIBankCard: DetectBankCard}[pm.Kind]
		if i, ok := c.byDetect[det]; ok && c.Policy.Rules[i].AppliesTo(kind) {
			dst = c.add(dst, &c.Policy.Rules[i], kind, pm.Start, pm.End, field)
		}
	}
	return dst
}

// inside reports whether a match lies within an allowed phrase.
func inside(m Match, allowed []Match) bool {
	for _, a := range allowed {
		if a.Start <= m.Start && m.End <= a.End {
			return true
		}
	}
	return false
}

func (c *Checker) add(dst []model.Finding, r *Rule, kind model.GroupKind, start, end int, field string) []model.Finding {
	f := model.Finding{Rule: r.ID, Category: r.Category, Clause: r.Clause, Severity: c.Policy.SeverityFor(r, kind), Start: start, End: end, Field: field}
	// The same rule on the same span once is enough (a term listed twice, or in two lists).
	if slices.Contains(dst, f) {
		return dst
	}
	return append(dst, f)
}

func (c *Checker) detector(name string, kind model.GroupKind) *Rule {
	i, ok := c.byDetect[name]
	if !ok || !c.Policy.Rules[i].AppliesTo(kind) {
		return nil
	}
	return &c.Policy.Rules[i]
}

// CheckPost runs every content and format check on a post of a group of this kind and returns
// the findings, strongest first, then in the order of the text.
func (c *Checker) CheckPost(p *model.Post, kind model.GroupKind) []model.Finding {
	var fs []model.Finding
	fs = c.CheckText(p.Title, FieldTitle, kind, fs)
	fs = c.CheckText(p.Body, FieldBody, kind, fs)
	if r := c.detector(DetectMajorFlag, kind); r != nil && p.Major {
		fs = c.add(fs, r, kind, 0, 0, "")
	}
	if r := c.detector(DetectTitleLength, kind); r != nil && titleTooLong(p.Title, c.Policy.Thresholds.TitleMax) {
		fs = c.add(fs, r, kind, 0, len(p.Title), FieldTitle)
	}
	if r := c.detector(DetectSignature, kind); r != nil && utf8.RuneCountInString(p.Body) >= c.Policy.Thresholds.SignatureMinChars && !HasSignature(p.Body) {
		fs = c.add(fs, r, kind, 0, 0, FieldBody)
	}
	if r := c.detector(DetectAttachments, kind); r != nil {
		for _, a := range p.Attachments {
			if !AttachmentNamed(p.Body, a) {
				fs = c.add(fs, r, kind, 0, 0, "attachments")
				break
			}
		}
	}
	SortFindings(fs)
	return fs
}

// SortFindings orders findings strongest first, then by field and place.
func SortFindings(fs []model.Finding) {
	slices.SortStableFunc(fs, func(a, b model.Finding) int {
		if d := SeverityRank(a.Severity) - SeverityRank(b.Severity); d != 0 {
			return d
		}
		if a.Field != b.Field {
			return strings.Compare(a.Field, b.Field)
		}
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return strings.Compare(a.Rule, b.Rule)
	})
}

// TitleLength counts a title in characters as a reader sees them: an emoji made of several
// code points is one character.
func TitleLength(title string) int { return uniseg.GraphemeClusterCount(strings.TrimSpace(title)) }

// titleTooLong: a title of no more code points than the limit is short enough without
// counting its characters.
func titleTooLong(title string, max int) bool {
	return utf8.RuneCountInString(title) > max && TitleLength(title) > max
}

// signLeads are how a signature line begins.
var signLeads = []string{"——", "—", "--", "－－", "落款", "发布人", "發布人", "发布部门", "發布部門"}

// HasSignature reports whether the end of a text signs it: a date in its last three lines, or
// a line that begins as a signature does (——办公室).
func HasSignature(body string) bool {
	rest := strings.TrimRight(body, " \t\r\n")
	for n := 0; n < 3 && rest != ""; {
		l := rest
		if i := strings.LastIndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[i+1:], rest[:i]
		} else {
			rest = ""
		}
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		n++
		for _, lead := range signLeads {
			if strings.HasPrefix(l, lead) {
				return true
			}
		}
		if hasDate(l) {
			return true
		}
	}
	return false
}

// hasDate finds a date written as people write them in a signature: 2026年6月3日, 二〇二六年六月,
// 6月3日, 2026-06-03, 2026/6/3, 2026.6.3; digits ASCII, full-width or Chinese numerals.
func hasDate(s string) bool {
	// The latest tokens, newest last: a run of digits (its length) or another rune. Spaces are
	// passed over. Nothing is allocated: this runs on every post.
	type tok struct {
		digits int
		r      rune
	}
	var ring [6]tok
	n := 0
	at := func(back int) tok { // 0 is the newest
		if back >= n || back >= len(ring) {
			return tok{r: -1}
		}
		return ring[(n-1-back)%len(ring)]
	}
	isoBefore := func(back int) bool { // 2026-06-03 ends at token back
		sep := at(back + 1).r
		return at(back).digits > 0 && at(back).digits <= 2 && (sep == '-' || sep == '/' || sep == '.') &&
			at(back+2).digits > 0 && at(back+2).digits <= 2 && at(back+3).r == sep && at(back+4).digits == 4
	}
	for _, r := range s {
		if (r >= '0' && r <= '9') || (r >= '０' && r <= '９') || strings.ContainsRune("〇零一二三四五六七八九十○", r) {
			if n > 0 && ring[(n-1)%len(ring)].digits > 0 {
				ring[(n-1)%len(ring)].digits++
			} else {
				ring[n%len(ring)] = tok{digits: 1}
				n++
			}
			continue
		}
		if r == ' ' || r == '\u3000' {
			continue
		}
		if isoBefore(0) {
			return true
		}
		ring[n%len(ring)] = tok{r: r}
		n++
		switch {
		case r == '年' && at(1).digits == 4:
			return true
		case r == '日' && at(1).digits > 0 && at(1).digits <= 3 && at(2).r == '月' && at(3).digits > 0 && at(3).digits <= 2:
			return true
		}
	}
	return isoBefore(0)
}

// AttachmentNamed reports whether the body names an attachment: its name, with or without
// its extension, in the normal form of the text.
func AttachmentNamed(body, name string) bool {
	base := name
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		base = name[:i]
	}
	if base != "" && strings.Contains(body, base) {
		return true
	}
	nb := Normalize(body)
	if n := Normalize(base); n != "" && strings.Contains(nb, n) {
		return true
	}
	return false
}

// Muted adds to a post the finding that its author was muted when it was submitted, when the
// policy has the rule for it in a group of this kind: the import, which knows the member,
// calls it (storage.ImportOptions.Muted).
func (c *Checker) Muted(p *model.Post, kind model.GroupKind) {
	if r := c.detector(DetectMuted, kind); r != nil {
		p.Findings = c.add(p.Findings, r, kind, 0, 0, "")
		SortFindings(p.Findings)
	}
}

// ImportChecks are the two hooks of an import: the content checks, run on many goroutines,
// which also prepare what flooding and repeats need, and these two, run in the order of the
// posts.
func (c *Checker) ImportChecks() (check func(*model.Post, model.GroupKind) any, inOrder func(*model.Post, model.GroupKind, any) bool) {
	flow := c.NewFlow()
	check = func(p *model.Post, kind model.GroupKind) any {
		p.Findings = c.CheckPost(p, kind)
		return fingerprint(p)
	}
	inOrder = func(p *model.Post, kind model.GroupKind, prepared any) bool {
		fp, ok := prepared.(flowPost)
		if !ok {
			fp = fingerprint(p)
		}
		more := flow.check(p, kind, fp)
		if len(more) == 0 {
			return false
		}
		p.Findings = append(p.Findings, more...)
		SortFindings(p.Findings)
		return true
	}
	return check, inOrder
}
