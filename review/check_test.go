package review

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"qunshen/internal/gen"
	"qunshen/model"
)

func TestDefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	for _, d := range detectors {
		found := false
		for _, r := range p.Rules {
			found = found || r.Detector == d
		}
		if !found {
			t.Errorf("the default policy has no rule for detector %s", d)
		}
	}
	for _, r := range p.Rules {
		if r.Name.EN == "" || r.Explain.EN == "" || r.Clause == "" {
			t.Errorf("rule %s lacks an English name, explanation or clause", r.ID)
		}
	}
}

func TestPolicyFaultsNameTheirLine(t *testing.T) {
	base := DefaultPolicyText()
	lineOf := func(src, needle string) int {
		return strings.Count(src[:strings.Index(src, needle)], "\n") + 1
	}
	cases := []struct {
		name, from, to, want string
		line                 func(src string) int
	}{
		{"syntax", `version = 1`, `version = = 1`, "", func(s string) int { return lineOf(s, "version = = 1") }},
		{"bad severity", `severity = "block"`, `severity = "fatal"`, `severity "fatal" is not one of`, func(s string) int { return lineOf(s, `severity = "fatal"`) }},
		{"unknown key", `clause = "IW 第十一条(八)"`, `clause = "IW 第十一条(八)"` + "\nseverty = \"warn\"", `unknown setting`, func(s string) int { return lineOf(s, "severty") }},
		{"unknown detector", `detector = "mobile"`, `detector = "phone"`, `unknown detector "phone"`, func(s string) int { return lineOf(s, `detector = "phone"`) }},
		{"duplicate id", `id = "rumour"`, `id = "political"`, `defined twice`, func(s string) int { return lineOf(s[lineOf(s, "rumour"):], "") }},
		{"empty term", `terms = ["紧急扩散",`, `terms = ["★★", "紧急扩散",`, `would match nothing`, func(s string) int { return lineOf(s, `terms = ["★★"`) }},
		{"negative threshold", `title_max = 20`, `title_max = -1`, `title_max must be a positive number`, func(s string) int { return lineOf(s, "title_max = -1") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(base, c.from, c.to, 1)
			if src == base {
				t.Fatalf("the test did not change the policy")
			}
			_, err := ParsePolicy(src, "p.toml", "")
			if err == nil {
				t.Fatal("a faulty policy was accepted")
			}
			if c.name == "duplicate id" {
				if !strings.Contains(err.Error(), c.want) {
					t.Fatalf("error %q", err)
				}
				return
			}
			want := "p.toml:" + itoa(c.line(src)) + ":"
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not name %s and %q", err, want, c.want)
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestWordListsBesideThePolicy(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/ours.txt", "\ufeff# 本单位补充词表\n外卖红包群\n\n  刷好评  # 常见\n")
	src := DefaultPolicyText() + "\n[[rule]]\nid = \"local\"\ncategory = \"ads\"\nclause = \"ST 五(一)4\"\nseverity = \"warn\"\nname = { zh = \"本单位词表\", en = \"Local list\" }\nexplain = { zh = \"命中本单位词表。\", en = \"In the local list.\" }\nfiles = [\"ours.txt\"]\n"
	writeFile(t, dir+"/p.toml", src)
	p, err := LoadPolicy(dir + "/p.toml")
	if err != nil {
		t.Fatal(err)
	}
	c := NewChecker(p, nil)
	fs := c.CheckText("欢迎加入外卖红包群，帮忙刷 好 评", FieldBody, model.KindWork, nil)
	if n := countRule(fs, "local"); n != 2 {
		t.Fatalf("local list found %d terms: %+v", n, fs)
	}
	writeFile(t, dir+"/p.toml", strings.Replace(src, `files = ["ours.txt"]`, `files = ["../ours.txt"]`, 1))
	if _, err := LoadPolicy(dir + "/p.toml"); err == nil || !strings.Contains(err.Error(), "beside the policy") {
		t.Fatalf("a list outside the policy's folder: %v", err)
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func countRule(fs []model.Finding, rule string) int {
	n := 0
	for _, f := range fs {
		if f.Rule == rule {
			n++
		}
	}
	return n
}

// Real sentences that must and must not trip each rule, in simplified and traditional
// characters and with every evasion.
func TestRules(t *testing.T) {
	c := NewChecker(DefaultPolicy(), nil)
	cases := []struct {
		text string
		kind model.GroupKind
		want string // a rule that must be found; "" for none at all
		not  string // a rule that must not be found
	}{
		// ads, and each evasion
		{"有需要的加微信详聊", model.KindWork, "ads", ""},
		{"有需要的加 微 信详聊", model.KindWork, "ads", ""},
		{"有需要的加-微-信详聊", model.KindWork, "ads", ""},
		{"有需要的加\u200b微\u200b信详聊", model.KindWork, "ads", ""},
		{"有需要的加.微.信详聊", model.KindWork, "ads", ""},
		{"有需要的加🌸微🌸信详聊", model.KindWork, "ads", ""},
		{"优惠多多，加ＶＸ：abc123", model.KindWork, "ads", ""},
		{"优惠多多，加Vx：abc123", model.KindWork, "ads", ""},
		{"日本代購，正品保證", model.KindWork, "ads", ""},
		{"请大家帮忙投票，谢谢", model.KindStreet, "ads", ""},
		{"今天加油微信群里回复", model.KindWork, "", "ads"},
		{"代理购买办公用品请走流程", model.KindWork, "", "ads"},
		// stricter in a party-member group
		{"请大家帮忙投票，谢谢", model.KindParty, "party-canvass", ""},
		{"请大家帮忙投票，谢谢", model.KindWork, "", "party-canvass"},
		// rumours
		{"紧急扩散！明天全市停水", model.KindCity, "rumour", ""},
		{"緊急擴散！明天全市停水", model.KindCity, "rumour", ""},
		{"據內部消息，下月調薪", model.KindWork, "rumour", ""},
		{"请大家不信谣不传谣", model.KindCity, "", "rumour"},
		// abuse, and the allow-list
		{"你就是个傻 逼", model.KindWork, "abuse", ""},
		{"你就是个垃圾", model.KindWork, "abuse", ""},
		{"请各户做好垃圾分类，按时投放生活垃圾", model.KindStreet, "", "abuse"},
		// red packets
		{"发红包啦，手气最佳的请客", model.KindWork, "red-packet", ""},
		{"提醒：不要点击陌生红包链接", model.KindStreet, "", "red-packet"},
		// secrets
		{"附件为内部资料，不得外传", model.KindWork, "secret", ""},
		{"此件為絕密文件", model.KindWork, "secret", ""},
		{"请秘书处于周五前报送材料", model.KindWork, "", "secret"},
		// major matters
		{"关于干部任免的重大事项，请审签", model.KindParty, "major-matter", ""},
		{"關於幹部任免的重大事項", model.KindParty, "major-matter", ""},
		{"明天下午开周例会", model.KindParty, "", "major-matter"},
		// prohibited
		{"网上有人组织网络赌博", model.KindWork, "obscene", ""},
		// personal data
		{"张三身份证号11010519491231002X", model.KindWork, "resident-id", ""},
		{"张三身份证号110105194912310021", model.KindWork, "", "resident-id"},
		{"联系电话138 1234 5678", model.KindWork, "mobile", ""},
		{"联系电话+86 13812345678", model.KindWork, "mobile", ""},
		{"工资卡6222021234567890128请核对", model.KindWork, "bank-card", ""},
		{"工资卡6222021234567890129请核对", model.KindWork, "", "bank-card"},
		{"会议室在三楼，下午三点开始", model.KindWork, "", ""},
	}
	for _, tc := range cases {
		fs := c.CheckText(tc.text, FieldBody, tc.kind, nil)
		if tc.want != "" && countRule(fs, tc.want) == 0 {
			t.Errorf("%q (%s): rule %s not found in %+v", tc.text, tc.kind, tc.want, fs)
		}
		if tc.not != "" && countRule(fs, tc.not) > 0 {
			t.Errorf("%q (%s): rule %s found", tc.text, tc.kind, tc.not)
		}
		if tc.want == "" && tc.not == "" && len(fs) > 0 {
			t.Errorf("%q: findings in a clean sentence: %+v", tc.text, fs)
		}
		for _, f := range fs {
			if f.Start < 0 || f.End > len(tc.text) || f.Start > f.End || !utf8.ValidString(tc.text[f.Start:f.End]) {
				t.Errorf("%q: span %d-%d is not on rune boundaries", tc.text, f.Start, f.End)
			}
		}
	}
	// Spans point at the original text, separators included.
	text := "有需要的加 微 信详聊"
	fs := c.CheckText(text, FieldBody, model.KindWork, nil)
	if len(fs) == 0 || text[fs[0].Start:fs[0].End] != "加 微 信" {
		t.Fatalf("span of the evasion: %+v", fs)
	}
	// A party group makes ads a block.
	fs = c.CheckText("有需要的加微信详聊", FieldBody, model.KindParty, nil)
	if len(fs) == 0 || fs[0].Severity != Block {
		t.Fatalf("ads in a party group: %+v", fs)
	}
}

func TestTitleLength(t *testing.T) {
	c := NewChecker(DefaultPolicy(), nil)
	post := func(title string) *model.Post {
		return &model.Post{Title: title, Body: "请各支部按时参加。\n——办公室 2026年6月3日"}
	}
	cjk20 := strings.Repeat("通", 20)
	if countRule(c.CheckPost(post(cjk20), model.KindWork), "title-length") != 0 {
		t.Error("a title of 20 characters was too long")
	}
	if countRule(c.CheckPost(post(cjk20+"知"), model.KindWork), "title-length") != 1 {
		t.Error("a title of 21 characters passed")
	}
	family := "👨\u200d👩\u200d👧" // one character of five code points
	if countRule(c.CheckPost(post(strings.Repeat("通", 19)+family), model.KindWork), "title-length") != 0 {
		t.Error("an emoji was counted by its code points or bytes")
	}
	if countRule(c.CheckPost(post(strings.Repeat("通", 20)+family), model.KindWork), "title-length") != 1 {
		t.Error("21 characters with an emoji passed")
	}
}

func TestFormatChecks(t *testing.T) {
	c := NewChecker(DefaultPolicy(), nil)
	signed := &model.Post{Title: "会议通知", Body: "定于本周五下午三点在三楼会议室召开全体人员会议，请各科室负责人准时参加，不得缺席，如有特殊情况请提前请假。\n——办公室 2026年6月3日"}
	if fs := c.CheckPost(signed, model.KindStreet); len(fs) != 0 {
		t.Fatalf("a signed notice: %+v", fs)
	}
	unsigned := &model.Post{Title: "会议通知", Body: "定于本周五下午三点在三楼会议室召开全体人员会议，请各科室负责人准时参加，不得缺席，如有特殊情况请提前请假。"}
	if countRule(c.CheckPost(unsigned, model.KindStreet), "signature") != 1 {
		t.Fatal("an unsigned notice passed")
	}
	short := &model.Post{Body: "收到"}
	if countRule(c.CheckPost(short, model.KindStreet), "signature") != 0 {
		t.Fatal("a chat line was asked for a signature")
	}
	named := &model.Post{Body: "请查收附件《议程》。\n——办公室 6月3日", Attachments: []string{"议程.docx"}}
	if countRule(c.CheckPost(named, model.KindWork), "attachment") != 0 {
		t.Fatal("a named attachment was flagged")
	}
	unnamed := &model.Post{Body: "请查收。\n——办公室 6月3日", Attachments: []string{"议程.docx"}}
	if countRule(c.CheckPost(unnamed, model.KindWork), "attachment") != 1 {
		t.Fatal("an attachment not named in the text passed")
	}
}

func TestMajorAndTriage(t *testing.T) {
	c := NewChecker(DefaultPolicy(), nil)
	cases := []struct {
		post model.Post
		want string
	}{
		{model.Post{Title: "周例会", Body: "明天下午开周例会。\n——办公室 6月3日"}, SuggestApprove},
		{model.Post{Title: "人事", Body: "关于干部任免的重大事项。\n——组织科 6月3日"}, SuggestEscalate},
		{model.Post{Title: "通知", Body: "下周一开会。\n——办公室 6月3日", Major: true}, SuggestEscalate},
		{model.Post{Title: "优惠", Body: "加微信领优惠券"}, SuggestLook},
		{model.Post{Title: "报名", Body: "身份证11010519491231002X，请核对"}, SuggestReject},
	}
	for _, tc := range cases {
		p := tc.post
		p.Findings = c.CheckPost(&p, model.KindWork)
		s := Triage(&p)
		if s.Action != tc.want {
			t.Errorf("%q: triage %s, want %s (%+v)", p.Body, s.Action, tc.want, p.Findings)
		}
		if tc.want == SuggestEscalate && !p.NeedsSignOff() {
			t.Errorf("%q: a major matter does not need sign-off", p.Body)
		}
		if tc.want != SuggestApprove && len(s.Reasons) == 0 && !p.Major {
			t.Errorf("%q: no reasons", p.Body)
		}
		for _, f := range s.Reasons {
			if ex := c.Policy.Explain(f, "zh"); !strings.Contains(ex, f.Clause) {
				t.Errorf("explanation %q does not cite %s", ex, f.Clause)
			}
			if ex := c.Policy.Explain(f, "en"); !strings.Contains(ex, f.Clause) || strings.ContainsAny(ex, "（）") {
				t.Errorf("English explanation %q", ex)
			}
		}
	}
}

func TestFlow(t *testing.T) {
	c := NewChecker(DefaultPolicy(), nil)
	f := c.NewFlow()
	t0 := time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)
	post := func(author string, min int, title, body string) []model.Finding {
		return f.Check(&model.Post{Group: "g1", Author: author, Time: t0.Add(time.Duration(min) * time.Minute), Title: title, Body: body}, model.KindWork)
	}
	bodies := []string{"第一条", "第二件事", "第三个问题", "第四项安排", "第五点说明", "第六次提醒"}
	for i, b := range bodies {
		fs := post("wx_a", i/2, "", b+"请大家注意")
		if got := countRule(fs, "flood"); (i == 5) != (got == 1) {
			t.Fatalf("post %d of wx_a in %d minutes: flood %d", i+1, i/2, got)
		}
	}
	// Another member posting at the same time is not flooding.
	if countRule(post("wx_b", 2, "", "收到"), "flood") != 0 {
		t.Fatal("another member's post counted as flooding")
	}
	notice := "各社区于本周五前报送网格走访记录，逾期未报的将通报。"
	if countRule(post("wx_c", 0, "关于报送走访记录的通知", notice), "repeat") != 0 {
		t.Fatal("a first post is a repeat")
	}
	fs := post("wx_c", 30, "关于报送走访记录的通知", strings.Replace(notice, "本周五", "本周六", 1))
	if countRule(fs, "repeat") != 1 || fs[0].Severity != Warn {
		t.Fatalf("nearly the same text 30 minutes later: %+v", fs)
	}
	fs = post("wx_c", 2*24*60, "关于报送走访记录的通知", notice)
	if countRule(fs, "repeat") != 1 || fs[0].Severity != Info {
		t.Fatalf("a notice repeated two days later: %+v", fs)
	}
	if countRule(post("wx_c", 2*24*60+10, "周报", "本周完成了三项工作，下周计划开展两次入户走访。"), "repeat") != 0 {
		t.Fatal("a different text is a repeat")
	}
}

func TestLadder(t *testing.T) {
	p := DefaultPolicy()
	now := time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)
	v := func(daysAgo int, st model.ViolationStatus) model.Violation {
		return model.Violation{Time: now.AddDate(0, 0, -daysAgo), Status: st}
	}
	cases := []struct {
		name     string
		kind     model.GroupKind
		party    bool
		history  []model.Violation
		severity string
		want     string
		report   bool
	}{
		{"first time", model.KindWork, false, nil, Warn, "reminder", false},
		{"once before", model.KindWork, false, []model.Violation{v(3, model.ViolationSanctioned)}, Warn, "warning", false},
		{"twice before", model.KindWork, false, []model.Violation{v(3, model.ViolationSanctioned), v(10, model.ViolationClosed)}, Warn, "mute", false},
		{"often", model.KindStreet, false, []model.Violation{v(1, model.ViolationSanctioned), v(2, model.ViolationSanctioned), v(5, model.ViolationSanctioned), v(9, model.ViolationVerified)}, Warn, "removal", false},
		{"long ago counts less", model.KindWork, false, []model.Violation{v(200, model.ViolationSanctioned), v(250, model.ViolationSanctioned)}, Warn, "reminder", false},
		{"out of the window", model.KindWork, false, []model.Violation{v(400, model.ViolationSanctioned)}, Warn, "reminder", false},
		{"dismissed and open do not count", model.KindWork, false, []model.Violation{v(3, model.ViolationDismissed), v(3, model.ViolationOpen)}, Warn, "reminder", false},
		{"block climbs as any other", model.KindWork, false, nil, Block, "reminder", false},
		{"party member, party group", model.KindParty, true, []model.Violation{v(3, model.ViolationSanctioned)}, Warn, "warning", false},
		{"party member, first time", model.KindParty, true, nil, Warn, "criticism", false},
		{"party member, block", model.KindParty, true, nil, Block, "criticism", false},
		{"not a party member, party group", model.KindParty, false, nil, Warn, "reminder", false},
		{"party member, work group", model.KindWork, true, nil, Warn, "reminder", false},
	}
	for _, tc := range cases {
		pr := p.NextStep(tc.kind, tc.party, tc.history, tc.severity, now)
		if pr.Step.ID != tc.want || pr.Report != tc.report {
			t.Errorf("%s: step %s (report %v, weight %.2f), want %s (report %v)", tc.name, pr.Step.ID, pr.Report, pr.Weight, tc.want, tc.report)
		}
	}
	if pr := p.NextStep(model.KindParty, true, nil, Warn, now); !pr.Party || pr.Step.Name("zh") != "批评教育" {
		t.Errorf("the party ladder: %+v", pr)
	}
	// A rule whose ladder is "top" (unlawful content) goes straight to the last step and is
	// reported upward; a block rule that is not (a resident ID number) climbs.
	for _, tc := range []struct {
		rule  string
		party bool
		kind  model.GroupKind
		want  string
		up    bool
	}{
		{"political", false, model.KindWork, "removal", true},
		{"obscene", true, model.KindParty, "referral", true},
		{"resident-id", false, model.KindWork, "reminder", false},
		{"party-canvass", true, model.KindParty, "criticism", false},
	} {
		if pr := p.Propose(tc.kind, model.Member{PartyMember: tc.party}, nil, tc.rule, now); pr.Step.ID != tc.want || pr.Report != tc.up {
			t.Errorf("%s: step %s (report %v), want %s (report %v)", tc.rule, pr.Step.ID, pr.Report, tc.want, tc.up)
		}
	}
}

// The ladder moves on: after a step is applied — to the member (its last step), or to a
// violation of their record (its sanction) — the next proposal is above it, whatever the
// weight of the record says.
func TestLadderMovesOn(t *testing.T) {
	p := DefaultPolicy()
	now := time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC)
	m := model.Member{ID: "m1", Group: "g1"}
	if pr := p.Propose(model.KindWork, m, nil, "", now); pr.Step.ID != "reminder" {
		t.Fatalf("first: %s", pr.Step.ID)
	}
	for _, step := range []string{"reminder", "提醒"} { // as the command line and the screen record it
		m.Step = step
		if pr := p.Propose(model.KindWork, m, nil, "", now); pr.Step.ID != "warning" {
			t.Fatalf("after %q: %s", step, pr.Step.ID)
		}
	}
	m.Step = "警告"
	if pr := p.Propose(model.KindWork, m, nil, "ads", now); pr.Step.ID != "mute" {
		t.Fatalf("after a warning: %s", pr.Step.ID)
	}
	m.Step = "removal"
	if pr := p.Propose(model.KindWork, m, nil, "", now); pr.Step.ID != "removal" {
		t.Fatalf("at the top: %s", pr.Step.ID)
	}
	// From the record alone (NextStep, as the screen's roster asks): a violation sanctioned
	// with a warning a year ago weighs little, but the next step is above a warning.
	old := []model.Violation{{Time: now.AddDate(0, 0, -300), Status: model.ViolationSanctioned, Sanction: "警告"}}
	if pr := p.NextStep(model.KindWork, false, old, Warn, now); pr.Step.ID != "mute" {
		t.Fatalf("after a sanctioned warning: %s (weight %.2f)", pr.Step.ID, pr.Weight)
	}
	old[0].Appeal = model.AppealOverturned
	if pr := p.NextStep(model.KindWork, false, old, Warn, now); pr.Step.ID != "reminder" {
		t.Fatalf("after a warning overturned: %s", pr.Step.ID)
	}
}

// Over realistic generated posts: every finding's span lies in its text on rune boundaries,
// and the text there, once normalised, holds a term of its rule.
func TestFindingsOnGeneratedPosts(t *testing.T) {
	c := NewChecker(DefaultPolicy(), nil)
	var buf bytes.Buffer
	if err := gen.Write(&buf, gen.Options{Posts: 3000, Members: 400, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var p model.Post
		var typ struct{ Type string }
		json.Unmarshal(sc.Bytes(), &typ)
		if typ.Type != "post" {
			continue
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		for _, f := range c.CheckPost(&p, model.KindWork) {
			seen[f.Rule]++
			text := map[string]string{FieldTitle: p.Title, FieldBody: p.Body}[f.Field]
			if f.Start < 0 || f.End > len(text) || f.Start > f.End ||
				(f.Start < len(text) && !utf8.RuneStart(text[f.Start])) || (f.End < len(text) && !utf8.RuneStart(text[f.End])) {
				t.Fatalf("post %s: span %d-%d of %s outside or inside a rune", p.ID, f.Start, f.End, f.Field)
			}
			r := c.Policy.Rule(f.Rule)
			if len(r.Terms) == 0 {
				continue
			}
			got := Normalize(text[f.Start:f.End])
			ok := false
			for _, term := range r.Terms {
				ok = ok || Normalize(term) == got
			}
			if !ok {
				t.Fatalf("post %s: %q at %d-%d is no term of %s", p.ID, text[f.Start:f.End], f.Start, f.End, f.Rule)
			}
		}
	}
	for _, rule := range []string{"ads", "rumour", "abuse", "secret", "major-matter", "major-flag", "resident-id", "mobile", "bank-card", "title-length", "signature"} {
		if seen[rule] == 0 {
			t.Errorf("no %s finding in 3,000 generated posts", rule)
		}
	}
}

func FuzzCheckPost(f *testing.F) {
	f.Add("加 微 信", "身份证11010519491231002X 手机138-1234-5678")
	f.Add("", "\xff\xfe紧急\u200b扩散")
	c := NewChecker(DefaultPolicy(), nil)
	f.Fuzz(func(t *testing.T, title, body string) {
		p := &model.Post{Title: title, Body: body, Attachments: []string{body}}
		for _, fi := range c.CheckPost(p, model.KindParty) {
			text := map[string]string{FieldTitle: title, FieldBody: body}[fi.Field]
			if fi.Start < 0 || fi.Start > fi.End || fi.End > len(text) {
				t.Fatalf("span %d-%d out of %d bytes of %s", fi.Start, fi.End, len(text), fi.Field)
			}
		}
	})
}

func TestSignatureDates(t *testing.T) {
	yes := []string{"——办公室 2026年6月3日", "党政办\n2026年6月3日", "发布人：王芳", "社区网格一组 6月3日", "二〇二六年六月三日",
		"办公室 2026-06-03", "办公室 2026/6/3", "2026.6.3 办公室", "宣传部 ２０２６年６月３日", "—— 财务科"}
	no := []string{"请大家注意安全", "会议定于三楼召开", "电话 138-1234-5678", "共 2026 人参加", "12/25 截止", "版本 1.2.3"}
	for _, s := range yes {
		if !HasSignature("定于周五召开会议，请准时参加。\n" + s) {
			t.Errorf("%q is a signature", s)
		}
	}
	for _, s := range no {
		if HasSignature("定于周五召开会议，请准时参加。\n" + s) {
			t.Errorf("%q is no signature", s)
		}
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add(DefaultPolicyText())
	f.Add("version = 1\n[[rule]]\nid = \"x\"\n")
	f.Add("[[rule]]\n[[rule]]\nseverity = 3\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := ParsePolicy(src, "p.toml", "")
		if err != nil {
			var pe PolicyErrors
			if errors.As(err, &pe) {
				for _, e := range pe {
					if e.Line < 0 || e.Line > strings.Count(src, "\n")+1 {
						t.Fatalf("fault at line %d of a %d-line policy", e.Line, strings.Count(src, "\n")+1)
					}
				}
			}
			return
		}
		// A policy that passes builds a checker that runs.
		NewChecker(p, nil).CheckPost(&model.Post{Title: "加微信", Body: "紧急扩散 13812345678"}, model.KindParty)
	})
}

func FuzzParseTerms(f *testing.F) {
	f.Add("\ufeff# 词表\n加微信\n\n代购 # 注释\n")
	f.Add("\xff\n")
	f.Fuzz(func(t *testing.T, src string) {
		terms, err := ParseTerms(src, "t.txt")
		if err != nil {
			return
		}
		for _, term := range terms {
			if term == "" || strings.ContainsAny(term, "#\n") || !utf8.ValidString(term) {
				t.Fatalf("bad term %q", term)
			}
		}
		NewMatcher(terms).FindAll(src, nil)
	})
}
