package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"storefront/ent"
	"storefront/ent/schema"
	"storefront/internal/analytics"
	"storefront/internal/gid"
	"storefront/internal/reports"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// searchFixture writes a small catalog whose search results are known:
//
//	linen    "Linen Shirt"      Apparel  Acme    [summer linen]   Size S/M/L, Color White/Blue; in stock
//	oxford   "Oxford Shirt"     Apparel  Acme    [classic]        Size S/M, Color Blue; in stock
//	shoes    "Running Shoes"    Footwear Stride  [sport]          Size 42/43, Color Black; sold out
//	mug      "Café Crème Mug"   Home     Globex  [gift coffee]    in stock
//	hanger   "Shirt Hanger Set" Home     Globex  [storage]        in stock
//	jacket   "Denim Jacket"     Apparel  Stride  [denim classic]  Size M/L, Color Blue; "linen shirt" in its description
//	board    "Snowboard Pro"    Sport    Stride  [winter]         in stock
//	draft    "Draft Shirt"      unpublished
//
// Pages: shipping ("Shipping Policy", mentions shirts), about. Collections: shirts (linen,
// oxford), summer (linen, mug), winter (board, jacket).
func searchFixture(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := db.Shop.Create().SetName("Search Shop").SetCurrencyCode("USD").SetCountryCode("US").
		SetShipsToCountries([]string{"US"}).Save(ctx)
	must(err)
	past := time.Now().UTC().Add(-time.Hour)
	products := map[string]*ent.Product{}
	type variant struct {
		opts  []string // Size, Color
		price int64
		stock int
	}
	add := func(handle, title, typ, vendor, desc string, tags []string, published bool, options []string, variants ...variant) {
		p, err := db.Product.Create().SetHandle(handle).SetTitle(title).SetProductType(typ).SetVendor(vendor).
			SetTags(tags).SetPublished(published).SetPublishedAt(past).SetDescription(desc).
			SetDescriptionHTML("<p>" + desc + "</p>").Save(ctx)
		must(err)
		products[handle] = p
		values := make([][]string, len(options))
		for _, v := range variants {
			for i, o := range v.opts {
				if !slices.Contains(values[i], o) {
					values[i] = append(values[i], o)
				}
			}
		}
		for i, name := range options {
			o, err := db.ProductOption.Create().SetProduct(p).SetName(name).SetPosition(i).Save(ctx)
			must(err)
			for j, v := range values[i] {
				must(db.ProductOptionValue.Create().SetOption(o).SetName(v).SetPosition(j).Exec(ctx))
			}
		}
		for i, v := range variants {
			var sel []schema.SelectedOption
			for j, o := range v.opts {
				sel = append(sel, schema.SelectedOption{Name: options[j], Value: o})
			}
			title := strings.Join(v.opts, " / ")
			if len(options) == 0 {
				title, sel = "Default Title", []schema.SelectedOption{{Name: "Title", Value: "Default Title"}}
			}
			must(db.ProductVariant.Create().SetProduct(p).SetPosition(i).SetTitle(title).SetPrice(v.price).
				SetAvailable(v.stock).SetSelectedOptions(sel).SetSku(fmt.Sprintf("%s-%d", strings.ToUpper(handle), i)).Exec(ctx))
		}
	}
	sizeColor := []string{"Size", "Color"}
	add("linen", "Linen Shirt", "Apparel", "Acme", "A breezy shirt for warm days.", []string{"summer", "linen"}, true, sizeColor,
		variant{[]string{"S", "White"}, 3000, 5}, variant{[]string{"M", "Blue"}, 3200, 0}, variant{[]string{"L", "White"}, 3000, 2})
	add("oxford", "Oxford Shirt", "Apparel", "Acme", "Button-down cotton oxford.", []string{"classic"}, true, sizeColor,
		variant{[]string{"S", "Blue"}, 4500, 3}, variant{[]string{"M", "Blue"}, 4500, 0})
	add("shoes", "Running Shoes", "Footwear", "Stride", "Light shoes for long runs.", []string{"sport"}, true, sizeColor,
		variant{[]string{"42", "Black"}, 8000, 0}, variant{[]string{"43", "Black"}, 8000, 0})
	add("mug", "Café Crème Mug", "Home", "Globex", "Enamel mug for your morning coffee.", []string{"gift", "coffee"}, true, nil,
		variant{nil, 1200, 10})
	add("hanger", "Shirt Hanger Set", "Home", "Globex", "Six wooden hangers.", []string{"storage"}, true, nil,
		variant{nil, 1500, 4})
	add("jacket", "Denim Jacket", "Apparel", "Stride", "Pairs well with a linen shirt.", []string{"denim", "classic"}, true, sizeColor,
		variant{[]string{"M", "Blue"}, 9000, 1}, variant{[]string{"L", "Blue"}, 9000, 0})
	add("board", "Snowboard Pro", "Sport", "Stride", "All-mountain board for powder days.", []string{"winter"}, true, nil,
		variant{nil, 30000, 2})
	add("draft", "Draft Shirt", "Apparel", "Acme", "Not yet.", nil, false, nil, variant{nil, 100, 1})
	collection := func(handle, title string, members ...string) {
		c, err := db.Collection.Create().SetHandle(handle).SetTitle(title).SetPublished(true).Save(ctx)
		must(err)
		for i, h := range members {
			must(db.CollectionProduct.Create().SetCollectionID(c.ID).SetProductID(products[h].ID).SetPosition(i).Exec(ctx))
		}
	}
	collection("shirts", "Shirts", "linen", "oxford")
	collection("summer", "Summer Essentials", "linen", "mug")
	collection("winter", "Winter", "board", "jacket")
	must(db.Page.Create().SetHandle("shipping").SetTitle("Shipping Policy").
		SetBody("<p>We ship <b>shirts</b> and everything else worldwide.</p>").SetPublished(true).Exec(ctx))
	must(db.Page.Create().SetHandle("about").SetTitle("About Us").SetBody("<p>A small shop.</p>").SetPublished(true).Exec(ctx))
}

