package ingest

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Generators of realistic exports, for benchmarks and for the memory tests of the importer:
// Chinese work-group talk, a few dozen senders, service messages, entity arrays, media. The
// same arguments always write the same bytes.

var sampleNames = []string{
	"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄志强", "周婷", "吴刚",
	"徐丽", "孙建国", "马晓燕", "朱军", "胡秀英", "郭涛", "何欢", "高峰", "林晓东", "罗雪梅",
	"社区网格员小郑", "街道办 王主任", "第三支部 李书记", "🌸 春天",
}

var sampleTexts = []string{
	"各位同志，本周五下午三点在三楼会议室召开支部党员大会，请准时参加。",
	"收到",
	"收到，准时参加。",
	"请各网格员于今天下班前报送本周走访情况统计表。",
	"关于开展2024年度民主评议党员工作的通知已经发到邮箱，请大家查收。",
	"好的，马上处理",
	"明天上午社区有志愿服务活动，需要5名志愿者，有空的请接龙。",
	"接龙：1. 张伟 2. 王芳 3. 李娜",
	"今天的学习材料是《关于加强基层治理体系和治理能力现代化建设的意见》，请大家认真学习并做好笔记。",
	"提醒一下，党费请在本月25日前交齐。",
	"会议纪要已整理完毕，附件请查收，有意见请在周三前反馈。",
	"辛苦了👍",
	"请问下周的防汛值班表出来了吗？",
	"已出，见群公告。",
	"各位，明天降温，外出走访注意保暖。",
	"刚才的通知有一处错误：时间应为下午两点半，不是三点，特此更正。",
	"收到，谢谢提醒🙏",
	"本月主题党日活动拟定为参观革命纪念馆，请各小组长统计参加人数。",
	"第二小组共8人参加。",
	"老旧小区改造项目的居民意见征集表今天必须交回，还没交的抓紧。",
	"好的👌",
	"请大家不要在群里发与工作无关的内容，谢谢配合。",
	"周报模板更新了，以后统一用新模板：部门＋姓名＋日期。",
	"明白",
	"节前安全检查分三组进行，具体分工如下：\n一组：东片区\n二组：西片区\n三组：商业街",
}

var sampleFiles = []string{"会议纪要.docx", "走访情况统计表.xlsx", "学习材料.pdf", "值班表.xlsx", "通知.pdf"}

type sampleWriter struct {
	w   *bufio.Writer
	err error
}

func (s *sampleWriter) str(v string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(v)
	}
}

// quote writes v as a JSON string the way Telegram Desktop and qq-chat-exporter write them:
// UTF-8 as it is, quotes, backslashes and control characters escaped.
func (s *sampleWriter) quote(v string) {
	s.str(`"`)
	start := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		var esc string
		switch {
		case c == '"':
			esc = `\"`
		case c == '\\':
			esc = `\\`
		case c == '\n':
			esc = `\n`
		case c == '\r':
			esc = `\r`
		case c == '\t':
			esc = `\t`
		case c < 0x20:
			esc = `\u00` + strconv.FormatUint(uint64(c)>>4, 16) + strconv.FormatUint(uint64(c)&15, 16)
		default:
			continue
		}
		s.str(v[start:i])
		s.str(esc)
		start = i + 1
	}
	s.str(v[start:])
	s.str(`"`)
}

func (s *sampleWriter) field(indent, key string, first bool) {
	if !first {
		s.str(",")
	}
	s.str("\n")
	s.str(indent)
	s.str(`"`)
	s.str(key)
	s.str(`": `)
}

