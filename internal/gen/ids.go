package gen

import (
	"math/rand/v2"
	"time"
)

// GB 11643-1999 weights for the first 17 digits of a resident identity number.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps (weighted sum mod 11) to the check character.
const idCheckChars = "10X98765432"

// Region codes (province/city/district) that exist, so generated numbers look
// like the real thing.
var idRegions = []string{
	"110101", "110105", "110108", "120101", "130102", "140105", "210102",
	"220102", "230102", "310104", "310110", "310115", "320102", "320506",
	"330102", "330106", "330382", "340104", "350203", "360102", "370102",
	"370202", "410105", "420106", "420111", "430104", "440106", "440305",
	"450103", "500103", "510107", "520102", "530102", "610113", "620102",
}

// IDCheckDigit returns the GB 11643 check character ('0'–'9' or 'X') for the
// first 17 digits of s. s must have at least 17 ASCII digits.
func IDCheckDigit(s string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// ResidentIDValid reports whether s is an 18-character resident identity
// number with a real calendar birth date and a correct check character.
func ResidentIDValid(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	y := atoi(s[6:10])
	m := atoi(s[10:12])
	d := atoi(s[12:14])
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return false
	}
	c := s[17]
	if c == 'x' {
		c = 'X'
	}
	return c == IDCheckDigit(s)
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// ValidID returns a valid 18-digit resident identity number for a person
// born on the given date (its year, month and day are used), drawing the
// region and sequence code from r.
func ValidID(r *rand.Rand, birth time.Time) string {
	return string(appendResidentID(nil, r, birth.Year(), int(birth.Month()), birth.Day(), true))
}

// ResidentID returns an 18-digit resident identity number with a plausible
// region and birth date (born 1962–2004). When valid is false the check
// character is deliberately wrong (everything else stays plausible).
func ResidentID(r *rand.Rand, valid bool) string {
	return string(appendRandomResidentID(nil, r, valid))
}

func appendRandomResidentID(b []byte, r *rand.Rand, valid bool) []byte {
	y := 1962 + r.IntN(43)
	m := 1 + r.IntN(12)
	d := 1 + r.IntN(daysIn(y, m))
	return appendResidentID(b, r, y, m, d, valid)
}

func appendResidentID(b []byte, r *rand.Rand, y, m, d int, valid bool) []byte {
	start := len(b)
	b = append(b, idRegions[r.IntN(len(idRegions))]...)
	b = appendZero(b, y, 4)
	b = appendZero(b, m, 2)
	b = appendZero(b, d, 2)
	b = appendZero(b, r.IntN(1000), 3)
	c := IDCheckDigit(string(b[start:]))
	if !valid {
		// Any other check character; shift by 1..10 positions in the table.
		i := 0
		for idCheckChars[i] != c {
			i++
		}
		c = idCheckChars[(i+1+r.IntN(10))%11]
	}
	return append(b, c)
}

// Bank identification numbers of Chinese debit cards with their usual lengths.
var cardBINs = []struct {
	bin string
	n   int
}{
	{"622202", 19}, {"621226", 19}, {"621700", 19}, {"436742", 19},
	{"622848", 19}, {"623052", 19}, {"621661", 19}, {"622262", 19},
	{"621799", 19}, {"622588", 16}, {"621483", 16}, {"622155", 16},
	{"622908", 18}, {"625965", 16}, {"621771", 17}, {"622609", 18},
}

// LuhnValid reports whether the digit string s passes the Luhn (mod 10)
// check. Non-digits make it false.
func LuhnValid(s string) bool {
	if len(s) < 2 {
		return false
	}
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		v := int(c - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// luhnDigit returns the check digit that makes payload+digit Luhn-valid.
func luhnDigit(payload []byte) byte {
	sum := 0
	double := true // the digit to be appended is undoubled
	for i := len(payload) - 1; i >= 0; i-- {
		v := int(payload[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// CardNumber returns a 16–19 digit bank card number with a real Chinese BIN.
// When valid is false the last digit fails the Luhn check.
func CardNumber(r *rand.Rand, valid bool) string {
	return string(appendCardNumber(nil, r, valid))
}

func appendCardNumber(b []byte, r *rand.Rand, valid bool) []byte {
	c := cardBINs[r.IntN(len(cardBINs))]
	start := len(b)
	b = append(b, c.bin...)
	for i := len(c.bin); i < c.n-1; i++ {
		b = append(b, byte('0'+r.IntN(10)))
	}
	d := luhnDigit(b[start:])
	if !valid {
		d = byte('0' + (int(d-'0')+1+r.IntN(9))%10)
	}
	return append(b, d)
}

// Mainland mobile number prefixes (three digits) in use.
var mobilePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"145", "147", "150", "151", "152", "153", "155", "156", "157", "158",
	"159", "166", "173", "175", "176", "177", "178", "180", "181", "182",
	"183", "184", "185", "186", "187", "188", "189", "191", "193", "195",
	"198", "199",
}

// Mobile returns a plain 11-digit mainland mobile number (1[3-9]x…).
func Mobile(r *rand.Rand) string {
	return string(appendMobile(nil, r))
}

func appendMobile(b []byte, r *rand.Rand) []byte {
	b = append(b, mobilePrefixes[r.IntN(len(mobilePrefixes))]...)
	return appendZero(b, r.IntN(100000000), 8)
}

// appendZero appends n in decimal, left-padded with zeros to width.
func appendZero(b []byte, n, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for n >= 10 {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	tmp[i] = byte('0' + n)
	for len(tmp)-i < width {
		i--
		tmp[i] = '0'
	}
	return append(b, tmp[i:]...)
}
