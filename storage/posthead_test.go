package storage

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"qunshen/model"
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
		x.Time, y.Time = time.Time{}, time.Time{}
		if x != y {
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