// WriteTelegramSample writes a Telegram Desktop export of one chat (id chatID) with the given
// number of messages, laid out as Telegram Desktop lays it out: about 330 bytes a message.
func WriteTelegramSample(w io.Writer, chatID int64, messages int, seed int64) error {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(chatID)))
	s := &sampleWriter{w: bufio.NewWriterSize(w, 256<<10)}
	s.str("{")
	s.field(" ", "name", true)
	s.quote("第三党支部工作群")
	s.field(" ", "type", false)
	s.quote("private_supergroup")
	s.field(" ", "id", false)
	s.str(strconv.FormatInt(chatID, 10))
	s.field(" ", "messages", false)
	s.str("[")
	t := time.Date(2024, 3, 1, 8, 30, 0, 0, China)
	const in = "   "
	for i := 1; i <= messages; i++ {
		t = t.Add(time.Duration(5+rng.IntN(300)) * time.Second)
		if i > 1 {
			s.str(",")
		}
		s.str("\n  {")
		s.field(in, "id", true)
		s.str(strconv.Itoa(i))
		who := rng.IntN(len(sampleNames))
		name, uid := sampleNames[who], "user"+strconv.Itoa(100001+who*7919)
		r := rng.IntN(1000)
		service := r < 30
		s.field(in, "type", false)
		if service {
			s.quote("service")
		} else {
			s.quote("message")
		}
		s.field(in, "date", false)
		s.quote(t.Format("2006-01-02T15:04:05"))
		s.field(in, "date_unixtime", false)
		s.quote(strconv.FormatInt(t.Unix(), 10))
		if service {
			s.field(in, "actor", false)
			s.quote(name)
			s.field(in, "actor_id", false)
			s.quote(uid)
			s.field(in, "action", false)
			switch {
			case r < 10:
				s.quote("join_group_by_link")
				s.field(in, "inviter", false)
				s.quote("第三支部 李书记")
			case r < 18:
				s.quote("invite_members")
				s.field(in, "members", false)
				s.str("[\n    ")
				s.quote(sampleNames[rng.IntN(len(sampleNames))])
				s.str("\n   ]")
			case r < 22:
				s.quote("remove_members")
				s.field(in, "members", false)
				s.str("[\n    ")
				s.quote(sampleNames[rng.IntN(len(sampleNames))])
				s.str("\n   ]")
			default:
				s.quote("pin_message")
				s.field(in, "message_id", false)
				s.str(strconv.Itoa(max(1, i-1-rng.IntN(min(i, 50)))))
			}
			s.field(in, "text", false)
			s.str(`""`)
			s.field(in, "text_entities", false)
			s.str("[]")
			s.str("\n  }")
			continue
		}
		if r < 80 {
			s.field(in, "edited", false)
			e := t.Add(time.Duration(30+rng.IntN(600)) * time.Second)
			s.quote(e.Format("2006-01-02T15:04:05"))
			s.field(in, "edited_unixtime", false)
			s.quote(strconv.FormatInt(e.Unix(), 10))
		}
		s.field(in, "from", false)
		s.quote(name)
		s.field(in, "from_id", false)
		s.quote(uid)
		if r >= 80 && r < 110 {
			s.field(in, "forwarded_from", false)
			s.quote("市委组织部")
		}
		if r >= 110 && r < 200 && i > 1 {
			s.field(in, "reply_to_message_id", false)
			s.str(strconv.Itoa(i - 1 - rng.IntN(min(i-1, 20))))
		}
		switch {
		case r >= 200 && r < 240:
			s.field(in, "photo", false)
			s.quote("photos/photo_" + strconv.Itoa(i) + "@" + t.Format("02-01-2006_15-04-05") + ".jpg")
			s.field(in, "width", false)
			s.str("1280")
			s.field(in, "height", false)
			s.str("960")
		case r >= 240 && r < 260:
			f := sampleFiles[rng.IntN(len(sampleFiles))]
			s.field(in, "file", false)
			s.quote("files/" + f)
			s.field(in, "file_name", false)
			s.quote(f)
			s.field(in, "mime_type", false)
			s.quote("application/octet-stream")
		case r >= 260 && r < 270:
			s.field(in, "file", false)
			s.quote("stickers/sticker.webp")
			s.field(in, "media_type", false)
			s.quote("sticker")
			s.field(in, "sticker_emoji", false)
			s.quote("👍")
		case r >= 270 && r < 280:
			s.field(in, "file", false)
			s.quote("voice_messages/audio_" + strconv.Itoa(i) + ".ogg")
			s.field(in, "media_type", false)
			s.quote("voice_message")
			s.field(in, "mime_type", false)
			s.quote("audio/ogg")
			s.field(in, "duration_seconds", false)
			s.str(strconv.Itoa(1 + rng.IntN(60)))
		}
		text := sampleTexts[rng.IntN(len(sampleTexts))]
		if r >= 260 && r < 280 {
			text = ""
		}
		if r >= 280 && r < 360 {
			// A text with entities: a mention, a bold phrase and a link.
			parts := [][2]string{
				{"mention", "@" + sampleNames[rng.IntN(len(sampleNames))]},
				{"plain", " 请注意："},
				{"bold", text},
				{"plain", " 详见 "},
				{"text_link", "通知原文"},
			}
			s.field(in, "text", false)
			s.str("[")
			for k, p := range parts {
				if k > 0 {
					s.str(",")
				}
				s.str("\n    ")
				if p[0] == "plain" {
					s.quote(p[1])
					continue
				}
				s.str("{\n     \"type\": ")
				s.quote(p[0])
				s.str(",\n     \"text\": ")
				s.quote(p[1])
				if p[0] == "text_link" {
					s.str(",\n     \"href\": \"https://example.gov.cn/notice/" + strconv.Itoa(i) + "\"")
				}
				s.str("\n    }")
			}
			s.str("\n   ]")
			s.field(in, "text_entities", false)
			s.str("[")
			for k, p := range parts {
				if k > 0 {
					s.str(",")
				}
				s.str("\n    {\n     \"type\": ")
				s.quote(p[0])
				s.str(",\n     \"text\": ")
				s.quote(p[1])
				if p[0] == "text_link" {
					s.str(",\n     \"href\": \"https://example.gov.cn/notice/" + strconv.Itoa(i) + "\"")
				}
				s.str("\n    }")
			}
			s.str("\n   ]")
		} else {
			s.field(in, "text", false)
			s.quote(text)
			s.field(in, "text_entities", false)
			if text == "" {
				s.str("[]")
			} else {
				s.str("[\n    {\n     \"type\": \"plain\",\n     \"text\": ")
				s.quote(text)
				s.str("\n    }\n   ]")
			}
		}
		s.str("\n  }")
	}
	s.str("\n ]\n}\n")
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

