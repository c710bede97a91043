package main

import (
	"context"
	"strings"
	"testing"

	"storefront/ent/product"
	"storefront/ent/productoption"
	"storefront/ent/productoptionvalue"
	"storefront/internal/gid"
	"storefront/internal/storetest"
)

// registerName registers a translation of an option's or option value's name through the
// Admin API.
func registerName(t testing.TB, api *testAPI, key, resource, locale, value string) {
	t.Helper()
	var out struct {
		TranslationsRegister struct{ UserErrors []adminUserError }
	}
	api.adminPost(t, key, `mutation($id: ID!, $l: String!, $v: String!) { translationsRegister(resourceId: $id, translations: [{key: "name", locale: $l, value: $v}]) { userErrors { field code message } } }`,
		map[string]any{"id": resource, "l": locale, "v": value}).decode(t, &out)
	if len(out.TranslationsRegister.UserErrors) > 0 {
		t.Fatalf("register %s: %+v", resource, out.TranslationsRegister.UserErrors)
	}
}

// TestOptionTranslationSelection: with @inContext(language:), selectedOrFirstAvailableVariant,
// variantBySelectedOptions and adjacentVariants take the option names and values the
// storefront was shown (the translations) as well as the shop language's, with the same
// case rules as without a language; without a language, translations are not accepted.
func TestOptionTranslationSelection(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		ctx := context.Background()
		key := adminKey(t, api.DB, "catalog:write")
		tee := api.DB.Product.Query().Where(product.Handle("tee")).OnlyX(ctx)
		size := api.DB.ProductOption.Query().Where(productoption.ProductID(tee.ID), productoption.Name("Size")).OnlyX(ctx)
		color := api.DB.ProductOption.Query().Where(productoption.ProductID(tee.ID), productoption.Name("Color")).OnlyX(ctx)
		black := api.DB.ProductOptionValue.Query().Where(productoptionvalue.OptionID(color.ID), productoptionvalue.Name("Black")).OnlyX(ctx)
		large := api.DB.ProductOptionValue.Query().Where(productoptionvalue.OptionID(size.ID), productoptionvalue.Name("L")).OnlyX(ctx)
		registerName(t, api, key, gid.Format(gid.ProductOption, size.ID), "fr", "Taille")
		registerName(t, api, key, gid.Format(gid.ProductOption, color.ID), "fr", "Couleur")
		registerName(t, api, key, gid.Format(gid.ProductOptionValue, black.ID), "fr", "Noir")
		registerName(t, api, key, gid.Format(gid.ProductOptionValue, large.ID), "fr", "Grand")

		const q = `query($l: LanguageCode, $o: [SelectedOptionInput!]!, $ci: Boolean) @inContext(language: $l) { product(handle: "tee") {
			selectedOrFirstAvailableVariant(selectedOptions: $o, caseInsensitiveMatch: $ci) { title }
			variantBySelectedOptions(selectedOptions: $o) { title }
			adjacentVariants(selectedOptions: $o, caseInsensitiveMatch: $ci) { title } } }`
		type titled struct{ Title string }
		read := func(lang any, ci bool, opts ...string) string {
			t.Helper()
			var o []map[string]string
			for i := 0; i+1 < len(opts); i += 2 {
				o = append(o, map[string]string{"name": opts[i], "value": opts[i+1]})
			}
			var got struct {
				Product struct {
					SelectedOrFirstAvailableVariant *titled
					VariantBySelectedOptions        *titled
					AdjacentVariants                []titled
				}
			}
			api.post(t, q, map[string]any{"l": lang, "o": o, "ci": ci}).decode(t, &got)
			p := got.Product
			title := func(v *titled) string {
				if v == nil {
					return "-"
				}
				return v.Title
			}
			var adj []string
			for _, v := range p.AdjacentVariants {
				adj = append(adj, v.Title)
			}
			return title(p.SelectedOrFirstAvailableVariant) + " | " + title(p.VariantBySelectedOptions) + " | " + strings.Join(adj, ",")
		}
		for _, c := range []struct {
			name string
			lang any
			ci   bool
			opts []string
			want string
		}{
			{"translated names and values", "FR", false, []string{"Taille", "Grand", "Couleur", "Noir"}, "Grand / Noir | Grand / Noir | S / Noir,M / Noir"},
			{"shop names under a language", "FR", false, []string{"Size", "L", "Color", "Black"}, "Grand / Noir | Grand / Noir | S / Noir,M / Noir"},
			{"mixed", "FR", false, []string{"Taille", "M", "Color", "Noir"}, "M / Noir | M / Noir | S / Noir,Grand / Noir"},
			// Option names match case-insensitively in variantBySelectedOptions; in
			// selectedOrFirstAvailableVariant only with caseInsensitiveMatch, as without a language.
			{"case differs", "FR", false, []string{"taille", "M", "couleur", "Noir"}, "S / Noir | M / Noir | M / Noir,Grand / Noir"},
			{"case differs, caseInsensitiveMatch", "FR", true, []string{"taille", "grand", "couleur", "NOIR"}, "Grand / Noir | - | S / Noir,M / Noir"},
			// An untranslated request knows only the shop language's names.
			{"no language", nil, false, []string{"Taille", "Grand", "Couleur", "Noir"}, "S / Black | - | M / Black,L / Black"},
			{"shop language", "EN", false, []string{"Size", "L", "Color", "Black"}, "L / Black | L / Black | S / Black,M / Black"},
		} {
			if got := read(c.lang, c.ci, c.opts...); got != c.want {
				t.Errorf("%s: got %s, want %s", c.name, got, c.want)
			}
		}
	})
}

