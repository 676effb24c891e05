package ingest

import "bytes"

// WeChatMsg versions of December 2023 wrote three more columns of the MSG table after StrTime:
// MsgSvrID, BytesExtra and CompressContent, the last two as Python writes a bytes value
// (b'\n\x04\x08\x01…'). BytesExtra is a protocol buffer (the tool's own msg.proto:
// MessageBytesExtra { SubMessage1 message1 = 1; repeated SubMessage2 message2 = 3; } with
// SubMessage2 { int32 field1 = 1; string field2 = 2; }); the entry whose field1 is 1 holds, in
// a group chat, the wxid of the member who sent the message, as the tool's own
// parser_chatroom_message reads it. These functions read that wxid back.

// wechatExtraSender returns the sender's wxid that a BytesExtra cell holds: "" when it holds
// none (a one-to-one chat, the exporting user's own message, a notice); ok is false when the
// cell is not a bytes value as Python writes it, or not a protocol buffer.
func wechatExtraSender(cell []byte) (wxid string, ok bool) {
	if len(cell) == 0 || string(cell) == "None" {
		return "", true
	}
	b, ok := pyBytes(cell)
	if !ok {
		return "", false
	}
	var found []byte
	ok = pbFields(b, func(field int, wire byte, v []byte) bool {
		if field != 3 || wire != 2 {
			return true
		}
		var f1 uint64
		var f2 []byte
		if !pbFields(v, func(field int, wire byte, v []byte) bool {
			switch {
			case field == 1 && wire == 0:
				f1, _ = pbVarint(v)
			case field == 2 && wire == 2:
				f2 = v
			}
			return true
		}) {
			return false
		}
		if f1 == 1 {
			found = f2
		}
		return true
	})
	if !ok {
		return "", false
	}
	// The tool cuts what follows a colon (wxid_ewi8gfgpp0eu22:25319:1).
	if i := bytes.IndexByte(found, ':'); i >= 0 {
		found = found[:i]
	}
	return string(found), true
}

// pyBytes decodes a Python bytes literal, b'…' or b"…".
func pyBytes(s []byte) ([]byte, bool) {
	if len(s) < 3 || s[0] != 'b' || (s[1] != '\'' && s[1] != '"') || s[len(s)-1] != s[1] {
		return nil, false
	}
	s = s[2 : len(s)-1]
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i == len(s) {
			return nil, false
		}
		switch s[i] {
		case '\\', '\'', '"':
			out = append(out, s[i])
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'x':
			if i+2 >= len(s) {
				return nil, false
			}
			h, ok1 := hexDigit(s[i+1])
			l, ok2 := hexDigit(s[i+2])
			if !ok1 || !ok2 {
				return nil, false
			}
			out = append(out, h<<4|l)
			i += 2
		default:
			return nil, false
		}
	}
	return out, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// pbFields walks the fields of a protocol buffer message, calling f with each field's number,
// wire type and value (a varint's bytes, or a length-delimited value's content); it reports
// false when b is not a well-formed message or f says to stop.
func pbFields(b []byte, f func(field int, wire byte, v []byte) bool) bool {
	for len(b) > 0 {
		key, n := pbVarint(b)
		if n == 0 || key>>3 == 0 || key>>3 > 1<<29 {
			return false
		}
		b = b[n:]
		wire := byte(key & 7)
		var v []byte
		switch wire {
		case 0:
			_, m := pbVarint(b)
			if m == 0 {
				return false
			}
			v, b = b[:m], b[m:]
		case 1, 5:
			size := 8
			if wire == 5 {
				size = 4
			}
			if len(b) < size {
				return false
			}
			v, b = b[:size], b[size:]
		case 2:
			l, m := pbVarint(b)
			if m == 0 || l > uint64(len(b)-m) {
				return false
			}
			v, b = b[m:m+int(l)], b[m+int(l):]
		default:
			return false
		}
		if !f(int(key>>3), wire, v) {
			return false
		}
	}
	return true
}

// pbVarint reads a varint: its value and its length, 0 when b does not start with one.
func pbVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}
