package graph

import (
	"reflect"
	"testing"

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