// TestOptionTranslationSelectionStatements: selecting variants by translated options in a
// listing costs the same number of statements whatever the page size.
func TestOptionTranslationSelectionStatements(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, manyProducts(120))
		ctx := context.Background()
		key := adminKey(t, api.DB, "catalog:write")
		for _, o := range api.DB.ProductOption.Query().Where(productoption.Name("Size")).Limit(60).AllX(ctx) {
			registerName(t, api, key, gid.Format(gid.ProductOption, o.ID), "fr", "Taille")
		}
		const q = `query($n: Int!) @inContext(language: FR) { products(first: $n) { nodes {
			selectedOrFirstAvailableVariant(selectedOptions: [{name: "Taille", value: "M"}]) { title }
			variantBySelectedOptions(selectedOptions: [{name: "Taille", value: "M"}]) { id }
			adjacentVariants(selectedOptions: [{name: "Taille", value: "M"}]) { id } } } }`
		small := statements(t, api, q, map[string]any{"n": 5})
		large := statements(t, api, q, map[string]any{"n": 100})
		t.Logf("statements: first 5 → %d, first 100 → %d", small, large)
		if small != large || large > 14 {
			t.Errorf("statements: first 5 → %d, first 100 → %d; want equal and at most 14", small, large)
		}
		// Filtering by a translated option and reading translated facets.
		const fq = `query($n: Int!) @inContext(language: FR) { search(query: "product", first: $n, productFilters: [{variantOption: {name: "Taille", value: "M"}}]) {
			nodes { ... on Product { handle options { name } } } productFilters { label values { label count } } } }`
		small = statements(t, api, fq, map[string]any{"n": 5})
		large = statements(t, api, fq, map[string]any{"n": 100})
		t.Logf("filtered search statements: first 5 → %d, first 100 → %d", small, large)
		if small != large || large > 14 {
			t.Errorf("filtered search statements: first 5 → %d, first 100 → %d; want equal and at most 14", small, large)
		}
		var got struct {
			Search struct {
				Nodes          []struct{ Handle string }
				ProductFilters []struct{ Label string }
			}
		}
		api.post(t, fq, map[string]any{"n": 100}).decode(t, &got)
		labels := ""
		for _, f := range got.Search.ProductFilters {
			labels += f.Label + ","
		}
		if len(got.Search.Nodes) != 100 || !strings.Contains(labels, "Taille") {
			t.Errorf("filtered search: %d products, filters %s", len(got.Search.Nodes), labels)
		}
	})
}

