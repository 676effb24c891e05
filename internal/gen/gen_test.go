package gen

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

type rec struct {
	Type string `json:"type"`
	ID   string `json:"id"`

	// group
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Platform     string `json:"platform"`
	Owner        string `json:"owner"`
	Branch       string `json:"branch"`
	Purpose      string `json:"purpose"`
	NicknameRule string `json:"nickname_rule"`
	ApprovedBy   string `json:"approved_by"`
	ApprovedAt   string `json:"approved_at"`
	FilingNo     string `json:"filing_no"`
	ProjectEnd   string `json:"project_end"`

	// member
	Group       string `json:"group"`
	Nickname    string `json:"nickname"`
	Role        string `json:"role"`
	PartyMember *bool  `json:"party_member"`
	Joined      string `json:"joined"`
	LastActive  string `json:"last_active"`

	// post
	Author      string   `json:"author"`
	Time        string   `json:"time"`
	Title       *string  `json:"title"`
	Body        *string  `json:"body"`
	Attachments []string `json:"attachments"`
	Major       *bool    `json:"major"`

	// report / application
	Reporter string `json:"reporter"`
	Member   string `json:"member"`
	Post     string `json:"post"`
	Text     string `json:"text"`
}

func generate(t testing.TB, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, o); err != nil {
		t.Fatalf("Write(%+v): %v", o, err)
	}
	return buf.Bytes()
}

func parseTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad time %q: %v", s, err)
	}
	if _, off := tm.Zone(); off != 8*3600 {
		t.Fatalf("time %q not in +08:00", s)
	}
	return tm
}

type parsed struct {
	lines   [][]byte
	recs    []rec
	groups  map[string]*rec
	members map[string]*rec
	posts   []*rec
	postIdx map[string]*rec
	reports []*rec
	apps    []*rec
}

