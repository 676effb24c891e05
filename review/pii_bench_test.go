package review

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// piiBenchSize is the size of the benchmark texts: about 4 MB.
const piiBenchSize = 4 << 20

// piiBenchPosts are posts of the kind the work groups carry: mostly Chinese, with times,
// dates, amounts, room numbers, and now and then a phone, an ID or a card.
var piiBenchPosts = []string{
	"各位同事，本周五下午三点在五楼大会议室召开季度总结会，请各部门负责人提前准备好汇报材料，会议预计持续两个小时。",
	"【通知】因系统升级，OA平台将于6月20日晚22:00至次日凌晨2:00暂停服务，给大家带来不便，敬请谅解。",
	"报销提醒：本月差旅费报销截止到25号，请把发票原件交到财务室，电子发票请发到财务邮箱，逾期顺延到下个月处理。",
	"收到，我这边马上跟进，今天下班前把修改后的方案发到群里，大家有意见可以直接在文档里批注。",
	"明天上午九点半客户来访，接待安排在二楼洽谈室，行政同事麻烦准备一下茶水和投影设备，谢谢！",
	"请大家注意，近期有冒充领导加好友要求转账的诈骗信息，任何涉及资金往来的要求都要电话核实，切勿轻信。",
	"项目进度更新：前端页面已完成80%，后端接口联调预计下周三完成，测试环境部署安排在下周五。",
	"今年的体检安排在7月10日到7月14日，地点是市第一人民医院体检中心，请按照部门分批前往，体检前一天晚上十点后禁食。",
	"食堂本周菜单已更新，周三中午新增两道川菜，欢迎大家品尝并在小程序里留下意见。",
	"上个季度的销售额为1,286万元，同比增长12.5%，其中华东区贡献最大，感谢各位的辛苦付出！",
	"麻烦@张伟 把昨天会议的纪要整理一下发群里，重点标注一下需要各部门配合的事项和时间节点。",
	"新入职的同事请尽快到人事部办理入职手续，需要携带身份证原件、学历证书和一寸照片两张。",
	"停车场B区本周六进行地面翻修，周六当天请把车停到A区或者地下二层，给大家添麻烦了。",
	"好的，收到，谢谢领导！我们团队会按时完成任务，有问题随时沟通。",
	"关于年度评优的通知：请各部门在本月30日前推荐候选人，每个部门名额不超过2人，推荐表见附件。",
	"周末团建活动报名开始啦，地点在郊区的生态农庄，有烧烤、采摘和拓展训练，报名截止到周三中午十二点。",
	"客户反馈的问题已经定位到了，是缓存配置的问题，修复补丁今晚发布，明早请客服同事回访确认。",
	"下周一开始实行新的考勤制度，上班时间调整为八点半到五点半，中午休息一个半小时，请大家互相转告。",
	"培训通知：6月18日下午两点在三楼培训室进行信息安全培训，全体员工必须参加，请勿迟到。",
	"这个需求我觉得还要再评估一下，涉及到的改动比较大，建议先出一个技术方案，大家讨论后再定排期。",
	"采购申请已经审批通过了，预计下周到货，到货后请仓库同事清点数量并在系统里做入库登记。",
	"提醒一下，办公室最后离开的同事记得关灯、关空调、锁门，上周有两次晚上门没锁的情况。",
	"恭喜市场部的李娜同事喜得千金，大家可以在群里送上祝福，部门会按照规定送上慰问金。",
	"年中述职安排如下：7月3日技术部，7月4日产品部和市场部，7月5日行政和财务，每人汇报时间控制在15分钟以内。",
	"打印机又卡纸了，行政那边能不能联系一下维修师傅，三楼东侧那台已经坏了一周了。",
}

// piiBenchPII are the sentences with personal data in them, mixed in now and then.
var piiBenchPII = []string{
	"有急事可以打我手机13812345678，工作日白天都在。",
	"外地客户的联系方式是+86 139 1234 5678，请销售同事跟进。",
	"报销款请打到我的工资卡6222 0212 3456 7894，户名王芳。",
	"新同事的身份证号11010519491231002X已经录入系统，请人事核对。",
	"座机010-62345678转8021，分机有人值班。",
	"快递单号SF1234567890123请注意查收，订单号20250615000123456789。",
}

// piiBenchProse builds about piiBenchSize bytes of posts, deterministically.
func piiBenchProse() string {
	r := rand.New(rand.NewSource(7))
	var b strings.Builder
	b.Grow(piiBenchSize + 1024)
	for b.Len() < piiBenchSize {
		if r.Intn(20) == 0 {
			b.WriteString(piiBenchPII[r.Intn(len(piiBenchPII))])
		} else {
			b.WriteString(piiBenchPosts[r.Intn(len(piiBenchPosts))])
		}
		if r.Intn(4) == 0 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// piiBenchTable builds about piiBenchSize bytes of tables of numbers: order numbers, dates,
// quantities, amounts, phones, and cards, as pasted from a spreadsheet.
func piiBenchTable() string {
	r := rand.New(rand.NewSource(8))
	var b strings.Builder
	b.Grow(piiBenchSize + 1024)
	b.WriteString("序号\t日期\t订单号\t数量\t单价\t金额\t联系电话\t卡号\n")
	for row := 1; b.Len() < piiBenchSize; row++ {
		phone := fmt.Sprintf("1%d%d %04d %04d", 3+r.Intn(7), r.Intn(10), r.Intn(10000), r.Intn(10000))
		if row%3 == 0 {
			phone = fmt.Sprintf("0%d-%08d", 10+r.Intn(90), r.Intn(100000000))
		}
		card := fmt.Sprintf("6222%04d%04d%04d", r.Intn(10000), r.Intn(10000), r.Intn(10000))
		card = piiBenchLuhn(card[:15])
		fmt.Fprintf(&b, "%d\t2025-%02d-%02d\t%012d\t%d\t%d.%02d\t%d,%03d.%02d\t%s\t%s %s %s %s\n",
			row, 1+r.Intn(12), 1+r.Intn(28), r.Int63n(1e12), 1+r.Intn(500), r.Intn(1000), r.Intn(100),
			r.Intn(1000), r.Intn(1000), r.Intn(100), phone, card[:4], card[4:8], card[8:12], card[12:])
	}
	return b.String()
}

// piiBenchLuhn completes 15 digits to a Luhn-valid 16.
func piiBenchLuhn(p string) string {
	for c := byte('0'); c <= '9'; c++ {
		if s := p + string(c); LuhnValid(s) {
			return s
		}
	}
	return p + "0"
}

func piiBench(b *testing.B, text string) {
	b.Helper()
	piiTestClock(b)
	var dst []PIIMatch
	found := len(FindPII(text, nil))
	if found == 0 {
		b.Fatal("the benchmark text holds no personal data")
	}
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		dst = FindPII(text, dst[:0])
	}
	b.ReportMetric(float64(found), "finds/op")
}

// BenchmarkFindPII scans about 4 MB of Chinese work-group posts.
func BenchmarkFindPII(b *testing.B) { piiBench(b, piiBenchProse()) }

// BenchmarkFindPIIDigitHeavy scans about 4 MB of tables of numbers.
func BenchmarkFindPIIDigitHeavy(b *testing.B) { piiBench(b, piiBenchTable()) }
