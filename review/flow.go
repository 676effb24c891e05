package review

import (
	"math/bits"
	"strings"
	"time"
	"unicode/utf8"

	"qunshen/model"
)

// Flow checks flooding and repeats: they depend on what came before, so posts must be given
// in the order of their times. It is not safe for concurrent use.
type Flow struct {
	c      *Checker
	recent map[uint64][]flowPost // by group and author
}

type flowPost struct {
	key    uint64 // group and author, hashed
	t      time.Time
	sum    uint64    // hash of the normal form of title and body (capped)
	runes  int       // runes of that text
	sig    [8]uint64 // a 512-bit sketch of its adjacent rune pairs
	notice bool
}

// noticeLookback is how far back a repeat of an important notice is looked for.
const noticeLookback = 7 * 24 * time.Hour

// maxFlowText caps the text compared for repeats, in runes.
const maxFlowText = 200

// maxFlowCompare is how many of a member's latest posts a new one is compared with.
const maxFlowCompare = 16

func popcount(sig *[8]uint64) int {
	n := 0
	for _, w := range sig {
		n += bits.OnesCount64(w)
	}
	return n
}

// NewFlow starts a flow over the checker's policy.
func (c *Checker) NewFlow() *Flow { return &Flow{c: c, recent: map[uint64][]flowPost{}} }

// Check returns the flood and repeat findings of a post, and remembers it.
func (f *Flow) Check(p *model.Post, kind model.GroupKind) []model.Finding {
	return f.check(p, kind, fingerprint(p))
}

// fingerprint is the part of Check that needs no order: the post's text in normal form and
// its sketch. An import makes it on the goroutines that parse.
func fingerprint(p *model.Post) flowPost {
	fp := flowPost{key: hashStrings(p.Group, p.Author), t: p.Time, notice: isNotice(p)}
	tab := normTable()
	sum := uint64(14695981039346656037)
	var prev rune = -1
	for _, s := range [2]string{p.Title, p.Body} {
		for i := 0; i < len(s) && fp.runes < maxFlowText; {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			var n rune
			if r < 0x10000 {
				if n = rune(tab[r]); n == normSlowMark {
					n = normRune(r)
				}
			} else {
				n = normRune(r)
			}
			if n == 0 {
				continue
			}
			sum = (sum ^ uint64(n)) * 1099511628211
			if prev >= 0 {
				h := (uint64(prev)<<32 | uint64(n)) * 0x9E3779B97F4A7C15
				b := h >> 55
				fp.sig[b>>6] |= 1 << (b & 63)
			}
			prev = n
			fp.runes++
		}
	}
	fp.sum = sum
	return fp
}

// hashStrings is FNV-1a over a and b, with a separator between.
func hashStrings(a, b string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(a); i++ {
		h = (h ^ uint64(a[i])) * 1099511628211
	}
	h = (h ^ 0xff) * 1099511628211
	for i := 0; i < len(b); i++ {
		h = (h ^ uint64(b[i])) * 1099511628211
	}
	return h
}

func (f *Flow) check(p *model.Post, kind model.GroupKind, cur flowPost) []model.Finding {
	th := f.c.Policy.Thresholds
	k := cur.key
	keep := max(time.Duration(th.FloodMinutes)*time.Minute, time.Duration(th.RepeatMinutes)*time.Minute, noticeLookback)
	prev := f.recent[k]
	// Forget what is out of every window.
	i := 0
	for i < len(prev) && p.Time.Sub(prev[i].t) > keep {
		i++
	}
	prev = prev[i:]

	var fs []model.Finding
	if r := f.c.detector(DetectFlood, kind); r != nil {
		n := 1
		for _, q := range prev {
			if p.Time.Sub(q.t) <= time.Duration(th.FloodMinutes)*time.Minute {
				n++
			}
		}
		if n > th.FloodPosts {
			fs = f.c.add(fs, r, kind, 0, 0, "")
		}
	}
	if r := f.c.detector(DetectRepeat, kind); r != nil && cur.runes > 0 {
		window := time.Duration(th.RepeatMinutes) * time.Minute
		for j, n := len(prev)-1, 0; j >= 0 && n < maxFlowCompare; j, n = j-1, n+1 {
			q := &prev[j]
			if !cur.notice && p.Time.Sub(q.t) > window {
				break // only a notice looks further back
			}
			if !similar(&cur, q, th.RepeatSimilarity) {
				continue
			}
			if p.Time.Sub(q.t) <= time.Duration(th.RepeatMinutes)*time.Minute {
				fs = f.c.add(fs, r, kind, 0, 0, "")
			} else if cur.notice {
				// An important notice may be repeated after the interval: noted, no more.
				fi := model.Finding{Rule: r.ID, Category: r.Category, Clause: r.Clause, Severity: Info}
				fs = append(fs, fi)
			}
			break
		}
	}
	f.recent[k] = append(prev, cur)
	return fs
}

// isNotice tells an important notice: one whose title says it is.
func isNotice(p *model.Post) bool {
	for _, w := range []string{"通知", "公告", "提醒", "通報", "通报", "紧急", "緊急", "重要"} {
		if strings.Contains(p.Title, w) {
			return true
		}
	}
	return false
}

// similar: the same text, or nearly: the share of rune pairs two texts have in common,
// estimated from their sketches (a pair in common sets the same bit; with at most 200 pairs
// in 512 bits few more meet by chance), is at least min.
func similar(a, b *flowPost, min float64) bool {
	if a.sum == b.sum && a.runes == b.runes {
		return true
	}
	la, lb := a.runes, b.runes
	if la < 2 || lb < 2 || float64(2*minInt(la, lb))/float64(la+lb) < min {
		return false
	}
	var and [8]uint64
	for i := range and {
		and[i] = a.sig[i] & b.sig[i]
	}
	pa, pb := popcount(&a.sig), popcount(&b.sig)
	return 2*float64(popcount(&and))/float64(pa+pb) >= min
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}
