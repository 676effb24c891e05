package ingest

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// The table decoder gives what golang.org/x/text's GB18030 decoder gives, on Chinese text, on
// four-byte sequences and on random bytes, however the input is cut into reads.
func TestGBKDecoderAgreesWithTheLibrary(t *testing.T) {
	enc := simplifiedchinese.GB18030.NewEncoder()
	text, err := enc.String("姓名,昵称,所在支部\n张三,第三党支部-张三,第三党支部\n𠀀😀€ é ¥ 〇 ㈠ abc\n")
	if err != nil {
		t.Fatal(err)
	}
	inputs := [][]byte{[]byte(text), {0x81}, {0x81, 0x30}, {0x81, 0x30, 0x81}, {0xFF, 0x80, 0x81, 0x7F}, {0x84, 0x31, 0xA4, 0x39}}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		inputs = append(inputs, b)
	}
	for _, in := range inputs {
		want, _, werr := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), in)
		got, _, gerr := transform.Bytes(gbkDecoder{}, in)
		if !bytes.Equal(got, want) || (werr == nil) != (gerr == nil) {
			t.Fatalf("% x: got %q (%v), want %q (%v)", in, got, gerr, want, werr)
		}
		// Through a reader of tiny reads, the sequences cut between them.
		var out bytes.Buffer
		if _, err := out.ReadFrom(transform.NewReader(&oneByteReader{data: in}, gbkDecoder{})); err == nil && !bytes.Equal(out.Bytes(), want) {
			t.Fatalf("% x read a byte at a time: got %q, want %q", in, out.Bytes(), want)
		}
	}
}

// FuzzGBKDecoder: on any bytes, the table decoder and the library's give the same text.
func FuzzGBKDecoder(f *testing.F) {
	f.Add([]byte{0xD5, 0xC5, 0xC8, 0xFD, 0x2C, 0x81, 0x30, 0x81, 0x30})
	f.Add([]byte{0xAF, 0xCA, 0xA4, 0x66, 0xFF})
	f.Fuzz(func(t *testing.T, in []byte) {
		want, _, werr := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), in)
		got, _, gerr := transform.Bytes(gbkDecoder{}, in)
		if !bytes.Equal(got, want) || (werr == nil) != (gerr == nil) {
			t.Fatalf("% x: got %q (%v), want %q (%v)", in, got, gerr, want, werr)
		}
	})
}