const searchQuery = `query($q: String!, $first: Int, $last: Int, $after: String, $before: String, $filters: [ProductFilter!],
	$sort: SearchSortKeys, $reverse: Boolean, $unavailable: SearchUnavailableProductsType, $prefix: SearchPrefixQueryType, $types: [SearchType!]) {
  search(query: $q, first: $first, last: $last, after: $after, before: $before, productFilters: $filters, sortKey: $sort,
    reverse: $reverse, unavailableProducts: $unavailable, prefix: $prefix, types: $types) {
    totalCount
    edges { cursor node { __typename ... on Product { handle } ... on Page { handle } } }
    pageInfo { hasNextPage hasPreviousPage }
    productFilters { id label type values { id label count input } }
  }
}`

type searchResponse struct {
	Search struct {
		TotalCount int `json:"totalCount"`
		Edges      []struct {
			Cursor string `json:"cursor"`
			Node   struct {
				Typename string `json:"__typename"`
				Handle   string `json:"handle"`
			} `json:"node"`
		} `json:"edges"`
		PageInfo struct {
			HasNextPage     bool `json:"hasNextPage"`
			HasPreviousPage bool `json:"hasPreviousPage"`
		} `json:"pageInfo"`
		ProductFilters []struct {
			ID     string `json:"id"`
			Label  string `json:"label"`
			Type   string `json:"type"`
			Values []struct {
				ID    string `json:"id"`
				Label string `json:"label"`
				Count int    `json:"count"`
				Input string `json:"input"`
			} `json:"values"`
		} `json:"productFilters"`
	} `json:"search"`
}

// handles lists the results as "handle" for products and "page:handle" for pages.
func (r searchResponse) handles() []string {
	var out []string
	for _, e := range r.Search.Edges {
		h := e.Node.Handle
		if e.Node.Typename == "Page" {
			h = "page:" + h
		}
		out = append(out, h)
	}
	return out
}

// facet renders one facet's values as "label=count" in order.
func (r searchResponse) facet(id string) string {
	for _, f := range r.Search.ProductFilters {
		if f.ID == id {
			var vs []string
			for _, v := range f.Values {
				vs = append(vs, fmt.Sprintf("%s=%d", v.Label, v.Count))
			}
			return strings.Join(vs, ",")
		}
	}
	return "(none)"
}

func runSearch(t *testing.T, api *testAPI, vars map[string]any) searchResponse {
	t.Helper()
	if _, ok := vars["first"]; !ok {
		if _, ok := vars["last"]; !ok {
			vars["first"] = 50
		}
	}
	resp := api.post(t, searchQuery, vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("search %v: %s\n%s", vars, resp.Raw, api.Log.String())
	}
	var out searchResponse
	resp.decode(t, &out)
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func TestSearchMatchesAndRanks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, searchFixture)
		// Title matches first (in some order), then the description match, then pages.
		got := runSearch(t, api, map[string]any{"q": "shirt"}).handles()
		if len(got) != 5 || !slices.Equal(sorted(got[:3]), []string{"hanger", "linen", "oxford"}) || got[3] != "jacket" || got[4] != "page:shipping" {
			t.Errorf("search shirt = %v, want the three title matches, jacket, page:shipping", got)
		}
		for _, tt := range []struct {
			query string
			want  string // sorted handles
		}{
			{"shirts", "hanger,jacket,linen,oxford,page:shipping"}, // stemming
			{"SHIRT", "hanger,jacket,linen,oxford,page:shipping"},  // case
			{"cafe creme", "mug"}, // accents
			{"CAFÉ", "mug"},
			{"crème café", "mug"},
			{`"linen shirt"`, "jacket,linen"}, // phrase, in title or description
			{`"shirt linen"`, ""},
			{"shirt -linen", "hanger,oxford,page:shipping"},
			{"shirt NOT linen", "hanger,oxford,page:shipping"},
			{"mug OR snowboard", "board,mug"},
			{"(mug OR snowboard) coffee", "mug"},
			{"shirt tag:classic", "jacket,oxford"},
			{"shirt vendor:globex", "hanger"},
			{"title:shirt", "hanger,linen,oxford"},
			{"shirt variants.price:<40", "hanger,linen"},
			{"the shirt", "hanger,jacket,linen,oxford,page:shipping"}, // stopword dropped
			{"acme", "linen,oxford"},                                  // vendor is searchable
			{"oxford-0", "oxford"},                                    // SKU
			{"white", "linen"},                                        // option value
			{"coffee", "mug"},                                         // tag
			{"draft", ""},                                             // unpublished
			{"worldwide", "page:shipping"},
			{"shrit", "hanger,jacket,linen,oxford,page:shipping"}, // one typo in a long word
			{"snowbaord", "board"},
			{"zzzzzz", ""},
			{"sh", ""}, // no prefix matching by default
			{"sh*", "hanger,jacket,linen,oxford,page:about,page:shipping,shoes"}, // explicit prefix ("shop" too)
			{`"linen shirt`, "jacket,linen"},                                     // unclosed quote
			{"(((shirt", "hanger,jacket,linen,oxford,page:shipping"},
			{"'; DROP TABLE products; --", ""},
			{`shirt" OR "1"="1`, "jacket,linen,oxford"},                    // shirt AND "1" (a SKU suffix): no injection
			{"* : ( ) \" -", "board,hanger,jacket,linen,mug,oxford,shoes"}, // nothing to match: everything
			{"AND OR NOT", "board,hanger,jacket,linen,mug,oxford,shoes"},
		} {
			got := runSearch(t, api, map[string]any{"q": tt.query}).handles()
			if g := strings.Join(sorted(got), ","); g != tt.want {
				t.Errorf("search %q = %v, want %s", tt.query, got, tt.want)
			}
		}
		// prefix: LAST completes the last word.
		got = runSearch(t, api, map[string]any{"q": "linen sh", "prefix": "LAST"}).handles()
		if g := strings.Join(sorted(got), ","); g != "jacket,linen" {
			t.Errorf("search 'linen sh' prefix LAST = %v", got)
		}
	})
}

