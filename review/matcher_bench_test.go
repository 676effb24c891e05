package review

import (
	"bufio"
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"qunshen/model"
)

// The benchmarks use the real word lists of ../shared/data/lexicon (relative to the repository
// root), or of the folder $QUNSHEN_LEXICON names, when they are there, and generated terms
// otherwise; nothing here is needed by the tests.
//
//	go test -run xxx -bench 'Matcher|Normalize' -benchtime 3x ./review/

var matchLexiconDir = cmp.Or(os.Getenv("QUNSHEN_LEXICON"), filepath.Join("..", "..", "shared", "data", "lexicon"))

// matchBenchLexicon reads a word list of the shared data, nil when it is absent.
func matchBenchLexicon(name string) []string {
	f, err := os.Open(filepath.Join(matchLexiconDir, name))
	if err != nil {
		return nil
	}
	defer f.Close()
	var terms []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			terms = append(terms, t)
		}
	}
	if sc.Err() != nil {
		return nil
	}
	return terms
}

// matchSample returns n of terms, a deterministic random choice.
func matchSample(terms []string, n int) []string {
	s := append([]string(nil), terms...)
	rng := rand.New(rand.NewPCG(2024, 1))
	rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s[:min(n, len(s))]
}

// matchCommonHan are frequent characters of modern written Chinese, the alphabet of the
// generated terms.
const matchCommonHan = "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从知己现长两样想开手十意体实动问间题部员业加全表外理工明机物气第给位通信话正新因使度数安系提本水重电力高此内民量次常战化少山把结路别产务区原报情交其取制先总信息合资料传转据消紧急扩散微号群组广告红包钱骗赌毒枪秘密绝购买卖价格优惠免费领取点击链接招聘兼职刷单返利代理网络赚钱日结工资私聊联系电话办证刻章考试答案出售低价货到付款正品包邮转发朋友圈投资理财平台收益保本稳赚项目团队客户合同方案会议领导同事通知周报报销财务行政人事放假加班请假出差培训考核绩效系统升级维护邮箱文件共享服务器测试上线需求排期进度风险问题处理收到谢谢辛苦大家今天明天下午上午晚上周末安排负责统计确认提交审批流程部门经理主任书记党委支部学习教育活动组织纪律安全生产质量检查整改落实责任考勤食堂快递前台打印会议室"

// matchGenTerms makes n deterministic CJK terms of 2–6 characters from matchCommonHan, with
// a few Latin and digit terms as real lists have.
func matchGenTerms(n int) []string {
	han := []rune(matchCommonHan)
	rng := rand.New(rand.NewPCG(42, 7))
	terms := make([]string, 0, n)
	var b strings.Builder
	for len(terms) < n {
		b.Reset()
		if rng.IntN(50) == 0 {
			b.WriteString([]string{"vx", "wx", "qq", "tg", "www."}[rng.IntN(5)])
			for range 2 + rng.IntN(6) {
				b.WriteByte("abcdefghijklmnopqrstuvwxyz0123456789"[rng.IntN(36)])
			}
			terms = append(terms, b.String())
			continue
		}
		l := []int{2, 2, 3, 3, 3, 4, 4, 4, 5, 6}[rng.IntN(10)]
		for range l {
			b.WriteRune(han[rng.IntN(len(han))])
		}
		terms = append(terms, b.String())
	}
	return terms
}

// matchBenchSets are the term lists of the benchmarks: n terms of the real tencent list when
// present (sampled), generated ones otherwise, and always generated ones for comparison.
func matchBenchSets(n int) []struct {
	name  string
	terms []string
} {
	var sets []struct {
		name  string
		terms []string
	}
	if t := matchBenchLexicon("tencent.txt"); len(t) >= n {
		sets = append(sets, struct {
			name  string
			terms []string
		}{fmt.Sprintf("terms=%d/tencent", n), matchSample(t, n)})
	}
	sets = append(sets, struct {
		name  string
		terms []string
	}{fmt.Sprintf("terms=%d/generated", n), matchGenTerms(n)})
	return sets
}

// matchBenchAll is every term of the three real lists, or generated terms of the same number.
func matchBenchAll() (string, []string) {
	var all []string
	for _, f := range []string{"tencent.txt", "netease.txt", "ads.txt"} {
		all = append(all, matchBenchLexicon(f)...)
	}
	if len(all) == 0 {
		return "terms=61176/generated", matchGenTerms(61176)
	}
	return fmt.Sprintf("terms=%d/all-lists", len(all)), all
}

