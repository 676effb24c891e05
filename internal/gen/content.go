package gen

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// Text material. Strings may contain {placeholders}, expanded by fill.

var meetingTimes = []string{"上午9:00", "上午9:30", "上午10:00", "下午2:30", "下午3:00", "下午4:00"}

var meetingIntros = []string{"经研究，", "根据工作安排，", "", "按照上级要求，"}

var meetingReqs = []string{
	"不得无故缺席，确有特殊情况请提前向{name}请假",
	"请提前10分钟到场签到",
	"请携带笔记本和笔",
	"会前请认真学习相关材料",
	"请各位合理安排工作，确保按时参会",
}

var materials = [nKinds][]string{
	kParty:   {"党费收缴明细表", "党员学习心得体会", "组织生活会对照检查材料", "党员信息采集表", "主题党日活动记录", "发展党员工作台账"},
	kWork:    {"上半年工作总结", "下半年工作计划", "固定资产盘点表", "干部职工休假计划", "意识形态工作自查报告", "预算执行情况表"},
	kStreet:  {"网格走访记录", "安全隐患排查台账", "独居老人摸排名单", "防汛物资清单", "垃圾分类督导记录"},
	kCity:    {"政务信息稿件", "政务公开自查表", "月度重点工作进展", "数据报送统计表", "信用信息归集表"},
	kProject: {"项目进度月报", "施工日志", "监理月报", "工程量签证单", "安全检查记录表", "测试报告"},
}

var deadlines = []string{"下班", "17:00", "12:00", "下午3点"}

var submitFormats = []string{
	"电子版发送至工作邮箱", "纸质版一式两份并加盖公章", "通过OA系统上传",
	"统一使用Excel格式，请勿修改表头",
}

var submitWarns = []string{
	"逾期未报送的将予以通报。", "如无相关情况请报“零报告”。",
	"请各单位高度重视，确保数据真实准确。", "",
}

var topics = [nKinds][]string{
	kParty: {"《中国共产党纪律处分条例》", "党的二十届三中全会精神", "《中国共产党章程》总纲部分",
		"关于基层治理的重要论述", "《关于新形势下党内政治生活的若干准则》", "党史学习教育读本第三章"},
	kWork:    {"《党政机关厉行节约反对浪费条例》", "保密工作基本知识", "《党政机关公文处理工作条例》", "网络意识形态安全知识"},
	kStreet:  {"《信访工作条例》", "基层治理优秀案例汇编", "防汛防台应急预案", "《城市居民委员会组织法》"},
	kCity:    {"《政府信息公开条例》", "政务信息写作要点", "保密工作基本知识", "优化营商环境典型案例"},
	kProject: {"《建设工程安全生产管理条例》", "有限空间作业安全规范", "《政府采购法实施条例》", "网络安全等级保护基本要求"},
}

var studyWords = []string{"300", "500", "800", "1000"}

var tasks = [nKinds][]string{
	kParty:  {"完成{M}月份党费收缴", "组织党员开展集中学习1次", "更新党员信息台账", "走访慰问困难党员{n}名", "完成主题党日活动记录整理"},
	kWork:   {"完成上月经费报销审核", "报送季度统计报表", "办理公文{n}件", "配合完成内部审计", "完成固定资产清查"},
	kStreet: {"走访网格内住户{n}户", "排查安全隐患{n}处并督促整改", "协助办理低保复核{n}件", "清理楼道堆物{n}处", "开展垃圾分类宣传{n}次"},
	kCity:   {"报送政务信息{n}篇", "完成政务公开栏目更新", "参加全市数据报送培训", "完成{n}条信用信息归集"},
}

var problems = [nKinds][]string{
	kParty:  {"个别党员学习记录不完整", "党费线上缴纳仍有{n}人未完成", "活动照片留存不规范"},
	kWork:   {"部分材料报送不够及时", "个别报表数据前后不一致", "公文系统偶有卡顿"},
	kStreet: {"个别网格员走访记录填写不规范", "部分楼栋电动车违规充电仍有反弹", "独居老人信息更新不及时"},
	kCity:   {"信息稿件时效性不强", "部分数据口径与上级要求不一致", "个别单位未按时报送"},
}