func TestSearchFiltersFacetsAndSorting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, searchFixture)
		r := runSearch(t, api, map[string]any{"q": "shirt", "types": []string{"PRODUCT"}})
		if r.Search.TotalCount != 4 {
			t.Errorf("totalCount = %d, want 4", r.Search.TotalCount)
		}
		for id, want := range map[string]string{
			"filter.v.availability":  "In stock=4,Out of stock=0",
			"filter.v.price":         "Price=4",
			"filter.v.option.size":   "S=2,M=3,L=2",
			"filter.v.option.color":  "White=1,Blue=3",
			"filter.p.product_type":  "Apparel=3,Home=1",
			"filter.p.vendor":        "Acme=2,Globex=1,Stride=1",
			"filter.p.tag":           "classic=2,denim=1,linen=1,storage=1,summer=1",
			"filter.v.option.title":  "(none)",
			"filter.v.option.colour": "(none)",
		} {
			if got := r.facet(id); got != want {
				t.Errorf("facet %s = %s, want %s", id, got, want)
			}
		}
		if got := r.Search.ProductFilters[1].Values[0].Input; got != `{"price":{"max":90,"min":0}}` {
			t.Errorf("price facet input = %s", got)
		}
		// A facet value's input is the filter that selects it.
		var apparel string
		for _, f := range r.Search.ProductFilters {
			for _, v := range f.Values {
				if v.Label == "Apparel" {
					apparel = v.Input
				}
			}
		}
		if apparel != `{"productType":"Apparel"}` {
			t.Fatalf("Apparel input = %q", apparel)
		}
		// Filters of one kind OR, of different kinds AND; each facet counts under the others.
		r = runSearch(t, api, map[string]any{"q": "shirt", "types": []string{"PRODUCT"}, "filters": []any{
			map[string]any{"productType": "Apparel"},
			map[string]any{"variantOption": map[string]any{"name": "Color", "value": "Blue"}},
			map[string]any{"variantOption": map[string]any{"name": "Size", "value": "S"}},
		}})
		if got := strings.Join(sorted(r.handles()), ","); got != "linen,oxford" {
			t.Errorf("Apparel+Blue+S = %s, want linen,oxford", got)
		}
		for id, want := range map[string]string{
			"filter.p.product_type": "Apparel=2,Home=0",
			"filter.v.option.size":  "S=2,M=3,L=2", // products with the size, under Apparel and Blue
			"filter.v.option.color": "White=1,Blue=2",
			"filter.p.vendor":       "Acme=2",
		} {
			if got := r.facet(id); got != want && !(id == "filter.p.product_type" && got == "Apparel=2") {
				t.Errorf("filtered facet %s = %s, want %s", id, got, want)
			}
		}
		for _, tt := range []struct {
			filters []any
			want    string
		}{
			{[]any{map[string]any{"tag": "classic"}, map[string]any{"tag": "summer"}}, "jacket,linen,oxford"},
			{[]any{map[string]any{"productVendor": "globex"}}, "hanger"},
			{[]any{map[string]any{"price": map[string]any{"min": 30, "max": 45}}}, "linen,oxford"},
			{[]any{map[string]any{"price": map[string]any{"min": 100}}}, ""},
			{[]any{map[string]any{"available": false}}, ""},
			{[]any{map[string]any{"available": true}, map[string]any{"productType": "Home"}}, "hanger"},
		} {
			r := runSearch(t, api, map[string]any{"q": "shirt", "types": []string{"PRODUCT"}, "filters": tt.filters})
			if got := strings.Join(sorted(r.handles()), ","); got != tt.want {
				t.Errorf("filters %v = %s, want %s", tt.filters, got, tt.want)
			}
			if r.Search.TotalCount != len(r.handles()) {
				t.Errorf("filters %v: totalCount %d for %d results", tt.filters, r.Search.TotalCount, len(r.handles()))
			}
		}
		// Sorting by price, both ways; pages never mix into product filters.
		r = runSearch(t, api, map[string]any{"q": "shirt", "sort": "PRICE"})
		if got := strings.Join(r.handles(), ","); got != "hanger,linen,oxford,jacket,page:shipping" {
			t.Errorf("sort PRICE = %s", got)
		}
		r = runSearch(t, api, map[string]any{"q": "shirt", "sort": "PRICE", "reverse": true, "types": []string{"PRODUCT"}})
		if got := strings.Join(r.handles(), ","); got != "jacket,oxford,linen,hanger" {
			t.Errorf("sort PRICE reverse = %s", got)
		}
		// Sold-out products: last by default, in place with SHOW, gone with HIDE.
		all := map[string]any{"q": "", "sort": "PRICE"}
		if got := strings.Join(runSearch(t, api, all).handles(), ","); got != "mug,hanger,linen,oxford,jacket,board,shoes" {
			t.Errorf("empty query, LAST = %s", got)
		}
		all["unavailable"] = "SHOW"
		if got := strings.Join(runSearch(t, api, all).handles(), ","); got != "mug,hanger,linen,oxford,shoes,jacket,board" {
			t.Errorf("empty query, SHOW = %s", got)
		}
		all["unavailable"] = "HIDE"
		r = runSearch(t, api, all)
		if got := strings.Join(r.handles(), ","); got != "mug,hanger,linen,oxford,jacket,board" || r.Search.TotalCount != 6 {
			t.Errorf("empty query, HIDE = %s (total %d)", got, r.Search.TotalCount)
		}
		if got := r.facet("filter.v.availability"); got != "In stock=6,Out of stock=0" {
			t.Errorf("HIDE availability facet = %s", got)
		}
		// Pages only.
		r = runSearch(t, api, map[string]any{"q": "shirt", "types": []string{"PAGE"}})
		if got := strings.Join(r.handles(), ","); got != "page:shipping" || r.Search.TotalCount != 1 || len(r.Search.ProductFilters) != 0 {
			t.Errorf("types PAGE = %s, total %d, %d facets", got, r.Search.TotalCount, len(r.Search.ProductFilters))
		}
		if got := runSearch(t, api, map[string]any{"q": "shirt", "types": []string{"ARTICLE"}}).handles(); len(got) != 0 {
			t.Errorf("types ARTICLE = %v, want nothing (no blog)", got)
		}
	})
}