// check parses data and verifies every structural invariant of the format.
func check(t *testing.T, data []byte, o Options) *parsed {
	t.Helper()
	wantGroups := o.Groups
	if wantGroups == 0 {
		wantGroups = 6
	}
	wantMembers := o.Members
	if wantMembers == 0 {
		wantMembers = 50 * wantGroups
	}
	p := &parsed{groups: map[string]*rec{}, members: map[string]*rec{}, postIdx: map[string]*rec{}}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Fatal("output does not end with a newline")
	}
	p.lines = bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	p.recs = make([]rec, len(p.lines))
	phase := 0 // 0 groups, 1 members, 2 posts/reports/applications
	for i, l := range p.lines {
		if !utf8.Valid(l) {
			t.Fatalf("line %d: invalid UTF-8", i+1)
		}
		if !json.Valid(l) {
			t.Fatalf("line %d: invalid JSON: %s", i+1, l)
		}
		if !bytes.HasPrefix(l, []byte(`{"type":"`)) {
			t.Fatalf("line %d: type is not first: %s", i+1, l)
		}
		r := &p.recs[i]
		if err := json.Unmarshal(l, r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		var ph int
		switch r.Type {
		case "group":
			ph = 0
			if p.groups[r.ID] != nil {
				t.Fatalf("duplicate group %s", r.ID)
			}
			p.groups[r.ID] = r
		case "member":
			ph = 1
			if p.members[r.ID] != nil {
				t.Fatalf("duplicate member id %s", r.ID)
			}
			p.members[r.ID] = r
		case "post":
			ph = 2
			if p.postIdx[r.ID] != nil {
				t.Fatalf("duplicate post id %s", r.ID)
			}
			p.posts = append(p.posts, r)
			p.postIdx[r.ID] = r
		case "report":
			ph = 2
			p.reports = append(p.reports, r)
		case "application":
			ph = 2
			p.apps = append(p.apps, r)
		default:
			t.Fatalf("line %d: unknown type %q", i+1, r.Type)
		}
		if ph < phase {
			t.Fatalf("line %d: %s record out of order", i+1, r.Type)
		}
		phase = ph
	}
	if len(p.groups) != wantGroups || len(p.members) != wantMembers || len(p.posts) != o.Posts {
		t.Fatalf("counts: %d groups, %d members, %d posts; want %d, %d, %d",
			len(p.groups), len(p.members), len(p.posts), wantGroups, wantMembers, o.Posts)
	}

	// groups and members
	idRE := regexp.MustCompile(`^wx_[0-9a-z]{8}$`)
	owners := map[string]int{}
	admins := map[string]int{}
	names := map[string]bool{}
	for _, g := range p.groups {
		if names[g.Name] {
			t.Errorf("duplicate group name %s", g.Name)
		}
		names[g.Name] = true
		switch g.Kind {
		case "party", "work", "street", "city", "project":
		default:
			t.Errorf("group %s: kind %q", g.ID, g.Kind)
		}
		switch g.Platform {
		case "wechat", "qq", "wecom", "dingtalk":
		default:
			t.Errorf("group %s: platform %q", g.ID, g.Platform)
		}
		switch g.NicknameRule {
		case "branch+name", "dept+name", "name":
		default:
			t.Errorf("group %s: nickname_rule %q", g.ID, g.NicknameRule)
		}
		if g.Name == "" || g.Branch == "" || g.Purpose == "" || g.ApprovedBy == "" {
			t.Errorf("group %s: empty field", g.ID)
		}
		parseTime(t, g.ApprovedAt)
		if (g.Kind == "project") != (g.ProjectEnd != "") {
			t.Errorf("group %s: project_end %q for kind %s", g.ID, g.ProjectEnd, g.Kind)
		}
		o := p.members[g.Owner]
		if o == nil || o.Group != g.ID || o.Role != "owner" {
			t.Errorf("group %s: owner %s is not an owner member of it", g.ID, g.Owner)
		}
	}
	for _, m := range p.members {
		if !idRE.MatchString(m.ID) {
			t.Errorf("member id %q", m.ID)
		}
		if p.groups[m.Group] == nil {
			t.Fatalf("member %s in unknown group %s", m.ID, m.Group)
		}
		switch m.Role {
		case "owner":
			owners[m.Group]++
		case "admin":
			admins[m.Group]++
		case "member":
		default:
			t.Errorf("member %s: role %q", m.ID, m.Role)
		}
		if m.Name == "" || m.Nickname == "" || m.Branch == "" || m.PartyMember == nil {
			t.Errorf("member %s: missing field", m.ID)
		}
		j, l := parseTime(t, m.Joined), parseTime(t, m.LastActive)
		if l.Before(j) {
			t.Errorf("member %s: last_active before joined", m.ID)
		}
	}
	for id := range p.groups {
		if owners[id] != 1 {
			t.Errorf("group %s has %d owners", id, owners[id])
		}
		// 1–3 admins whenever the group is big enough
		n := 0
		for _, m := range p.members {
			if m.Group == id {
				n++
			}
		}
		if a := admins[id]; a > 3 || a < min(1, n-1) {
			t.Errorf("group %s (%d members) has %d admins", id, n, a)
		}
	}

	// posts
	var prev time.Time
	for i, po := range p.posts {
		if po.Title == nil || po.Body == nil || po.Major == nil {
			t.Fatalf("post %s: missing title/body/major", po.ID)
		}
		tm := parseTime(t, po.Time)
		if i > 0 && tm.Before(prev) {
			t.Fatalf("post %s at %s is earlier than the previous post (%s)", po.ID, po.Time, prev)
		}
		prev = tm
		a := p.members[po.Author]
		if a == nil || a.Group != po.Group {
			t.Fatalf("post %s: author %s is not a member of %s", po.ID, po.Author, po.Group)
		}
		if parseTime(t, a.Joined).After(tm) {
			t.Errorf("post %s: author joined after posting", po.ID)
		}
		if parseTime(t, a.LastActive).Before(tm) {
			t.Errorf("post %s: author last active before posting", po.ID)
		}
		for _, f := range po.Attachments {
			if f == "" {
				t.Errorf("post %s: empty attachment name", po.ID)
			}
		}
	}
	for _, r := range p.reports {
		parseTime(t, r.Time)
		for _, id := range []string{r.Reporter, r.Member} {
			if m := p.members[id]; m == nil || m.Group != r.Group {
				t.Errorf("report %s: %s is not a member of %s", r.ID, id, r.Group)
			}
		}
		if r.Post != "" {
			po := p.postIdx[r.Post]
			if po == nil || po.Group != r.Group || po.Author != r.Member {
				t.Errorf("report %s: post %s does not match", r.ID, r.Post)
			} else if parseTime(t, po.Time).After(parseTime(t, r.Time)) {
				t.Errorf("report %s precedes its post", r.ID)
			}
		}
		if r.Text == "" || !strings.HasPrefix(r.ID, "r-") {
			t.Errorf("report %s: bad id or text", r.ID)
		}
	}
	for _, a := range p.apps {
		parseTime(t, a.Time)
		if m := p.members[a.Member]; m == nil || m.Group != a.Group {
			t.Errorf("application %s: %s is not a member of %s", a.ID, a.Member, a.Group)
		}
		switch a.Kind {
		case "join", "exit", "appeal":
		default:
			t.Errorf("application %s: kind %q", a.ID, a.Kind)
		}
	}
	if o.Posts > 0 && (len(p.reports) == 0 || len(p.apps) == 0) {
		t.Errorf("%d reports, %d applications", len(p.reports), len(p.apps))
	}
	return p
}

