package ingest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestRosterChineseBOM(t *testing.T) {
	items, err := csvCollect(t, "roster-csv", csvReadFixture(t, "roster/zh-bom.csv"))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		`note in: line 1: columns not read: 备注, 序号`,
		`member 123456789 @2 group= name=张三 nick=第三党支部-张三 branch=第三党支部 role=owner party=true joined=2024-03-01T01:30:00Z active=2024-06-02T02:00:05Z`,
		`member 234567890 @3 group= name=李四 nick=第三党支部-李四 branch=第三党支部 role=admin party=false joined=2024-03-01T16:00:00Z active=-`,
		`member 345678901 @5 group= name=王五 nick= branch=第一党支部 role=member party=false joined=2024-03-04T16:00:00Z active=-`,
		`bad @7 unknown role "副群主" (群主/owner, 管理员/admin, 成员/member)`,
		`bad @8 joined: "2024-13-01" is not a date (2024-03-01, 2024/3/1 9:30, 2024年3月1日, RFC 3339)`,
		`bad @9 6 fields, the header has 10`,
		`bad @10 the id "1.23457E+08" is a number the spreadsheet rounded: save the column as text`,
		`bad @11 no id`,
		`member 789012345 @12 group= name=郑十一 nick= branch=第二党支部 role= party=true joined=2024-03-10T16:00:00Z active=-`,
	})
	if raw := string(items[4].Bad.Raw); raw != "456789012,赵六,,第一党支部,副群主,是,2024-03-06,,,4" {
		t.Errorf("raw of a bad row: %q", raw)
	}
}

func TestRosterEnglish(t *testing.T) {
	items, err := csvCollect(t, "roster-csv", csvReadFixture(t, "roster/en.csv"))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		`member wx_a @2 group=g1 name=Zhang San nick=zhang3 branch=Branch 3 role=owner party=true joined=2024-03-01T01:30:00Z active=2024-06-02T02:00:00Z`,
		`member wx_b @3 group=g1 name=Li Si nick= branch=Branch 3 role=admin party=false joined=2024-02-29T16:00:00Z active=-`,
		`member wx_c @4 group=g2 name=c-nick nick=c-nick branch=Branch 1 role=member party=false joined=- active=-`,
	})
}

func TestRosterGBK(t *testing.T) {
	data := csvReadFixture(t, "roster/gbk.csv")
	items, err := csvCollect(t, "roster-csv", data)
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		`member wxid_zhang @2 group= name=张三 nick= branch=城关街道办 role= party=true joined=2024-02-29T16:00:00Z active=-`,
		`member wxid_li @3 group= name=李四 nick= branch=城关街道办 role= party=false joined=2024-03-02T00:05:00Z active=-`,
	})
	if !rosterDetect(data) {
		t.Error("a GBK roster is not detected")
	}
}

func TestRosterNamesOnly(t *testing.T) {
	items, err := csvCollect(t, "roster-csv", csvReadFixture(t, "roster/names.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		`note in: line 1: no id column: each member's id is their name (姓名), which matches a chat sender only where the chat's ids are names`,
		`member 张三 @2 group= name=张三 nick= branch=第三党支部 role= party=true joined=- active=-`,
		`member 李四 @3 group= name=李四 nick= branch=第三党支部 role= party=false joined=- active=-`,
		`bad @4 no name (the roster has no id column, so the name is the id)`,
	})
}

func TestRosterFaults(t *testing.T) {
	for in, want := range map[string]string{
		"":                           "in: an empty file: no header row",
		"\n\n":                       "in: an empty file: no header row",
		"序号,备注\n1,x\n":               "in: line 1: the header row names no column of member ids or names (成员ID/账号/微信号/QQ号/id, 姓名/name)",
		"\"QQ号,姓名\n":                 "in: line 1: the header row: a quoted field is not closed at the end of the file",
		"QQ号,姓名,QQ\n1,张三,2\n":        "",
		"id,name\n1,\"x\"y\n2,ok\n":  "",
		"id,name,party\n1,x,maybe\n": "",
	} {
		items, err := csvCollect(t, "roster-csv", []byte(in))
		if fmt.Sprint(err) != want && !(want == "" && err == nil) {
			t.Errorf("%q: got error %v, want %q", in, err, want)
		}
		if want == "" {
			var got []string
			for _, it := range items {
				got = append(got, csvSummary(it))
			}
			t.Logf("%q: %s", in, strings.Join(got, " | "))
		}
	}
	items, _ := csvCollect(t, "roster-csv", []byte("QQ号,姓名,QQ\n1,张三,2\n"))
	csvExpect(t, items, []string{
		"note in: line 1: columns read once only: QQ (id is read from QQ号)",
		"member 1 @2 group= name=张三 nick= branch= role= party=false joined=- active=-",
	})
	items, _ = csvCollect(t, "roster-csv", []byte("id,name\n1,\"x\"y\n2,ok\n"))
	csvExpect(t, items, []string{
		"bad @2 text after the closing quote of field 2",
		"member 2 @3 group= name=ok nick= branch= role= party=false joined=- active=-",
	})
	items, _ = csvCollect(t, "roster-csv", []byte("id,name,party\n1,x,maybe\n"))
	csvExpect(t, items, []string{`bad @2 party member: "maybe" is not yes or no (是/否, yes/no, true/false, 1/0)`})
}

