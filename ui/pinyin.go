package ui

import (
	"math/bits"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// Pinyin lets a query of Latin letters find Chinese text: 张伟 is found by its full pinyin
// "zhangwei", its initials "zw", or anything between ("zhangw", "zhw"). A text's pinyin key
// ("zhang wei") is made once; characters are read by go-pinyin (one reading each, no tones),
// except that a surname at the head of a name is read as a surname (曾 zeng, 单 shan, 尉迟
// yuchi), which the dictionary's first reading often is not.

var pyArgs = pinyin.Args{Style: pinyin.Normal}

// pyMemo remembers the reading of each character: go-pinyin spends microseconds on one
// (a dictionary lookup, a split, regular expressions), a map read is tens of nanoseconds.
var pyMemo = struct {
	sync.RWMutex
	m map[rune]string
}{m: map[rune]string{}}

// runePinyin is the reading of a Han character, "" when go-pinyin has none.
func runePinyin(r rune) string {
	pyMemo.RLock()
	s, ok := pyMemo.m[r]
	pyMemo.RUnlock()
	if ok {
		return s
	}
	if p := pinyin.SinglePinyin(r, pyArgs); len(p) > 0 {
		s = p[0]
	}
	pyMemo.Lock()
	pyMemo.m[r] = s
	pyMemo.Unlock()
	return s
}

// surname1 are single surnames read otherwise than the character's usual reading (and a few
// whose usual reading go-pinyin does not give first), simplified and traditional.
var surname1 = map[rune]string{
	'曾': "zeng", '单': "shan", '單': "shan", '解': "xie", '仇': "qiu", '朴': "piao",
	'查': "zha", '乐': "yue", '樂': "yue", '区': "ou", '區': "ou", '盖': "ge", '蓋': "ge",
	'覃': "qin", '缪': "miao", '繆': "miao", '翟': "zhai", '阚': "kan", '闞': "kan",
	'秘': "bi", '召': "shao", '句': "gou", '粘': "nian", '隗': "wei", '员': "yun", '員': "yun",
	'种': "chong", '種': "chong", '繁': "po", '折': "she", '薄': "bo", '能': "nai",
	'宿': "su", '尉': "wei", '长': "chang", '長': "chang", '重': "chong", '朝': "chao",
	'藏': "zang", '卜': "bu", '贲': "ben", '賁': "ben", '蕃': "pi", '牟': "mou", '祭': "zhai",
	'沈': "shen", '柏': "bai", '华': "hua", '華': "hua", '冼': "xian", '洗': "xian",
}

// surname2 are double surnames, by their two characters.
var surname2 = map[string][2]string{
	"欧阳": {"ou", "yang"}, "歐陽": {"ou", "yang"}, "司马": {"si", "ma"}, "司馬": {"si", "ma"},
	"诸葛": {"zhu", "ge"}, "諸葛": {"zhu", "ge"}, "上官": {"shang", "guan"},
	"尉迟": {"yu", "chi"}, "尉遲": {"yu", "chi"}, "万俟": {"mo", "qi"}, "萬俟": {"mo", "qi"},
	"长孙": {"zhang", "sun"}, "長孫": {"zhang", "sun"}, "令狐": {"ling", "hu"},
	"皇甫": {"huang", "fu"}, "慕容": {"mu", "rong"}, "司徒": {"si", "tu"},
	"东方": {"dong", "fang"}, "東方": {"dong", "fang"}, "夏侯": {"xia", "hou"},
	"公孙": {"gong", "sun"}, "公孫": {"gong", "sun"}, "宇文": {"yu", "wen"},
	"呼延": {"hu", "yan"}, "端木": {"duan", "mu"}, "轩辕": {"xuan", "yuan"}, "軒轅": {"xuan", "yuan"},
	"南宫": {"nan", "gong"}, "南宮": {"nan", "gong"}, "西门": {"xi", "men"}, "西門": {"xi", "men"},
	"独孤": {"du", "gu"}, "獨孤": {"du", "gu"}, "澹台": {"tan", "tai"}, "澹臺": {"tan", "tai"},
	"濮阳": {"pu", "yang"}, "濮陽": {"pu", "yang"}, "钟离": {"zhong", "li"}, "鍾離": {"zhong", "li"},
	"赫连": {"he", "lian"}, "赫連": {"he", "lian"}, "拓跋": {"tuo", "ba"}, "闻人": {"wen", "ren"},
	"聞人": {"wen", "ren"}, "太史": {"tai", "shi"}, "申屠": {"shen", "tu"}, "宗政": {"zong", "zheng"},
	"公冶": {"gong", "ye"}, "左丘": {"zuo", "qiu"}, "谷梁": {"gu", "liang"}, "穀梁": {"gu", "liang"},
	"乐正": {"yue", "zheng"}, "樂正": {"yue", "zheng"}, "亓官": {"qi", "guan"},
}

func isHan(r rune) bool { return r >= 0x2E80 && unicode.Is(unicode.Han, r) }

// hasHan reports whether s holds a Han character.
func hasHan(s string) bool {
	for _, r := range s {
		if isHan(r) {
			return true
		}
	}
	return false
}

// nameRun reports whether the Han characters rs[i:j] may be a name: two to four of them (five
// with a double surname), at the start or the end of the text, with nothing Han around them.
// The whole of "曾志强" is one, and so is the name in "第一党支部-曾志强" or "曾志强(办公室)";
// the head of a title such as "单位会议通知安排" is not.
func nameRun(rs []rune, i, j int) bool {
	n := j - i
	if n < 2 || n > 5 || (i > 0 && j < len(rs)) {
		return false
	}
	if n == 5 {
		_, ok := surname2[string(rs[i:i+2])]
		return ok
	}
	return true
}

// maxPinyinText is the longest text, in characters, given a pinyin key: names, titles and
// the like, not whole posts.
const maxPinyinText = 40

// pinyinKey is the pinyin of a text holding Han characters: the reading of each character,
// in lower case, separated by spaces, with each run of ASCII letters and digits as one more
// word: "曾志强" → "zeng zhi qiang", "Team3 张伟" → "team3 zhang wei". Other characters are
// left out. It is "" when the text has no Han character, or is longer than maxPinyinText.
func pinyinKey(s string) string {
	if len(s) > 4*maxPinyinText || utf8.RuneCountInString(s) > maxPinyinText || !hasHan(s) {
		return ""
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(rs) * 5)
	word := false // within a run of ASCII letters and digits
	add := func(py string) {
		if py != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(py)
		}
		word = false
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		if !isHan(r) {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
				if !word && b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteRune(unicode.ToLower(r))
				word = true
			default:
				word = false
			}
			i++
			continue
		}
		j := i
		for j < len(rs) && isHan(rs[j]) {
			j++
		}
		if nameRun(rs, i, j) {
			if two, ok := surname2[string(rs[i:i+2])]; ok {
				add(two[0])
				add(two[1])
				i += 2
			} else if one, ok := surname1[rs[i]]; ok {
				add(one)
				i++
			}
		}
		for ; i < j; i++ {
			add(runePinyin(rs[i]))
		}
	}
	return b.String()
}