func TestSearchPagination(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, searchFixture)
		full := runSearch(t, api, map[string]any{"q": "sh*"}).handles() // 5 products, 2 pages
		if len(full) != 7 {
			t.Fatalf("sh* = %v", full)
		}
		for _, size := range []int{1, 2, 3, 5, 7, 8} {
			// Forward through every page.
			var got []string
			var after any
			for i := 0; ; i++ {
				r := runSearch(t, api, map[string]any{"q": "sh*", "first": size, "after": after})
				got = append(got, r.handles()...)
				if r.Search.PageInfo.HasPreviousPage != (after != nil) {
					t.Errorf("size %d page %d: hasPreviousPage = %v", size, i, r.Search.PageInfo.HasPreviousPage)
				}
				if !r.Search.PageInfo.HasNextPage {
					break
				}
				if len(r.Search.Edges) == 0 || i > 10 {
					t.Fatalf("size %d: hasNextPage on an empty page", size)
				}
				after = r.Search.Edges[len(r.Search.Edges)-1].Cursor
			}
			if !slices.Equal(got, full) {
				t.Errorf("forward by %d = %v, want %v", size, got, full)
			}
			// Backward through every page.
			got = nil
			var before any
			for i := 0; ; i++ {
				r := runSearch(t, api, map[string]any{"q": "sh*", "last": size, "before": before})
				got = append(r.handles(), got...)
				if !r.Search.PageInfo.HasPreviousPage {
					break
				}
				if len(r.Search.Edges) == 0 || i > 10 {
					t.Fatalf("size %d: hasPreviousPage on an empty page", size)
				}
				before = r.Search.Edges[0].Cursor
			}
			if !slices.Equal(got, full) {
				t.Errorf("backward by %d = %v, want %v", size, got, full)
			}
		}
		// Bad arguments are GraphQL errors, not crashes.
		for _, vars := range []map[string]any{
			{"q": "shirt", "first": 1, "last": 1},
			{"q": "shirt", "first": 300},
			{"q": "shirt", "first": -1},
			{"q": "shirt", "first": 1, "after": "garbage"},
			{"q": strings.Repeat("shirt ", 200)},
			{"q": strings.Repeat("(", 50) + "shirt"},
			{"q": "shirt variants.price:>abc"},
			{"q": "shirt", "filters": []any{map[string]any{"tag": "a", "productVendor": "b"}}},
			{"q": "shirt", "filters": []any{map[string]any{"price": map[string]any{"min": -1}}}},
		} {
			resp := api.post(t, searchQuery, vars)
			if resp.Status != 200 || len(resp.Errors) == 0 || resp.errorCode() != "BAD_USER_INPUT" {
				t.Errorf("search %v: status %d, %s", vars, resp.Status, resp.Raw)
			}
		}
		// A sort order's cursor is refused by another.
		r := runSearch(t, api, map[string]any{"q": "shirt", "first": 1})
		resp := api.post(t, searchQuery, map[string]any{"q": "shirt", "first": 1, "sort": "PRICE", "after": r.Search.Edges[0].Cursor})
		if resp.errorCode() != "BAD_USER_INPUT" {
			t.Errorf("cursor of another order: %s", resp.Raw)
		}
		// Long queries within the limit work.
		long := strings.Repeat("x", 900) + " shirt"
		if got := runSearch(t, api, map[string]any{"q": long}).handles(); len(got) != 0 {
			t.Errorf("long query = %v", got)
		}
	})
}