var plans = [nKinds][]string{
	kParty:  {"组织{M}月份主题党日活动", "督促未缴党员按时缴纳党费", "准备组织生活会相关材料"},
	kWork:   {"按时完成月度报表", "做好下半年预算编制准备", "落实领导交办事项"},
	kStreet: {"继续做好网格走访和隐患排查", "配合开展创文迎检", "做好防汛物资检查"},
	kCity:   {"提高信息报送质量", "按时完成数据报送", "配合做好年度考核"},
}

var addrs = []string{"幸福里小区", "东湖花园", "建设新村", "滨江苑", "和平路12号院", "朝阳小区"}

var findings = []string{
	"发现楼道堆放杂物{n}处", "了解到1户居民有低保申请需求", "未发现安全隐患",
	"发现1处电动车违规充电", "有居民反映{n}号楼路灯损坏",
}

var actions = []string{"督促清理", "登记并上报民政办", "做好记录", "现场劝导整改", "联系物业处理"}

var cityNews = []string{
	"召开{Y}年{M}月份安全生产工作会议", "开展“优化营商环境”专项督查",
	"举办政务服务窗口业务技能比武", "完成{n}个重点项目年度目标任务",
	"组织开展“双报到”志愿服务活动", "召开政务公开工作推进会",
}

var chatTitles = []string{"回复", "请教", "确认一下", "提醒", "补充", "收到", "问一下", "进度"}

var chatCommon = []string{
	"收到。", "收到，马上落实。", "好的，明白。", "已阅。", "[强][强][强]", "辛苦大家了👍",
	"@{name} 材料已经发你邮箱了，请查收。",
	"请问{date}的会议在几楼？",
	"已提交，请@{name} 查收，谢谢！",
	"这个表格第三列“备注”需要填什么？",
	"今天下午停电检修，电脑里的文件请及时保存。",
	"提醒：{mat}今天下班前截止，还有{n}个单位未报。",
	"模板是不是更新了？我这边下载的还是旧版。",
	"同意{name}的意见，建议下周再碰一次。",
	"好的，我下午去现场看一下。",
	"大家注意一下，系统{date}晚上升级，期间暂停使用。",
	"请各位把群昵称改为“{rule}”格式，方便工作联系。",
	"请问{mat}是报纸质版还是电子版？",
	"谢谢{name}提醒，已补交。",
}

var chatKind = [nKinds][]string{
	kParty: {"这次主题党日的照片谁拍了？麻烦发一下。", "{M}月份党费已交，请{name}查收。",
		"学习心得是手写还是打印？", "请问组织生活会的对照检查材料有没有参考模板？",
		"{date}的党课改到线上了吗？"},
	kWork: {"报销单需要分管领导签字吗？", "会议室{date}上午已经有人预约了，改到下午可以吗？",
		"公文系统又登不上了，信息中心能看一下吗？", "打印机卡纸了，哪位知道怎么处理？"},
	kStreet: {"{n}号楼有居民反映楼道灯坏了，物业已经通知了。",
		"今天走访发现一户独居老人身体不太好，已联系家属。",
		"明天早上7点集合，开展环境整治。", "{addr}门口的共享单车太多了，城管中队能协调一下吗？"},
	kCity: {"我单位信息已报，请查收。", "报送系统提示格式错误，是不是要用新模板？",
		"本周信息采用情况什么时候通报？", "请问联络员变更需要发函吗？"},
	kProject: {"今天下雨，部分作业暂停。", "图纸能再发一版最新的吗？", "明天材料进场，请监理提前到场。",
		"现场有居民投诉噪音，请施工单位注意作业时间。", "测试环境账号过期了，麻烦重新开通。"},
}

var contests = []string{"最美少年", "文明家庭", "优秀作文", "少儿书画大赛", "萌宝大赛"}

var adTitles = []string{"", "分享", "好消息", "帮帮忙", "福利"}

// Prohibited content, written plainly.
var adTexts = []string{
	"本人代购日韩化妆品、进口奶粉，正品保证，需要的加微信{wx}",
	"帮忙投票！我家孩子参加“{contest}”评选，{n}号，每天可投一票，谢谢大家🙏 {link}",
	"兼职刷单，日结{N}元，宝妈学生都能做，在家就能赚钱，有意者私聊。",
	"今晚8点群里发红包，大家准备好抢红包啦🧧🧧",
	"投资理财高回报，年化收益{p}%，保本保息，名额有限，速加微信{wx}",
	"下周支部换届，请大家支持老{sur}，这里先拉票了，拜托拜托🙏",
	"朋友的店开业，帮忙投票点赞，投完截图发我领红包 {link}",
}

