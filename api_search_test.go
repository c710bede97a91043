package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"storefront/ent"
	"storefront/ent/schema"
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
			{`shirt" OR "1"="1`, ""},
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