func TestSearchTermsRecorded(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, searchFixture)
		for _, q := range []string{"Shirt", "  shirt ", "shirt", "zzzz", "Café", "zzzz"} {
			runSearch(t, api, map[string]any{"q": q, "first": 1})
		}
		// Later pages are the same search: not recorded again.
		r := runSearch(t, api, map[string]any{"q": "shirt", "first": 1})
		runSearch(t, api, map[string]any{"q": "shirt", "first": 1, "after": r.Search.Edges[0].Cursor})
		api.flushSearches(t)
		rep := searchReportToday(t, api)
		var top []string
		for _, r := range rep.Top {
			top = append(top, fmt.Sprintf("%s %d %.0f", r.Term, r.Searches, r.AverageResults()))
		}
		if got := strings.Join(top, ", "); got != "shirt 4 5, zzzz 2 0, cafe 1 1" {
			t.Errorf("top searches = %s", got)
		}
		if len(rep.WithoutResults) != 1 || rep.WithoutResults[0].Term != "zzzz" || rep.WithoutResults[0].NoResults != 2 {
			t.Errorf("searches without results = %+v", rep.WithoutResults)
		}
		if n := countEvents(t, api, "search_submitted"); n != 7 {
			t.Errorf("%d searches recorded, want 7", n)
		}
		// Shoppers searching at once, while the catalog is being written: every search
		// answers and is recorded.
		var wg sync.WaitGroup
		errs := make(chan string, 64)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp := api.post(t, searchQuery, map[string]any{"q": fmt.Sprintf("shirt %d", i%4), "first": 5})
				if resp.Status != 200 || len(resp.Errors) > 0 {
					errs <- resp.Raw
				}
			}()
		}
		for i := range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := api.DB.Product.Create().SetHandle(fmt.Sprintf("busy-%d", i)).SetTitle("Busy Shirt").SetPublished(true).Exec(context.Background()); err != nil {
					errs <- err.Error()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
		api.flushSearches(t)
		if n := countEvents(t, api, "search_submitted"); n != 47 {
			t.Errorf("%d searches recorded, want 47", n)
		}
		if got := runSearch(t, api, map[string]any{"q": "busy", "first": 10}).handles(); len(got) != 5 {
			t.Errorf("busy = %v, want the 5 products written meanwhile", got)
		}
	})
}