// Prohibited content disguised to slip past keyword filters. Entries ending
// in "@T" are posted in traditional characters.
var evasionTexts = []string{
	"需要的加 微 信：{wx}，日韩代 购，正品保证",
	"有意者加-微-信{wx}，兼 职 刷 单，日结",
	"加\u200b微\u200b信{wx}，投\u200b资\u200b理\u200b财，稳赚不赔",
	"想赚钱的加.微.信了解详情，刷.单.返.利",
	"详情请加ＶＸ：{fwwx}",
	"加ＱＱ：{fwqq}，代购正品名牌包",
	"代购日韩化妆品，正品保证，有需要的私聊@T",
	"帮忙投票，{n}号，拉票拜托了，谢谢大家@T",
	"抢 红 包 啦，手慢无！",
	"ｖ信：{fwwx} 兼职日结，一单{n}元",
	"拉-票：明天选举请投{sur}主任一票",
	"高回报理财，加微信了解@T",
}

var rumourTitles = []string{"紧急通知", "转发", "重要消息", "", "扩散"}

var rumourTexts = []string{
	"紧急扩散！！据内部消息，下周一起全市停水三天，大家赶紧囤水！转发周知！",
	"据内部消息，今年的年终绩效奖金要全部取消，大家心里有个数。",
	"转发周知：{addr}附近发生重大交通事故，死了好多人，官方还没通报！",
	"不转不是中国人！某品牌酱油检出致癌物，赶紧告诉家里人！",
	"紧急扩散：听说下个月开始工资要降30%，消息绝对可靠！",
	"据内部消息，{unit}马上要撤并，具体名单下周公布，大家转发周知。",
}

var insultTexts = []string{
	"这种方案都能通过？简直是垃圾。",
	"你是白痴吗？说了三遍还听不懂。",
	"傻 逼 才会这么安排工作",
	"谁定的这个时间，傻-逼吧",
	"@{name} 你就是个白痴，别在群里丢人了",
	"什么垃圾系统，天天崩，开发的是傻\u200b逼吧",
	"一群废物，材料拖了一个星期还没交，傻.逼",
}

// Personal data: {title, body} pairs.
var idTexts = [][2]string{
	{"报名信息", "请核对报名信息：{name}，身份证号：{ID}，所在单位：{unit}。"},
	{"办理社保卡", "{name}的身份证号码是{ID}，麻烦帮忙办一下社保卡。"},
	{"体检名单", "体检名单：\n1. {name} 身份证号 {ID}\n2. {name} 身份证号 {ID}"},
	{"补录信息", "补录一下：{name}（身份证号{ID}），{unit}。"},
}

var mobileTexts = [][2]string{
	{"联系方式", "有事可以直接打我电话{mob}。"},
	{"活动联系人", "{date}的活动联系人：{name}，手机{mob}"},
	{"通讯录更新", "{name}的新手机号是{mob}，请大家更新一下通讯录。"},
	{"快递", "快递到了放门卫，收件电话{mob}"},
}

var cardTexts = [][2]string{
	{"报销", "报销款请打到我的工资卡：{card}（工商银行），户名{me}。"},
	{"慰问金发放", "慰问金请转账至{name}的银行卡{card}，开户行：建设银行{addr}支行。"},
	{"银行卡信息", "卡号{card}，{name}，请财务科核对后发放。"},
}

var secretTitles = []string{"会议纪要", "内部资料", "征求意见稿", "文件传阅", "考核结果", "上级文件"}

var secretTexts = []string{
	"【内部资料 不得外传】{date}党组会会议纪要已放在共享盘，请相关同志阅后即删。",
	"这份文件密级是机密，大家看完不要转发到其他群。",
	"密级：秘密★1年\n{topic2}实施方案（征求意见稿），请各单位于{date}前反馈修改意见。",
	"刚收到上级的绝密文件，我拍了照片先发群里大家看看[图片]",
	"以下为内部资料，仅供参考，请勿外传：{M}月份干部考核结果初步排名已出。",
	"机密文件传阅：{topic2}有关情况通报，请各位阅后签字，不得复制。",
}

