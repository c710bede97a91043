package schema

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The hand-written reader must decode exactly what encoding/json decodes, and refuse what
// encoding/json refuses.
func TestSelectedOptionsDecodeLikeEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`null`, `[]`, `[ ]`,
		`[{"name":"Size","value":"M"}]`,
		`[{"name":"Size","value":"XS"},{"name":"Color","value":"Black"}]`,
		`[{"name":"Größe","value":"飞 ✓"}]`,
		`[{"name":"Title","value":""}]`,
		`[{"name":"Say \"hi\"","value":"a\\b\u00e9\n"}]`,
		`[{"value":"M","name":"Size"}]`,
		`[{"name":"Size","value":"M","extra":1}]`,
		`[ {"name" : "Size", "value": "M"} ]`,
		`[{"name":"Size","value":"M"},]`,
		`[{"name":"Size","value":"M"}`,
		`[{"name":"Size","value":"M"}]]`,
		`[{"name":"Size","value":3}]`,
		`[{"name":"Size","value":"M"},{"name":"Color"}]`,
		`[{"name":"bad \xff utf8","value":"M"}]`,
		`[{"name":"tab	inside","value":"M"}]`,
		`{}`, `"x"`, ``, `[`,
	} {
		var want []SelectedOption
		wantErr := json.Unmarshal([]byte(in), &want)
		var got SelectedOptions
		gotErr := json.Unmarshal([]byte(in), &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Errorf("%q: error %v, encoding/json's %v", in, gotErr, wantErr)
			continue
		}
		if wantErr == nil && !reflect.DeepEqual([]SelectedOption(got), want) {
			t.Errorf("%q: decoded %#v, encoding/json %#v", in, got, want)
		}
	}
}

// What storage writes for ordinary options takes the fast path.
func TestSelectedOptionsFastPathTaken(t *testing.T) {
	for _, opts := range [][]SelectedOption{
		{{Name: "Size", Value: "M"}},
		{{Name: "Size", Value: "XS"}, {Name: "Color", Value: "Black"}, {Name: "Material", Value: "Größe 飞"}},
		{{Name: "Title", Value: "Default Title"}},
	} {
		b, err := json.Marshal(opts)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseSelectedOptions(b)
		if !ok || !reflect.DeepEqual([]SelectedOption(got), opts) {
			t.Errorf("%s: fast path %v, %#v", b, ok, got)
		}
	}
}
