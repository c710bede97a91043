// Package usererror is the shape of a problem with Admin API input that the caller can fix:
// a code, the path of the input field at fault and a message (userErrors in the API).
package usererror

import "strconv"

// Codes shared by the Admin API's services.
const (
	Blank        = "BLANK"
	Invalid      = "INVALID"
	Taken        = "TAKEN"
	NotFound     = "NOT_FOUND"
	GreaterThan  = "GREATER_THAN"
	TooLong      = "TOO_LONG"
	AccessDenied = "ACCESS_DENIED"
)

// Error is one user error.
type Error struct {
	Code    string
	Field   []string
	Message string
}

// New returns an error with code for the field at path (strings and ints, e.g.
// "input", "variants", 2, "sku").
func New(code, message string, path ...any) Error {
	return Error{Code: code, Field: Path(path...), Message: message}
}

// Path turns path parts into the strings the API shows.
func Path(parts ...any) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		switch v := p.(type) {
		case string:
			out[i] = v
		case int:
			out[i] = strconv.Itoa(v)
		}
	}
	return out
}