var majorTitles = []string{"干部任前公示", "关于大额资金使用的请示", "重大决策征求意见", "人事任免通知", "重大事项请示报告提醒"}

var majorTexts = []string{
	"根据工作需要，经局党组研究决定，拟任命{name}同志为{unit}负责人，{name}同志为{unit}副职。现予公示，公示期为{date}至{date2}。对干部任免事项如有异议，请向机关纪委反映。",
	"{proj}需支付工程进度款{amt}万元，属于“三重一大”事项，拟提交{date}党组会集体研究决定，请各位领导审阅。",
	"关于{topic2}的重大决策事项，现征求各支部、各科室意见，请于{date}前书面反馈。",
	"经研究决定，{name}同志任{unit}科长，免去其原职务；{name}同志任{unit}副科长。以上人事任免自即日起执行。",
	"提醒各位：涉及重大事项的，须按规定及时向组织请示报告，不得先斩后奏。",
}

var topics2 = []string{"机关办公楼维修改造", "年度预算调整", "信息化项目采购", "公务用车处置", "干部交流轮岗", "办公用房调整"}

var majorProjects = []string{"智慧政务平台二期", "东湖片区老旧小区改造", "机关食堂改造", "档案数字化"}

// Titles over 20 characters, each with a matching body.
var longTitles = [][2]string{
	{"关于进一步加强和规范工作群信息发布管理工作的补充通知",
		"{sal}：\n为进一步规范工作群管理，现补充通知如下：一、工作群仅用于发布工作信息，不得发布与工作无关的内容；二、请按“{rule}”格式修改群昵称；三、严禁在群内传播涉密信息。请遵照执行。"},
	{"关于开展{Y}年度第{q}季度党员学习教育专题组织生活会的通知",
		"{sal}：\n定于{dwd}{hm}在{place}召开第{q}季度专题组织生活会，请{att}准时参加，会前认真撰写对照检查材料。"},
	{"关于做好{M}月份安全生产大检查大整治及隐患排查整改工作的通知",
		"{sal}：\n请于{date}前完成本单位安全隐患自查，建立问题清单和整改台账，并将自查情况报送至{signer}。"},
	{"转发市委办公室关于做好近期防汛防台工作和值班值守工作的紧急通知",
		"{sal}：\n现将市委办公室通知转发给你们，请严格落实24小时值班和领导带班制度，遇有重大情况及时报告。"},
	{"{signer}关于报送上半年工作总结和下半年工作计划及相关材料的通知",
		"{sal}：\n请于{dwd}下班前报送上半年工作总结和下半年工作计划，字数控制在3000字以内，电子版发送至工作邮箱。\n联系人：{name}，办公电话：{landline}"},
}

var plainAttachments = []string{
	"IMG_{Y}{MM}{DD}_{hms}.jpg", "新建 Microsoft Word 文档.docx", "汇总表(1).xlsx",
	"通知.pdf", "现场照片.jpg", "扫描件.pdf",
}

const (
	burstChatter = iota
	burstSpam
	burstUrge
)

var burstLines = []string{
	"收到", "好的", "1", "+1", "[强]", "[图片]", "哈哈哈哈", "同意", "在吗？", "有人吗？",
	"@所有人 看一下", "怎么没人回？", "[捂脸]", "对对对", "快看群公告！", "？？？",
}

var burstUrges = []string{
	"请尽快报送！！", "还有谁没交？", "今天必须完成！", "请抓紧时间！！！", "看到请回复！",
}

// Hostile text: terminal control sequences and other control characters.
var hostileTexts = []string{
	"\x1b[2J\x1b[H系统通知：您的账号存在异常，请重新登录",
	"\x1b]0;管理员已授权\x07请点击领取福利",
	"正常内容\x1b[31m红色警告\x1b[0m\r\x1b[K被覆盖的文字",
	"测试\x00\x01\x02\x08\x7f\u009b2J结束",
	"\u202e知通要重\u202c请查收文件",
	"\x1b[?1049h\x1b[8m看不见的内容\x1b[0m\x1b[?1049l",
}

var hostileTitles = []string{"系统消息", "\x1b]0;标题\x07通知", "提醒\x1b[5m", "消息"}

var cnDigits = []string{"一", "二", "三", "四"}
var weekdayNames = []string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

func pick(r *rand.Rand, l []string) string { return l[r.IntN(len(l))] }

