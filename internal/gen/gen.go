// Package gen generates deterministic, realistic JSON Lines test data for the
// workbench: work-group records, their members, and the members' posts
// (followed, near the end, by a few reports and applications).
//
// Output format, one JSON object per line, "type" first:
//
//	group       id name kind platform owner branch purpose nickname_rule
//	            approved_by approved_at [filing_no] [project_end]
//	member      id group name nickname branch role party_member joined last_active
//	post        id group author time title body [attachments] major
//	report      id group reporter member [post] time text
//	application id group member kind time text
//
// Fields in brackets are optional and omitted when empty; all other fields
// are always present (title and body may be empty strings). Times are RFC
// 3339 in UTC+8 ("2026-06-03T09:15:22+08:00").
package gen

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// Options controls the size and shape of the generated data.
type Options struct {
	Posts   int       // number of post records
	Members int       // number of member records (spread over the groups); 0 => 50 per group
	Groups  int       // number of groups (default 6 when 0)
	Seed    int64     // same seed => byte-identical output
	Start   time.Time // earliest post time; zero => 2026-05-01T00:00:00+08:00
	Months  int       // span of post times in months; 0 => 6
}

var cst = time.FixedZone("CST", cstOffset)

// DefaultStart is the Start used when Options.Start is zero.
var DefaultStart = time.Date(2026, 5, 1, 0, 0, 0, 0, cst)

const (
	roleMember = iota
	roleAdmin
	roleOwner
)

var roleNames = [...]string{"member", "admin", "owner"}

type group struct {
	id         string
	name       string
	kind       int
	spec       *groupSpec
	owner      int   // member index
	staff      []int // owner and admins
	members    []int // all member indices, owner first
	cum        []float64
	approvedAt int64
	projectEnd int64
	filingNo   string
}

type member struct {
	id      string
	group   int
	name    string
	surname string
	nick    string
	branch  string
	role    int
	party   bool
	trad    bool // writes in traditional characters by habit
	joined  int64
	last    int64
}

// Post categories. Each block of 1,000 main posts contains exactly
// deckCounts[c] posts of category c, in shuffled order.
const (
	cNormal uint8 = iota
	cAd
	cEvasion
	cRumour
	cInsult
	cIDCard
	cMobile
	cCard
	cSecret
	cMajor
	cLongTitle
	cNoSig
	cAttach
	cBurst
	cRepeat
	cNoticeRepeat
	cHostile
	nCats
)

var deckCounts = [nCats]int{
	cAd: 15, cEvasion: 18, cRumour: 12, cInsult: 10, cIDCard: 16, cMobile: 18,
	cCard: 12, cSecret: 14, cMajor: 20, cLongTitle: 18, cNoSig: 18, cAttach: 18,
	cBurst: 3, cRepeat: 10, cNoticeRepeat: 5, cHostile: 1,
}

const deckSize = 1000

// extra is a post scheduled for later: burst members, repeats.
type extra struct {
	t      int64
	seq    int
	group  int
	author int
	title  string
	body   string
	att    []string
	major  bool
}

type flagged struct {
	post   int
	group  int
	author int
	cat    uint8
}

type gen struct {
	o          Options
	r          *rand.Rand
	start, end int64
	groups     []group
	members    []member
	groupCum   []float64

	// time distribution over 10-minute slots
	cum []float64
	ptr int

	out *sink

	// post state
	deck    [deckSize]uint8
	deckPos int
	catN    [nCats]int
	pend    []extra
	seq     int
	emitted int
	idWidth int
	ring    [32]flagged
	ringN   int

	lastReported int

	// reports and applications
	nComplaints, nApps int
	rDone, aDone       int
	winFirst, winSize  int

	// composition scratch
	title, body []byte
	att         []string
	major       bool
	forceTrad   bool
	burstKind   int
	burstTrad   bool
	tmp         []byte
	cur         struct {
		gi, ai int
		t      int64
		day    int64
		due    int64
		valid  bool
		mobFmt int
	}
}

