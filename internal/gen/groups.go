package gen

const (
	kParty = iota
	kWork
	kStreet
	kCity
	kProject
	nKinds
)

var kindNames = [nKinds]string{"party", "work", "street", "city", "project"}

// Group kinds are assigned in kind order for the first five groups; the
// extra groups cycle through extraKinds.
var extraKinds = []int{kParty, kWork, kProject, kStreet, kCity}

type groupSpec struct {
	name       string
	branch     string // the group's own unit
	purpose    string
	approvedBy string
	signer     string // who signs official notices
	platform   string
	rule       string   // nickname rule
	branches   []string // member branches / departments / units
	mainShare  float64  // share of members in branches[0]; 0 = uniform
	activity   float64  // posting activity factor
	partyShare float64  // share of party members
	sizeWeight float64
	salutation string // how notices address the group
	meeting    []string
	place      []string
	attendees  []string
	agenda     []string
	project    string   // project name (project groups)
	ptask      []string // project progress items
	pissue     []string // project problems
}

var specs = [nKinds][]groupSpec{
	kParty: {
		{
			name: "第三党支部党员群", branch: "第三党支部",
			purpose:    "第三党支部党员学习教育、组织生活通知和党务工作交流",
			approvedBy: "机关党委", signer: "第三党支部", platform: "wechat",
			rule:      "branch+name",
			branches:  []string{"第三党支部", "第一党支部", "机关第二党支部"},
			mainShare: 0.92,
		},
		{
			name: "机关党委党员群", branch: "机关党委",
			purpose:    "机关党委传达上级精神、部署党建工作和收集各支部材料",
			approvedBy: "局党组", signer: "机关党委", platform: "dingtalk",
			rule: "branch+name",
			branches: []string{"第一党支部", "第二党支部", "第三党支部", "第四党支部",
				"第五党支部", "机关第二党支部", "离退休干部党支部"},
		},
		{
			name: "第一党支部党员群", branch: "第一党支部",
			purpose:    "第一党支部“三会一课”通知、学习资料分享和党费收缴",
			approvedBy: "机关党委", signer: "第一党支部", platform: "wechat",
			rule:      "branch+name",
			branches:  []string{"第一党支部", "第二党支部"},
			mainShare: 0.9,
		},
		{
			name: "机关第二党支部党员群", branch: "机关第二党支部",
			purpose:    "机关第二党支部组织生活安排和党员教育管理",
			approvedBy: "机关党委", signer: "机关第二党支部", platform: "wecom",
			rule:      "branch+name",
			branches:  []string{"机关第二党支部", "第四党支部"},
			mainShare: 0.9,
		},
	},
	kWork: {
		{
			name: "局机关部门工作群", branch: "局机关",
			purpose:    "机关各科室日常工作安排、材料报送和信息沟通",
			approvedBy: "局办公室", signer: "局办公室", platform: "wecom",
			rule: "dept+name",
			branches: []string{"办公室", "财务科", "人事科", "宣传部", "法规科",
				"信息中心", "业务一科", "业务二科"},
		},
		{
			name: "财务科工作群", branch: "财务科",
			purpose:    "财务科内部工作安排、报销审核和预算执行沟通",
			approvedBy: "局办公室", signer: "财务科", platform: "wecom",
			rule:      "dept+name",
			branches:  []string{"财务科", "办公室", "审计科"},
			mainShare: 0.85,
		},
	},
	kStreet: {
		{
			name: "东湖街道社区工作群", branch: "东湖街道",
			purpose:    "社区网格化管理、民生服务事项通知和工作调度",
			approvedBy: "东湖街道党工委", signer: "东湖街道办事处", platform: "wechat",
			rule: "dept+name",
			branches: []string{"社区网格一组", "社区网格二组", "社区网格三组",
				"社区网格四组", "社区网格五组", "综治办", "民政办", "城管中队", "党建办"},
		},
		{
			name: "西城街道网格工作群", branch: "西城街道",
			purpose:    "西城街道网格员日常走访、隐患上报和任务派发",
			approvedBy: "西城街道党工委", signer: "西城街道办事处", platform: "wechat",
			rule: "dept+name",
			branches: []string{"网格一组", "网格二组", "网格三组", "网格四组",
				"综治办", "应急办"},
		},
	},
	kCity: {
		{
			name: "市直单位信息报送工作群", branch: "市直机关工委",
			purpose:    "市直各单位政务信息报送、工作调度和通知传达",
			approvedBy: "市委办公室", signer: "市直机关工委", platform: "dingtalk",
			rule: "dept+name",
			branches: []string{"市教育局", "市卫健委", "市住建局", "市民政局",
				"市人社局", "市财政局", "市生态环境局", "市交通运输局",
				"市市场监管局", "市文旅局"},
		},
		{
			name: "市直单位安全生产工作群", branch: "市应急管理局",
			purpose:    "市直单位安全生产检查部署、隐患整改和值班值守",
			approvedBy: "市安委办", signer: "市安委办", platform: "wecom",
			rule: "dept+name",
			branches: []string{"市应急管理局", "市住建局", "市交通运输局",
				"市教育局", "市商务局", "市消防救援支队"},
		},
	},
	kProject: {
		{
			name: "智慧政务平台建设项目群", branch: "信息中心",
			purpose:    "智慧政务平台建设需求对接、测试和验收",
			approvedBy: "局信息化领导小组", signer: "项目组", platform: "qq",
			rule:     "name",
			branches: []string{"信息中心", "承建单位", "监理单位", "财务科", "办公室"},
			project:  "智慧政务平台",
			ptask: []string{"完成统一身份认证模块联调", "完成{n}个事项的办事指南录入",
				"修复测试发现的问题{n}个", "完成电子证照接口对接", "完成压力测试和安全扫描",
				"完成数据迁移脚本编写"},
			pissue: []string{"部分接口文档与实际不一致", "测试环境网络不稳定",
				"个别需求变更未走审批流程", "部分业务科室测试反馈不及时"},
		},
		{
			name: "老旧小区改造项目群", branch: "城建项目部",
			purpose:    "东湖片区老旧小区改造项目进度协调和现场问题对接",
			approvedBy: "局分管领导", signer: "项目部", platform: "wechat",
			rule:     "name",
			branches: []string{"建设单位", "施工单位", "监理单位", "设计院", "东湖街道"},
			project:  "东湖片区老旧小区改造",
			ptask: []string{"完成{n}号楼外墙保温施工", "完成雨污管网改造{N}米",
				"完成{n}号楼屋面防水", "完成小区道路破除{N}平方米", "组织安全文明施工检查1次",
				"完成{n}个单元楼道粉刷"},
			pissue: []string{"连续降雨影响外墙作业", "部分居民对施工噪音有意见",
				"个别住户阳台违建影响脚手架搭设", "材料进场车辆通行受限"},
		},
	},
}