// workdayAfter returns the first working day at least n days after day.
func workdayAfter(day int64, n int) int64 {
	d := day + int64(n)
	for offDay(d) {
		d++
	}
	return d
}

// offDay reports whether day is a weekend or a public holiday. Holidays are
// the fixed-date ones for every year plus the 2026 official calendar (makeup
// working days are ignored).
func offDay(day int64) bool {
	if wd := weekday(day); wd == 0 || wd == 6 {
		return true
	}
	y, m, d := civil(day)
	md := m*100 + d
	switch {
	case md == 101, md >= 501 && md <= 503, md >= 1001 && md <= 1007:
		return true
	}
	if y == 2026 {
		switch {
		case md >= 101 && md <= 103, md >= 215 && md <= 223, md >= 404 && md <= 406,
			md >= 501 && md <= 505, md >= 619 && md <= 621, md >= 925 && md <= 927:
			return true
		}
	}
	return false
}

func appendMD(b []byte, day int64) []byte {
	_, m, d := civil(day)
	b = appendZero(b, m, 1)
	b = append(b, "月"...)
	b = appendZero(b, d, 1)
	return append(b, "日"...)
}

func appendYMD(b []byte, day int64) []byte {
	y, _, _ := civil(day)
	b = appendZero(b, y, 4)
	b = append(b, "年"...)
	return appendMD(b, day)
}

// fill appends s with its {placeholders} expanded.
func (g *gen) fill(b []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return append(b, s...)
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		b = g.expand(b, s[i+1:i+j])
		s = s[i+j+1:]
	}
}