// Write streams JSON Lines records to w: first all groups, then all members,
// then posts in ascending time order, with a few report and application
// records interleaved among the last tenth of the posts. Memory use does not
// grow with o.Posts.
func Write(w io.Writer, o Options) error {
	g, err := newGen(o)
	if err != nil {
		return err
	}
	g.out = &sink{w: w, buf: make([]byte, 0, sinkChunk+8192)}
	for i := range g.groups {
		g.writeGroup(i)
		g.out.maybeFlush()
	}
	for i := range g.members {
		g.writeMember(i)
		g.out.maybeFlush()
	}
	if g.out.err != nil {
		return g.out.err
	}
	if err := g.writePosts(); err != nil {
		return err
	}
	return g.out.flush()
}

func newGen(o Options) (*gen, error) {
	if o.Posts < 0 || o.Members < 0 || o.Groups < 0 || o.Months < 0 {
		return nil, errors.New("gen: negative option")
	}
	if o.Groups == 0 {
		o.Groups = 6
	}
	if o.Members == 0 {
		o.Members = 50 * o.Groups
	}
	if o.Months == 0 {
		o.Months = 6
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	if o.Members < o.Groups {
		return nil, fmt.Errorf("gen: %d members cannot staff %d groups (each group needs an owner)", o.Members, o.Groups)
	}
	g := &gen{
		o:     o,
		r:     rand.New(rand.NewPCG(uint64(o.Seed), uint64(o.Seed)^0x9e3779b97f4a7c15)),
		start: o.Start.Unix(),
		end:   o.Start.In(cst).AddDate(0, o.Months, 0).Unix(),
	}
	g.idWidth = max(6, len(strconv.Itoa(o.Posts)))
	g.buildGroups()
	g.buildMembers()
	g.buildTimeDistribution()
	return g, nil
}

// lastPost is the latest possible post time: ten minutes before the end of
// the span, so that every group owner (last active within the final ten
// minutes) can author any post.
func (g *gen) lastPost() int64 { return g.end - 601 }

// at returns the unix time of the given local day at h:m.
func at(day int64, h, m int) int64 {
	return day*86400 + int64(h*3600+m*60) - cstOffset
}

func (g *gen) buildGroups() {
	var perKind [nKinds]int
	startDay, _ := localDay(g.start)
	for i := 0; i < g.o.Groups; i++ {
		k := i
		if i >= nKinds {
			k = extraKinds[(i-nKinds)%len(extraKinds)]
		}
		n := perKind[k]
		perKind[k]++
		list := specs[k]
		sp := &list[n%len(list)]
		gr := group{
			id:   "g-" + kindNames[k] + "-" + strconv.Itoa(n+1),
			name: sp.name,
			kind: k,
			spec: sp,
		}
		if n >= len(list) {
			gr.name += "（" + strconv.Itoa(n/len(list)+1) + "）"
		}
		d := startDay - int64(60+g.r.IntN(640))
		for offDay(d) {
			d--
		}
		gr.approvedAt = at(d, 9+g.r.IntN(8), g.r.IntN(60))
		y, _, _ := civil(d)
		// The last group of a default-sized run has not been filed yet.
		if !(g.o.Groups >= 6 && i == g.o.Groups-1) {
			gr.filingNo = "QB" + strconv.Itoa(y) + "-" + string(appendZero(nil, 1+g.r.IntN(400), 4))
		}
		if k == kProject {
			if n%2 == 0 {
				// Ended about 40% into the span: dissolution is overdue.
				ed, _ := localDay(g.start + (g.end-g.start)*2/5)
				gr.projectEnd = at(ed, 18, 0)
			} else {
				ed, _ := localDay(g.end)
				gr.projectEnd = at(ed+int64(60+g.r.IntN(90)), 18, 0)
			}
		}
		g.groups = append(g.groups, gr)
	}
}

// dayTime returns a random time between 08:00 and 22:00 on the local day.
func (g *gen) dayTime(day int64) int64 {
	return at(day, 8, 0) + int64(g.r.IntN(14*3600))
}

const slotLen = 600

// buildTimeDistribution weights every 10-minute slot of the span: working
// hours on weekdays dominate, evenings and weekends are quiet, nights almost
// silent; each day also gets a random busy-ness factor.
func (g *gen) buildTimeDistribution() {
	n := int((g.end - g.start + slotLen - 1) / slotLen)
	if n < 1 {
		n = 1
	}
	g.cum = make([]float64, n)
	firstDay, _ := localDay(g.start)
	lastDay, _ := localDay(g.end)
	dayF := make([]float64, lastDay-firstDay+1)
	for i := range dayF {
		dayF[i] = 0.7 + 0.6*g.r.Float64()
	}
	t := 0.0
	for i := 0; i < n; i++ {
		s0 := g.start + int64(i)*slotLen
		l := min(int64(slotLen), g.end-s0)
		day, sec := localDay(s0 + l/2)
		wd := weekday(day)
		min := sec / 60
		var w float64
		switch {
		case min < 7*60:
			w = 0.04
		case min < 8*60+30:
			w = 1.2
		case min < 12*60:
			w = 10
		case min < 14*60:
			w = 2.5
		case min < 18*60:
			w = 9
		case min < 22*60:
			w = 1.5
		default:
			w = 0.4
		}
		switch {
		case offDay(day):
			w *= 0.12
		case wd == 1:
			if min < 12*60 {
				w *= 1.2
			}
		case wd == 5:
			if min >= 14*60 {
				w *= 0.8
			}
		}
		w *= dayF[day-firstDay] * float64(l) / slotLen
		t += w
		g.cum[i] = t
	}
}

// timeAt maps u in [0,1] to a time through the inverse of the slot CDF. It
// must be called with non-decreasing u.
func (g *gen) timeAt(u float64) int64 {
	n := len(g.cum)
	target := u * g.cum[n-1]
	for g.ptr < n-1 && g.cum[g.ptr] <= target {
		g.ptr++
	}
	prev := 0.0
	if g.ptr > 0 {
		prev = g.cum[g.ptr-1]
	}
	frac := 0.0
	if w := g.cum[g.ptr] - prev; w > 0 {
		frac = (target - prev) / w
	}
	frac = max(0, min(frac, 0.999999))
	s0 := g.start + int64(g.ptr)*slotLen
	l := min(int64(slotLen), g.end-s0)
	t := s0 + int64(frac*float64(l))
	return min(t, g.lastPost())
}

func (g *gen) writeGroup(i int) {
	gr := &g.groups[i]
	b := g.out.buf
	b = append(b, `{"type":"group","id":`...)
	b = appendJSON(b, gr.id)
	b = append(b, `,"name":`...)
	b = appendJSON(b, gr.name)
	b = append(b, `,"kind":"`...)
	b = append(b, kindNames[gr.kind]...)
	b = append(b, `","platform":"`...)
	b = append(b, gr.spec.platform...)
	b = append(b, `","owner":"`...)
	b = append(b, g.members[gr.owner].id...)
	b = append(b, `","branch":`...)
	b = appendJSON(b, gr.spec.branch)
	b = append(b, `,"purpose":`...)
	b = appendJSON(b, gr.spec.purpose)
	b = append(b, `,"nickname_rule":"`...)
	b = append(b, gr.spec.rule...)
	b = append(b, `","approved_by":`...)
	b = appendJSON(b, gr.spec.approvedBy)
	b = append(b, `,"approved_at":"`...)
	b = appendTime(b, gr.approvedAt)
	b = append(b, '"')
	if gr.filingNo != "" {
		b = append(b, `,"filing_no":`...)
		b = appendJSON(b, gr.filingNo)
	}
	if gr.projectEnd != 0 {
		b = append(b, `,"project_end":"`...)
		b = appendTime(b, gr.projectEnd)
		b = append(b, '"')
	}
	g.out.buf = append(b, "}\n"...)
}
