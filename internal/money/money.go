// Package money owns amounts of money: int64 minor units plus an ISO 4217 currency code.
// Amounts never pass through floating point; Format and Parse convert to and from the
// decimal strings the API shows.
package money

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Money is an amount in minor units (cents for USD) of one currency.
type Money struct {
	Amount   int64
	Currency string
}

// ErrInvalidAmount reports a decimal string that is not a valid amount for its currency.
var ErrInvalidAmount = errors.New("invalid amount")

// zeroDigit and threeDigit list the ISO 4217 currencies whose minor unit is not 1/100.
var (
	zeroDigit = map[string]bool{
		"BIF": true, "BYR": true, "CLP": true, "DJF": true, "GNF": true, "ISK": true, "JPY": true,
		"KMF": true, "KRW": true, "PYG": true, "RWF": true, "UGX": true, "UYI": true, "VND": true,
		"VUV": true, "XAF": true, "XOF": true, "XPF": true,
	}
	threeDigit = map[string]bool{
		"BHD": true, "IQD": true, "JOD": true, "KWD": true, "LYD": true, "OMR": true, "TND": true,
	}
)

// MinorDigits is the number of decimal digits of the currency's minor unit (2 for USD, 0 for JPY).
func MinorDigits(currency string) int {
	switch {
	case zeroDigit[currency]:
		return 0
	case threeDigit[currency]:
		return 3
	default:
		return 2
	}
}

// Format writes minor units as a decimal string with the currency's minor digits: 1250 USD is "12.50".
func Format(amount int64, currency string) string {
	var buf [32]byte
	return string(AppendFormat(buf[:0], amount, currency))
}

// AppendFormat appends Format(amount, currency) to dst.
func AppendFormat(dst []byte, amount int64, currency string) []byte {
	digits := MinorDigits(currency)
	u := uint64(amount)
	if amount < 0 {
		dst = append(dst, '-')
		u = -u
	}
	if digits == 0 {
		return strconv.AppendUint(dst, u, 10)
	}
	var buf [48]byte
	s := strconv.AppendUint(buf[:0], u, 10)
	if len(s) <= digits { // at least one digit before the point: 5 → "0.05"
		pad := digits - len(s) + 1
		copy(buf[pad:], s)
		for i := range pad {
			buf[i] = '0'
		}
		s = buf[:pad+len(s)]
	}
	dst = append(dst, s[:len(s)-digits]...)
	dst = append(dst, '.')
	return append(dst, s[len(s)-digits:]...)
}

// Decimal is the amount as a decimal string with the currency's minor digits ("12.50"), as
// MoneyV2.amount shows it.
func (m Money) Decimal() string { return Format(m.Amount, m.Currency) }

// String formats m as "12.50 USD".
func (m Money) String() string { return Format(m.Amount, m.Currency) + " " + m.Currency }

// Parse reads a decimal string ("12.5", "12.50", "-3", "1e2" is refused) into minor units of
// the currency. More fractional digits than the currency has are an error unless they are
// zeros, so no amount is ever rounded silently.
func Parse(s, currency string) (int64, error) {
	digits := MinorDigits(currency)
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%w: empty", ErrInvalidAmount)
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("%w: %q", ErrInvalidAmount, s)
	}
	if whole == "" {
		whole = "0"
	}
	if !allDigits(whole) || !allDigits(frac) {
		return 0, fmt.Errorf("%w: %q", ErrInvalidAmount, s)
	}
	trimmed := strings.TrimRight(frac, "0")
	if len(trimmed) > digits {
		return 0, fmt.Errorf("%w: %q has more than %d decimal places for %s", ErrInvalidAmount, s, digits, currency)
	}
	frac = trimmed + strings.Repeat("0", digits-len(trimmed))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n > math.MaxInt64/100 {
		return 0, fmt.Errorf("%w: %q is out of range", ErrInvalidAmount, s)
	}
	if neg {
		n = -n
	}
	return n, nil
}

// FromFloat converts a major-unit float from an API input that the contract types as Float
// (e.g. a price filter) into minor units, rounding half away from zero. Prices stored or
// computed never go through here.
func FromFloat(f float64, currency string) (int64, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e15 {
		return 0, fmt.Errorf("%w: %v", ErrInvalidAmount, f)
	}
	return Parse(strconv.FormatFloat(math.Round(f*math.Pow10(MinorDigits(currency)))/math.Pow10(MinorDigits(currency)), 'f', -1, 64), currency)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