func TestDeterministic(t *testing.T) {
	o := Options{Posts: 2000, Members: 200, Seed: 7}
	a, b := generate(t, o), generate(t, o)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed produced different output")
	}
	o.Seed = 8
	if c := generate(t, o); bytes.Equal(a, c) {
		t.Fatal("different seeds produced identical output")
	}
}

func TestStructure(t *testing.T) {
	for _, o := range []Options{
		{Posts: 3000, Members: 400, Seed: 1},
		{Posts: 500, Members: 120, Groups: 12, Seed: 2, Months: 2},
		{Posts: 40, Members: 6, Seed: 3},
		{Posts: 100, Seed: 4, Start: time.Date(2025, 12, 20, 9, 0, 0, 0, time.UTC), Months: 1},
		{Posts: 0, Members: 30, Groups: 3, Seed: 5},
		{Posts: 1, Members: 10, Groups: 1, Seed: 6},
	} {
		data := generate(t, o)
		p := check(t, data, o)
		if len(p.posts) > 0 {
			start := o.Start
			if start.IsZero() {
				start = DefaultStart
			}
			months := o.Months
			if months == 0 {
				months = 6
			}
			end := start.AddDate(0, months, 0)
			first := parseTime(t, p.posts[0].Time)
			last := parseTime(t, p.posts[len(p.posts)-1].Time)
			if first.Before(start) || !last.Before(end) {
				t.Errorf("%+v: posts span %s–%s, outside %s–%s", o, first, last, start, end)
			}
		}
	}
}

func TestGroupsAndMembers(t *testing.T) {
	for _, seed := range testSeeds() {
		t.Run(strconv.FormatInt(seed, 10), func(t *testing.T) { groupsAndMembers(t, seed) })
	}
}

