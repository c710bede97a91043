package catalog

import (
	"testing"

	"storefront/ent"
	"storefront/ent/schema"
)

// grid builds options with the given value counts and one variant per combination listed.
func grid(counts []int, combos [][]int) ([]*ent.ProductOption, []*ent.ProductVariant) {
	names := []string{"A", "B", "C"}
	options := make([]*ent.ProductOption, len(counts))
	for i, n := range counts {
		o := &ent.ProductOption{Name: names[i]}
		for k := 0; k < n; k++ {
			o.Edges.Values = append(o.Edges.Values, &ent.ProductOptionValue{Name: string(rune('a' + k))})
		}
		options[i] = o
	}
	var variants []*ent.ProductVariant
	for id, c := range combos {
		v := &ent.ProductVariant{ID: id + 1, Available: 1}
		for i, k := range c {
			v.SelectedOptions = append(v.SelectedOptions, schema.SelectedOption{Name: names[i], Value: string(rune('a' + k))})
		}
		variants = append(variants, v)
	}
	return options, variants
}

// TestEncodeVariants checks the encoding against the example in Shopify's documentation
// of the v1 encoding (hydrogen-react's optionValueDecoder); the Node test in
// api_clients_test.go decodes the server's output with hydrogen-react itself.
func TestEncodeVariants(t *testing.T) {
	for _, tt := range []struct {
		counts []int
		combos [][]int
		want   string
	}{
		{[]int{3, 2, 2}, [][]int{{0, 0, 0}, {0, 1, 0}, {0, 1, 1}, {1, 0, 0}, {1, 0, 1}, {1, 1, 1}, {2, 0, 1}, {2, 1, 0}}, "v1_0:0:0,1:0-1,,1:0:0-1,1:1,,2:0:1,1:0,,"},
		{[]int{3}, [][]int{{0}, {1}, {2}}, "v1_0-2"},
		{[]int{6}, [][]int{{0}, {2}, {3}, {5}}, "v1_0 2-3 5"},
		{[]int{2, 3}, [][]int{{1, 2}, {0, 0}, {0, 1}, {0, 2}}, "v1_0:0-2,1:2,"},
		{[]int{2}, nil, "v1_"},
	} {
		options, variants := grid(tt.counts, tt.combos)
		if got := EncodeVariants(options, variants, false); got != tt.want {
			t.Errorf("EncodeVariants(%v) = %q, want %q", tt.combos, got, tt.want)
		}
	}
}

func TestVariantSelection(t *testing.T) {
	options, variants := grid([]int{2, 2}, [][]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}})
	variants[0].Available = 0
	sel := func(ignore, fold bool, kv ...string) VariantSelection {
		s := VariantSelection{IgnoreUnknown: ignore, CaseInsensitive: fold}
		for i := 0; i < len(kv); i += 2 {
			s.Options = append(s.Options, schema.SelectedOption{Name: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, tt := range []struct {
		name string
		sel  VariantSelection
		want int
	}{
		{"none: first available", sel(false, false), 2},
		{"exact", sel(false, false, "A", "b", "B", "a"), 3},
		{"partial", sel(false, false, "B", "b"), 2},
		{"case differs", sel(false, false, "a", "B", "b", "A"), 2},
		{"case-insensitive", sel(false, true, "a", "B", "b", "A"), 3},
		{"unknown option fails", sel(false, false, "A", "b", "X", "1"), 2},
		{"unknown option ignored", sel(true, false, "A", "b", "X", "1"), 3},
		{"sold out still selected", sel(false, false, "A", "a", "B", "a"), 1},
	} {
		if got := SelectedOrFirstAvailable(options, variants, tt.sel); got.ID != tt.want {
			t.Errorf("%s: got variant %d, want %d", tt.name, got.ID, tt.want)
		}
	}
	adj := Adjacent(variants, variants[0])
	if len(adj) != 2 || adj[0].ID != 2 || adj[1].ID != 3 {
		t.Errorf("Adjacent: %v", adj)
	}
	if v := FirstSelectable(options, variants, "B", "b"); v.ID != 2 {
		t.Errorf("FirstSelectable(B=b) = %d, want 2", v.ID)
	}
	if v := FirstSelectable(options, variants, "A", "b"); v.ID != 3 {
		t.Errorf("FirstSelectable(A=b) = %d, want 3", v.ID)
	}
}
