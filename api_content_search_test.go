package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"storefront/ent"
	"storefront/ent/article"
	"storefront/ent/product"
	"storefront/ent/productoptionvalue"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// contentSearchFixture is searchFixture plus a journal: "Caring for linen" (published,
// about washing shirts), "Linen through the year" (published, tagged summer), a draft
// about linen, and one scheduled for tomorrow; a shipping policy, a redirect and a brand
// logo.
func contentSearchFixture(t testing.TB, db *store.DB) {
	searchFixture(t, db)
	ctx := context.Background()
	b := db.Blog.Create().SetHandle("journal").SetTitle("Journal").SaveX(ctx)
	past := time.Now().UTC().Add(-time.Hour)
	logo := db.ContentImage.Create().SetURL("https://cdn.test/logo.png").SaveX(ctx)
	img := db.ContentImage.Create().SetURL("https://cdn.test/linen.jpg").SaveX(ctx)
	art := func(handle, title, html string, tags []string, published bool, at time.Time) *ent.ArticleCreate {
		return db.Article.Create().SetBlogID(b.ID).SetHandle(handle).SetTitle(title).SetContentHTML(html).
			SetAuthorName("Ada Weaver").SetTags(tags).SetPublished(published).SetPublishedAt(at)
	}
	art("caring", "Caring for linen", "<p>Wash your <b>shirts</b> cold and hang them to dry.</p>", nil, true, past).SetImageID(img.ID).ExecX(ctx)
	art("seasons", "Linen through the year", "<p>Why the fabric breathes.</p>", []string{"summer"}, true, past.Add(-time.Hour)).ExecX(ctx)
	art("draft", "Linen secrets", "<p>Not yet.</p>", nil, false, past).ExecX(ctx)
	art("later", "Linen tomorrow", "<p>Soon.</p>", nil, true, time.Now().UTC().Add(24*time.Hour)).ExecX(ctx)
	db.ShopPolicy.Create().SetKind("SHIPPING").SetTitle("Shipping Policy").SetBody("<p>Fast.</p>").ExecX(ctx)
	db.UrlRedirect.Create().SetPath("/old-linen").SetTarget("/products/linen").ExecX(ctx)
	db.Shop.Update().SetBrandLogoID(logo.ID).ExecX(ctx)
}

type contentSearchResponse struct {
	Search struct {
		TotalCount int
		Edges      []struct {
			Cursor string
			Node   struct {
				Typename string `json:"__typename"`
				Handle   string
			}
		}
		PageInfo struct{ HasNextPage, HasPreviousPage bool }
	}
}

func (r contentSearchResponse) items() []string {
	var out []string
	for _, e := range r.Search.Edges {
		out = append(out, strings.ToLower(e.Node.Typename)+":"+e.Node.Handle)
	}
	return out
}

const contentSearchQuery = `query($q: String!, $first: Int, $last: Int, $after: String, $before: String, $types: [SearchType!]) {
  search(query: $q, first: $first, last: $last, after: $after, before: $before, types: $types) {
    totalCount
    edges { cursor node { __typename ... on Product { handle } ... on Page { handle } ... on Article { handle } } }
    pageInfo { hasNextPage hasPreviousPage } } }`

func contentSearch(t *testing.T, api *testAPI, vars map[string]any) contentSearchResponse {
	t.Helper()
	r := api.post(t, contentSearchQuery, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("search %v: %s", vars, r.Raw)
	}
	var out contentSearchResponse
	r.decode(t, &out)
	return out
}

