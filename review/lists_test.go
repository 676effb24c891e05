package review

import (
	"bufio"
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"qunshen/internal/gen"
	"qunshen/internal/i18n"
	"qunshen/model"
)

// The lists of the default policy added for the items of IW 第十一条 and ST 五(一) that had
// none, and for idle chat.
var regulationLists = []string{"national-honour", "heroes", "ethnic", "cult", "superstition", "defamation",
	"regional", "unlawful", "idle-chat"}

// Every item of IW 第十一条 and of ST 五(一) has a list of the default policy that cites it, in
// its clause or in its explanation.
func TestListsCoverTheRegulations(t *testing.T) {
	p := DefaultPolicy()
	items := map[string][]string{
		"IW 第十一条(一)":  {"political"},
		"IW 第十一条(二)":  {"political"},
		"IW 第十一条(三)":  {"national-honour"},
		"IW 第十一条(四)":  {"heroes"},
		"IW 第十一条(五)":  {"political"},
		"IW 第十一条(六)":  {"ethnic"},
		"IW 第十一条(七)":  {"cult", "superstition"},
		"IW 第十一条(八)":  {"rumour"},
		"IW 第十一条(九)":  {"obscene"},
		"IW 第十一条(十)":  {"defamation"},
		"IW 第十一条(十一)": {"secret"},
		"IW 第十一条(十二)": {"unlawful"},
		"ST 五(一)1":    {"national-honour", "unlawful"},
		"ST 五(一)2":    {"resident-id", "bank-card"},
		"ST 五(一)3":    {"rumour"},
		"ST 五(一)4":    {"ads"},
		"ST 五(一)5":    {"obscene"},
		"ST 五(一)6":    {"idle-chat", "red-packet"},
		"IW 第五条":      {"idle-chat"},
		"GO 三(一)3":    {"idle-chat"},
		"GO 三(一)2":    {"regional"},
		"GO 四(一)3":    {"red-packet"},
		"CW 三(二)4":    {"abuse", "regional", "defamation"},
	}
	cites := func(r *Rule, item string) bool {
		if r.Clause == item || strings.Contains(r.Explain.ZH, item) {
			return true
		}
		// A range of items: "IW 第十一条(一)-(七)".
		head, rng, ok := strings.Cut(r.Clause, "(")
		if !ok || !strings.HasPrefix(item, head+"(") || !strings.Contains(rng, ")-(") {
			return false
		}
		nums := []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"}
		from, to, _ := strings.Cut(strings.Trim(rng, "()"), ")-(")
		n := strings.TrimSuffix(strings.TrimPrefix(item, head+"("), ")")
		i, a, b := slices.Index(nums, n), slices.Index(nums, from), slices.Index(nums, to)
		return i >= 0 && a >= 0 && b >= 0 && a <= i && i <= b
	}
	for item, ids := range items {
		for _, id := range ids {
			r := p.Rule(id)
			if r == nil {
				t.Errorf("%s: the default policy has no rule %s", item, id)
				continue
			}
			if !cites(r, item) {
				t.Errorf("%s: rule %s (clause %s) does not cite it", item, id, r.Clause)
			}
			if len(r.Terms)+len(r.Subjects)+len(r.Types) == 0 && r.Detector == "" {
				t.Errorf("%s: rule %s has no list", item, id)
			}
		}
	}
	for _, id := range regulationLists {
		r := p.Rule(id)
		if r == nil {
			t.Fatalf("no rule %s", id)
		}
		if len(r.Allow) == 0 {
			t.Errorf("rule %s has no allow-list", id)
		}
		if r.Name.EN == "" || r.Explain.EN == "" || !strings.Contains(r.Explain.ZH, r.Clause) || !strings.Contains(r.Explain.EN, r.Clause) {
			t.Errorf("rule %s: its explanation in both languages cites %s", id, r.Clause)
		}
	}
}

