package gen

import (
	"strings"
	"unicode/utf8"
)

// Simplified → traditional character pairs (simplified first) for every
// character that differs among those the generator writes.
const tradPairs = "" +
	"万萬与與专專业業东東两兩个個临臨为為丽麗举舉么麼乐樂习習书書乱亂于於云雲亚亞产產" +
	"仅僅优優会會伟偉传傳体體余餘儿兒党黨兰蘭关關内內写寫军軍冯馮冲衝决決况況准準几幾" +
	"凤鳳凯凱击擊划劃刘劉则則刚剛创創别別劝勸办辦务務动動势勢区區华華协協单單卢盧卫衛" +
	"厅廳厉厲压壓参參双雙发發变變叶葉号號后後吕呂吗嗎听聽吴吳员員响響团團园園国國图圖" +
	"场場坏壞块塊墙牆处處备備复復够夠头頭奖獎妆妝妈媽孙孫学學宁寧宝寶实實审審对對导導" +
	"将將尽盡层層届屆属屬岁歲岗崗师師带帶帮幫干幹并並广廣庆慶应應废廢开開异異张張弹彈" +
	"强強归歸录錄征徵径徑态態总總恶惡悦悅愿願户戶执執扩擴扫掃扰擾抢搶护護报報拟擬损損" +
	"换換据據携攜数數斩斬无無旧舊时時昵暱显顯晓曉暂暫朴樸机機杂雜权權条條来來杨楊杰傑" +
	"极極标標栋棟栏欄样樣档檔梦夢检檢楼樓欧歐汇匯沟溝没沒泄洩泽澤洁潔测測涛濤温溫滨濱" +
	"灯燈点點烦煩热熱爱愛独獨环環现現瑶瑤电電画畫畅暢痴癡监監盖蓋盘盤码碼确確离離种種" +
	"积積称稱稳穩笔筆签簽简簡类類紧緊红紅约約级級纪紀纲綱纳納纸紙线線组組细細织織终終" +
	"经經结結给給络絡绝絕统統继繼绩績续續维維综綜编編缴繳网網罗羅职職联聯脑腦脚腳脸臉" +
	"腾騰艳艷苏蘇范範营營蒋蔣补補见見规規视視计計认認训訓议議讯訊记記讲講许許论論设設" +
	"访訪证證评評识識诉訴词詞试試诗詩话話该該详詳语語误誤说說请請诸諸读讀课課谁誰调調" +
	"谢謝谣謠谭譚负負财財责責账賬质質购購费費贾賈资資赔賠赚賺赛賽赞贊赵趙赶趕践踐车車" +
	"轩軒转轉轮輪轻輕载載辆輛辉輝输輸边邊达達迁遷过過运運还還这這进進远遠违違连連选選" +
	"递遞邓鄧邮郵邹鄒郑鄭酱醬采採里裡钉釘钟鐘钱錢银銀销銷错錯长長门門问問间間阅閱阔闊" +
	"队隊阳陽阶階际際陆陸陈陳险險隐隱难難静靜韦韋韩韓项項须須顿頓预預领領频頻颖穎题題" +
	"额額风風飞飛馈饋马馬骂罵验驗骚騷鸣鳴鹏鵬黄黃"

// Word-level exceptions, tried before the character table.
var tradPhrases = []struct{ s, t string }{
	{"回复", "回覆"}, {"答复", "答覆"}, {"复核", "複核"}, {"复制", "複製"},
	{"复印", "複印"}, {"重复", "重複"}, {"复习", "複習"}, {"联系", "聯繫"},
	{"关系", "關係"}, {"若干", "若干"}, {"干净", "乾淨"}, {"本周", "本週"},
	{"上周", "上週"}, {"下周", "下週"}, {"每周", "每週"}, {"周报", "週報"},
	{"周例会", "週例會"}, {"周末", "週末"}, {"汇编", "彙編"}, {"汇总", "彙總"},
	{"批准", "批准"}, {"一只", "一隻"},
}

const (
	hanLo = 0x4e00
	hanHi = 0x9fff
)

var (
	tradTable   [hanHi - hanLo + 1]rune
	phraseStart [hanHi - hanLo + 1]bool
)

func init() {
	rs := []rune(tradPairs)
	if len(rs)%2 != 0 {
		panic("gen: odd tradPairs")
	}
	for i := 0; i < len(rs); i += 2 {
		tradTable[rs[i]-hanLo] = rs[i+1]
	}
	for _, p := range tradPhrases {
		c, _ := utf8.DecodeRuneInString(p.s)
		phraseStart[c-hanLo] = true
	}
}

// appendTrad appends s converted to traditional characters.
func appendTrad[T ~string | ~[]byte](b []byte, s T) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			b = append(b, c)
			i++
			continue
		}
		r, n := decodeRune(s, i)
		if r >= hanLo && r <= hanHi {
			if phraseStart[r-hanLo] {
				matched := false
				for _, p := range tradPhrases {
					if len(s)-i >= len(p.s) && string(s[i:i+len(p.s)]) == p.s {
						b = append(b, p.t...)
						i += len(p.s)
						matched = true
						break
					}
				}
				if matched {
					continue
				}
			}
			if t := tradTable[r-hanLo]; t != 0 {
				b = utf8.AppendRune(b, t)
				i += n
				continue
			}
		}
		b = append(b, s[i:i+n]...)
		i += n
	}
	return b
}

// decodeRune decodes the UTF-8 sequence at s[i]; malformed input yields
// (RuneError, 1).
func decodeRune[T ~string | ~[]byte](s T, i int) (rune, int) {
	c := s[i]
	switch {
	case c < 0x80:
		return rune(c), 1
	case c >= 0xc0 && c < 0xe0 && i+1 < len(s):
		return rune(c&0x1f)<<6 | rune(s[i+1]&0x3f), 2
	case c >= 0xe0 && c < 0xf0 && i+2 < len(s):
		return rune(c&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f), 3
	case c >= 0xf0 && i+3 < len(s):
		return rune(c&0x07)<<18 | rune(s[i+1]&0x3f)<<12 | rune(s[i+2]&0x3f)<<6 | rune(s[i+3]&0x3f), 4
	}
	return utf8.RuneError, 1
}

// toTrad returns s in traditional characters.
func toTrad(s string) string {
	return string(appendTrad(make([]byte, 0, len(s)+8), s))
}

// Surnames keep their own traditional forms: 于, 余, 范 and 朴 are distinct
// surnames, not the simplified forms of 於, 餘, 範 and 樸; 钟 is 鍾.
func tradSurname(s string) string {
	switch s {
	case "于", "余", "范", "朴":
		return s
	case "钟":
		return "鍾"
	}
	return toTrad(s)
}

// convertTrad rewrites the composed post in traditional characters.
func (g *gen) convertTrad() {
	g.tmp = appendTrad(g.tmp[:0], g.title)
	g.title = append(g.title[:0], g.tmp...)
	g.tmp = appendTrad(g.tmp[:0], g.body)
	g.body = append(g.body[:0], g.tmp...)
	for i, a := range g.att {
		if strings.IndexFunc(a, func(r rune) bool { return r >= hanLo && r <= hanHi }) >= 0 {
			g.att[i] = toTrad(a)
		}
	}
}
