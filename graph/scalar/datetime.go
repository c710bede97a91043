// Package scalar holds the Go side of the Storefront API's custom scalars.
package scalar

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalDateTime writes t in UTC as RFC 3339 with second precision, the form Shopify's
// Storefront API uses (e.g. "2026-11-24T10:00:00Z").
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339)))
	})
}

// UnmarshalDateTime reads an RFC 3339 date-time (a date alone means midnight UTC).
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("DateTime must be an RFC 3339 string")
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("DateTime %q is not RFC 3339 (e.g. 2026-11-24T10:00:00Z)", s)
}

// UnsignedInt64 is a count that may exceed 2^31; it is written as a string, as Shopify does.
type UnsignedInt64 uint64

// MarshalGQL writes the number as a JSON string.
func (u UnsignedInt64) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(strconv.FormatUint(uint64(u), 10)))
}

// UnmarshalGQL reads a non-negative integer given as a string or a number.
func (u *UnsignedInt64) UnmarshalGQL(v any) error {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case int64:
		s = strconv.FormatInt(x, 10)
	case int:
		s = strconv.Itoa(x)
	case json.Number:
		s = x.String()
	default:
		return fmt.Errorf("UnsignedInt64 must be a non-negative integer")
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("UnsignedInt64 must be a non-negative integer")
	}
	*u = UnsignedInt64(n)
	return nil
}