func groupsAndMembers(t *testing.T, seed int64) {
	o := Options{Posts: 3000, Members: 400, Seed: seed}
	p := check(t, generate(t, o), o)

	kinds := map[string]int{}
	for _, g := range p.groups {
		kinds[g.Kind]++
	}
	if kinds["party"] != 2 || kinds["work"] != 1 || kinds["street"] != 1 || kinds["city"] != 1 || kinds["project"] != 1 {
		t.Errorf("kinds for 6 groups: %v", kinds)
	}
	end := DefaultStart.AddDate(0, 6, 0)
	overdue := false
	for _, g := range p.groups {
		if g.ProjectEnd != "" && parseTime(t, g.ProjectEnd).Before(end) {
			overdue = true
		}
	}
	if !overdue {
		t.Error("no project group past its end date")
	}

	// Surnames, including the tricky ones, and traditional names.
	surnames := map[string]int{}
	trad := 0
	for _, m := range p.members {
		surnames[string([]rune(m.Name)[:1])]++
		if strings.ContainsFunc(m.Name, isTradOnly) {
			trad++
		}
	}
	for _, s := range []string{"曾", "单", "解", "仇", "朴", "查", "乐"} {
		if surnames[s] == 0 {
			t.Errorf("surname %s missing among %d members", s, len(p.members))
		}
	}
	if share := float64(trad) / float64(len(p.members)); share < 0.05 || share > 0.16 {
		t.Errorf("traditional names: %.1f%%", 100*share)
	}

	// Nickname rule compliance about 70%; party members mostly in party groups.
	follows := 0
	inactive := 0
	partyIn, partyTotal := 0, 0
	for _, m := range p.members {
		g := p.groups[m.Group]
		switch g.NicknameRule {
		case "name":
			if m.Nickname == m.Name {
				follows++
			}
		default:
			if m.Nickname == m.Branch+"-"+m.Name || m.Nickname == m.Branch+m.Name {
				follows++
			}
		}
		if end.Sub(parseTime(t, m.LastActive)) > 90*24*time.Hour {
			inactive++
		}
		if g.Kind == "party" {
			partyTotal++
			if *m.PartyMember {
				partyIn++
			}
		}
	}
	n := float64(len(p.members))
	if s := float64(follows) / n; s < 0.6 || s > 0.85 {
		t.Errorf("nickname compliance %.1f%%", 100*s)
	}
	if s := float64(inactive) / n; s < 0.04 || s > 0.14 {
		t.Errorf("inactive members %.1f%%", 100*s)
	}
	if float64(partyIn) < 0.85*float64(partyTotal) {
		t.Errorf("party groups: %d of %d are party members", partyIn, partyTotal)
	}

	// Double surnames show up in a bigger population.
	o2 := Options{Posts: 10, Members: 3000, Seed: seed + 100}
	p2 := check(t, generate(t, o2), o2)
	double := 0
	for _, m := range p2.members {
		for _, s := range []string{"欧阳", "司马", "诸葛", "上官", "司徒", "歐陽", "司馬", "諸葛"} {
			if strings.HasPrefix(m.Name, s) {
				double++
			}
		}
	}
	if double == 0 {
		t.Error("no compound surnames among 3000 members")
	}
}

// isTradOnly reports whether c is the traditional form of a simplified
// character in the conversion table.
func isTradOnly(c rune) bool {
	rs := []rune(tradPairs)
	for i := 1; i < len(rs); i += 2 {
		if rs[i] == c {
			return true
		}
	}
	return false
}

// either reports whether raw contains s or its traditional form.
func either(raw, s string) bool {
	return strings.Contains(raw, s) || strings.Contains(raw, toTrad(s))
}

// testSeeds are the seeds the content tests run with; GEN_SEEDS=n widens it
// to 1..n.
func testSeeds() []int64 {
	n, _ := strconv.Atoi(os.Getenv("GEN_SEEDS"))
	if n < 3 {
		n = 3
	}
	s := make([]int64, n)
	for i := range s {
		s[i] = int64(i + 1)
	}
	return s
}

func TestTimeDistribution(t *testing.T) {
	o := Options{Posts: 20000, Members: 500, Seed: 11}
	p := check(t, generate(t, o), o)
	work, weekend := 0, 0
	months := map[time.Month]int{}
	for _, po := range p.posts {
		tm := parseTime(t, po.Time)
		months[tm.Month()]++
		if wd := tm.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend++
			continue
		}
		m := tm.Hour()*60 + tm.Minute()
		if m >= 8*60+30 && m < 12*60 || m >= 14*60 && m < 18*60 {
			work++
		}
	}
	n := float64(len(p.posts))
	if s := float64(work) / n; s < 0.7 {
		t.Errorf("only %.1f%% of posts in weekday working hours", 100*s)
	}
	if s := float64(weekend) / n; s > 0.08 {
		t.Errorf("%.1f%% of posts on weekends", 100*s)
	}
	if len(months) != 6 {
		t.Errorf("posts fall in %d months", len(months))
	}
	for m, c := range months {
		if float64(c) < n/12 {
			t.Errorf("month %s has only %d posts", m, c)
		}
	}
}
