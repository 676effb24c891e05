package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"qunshen/internal/gen"
)

// checkQueueDecoder decodes line with the fast decoder and, when that reports ok, checks
// that the line is valid UTF-8 and that encoding/json makes the same queueLine of it. The
// decoder reads a copy of line that is then overwritten, as bufio.Scanner reuses its
// buffer: no decoded string may point into it.
func checkQueueDecoder(t *testing.T, line []byte) (ok bool) {
	t.Helper()
	buf := bytes.Clone(line)
	var got queueLine
	ok = decodeQueueLine(buf, &got)
	for i := range buf {
		buf[i] = 'X'
	}
	if !ok {
		return false
	}
	if !utf8.Valid(line) {
		t.Fatalf("fast decoder accepted invalid UTF-8: %q", line)
	}
	var want queueLine
	if err := json.Unmarshal(line, &want); err != nil {
		t.Fatalf("fast decoder accepted %q, encoding/json: %v", line, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nfast decoder  %#v\nencoding/json %#v", line, got, want)
	}
	return true
}

// genLines are the lines of a small generated queue.
func genLines(t testing.TB) [][]byte {
	var buf bytes.Buffer
	if err := gen.Write(&buf, gen.Options{Posts: 300, Members: 60, Groups: 6, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, MaxLine)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// allFields sets every field of queueLine to a value of its own.
const allFields = `{"type":"post","id":"i","name":"n","kind":"k","platform":"pl","owner":"o","admins":["a1","a2"],` +
	`"branch":"br","purpose":"pu","nickname_rule":"nr","approved_by":"ab","approved_at":"aa","filing_no":"fn",` +
	`"project_end":"pe","real_name":true,"group":"g","nickname":"nn","role":"r","party_member":true,"joined":"j",` +
	`"last_active":"la","author":"au","time":"t","title":"ti","body":"bo","attachments":["x1","x2","x3"],` +
	`"major":true,"confidential":true,"category":"c","reporter":"re","member":"m","post":"po","text":"te"}`

// queueDecoderCases are lines the fast decoder must take (true) or leave to the general
// path (false).
var queueDecoderCases = []struct {
	line string
	fast bool
}{
	{allFields, true},
	{`{}`, true},
	{" \t\r\n{ \"type\" : \"post\" , \"id\"\t:\n\"p1\" } \r\n", true},
	{`{"type":"post","body":"a\"b\\c\/d\be\ff\ng\rh\ti"}`, true},
	{`{"body":"\u0041\u00e9\u4e2d\uD83D\uDE00\ud83d\ude00"}`, true},
	{`{"body":"\ud800"}`, true},                     // lone high surrogate
	{`{"body":"\udc00x"}`, true},                    // lone low surrogate
	{`{"body":"\ud800\ud800\udc00"}`, true},         // high, then a pair
	{`{"body":"\ud800\\udc00"}`, true},              // high, then an escaped backslash
	{`{"body":"\ud800\u0041"}`, true},               // high, then not a low one
	{`{"body":"\udbff\udfff\u0000\u001f"}`, true},   // U+10FFFF, control characters
	{`{"body":"` + "\u2028\u2029\x7f" + `"}`, true}, // raw bytes JSON allows
	{`{"id":"a","id":"b"}`, true},
	{`{"id":"a","id":null}`, true},
	{`{"id":"a","id":""}`, true},
	{`{"major":true,"major":null}`, true},
	{`{"major":true,"major":false}`, true},
	{`{"admins":["a","b"],"admins":["c"]}`, true},
	{`{"admins":["a","b"],"admins":null}`, true},
	{`{"admins":["a","b"],"admins":[]}`, true},
	{`{"admins":[],"attachments":[]}`, true},
	{`{"admins":[],"attachments":["x"]}`, true},
	{`{"admins":["",""],"attachments":null}`, true},
	{`{"admins":[ "a" , "b" ]}`, true},
	{`{"ID":"a","Type":"post","NICKNAME_RULE":"x","Party_Member":true}`, true},
	{`{"id":"a","ID":"b","iD":"c"}`, true},
	{`{"\u0069d":"a","t\u0079pe":"p\u006fst"}`, true},
	{`{"i\nd":"a","id ":"b"," id":"c","nickname_rules":"d"}`, true},
	{`{"nickname_rule_and_more":"x","\u0041\u0042":"y"}`, true},
	{`{"x":{"a":[1,-2.5e+3,0,-0,1E9,true,false,null,"s\n",{}],"b":{"c":[]}},"id":"a"}`, true},
	{`{"x":[[[[[["deep"]]]]]]}`, true},
	{`{"x":"\ud800"}`, true},
	{`{"":"","x":-0.0e-0}`, true},

	// Left to the general path.
	{`{"ſ":"x"}`, false},             // may match a field by a Unicode fold
	{`{"\u017Fype":"x"}`, false},     // the same, escaped
	{"{\"\u212aind\":\"x\"}", false}, // Kelvin sign: would match "kind"
	{`{"admins":[null]}`, false},
	{`{"admins":["a",null]}`, false},
	{`{"admins":"a"}`, false},
	{`{"admins":[1]}`, false},
	{`{"id":1}`, false},
	{`{"id":true}`, false},
	{`{"id":["a"]}`, false},
	{`{"major":"true"}`, false},
	{`{"major":1}`, false},
	{"{\"body\":\"a\x01b\"}", false},
	{"{\"body\":\"a\tb\"}", false},
	{"{\"bo\x00dy\":\"x\"}", false},
	{`{"body":"\x"}`, false},
	{`{"body":"\'"}`, false},
	{`{"body":"\u12"}`, false},
	{`{"body":"\u12G4"}`, false},
	{`{"body":"abc`, false},
	{`{"id":"a"}x`, false},
	{`{"id":"a"}{}`, false},
	{`{"id":"a",}`, false},
	{`{"id":"a" "type":"b"}`, false},
	{`{,}`, false},
	{`{"id"}`, false},
	{`{"id":}`, false},
	{`{id:"a"}`, false},
	{`{'id':'a'}`, false},
	{`["id"]`, false},
	{`null`, false},
	{`"x"`, false},
	{``, false},
	{"{\"id\":\"a\"}\x00", false},
	{"{\"id\":\"a\"}\f", false},
	{"\u00a0{}", false},
	{`{"x":01}`, false},
	{`{"x":1.}`, false},
	{`{"x":.5}`, false},
	{`{"x":1e}`, false},
	{`{"x":-}`, false},
	{`{"x":+1}`, false},
	{`{"x":tru}`, false},
	{`{"x":truex}`, false},
	{`{"x":nul}`, false},
	{`{"x":NaN}`, false},
	{`{"x":[1,]}`, false},
	{`{"x":{"a":1,}}`, false},
	{`{"x":{"a"}}`, false},
	{`{"x":[}`, false},
	{`{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, false}, // deeper than the fast path goes
	{"{\"body\":\"\xff\"}", false},
	{"{\"body\":\"\xed\xa0\x80\"}", false}, // an encoded surrogate
	{"{\"body\":\"\xc0\xaf\"}", false},     // an overlong form
	{"{\"body\":\"\xe4\xb8\"}", false},     // cut short
}

func TestQueueDecoder(t *testing.T) {
	for _, c := range queueDecoderCases {
		t.Run("", func(t *testing.T) {
			if fast := checkQueueDecoder(t, []byte(c.line)); fast != c.fast {
				t.Errorf("%q: fast decoder ok = %v, want %v", c.line, fast, c.fast)
			}
		})
	}
}

// TestQueueDecoderTakesQueues checks that the fast path is the one ordinary queues take.
func TestQueueDecoderTakesQueues(t *testing.T) {
	lines := genLines(t)
	for _, l := range bytes.Split(bytes.TrimSpace(sampleQueue(t)), []byte("\n")) {
		lines = append(lines, l)
	}
	for _, l := range lines {
		if !checkQueueDecoder(t, l) {
			t.Errorf("fast decoder refused %s", l)
		}
	}
}

// TestQueueDecoderLists checks lists of many elements, past what the decoder keeps on
// the stack, and repeated.
func TestQueueDecoderLists(t *testing.T) {
	for _, n := range []int{0, 1, 15, 16, 17, 40} {
		var items []string
		for i := range n {
			items = append(items, fmt.Sprintf(`"f%d\n"`, i))
		}
		list := "[" + strings.Join(items, ",") + "]"
		for _, line := range []string{
			`{"attachments":` + list + `}`,
			`{"admins":` + list + `,"attachments":` + list + `}`,
			`{"admins":` + list + `,"admins":["x"],"attachments":` + list + `}`,
			`{"attachments":` + list + `,"admins":` + list + `,"attachments":` + list + `,"id":"i"}`,
		} {
			if !checkQueueDecoder(t, []byte(line)) {
				t.Errorf("fast decoder refused %s", line)
			}
		}
	}
}

// TestParseQueueLineFallback checks that what the fast decoder refuses is still parsed
// or reported as before.
func TestParseQueueLineFallback(t *testing.T) {
	rec, err := ParseQueueLine([]byte(`{"type":"post","id":"p1","group":"g1","author":"a","time":"2026-06-03T09:30:00+08:00","attachments":["a",null],"extra":` +
		strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Post == nil || rec.Post.ID != "p1" || !reflect.DeepEqual(rec.Post.Attachments, []string{"a", ""}) {
		t.Fatalf("%+v", rec.Post)
	}
	for line, msg := range map[string]string{
		`{"type":"post","id":5}`:     `broken JSON: field "id" should be string, not number`,
		`{"type":"post","id":"a"}x`:  `broken JSON: invalid character 'x' after top-level value (at byte 25)`,
		"{\"type\":\"post\xff\"}":    `invalid UTF-8 at byte 14 of the line`,
		`{"type":"post","id":"p1",}`: `broken JSON: invalid character '}' looking for beginning of object key string (at byte 26)`,
	} {
		if _, err := ParseQueueLine([]byte(line)); err == nil || err.Error() != msg {
			t.Errorf("%s: error %v, want %s", line, err, msg)
		}
	}
}

func FuzzQueueLineDecoder(f *testing.F) {
	for _, l := range bytes.Split(sampleQueue(f), []byte("\n")) {
		f.Add(l)
	}
	for _, l := range genLines(f) {
		f.Add(l)
	}
	for _, c := range queueDecoderCases {
		f.Add([]byte(c.line))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkQueueDecoder(t, b)
	})
}

// TestHasControl holds hasControl to the check it stands for.
func TestHasControl(t *testing.T) {
	for _, s := range []string{"", "wx_a", "a\x00", "\x1f", " ~", "\x7f", "\u0080", "\u009f", "\u00a0", "é", "\xc2", "\xc2\x85",
		"\xc2\xa0", "\xe2\x80\x85", "\xff\x85", "\xe0\xc2\x85", "第三党支部\u0085", "\U0001F600", "\u200b", "\xc2\x7f"} {
		if got, want := hasControl(s), strings.IndexFunc(s, unicode.IsControl) >= 0; got != want {
			t.Errorf("hasControl(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzHasControl(f *testing.F) {
	f.Add("wx_a\u0085")
	f.Add("\xe0\xc2\x85")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasControl(s), strings.IndexFunc(s, unicode.IsControl) >= 0; got != want {
			t.Fatalf("hasControl(%q) = %v, want %v", s, got, want)
		}
	})
}
