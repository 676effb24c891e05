package gen

import "math"

// writePosts emits o.Posts posts in ascending time order.
//
// Main post times are the order statistics of o.Posts draws from the
// working-hours distribution, generated one by one in ascending order (the
// minimum of k uniforms on (u,1) is u+(1-u)(1-V^(1/k))), so nothing has to be
// held in memory. Posts that depend on an earlier one (flood bursts, repeats)
// are queued with their time and merged in; they are reserved from the same
// budget so the total stays exact.
func (g *gen) writePosts() error {
	total := g.o.Posts
	if total > 0 {
		g.nComplaints = max(2, total/250)
		g.nApps = max(3, total/400)
		g.winSize = max(1, total/10)
		g.winFirst = total - g.winSize
	}
	u := 0.0
	for {
		if g.out.err != nil {
			return g.out.err
		}
		mainLeft := total - g.emitted - len(g.pend)
		tm := int64(math.MaxInt64)
		if mainLeft > 0 {
			v := 1 - g.r.Float64() // (0,1]
			u += (1 - u) * (1 - math.Pow(v, 1/float64(mainLeft)))
			tm = g.timeAt(u)
		}
		for len(g.pend) > 0 && g.pend[0].t <= tm {
			e := g.pend[0]
			copy(g.pend, g.pend[1:])
			g.pend = g.pend[:len(g.pend)-1]
			emit(g, e.t, e.group, e.author, e.title, e.body, e.att, e.major)
		}
		if mainLeft <= 0 {
			if len(g.pend) == 0 {
				break
			}
			continue
		}
		g.mainPost(tm)
	}
	// Should anything be left (tiny runs), write it at the end.
	for g.rDone < g.nComplaints || g.aDone < g.nApps {
		g.winFirst, g.winSize = 0, 0
		g.interleave(g.emitted, g.end-1)
	}
	return g.out.err
}

func (g *gen) nextCat() uint8 {
	if g.deckPos == 0 {
		i := 0
		for c := uint8(1); c < nCats; c++ {
			for j := 0; j < deckCounts[c]; j++ {
				g.deck[i] = c
				i++
			}
		}
		for ; i < deckSize; i++ {
			g.deck[i] = cNormal
		}
		g.r.Shuffle(deckSize, func(a, b int) { g.deck[a], g.deck[b] = g.deck[b], g.deck[a] })
	}
	c := g.deck[g.deckPos]
	g.deckPos = (g.deckPos + 1) % deckSize
	return c
}

func (g *gen) pickGroup() int {
	x := g.r.Float64() * g.groupCum[len(g.groupCum)-1]
	for i, c := range g.groupCum {
		if x < c {
			return i
		}
	}
	return len(g.groupCum) - 1
}

func (g *gen) eligible(mi int, from, until int64) bool {
	m := &g.members[mi]
	return m.joined <= from && m.last >= until
}