// TestOptionTranslationFilters: under @inContext(language:), collection.products and
// search filter facets show option names and values translated (their inputs keep the shop
// language's names, which filter in any language), and variantOption filters take the
// translated names and values as well as the shop language's; without a language only the
// shop language's.
func TestOptionTranslationFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		ctx := context.Background()
		key := adminKey(t, api.DB, "catalog:write")
		tee := api.DB.Product.Query().Where(product.Handle("tee")).OnlyX(ctx)
		size := api.DB.ProductOption.Query().Where(productoption.ProductID(tee.ID), productoption.Name("Size")).OnlyX(ctx)
		large := api.DB.ProductOptionValue.Query().Where(productoptionvalue.OptionID(size.ID), productoptionvalue.Name("L")).OnlyX(ctx)
		registerName(t, api, key, gid.Format(gid.ProductOption, size.ID), "fr", "Taille")
		registerName(t, api, key, gid.Format(gid.ProductOptionValue, large.ID), "fr", "Grand")

		type filterJSON struct {
			ID, Label string
			Values    []struct {
				Label, Input string
				Count        int
			}
		}
		facets := func(fs []filterJSON) string {
			var parts []string
			for _, f := range fs {
				if !strings.HasPrefix(f.ID, "filter.v.option.size") {
					continue
				}
				var vs []string
				for _, v := range f.Values {
					vs = append(vs, v.Label+"="+v.Input)
				}
				parts = append(parts, f.Label+": "+strings.Join(vs, " "))
			}
			return strings.Join(parts, "; ")
		}
		const listSel = `nodes { handle } filters { id label values { label count input } }`
		read := func(lang any, filters ...[2]string) (string, string, string, string) {
			t.Helper()
			var f []map[string]any
			for _, p := range filters {
				f = append(f, map[string]any{"variantOption": map[string]string{"name": p[0], "value": p[1]}})
			}
			var got struct {
				Collection struct {
					Products struct {
						Nodes   []struct{ Handle string }
						Filters []filterJSON
					}
				}
				Search struct {
					Nodes          []struct{ Handle string }
					ProductFilters []filterJSON
				}
			}
			api.post(t, `query($l: LanguageCode, $f: [ProductFilter!]) @inContext(language: $l) {
				collection(handle: "apparel") { products(first: 10, filters: $f) { `+listSel+` } }
				search(query: "tee", first: 10, productFilters: $f) { nodes { ... on Product { handle } } productFilters { id label values { label count input } } } }`,
				map[string]any{"l": lang, "f": f}).decode(t, &got)
			handles := func(ns []struct{ Handle string }) string {
				var hs []string
				for _, n := range ns {
					hs = append(hs, n.Handle)
				}
				return strings.Join(hs, ",")
			}
			return handles(got.Collection.Products.Nodes), facets(got.Collection.Products.Filters), handles(got.Search.Nodes), facets(got.Search.ProductFilters)
		}
		const (
			sIn = `{"variantOption":{"name":"Size","value":"S"}}`
			mIn = `{"variantOption":{"name":"Size","value":"M"}}`
			lIn = `{"variantOption":{"name":"Size","value":"L"}}`
		)
		fr := "Taille: S=" + sIn + " M=" + mIn + " Grand=" + lIn
		en := "Size: S=" + sIn + " M=" + mIn + " L=" + lIn
		for _, c := range []struct {
			name         string
			lang         any
			filters      [][2]string
			tees, facets string
		}{
			{"translated facets", "FR", nil, "tee", fr},
			{"translated filter", "FR", [][2]string{{"Taille", "Grand"}}, "tee", fr},
			{"translated name, shop value", "FR", [][2]string{{"Taille", "M"}}, "tee", fr},
			{"shop filter under a language", "FR", [][2]string{{"Size", "L"}}, "tee", fr},
			{"no such value", "FR", [][2]string{{"Taille", "XL"}}, "", ""},
			{"no language", nil, nil, "tee", en},
			{"translation without a language", nil, [][2]string{{"Taille", "Grand"}}, "", ""},
		} {
			coll, collFacets, search, searchFacets := read(c.lang, c.filters...)
			if coll != c.tees || search != c.tees {
				t.Errorf("%s: products %q and %q, want %q", c.name, coll, search, c.tees)
			}
			if c.facets != "" && (collFacets != c.facets || searchFacets != c.facets) {
				t.Errorf("%s: facets\n got %s\n and %s\nwant %s", c.name, collFacets, searchFacets, c.facets)
			}
		}
	})
}