func (g *gen) expand(b []byte, key string) []byte {
	r := g.r
	gr := &g.groups[g.cur.gi]
	sp := gr.spec
	k := gr.kind
	switch key {
	case "n":
		return appendZero(b, 2+r.IntN(29), 1)
	case "N":
		return appendZero(b, (1+r.IntN(9))*100, 1)
	case "p":
		return appendZero(b, 12+r.IntN(84), 1)
	case "amt":
		return appendZero(b, 20+r.IntN(960), 1)
	case "name":
		return append(b, g.members[gr.members[r.IntN(len(gr.members))]].name...)
	case "me":
		return append(b, g.members[g.cur.ai].name...)
	case "sur":
		return append(b, pickSurname(r)...)
	case "branch":
		return append(b, g.members[g.cur.ai].branch...)
	case "unit":
		return append(b, pick(r, sp.branches)...)
	case "signer":
		return append(b, sp.signer...)
	case "sal":
		return append(b, sp.salutation...)
	case "date":
		return appendMD(b, g.cur.due)
	case "dwd":
		b = appendMD(b, g.cur.due)
		b = append(b, "（"...)
		b = append(b, weekdayNames[weekday(g.cur.due)]...)
		return append(b, "）"...)
	case "date2":
		return appendMD(b, workdayAfter(g.cur.due, 7))
	case "today":
		return appendYMD(b, g.cur.day)
	case "Y", "M", "D", "MM", "DD":
		y, m, d := civil(g.cur.day)
		switch key {
		case "Y":
			return appendZero(b, y, 4)
		case "M":
			return appendZero(b, m, 1)
		case "D":
			return appendZero(b, d, 1)
		case "MM":
			return appendZero(b, m, 2)
		default:
			return appendZero(b, d, 2)
		}
	case "hms":
		_, sec := localDay(g.cur.t)
		b = appendZero(b, sec/3600, 2)
		b = appendZero(b, sec/60%60, 2)
		return appendZero(b, sec%60, 2)
	case "wk":
		y, _, _ := civil(g.cur.day)
		jan1 := daysFromCivil(y, 1, 1)
		return appendZero(b, int(g.cur.day-jan1)/7+1, 1)
	case "q":
		_, m, _ := civil(g.cur.day)
		return append(b, cnDigits[(m-1)/3]...)
	case "hm":
		return append(b, pick(r, meetingTimes)...)
	case "place":
		return append(b, pick(r, sp.place)...)
	case "att":
		return append(b, pick(r, sp.attendees)...)
	case "agenda":
		return append(b, pick(r, sp.agenda)...)
	case "req":
		return g.fill(b, pick(r, meetingReqs))
	case "mat":
		return append(b, pick(r, materials[k])...)
	case "topic":
		return append(b, pick(r, topics[k])...)
	case "topic2":
		return append(b, pick(r, topics2)...)
	case "proj":
		return append(b, pick(r, majorProjects)...)
	case "words":
		return append(b, pick(r, studyWords)...)
	case "task":
		if k == kProject {
			return g.fill(b, pick(r, sp.ptask))
		}
		return g.fill(b, pick(r, tasks[k]))
	case "problem":
		if k == kProject {
			return g.fill(b, pick(r, sp.pissue))
		}
		return g.fill(b, pick(r, problems[k]))
	case "plan":
		if k == kProject {
			return g.fill(b, pick(r, sp.ptask))
		}
		return g.fill(b, pick(r, plans[k]))
	case "ptask":
		return g.fill(b, pick(r, sp.ptask))
	case "pissue":
		return append(b, pick(r, sp.pissue)...)
	case "news":
		return g.fill(b, pick(r, cityNews))
	case "addr":
		return append(b, pick(r, addrs)...)
	case "finding":
		return g.fill(b, pick(r, findings))
	case "action":
		return append(b, pick(r, actions)...)
	case "contest":
		return append(b, pick(r, contests)...)
	case "rule":
		switch {
		case sp.rule == "name":
			return append(b, "真实姓名"...)
		case k == kParty:
			return append(b, "支部+姓名"...)
		case k == kCity:
			return append(b, "单位+姓名"...)
		case k == kStreet:
			return append(b, "网格+姓名"...)
		}
		return append(b, "科室+姓名"...)
	case "landline":
		if r.IntN(2) == 0 {
			b = append(b, "0571-"...)
		}
		b = append(b, "870"...)
		return appendZero(b, r.IntN(100000), 5)
	case "wx":
		return g.appendWx(b)
	case "fwwx":
		g.tmp = g.appendWx(g.tmp[:0])
		return appendFullWidth(b, g.tmp)
	case "fwqq":
		g.tmp = appendZero(g.tmp[:0], 10000000+r.IntN(900000000), 1)
		return appendFullWidth(b, g.tmp)
	case "link":
		b = append(b, "http://t.cn/A6"...)
		for i := 0; i < 6; i++ {
			b = append(b, base62[r.IntN(62)])
		}
		return b
	case "mob":
		s := len(b)
		b = appendMobile(b, r)
		switch g.cur.mobFmt {
		case 1: // 138 1234 5678
			m := string(b[s:])
			b = append(b[:s], m[:3]...)
			b = append(b, ' ')
			b = append(b, m[3:7]...)
			b = append(b, ' ')
			b = append(b, m[7:]...)
		case 2: // 138-1234-5678
			m := string(b[s:])
			b = append(b[:s], m[:3]...)
			b = append(b, '-')
			b = append(b, m[3:7]...)
			b = append(b, '-')
			b = append(b, m[7:]...)
		case 3: // +86 13812345678
			m := string(b[s:])
			b = append(b[:s], "+86 "...)
			b = append(b, m...)
		}
		return b
	case "ID":
		return appendRandomResidentID(b, r, g.cur.valid)
	case "card":
		s := len(b)
		b = appendCardNumber(b, r, g.cur.valid)
		if r.IntN(3) == 0 { // grouped in fours
			c := string(b[s:])
			b = b[:s]
			for i := 0; i < len(c); i += 4 {
				if i > 0 {
					b = append(b, ' ')
				}
				b = append(b, c[i:min(i+4, len(c))]...)
			}
		}
		return b
	}
	return append(b, key...)
}

const base62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

var wxStems = []string{"zhang", "li", "wang", "xiao", "yang", "chen", "meimei", "abc", "love", "sunny"}

func (g *gen) appendWx(b []byte) []byte {
	b = append(b, pick(g.r, wxStems)...)
	return appendZero(b, g.r.IntN(1000000), 3+g.r.IntN(4))
}

// appendFullWidth appends ASCII s converted to full-width forms (ａ１：).
func appendFullWidth(b []byte, s []byte) []byte {
	for _, c := range s {
		if c > 0x20 && c < 0x7f {
			b = utf8.AppendRune(b, rune(c)+0xfee0)
		} else {
			b = append(b, c)
		}
	}
	return b
}

// daysFromCivil is the inverse of civil.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(int64(y), 400)
	yoe := int64(y) - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

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
