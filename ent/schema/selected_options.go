package schema

import (
	"encoding/json"
	"unicode/utf8"
)

// SelectedOptions are the option values that identify a variant, in option order, stored
// as a JSON array of {"name": …, "value": …} objects.
//
// Every catalog read decodes them for each variant it lists (120 on a 20-product page);
// encoding/json's reflection took a tenth of such a read's CPU, so the array this type
// writes — two plain strings per object — is read by hand, and anything else (escapes,
// other keys, whitespace) by encoding/json.
type SelectedOptions []SelectedOption

// UnmarshalJSON decodes the array, quickly when it is in the form MarshalJSON writes.
func (s *SelectedOptions) UnmarshalJSON(b []byte) error {
	if out, ok := parseSelectedOptions(b); ok {
		*s = out
		return nil
	}
	var plain []SelectedOption
	if err := json.Unmarshal(b, &plain); err != nil {
		return err
	}
	*s = plain
	return nil
}

// parseSelectedOptions reads `null`, `[]` or `[{"name":"…","value":"…"},…]` whose strings
// are valid UTF-8 without escapes or control characters; ok is false for anything else.
func parseSelectedOptions(b []byte) (out SelectedOptions, ok bool) {
	if string(b) == "null" {
		return nil, true
	}
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	b = b[1 : len(b)-1]
	if len(b) == 0 {
		return SelectedOptions{}, true
	}
	out = make(SelectedOptions, 0, 4)
	for {
		var o SelectedOption
		var rest []byte
		if rest, ok = cutPrefix(b, `{"name":`); !ok {
			return nil, false
		}
		if o.Name, rest, ok = plainString(rest); !ok {
			return nil, false
		}
		if rest, ok = cutPrefix(rest, `,"value":`); !ok {
			return nil, false
		}
		if o.Value, rest, ok = plainString(rest); !ok {
			return nil, false
		}
		if len(rest) == 0 || rest[0] != '}' {
			return nil, false
		}
		out = append(out, o)
		rest = rest[1:]
		if len(rest) == 0 {
			return out, true
		}
		if rest[0] != ',' {
			return nil, false
		}
		b = rest[1:]
	}
}

func cutPrefix(b []byte, prefix string) ([]byte, bool) {
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return nil, false
	}
	return b[len(prefix):], true
}

// plainString reads a JSON string at the start of b that has no escapes, no control
// characters and only valid UTF-8, and returns it and what follows it.
func plainString(b []byte) (string, []byte, bool) {
	if len(b) == 0 || b[0] != '"' {
		return "", nil, false
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			s := b[1:i]
			if !utf8.Valid(s) {
				return "", nil, false
			}
			return string(s), b[i+1:], true
		case c == '\\' || c < 0x20:
			return "", nil, false
		}
	}
	return "", nil, false
}
