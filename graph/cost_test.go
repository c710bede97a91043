package graph

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// countObjectsByWalk is what countObjects must equal: objects counted by decoding data.
func countObjectsByWalk(t *testing.T, data []byte) int {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	n := 0
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			n++
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return max(n-1, 0)
}

// TestCountObjects: braces, quotes and backslashes inside strings (escaped quotes, an
// escaped backslash right before a closing quote) are not counted; random documents agree
// with a decoder's count.
func TestCountObjects(t *testing.T) {
	for _, doc := range []string{
		`{}`,
		`{"a":{}}`,
		`{"a{":"{\"}{","b":[{},{"c":"\\"},{"d":"\\\"{"}]}`,
		`{"k":"x\\\\","l":{"m":"}{"}}`,
		`{"products":{"edges":[{"node":{"title":"Mug \"{big}\"","v":null}},{"node":{}}]}}`,
	} {
		if got, want := countObjects(json.RawMessage(doc)), countObjectsByWalk(t, []byte(doc)); got != want {
			t.Errorf("%s: got %d, want %d", doc, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{`{`, `}`, `"`, `\`, `\\`, `\"`, `a`, `[`, `]`}
	var gen func(depth int) any
	gen = func(depth int) any {
		switch k := r.IntN(4); {
		case depth > 4 || k == 0:
			s := ""
			for range r.IntN(6) {
				s += pieces[r.IntN(len(pieces))]
			}
			return s
		case k == 1:
			a := []any{}
			for range r.IntN(4) {
				a = append(a, gen(depth+1))
			}
			return a
		default:
			m := map[string]any{}
			for range r.IntN(4) {
				m[gen(5).(string)] = gen(depth + 1)
			}
			return m
		}
	}
	for range 2000 {
		doc, _ := json.Marshal(map[string]any{"data": gen(0)})
		if got, want := countObjects(doc), countObjectsByWalk(t, doc); got != want {
			t.Fatalf("%s: got %d, want %d", doc, got, want)
		}
	}
}
