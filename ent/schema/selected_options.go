package schema

import (
	"bytes"
	"encoding/json"

	"storefront/internal/jsonfast"
)

// SelectedOptions are the option values that identify a variant, in option order, stored
// as a JSON array of {"name": …, "value": …} objects.
//
// Every catalog read decodes them for each variant it lists (120 on a 20-product page), so
// the array in the form storage writes — two plain strings per object — is read by hand
// (internal/jsonfast), and anything else (escapes, other keys, whitespace) by encoding/json.
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
		if rest, ok = bytes.CutPrefix(b, []byte(`{"name":`)); !ok {
			return nil, false
		}
		if o.Name, rest, ok = jsonfast.String(rest); !ok {
			return nil, false
		}
		if rest, ok = bytes.CutPrefix(rest, []byte(`,"value":`)); !ok {
			return nil, false
		}
		if o.Value, rest, ok = jsonfast.String(rest); !ok {
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
