package storage

import (
	"encoding/binary"
	"qunshen/model"
	"time"
)

// timeKey orders times, before 1970 included, as bytes.
func timeKey(t time.Time) []byte { return appendTimeKey(nil, t) }

// appendTimeKey appends t's time key to dst, for the keys made of a time and more.
func appendTimeKey(dst []byte, t time.Time) []byte {
	return binary.BigEndian.AppendUint64(dst, uint64(t.UnixNano())^(1<<63))
}

func postStatusKey(p *model.Post) []byte {
	k := make([]byte, 0, len(p.Status)+1+8+len(p.ID))
	k = append(append(k, p.Status...), 0)
	k = appendTimeKey(k, p.Time)
	return append(k, p.ID...)
}

func appStatusKey(a *model.Application) []byte {
	k := append([]byte(a.Status), 0)
	k = append(k, timeKey(a.Time)...)
	return append(k, a.ID...)
}

func violMemberKey(v *model.Violation) []byte {
	return []byte(v.Group + "\x00" + v.Member + "\x00" + v.ID)
}
