package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"
	"unsafe"

	"qunshen/model"

	"go.etcd.io/bbolt"
)

// sameHeader reports whether two headers hold the same: the same strings, flags and events,
// times of the same instant shown at the same offset.
func sameHeader(a, b *postHeader) bool {
	sameTime := func(x, y time.Time) bool {
		_, ox := x.Zone()
		_, oy := y.Zone()
		return x.Equal(y) && ox == oy
	}
	// A recall at the zero instant is no recall, in any zone (omitzero in JSON).
	recalls := a.Recalled.IsZero() && b.Recalled.IsZero() || sameTime(a.Recalled, b.Recalled)
	if a.Status != b.Status || a.Reason != b.Reason || a.Disputed != b.Disputed || a.Pinned != b.Pinned ||
		!recalls || len(a.History) != len(b.History) {
		return false
	}
	for i := range a.History {
		x, y := a.History[i], b.History[i]
		if !sameTime(x.Time, y.Time) {
			return false
		}
		if !slices.Equal(x.Override, y.Override) {
			return false
		}
		x.Time, y.Time, x.Override, y.Override = time.Time{}, time.Time{}, nil, nil
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

// Whatever a header holds — any bytes in its strings, times in any zone — is read back as it
// was written; of any other bytes, what the reader takes it writes again as the same bytes:
// one header has one encoding, which verify's comparison and the state hash rely on.
func FuzzPostHeader(f *testing.F) {
	f.Add("pending", "", "王管理", "admin", "post.escalate", int64(1780000000), int64(123456789), int64(0), uint8(3), []byte{7, 'p', 'e', 'n', 'd', 'i', 'n', 'g', 0, 0, 0})
	f.Add("rejected", "含有<违规>内容 & \"引号\"\n第二行", "李书记\u2028", "secretary", "post.signoff", int64(-62135596800), int64(0), int64(8*3600), uint8(255), []byte{0, 0, 4, 0, 0, 0, 0})
	f.Add("", "\xff\x00\x1f", "", "", "", int64(253402300799), int64(999999999), int64(-5*3600), uint8(0), []byte{})
	f.Add("escalated", "r", "a", "owner", "post.return", int64(951782400), int64(100), int64(1), uint8(12), []byte{0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, status, reason, actor, role, kind string, sec, nsec, off int64, flags uint8, raw []byte) {
		at := time.Unix(sec%(1<<40), nsec%1e9).In(time.FixedZone("", int(off%86400)))
		h := postHeader{Status: model.PostStatus(status), Reason: reason, Disputed: flags&1 != 0, Pinned: flags&2 != 0}
		if flags&4 != 0 {
			h.Recalled = at
		}
		for i := range int(flags>>3) % 4 {
			d := model.Decision{Kind: model.Kind(kind), Actor: actor, Role: model.Role(role), Time: at.Add(time.Duration(i) * time.Second).UTC(),
				From: model.PostStatus(status), To: model.PostStatus(reason), Undone: i == 1, Concurrent: flags&16 != 0, Resolves: flags&32 != 0}
			d.Event[0], d.Event[31] = byte(i), flags
			if i%2 == 0 {
				d.Reason = reason
				d.Time = at
			}
			if flags&64 != 0 && i != 1 {
				d.Override = []string{actor, kind}
			}
			h.History = append(h.History, d)
		}
		got := appendHeader(nil, &h)
		var back postHeader
		if err := decodeHeader(got, &back); err != nil {
			t.Fatalf("%+v written as %x is refused: %v", h, got, err)
		}
		if !sameHeader(&back, &h) {
			t.Fatalf("%+v written as %x is read as %+v", h, got, back)
		}
		canonical(t, got)
		canonical(t, raw)
		// … and of the header with a byte of it changed, or bytes put in.
		if len(raw) > 0 && len(got) > 0 {
			at := int(uint(sec) % uint(len(got)))
			changed := bytes.Clone(got)
			changed[at] = raw[0]
			canonical(t, changed)
			canonical(t, append(got[:at:at], append(raw, got[at:]...)...))
		}
	})
}

// canonical checks that what the reader of headers takes of b, the writer writes as b.
func canonical(t *testing.T, b []byte) {
	t.Helper()
	var h postHeader
	if decodeHeader(b, &h) != nil {
		return
	}
	if again := appendHeader(nil, &h); !bytes.Equal(again, b) {
		t.Fatalf("%x is read as %+v, which is written %x", b, h, again)
	}
}

// A header with two decisions reads back whole, and every other encoding of it, or of
// anything, is refused: a longer varint, a flag not known, a byte too many or too few, a
// count of decisions beyond its bytes, nanoseconds of a second or more, a zone of a day.
func TestPostHeaderBinary(t *testing.T) {
	at := time.Date(2026, 6, 3, 9, 30, 0, 120000000, time.UTC)
	h := postHeader{Status: model.PostSignedOff, Reason: "请补充\t第二项", Disputed: true, Recalled: at.In(time.FixedZone("CST", 8*3600)), History: []model.Decision{
		{Event: model.Hash{1, 2, 3}, Kind: model.PostEscalate, Actor: "王管理", Role: model.RoleAdmin, Time: at, From: model.PostPending, To: model.PostEscalated},
		{Event: model.Hash{0xff}, Kind: model.PostSignOff, Actor: "李书记", Role: model.RoleSecretary, Time: at.Add(time.Hour), Reason: "同意\n\"原文\" <附件> & 落款", From: model.PostEscalated, To: model.PostSignedOff, Concurrent: true, Resolves: true},
	}}
	raw := appendHeader(nil, &h)
	var back postHeader
	if err := decodeHeader(raw, &back); err != nil || !sameHeader(&back, &h) {
		t.Fatalf("read back %+v (%v) from %x", back, err, raw)
	}
	if back.History[0].Kind != model.PostEscalate || back.History[1].Time.Location() != time.UTC {
		t.Fatalf("names or zones not as written: %+v", back.History)
	}
	if j, err := encode(h); err != nil || 2*len(raw) > len(j) {
		t.Errorf("a header of two decisions takes %d bytes, in JSON %d (%v)", len(raw), len(j), err)
	}
	pending := appendHeader(nil, &postHeader{Status: model.PostPending})
	for name, b := range map[string][]byte{
		"longer length":      append([]byte{0x87, 0}, pending[1:]...),
		"unknown flag":       append(bytes.Clone(pending[:len(pending)-2]), 8, 0),
		"a byte too many":    append(bytes.Clone(pending), 0),
		"a byte too few":     pending[:len(pending)-1],
		"decisions too many": append(bytes.Clone(pending[:len(pending)-1]), 2),
		"nanoseconds":        timed(1e9, 0),
		"zone of a day":      timed(0, 86400),
		"recalled zero":      timedAt(-62135596800),
		"empty":              {},
	} {
		var got postHeader
		if decodeHeader(b, &got) == nil {
			t.Errorf("%s: %x read as %+v", name, b, got)
		}
	}
	if decodeHeader(timed(999999999, 86399), &back) != nil {
		t.Error("the last nanosecond, in a zone of a second short of a day, refused")
	}
}

// timed is a header recalled at a time of the given nanoseconds and zone.
func timed(nsec uint64, off int64) []byte {
	b := []byte{0, 0, hdrRecalled}
	b = binary.AppendVarint(b, 1780000000)
	b = binary.AppendUvarint(b, nsec)
	b = binary.AppendVarint(b, off)
	return append(b, 0)
}

// timedAt is a header recalled at the given Unix second, in UTC.
func timedAt(sec int64) []byte {
	b := []byte{0, 0, hdrRecalled}
	b = binary.AppendVarint(b, sec)
	return append(b, 0, 0, 0)
}

// filled sets every field of v, and of the structs and lists in it, to a value that is not
// zero and that differs from field to field; a kind it does not know fails the test, so that a
// field of a new type is not passed over.
func filled(t *testing.T, v reflect.Value, seed *int) {
	t.Helper()
	*seed++
	n := *seed
	switch {
	case v.Type() == reflect.TypeOf(time.Time{}):
		v.Set(reflect.ValueOf(time.Unix(1780000000+int64(n)*3601, int64(n)*1000+7).UTC()))
		return
	case v.Type() == reflect.TypeOf(model.Hash{}):
		var h model.Hash
		for i := range h {
			h[i] = byte(n + i)
		}
		v.Set(reflect.ValueOf(h))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("字段%d<&>\"\n", n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		v.SetInt(int64(n*1000 - 3*n*n))
	case reflect.Struct:
		for i := range v.NumField() {
			filled(t, v.Field(i), seed)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		filled(t, v.Elem(), seed)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			filled(t, v.Index(i), seed)
		}
	default:
		t.Fatalf("no value for a field of type %s: teach filled, and the codec, this type", v.Type())
	}
}

// fullPost is a post with every field set, each nested field too.
func fullPost(t *testing.T) model.Post {
	var p model.Post
	seed := 0
	filled(t, reflect.ValueOf(&p).Elem(), &seed)
	return p
}

// Every field of a post, of its findings and of its decisions is carried through the record:
// a field the codec forgets, or that a new version of model.Post adds without the codec, fails
// here. And a decision's reuse of a record's content (sameContent, contentOf) knows every field
// of the content: what is not the header is the content.
func TestPostCodecCarriesEveryField(t *testing.T) {
	p := fullPost(t)
	raw := encodePost(&p, nil)
	back, content, err := decodePost(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Fatalf("a post read back differs from the post written:\n got %+v\nwant %+v", back, p)
	}
	c := contentOf(&p)
	if want := appendContent(nil, &c); !bytes.Equal(content, want) {
		t.Fatalf("the content's bytes %x, want %x", content, want)
	}
	header := map[string]bool{}
	for f := range reflect.TypeOf(postHeader{}).Fields() {
		header[f.Name] = true
	}
	pt := reflect.TypeOf(p)
	for i := range pt.NumField() {
		name := pt.Field(i).Name
		other := fullPost(t)
		f := reflect.ValueOf(&other).Elem().Field(i)
		f.SetZero()
		if header[name] {
			if !sameContent(&p, &other) {
				t.Errorf("%s, of the header, makes the content differ", name)
			}
			if !reflect.ValueOf(contentOf(&p)).Field(i).IsZero() {
				t.Errorf("contentOf keeps %s, of the header", name)
			}
			continue
		}
		if sameContent(&p, &other) {
			t.Errorf("sameContent does not see %s", name)
		}
		if reflect.ValueOf(contentOf(&p)).Field(i).IsZero() {
			t.Errorf("contentOf clears %s, of the content", name)
		}
	}
	// A time keeps its offset; a zero recall is no recall.
	p.Time = p.Time.In(time.FixedZone("CST", 8*3600))
	p.Recalled = time.Time{}
	back, _, err = decodePost(encodePost(&p, nil))
	if _, off := back.Time.Zone(); err != nil || !back.Time.Equal(p.Time) || off != 8*3600 || !back.Recalled.IsZero() {
		t.Fatalf("times read back: %v %v (%v)", back.Time, back.Recalled, err)
	}
}

var updateGolden = flag.Bool("update", false, "rewrite the golden files of storage's tests")

// The bytes of one post's record are pinned: a change of the codec is a change of the schema,
// and of every database's bytes (SchemaVersion, a migration, status --hash).
func TestPostRecordGolden(t *testing.T) {
	at := time.Date(2026, 6, 3, 9, 30, 0, 120000000, time.UTC)
	p := model.Post{ID: "p-000001", Group: "g1", Author: "wx_a", Time: at, Title: "关于召开支部大会的通知",
		Body: "定于周五下午召开支部大会。\n——第三党支部", Attachments: []string{"议程.docx"}, Category: "notice",
		Major: true, Source: "wecom", Findings: []model.Finding{{Rule: "major", Category: "major", Clause: "PM 三(三)2", Severity: "escalate", Start: 3, End: 7, Field: "body"}},
		Status: model.PostSignedOff, Reason: "同意", Pinned: true, Recalled: at.Add(48 * time.Hour).In(time.FixedZone("", 8*3600)),
		History: []model.Decision{
			{Event: model.Hash{1, 2, 3}, Kind: model.PostEscalate, Actor: "王管理", Role: model.RoleAdmin, Time: at.Add(time.Hour), From: model.PostPending, To: model.PostEscalated},
			{Event: model.Hash{0xff}, Kind: model.PostSignOff, Actor: "李书记", Role: model.RoleSecretary, Time: at.Add(2 * time.Hour), Reason: "同意", From: model.PostEscalated, To: model.PostSignedOff, Concurrent: true, Resolves: true},
		}}
	got := hex.Dump(encodePost(&p, nil))
	const golden = "testdata/post-record.golden"
	if *updateGolden {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("the record of the post is not the bytes of %s (go test -update rewrites it, with a new schema):\n%s", golden, got)
	}
}

// Whatever a post holds is read back as it was written; of any other bytes, what the reader
// takes it writes again as the same bytes: one post has one record.
func FuzzPostRecord(f *testing.F) {
	f.Add("p-000001", "g-01", "张三", "关于<周五>会议", "第一行\n\"第二行\" & \u2028", "a.pdf", int64(1780000000), int64(5), -7, uint8(3), []byte{3, 1, 'p', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add("", "", "", "", "\xff\x00\x1f\\", "", int64(-62135596800), int64(0), 0, uint8(255), []byte{})
	f.Fuzz(func(t *testing.T, id, group, author, title, body, attachment string, sec, nsec int64, n int, flags uint8, raw []byte) {
		p := model.Post{ID: id, Group: group, Author: author, Time: time.Unix(sec%(1<<40), nsec%1e9).UTC(), Title: title, Body: body,
			Category: title, Major: flags&1 != 0, Confidential: flags&2 != 0, Source: author, Forwarded: group, FromHistory: flags&4 != 0,
			Status: model.PostStatus(attachment), Reason: body, Pinned: flags&64 != 0}
		if flags&8 != 0 {
			p.Attachments = []string{attachment, body}
		}
		for i := range int(flags>>4) % 3 {
			p.Findings = append(p.Findings, model.Finding{Rule: attachment, Category: title, Clause: id, Severity: group, Start: n + i, End: -n, Field: body})
			p.History = append(p.History, model.Decision{Kind: model.Kind(title), Actor: author, Time: p.Time.Add(time.Duration(i)), Reason: id, Undone: i == 1})
		}
		got := encodePost(&p, nil)
		back, _, err := decodePost(got)
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Fatalf("%+v written as %x is read as %+v (%v)", p, got, back, err)
		}
		canonicalPost(t, got)
		canonicalPost(t, raw)
		if len(raw) > 0 { // a byte of it changed, or bytes put in
			at := int(uint(sec) % uint(len(got)))
			changed := bytes.Clone(got)
			changed[at] = raw[0]
			canonicalPost(t, changed)
			canonicalPost(t, append(got[:at:at], append(raw, got[at:]...)...))
		}
	})
}

// canonicalPost checks that what the reader of records takes of b, the writer writes as b,
// and that the lean reader takes it too, the same but for the author's text.
func canonicalPost(t *testing.T, b []byte) {
	t.Helper()
	p, content, err := decodePost(b)
	if err != nil {
		return
	}
	if again := encodePost(&p, nil); !bytes.Equal(again, b) {
		t.Fatalf("%x is read as %+v, which is written %x", b, p, again)
	}
	var lean model.Post
	k := &known{id: p.ID, words: map[string]string{}}
	leanContent, err := readPost(b, k, &lean)
	if err != nil || !bytes.Equal(leanContent, content) {
		t.Fatalf("the lean reader refused %x, or found another content: %v", b, err)
	}
	p.Title, p.Body, p.Attachments = "", "", nil
	if !reflect.DeepEqual(lean, p) {
		t.Fatalf("of %x the lean reader made\n%+v\nwant\n%+v", b, lean, p)
	}
}

// A decision reads a post lean: the author's text passed over, the strings it knows given as
// it holds them, the content's bytes as they are, and the text read from them when another
// reader needs it.
func TestPostReadLean(t *testing.T) {
	p := fullPost(t)
	raw := encodePost(&p, nil)
	k := &known{id: p.ID, words: map[string]string{p.Group: p.Group}}
	var lean model.Post
	content, err := readPost(raw, k, &lean)
	if err != nil {
		t.Fatal(err)
	}
	if lean.Title != "" || lean.Body != "" || lean.Attachments != nil || lean.Status != p.Status || len(lean.History) != 2 {
		t.Fatalf("read lean: %+v", lean)
	}
	if unsafe.StringData(lean.ID) != unsafe.StringData(k.id) || unsafe.StringData(lean.Group) != unsafe.StringData(k.words[p.Group]) {
		t.Fatal("a known string was copied")
	}
	if _, ok := k.words[lean.Category]; !ok {
		t.Fatal("a word read is not known after")
	}
	e := postEntry{p: &lean, content: content, lean: true}
	if err := e.whole(); err != nil || !reflect.DeepEqual(*e.p, p) || e.lean {
		t.Fatalf("read whole: %+v (%v)", e.p, err)
	}
	if again := encodePost(&p, content); !bytes.Equal(again, raw) {
		t.Fatal("a record made of the content's bytes differs")
	}
}

// A bundle's decisions read their posts lean, and what reads a post after them in the same
// chunk — an undo here — has its text read: the posts keep what their authors wrote, and the
// projection is the fold of the log.
func TestDecisionsReadPostsLean(t *testing.T) {
	ms := network(t, t.TempDir(), "a1:admin", "a2:admin")
	a1, a2 := ms[0], ms[1]
	a2.importBundles(a1.export("a2"))
	want := a1.post("p1")
	if want.Body == "" || len(want.Attachments) == 0 {
		t.Fatalf("p1 has no text to lose: %+v", want)
	}
	a1.check(a1.decide("p1", model.PostEscalate, ""))
	p := a1.post("p1")
	_, err := a1.st.Append(a1.op, model.Draft{Kind: model.PostUndo, Subject: "p1", Payload: []byte("{}"), Refs: []model.Hash{p.History[p.LastDecision()].Event}})
	a1.check(err)
	a1.check(a1.decide("p1", model.PostEscalate, ""))
	a2.importBundles(a1.export("a2"))
	got := a2.post("p1")
	if got.Title != want.Title || got.Body != want.Body || !reflect.DeepEqual(got.Attachments, want.Attachments) ||
		got.Status != model.PostEscalated || len(got.History) != 3 {
		t.Fatalf("p1 after the bundle: %+v", got)
	}
	a2.verify()
	a1.importBundles(a2.export("a1"))
	if a1.hash() != a2.hash() {
		t.Fatal("the two machines differ")
	}
	// Read lean, the text is left out for the decision on the post only.
	a2.check(a2.st.db.View(func(tx *bbolt.Tx) error {
		st := newTxState(tx)
		st.prefetchPosts([]string{"p1"})
		if e := st.posts["p1"]; e == nil || !e.lean || e.p.Body != "" || e.p.Group != want.Group {
			t.Fatalf("prefetched: %+v", e)
		}
		st.deciding = "p1"
		if p, _, _ := st.Post("p1"); p.Body != "" || p.Status != model.PostEscalated {
			t.Fatalf("a decision read %+v", p)
		}
		st.deciding = ""
		if p, _, _ := st.Post("p1"); p.Body != want.Body || p.Title != want.Title || p.Status != model.PostEscalated {
			t.Fatalf("another reader read %+v", p)
		}
		return nil
	}))
}