// Work-group posts: notices, chatter, reports, and some spam with evasions.
var matchBenchSentences = []string{
	"各位同事，{day}{time}在{room}召开部门例会，请准时参加。",
	"请大家在本周五下班前提交周报，格式参考群文件里的模板。",
	"{time}的评审会改到{room}，记得带电脑。",
	"收到，马上处理。",
	"好的，谢谢{name}！",
	"收到👌",
	"辛苦了🙏",
	"财务提醒：本月报销单请于{num}号前交到财务部，逾期顺延到下个月。",
	"今天食堂中午有红烧肉和清蒸鱼，大家早点去。",
	"国庆节放假安排：10月1日至7日放假调休，共7天，9月29日（星期日）上班。",
	"请各部门负责人统计一下本部门参加体检的人数，{day}中午十二点前报给我。",
	"系统今晚十点到十二点升级维护，期间OA和邮箱无法登录，请提前保存好文件。",
	"@{name} 合同的扫描件发我一下，我这边要归档。",
	"客户那边反馈说方案第三部分的数据不对，谁负责的麻烦再核对一遍。",
	"PPT我已经改好了，放在共享盘的{proj}文件夹里，大家看看还有什么要补充的。",
	"这个需求排期要到下个迭代了，这周人手不够。",
	"打印机又卡纸了，行政的同事能帮忙看一下吗？",
	"我今天请假去医院，有急事打我电话。",
	"{day}出差去{city}，周四回来，这两天的会我线上参加。",
	"新来的实习生小李下周一报到，大家多带带他。",
	"服务器CPU占用一直在{num}%以上，运维的同学看一下是不是有进程卡住了。",
	"代码已经合并到主分支了，测试环境今晚部署，{name}帮忙回归一下。",
	"周末团建去爬山，想参加的在群里接龙。",
	"接龙：1. {name} 2. {name} 3. {name}",
	"快递到了放前台了，自己去拿一下。",
	"季度考核表已经发到各位邮箱，请认真填写，{day}下班前交。",
	"会议纪要我整理好了，发群里大家确认一下，有问题私聊我。",
	"{proj}的进度目前是{num}%，预计下周可以提测。",
	"领导说这个月的目标一定要完成，大家再加把劲💪",
	"请假条模板在OA里，审批流程走部门经理和人事。",
	"{city}分公司的同事明天来总部交流，接待工作由行政部负责。",
	"各支部请于{num}日前将党员学习情况汇总上报党委办公室。",
	"安全生产无小事，请各车间认真落实整改措施。",
	"本周的值班表已更新，请大家查看并互相提醒。",
	"电脑蓝屏了，IT的同事有空过来看看吗？在{room}旁边。",
	"合同已经盖章寄出去了，快递单号SF{num}{num}{num}。",
	"明天的培训改成线上，腾讯会议号稍后发群里。",
	"会议链接：https://meeting.example.com/j/{num}{num}",
	"提醒一下，打卡时间是早上九点，迟到超过三次会影响绩效。",
	"感谢{name}的支持，这个项目顺利上线了🎉🎉",
	"这个bug是前端的问题，我已经提了工单，编号{proj}-{num}。",
	"客户明天上午来公司参观，请保持办公区整洁。",
	"新版员工手册已发布，请大家抽时间学习，下周有考试。",
	"年终总结请控制在三页以内，重点写成果和问题。",
	"谁有{city}的供应商联系方式？急用。",
	"麻烦把上个月的销售数据导出一份Excel给我。",
	"今天下雨，下班路上注意安全。",
	"停车场周六封闭施工，开车的同事请注意。",
	"请大家不要在群里发与工作无关的内容，谢谢配合。",
	"这个方案我觉得可以，但是预算要再压一压。",
	"采购申请已经提交了，等财务审批。",
	"中午一起订外卖吗？我点了黄焖鸡。",
	"@所有人 下午三点全员大会，地点在一楼大厅。",
	"报名截止到{day}，还没报名的抓紧。",
	"VPN连不上的可以试试重启客户端，还不行找网络组。",
	"会议室预定请用OA系统，不要直接占用。",
	"{name}，你那边的测试报告什么时候能出？",
	"已经发你邮箱了，查收一下。",
	"稍等，我在开会，晚点回复。",
	"好的，没问题👍",
	"今天的日报：完成接口联调，修复三个bug，明天继续写文档。",
	"下季度的招聘计划请各部门在{day}前报人力资源部。",
	"公司组织免费体检，时间是下个月{num}号，地点另行通知。",
	"本月生日会定在周五下午，蛋糕已经订好了🎂",
	"新冠疫苗接种统计，请在表格里填写接种情况。",
	"消防演练定于{day}{time}，届时听到警报请有序撤离。",
	"项目周会纪要：一、进度正常；二、风险点是第三方接口；三、下周完成验收。",
	"系统提示密码即将过期，请及时修改，不要用生日做密码。",
	"请勿点击陌生链接，近期有冒充财务的诈骗邮件。",
	"各位，{city}的展会需要两个人支援，有意向的跟我说。",
	"发票抬头和税号在群公告里，开票时请核对。",
	"这周的工作重点是客户回访和数据清洗。",
	"试用期转正答辩安排在{day}，请相关同事准备材料。",
	"主任让大家把学习心得在周末前交上来。",
	"我这边网络有点卡，可能会掉线，大家先开始。",
	"今天的会议取消了，改到{day}同一时间。",
	"厂里的设备检修完成，明天恢复生产。",
	"客户对我们的报价有疑问，{name}你明天去沟通一下。",
	"内部通知：严禁在工作群里转发未经核实的消息。",
	"国家统计局今天公布了上个月的数据，经济运行总体平稳。",
	"市政府发布了新的人才政策，符合条件的同事可以申请补贴。",
	"中国移动的宽带到期了，行政记得续费。",
	"这个问题我之前遇到过，是缓存没有清，清一下就好了。",
	"群里有没有懂税务的？个税申报有个问题想请教。",
	"晚上加班的同事可以报销打车费，标准是{num}元以内。",
	"年会节目报名开始啦，每个部门至少出一个节目🎤",
	"代理商大会的邀请函已经发出，请跟进回执。",
	"请把身份证复印件和银行卡号发给人事，用于办理入职。",
	"我的手机号换了，新号码是1380013{num}{num}，大家更新一下。",
	"今天空调坏了，已经报修，大家先忍一忍。",
	"附件是最新版的报价单，请以此为准。",
	"周报：本周完成{proj}需求分析，下周开始开发。",
	"OK，明白了。",
	"哈哈哈哈😂",
	"👍👍👍",
	"1",
	"+1",
	"同意",
	"明天几点出发？",
	"在吗？有个急事。",
	"刚刚那个文件发错了，以这个为准。",
	"数据已经更新到最新版本v2.3.{num}。",
	"大家好，我是新来的{name}，以后请多多关照！",
	"欢迎新同事{name}加入我们部门👏",
	"{name}，上次说的那个接口文档更新了吗？",
	"测试环境的数据库密码改了，需要的私聊我。",
	"下周二上午十点线上评审{proj}的技术方案，请相关同事预留时间。",
	"各位注意，{day}起办公楼门禁升级，请到前台登记人脸信息。",
	"质量部通知：{city}工厂的抽检结果已出，合格率{num}%。",
	"这个月的电费单到了，行政统一缴纳。",
	"我把任务拆成了五个子任务，分别指派给大家了，请在系统里确认。",
	"昨天的线上故障已经复盘，根因是配置错误，改进措施见文档。",
	"销售部本月业绩排名第一，恭喜{name}团队🎉",
	"发布窗口定在周四晚上十点，请各模块负责人提前自测。",
	"麻烦大家把个人简介更新到内网通讯录里。",
	"{day}下午物业停水，时间两点到五点。",
	"有同事捡到一个黑色钱包，失主请到前台认领。",
	"请勿在办公区吸烟，已经被物业警告两次了。",
	"今天的站会改到十点十五，我这边有个客户电话。",
	"合同第{num}条的违约金比例法务建议再调整一下。",
	"我这边做了个数据看板，链接放群公告里了。",
	"市场部需要两张活动海报，设计的同事{day}能出初稿吗？",
	"请各部门在{day}前提交下一年度预算草案。",
	"培训签到表请拍照发群里，人事要存档。",
	"刚才开会说的几点我总结一下：第一，控制成本；第二，保证交付；第三，注意安全。",
	"客户投诉处理完毕，已回访，满意度良好。",
	"{name}明天休年假，有事找{name}。",
	"新系统上线第一周，遇到问题随时在群里反馈。",
	"仓库盘点定在月底，需要各部门配合。",
	"大家辛苦了，今晚项目组聚餐，地点在公司楼下的川菜馆。",
	"请把{proj}的周报发到我邮箱，抄送{name}。",
	"今天空气质量不好，出门记得戴口罩。",
	"明天早上八点半大巴在公司门口集合，去{city}参加展会。",
	"出差报销需要附上行程单和发票原件。",
	"外包团队的人员名单已经报给保安室了。",
	"我们组的代码规范文档在wiki上，新人先看一遍。",
	"{num}号会议室的投影仪坏了，别预定那间。",
	"咨询一下，公积金提取需要准备哪些材料？",
	"这个季度的安全培训还有{num}人没完成，请抓紧。",
	"第二季度的目标拆解表已上传，请各位认领。",
	"下班前请关好门窗和电源。",
	"春节值班安排已出，请查看附件。",
	"我在路上，堵车了，大概晚到二十分钟。",
	"这个方案我同意，辛苦{name}推进。",
	"兼职刷单，日结工资，有意者加 微 信 {id} 详聊",
	"代購正品包包，價格優惠，私聊ＶＸ：{id}",
	"免费领取红包，点击链接 http://t.cn/{id}",
	"招聘网络兼职，在家就能做，一天轻松赚三百",
	"内部消息：这只股票下周必涨，赶紧买入！",
	"緊急擴散！請大家轉發到朋友圈",
	"加🌸微🌸信送学习资料",
	"低价出售各类考试答案，Ｑ Ｑ：{num}{num}{num}",
	"办证刻章，联系电话138-0013-8000",
	"投资理财平台，保本稳赚，年化收益{num}%，加v信咨询",
	"有需要代理的私聊，加-微-信：{id}",
	"群里的朋友帮忙点个赞，谢谢啦❤️",
	"帮忙砍一刀🔪 https://pdd.example.com/{id}",
	"转发这条消息到三个群，就能领取流量。",
}

