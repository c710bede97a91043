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

// TestOptionTranslations: option names and option value names registered through
// translationsRegister (ProductOption and ProductOptionValue resources, key "name") are what
// @inContext(language:) shows in options, values, optionValues, variants' selectedOptions
// and their option-made titles, with the shop language's text where there is none; and
// variant selection still takes the shop language's names.
func TestOptionTranslations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		ctx := context.Background()
		key := adminKey(t, api.DB, "catalog:write")
		tee := api.DB.Product.Query().Where(product.Handle("tee")).OnlyX(ctx)
		size := api.DB.ProductOption.Query().Where(productoption.ProductID(tee.ID), productoption.Name("Size")).OnlyX(ctx)
		color := api.DB.ProductOption.Query().Where(productoption.ProductID(tee.ID), productoption.Name("Color")).OnlyX(ctx)
		black := api.DB.ProductOptionValue.Query().Where(productoptionvalue.OptionID(color.ID), productoptionvalue.Name("Black")).OnlyX(ctx)
		register := func(resource, translations string) []adminUserError {
			t.Helper()
			var out struct {
				TranslationsRegister struct{ UserErrors []adminUserError }
			}
			api.adminPost(t, key, `mutation($id: ID!) { translationsRegister(resourceId: $id, translations: `+translations+`) { userErrors { field code message } } }`,
				map[string]any{"id": resource}).decode(t, &out)
			return out.TranslationsRegister.UserErrors
		}
		for resource, tr := range map[string]string{
			gid.Format(gid.ProductOption, size.ID):       `[{key: "name", locale: "fr", value: "Taille"}]`,
			gid.Format(gid.ProductOption, color.ID):      `[{key: "name", locale: "fr", value: "Couleur"}, {key: "name", locale: "de", value: "Farbe"}]`,
			gid.Format(gid.ProductOptionValue, black.ID): `[{key: "name", locale: "fr", value: "Noir"}]`,
		} {
			if u := register(resource, tr); len(u) > 0 {
				t.Fatalf("register %s: %+v", resource, u)
			}
		}
		for _, c := range []struct{ resource, in, code, field string }{
			{gid.Format(gid.ProductOption, size.ID), `[{key: "title", locale: "fr", value: "x"}]`, "INVALID_KEY_FOR_MODEL", "translations.0.key"},
			{gid.Format(gid.ProductOptionValue, 999999), `[{key: "name", locale: "fr", value: "x"}]`, "RESOURCE_NOT_FOUND", "resourceId"},
			{gid.Format(gid.ProductOption, 999999), `[{key: "name", locale: "fr", value: "x"}]`, "RESOURCE_NOT_FOUND", "resourceId"},
		} {
			if u := register(c.resource, c.in); len(u) != 1 || u[0].Code != c.code || strings.Join(u[0].Field, ".") != c.field {
				t.Errorf("register %s %s: %+v, want %s at %s", c.resource, c.in, u, c.code, c.field)
			}
		}

		const q = `query($l: LanguageCode) @inContext(language: $l) { product(handle: "tee") {
			options { name values optionValues { name } }
			variants(first: 3) { nodes { title selectedOptions { name value } } }
			selectedOrFirstAvailableVariant(selectedOptions: [{name: "Size", value: "M"}, {name: "Color", value: "Black"}]) { title }
			variantBySelectedOptions(selectedOptions: [{name: "Size", value: "L"}, {name: "Color", value: "Black"}]) { title } } }`
		type productJSON struct {
			Product struct {
				Options []struct {
					Name         string
					Values       []string
					OptionValues []struct{ Name string }
				}
				Variants struct {
					Nodes []struct {
						Title           string
						SelectedOptions []struct{ Name, Value string }
					}
				}
				SelectedOrFirstAvailableVariant *struct{ Title string }
				VariantBySelectedOptions        *struct{ Title string }
			}
		}
		read := func(lang any) string {
			t.Helper()
			var got productJSON
			api.post(t, q, map[string]any{"l": lang}).decode(t, &got)
			p := got.Product
			var parts []string
			for _, o := range p.Options {
				var ovs []string
				for _, v := range o.OptionValues {
					ovs = append(ovs, v.Name)
				}
				parts = append(parts, o.Name+"="+strings.Join(o.Values, ",")+"|"+strings.Join(ovs, ","))
			}
			for _, v := range p.Variants.Nodes {
				var so []string
				for _, s := range v.SelectedOptions {
					so = append(so, s.Name+":"+s.Value)
				}
				parts = append(parts, v.Title+"("+strings.Join(so, ",")+")")
			}
			if p.SelectedOrFirstAvailableVariant == nil || p.VariantBySelectedOptions == nil {
				t.Fatalf("language %v: variant selection found nothing: %+v", lang, p)
			}
			parts = append(parts, p.SelectedOrFirstAvailableVariant.Title, p.VariantBySelectedOptions.Title)
			return strings.Join(parts, " ")
		}
		for _, c := range []struct {
			lang any
			want string
		}{
			{"FR", "Taille=S,M,L|S,M,L Couleur=Noir|Noir S / Noir(Taille:S,Couleur:Noir) M / Noir(Taille:M,Couleur:Noir) L / Noir(Taille:L,Couleur:Noir) M / Noir L / Noir"},
			// German has the option name only: everything else falls back.
			{"DE", "Size=S,M,L|S,M,L Farbe=Black|Black S / Black(Size:S,Farbe:Black) M / Black(Size:M,Farbe:Black) L / Black(Size:L,Farbe:Black) M / Black L / Black"},
			{"EN", "Size=S,M,L|S,M,L Color=Black|Black S / Black(Size:S,Color:Black) M / Black(Size:M,Color:Black) L / Black(Size:L,Color:Black) M / Black L / Black"},
			{nil, "Size=S,M,L|S,M,L Color=Black|Black S / Black(Size:S,Color:Black) M / Black(Size:M,Color:Black) L / Black(Size:L,Color:Black) M / Black L / Black"},
		} {
			if got := read(c.lang); got != c.want {
				t.Errorf("language %v:\n got %s\nwant %s", c.lang, got, c.want)
			}
		}
	})
}