// Plain sentences that must and must not trip each new list, in simplified and traditional
// characters, and through the usual evasions.
func TestRegulationLists(t *testing.T) {
	c := NewChecker(DefaultPolicy(), nil)
	cases := []struct {
		text string
		want string // a rule that must be found; "" for none of the new lists
		not  string // a rule that must not be found
	}{
		// IW 第十一条(三): national honour
		{"这种人就是支那人的德性", "national-honour", ""},
		{"有人在广场上踩国旗拍视频", "national-honour", ""},
		{"有人在廣場上踩國旗拍視頻", "national-honour", ""},
		{"恶 搞 国 歌的视频别转了", "national-honour", ""},
		{"惡\u200b搞\u200b國\u200b歌", "national-honour", ""},
		{"二战时法国占领印度支那", "", "national-honour"},
		{"给我一支那么长的笔", "", "national-honour"},
		{"坚决抵制辱华品牌", "", "national-honour"},
		{"堅決抵制辱華品牌", "", "national-honour"},
		{"百年前洗刷东亚病夫的耻辱", "", "national-honour"},
		// IW 第十一条(四): heroes and martyrs
		{"邱少云烤肉这个梗太好笑了", "heroes", ""},
		{"狼牙山五壮士的事迹都是编造的", "heroes", ""},
		{"狼牙山五壯士的事跡都是編造的", "heroes", ""},
		{"那些英雄都是骗人的", "heroes", ""},
		{"黄-继-光 是 假 的", "heroes", ""},
		{"董存瑞死得好", "heroes", ""},
		{"网上有人诋毁英烈", "heroes", ""},
		{"周末一起打英雄联盟，输了的是傻子", "", "heroes"},
		{"週末一起打英雄聯盟，輸了的是傻子", "", "heroes"},
		{"清明节组织缅怀英雄烈士，学习英雄事迹", "", "heroes"},
		{"严禁侮辱英烈，依照英雄烈士保护法处理", "", "heroes"},
		{"学习雷锋同志为人民服务的精神", "", "heroes"},
		// IW 第十一条(六): ethnic hatred
		{"回族都是恐怖分子", "ethnic", ""},
		{"維吾爾族都該死", "ethnic", ""},
		{"他们是劣等民族", "ethnic", ""},
		{"劣 等 民 族", "ethnic", ""},
		{"加强民族团结，帮扶少数民族群众", "", "ethnic"},
		{"加強民族團結，不配合的要說明", "", "ethnic"},
		{"严禁煽动民族仇恨", "", "ethnic"},
		{"嚴禁煽動民族仇恨", "", "ethnic"},
		{"穆斯林餐厅在三楼", "", "ethnic"},
		// IW 第十一条(七): cults and superstition
		{"法轮大法好", "cult", ""},
		{"法輪大法好", "cult", ""},
		{"退-党-保-平-安", "cult", ""},
		{"东方闪电的人来传教了", "cult", ""},
		{"统一教材请到教务处领取", "", "cult"},
		{"統一教材請到教務處領取", "", "cult"},
		{"社区开展警惕东方闪电宣传", "", "cult"},
		{"搬家前找个风水大师看看", "superstition", ""},
		{"搬家前找個風水大師看看", "superstition", ""},
		{"转发保平安，不转倒霉", "superstition", ""},
		{"转 发 保 平 安", "superstition", ""},
		{"开展反对封建迷信宣传活动", "", "superstition"},
		{"開展反對封建迷信宣傳活動", "", "superstition"},
		{"要求签字确认后上交", "", "superstition"},
		// IW 第十一条(十): defamation of a named person
		{"张局长贪污了好几百万", "defamation", ""},
		{"張局長貪污了好幾百萬", "defamation", ""},
		{"老王在外面养小三", "defamation", ""},
		{"李主任是个骗子", "defamation", ""},
		{"李 主 任 是 個 騙 子", "defamation", ""},
		{"请各位领导审阅，并于周五前反馈", "", "defamation"},
		{"請各位領導審閱，並於週五前反饋", "", "defamation"},
		{"小王骑小三轮去送材料", "", "defamation"},
		// IW 第十一条(十二): other unlawful content
		{"需要的找我代开发票", "unlawful", ""},
		{"高價收購銀行卡", "unlawful", ""},
		{"专业办假证", "unlawful", ""},
		{"代\u200b开\u200b发\u200b票，量大从优", "unlawful", ""},
		{"出-租-银-行-卡，月入过万", "unlawful", ""},
		{"辦證刻章，聯系電話見圖", "unlawful", ""},
		{"开展反洗钱宣传", "", "unlawful"},
		{"開展反洗錢宣傳", "", "unlawful"},
		{"严禁出租银行卡", "", "unlawful"},
		// CW 三(二)4: regional discrimination
		{"河南人都是骗子", "regional", ""},
		{"河南人都是騙子", "regional", ""},
		{"河 南 人 都-是-骗 子", "regional", ""},
		{"河\u200b南\u200b人\u200b都是骗子", "regional", ""},
		{"ＸＸ东北人素质差", "regional", ""},
		{"这帮外地佬", "regional", ""},
		{"没素质的都是河南人", "regional", ""},
		{"河南人民广场停车场不收费", "", "regional"},
		{"河南人口普查数据已经公布", "", "regional"},
		{"河南人口普查數據已經公布", "", "regional"},
		{"坚决反对地域黑", "", "regional"},
		{"外地人员没素质的说法不对", "", "regional"},
		{"河南人，在郑州工作，有事可以找我。请大家注意防范电信诈骗，冒充公检法的都是骗子", "", "regional"},
		// ST 五(一)6, IW 第五条: idle chat (info)
		{"哈哈哈哈哈哈", "idle-chat", ""},
		{"今晚吃什么？有没有人约饭", "idle-chat", ""},
		{"今晚吃什麼？", "idle-chat", ""},
		{"今晚安排值班，請準時到崗", "", "idle-chat"},
		{"大家晚安", "idle-chat", ""},
		{"上班摸 鱼 被发现了", "idle-chat", ""},
		{"工作群请勿闲聊", "", "idle-chat"},
		{"今晚安排值班，请准时到岗", "", "idle-chat"},
		{"防止浑水摸鱼，确保数据真实", "", "idle-chat"},
		// GO 四(一)3: games in words
		{"周末一起打英雄联盟", "red-packet", ""},
		{"週末一起打英雄聯盟", "red-packet", ""},
		{"今晚王 者 荣 耀开黑", "red-packet", ""},
		{"中午吃雞蛋還是吃雞腿", "", "red-packet"},
		{"中午吃鸡蛋还是吃鸡腿", "", "red-packet"},
		{"工作群严禁发红包", "", "red-packet"},
	}
	for _, tc := range cases {
		fs := c.CheckText(tc.text, FieldBody, model.KindWork, nil)
		if tc.want != "" && countRule(fs, tc.want) == 0 {
			t.Errorf("%q: rule %s not found in %+v", tc.text, tc.want, fs)
		}
		if tc.not != "" && countRule(fs, tc.not) > 0 {
			t.Errorf("%q: rule %s found", tc.text, tc.not)
		}
		if tc.want == "" {
			for _, f := range fs {
				if slices.Contains(regulationLists, f.Rule) {
					t.Errorf("%q: %s found (%q)", tc.text, f.Rule, tc.text[f.Start:f.End])
				}
			}
		}
		for _, f := range fs {
			if f.Start < 0 || f.End > len(tc.text) || f.Start > f.End || !utf8.ValidString(tc.text[f.Start:f.End]) {
				t.Errorf("%q: span %d-%d is not on rune boundaries", tc.text, f.Start, f.End)
			}
		}
	}
	// The regulations themselves, posted to brief the members (IW 第八条(四)), trip none of
	// the new lists.
	for _, text := range []string{
		"第十一条群组内不得发布以下内容：（三）损害国家荣誉和利益的；（四）歪曲、丑化、亵渎、否定英雄烈士事迹和精神，以侮辱、诽谤或者其他方式侵害英雄烈士的姓名、肖像、名誉、荣誉的；",
		"（六）煽动民族仇恨、民族歧视，破坏民族团结的；（七）破坏国家宗教政策，宣扬邪教和封建迷信的；（十）侮辱诽谤他人，侵害他人名誉、隐私和其他合法权益；",
		"發言內容應與群聊主題相關，不得隨意閑聊、發送無關信息，影響群聊正常秩序。",
		"禁止進行與工作無關的娛樂活動，如玩遊戲、發紅包等。",
		"與工作無關的個人閑聊、調侃等信息。",
		"第五条互联网工作群组仅限于工作联系、沟通事项、业务学习、经验交流等工作用途。",
	} {
		for _, f := range c.CheckText(text, FieldBody, model.KindWork, nil) {
			if slices.Contains(regulationLists, f.Rule) || f.Rule == "red-packet" {
				t.Errorf("the regulations' own words trip %s: %q", f.Rule, text[f.Start:f.End])
			}
		}
	}
	// A pair is found with its span from one half to the other, in the original text.
	text := "据说河 南 人都是骗子，大家小心"
	fs := c.CheckText(text, FieldBody, model.KindWork, nil)
	if countRule(fs, "regional") != 1 || text[fs[0].Start:fs[0].End] != "河 南 人都是骗子" {
		t.Fatalf("span of a pair: %+v", fs)
	}
	// The severities and ladders of the new lists: unlawful content blocks and goes to the top.
	for id, want := range map[string]string{"national-honour": Block, "heroes": Block, "ethnic": Block, "cult": Block,
		"unlawful": Block, "superstition": Warn, "defamation": Warn, "regional": Warn, "idle-chat": Info} {
		r := c.Policy.Rule(id)
		if r.Severity != want || (want == Block) != (r.Ladder == LadderTop) {
			t.Errorf("rule %s: severity %s ladder %q", id, r.Severity, r.Ladder)
		}
	}
}

