package jsonfast

import (
	"encoding/json"
	"reflect"
	"testing"
)

// What Strings accepts, it must decode as encoding/json does; what it refuses goes to
// encoding/json, so only the plain forms storage writes need to be accepted.
func TestStringsDecodeLikeEncodingJSON(t *testing.T) {
	for _, tt := range []struct {
		in    string
		plain bool // the fast path must take it
	}{
		{`[]`, true},
		{`["a"]`, true},
		{`["sale","wool","ünï 飞"]`, true},
		{`[""]`, true},
		{`["a \"quoted\" tag"]`, false},
		{`["b\\c"]`, false},
		{`["tab	inside"]`, false},
		{`["bad \xff"]`, false},
		{`[ "a"]`, false},
		{`["a",]`, false},
		{`["a" ,"b"]`, false},
		{`["a"`, false},
		{`[1]`, false},
		{`null`, false},
		{`{}`, false},
		{``, false},
	} {
		got, ok := Strings([]byte(tt.in))
		if ok != tt.plain {
			t.Errorf("%q: fast path %v, want %v", tt.in, ok, tt.plain)
		}
		if !ok {
			continue
		}
		var want []string
		if err := json.Unmarshal([]byte(tt.in), &want); err != nil {
			t.Errorf("%q: accepted, but encoding/json refuses it: %v", tt.in, err)
		} else if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %#v, encoding/json %#v", tt.in, got, want)
		}
	}
}
