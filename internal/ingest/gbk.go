package ingest

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// gbkDecoder decodes GB18030 (and so GBK, what Chinese Excel writes) to UTF-8. The one- and
// two-byte sequences, which are nearly all of a Chinese text, go through a table made once from
// golang.org/x/text's decoder; the four-byte sequences and the faults go to that decoder
// itself, so the result is the same as its own, at several times its speed.
type gbkDecoder struct{ transform.NopResetter }

var (
	gbkOnce  sync.Once
	gbkTable []rune // (lead-0x81)*191 + (trail-0x40) → rune; 0 when the pair is not a character
)

func gbkInit() {
	gbkTable = make([]rune, 126*191)
	dec := simplifiedchinese.GB18030.NewDecoder()
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			if trail == 0x7F {
				continue
			}
			out, err := dec.Bytes([]byte{byte(lead), byte(trail)})
			if err != nil {
				continue
			}
			r, n := utf8.DecodeRune(out)
			if n == len(out) && r != utf8.RuneError {
				gbkTable[(lead-0x81)*191+trail-0x40] = r
			}
		}
	}
}

func (gbkDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	gbkOnce.Do(gbkInit)
	for nSrc < len(src) {
		b := src[nSrc]
		if b < 0x80 {
			if nDst >= len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = b
			nDst++
			nSrc++
			continue
		}
		if b >= 0x81 && b <= 0xFE && nSrc+1 < len(src) {
			if t := src[nSrc+1]; t >= 0x40 && t <= 0xFE && t != 0x7F {
				if r := gbkTable[int(b-0x81)*191+int(t-0x40)]; r != 0 {
					if nDst+utf8.RuneLen(r) > len(dst) {
						return nDst, nSrc, transform.ErrShortDst
					}
					nDst += utf8.EncodeRune(dst[nDst:], r)
					nSrc += 2
					continue
				}
			}
		}
		// Anything else — four bytes, a fault, a sequence cut at the end of src — is the
		// library's: give it what is left of this sequence and take what it made of it.
		end := min(nSrc+4, len(src))
		d := simplifiedchinese.GB18030.NewDecoder()
		var tmp [16]byte
		w, r, e := d.Transform(tmp[:], src[nSrc:end], atEOF || end < len(src))
		if r == 0 {
			if e == transform.ErrShortSrc && !atEOF && end == len(src) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			if e == nil || e == transform.ErrShortSrc {
				// What the library makes of a lone fault byte at the very end.
				w, r = utf8.EncodeRune(tmp[:], utf8.RuneError), 1
			} else {
				return nDst, nSrc, e
			}
		}
		// The library may have decoded more than one sequence: take its first rune only, and
		// the bytes that made it (asked again with room for that rune alone).
		if _, size := utf8.DecodeRune(tmp[:w]); size < w {
			d.Reset()
			w, r, _ = d.Transform(tmp[:size], src[nSrc:end], atEOF || end < len(src))
		}
		if nDst+w > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], tmp[:w])
		nSrc += r
	}
	return nDst, nSrc, nil
}