// A rule's allow-list spares only that rule; the policy's spares every rule.
func TestRuleAllowList(t *testing.T) {
	c := NewChecker(DefaultPolicy(), nil)
	fs := c.CheckText("周末打英雄联盟，谁输谁是傻子", FieldBody, model.KindWork, nil)
	if countRule(fs, "heroes") != 0 || countRule(fs, "red-packet") != 1 {
		t.Fatalf("英雄联盟 is allowed for heroes, and still a game: %+v", fs)
	}
	src := DefaultPolicyText() + `
[[rule]]
id = "local"
category = "abuse"
clause = "CW 三(二)4"
severity = "warn"
name = { zh = "本单位词表", en = "Local list" }
explain = { zh = "命中本单位词表。", en = "In the local list." }
terms = ["英雄联盟"]
`
	p, err := ParsePolicy(src, "p.toml", "")
	if err != nil {
		t.Fatal(err)
	}
	fs = NewChecker(p, nil).CheckText("周末打英雄联盟", FieldBody, model.KindWork, nil)
	if countRule(fs, "local") != 1 {
		t.Fatalf("another rule's allow-list spared a rule: %+v", fs)
	}
	// The policy's own allow-list spares all.
	p, err = ParsePolicy(strings.Replace(src, `allow = [`, `allow = ["打英雄联盟", `, 1), "p.toml", "")
	if err != nil {
		t.Fatal(err)
	}
	fs = NewChecker(p, nil).CheckText("周末打英雄联盟", FieldBody, model.KindWork, nil)
	if len(fs) != 0 {
		t.Fatalf("the policy's allow-list: %+v", fs)
	}
}

