package gen

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// compose fills g.title, g.body, g.att, g.major and g.cur.ai for a post of
// category cat in group gi at time t.
func (g *gen) compose(cat uint8, gi int, t int64) {
	r := g.r
	g.title = g.title[:0]
	g.body = g.body[:0]
	g.att = g.att[:0]
	g.major = false
	g.forceTrad = false
	g.cur.gi = gi
	g.cur.t = t
	g.cur.day, _ = localDay(t)
	g.cur.due = workdayAfter(g.cur.day, 1+r.IntN(5))
	n := g.catN[cat] - 1 // cycles through variants so every one shows up

	switch cat {
	case cNormal:
		g.normal()
	case cAd:
		g.author(false, t)
		g.title = append(g.title, pick(r, adTitles)...)
		g.body = g.fill(g.body, adTexts[n%len(adTexts)])
	case cEvasion:
		g.author(false, t)
		g.title = append(g.title, pick(r, adTitles)...)
		s := evasionTexts[n%len(evasionTexts)]
		if strings.HasSuffix(s, "@T") {
			s = s[:len(s)-2]
			g.forceTrad = true
		}
		g.body = g.fill(g.body, s)
	case cRumour:
		g.author(false, t)
		g.title = append(g.title, pick(r, rumourTitles)...)
		g.body = g.fill(g.body, rumourTexts[n%len(rumourTexts)])
	case cInsult:
		g.author(false, t)
		g.title = append(g.title, pick(r, chatTitles)...)
		g.body = g.fill(g.body, insultTexts[n%len(insultTexts)])
	case cIDCard:
		g.author(false, t)
		g.cur.valid = n%2 == 0
		v := idTexts[(n/2)%len(idTexts)]
		g.title = append(g.title, v[0]...)
		g.body = g.fill(g.body, v[1])
	case cMobile:
		g.author(false, t)
		g.cur.mobFmt = n % 4
		v := mobileTexts[(n/4+n)%len(mobileTexts)]
		g.title = append(g.title, v[0]...)
		g.body = g.fill(g.body, v[1])
	case cCard:
		g.author(false, t)
		g.cur.valid = n%2 == 0
		v := cardTexts[(n/2)%len(cardTexts)]
		g.title = append(g.title, v[0]...)
		g.body = g.fill(g.body, v[1])
	case cSecret:
		g.author(true, t)
		g.title = append(g.title, pick(r, secretTitles)...)
		g.body = g.fill(g.body, secretTexts[n%len(secretTexts)])
	case cMajor:
		g.author(true, t)
		v := (n / 2) % len(majorTexts)
		g.major = n%2 == 0
		g.title = append(g.title, majorTitles[v]...)
		g.body = g.fill(g.body, majorTexts[v])
		if r.IntN(2) == 0 {
			g.signature()
		}
	case cLongTitle:
		g.author(true, t)
		lt := longTitles[n%len(longTitles)]
		g.title = g.fill(g.title, lt[0])
		g.body = g.fill(g.body, lt[1])
		if r.IntN(3) == 0 {
			g.addAttachment("{M}月{D}日通知全文.pdf", true)
		}
		g.signature()
	case cNoSig:
		g.author(true, t)
		if n%2 == 0 {
			g.meetingNotice(false, false, r.IntN(3) == 0)
		} else {
			g.arrangement(false, r.IntN(2) == 0)
		}
	case cAttach:
		// An attachment the body never mentions.
		g.author(true, t)
		switch n % 3 {
		case 0:
			g.meetingNotice(true, false, false)
		case 1:
			g.arrangement(true, false)
		default:
			g.weeklyReport(false)
		}
		g.addAttachment(pick(r, plainAttachments), false)
	case cBurst:
		g.author(false, t+300)
		g.burstKind = n % 3
		switch g.burstKind {
		case burstChatter:
			g.body = append(g.body, pick(r, burstLines)...)
		case burstSpam:
			g.body = g.fill(g.body, adTexts[r.IntN(len(adTexts))])
		default:
			g.body = append(g.body, pick(r, burstUrges)...)
		}
	case cRepeat:
		if r.IntN(2) == 0 {
			g.author(false, t+3600)
			g.chat()
		} else {
			g.author(true, t+3600)
			g.arrangement(true, r.IntN(2) == 0)
		}
	case cNoticeRepeat:
		g.author(true, t+5*86400)
		g.meetingNotice(true, true, r.IntN(2) == 0)
	case cHostile:
		g.author(false, t)
		g.title = append(g.title, hostileTitles[n%len(hostileTitles)]...)
		g.body = append(g.body, hostileTexts[n%len(hostileTexts)]...)
	}
}

