// Package contact validates the contact details buyers type: email addresses and phone
// numbers, the same way for carts, customers and checkout.
package contact

import (
	"net/mail"
	"strings"
)

// ValidEmail reports whether s is a bare address (no display name) with a dotted domain,
// at most 254 characters.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

// ValidPhone reports whether s is an international number: "+" then 7 to 15 digits,
// optionally grouped with spaces, dashes or parentheses.
func ValidPhone(s string) bool {
	if !strings.HasPrefix(s, "+") {
		return false
	}
	digits := 0
	for _, r := range s[1:] {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}