// Subjects trip a rule only near one of its near terms, in either order, the letters between
// them counted and the separators not.
func TestPairs(t *testing.T) {
	src := `version = 1
[thresholds]
title_max = 20
flood_posts = 5
flood_minutes = 5
repeat_minutes = 60
repeat_similarity = 0.85
inactive_days = 90
[[rule]]
id = "pair"
category = "abuse"
clause = "CW 三(二)4"
severity = "warn"
name = { zh = "对", en = "pair" }
explain = { zh = "对。", en = "Pair." }
subjects = ["甲乙"]
near = ["丙丁"]
within = 3
allow = ["甲乙戊"]
[ladder]
window_days = 365
half_life_days = 90
general = [{ id = "reminder", zh = "提醒", en = "reminder" }]
party = [{ id = "criticism", zh = "批评教育", en = "criticism" }]
`
	p, err := ParsePolicy(src, "p.toml", "")
	if err != nil {
		t.Fatal(err)
	}
	c := NewChecker(p, nil)
	for text, want := range map[string]int{
		"甲乙丙丁":              1,
		"甲乙一二三丙丁":           1,
		"甲乙一二三四丙丁":          0,
		"丙丁一二三甲乙":           1,
		"甲乙 , 一 . 二 - 三 丙丁": 1,
		"甲乙":                0,
		"丙丁":                0,
		"甲乙戊丙丁":             0, // the subject is allowed
		"甲乙" + strings.Repeat(" ", 30) + "丙丁": 0, // a page of separators parts them
		"甲乙丙丁甲乙":                              2,
	} {
		if got := countRule(c.CheckText(text, FieldBody, model.KindWork, nil), "pair"); got != want {
			t.Errorf("%q: %d findings, want %d", text, got, want)
		}
	}
	// A text full of halves costs a bounded look around each.
	hostile := strings.Repeat("甲乙", 20000) + strings.Repeat("丙丁", 20000)
	if n := countRule(c.CheckText(hostile, FieldBody, model.KindWork, nil), "pair"); n == 0 || n > 20000 {
		t.Fatalf("hostile text: %d findings", n)
	}
	if p.Rule("pair").Within != 3 {
		t.Fatal("within was not kept")
	}
	p, err = ParsePolicy(strings.Replace(src, "within = 3\n", "", 1), "p.toml", "")
	if err != nil || p.Rule("pair").Within != DefaultWithin {
		t.Fatalf("the default distance: %v", err)
	}
}