// searchReportToday is today's search report.
func searchReportToday(t *testing.T, api *testAPI) *analytics.SearchReport {
	t.Helper()
	today, err := analytics.Today(context.Background(), api.DB, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := analytics.Searches(context.Background(), api.DB, reports.Range{From: today, To: today, Granularity: reports.Day}, 10)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// countEvents counts the stored analytics events of a name.
func countEvents(t *testing.T, api *testAPI, name string) int {
	t.Helper()
	var n int
	if err := api.DB.SQL.QueryRow(rebindTest(api.DB, `SELECT COUNT(*) FROM analytics_events WHERE name = ?`), name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func rebindTest(db *store.DB, q string) string { return store.Rebind(db.Dialect, q) }

const predictiveQuery = `query($q: String!, $limit: Int, $types: [PredictiveSearchType!]) {
  predictiveSearch(query: $q, limit: $limit, types: $types) {
    products { handle }
    collections { handle }
    queries { text styledText }
  }
}`

type predictiveResponse struct {
	PredictiveSearch struct {
		Products    []struct{ Handle string } `json:"products"`
		Collections []struct{ Handle string } `json:"collections"`
		Queries     []struct {
			Text       string `json:"text"`
			StyledText string `json:"styledText"`
		} `json:"queries"`
	} `json:"predictiveSearch"`
}

func runPredictive(t *testing.T, api *testAPI, vars map[string]any) predictiveResponse {
	t.Helper()
	resp := api.post(t, predictiveQuery, vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("predictiveSearch %v: %s", vars, resp.Raw)
	}
	var out predictiveResponse
	resp.decode(t, &out)
	return out
}

func (r predictiveResponse) products() string {
	var hs []string
	for _, p := range r.PredictiveSearch.Products {
		hs = append(hs, p.Handle)
	}
	return strings.Join(hs, ",")
}

func (r predictiveResponse) collections() string {
	var hs []string
	for _, p := range r.PredictiveSearch.Collections {
		hs = append(hs, p.Handle)
	}
	return strings.Join(hs, ",")
}

func (r predictiveResponse) queries() string {
	var qs []string
	for _, q := range r.PredictiveSearch.Queries {
		qs = append(qs, q.Text)
	}
	return strings.Join(qs, ",")
}

func TestPredictiveSearch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, searchFixture)
		// Word prefixes, title matches first.
		r := runPredictive(t, api, map[string]any{"q": "shi"})
		if got := strings.Split(r.products(), ","); len(got) != 4 || !slices.Equal(sorted(got[:3]), []string{"hanger", "linen", "oxford"}) || got[3] != "jacket" {
			t.Errorf("shi: products %v", got)
		}
		if got := r.collections(); got != "shirts" {
			t.Errorf("shi: collections %q", got)
		}
		if got := r.queries(); got != "shirt,shirts" {
			t.Errorf("shi: queries %q", got)
		}
		if got := r.PredictiveSearch.Queries[0].StyledText; got != "shi<mark>rt</mark>" {
			t.Errorf("styledText = %q", got)
		}
		for _, tt := range []struct{ q, products, collections, queries string }{
			{"linen sh", "linen,jacket", "", "linen shirt"},
			{"LINEN SH", "linen,jacket", "", "linen shirt"},
			{"snwboard", "board", "", "snowboard"},          // a typo in a long word
			{"snowbaord pro", "board", "", "snowboard pro"}, // corrected word, then a prefix
			{"caf", "mug", "", "cafe"},
			{"crem", "mug", "", "creme"},
			{"summ", "linen", "summer", ""},
			{"wint", "board", "winter", "winter"},
			{"xyz", "", "", ""},
			{"", "", "", ""},
			{"   ", "", "", ""},
			{"\"(*", "", "", ""},
			{"the", "", "", ""},
		} {
			r := runPredictive(t, api, map[string]any{"q": tt.q})
			if got := r.products(); got != tt.products {
				t.Errorf("%q: products %q, want %q", tt.q, got, tt.products)
			}
			if got := r.collections(); got != tt.collections {
				t.Errorf("%q: collections %q, want %q", tt.q, got, tt.collections)
			}
			if got := r.queries(); !strings.HasPrefix(got, tt.queries) {
				t.Errorf("%q: queries %q, want %q first", tt.q, got, tt.queries)
			}
		}
		// limit and types.
		r = runPredictive(t, api, map[string]any{"q": "shi", "limit": 2, "types": []string{"PRODUCT"}})
		if len(r.PredictiveSearch.Products) != 2 || len(r.PredictiveSearch.Collections) != 0 || len(r.PredictiveSearch.Queries) != 0 {
			t.Errorf("limit 2, PRODUCT only: %+v", r.PredictiveSearch)
		}
		r = runPredictive(t, api, map[string]any{"q": "shi", "types": []string{"QUERY", "COLLECTION"}})
		if len(r.PredictiveSearch.Products) != 0 || r.collections() != "shirts" || r.queries() == "" {
			t.Errorf("QUERY and COLLECTION: %+v", r.PredictiveSearch)
		}
		for _, vars := range []map[string]any{
			{"q": "shi", "limit": 0},
			{"q": "shi", "limit": 11},
			{"q": strings.Repeat("a", 1001)},
		} {
			if resp := api.post(t, predictiveQuery, vars); resp.errorCode() != "BAD_USER_INPUT" {
				t.Errorf("predictiveSearch %v: %s", vars, resp.Raw)
			}
		}
		// Earlier searches that found something are suggested first.
		runSearch(t, api, map[string]any{"q": "oxford shirt"})
		runSearch(t, api, map[string]any{"q": "oxford shirt"})
		runSearch(t, api, map[string]any{"q": "oxfordshire"}) // found nothing: never suggested
		api.flushSearches(t)
		r = runPredictive(t, api, map[string]any{"q": "oxf"})
		if got := r.queries(); got != "oxford shirt,oxford" {
			t.Errorf("oxf: queries %q, want the earlier search first", got)
		}
	})
}

func TestCollectionProductFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, searchFixture)
		q := `query($h: String!, $filters: [ProductFilter!]) { collection(handle: $h) { products(first: 10, filters: $filters) {
			nodes { handle } filters { id label type values { label count input } } } } }`
		type resp struct {
			Collection struct {
				Products struct {
					Nodes   []struct{ Handle string } `json:"nodes"`
					Filters []struct {
						ID     string `json:"id"`
						Values []struct {
							Label string `json:"label"`
							Count int    `json:"count"`
							Input string `json:"input"`
						} `json:"values"`
					} `json:"filters"`
				} `json:"products"`
			} `json:"collection"`
		}
		get := func(h string, filters []any) (string, map[string]string) {
			var r resp
			res := api.post(t, q, map[string]any{"h": h, "filters": filters})
			if len(res.Errors) > 0 {
				t.Fatalf("collection %s: %s\n%s", h, res.Raw, api.Log.String())
			}
			res.decode(t, &r)
			var hs []string
			for _, n := range r.Collection.Products.Nodes {
				hs = append(hs, n.Handle)
			}
			facets := map[string]string{}
			for _, f := range r.Collection.Products.Filters {
				var vs []string
				for _, v := range f.Values {
					vs = append(vs, fmt.Sprintf("%s=%d", v.Label, v.Count))
				}
				facets[f.ID] = strings.Join(vs, ",")
			}
			return strings.Join(hs, ","), facets
		}
		got, facets := get("winter", nil)
		if got != "board,jacket" {
			t.Errorf("winter = %s", got)
		}
		for id, want := range map[string]string{
			"filter.v.availability": "In stock=2,Out of stock=0",
			"filter.p.product_type": "Apparel=1,Sport=1",
			"filter.p.vendor":       "Stride=2",
			"filter.v.option.size":  "M=1,L=1",
			"filter.p.tag":          "classic=1,denim=1,winter=1",
		} {
			if facets[id] != want {
				t.Errorf("winter facet %s = %s, want %s", id, facets[id], want)
			}
		}
		got, facets = get("summer", []any{map[string]any{"productType": "Home"}})
		if got != "mug" || facets["filter.p.product_type"] != "Apparel=1,Home=1" || facets["filter.p.tag"] != "coffee=1,gift=1" {
			t.Errorf("summer, Home = %s, facets %v", got, facets)
		}
		// Other product lists have no facets.
		var plain struct {
			Products struct {
				Filters []any `json:"filters"`
			} `json:"products"`
		}
		api.post(t, `{ products(first: 5) { filters { id } } }`, nil).decode(t, &plain)
		if plain.Products.Filters == nil || len(plain.Products.Filters) != 0 {
			t.Errorf("products.filters = %v, want []", plain.Products.Filters)
		}
	})
}

func TestProductRecommendations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, searchFixture)
		ctx := context.Background()
		byHandle := map[string]*ent.Product{}
		for _, p := range api.DB.Product.Query().WithVariants().AllX(ctx) {
			byHandle[p.Handle] = p
		}
		recs := func(handle string) string {
			var got struct {
				Recs []struct{ Handle string } `json:"productRecommendations"`
			}
			resp := api.post(t, `query($id: ID!) { productRecommendations(productId: $id) { handle } }`,
				map[string]any{"id": gid.Format(gid.Product, byHandle[handle].ID)})
			if len(resp.Errors) > 0 {
				t.Fatalf("productRecommendations(%s): %s", handle, resp.Raw)
			}
			resp.decode(t, &got)
			return handles(got.Recs)
		}
		// linen: oxford shares a collection, type and vendor; mug a collection; jacket the type.
		if got := recs("linen"); got != "oxford,mug,jacket" {
			t.Errorf("recommendations for linen = %s", got)
		}
		// oxford: jacket shares the type and the tag "classic".
		if got := recs("oxford"); got != "linen,jacket" {
			t.Errorf("recommendations for oxford = %s", got)
		}
		// Bought together outweighs the rest once orders exist.
		for n := 1; n <= 2; n++ {
			o, err := api.DB.Order.Create().SetNumber(2000 + n).SetName(fmt.Sprintf("#%d", 2000+n)).SetCurrencyCode("USD").
				SetSubtotal(1).SetTotal(1).SetProcessedAt(time.Now()).SetStatusToken(fmt.Sprintf("token-%d", n)).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range []string{"linen", "board"} {
				v := byHandle[h].Edges.Variants[0]
				if err := api.DB.OrderLine.Create().SetOrderID(o.ID).SetVariantID(v.ID).SetTitle(h).SetQuantity(1).SetCurrentQuantity(1).
					SetUnitPrice(v.Price).SetOriginalTotal(v.Price).SetDiscountedTotal(v.Price).SetPosition(i).Exec(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got := recs("linen"); got != "board,oxford,mug,jacket" {
			t.Errorf("recommendations for linen after orders = %s", got)
		}
		if got := recs("board"); !strings.HasPrefix(got, "linen,") {
			t.Errorf("recommendations for board after orders = %s, want linen first", got)
		}
		// Unknown, unpublished and malformed IDs give null, not errors.
		for _, id := range []string{gid.Format(gid.Product, byHandle["draft"].ID), gid.Format(gid.Product, 999999), "gid://shopify/Product/x", "nonsense"} {
			var got struct {
				Recs []any `json:"productRecommendations"`
			}
			resp := api.post(t, `query($id: ID!) { productRecommendations(productId: $id) { handle } }`, map[string]any{"id": id})
			if len(resp.Errors) > 0 {
				t.Errorf("productRecommendations(%s): %s", id, resp.Raw)
			}
			resp.decode(t, &got)
			if got.Recs != nil {
				t.Errorf("productRecommendations(%s) = %v, want null", id, got.Recs)
			}
		}
	})
}

