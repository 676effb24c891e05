package gen

import "math/rand/v2"

// Surnames with weights roughly proportional to their share of the
// population (per 10,000 people), followed by a handful of rarer ones whose
// reading or rendering is a known trap for software: 曾 (zēng), 单 (shàn),
// 解 (xiè), 仇 (qiú), 朴 (piáo), 查 (zhā), 乐 (yuè), and some compound
// surnames.
var surnameTable = []struct {
	s string
	w int
}{
	{"王", 710}, {"李", 700}, {"张", 680}, {"刘", 540}, {"陈", 460},
	{"杨", 310}, {"黄", 220}, {"赵", 200}, {"吴", 200}, {"周", 190},
	{"徐", 130}, {"孙", 130}, {"马", 110}, {"朱", 110}, {"胡", 110},
	{"郭", 110}, {"何", 100}, {"高", 100}, {"林", 96}, {"罗", 86},
	{"郑", 83}, {"梁", 83}, {"谢", 60}, {"宋", 60}, {"唐", 58},
	{"许", 56}, {"韩", 55}, {"冯", 54}, {"邓", 53}, {"曹", 52},
	{"彭", 51}, {"曾", 30}, {"肖", 48}, {"田", 47}, {"董", 46},
	{"袁", 45}, {"潘", 44}, {"于", 43}, {"蒋", 42}, {"蔡", 41},
	{"余", 40}, {"杜", 39}, {"叶", 38}, {"程", 37}, {"苏", 36},
	{"魏", 35}, {"吕", 34}, {"丁", 33}, {"任", 32}, {"沈", 31},
	{"姚", 30}, {"卢", 29}, {"姜", 28}, {"崔", 27}, {"钟", 26},
	{"谭", 25}, {"陆", 24}, {"汪", 23}, {"范", 22}, {"金", 21},
	{"石", 20}, {"廖", 19}, {"贾", 18}, {"夏", 17}, {"韦", 16},
	{"付", 15}, {"方", 15}, {"白", 14}, {"邹", 14}, {"孟", 13},
	{"熊", 13}, {"秦", 12}, {"邱", 12}, {"江", 11}, {"尹", 11},
	{"薛", 10}, {"单", 6}, {"解", 5}, {"仇", 3}, {"朴", 3},
	{"查", 4}, {"乐", 4}, {"欧阳", 20}, {"司马", 10}, {"诸葛", 8},
	{"上官", 6}, {"司徒", 6},
}

// trickySurnames are guaranteed to appear: every 50th member (offset 17)
// takes the next one of these in turn.
var trickySurnames = []string{"曾", "单", "解", "仇", "朴", "查", "乐"}

var surnameCum, surnameTotal = func() ([]int, int) {
	c := make([]int, len(surnameTable))
	t := 0
	for i, s := range surnameTable {
		t += s.w
		c[i] = t
	}
	return c, t
}()

func pickSurname(r *rand.Rand) string {
	x := r.IntN(surnameTotal)
	lo, hi := 0, len(surnameCum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if surnameCum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return surnameTable[lo].s
}

var givenSingle = []string{
	"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平",
	"辉", "鹏", "华", "飞", "鑫", "波", "宁", "浩", "宇", "俊", "凯", "健",
	"晨", "博", "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲",
	"婷", "雪", "慧", "颖", "琳", "倩", "洁", "萍", "红", "梅", "丹", "晶",
	"璐", "欣", "怡", "悦", "琦", "蕾", "峰", "亮", "毅", "帆",
}

var givenDouble = []string{
	"建国", "建华", "建军", "建平", "志强", "志明", "志刚", "志勇", "国庆",
	"国华", "国强", "海燕", "海涛", "海波", "永刚", "永红", "春梅", "春华",
	"晓东", "晓燕", "晓明", "晓峰", "玉兰", "玉梅", "秀英", "秀兰", "秀珍",
	"桂英", "桂芳", "丽华", "丽娟", "丽萍", "小红", "子涵", "雨轩", "思远",
	"梓萱", "浩然", "一鸣", "欣怡", "嘉怡", "俊杰", "家豪", "明辉", "文静",
	"立新", "振华", "天宇", "金凤", "德明", "宏伟", "美玲", "淑芬", "慧敏",
	"婉婷", "雅琴", "晨曦", "佳琪", "诗涵", "宇航", "子轩", "博文", "昊天",
	"梦瑶", "欣然", "红梅", "卫东", "亚军", "凤英", "冬梅", "学军", "文华",
	"红霞", "艳芳", "婷婷", "丹丹", "亚楠", "思琪", "雨桐", "子墨", "浩宇",
	"雅静", "梦琪", "佳怡", "明杰", "文博", "少华", "振国", "立军", "卫国",
	"新民", "爱华", "秋菊", "月娥", "书涵", "静怡", "泽宇", "俊峰", "晓丽",
}

// Nicknames that ignore the group's naming rule.
var freeNicknames = []string{
	"静待花开", "岁月静好", "阳光总在风雨后", "海阔天空", "淡定", "向日葵",
	"风轻云淡", "知足常乐", "平安是福", "追梦人", "老兵", "一路向北",
	"Tony", "Lisa", "Kevin", "Sunny", "Amy", "Jack", "Coco", "David",
}

var nickEmoji = []string{"🌸", "🍀", "🌻", "☀️", "🌈", "🐟", "🌙", "⭐"}

var nickTitles = []string{"总", "工", "姐", "哥", "老师", "主任"}

// nickname builds a member's group nickname. ok reports whether it follows the
// group's rule (decided by the caller); name is the member's displayed name.
func nickname(r *rand.Rand, rule, branch, other, surname, given, name string, ok bool) string {
	if ok {
		switch rule {
		case "name":
			return name
		default: // branch+name, dept+name
			if r.IntN(10) < 6 {
				return branch + "-" + name
			}
			return branch + name
		}
	}
	switch r.IntN(7) {
	case 0:
		// Emoji plus a pet form of the given name.
		g := given
		if n := len([]rune(given)); n > 1 {
			g = string([]rune(given)[n-1:])
		}
		return nickEmoji[r.IntN(len(nickEmoji))] + "小" + g
	case 1:
		return freeNicknames[r.IntN(len(freeNicknames))]
	case 2:
		if rule != "name" {
			return name // plain name where a prefix is required
		}
		return "A." + surname + nickTitles[r.IntN(len(nickTitles))]
	case 3:
		return "A." + surname + nickTitles[r.IntN(len(nickTitles))]
	case 4:
		if rule != "name" && other != "" && other != branch {
			return other + "-" + name // wrong branch / department
		}
		return "老" + surname
	case 5:
		if rule != "name" {
			return name + "-" + branch // reversed order
		}
		return name + "（" + branch + "）"
	default:
		return surname + nickTitles[r.IntN(len(nickTitles))]
	}
}
