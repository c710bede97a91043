package graph

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// writeResponse must write what json.Encoder writes for the same response.
func TestWriteResponseMatchesEncoder(t *testing.T) {
	yes := true
	for _, r := range []*graphql.Response{
		{Data: json.RawMessage(`{"a":"<b>&amp;</b> x\u003e","n":1.5,"l":[true,null,{}]}`)},
		{Data: json.RawMessage("{\"s\":\"line\u2028para\u2029end é ✓ \\u2028\"}")},
		{Data: json.RawMessage(`{"ok":[]}`), Extensions: map[string]any{"cost": map[string]any{"requestedQueryCost": 3, "z": "<>"}, "a": 1}},
		{Errors: gqlerror.List{{Message: "bad <input> & more", Extensions: map[string]any{"code": "BAD_USER_INPUT"}}}, Data: json.RawMessage(`null`)},
		{Errors: gqlerror.List{{Message: "x"}}},
		{},
		{Data: json.RawMessage(`{"a":1}`), HasNext: &yes},
		{Data: json.RawMessage(`{"a":1}`), Label: "deferred"},
	} {
		want := new(bytes.Buffer)
		if err := json.NewEncoder(want).Encode(r); err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		writeResponse(rec, r)
		if got := rec.Body.String(); got != want.String() {
			t.Errorf("writeResponse wrote\n%q\nencoding/json writes\n%q", got, want.String())
		}
		if rec.Code != 200 {
			t.Errorf("status %d", rec.Code)
		}
	}
}
