package ingest

// The records a jsonScanner cuts out of a document: the array of messages walked element by
// element, and the decoding of one record, with the \xHH escapes Telegram Desktop writes.

import (
	"bytes"
	"qunshen/internal/i18n"

	fastjson "github.com/goccy/go-json"
)

// eachMessage walks the array of messages at the reader's position (its opening bracket
// already checked): each element is cut out whole and given to message with its offset, or,
// when it is not an object, emitted as a bad record.
func (s *jsonScanner) eachMessage(emit func(Item) error, message func(off int64, raw []byte) error) error {
	s.pos++
	first := true
	for {
		ok, err := s.nextElem(&first, `"messages"`)
		if err != nil || !ok {
			return err
		}
		off, b, err := s.valueOffset("a message")
		if err != nil {
			return err
		}
		raw, err := s.cut("a message")
		if err != nil {
			return err
		}
		if b != '{' {
			err = emit(badRecord(off, raw, i18n.E("ingest.json.not-object")))
		} else {
			err = message(off, raw)
		}
		if err != nil {
			return err
		}
	}
}

// badRecord is a Bad for a record cut out of the file.
func badRecord(off int64, raw []byte, why *i18n.Error) Item {
	return badItem(Pos{Offset: off}, bytes.Clone(raw), why)
}

// hexEscapes rewrites the \xHH escapes that Telegram Desktop writes for control characters
// (not JSON) into \u00HH, so that a standard decoder reads the record.
func hexEscapes(raw []byte) ([]byte, bool) {
	if bytes.Index(raw, []byte(`\x`)) < 0 {
		return raw, false
	}
	out := make([]byte, 0, len(raw)+16)
	changed := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' || i+1 >= len(raw) {
			out = append(out, c)
			continue
		}
		if raw[i+1] == 'x' && i+3 < len(raw) && isHex(raw[i+2]) && isHex(raw[i+3]) {
			out = append(out, '\\', 'u', '0', '0', raw[i+2], raw[i+3])
			i += 3
			changed = true
			continue
		}
		out = append(out, c, raw[i+1])
		i++
	}
	return out, changed
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// decodeRecord decodes one record into v, accepting Telegram's \xHH escapes; the error is
// a reason for a Bad.
func decodeRecord(raw []byte, v any) error {
	err := fastjson.Unmarshal(raw, v)
	if err == nil {
		return nil
	}
	if fixed, ok := hexEscapes(raw); ok {
		if err2 := fastjson.Unmarshal(fixed, v); err2 == nil {
			return nil
		}
	}
	return err
}

// jsonString decodes a raw JSON value that should be a string or null (null and "" are
// both empty).
func jsonString(raw []byte) (string, bool) {
	if string(raw) == "null" {
		return "", true
	}
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var v string
	if err := decodeRecord(raw, &v); err != nil {
		return "", false
	}
	return v, true
}

// jsonScalarString reads a raw JSON value that is a string or a number as text: ids that
// one exporter writes as numbers and another as strings.
func jsonScalarString(raw []byte) (string, bool) {
	if len(raw) == 0 {
		return "", false
	}
	if raw[0] == '"' || string(raw) == "null" {
		return jsonString(raw)
	}
	if raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9' {
		for _, c := range raw[1:] {
			if c < '0' || c > '9' {
				return "", false
			}
		}
		return string(raw), true
	}
	return "", false
}

func truncateBytes(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