// WriteQQNTSample writes a qq-chat-exporter JSON export of one group chat with the given
// number of messages, laid out as qq-chat-exporter lays it out (pretty, two spaces, each
// message on one line): about 900 bytes a message.
func WriteQQNTSample(w io.Writer, group string, messages int, seed int64) error {
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	s := &sampleWriter{w: bufio.NewWriterSize(w, 256<<10)}
	s.str("{\n  \"metadata\":{\"name\":\"QQChatExporter V5 / https://github.com/shuakami/qq-chat-exporter\",\"copyright\":\"\",\"version\":\"5.0.0\"},\n")
	s.str("  \"chatInfo\":{\"name\":\"第三党支部工作群\",\"type\":\"group\",\"participantCount\":")
	s.str(strconv.Itoa(len(sampleNames)))
	s.str(",\"selfUid\":\"u_self\",\"selfUin\":\"10001\",\"peerUid\":")
	s.quote(group)
	s.str("},\n  \"statistics\":{\"totalMessages\":")
	s.str(strconv.Itoa(messages))
	s.str(",\"timeRange\":{\"start\":\"\",\"end\":\"\",\"durationDays\":0},\"messageTypes\":{},\"senders\":[],\"resources\":{\"total\":0,\"byType\":{},\"totalSize\":0}},\n")
	s.str("  \"messages\":[\n")
	t := time.Date(2024, 3, 1, 8, 30, 0, 0, China)
	id := uint64(7340000000000000000)
	for i := 1; i <= messages; i++ {
		t = t.Add(time.Duration(5+rng.IntN(300)) * time.Second)
		id += 1 + uint64(rng.IntN(1000))
		who := rng.IntN(len(sampleNames))
		name := sampleNames[who]
		uin := strconv.Itoa(200001 + who*7919)
		uid := "u_" + strings.Repeat(string(rune('A'+who%26)), 6) + strconv.Itoa(who)
		r := rng.IntN(1000)
		if i > 1 {
			s.str(",\n")
		}
		s.str("    {\"id\":")
		s.quote(strconv.FormatUint(id, 10))
		s.str(",\"seq\":")
		s.quote(strconv.Itoa(1000 + i))
		s.str(",\"timestamp\":")
		s.str(strconv.FormatInt(t.UnixMilli(), 10))
		s.str(",\"time\":")
		s.quote(t.Format("2006-01-02 15:04:05"))
		s.str(",\"sender\":{\"uid\":")
		s.quote(uid)
		s.str(",\"uin\":")
		s.quote(uin)
		s.str(",\"name\":")
		s.quote(name)
		s.str(",\"nickname\":")
		s.quote(name)
		if r%3 == 0 {
			s.str(",\"groupCard\":")
			s.quote("第三支部-" + name)
		}
		s.str("}")
		text := sampleTexts[rng.IntN(len(sampleTexts))]
		var elements, resources string
		system, recalled := false, false
		typ := "type_1"
		switch {
		case r < 15:
			system = true
			text = name + " 加入了本群"
			elements = `{"type":"system","data":{"subType":4,"text":` + jsonQuote(text) + `,"summary":` + jsonQuote(text) + `}}`
		case r < 25:
			system, recalled = true, true
			text = name + " 撤回了一条消息"
			elements = `{"type":"system","data":{"subType":1,"text":` + jsonQuote(text) + `,"summary":` + jsonQuote(text) + `}}`
		case r < 60:
			f := "IMG_" + strconv.Itoa(i) + ".jpg"
			text = "[图片:" + f + "]"
			elements = `{"type":"image","data":{"filename":"` + f + `","size":204800,"width":1280,"height":960,"md5":"d41d8cd98f00b204e9800998ecf8427e","url":""}}`
			resources = `{"type":"image","filename":"` + f + `","size":204800,"width":1280,"height":960}`
		case r < 80:
			f := sampleFiles[rng.IntN(len(sampleFiles))]
			text = "[文件:" + f + "]"
			typ = "type_8"
			elements = `{"type":"file","data":{"filename":` + jsonQuote(f) + `,"size":51200,"md5":""}}`
			resources = `{"type":"file","filename":` + jsonQuote(f) + `,"size":51200}`
		case r < 140:
			who2 := rng.IntN(len(sampleNames))
			text = "@" + sampleNames[who2] + " " + text
			elements = `{"type":"at","data":{"uid":"u_x","uin":"` + strconv.Itoa(200001+who2*7919) + `","name":` + jsonQuote(sampleNames[who2]) + `,"atType":2}},{"type":"text","data":{"text":` + jsonQuote(" "+sampleTexts[rng.IntN(len(sampleTexts))]) + `}}`
		default:
			elements = `{"type":"text","data":{"text":` + jsonQuote(text) + `}}`
		}
		s.str(",\"type\":")
		s.quote(typ)
		s.str(",\"content\":{\"text\":")
		s.quote(text)
		s.str(",\"html\":")
		s.quote(htmlEscape(text))
		s.str(",\"elements\":[" + elements + "],\"resources\":[" + resources + "],\"mentions\":[]}")
		s.str(",\"recalled\":" + strconv.FormatBool(recalled) + ",\"system\":" + strconv.FormatBool(system) + "}")
	}
	s.str("\n  ],\n  \"exportOptions\":{\"includedFields\":[\"id\",\"timestamp\",\"sender\",\"content\",\"resources\"],\"filters\":{},\"options\":{}}\n}\n")
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

func jsonQuote(v string) string {
	var b strings.Builder
	s := &sampleWriter{w: bufio.NewWriter(&b)}
	s.quote(v)
	s.w.Flush()
	return b.String()
}

func htmlEscape(v string) string {
	if !utf8.ValidString(v) {
		return ""
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(v)
}
