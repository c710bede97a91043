package main

import (
	"context"
	"strings"
	"testing"

	"storefront/ent/collection"
	"storefront/ent/product"
	"storefront/internal/storetest"
)

// TestTranslations: translations registered through the Admin API are what
// @inContext(language:) reads, with the shop language as the fallback, in one lookup per
// request whatever the page size; bad input is refused with codes; removed translations fall
// back again.
func TestTranslations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		ctx := context.Background()
		key := adminKey(t, api.DB, "catalog:write")
		tee := api.DB.Product.Query().Where(product.Handle("tee")).OnlyX(ctx).GlobalID()
		apparel := api.DB.Collection.Query().Where(collection.Handle("apparel")).OnlyX(ctx).GlobalID()
		register := func(resource, translations string) []adminUserError {
			t.Helper()
			var out struct {
				TranslationsRegister struct {
					Translations []struct{ Key, Locale, Value string }
					UserErrors   []adminUserError
				}
			}
			api.adminPost(t, key, `mutation($id: ID!) { translationsRegister(resourceId: $id, translations: `+translations+`) {
				translations { key locale value } userErrors { field code message } } }`, map[string]any{"id": resource}).decode(t, &out)
			return out.TranslationsRegister.UserErrors
		}
		if u := register(tee, `[{key: "title", locale: "fr", value: "T-shirt classique"}, {key: "body_html", locale: "fr", value: "<p>Un <b>t-shirt</b></p>"}]`); len(u) > 0 {
			t.Fatalf("register tee: %+v", u)
		}
		// Registering again replaces.
		if u := register(tee, `[{key: "title", locale: "fr", value: "Le T-shirt"}]`); len(u) > 0 {
			t.Fatalf("register tee again: %+v", u)
		}
		if u := register(apparel, `[{key: "title", locale: "fr", value: "Vêtements"}]`); len(u) > 0 {
			t.Fatalf("register apparel: %+v", u)
		}
		for _, c := range []struct{ resource, in, code, field string }{
			{"gid://storefront/Product/999999", `[{key: "title", locale: "fr", value: "x"}]`, "RESOURCE_NOT_FOUND", "resourceId"},
			{"gid://storefront/Cart/1", `[{key: "title", locale: "fr", value: "x"}]`, "RESOURCE_NOT_FOUND", "resourceId"},
			{tee, `[{key: "vendor", locale: "fr", value: "x"}]`, "INVALID_KEY_FOR_MODEL", "translations.0.key"},
			{tee, `[{key: "title", locale: "français", value: "x"}]`, "INVALID_CODE", "translations.0.locale"},
			{tee, `[{key: "title", locale: "en", value: "x"}]`, "INVALID_LOCALE_FOR_SHOP", "translations.0.locale"},
			{tee, `[{key: "title", locale: "de", value: " "}]`, "BLANK", "translations.0.value"},
		} {
			if u := register(c.resource, c.in); len(u) != 1 || u[0].Code != c.code || strings.Join(u[0].Field, ".") != c.field {
				t.Errorf("register %s %s: %+v, want %s at %s", c.resource, c.in, u, c.code, c.field)
			}
		}

		const q = `query($l: LanguageCode, $n: Int!) @inContext(language: $l) {
			products(first: $n, sortKey: TITLE) { nodes { handle title description descriptionHtml collections(first: 5) { nodes { title } } } } }`
		type productsJSON struct {
			Products struct {
				Nodes []struct {
					Handle, Title, Description, DescriptionHTML string
					Collections                                 struct{ Nodes []struct{ Title string } }
				}
			}
		}
		read := func(lang any, n int) (map[string][3]string, map[string]string, int64) {
			t.Helper()
			resp, statements := api.countedPost(t, q, map[string]any{"l": lang, "n": n})
			var got productsJSON
			resp.decode(t, &got)
			out, cols := map[string][3]string{}, map[string]string{}
			for _, p := range got.Products.Nodes {
				out[p.Handle] = [3]string{p.Title, p.Description, p.DescriptionHTML}
				for _, c := range p.Collections.Nodes {
					cols[p.Handle] = c.Title
				}
			}
			return out, cols, statements
		}
		fr, frCols, few := read("FR", 1)
		fr, frCols, many := read("FR", 50)
		if fr["tee"] != [3]string{"Le T-shirt", "Un t-shirt", "<p>Un <b>t-shirt</b></p>"} || frCols["tee"] != "Vêtements" {
			t.Errorf("FR tee: %q in %q", fr["tee"], frCols["tee"])
		}
		if fr["mug"][0] != "Enamel Mug" || fr["mug"][1] != "Enamel Mug description" {
			t.Errorf("FR mug (untranslated): %q, want the shop language's", fr["mug"])
		}
		if many > few {
			t.Errorf("statements grew with page size: first 1 → %d, first 50 → %d", few, many)
		}
		for _, lang := range []any{nil, "EN", "DE"} {
			if got, _, _ := read(lang, 50); got["tee"][0] != "Classic Tee" || got["tee"][1] != "Classic Tee description" {
				t.Errorf("language %v: tee %q, want the shop language's", lang, got["tee"])
			}
		}

		var loc struct {
			Localization struct {
				Language           struct{ IsoCode string }
				AvailableLanguages []struct{ IsoCode string }
			}
		}
		api.post(t, `query @inContext(language: FR) { localization { language { isoCode } availableLanguages { isoCode } } }`, nil).decode(t, &loc)
		var langs []string
		for _, l := range loc.Localization.AvailableLanguages {
			langs = append(langs, l.IsoCode)
		}
		if loc.Localization.Language.IsoCode != "FR" || strings.Join(langs, ",") != "EN,FR" {
			t.Errorf("localization: %s of %v, want FR of EN,FR", loc.Localization.Language.IsoCode, langs)
		}

		var removed struct {
			TranslationsRemove struct {
				Translations []struct{ Key string }
				UserErrors   []adminUserError
			}
		}
		api.adminPost(t, key, `mutation($id: ID!) { translationsRemove(resourceId: $id, translationKeys: ["title"], locales: ["fr"]) {
			translations { key } userErrors { field code } } }`, map[string]any{"id": tee}).decode(t, &removed)
		if r := removed.TranslationsRemove; len(r.UserErrors) > 0 || len(r.Translations) != 1 {
			t.Fatalf("translationsRemove: %+v", r)
		}
		if got, _, _ := read("FR", 50); got["tee"][0] != "Classic Tee" || got["tee"][1] != "Un t-shirt" {
			t.Errorf("after removing the title: %q, want the English title and the French description", got["tee"])
		}
	})
}