// TestSearchIndexFollowsWrites checks that every catalog write, whoever makes it, keeps
// the index current in the same transaction, and that a database whose index is missing
// rows is re-indexed when opened.
func TestSearchIndexFollowsWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, searchFixture)
		ctx := context.Background()
		db := api.DB
		find := func(q string) string {
			return strings.Join(sorted(runSearch(t, api, map[string]any{"q": q}).handles()), ",")
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		// Create.
		p, err := db.Product.Create().SetHandle("kayak").SetTitle("Touring Kayak").SetProductType("Water").SetVendor("Paddle Co").
			SetTags([]string{"outdoor"}).SetPublished(true).SetDescription("Stable on open water.").Save(ctx)
		must(err)
		must(db.ProductVariant.Create().SetProduct(p).SetTitle("Default Title").SetPrice(90000).SetAvailable(1).
			SetSelectedOptions([]schema.SelectedOption{{Name: "Title", Value: "Default Title"}}).SetSku("KAYAK-RED").Exec(ctx))
		if got := find("kayak"); got != "kayak" {
			t.Errorf("after create: kayak = %q", got)
		}
		if got := find("kayak-red"); got != "kayak" {
			t.Errorf("after create: SKU = %q", got)
		}
		suggests := func(q, word string) bool {
			for _, s := range runPredictive(t, api, map[string]any{"q": q, "types": []string{"QUERY"}}).PredictiveSearch.Queries {
				if s.Text == word {
					return true
				}
			}
			return false
		}
		if !suggests("kay", "kayak") || !suggests("outd", "outdoor") {
			t.Error("after create: kayak and outdoor are not suggested")
		}
		// Update the title, the tags and a variant's SKU.
		must(db.Product.UpdateOne(p).SetTitle("Touring Canoe").SetTags([]string{"river"}).Exec(ctx))
		v := db.ProductVariant.Query().Where().AllX(ctx)
		for _, x := range v {
			if x.ProductID == p.ID {
				must(db.ProductVariant.UpdateOne(x).SetSku("CANOE-GREEN").Exec(ctx))
			}
		}
		for q, want := range map[string]string{"canoe": "kayak", "river": "kayak", "canoe-green": "kayak", "outdoor": "", "kayak-red": ""} {
			if got := find(q); got != want {
				t.Errorf("after update: %s = %q, want %q", q, got, want)
			}
		}
		// Words no document uses any more are neither suggested nor corrected towards.
		if suggests("kay", "kayak") || suggests("outd", "outdoor") || !suggests("cano", "canoe") {
			t.Error("after update: the vocabulary still suggests kayak or outdoor, or not canoe")
		}
		if got := runPredictive(t, api, map[string]any{"q": "kayyak"}).products(); got != "" {
			t.Errorf("after update: kayyak = %q", got)
		}
		if got := runPredictive(t, api, map[string]any{"q": "canoee"}).products(); got != "kayak" {
			t.Errorf("after update: canoee = %q", got)
		}
		// Stock changes do not touch the index (and do not break it).
		_, err = db.ProductVariant.Update().SetAvailable(0).Save(ctx)
		must(err)
		if got := find("canoe"); got != "kayak" {
			t.Errorf("after stock change: canoe = %q", got)
		}
		// A rolled-back write leaves no trace in the index.
		tx, err := db.Tx(ctx)
		must(err)
		must(tx.Product.Create().SetHandle("zeppelin").SetTitle("Zeppelin").SetPublished(true).Exec(ctx))
		must(tx.Rollback())
		if got := find("zeppelin"); got != "" {
			t.Errorf("after rollback: zeppelin = %q", got)
		}
		// Collections and pages.
		c := db.Collection.Query().AllX(ctx)[0]
		must(db.Collection.UpdateOne(c).SetTitle("Paddling Gear").Exec(ctx))
		if got := runPredictive(t, api, map[string]any{"q": "paddl"}).collections(); got != c.Handle {
			t.Errorf("after collection update: %q", got)
		}
		must(db.Page.Create().SetHandle("returns").SetTitle("Returns").SetBody("<p>Thirty days, no questions.</p>").SetPublished(true).Exec(ctx))
		if got := find("questions"); got != "page:returns" {
			t.Errorf("after page create: %q", got)
		}
		// Delete.
		_, err = db.ProductVariant.Delete().Exec(ctx)
		must(err)
		must(db.Product.DeleteOneID(p.ID).Exec(ctx))
		if got := find("canoe"); got != "" {
			t.Errorf("after delete: canoe = %q", got)
		}
		if suggests("cano", "canoe") {
			t.Error("after delete: canoe is still suggested")
		}
		// A database whose index lost rows is re-indexed on open.
		_, err = db.ExecContext(ctx, "DELETE FROM product_search")
		must(err)
		if got := find("oxford"); got != "" {
			t.Fatalf("index emptied, yet oxford = %q", got)
		}
		reopened := startAPIOver(t, b.Open(t), testConfig())
		if got := strings.Join(runSearch(t, reopened, map[string]any{"q": "oxford"}).handles(), ","); got != "oxford" {
			t.Errorf("after reopening: oxford = %q", got)
		}
	})
}