// author picks the post's author (see pickAuthor).
func (g *gen) author(official bool, until int64) {
	g.cur.ai = g.pickAuthor(g.cur.gi, g.cur.t, max(g.cur.t, until), official)
}

func (g *gen) normal() {
	r := g.r
	t := g.cur.t
	switch x := r.IntN(100); {
	case x < 14:
		g.author(true, t)
		g.meetingNotice(true, false, r.IntN(10) < 3)
	case x < 26:
		g.author(true, t)
		if r.IntN(4) == 0 {
			g.dutyRoster()
		} else {
			g.arrangement(true, r.IntN(2) == 0)
		}
	case x < 33:
		g.author(true, t)
		g.study()
	case x < 41:
		g.author(false, t)
		g.weeklyReport(r.IntN(5) == 0)
	case x < 53:
		g.kindSpecific()
	default:
		g.author(false, t)
		g.chat()
	}
}

func (g *gen) signature() {
	g.body = append(g.body, "\n——"...)
	sp := g.groups[g.cur.gi].spec
	if g.groups[g.cur.gi].kind == kWork && g.r.IntN(2) == 0 {
		g.body = append(g.body, g.members[g.cur.ai].branch...)
	} else {
		g.body = append(g.body, sp.signer...)
	}
	g.body = append(g.body, ' ')
	day := g.cur.day
	if g.r.IntN(10) == 0 {
		day--
	}
	g.body = appendYMD(g.body, day)
}

// addAttachment adds a file name to the post, mentioning it in the body when
// mention is true.
func (g *gen) addAttachment(tmpl string, mention bool) {
	g.tmp = g.fill(g.tmp[:0], tmpl)
	name := string(g.tmp)
	g.att = append(g.att, name)
	if mention {
		if g.r.IntN(2) == 0 {
			g.body = append(g.body, "\n附件："...)
		} else {
			g.body = append(g.body, "\n具体见附件"...)
		}
		g.body = append(g.body, name...)
	}
}

func (g *gen) meetingNotice(sig, important, attach bool) {
	r := g.r
	sp := g.groups[g.cur.gi].spec
	meeting := pick(r, sp.meeting)
	if len(g.title) == 0 {
		g.title = append(g.title, "关于"...)
		g.title = append(g.title, meeting...)
		if important {
			g.title = append(g.title, "的重要通知"...)
		} else {
			g.title = append(g.title, "的通知"...)
		}
	}
	g.body = g.fill(g.body, "{sal}：\n")
	g.body = append(g.body, pick(r, meetingIntros)...)
	g.body = g.fill(g.body, "定于{dwd}{hm}在{place}")
	g.body = append(g.body, meeting...)
	g.body = g.fill(g.body, "，{agenda}。请{att}准时参加，{req}。")
	if important {
		g.body = append(g.body, "此次会议十分重要，请务必参加。"...)
	}
	if attach {
		g.addAttachment(pick(r, []string{"会议议程.docx", "参会回执.xlsx", "{M}月{D}日会议议程.docx"}), true)
	}
	if sig {
		g.signature()
	}
}

func (g *gen) arrangement(sig, attach bool) {
	r := g.r
	k := g.groups[g.cur.gi].kind
	mat := pick(r, materials[k])
	if len(g.title) == 0 {
		g.title = append(g.title, "关于报送"...)
		g.title = append(g.title, mat...)
		g.title = append(g.title, "的通知"...)
	}
	g.body = g.fill(g.body, "{sal}：\n根据工作安排，请于{dwd}")
	g.body = append(g.body, pick(r, deadlines)...)
	g.body = append(g.body, "前将"...)
	g.body = append(g.body, mat...)
	g.body = g.fill(g.body, "报送至{signer}，")
	g.body = append(g.body, pick(r, submitFormats)...)
	g.body = append(g.body, "。"...)
	g.body = append(g.body, pick(r, submitWarns)...)
	g.body = g.fill(g.body, "\n联系人：{name}，办公电话：{landline}")
	if attach {
		g.addAttachment(mat+pick(r, []string{"模板.xlsx", "（样表）.docx", "填报说明.pdf"}), true)
	}
	if sig {
		g.signature()
	}
}

func (g *gen) dutyRoster() {
	r := g.r
	day := g.cur.day
	_, m, d := civil(day)
	if d > 20 {
		m = m%12 + 1
	}
	g.title = appendZero(g.title, m, 1)
	g.title = append(g.title, "月份值班安排"...)
	g.body = g.fill(g.body, "{sal}：\n现将近期值班安排通知如下：\n")
	dd := workdayAfter(day, 1+r.IntN(3))
	for i := 0; i < 3; i++ {
		g.body = appendMD(g.body, dd)
		g.body = g.fill(g.body, "：{name}、{name}\n")
		dd = workdayAfter(dd, 1)
	}
	g.body = append(g.body, "值班人员请保持通讯畅通，认真做好值班记录和交接工作。"...)
	g.signature()
}

