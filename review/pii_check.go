package review

// The checks of a candidate number: the GB 11643 check digit and birth date of a resident ID,
// the Luhn sum of a bank card.

// piiProvinces marks the two-digit province codes a resident ID may begin with: those of
// GB/T 2260 (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71 Taiwan, 81 Hong Kong, 82 Macao),
// 83 (residence permits of Taiwan residents) and 91 (the code validators use for abroad).
var piiProvinces = func() (t [100]bool) {
	for _, r := range [][2]int{{11, 15}, {21, 23}, {31, 37}, {41, 46}, {50, 54}, {61, 65}, {71, 71}, {81, 83}, {91, 91}} {
		for c := r[0]; c <= r[1]; c++ {
			t[c] = true
		}
	}
	return t
}()

var piiWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// piiCheckDigits maps the weighted sum mod 11 to the check character; X is 10.
var piiCheckDigits = [11]byte{1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2}

// piiValidID judges 18 digit values, the last of which is 10 for X: province code, GB 11643
// check digit, birth date.
func piiValidID(d *[18]byte) bool {
	if !piiProvinces[int(d[0])*10+int(d[1])] {
		return false
	}
	sum := 0
	for i, w := range piiWeights {
		sum += int(d[i]) * w
	}
	if piiCheckDigits[sum%11] != d[17] {
		return false
	}
	year := int(d[6])*1000 + int(d[7])*100 + int(d[8])*10 + int(d[9])
	month := int(d[10])*10 + int(d[11])
	day := int(d[12])*10 + int(d[13])
	if year < 1900 || month < 1 || month > 12 || day < 1 || day > piiDaysIn(year, month) {
		return false
	}
	ny, nm, nd := piiNow().Date()
	if year != ny {
		return year < ny
	}
	if month != int(nm) {
		return month < int(nm)
	}
	return day <= nd
}

func piiDaysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// piiLuhn reports whether the digit values d pass the Luhn check.
func piiLuhn(d []byte) bool {
	sum := 0
	for i, j := len(d)-1, 0; i >= 0; i, j = i-1, j+1 {
		v := int(d[i])
		if j&1 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// ValidResidentID reports whether s (18 characters, last may be X or x) has a valid GB 11643
// check digit and a plausible birth date. Digits may be ASCII or full-width, the X also Ｘ or
// ｘ; the province code must be a real one, and the birth date a real calendar date from
// 1900 to today.
func ValidResidentID(s string) bool {
	var d [18]byte
	k, i := 0, 0
	for ; i < len(s) && k < 18; k++ {
		v, w := piiDigit(s, i)
		if w == 0 {
			if k != 17 {
				return false
			}
			if w = piiCheckX(s, i); w == 0 {
				return false
			}
			v = 10
		}
		d[k] = v
		i += w
	}
	return k == 18 && i == len(s) && piiValidID(&d)
}

// LuhnValid reports whether a digit string passes Luhn. Digits may be ASCII or full-width; an
// empty string, or one holding anything but digits, does not pass.
func LuhnValid(digits string) bool {
	if len(digits) == 0 {
		return false
	}
	var buf [32]byte
	d := buf[:0]
	for i := 0; i < len(digits); {
		v, w := piiDigit(digits, i)
		if w == 0 {
			return false
		}
		d = append(d, v)
		i += w
	}
	return piiLuhn(d)
}