// TestContentSearch: articles are in the full-text index with products, collections and
// pages: search finds published articles by title, text, tags and author (after products
// and pages, paginated across the three in both directions), predictiveSearch finds them
// by prefix, and an edit re-indexes the article through the same hooks.
func TestContentSearch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, contentSearchFixture)
		ctx := context.Background()
		for _, c := range []struct {
			q     string
			types []string
			want  string
			total int
		}{
			{"linen", []string{"ARTICLE"}, "article:caring article:seasons", 2},  // titles; the draft and the scheduled one are not shown
			{"cold", []string{"ARTICLE"}, "article:caring", 1},                   // text, without its HTML
			{"weaver", []string{"ARTICLE"}, "article:caring article:seasons", 2}, // author
			{"summer", []string{"ARTICLE", "PAGE"}, "article:seasons", 1},        // tag
			{"shirts", nil, "product:linen product:oxford product:hanger product:jacket page:shipping article:caring", 6},
			{"secrets", []string{"ARTICLE"}, "", 0},
		} {
			got := contentSearch(t, api, map[string]any{"q": c.q, "first": 20, "types": c.types})
			if w := strings.Join(got.items(), " "); !sameSet(w, c.want) || got.Search.TotalCount != c.total {
				t.Errorf("search %q %v: %q (total %d), want %q (%d)", c.q, c.types, w, got.Search.TotalCount, c.want, c.total)
			}
		}
		// Products, then the page, then the article, one at a time, forwards and backwards.
		all := contentSearch(t, api, map[string]any{"q": "shirts", "first": 20}).items()
		var walked []string
		var after any
		for range 10 {
			p := contentSearch(t, api, map[string]any{"q": "shirts", "first": 1, "after": after})
			walked = append(walked, p.items()...)
			if !p.Search.PageInfo.HasNextPage {
				break
			}
			after = p.Search.Edges[len(p.Search.Edges)-1].Cursor
		}
		if strings.Join(walked, " ") != strings.Join(all, " ") || !strings.HasSuffix(strings.Join(all, " "), "page:shipping article:caring") {
			t.Errorf("walked forwards %v, want %v ending with the page, then the article", walked, all)
		}
		var back []string
		var before any
		for range 10 {
			p := contentSearch(t, api, map[string]any{"q": "shirts", "last": 2, "before": before})
			back = append(p.items(), back...)
			if !p.Search.PageInfo.HasPreviousPage {
				break
			}
			before = p.Search.Edges[0].Cursor
		}
		if strings.Join(back, " ") != strings.Join(all, " ") {
			t.Errorf("walked backwards %v, want %v", back, all)
		}

		predictive := func(q string) []string {
			var out struct {
				PredictiveSearch struct{ Articles []struct{ Handle string } }
			}
			r := api.post(t, `query($q: String!) { predictiveSearch(query: $q, types: [ARTICLE]) { articles { handle } } }`, map[string]any{"q": q})
			if len(r.Errors) > 0 {
				t.Fatalf("predictiveSearch %q: %s", q, r.Raw)
			}
			r.decode(t, &out)
			var hs []string
			for _, a := range out.PredictiveSearch.Articles {
				hs = append(hs, a.Handle)
			}
			return hs
		}
		if got := predictive("lin"); strings.Join(got, " ") != "caring seasons" {
			t.Errorf("predictive lin: %v, want caring seasons", got)
		}
		if got := predictive("breath"); strings.Join(got, " ") != "seasons" {
			t.Errorf("predictive breath (text): %v, want seasons", got)
		}
		// Edited: the index follows.
		api.DB.Article.Update().Where(article.Handle("seasons")).SetTitle("Wool through the year").SetContentHTML("<p>Warm.</p>").SetTags(nil).ExecX(ctx)
		if got := contentSearch(t, api, map[string]any{"q": "linen", "first": 20, "types": []string{"ARTICLE"}}).items(); strings.Join(got, " ") != "article:caring" {
			t.Errorf("after the edit, linen finds %v", got)
		}
		if got := predictive("wool"); strings.Join(got, " ") != "seasons" {
			t.Errorf("after the edit, predictive wool: %v", got)
		}
		api.DB.Article.Delete().Where(article.Handle("caring")).ExecX(ctx)
		if got := contentSearch(t, api, map[string]any{"q": "cold", "first": 20, "types": []string{"ARTICLE"}}); len(got.items()) != 0 || got.Search.TotalCount != 0 {
			t.Errorf("a deleted article is still found: %v", got.items())
		}
	})
}

func sameSet(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	if len(x) != len(y) {
		return false
	}
	seen := map[string]int{}
	for _, s := range x {
		seen[s]++
	}
	for _, s := range y {
		seen[s]--
		if seen[s] < 0 {
			return false
		}
	}
	return true
}