func TestRosterDetect(t *testing.T) {
	for in, want := range map[string]bool{
		"QQ号,姓名,群名片\n":                          true,
		"\ufeff成员ID,昵称\n":                       true,
		"Name\tDepartment\tRole\n":              true,
		"ＩＤ , ＮＡＭＥ\n":                           true,
		"姓名\n张三\n":                              false, // one column only: could be anything
		"序号,备注\n":                               false,
		`{"type":"member","id":"a","name":"b"}`: false,
		"localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n": false,
	} {
		if got := rosterDetect([]byte(in)); got != want {
			t.Errorf("%q: got %v", in, got)
		}
	}
}

func FuzzRosterCSV(f *testing.F) {
	csvFuzzSeeds(f, "roster")
	f.Fuzz(func(t *testing.T, data []byte) { csvFuzzCheck(t, "roster-csv", data) })
}

// rosterBenchData makes about n bytes of a roster: 50,000 members a group, many groups.
func rosterBenchData(n int) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeffQQ号,姓名,群名片,所在支部,群身份,是否党员,入群时间,最后发言时间,群号,备注\r\n")
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given := []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英")
	roles := []string{"成员", "成员", "成员", "成员", "管理员"}
	for i := 0; b.Len() < n; i++ {
		name := string(surnames[i%len(surnames)]) + string(given[i%len(given)]) + string(given[(i/7)%len(given)])
		branch := fmt.Sprintf("第%d党支部", i%12+1)
		role := roles[i%len(roles)]
		if i%50000 == 0 {
			role = "群主"
		}
		party := "是"
		if i%3 == 0 {
			party = "否"
		}
		note := ""
		if i%10 == 0 {
			note = `"联络员, 兼""宣传委员"""`
		}
		fmt.Fprintf(&b, "%d,%s,%s-%s,%s,%s,%s,2024/%d/%d %d:%02d,2024-06-%02d %02d:%02d:%02d,%d,%s\r\n",
			100000000+i*7919, name, branch, name, branch, role, party, i%12+1, i%28+1, i%24, i%60, i%30+1, i%24, i%60, (i*7)%60, 600000000+i/50000, note)
	}
	return b.Bytes()
}

func BenchmarkRosterCSV(b *testing.B) {
	csvBenchParse(b, "roster-csv", rosterBenchData(40<<20))
}

func BenchmarkRosterCSVGBK(b *testing.B) {
	data, err := simplifiedchinese.GB18030.NewEncoder().Bytes(bytes.TrimPrefix(rosterBenchData(40<<20), BOM))
	if err != nil {
		b.Fatal(err)
	}
	csvBenchParse(b, "roster-csv", data)
}

// BenchmarkRosterStdlibCSV is encoding/csv alone on the same roster, for comparison with our
// reader (BenchmarkRosterOwnCSV).
func BenchmarkRosterStdlibCSV(b *testing.B) { csvStdlibRate(b, rosterBenchData(40<<20)) }

func BenchmarkRosterOwnCSV(b *testing.B) { csvOwnRate(b, rosterBenchData(40<<20)) }

// TestRosterDisplayNames: 显示名称 is the nickname, 备注 (beside an id column) the name, a
// row short of cells of columns not read is read and told of once, and a padded name is kept
// as written.
func TestRosterDisplayNames(t *testing.T) {
	items, err := csvCollect(t, "roster-csv", csvReadFixture(t, "roster/display-name.csv"))
	if err != nil {
		t.Fatal(err)
	}
	csvExpect(t, items, []string{
		`note in: line 1: columns not read: 性别, 地区`,
		`member wxid_zhangwei @2 group= name=张伟 nick=第三支部-张伟 branch= role= party=false joined=2024-03-01T01:30:00Z active=-`,
		`member wxid_xuqing @3 group= name=徐  清 nick=徐  清 branch= role= party=false joined=2024-03-01T16:00:00Z active=-`,
		`member wxid_lina @4 group= name=李娜 nick=Lina.W branch= role= party=false joined=2024-03-03T02:00:00Z active=-`,
		`member wxid_chenjing @5 group= name=陈静 nick=陈静 branch= role= party=false joined=2024-03-03T16:00:00Z active=-`,
		`note in: line 3 on: 2 rows lack trailing cells, of columns that are not read (性别, 地区); they were read as empty`,
	})
	// Without an id column, a padded name gives the id its key.
	items, _ = csvCollect(t, "roster-csv", []byte("姓名,支部\n徐  清,第三支部\n"))
	if len(items) != 2 || items[1].Member == nil || items[1].Member.ID != "徐清" || items[1].Member.Name != "徐  清" {
		t.Errorf("a padded name: %s", csvSummary(items[len(items)-1]))
	}
}