// A red packet, a game or the dice sent as a message trip the red-packet list by their type,
// whatever the text, and are no attachment to name in the text.
func TestMessageTypes(t *testing.T) {
	c := NewChecker(DefaultPolicy(), nil)
	for _, typ := range []string{"redpacket", "game", "dice", "RedPacket"} {
		p := &model.Post{Body: "恭喜发财，大吉大利", Attachments: []string{typ}}
		fs := c.CheckPost(p, model.KindWork)
		if countRule(fs, "red-packet") != 1 || countRule(fs, "attachment") != 0 {
			t.Errorf("a %s message: %+v", typ, fs)
		}
		for _, f := range fs {
			if f.Rule == "red-packet" && (f.Field != FieldAttachments || f.Severity != Info) {
				t.Errorf("a %s message: %+v", typ, f)
			}
		}
		// Stricter in a party-member group, as the words are.
		if fs := c.CheckPost(p, model.KindParty); countRule(fs, "red-packet") != 1 || fs[0].Severity != Warn {
			t.Errorf("a %s message in a party group: %+v", typ, fs)
		}
	}
	p := &model.Post{Body: "请查收。\n——办公室 6月3日", Attachments: []string{"redpacket.docx"}}
	if fs := c.CheckPost(p, model.KindWork); countRule(fs, "red-packet") != 0 || countRule(fs, "attachment") != 1 {
		t.Errorf("a file is not a message type: %+v", fs)
	}
	// An organisation's own types.
	src := strings.Replace(DefaultPolicyText(), `types = ["redpacket", "game", "dice"]`, `types = ["transfer"]`, 1)
	pol, err := ParsePolicy(src, "p.toml", "")
	if err != nil {
		t.Fatal(err)
	}
	c = NewChecker(pol, nil)
	if fs := c.CheckPost(&model.Post{Attachments: []string{"transfer"}}, model.KindWork); countRule(fs, "red-packet") != 1 {
		t.Errorf("a transfer with the organisation's types: %+v", fs)
	}
	if fs := c.CheckPost(&model.Post{Attachments: []string{"redpacket"}}, model.KindWork); countRule(fs, "red-packet") != 0 {
		t.Errorf("a red packet without its type in the policy: %+v", fs)
	}
}