// Per-kind settings shared by all specs of that kind.
func init() {
	for k := range specs {
		for i := range specs[k] {
			s := &specs[k][i]
			switch k {
			case kParty:
				s.activity, s.partyShare, s.sizeWeight = 0.8, 0.96, 1.0
				s.salutation = "各位党员同志"
				s.meeting = []string{"召开支部党员大会", "开展主题党日活动", "召开专题组织生活会",
					"召开支委会", "开展“三会一课”集中学习", "召开民主评议党员会议", "讲授专题党课"}
				s.place = []string{"机关三楼党员活动室", "党群服务中心二楼会议室", "线上（腾讯会议）", "五楼小会议室"}
				s.attendees = []string{"全体党员", "支委委员", "全体党员及入党积极分子"}
				s.agenda = []string{"主要内容：传达学习上级文件精神，开展批评与自我批评，收缴党费",
					"议程：一是集中学习；二是交流发言；三是部署下阶段支部工作",
					"主要内容：学习党章党规，通报近期党员发展情况"}
			case kWork:
				s.activity, s.partyShare, s.sizeWeight = 1.5, 0.5, 0.8
				s.salutation = "各科室"
				s.meeting = []string{"召开机关周例会", "召开重点工作推进会", "举办业务培训会",
					"召开季度工作总结会", "召开安全生产工作会议"}
				s.place = []string{"三楼第一会议室", "五楼小会议室", "局机关大会议室"}
				s.attendees = []string{"各科室负责人", "全体干部职工", "各科室分管领导及联络员"}
				s.agenda = []string{"主要内容：总结上周工作，部署本周重点任务",
					"主要内容：通报重点工作进展，研究解决存在问题",
					"主要内容：学习业务知识，交流工作经验"}
			case kStreet:
				s.activity, s.partyShare, s.sizeWeight = 1.3, 0.35, 1.6
				s.salutation = "各网格员"
				s.meeting = []string{"召开网格员工作例会", "召开防汛值班部署会", "召开垃圾分类推进会",
					"召开社区议事协商会", "召开创文迎检工作会"}
				s.place = []string{"街道办二楼会议室", "社区新时代文明实践站", "社区党群服务中心"}
				s.attendees = []string{"各网格员", "各社区书记、主任", "各网格长及网格员"}
				s.agenda = []string{"主要内容：通报近期网格走访情况，部署安全隐患排查工作",
					"主要内容：部署防汛值班和应急物资准备",
					"主要内容：研究解决居民反映的热点问题"}
			case kCity:
				s.activity, s.partyShare, s.sizeWeight = 1.0, 0.55, 1.4
				s.salutation = "各单位"
				s.meeting = []string{"召开信息报送工作培训会", "召开政务公开工作推进会",
					"召开数据报送调度会", "举办档案管理业务培训"}
				s.place = []string{"市政府大楼A座502会议室", "市民中心三楼多功能厅", "线上（钉钉视频会议）"}
				s.attendees = []string{"各单位信息员", "各单位分管领导", "各单位办公室主任"}
				s.agenda = []string{"主要内容：通报上月信息报送情况，培训新版报送系统操作",
					"主要内容：通报考核情况，部署下阶段重点工作",
					"主要内容：解读相关文件要求，交流工作经验"}
			case kProject:
				s.activity, s.partyShare, s.sizeWeight = 1.2, 0.15, 0.7
				s.salutation = "各参建单位"
				s.meeting = []string{"召开工程例会", "召开监理例会", "召开进度协调会",
					"开展安全文明施工检查", "召开阶段验收准备会"}
				s.place = []string{"项目部会议室", "施工现场临时会议室", "信息中心机房会议室"}
				s.attendees = []string{"建设、施工、监理单位负责人", "各参建单位项目负责人", "项目组全体成员"}
				s.agenda = []string{"主要内容：通报工程进度，协调解决现场问题",
					"主要内容：检查上周问题整改落实情况，安排下周工作",
					"主要内容：核对阶段成果，明确验收材料清单"}
			}
		}
	}
}
