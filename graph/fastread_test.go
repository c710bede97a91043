package graph

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"storefront/graph/generated"
)

// fastDirect are the fields the serial catalog executor reads straight from the model,
// as gqlgen's generated code does today. Should one of them become a resolver (a
// translation, a market's price), this test fails until fastread_types.go calls it.
var fastDirect = map[string][]string{
	"Product":                  {"ID", "Handle", "Vendor", "ProductType", "Tags", "CreatedAt", "UpdatedAt", "IsGiftCard"},
	"ProductVariant":           {"ID", "Sku", "Barcode", "QuantityAvailable", "RequiresShipping", "Weight"},
	"ProductOption":            {"ID"},
	"ProductOptionValue":       {"ID"},
	"SelectedOption":           {"Name", "Value"},
	"Collection":               {"ID", "Handle", "UpdatedAt"},
	"Image":                    {"ID", "URL", "AltText", "Width", "Height"},
	"MoneyV2":                  {"Amount", "CurrencyCode"},
	"SEO":                      {"Title", "Description"},
	"PageInfo":                 {"HasNextPage", "HasPreviousPage", "StartCursor", "EndCursor"},
	"ProductPriceRange":        {"MinVariantPrice", "MaxVariantPrice"},
	"ProductConnection":        {"Edges", "Nodes", "PageInfo"},
	"ProductEdge":              {"Cursor", "Node"},
	"ProductVariantConnection": {"Edges", "Nodes", "PageInfo"},
	"ProductVariantEdge":       {"Node"},
	"ImageConnection":          {"Edges", "Nodes", "PageInfo"},
	"ImageEdge":                {"Cursor", "Node"},
	"CollectionConnection":     {"Edges", "Nodes", "PageInfo"},
	"CollectionEdge":           {"Cursor", "Node"},
}

func TestFastReadDirectFieldsHaveNoResolver(t *testing.T) {
	root := reflect.TypeOf((*generated.ResolverRoot)(nil)).Elem()
	for typ, fields := range fastDirect {
		m, ok := root.MethodByName(typ)
		if !ok {
			continue // no resolver at all for the type
		}
		res := m.Type.Out(0)
		for _, f := range fields {
			if _, ok := res.MethodByName(f); ok {
				t.Errorf("%s.%s has become a resolver: the serial catalog executor (fastread_types.go) must call it", typ, f)
			}
		}
	}
	// The check itself: a field known to be a resolver is found.
	m, _ := root.MethodByName("Product")
	if _, ok := m.Type.Out(0).MethodByName("Title"); !ok {
		t.Fatal("ProductResolver.Title not found: the check finds nothing")
	}
}

// TestAppendGQLStringMatchesGqlgen: the fast executor's strings are byte for byte what
// gqlgen's String marshaller writes, for every single byte, control characters, quotes,
// backslashes, multi-byte and invalid UTF-8, and random mixes of them.
func TestAppendGQLStringMatchesGqlgen(t *testing.T) {
	cases := []string{"", "plain", `a"b\c`, "tab\tnl\ncr\r\x00\x1f\x7f", "ünïcödé ☕ \u2028", "\xff\xfe bad \xc3", "<html>&amp;"}
	for b := range 256 {
		cases = append(cases, string([]byte{byte(b)}), "x"+string([]byte{byte(b)})+"y")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		var got, want bytes.Buffer
		appendGQLString(&got, s)
		graphql.MarshalString(s).MarshalGQL(&want)
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("%q: got %q, gqlgen writes %q", s, got.Bytes(), want.Bytes())
		}
	}
}