// TestContentNodes: node() and nodes() resolve MediaImage (product images and content
// images, whose IDs differ), ShopPolicy and UrlRedirect by the IDs the objects are shown
// with elsewhere.
func TestContentNodes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, func(t testing.TB, db *store.DB) {
			contentSearchFixture(t, db)
			ctx := context.Background()
			p := db.Product.Query().Where(product.Handle("linen")).OnlyX(ctx)
			img := db.ProductImage.Create().SetProductID(p.ID).SetURL("https://cdn.test/product.jpg").SetPosition(0).SaveX(ctx)
			v := db.ProductOptionValue.Query().Where(productoptionvalue.Name("White")).FirstX(ctx)
			db.ProductOptionValue.UpdateOne(v).SetSwatchImageID(img.ID).ExecX(ctx)
		})
		var shown struct {
			Shop struct {
				Brand          struct{ Logo struct{ ID string } }
				ShippingPolicy struct{ ID, Title string }
			}
			UrlRedirects struct{ Nodes []struct{ ID, Path string } }
			Product      struct {
				Options []struct {
					OptionValues []struct {
						Swatch *struct {
							Image *struct {
								ID    string
								Image struct{ URL string }
							}
						}
					}
				}
			}
		}
		r := api.post(t, `{ shop { brand { logo { id } } shippingPolicy { id title } } urlRedirects(first: 5) { nodes { id path } }
			product(handle: "linen") { options { optionValues { swatch { image { ... on MediaImage { id image { url } } } } } } } }`, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("%s", r.Raw)
		}
		r.decode(t, &shown)
		var productMedia string
		for _, o := range shown.Product.Options {
			for _, v := range o.OptionValues {
				if v.Swatch != nil && v.Swatch.Image != nil {
					productMedia = v.Swatch.Image.ID
				}
			}
		}
		logo, policy := shown.Shop.Brand.Logo.ID, shown.Shop.ShippingPolicy.ID
		if productMedia == "" || logo == "" || policy == "" || len(shown.UrlRedirects.Nodes) != 1 || productMedia == logo {
			t.Fatalf("ids: media %q logo %q policy %q redirects %+v", productMedia, logo, policy, shown.UrlRedirects.Nodes)
		}
		redirect := shown.UrlRedirects.Nodes[0].ID
		const sel = `__typename id ... on MediaImage { image { url } } ... on ShopPolicy { title } ... on UrlRedirect { path }`
		type node struct {
			Typename string `json:"__typename"`
			ID       string
			Image    *struct{ URL string }
			Title    string
			Path     string
		}
		describe := func(n *node) string {
			switch {
			case n == nil:
				return "null"
			case n.Image != nil:
				return n.Typename + " " + n.ID + " " + n.Image.URL
			}
			return strings.TrimSpace(n.Typename + " " + n.ID + " " + n.Title + n.Path)
		}
		want := []string{
			"MediaImage " + productMedia + " https://cdn.test/product.jpg",
			"MediaImage " + logo + " https://cdn.test/logo.png",
			"ShopPolicy " + policy + " Shipping Policy",
			"UrlRedirect " + redirect + " /old-linen",
			"null",
		}
		ids := []string{productMedia, logo, policy, redirect, "gid://storefront/UrlRedirect/999999"}
		for i, id := range ids {
			var out struct{ Node *node }
			api.post(t, `query($id: ID!) { node(id: $id) { `+sel+` } }`, map[string]any{"id": id}).decode(t, &out)
			if got := describe(out.Node); got != want[i] {
				t.Errorf("node(%s): %s, want %s", id, got, want[i])
			}
		}
		var many struct{ Nodes []*node }
		api.post(t, `query($ids: [ID!]!) { nodes(ids: $ids) { `+sel+` } }`, map[string]any{"ids": ids}).decode(t, &many)
		for i := range ids {
			if i >= len(many.Nodes) || describe(many.Nodes[i]) != want[i] {
				t.Errorf("nodes: %v, want %v", many.Nodes, want)
				break
			}
		}
	})
}