func TestListPolicyFaults(t *testing.T) {
	base := DefaultPolicyText()
	cases := []struct{ name, from, to, want string }{
		{"subjects alone", `near = ["是假的",`, `# near = ["是假的",`, `subjects and near go together`},
		{"near alone", `subjects = ["英雄",`, `subjectz = ["英雄",`, `subjects and near go together`},
		{"within too far", `within = 6`, `within = 500`, `within must be between 1 and 50`},
		{"within negative", `within = 6`, `within = -1`, `within must be between 1 and 50`},
		{"empty allowed phrase", `allow = ["英雄联盟",`, `allow = ["……", "英雄联盟",`, `would match nothing`},
		{"empty near term", `near = ["是假的",`, `near = ["!!", "是假的",`, `would match nothing`},
		{"type with spaces", `types = ["redpacket",`, `types = [" redpacket",`, `message type`},
		{"detector and types", `detector = "muted"`, `detector = "muted"` + "\ntypes = [\"dice\"]", `both a detector and terms`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(base, c.from, c.to, 1)
			if src == base {
				t.Fatal("the test did not change the policy")
			}
			_, err := ParsePolicy(src, "p.toml", "")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if !strings.Contains(err.Error(), "p.toml:") {
				t.Fatalf("error %v names no line", err)
			}
			// In the user's language, each fault on its line, with its file and line.
			zh, en := i18n.Explain(i18n.ZH, err), i18n.Explain(i18n.EN, err)
			if en != err.Error() || !strings.Contains(zh, "p.toml:") || !strings.Contains(zh, "规则") || strings.Contains(zh, "rule ") {
				t.Fatalf("explained: %q / %q", zh, en)
			}
		})
	}
	src := strings.Replace(base, `subjects = ["英雄",`, `within = 4`+"\n"+`subjects = ["英雄",`, 1)
	if _, err := ParsePolicy(strings.Replace(src, "within = 6\n", "", 1), "p.toml", ""); err != nil {
		t.Fatalf("within before subjects: %v", err)
	}
	noPair := strings.Replace(strings.Replace(base, `subjects = ["英雄",`, `subjectz = ["英雄",`, 1), `near = ["是假的",`, `nearz = ["是假的",`, 1)
	if _, err := ParsePolicy(noPair, "p.toml", ""); err == nil {
		t.Fatal("unknown keys passed")
	}
}

// Over the project's generated posts, the new lists trip on fewer than 1 % of the ordinary
// ones (those the other checks find nothing in) and of all of them.
func TestListsFalsePositives(t *testing.T) {
	var buf bytes.Buffer
	if err := gen.Write(&buf, gen.Options{Posts: 20000, Members: 1200, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	c := NewChecker(DefaultPolicy(), nil)
	var all, ordinary, hitAll, hitOrdinary int
	hits := map[string]int{}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !bytes.Contains(sc.Bytes(), []byte(`"type":"post"`)) {
			continue
		}
		var p model.Post
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []model.GroupKind{model.KindWork, model.KindParty} {
			fs := c.CheckPost(&p, kind)
			hit, other := false, false
			for _, f := range fs {
				if slices.Contains(regulationLists, f.Rule) {
					hit = true
					hits[f.Rule]++
				} else if f.Field != "" {
					other = other || f.Category != "format"
				}
			}
			all++
			if hit {
				hitAll++
			}
			if !other {
				ordinary++
				if hit {
					hitOrdinary++
				}
			}
		}
	}
	if ordinary < all/2 {
		t.Fatalf("only %d of %d generated posts are ordinary", ordinary, all)
	}
	t.Logf("new lists: %d of %d ordinary posts (%.3f%%), %d of %d posts (%.3f%%); by list %v",
		hitOrdinary, ordinary, 100*float64(hitOrdinary)/float64(ordinary), hitAll, all, 100*float64(hitAll)/float64(all), hits)
	if hitOrdinary*100 >= ordinary || hitAll*100 >= all {
		t.Fatalf("the new lists trip on %d of %d ordinary posts, %d of %d in all: 1 %% or more", hitOrdinary, ordinary, hitAll, all)
	}
}