func (g *gen) study() {
	r := g.r
	if r.IntN(2) == 0 {
		g.title = g.fill(g.title, "第{wk}周学习材料")
	} else {
		g.title = g.fill(g.title, "{M}月学习提醒")
	}
	g.body = g.fill(g.body, "{sal}：\n本周学习内容为{topic}，请大家利用业余时间认真学习，并于{date}前完成不少于{words}字的学习心得。")
	if r.IntN(10) < 7 {
		g.addAttachment(pick(r, []string{"学习材料（第{wk}周）.pdf", "学习心得模板.docx", "{M}月学习资料汇编.pdf"}), true)
	}
	g.signature()
}

func (g *gen) weeklyReport(attach bool) {
	g.title = g.fill(g.title, "{branch}第{wk}周工作周报")
	g.body = g.fill(g.body, "一、本周完成：1.{task}；2.")
	// a second, different task
	for s := len(g.body); ; g.body = g.body[:s] {
		g.body = g.fill(g.body, "{task}")
		if !strings.Contains(string(g.body[:s]), string(g.body[s:])) {
			break
		}
	}
	g.body = g.fill(g.body, "。\n二、存在问题：{problem}。\n三、下周计划：{plan}。")
	if attach {
		g.addAttachment(g.members[g.cur.ai].branch+"工作周报.docx", true)
	}
	g.body = g.fill(g.body, "\n报送人：{me}")
}

func (g *gen) kindSpecific() {
	r := g.r
	t := g.cur.t
	switch g.groups[g.cur.gi].kind {
	case kParty:
		g.author(true, t)
		g.title = g.fill(g.title, "{M}月份党费收缴提醒")
		g.body = g.fill(g.body, "{sal}：\n{M}月份党费请于{date}前交至支部组织委员{name}处，或通过线上党费缴纳系统缴纳，已缴纳的请忽略。")
		g.signature()
	case kWork:
		g.author(false, t)
		if r.IntN(2) == 0 {
			g.title = append(g.title, "会议室使用安排"...)
			g.body = g.fill(g.body, "{dwd}上午三楼第一会议室已被{unit}预约，请其他科室错开使用，如有冲突请联系办公室{name}。")
		} else {
			g.title = append(g.title, "公务用车登记"...)
			g.body = g.fill(g.body, "{date}需用车的科室请于今天下班前到办公室登记，写明事由、时间和目的地。")
		}
	case kStreet:
		g.author(false, t)
		g.title = append(g.title, "网格走访情况"...)
		g.body = g.fill(g.body, "今日走访{addr}{n}户，{finding}，已{action}。")
	case kCity:
		g.author(false, t)
		g.title = g.fill(g.title, "{branch}政务信息")
		g.body = g.fill(g.body, "【{branch}】{news}。\n（报送人：{me}）")
	case kProject:
		g.author(false, t)
		g.title = g.fill(g.title, "项目进度日报（{M}月{D}日）")
		g.body = g.fill(g.body, "今日完成：{ptask}；\n累计完成：总工程量的{p}%；\n存在问题：{pissue}；\n明日计划：{ptask}。")
	}
}

func (g *gen) chat() {
	r := g.r
	g.title = append(g.title, pick(r, chatTitles)...)
	k := g.groups[g.cur.gi].kind
	if r.IntN(3) == 0 {
		g.body = g.fill(g.body, pick(r, chatKind[k]))
	} else {
		g.body = g.fill(g.body, pick(r, chatCommon))
	}
}

// mutateOne changes one character of s: the final full stop becomes an
// exclamation mark, or one Chinese character is replaced.
func mutateOne(r *rand.Rand, s string) string {
	rs := []rune(s)
	if len(rs) == 0 {
		return s
	}
	if rs[len(rs)-1] == '。' && r.IntN(2) == 0 {
		rs[len(rs)-1] = '！'
		return string(rs)
	}
	var han []int
	for i, c := range rs {
		if c >= 0x4e00 && c <= 0x9fff {
			han = append(han, i)
		}
	}
	if len(han) == 0 {
		return s + "。"
	}
	i := han[r.IntN(len(han))]
	const repl = "的了在是有和也都就请已"
	for {
		c, _ := utf8.DecodeRuneInString(repl[3*r.IntN(len(repl)/3):])
		if c != rs[i] {
			rs[i] = c
			break
		}
	}
	return string(rs)
}