var (
	matchBenchNames = []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷", "徐明", "孙丽", "马超", "朱琳", "胡军", "郭涛", "何平", "高翔", "林晓", "罗斌", "王总", "李经理", "张主任", "刘书记"}
	matchBenchDays  = []string{"明天", "后天", "周一", "周二", "周三", "周四", "周五", "下周一", "本周五", "3月15日", "4月8日", "6月30日"}
	matchBenchTimes = []string{"上午九点", "上午十点半", "下午两点", "下午三点", "下午四点半", "晚上七点", "9:30", "14:00", "16:30"}
	matchBenchRooms = []string{"三楼会议室", "四号会议室", "大会议室", "302", "八楼小会议室", "一楼大厅", "培训室"}
	matchBenchCity  = []string{"北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "苏州", "重庆", "天津"}
	matchBenchProj  = []string{"智慧园区", "CRM二期", "数据中台", "供应链系统", "小程序", "ERP升级", "客服平台", "OA改造"}
	matchBenchSeps  = []string{" ", "-", ".", "\u200b", "\ufeff", "🌸", "、", "*"}
	matchBenchEmoji = []string{"😀", "👍", "🙏", "🎉", "💪", "😂", "🌹", "❤️", "👌", "🔥"}
)

// matchBenchPosts builds about size bytes of posts, deterministically.
func matchBenchPosts(size int) []string {
	rng := rand.New(rand.NewPCG(20240601, 99))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	trad := map[rune]rune{}
	for _, p := range t2sPairs {
		if _, ok := trad[p[1]]; !ok && p[0] < 0xF900 {
			trad[p[1]] = p[0]
		}
	}
	var posts []string
	total := 0
	var b strings.Builder
	for total < size {
		b.Reset()
		for range 1 + rng.IntN(3) {
			s := matchBenchSentences[rng.IntN(len(matchBenchSentences))]
			for strings.Contains(s, "{") {
				i := strings.IndexByte(s, '{')
				j := strings.IndexByte(s[i:], '}') + i
				var v string
				switch s[i+1 : j] {
				case "name":
					v = pick(matchBenchNames)
				case "day":
					v = pick(matchBenchDays)
				case "time":
					v = pick(matchBenchTimes)
				case "room":
					v = pick(matchBenchRooms)
				case "city":
					v = pick(matchBenchCity)
				case "proj":
					v = pick(matchBenchProj)
				case "num":
					v = fmt.Sprint(rng.IntN(1000))
				case "id":
					v = fmt.Sprintf("%c%c%d", 'a'+rng.IntN(26), 'a'+rng.IntN(26), rng.IntN(100000))
				}
				s = s[:i] + v + s[j+1:]
			}
			switch rng.IntN(40) {
			case 0: // separators between characters
				sep := pick(matchBenchSeps)
				rs := []rune(s)
				var e strings.Builder
				for k, r := range rs {
					if k > 0 {
						e.WriteString(sep)
					}
					e.WriteRune(r)
				}
				s = e.String()
			case 1: // traditional characters
				s = strings.Map(func(r rune) rune {
					if t, ok := trad[r]; ok {
						return t
					}
					return r
				}, s)
			case 2: // full-width ASCII
				s = strings.Map(func(r rune) rune {
					if r > ' ' && r < 0x7F {
						return r + 0xFEE0
					}
					return r
				}, s)
			}
			b.WriteString(s)
			if rng.IntN(8) == 0 {
				b.WriteString(pick(matchBenchEmoji))
			}
		}
		post := b.String()
		posts = append(posts, post)
		total += len(post) + 1
	}
	return posts
}

var matchBenchText = sync.OnceValues(func() (string, []string) {
	posts := matchBenchPosts(4 << 20)
	return strings.Join(posts, "\n"), posts
})

func BenchmarkMatcherFindAll(b *testing.B) {
	text, _ := matchBenchText()
	type set = struct {
		name  string
		terms []string
	}
	var sets []set
	sets = append(sets, matchBenchSets(10000)...)
	sets = append(sets, matchBenchSets(50000)...)
	name, all := matchBenchAll()
	sets = append(sets, set{name, all})
	for _, s := range sets {
		b.Run(s.name, func(b *testing.B) {
			m := NewMatcher(s.terms)
			dst := m.FindAll(text, nil) // warm up, and size dst
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuTime()
			for range b.N {
				dst = m.FindAll(text, dst[:0])
			}
			cpu := cpuTime() - c0
			b.StopTimer()
			reportCPU(b, int64(len(text))*int64(b.N), cpu)
			b.ReportMetric(float64(len(dst)), "matches")
			b.ReportMetric(float64(utf8.RuneCountInString(text))/float64(len(text)), "runes/byte")
		})
	}
}

// reportCPU reports MB per second of processor time, where the process's time is known.
func reportCPU(b *testing.B, bytes int64, cpu time.Duration) {
	if cpu > 0 {
		b.ReportMetric(float64(bytes)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
}

// BenchmarkCheckTextScan is the content scan as the checks run it, a post at a time: the
// default policy's lists with their allow-lists and pairs, and 10,000 more terms.
func BenchmarkCheckTextScan(b *testing.B) {
	_, posts := matchBenchText()
	total := 0
	for _, p := range posts {
		total += len(p)
	}
	for _, s := range matchBenchSets(10000) {
		b.Run(s.name, func(b *testing.B) {
			c := NewChecker(DefaultPolicy(), s.terms)
			var dst []model.Finding
			for _, p := range posts { // warm up, and size dst
				dst = c.CheckText(p, FieldBody, model.KindWork, dst[:0])
			}
			b.SetBytes(int64(total))
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuTime()
			n := 0
			for range b.N {
				n = 0
				for _, p := range posts {
					dst = c.CheckText(p, FieldBody, model.KindWork, dst[:0])
					n += len(dst)
				}
			}
			cpu := cpuTime() - c0
			b.StopTimer()
			reportCPU(b, int64(total)*int64(b.N), cpu)
			b.ReportMetric(float64(n), "findings")
		})
	}
}

// BenchmarkMatcherFindAllPosts calls FindAll once a post, as the checks do.
func BenchmarkMatcherFindAllPosts(b *testing.B) {
	_, posts := matchBenchText()
	total := 0
	for _, p := range posts {
		total += len(p)
	}
	for _, s := range matchBenchSets(50000) {
		b.Run(s.name, func(b *testing.B) {
			m := NewMatcher(s.terms)
			var dst []Match
			for _, p := range posts { // warm up, and size dst
				dst = m.FindAll(p, dst[:0])
			}
			b.SetBytes(int64(total))
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for range b.N {
				n = 0
				for _, p := range posts {
					dst = m.FindAll(p, dst[:0])
					n += len(dst)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(n), "matches")
			b.ReportMetric(float64(len(posts)), "posts")
		})
	}
}

func BenchmarkMatcherBuild(b *testing.B) {
	sets := matchBenchSets(50000)
	name, all := matchBenchAll()
	sets = append(sets, struct {
		name  string
		terms []string
	}{name, all})
	Normalize("表") // the normalisation table is shared by all matchers: build it first
	for _, s := range sets {
		b.Run(s.name, func(b *testing.B) {
			heap := matchHeap(s.terms)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				NewMatcher(s.terms)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(elapsed.Microseconds())/1e3/float64(b.N), "ms/build")
			b.ReportMetric(float64(heap)/(1<<20), "heapMB")
		})
	}
}

// matchHeap is the live heap of a matcher for terms: HeapAlloc after building it, less before,
// each after a collection.
func matchHeap(terms []string) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := NewMatcher(terms)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

func BenchmarkNormalize(b *testing.B) {
	text, _ := matchBenchText()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var out string
	for range b.N {
		out = Normalize(text)
	}
	b.ReportMetric(float64(len(out))/float64(len(text)), "out/in")
}
