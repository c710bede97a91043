// Package jsonfast reads, by hand, the plain JSON that catalog rows store (strings without
// escapes), for callers that hand anything else to encoding/json: decoding a JSON column
// of each of a page's rows through encoding/json's reflection was a tenth of a catalog
// read's CPU.
package jsonfast

import "unicode/utf8"

// String reads a JSON string at the start of b that has no escapes, no control characters
// and only valid UTF-8, and returns it and what follows it; ok is false for anything else.
func String(b []byte) (s string, rest []byte, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return "", nil, false
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			if !utf8.Valid(b[1:i]) {
				return "", nil, false
			}
			return string(b[1:i]), b[i+1:], true
		case c == '\\' || c < 0x20:
			return "", nil, false
		}
	}
	return "", nil, false
}

// Strings reads `[]` or `["…",…]` of strings String reads, without whitespace; ok is false
// for anything else.
func Strings(b []byte) (out []string, ok bool) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	in := b[1 : len(b)-1]
	out = []string{}
	for len(in) > 0 {
		var s string
		if s, in, ok = String(in); !ok {
			return nil, false
		}
		out = append(out, s)
		if len(in) == 0 {
			break
		}
		if in[0] != ',' || len(in) == 1 {
			return nil, false
		}
		in = in[1:]
	}
	return out, true
}