// pickAuthor chooses a member of group gi who has joined by t and is still
// active at until. Official posts come mostly from the owner and admins.
func (g *gen) pickAuthor(gi int, t, until int64, official bool) int {
	gr := &g.groups[gi]
	if official && g.r.IntN(100) < 80 {
		for try := 0; try < 4; try++ {
			mi := gr.staff[g.r.IntN(len(gr.staff))]
			if g.eligible(mi, t, until) {
				return mi
			}
		}
	}
	total := gr.cum[len(gr.cum)-1]
	for try := 0; try < 12; try++ {
		x := g.r.Float64() * total
		lo, hi := 0, len(gr.cum)-1
		for lo < hi {
			mid := (lo + hi) / 2
			if gr.cum[mid] > x {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		if mi := gr.members[lo]; g.eligible(mi, t, until) {
			return mi
		}
	}
	return gr.owner
}

// mainPost composes and writes one post of the next category at time t and
// schedules any follow-up posts.
func (g *gen) mainPost(t int64) {
	cat := g.nextCat()
	g.catN[cat]++
	gi := g.pickGroup()
	g.compose(cat, gi, t)
	ai := g.cur.ai
	g.burstTrad = g.forceTrad || g.r.Float64() < tradShare(g.members[ai].trad)
	if g.burstTrad {
		g.convertTrad()
	}
	id := g.emitted + 1
	emit(g, t, gi, ai, g.title, g.body, g.att, g.major)

	switch cat {
	case cNormal, cLongTitle, cNoSig, cAttach, cMajor, cRepeat, cNoticeRepeat:
	default:
		g.ring[g.ringN%len(g.ring)] = flagged{post: id, group: gi, author: ai, cat: cat}
		g.ringN++
	}

	budget := g.o.Posts - g.emitted - len(g.pend)
	switch cat {
	case cBurst:
		g.scheduleBurst(t, gi, ai, budget)
	case cRepeat:
		if budget > 0 {
			d := int64(300 + g.r.IntN(3000))
			body := string(g.body)
			if g.r.IntN(2) == 0 {
				body = mutateOne(g.r, body)
			}
			g.schedule(extra{t: t + d, group: gi, author: ai, title: string(g.title), body: body,
				att: cloneStrings(g.att), major: g.major})
		}
	case cNoticeRepeat:
		if budget > 0 {
			d := t + int64(1+g.r.IntN(3))*86400 + int64(3600+g.r.IntN(3*3600))
			day, _ := localDay(d)
			for offDay(day) {
				d += 86400
				day++
			}
			g.schedule(extra{t: d, group: gi, author: ai, title: string(g.title), body: string(g.body),
				att: cloneStrings(g.att), major: g.major})
		}
	}
}

// tradShare is the probability that a post is written in traditional
// characters (about 15% overall).
func tradShare(tradWriter bool) float64 {
	if tradWriter {
		return 0.6
	}
	return 0.1
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// schedule queues e unless it would fall outside the span; the queue stays
// sorted by (time, sequence).
func (g *gen) schedule(e extra) {
	if e.t > g.lastPost() || !g.eligible(e.author, e.t, e.t) {
		return
	}
	g.seq++
	e.seq = g.seq
	i := len(g.pend)
	g.pend = append(g.pend, e)
	for i > 0 && (g.pend[i-1].t > e.t || g.pend[i-1].t == e.t && g.pend[i-1].seq > e.seq) {
		g.pend[i] = g.pend[i-1]
		i--
	}
	g.pend[i] = e
}

// scheduleBurst makes the author of the post at t post 5–8 more times within
// the next five minutes (gaps of 8–35 s).
func (g *gen) scheduleBurst(t int64, gi, ai, budget int) {
	n := min(5+g.r.IntN(4), budget)
	kind := g.burstKind
	base := string(g.body)
	tt := t
	for i := 0; i < n; i++ {
		tt += int64(8 + g.r.IntN(28))
		var body string
		switch kind {
		case burstChatter:
			body = burstLines[g.r.IntN(len(burstLines))]
		case burstSpam:
			body = base
		default:
			body = burstUrges[g.r.IntN(len(burstUrges))]
		}
		if g.burstTrad {
			body = toTrad(body)
		}
		g.schedule(extra{t: tt, group: gi, author: ai, body: body})
	}
}

// emit writes one post line and, near the end, any due reports and
// applications.
func emit[T ~string | ~[]byte](g *gen, t int64, gi, ai int, title, body T, att []string, major bool) {
	g.emitted++
	b := g.out.buf
	b = append(b, `{"type":"post","id":"p-`...)
	b = appendZero(b, g.emitted, g.idWidth)
	b = append(b, `","group":"`...)
	b = append(b, g.groups[gi].id...)
	b = append(b, `","author":"`...)
	b = append(b, g.members[ai].id...)
	b = append(b, `","time":"`...)
	b = appendTime(b, t)
	b = append(b, `","title":`...)
	b = appendJSON(b, title)
	b = append(b, `,"body":`...)
	b = appendJSON(b, body)
	if len(att) > 0 {
		b = append(b, `,"attachments":[`...)
		for i, a := range att {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, a)
		}
		b = append(b, ']')
	}
	if major {
		b = append(b, `,"major":true}`...)
	} else {
		b = append(b, `,"major":false}`...)
	}
	g.out.buf = append(b, '\n')
	g.out.maybeFlush()
	if g.emitted > g.winFirst && g.winSize > 0 {
		g.interleave(g.emitted-1, t)
	}
}

// interleave writes the reports and applications due after the post with
// 0-based index idx.
func (g *gen) interleave(idx int, t int64) {
	for g.rDone < g.nComplaints && (g.winSize == 0 || g.winFirst+g.rDone*g.winSize/g.nComplaints <= idx) {
		g.rDone++
		g.writeReport(g.rDone, t)
	}
	for g.aDone < g.nApps && (g.winSize == 0 || g.winFirst+(2*g.aDone+1)*g.winSize/(2*g.nApps) <= idx) {
		g.aDone++
		g.writeApplication(g.aDone, t)
	}
}

func (g *gen) otherMember(gi, not int, t int64) int {
	gr := &g.groups[gi]
	for try := 0; try < 10; try++ {
		mi := gr.members[g.r.IntN(len(gr.members))]
		if mi != not && g.members[mi].joined <= t {
			return mi
		}
	}
	if gr.owner != not {
		return gr.owner
	}
	return gr.staff[len(gr.staff)-1]
}

var reportTexts = [nCats][]string{
	cAd: {"{who}在群里发广告，影响工作群秩序，请管理员处理。",
		"该成员在工作群推销代购、刷单，多名同事被私聊骚扰，请核实。"},
	cEvasion: {"{who}故意用符号隔开字来发广告，躲避群管理，请处理。",
		"这条消息是变相广告，加了空格和符号，请管理员删除。"},
	cRumour: {"该成员转发未经核实的消息，涉嫌传播谣言，建议删除并提醒。",
		"{who}发的消息没有官方来源，容易引起恐慌，请处理。"},
	cInsult: {"{who}在群里辱骂他人，言语粗俗，请管理员处理。",
		"该成员发言带有侮辱性词语，影响团结，请提醒。"},
	cIDCard: {"这条消息里有他人的身份证号码，存在个人信息泄露风险，请尽快撤回。"},
	cMobile: {"该消息公开了个人手机号，涉及个人隐私，建议撤回。"},
	cCard:   {"群里发了银行卡号，存在资金安全风险，请提醒撤回。"},
	cSecret: {"群里发了涉密文件，违反保密规定，请立即删除并报告。",
		"{who}把内部资料发到群里，可能造成泄密，请核实。"},
	cBurst:   {"{who}短时间内连续刷屏，影响正常工作消息查看。"},
	cHostile: {"这条消息里有乱码，打开后屏幕显示异常，疑似恶意内容，请处理。"},
}

var complaintNoPost = []string{
	"{who}私下给群成员发消息拉票，请核实。",
	"{who}私聊推销理财产品，多人反映被骚扰。",
	"{who}的群昵称不符合要求，多次提醒仍未修改。",
	"{who}在其他群转发本群工作通知截图，请核实是否违规。",
}

func (g *gen) writeReport(n int, t int64) {
	var f flagged
	havePost := false
	if g.ringN > 0 && g.r.IntN(10) < 7 {
		k := min(g.ringN, len(g.ring))
		for try := 0; try < 4; try++ {
			f = g.ring[(g.ringN-1-g.r.IntN(k))%len(g.ring)]
			if f.post != g.lastReported {
				break
			}
		}
		g.lastReported = f.post
		havePost = true
	}
	var gi, mi int
	var tmpl string
	if havePost {
		gi, mi = f.group, f.author
		l := reportTexts[f.cat]
		tmpl = l[g.r.IntN(len(l))]
	} else {
		gi = g.pickGroup()
		gr := &g.groups[gi]
		mi = gr.members[g.r.IntN(len(gr.members))]
		tmpl = complaintNoPost[g.r.IntN(len(complaintNoPost))]
	}
	reporter := g.otherMember(gi, mi, t)
	b := g.out.buf
	b = append(b, `{"type":"report","id":"r-`...)
	b = appendZero(b, n, 6)
	b = append(b, `","group":"`...)
	b = append(b, g.groups[gi].id...)
	b = append(b, `","reporter":"`...)
	b = append(b, g.members[reporter].id...)
	b = append(b, `","member":"`...)
	b = append(b, g.members[mi].id...)
	b = append(b, '"')
	if havePost {
		b = append(b, `,"post":"p-`...)
		b = appendZero(b, f.post, g.idWidth)
		b = append(b, '"')
	}
	b = append(b, `,"time":"`...)
	b = appendTime(b, t)
	b = append(b, `","text":`...)
	g.tmp = g.tmp[:0]
	g.tmp = appendWho(g.tmp, tmpl, g.members[mi].name)
	b = appendJSON(b, g.tmp)
	g.out.buf = append(b, "}\n"...)
	g.out.maybeFlush()
}

func appendWho(b []byte, tmpl, name string) []byte {
	for i := 0; i < len(tmpl); i++ {
		if tmpl[i] == '{' && len(tmpl) >= i+5 && tmpl[i:i+5] == "{who}" {
			b = append(b, name...)
			i += 4
			continue
		}
		b = append(b, tmpl[i])
	}
	return b
}

var appKinds = [3]string{"join", "exit", "appeal"}

func (g *gen) writeApplication(n int, t int64) {
	kind := (n - 1) % 3
	var gi, mi int
	var text string
	switch kind {
	case 0: // join: preferably someone admitted after t
		gi = g.pickGroup()
		gr := &g.groups[gi]
		mi = gr.members[len(gr.members)-1-g.r.IntN(max(1, len(gr.members)/4))]
		later := 0
		for _, c := range gr.members {
			if g.members[c].joined > t {
				later++
				if g.r.IntN(later) == 0 { // reservoir sampling
					mi = c
				}
			}
		}
		m := &g.members[mi]
		switch g.r.IntN(3) {
		case 0:
			text = "本人系" + m.branch + "新调入工作人员" + m.name + "，申请加入本群，请审核。"
		case 1:
			text = "我是" + m.branch + "的" + m.name + "，之前误退群，申请重新加入。"
		default:
			text = "申请入群：" + m.name + "，" + m.branch + "，负责信息报送工作。"
		}
	case 1: // exit: prefer someone inactive
		gi = g.pickGroup()
		gr := &g.groups[gi]
		mi = gr.members[g.r.IntN(len(gr.members))]
		for try := 0; try < 20; try++ {
			c := gr.members[g.r.IntN(len(gr.members))]
			if g.members[c].last < g.end-91*86400 {
				mi = c
				break
			}
		}
		m := &g.members[mi]
		switch g.r.IntN(3) {
		case 0:
			text = "本人已调离" + m.branch + "，申请退出本群。"
		case 1:
			text = "本人已办理退休手续，申请退出工作群，感谢大家多年来的支持！"
		default:
			text = "因工作调整不再负责相关业务，申请退群。"
		}
	default: // appeal: someone whose post was flagged
		if g.ringN > 0 {
			f := g.ring[(g.ringN-1)%len(g.ring)]
			gi, mi = f.group, f.author
		} else {
			gi = g.pickGroup()
			mi = g.groups[gi].members[g.r.IntN(len(g.groups[gi].members))]
		}
		switch g.r.IntN(3) {
		case 0:
			text = "本人发布的消息被管理员删除，该消息系正常工作沟通，申请复核。"
		case 1:
			text = "本人被移出群聊，系误操作所致，申请恢复群成员身份。"
		default:
			text = "对禁言处理有异议：本人只是转发了单位通知，并无违规内容，请重新审核。"
		}
	}
	b := g.out.buf
	b = append(b, `{"type":"application","id":"a-`...)
	b = appendZero(b, n, 6)
	b = append(b, `","group":"`...)
	b = append(b, g.groups[gi].id...)
	b = append(b, `","member":"`...)
	b = append(b, g.members[mi].id...)
	b = append(b, `","kind":"`...)
	b = append(b, appKinds[kind]...)
	b = append(b, `","time":"`...)
	b = appendTime(b, t)
	b = append(b, `","text":`...)
	b = appendJSON(b, text)
	g.out.buf = append(b, "}\n"...)
	g.out.maybeFlush()
}