// maxPinyinQuery is the longest query, in letters, matched with pinyin.
const maxPinyinQuery = 63

// pinyinMatch tells whether a query of lower-case letters, cut in parts, is the beginning of
// consecutive words of a pinyin key, each part of one word: "zw", "zhangw" and "zhangwei" of
// "zhang wei", "wfy" of "di san dang zhi bu wang feng ying". The match starting at the
// earliest word counts, with the fewest words; its score is 10 when it starts at the first
// word, plus 5 a word matched, less 1 a word of the key not matched.
func pinyinMatch(q, key string) (score int, ok bool) {
	if len(q) == 0 || len(q) > maxPinyinQuery {
		return 0, false
	}
	done := uint64(1) << len(q)
	for i := 0; i < len(key); i++ {
		j := strings.IndexByte(key[i:], q[0])
		if j < 0 {
			break
		}
		if i += j; i > 0 && key[i-1] != ' ' {
			continue
		}
		// at has bit j when q[:j] is matched by the words so far from the one at i
		at := uint64(1)
		for k, a := 1, i; at != 0 && a < len(key); k++ {
			b := strings.IndexByte(key[a:], ' ')
			if b < 0 {
				b = len(key) - a
			}
			w := key[a : a+b]
			var next uint64
			for m := at; m != 0; m &= m - 1 {
				j := bits.TrailingZeros64(m)
				for l := 0; l < len(w) && j+l < len(q) && q[j+l] == w[l]; l++ {
					next |= 1 << (j + l + 1)
				}
			}
			if next&done != 0 {
				n := strings.Count(key, " ") + 1
				score = 5*k - (n - k)
				if i == 0 {
					score += 10
				}
				return score, true
			}
			at, a = next, a+b+1
		}
	}
	return 0, false
}