// TestOptionTranslationStatements: a translated listing with options and variants' selected
// options costs the same number of statements whatever the page size.
func TestOptionTranslationStatements(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, manyProducts(120))
		ctx := context.Background()
		key := adminKey(t, api.DB, "catalog:write")
		for _, o := range api.DB.ProductOption.Query().Where(productoption.Name("Size")).Limit(60).AllX(ctx) {
			var out struct {
				TranslationsRegister struct{ UserErrors []adminUserError }
			}
			api.adminPost(t, key, `mutation($id: ID!) { translationsRegister(resourceId: $id, translations: [{key: "name", locale: "fr", value: "Taille"}]) { userErrors { code } } }`,
				map[string]any{"id": gid.Format(gid.ProductOption, o.ID)}).decode(t, &out)
		}
		const q = `query($n: Int!) @inContext(language: FR) { products(first: $n) { nodes {
			options { name optionValues { name } } variants(first: 5) { nodes { title selectedOptions { name value } } } } } }`
		small := statements(t, api, q, map[string]any{"n": 5})
		large := statements(t, api, q, map[string]any{"n": 100})
		again := statements(t, api, q, map[string]any{"n": 100})
		t.Logf("statements: first 5 → %d, first 100 → %d, %d", small, large, again)
		if small != large || large != again || large > 14 {
			t.Errorf("statements: first 5 → %d, first 100 → %d, %d; want equal and at most 14", small, large, again)
		}
		var got struct {
			Products struct {
				Nodes []struct {
					Options []struct{ Name string }
				}
			}
		}
		api.post(t, `{ products(first: 1) { nodes { options { name } } } }`, nil).decode(t, &got)
		if got.Products.Nodes[0].Options[0].Name != "Size" {
			t.Errorf("untranslated request shows %q", got.Products.Nodes[0].Options[0].Name)
		}
	})
}
