package main

import (
	"fmt"
	"strings"
	"testing"

	"storefront/internal/gid"
	"storefront/internal/storetest"
)

type money struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currencyCode"`
}

type productJSON struct {
	ID               string `json:"id"`
	Handle           string `json:"handle"`
	Title            string `json:"title"`
	AvailableForSale bool   `json:"availableForSale"`
	TotalInventory   int    `json:"totalInventory"`
	PriceRange       struct {
		Min money `json:"minVariantPrice"`
		Max money `json:"maxVariantPrice"`
	} `json:"priceRange"`
	CompareAtPriceRange struct {
		Min money `json:"minVariantPrice"`
		Max money `json:"maxVariantPrice"`
	} `json:"compareAtPriceRange"`
	FeaturedImage *struct {
		URL string `json:"url"`
	} `json:"featuredImage"`
	Options []struct {
		Name   string   `json:"name"`
		Values []string `json:"values"`
	} `json:"options"`
	Variants struct {
		Nodes []struct {
			ID               string `json:"id"`
			Title            string `json:"title"`
			AvailableForSale bool   `json:"availableForSale"`
			Price            money  `json:"price"`
			CompareAtPrice   *money `json:"compareAtPrice"`
			SelectedOptions  []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"selectedOptions"`
			Product struct {
				Handle string `json:"handle"`
			} `json:"product"`
		} `json:"nodes"`
	} `json:"variants"`
	Collections struct {
		Nodes []struct {
			Handle string `json:"handle"`
		} `json:"nodes"`
	} `json:"collections"`
}

const productFields = `id handle title availableForSale totalInventory
	priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } }
	compareAtPriceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } }
	featuredImage { url }
	options { name values }
	variants(first: 250) { nodes { id title availableForSale price { amount currencyCode } compareAtPrice { amount currencyCode } selectedOptions { name value } product { handle } } }
	collections(first: 10) { nodes { handle } }`

func TestProductLookup(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		var got struct {
			ByHandle *productJSON `json:"byHandle"`
		}
		api.post(t, `{ byHandle: product(handle: "tee") { `+productFields+` } }`, nil).decode(t, &got)
		p := got.ByHandle
		if p == nil {
			t.Fatal("product(handle: tee) = null, want the tee")
		}
		if p.Title != "Classic Tee" || !p.AvailableForSale || p.TotalInventory != 15 {
			t.Errorf("got title %q available %v inventory %d, want Classic Tee true 15", p.Title, p.AvailableForSale, p.TotalInventory)
		}
		if p.PriceRange.Min != (money{"15.00", "USD"}) || p.PriceRange.Max != (money{"17.50", "USD"}) {
			t.Errorf("got priceRange %+v, want 15.00..17.50 USD", p.PriceRange)
		}
		if p.CompareAtPriceRange.Min.Amount != "0.00" || p.CompareAtPriceRange.Max.Amount != "20.00" {
			t.Errorf("got compareAtPriceRange %+v, want 0.00..20.00", p.CompareAtPriceRange)
		}
		if p.FeaturedImage == nil || !strings.HasSuffix(p.FeaturedImage.URL, "tee-0.png") {
			t.Errorf("got featuredImage %+v, want the first image", p.FeaturedImage)
		}
		if len(p.Options) != 2 || p.Options[0].Name != "Size" || strings.Join(p.Options[0].Values, ",") != "S,M,L" {
			t.Errorf("got options %+v, want Size S,M,L then Color", p.Options)
		}
		vs := p.Variants.Nodes
		if len(vs) != 3 || vs[0].Title != "S / Black" || vs[2].AvailableForSale || vs[0].CompareAtPrice == nil || vs[1].CompareAtPrice != nil {
			t.Fatalf("got variants %+v, want S, M, L (L sold out, compare-at on S only)", vs)
		}
		if vs[0].Product.Handle != "tee" || vs[0].SelectedOptions[0].Value != "S" {
			t.Errorf("got variant product %q options %+v", vs[0].Product.Handle, vs[0].SelectedOptions)
		}
		if len(p.Collections.Nodes) != 1 || p.Collections.Nodes[0].Handle != "apparel" {
			t.Errorf("got collections %+v, want only the published apparel", p.Collections.Nodes)
		}

		// The same product by ID, by node and by nodes.
		var byID struct {
			P     *productJSON `json:"product"`
			Node  *productJSON `json:"node"`
			Nodes []*struct {
				ID string `json:"id"`
			} `json:"nodes"`
		}
		api.post(t, `query($id: ID!, $ids: [ID!]!) {
			product(id: $id) { handle }
			node(id: $id) { ... on Product { handle } }
			nodes(ids: $ids) { id }
		}`, map[string]any{"id": p.ID, "ids": []string{p.ID, "gid://storefront/Product/999999", "junk", vs[0].ID}}).decode(t, &byID)
		if byID.P == nil || byID.P.Handle != "tee" || byID.Node == nil || byID.Node.Handle != "tee" {
			t.Errorf("product(id)/node(id) = %+v / %+v, want tee", byID.P, byID.Node)
		}
		if len(byID.Nodes) != 4 || byID.Nodes[0] == nil || byID.Nodes[1] != nil || byID.Nodes[2] != nil || byID.Nodes[3] == nil || byID.Nodes[3].ID != vs[0].ID {
			t.Errorf("nodes = %+v, want [tee, null, null, variant]", byID.Nodes)
		}
	})
}

func TestInvisibleAndUnknownReadAsNull(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		var ids struct {
			Draft, Future, Hidden, DraftPage int
		}
		ctx := t.Context()
		ids.Draft = api.DB.Product.Query().Where().AllX(ctx)[3].ID
		for _, h := range []struct {
			name, query string
		}{
			{"unpublished product by handle", `{ x: product(handle: "draft") { id } }`},
			{"scheduled product by handle", `{ x: product(handle: "future") { id } }`},
			{"unpublished product by id", fmt.Sprintf(`{ x: product(id: "%s") { id } }`, gid.Format(gid.Product, ids.Draft))},
			{"unpublished product by node", fmt.Sprintf(`{ x: node(id: "%s") { id } }`, gid.Format(gid.Product, ids.Draft))},
			{"unknown handle", `{ x: product(handle: "nope") { id } }`},
			{"malformed id", `{ x: product(id: "gid://storefront/Product/abc") { id } }`},
			{"id of another type", `{ x: product(id: "gid://storefront/Collection/1") { id } }`},
			// gid://shopify/… names our own objects (Hydrogen rebuilds IDs with it); another
			// scheme does not.
			{"other scheme's id", `{ x: node(id: "gid://othershop/Product/1") { id } }`},
			{"unpublished collection", `{ x: collection(handle: "hidden") { id } }`},
			{"unpublished page", `{ x: page(handle: "draft-page") { id } }`},
			{"unknown menu", `{ x: menu(handle: "nope") { id } }`},
		} {
			t.Run(h.name, func(t *testing.T) {
				var got struct {
					X *struct{ ID string } `json:"x"`
				}
				api.post(t, h.query, nil).decode(t, &got)
				if got.X != nil {
					t.Errorf("got %+v, want null", got.X)
				}
			})
		}
		// Listings leave them out too.
		var list struct {
			Products struct {
				Nodes []struct{ Handle string } `json:"nodes"`
			} `json:"products"`
			Collection struct {
				Products struct {
					Nodes []struct{ Handle string } `json:"nodes"`
				} `json:"products"`
			} `json:"collection"`
		}
		api.post(t, `{ products(first: 50) { nodes { handle } } collection(handle: "apparel") { products(first: 50) { nodes { handle } } } }`, nil).decode(t, &list)
		if got := handles(list.Products.Nodes); got != "tee,mug,lamp" {
			t.Errorf("products = %s, want tee,mug,lamp", got)
		}
		if got := handles(list.Collection.Products.Nodes); got != "tee" {
			t.Errorf("apparel products = %s, want tee", got)
		}
	})
}

func handles(ns []struct{ Handle string }) string {
	var hs []string
	for _, n := range ns {
		hs = append(hs, n.Handle)
	}
	return strings.Join(hs, ",")
}

type conn struct {
	Edges []struct {
		Cursor string `json:"cursor"`
		Node   struct {
			Handle string `json:"handle"`
		} `json:"node"`
	} `json:"edges"`
	PageInfo struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
}

func (c conn) handles() string {
	var hs []string
	for _, e := range c.Edges {
		hs = append(hs, e.Node.Handle)
	}
	return strings.Join(hs, ",")
}

const connFields = `edges { cursor node { handle } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`

func TestProductsSortAndPaginate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		list := func(t *testing.T, args string) conn {
			t.Helper()
			var got struct {
				Products conn `json:"products"`
			}
			api.post(t, `{ products(`+args+`) { `+connFields+` } }`, nil).decode(t, &got)
			return got.Products
		}
		for _, tt := range []struct {
			args, want string
		}{
			{`first: 10`, "tee,mug,lamp"},
			{`first: 10, reverse: true`, "lamp,mug,tee"},
			{`first: 10, sortKey: TITLE`, "tee,lamp,mug"},
			{`first: 10, sortKey: PRICE`, "mug,tee,lamp"},
			{`first: 10, sortKey: PRICE, reverse: true`, "lamp,tee,mug"},
			{`first: 10, sortKey: VENDOR`, "tee,mug,lamp"},
			{`first: 10, sortKey: PRODUCT_TYPE`, "tee,mug,lamp"},
			{`first: 10, sortKey: CREATED_AT`, "tee,mug,lamp"},
			{`first: 10, sortKey: BEST_SELLING`, "tee,mug,lamp"},
			{`last: 2`, "mug,lamp"},
			{`first: 0`, ""},
		} {
			if got := list(t, tt.args).handles(); got != tt.want {
				t.Errorf("products(%s) = %s, want %s", tt.args, got, tt.want)
			}
		}
		// Walk forward one at a time, then back.
		var seen []string
		after := ""
		for i := 0; i < 5; i++ {
			args := `first: 1, sortKey: PRICE`
			if after != "" {
				args += fmt.Sprintf(`, after: %q`, after)
			}
			c := list(t, args)
			seen = append(seen, c.handles())
			if (i > 0) != c.PageInfo.HasPreviousPage {
				t.Errorf("page %d: hasPreviousPage = %v", i, c.PageInfo.HasPreviousPage)
			}
			after = *c.PageInfo.EndCursor
			if !c.PageInfo.HasNextPage {
				break
			}
		}
		if got := strings.Join(seen, ","); got != "mug,tee,lamp" {
			t.Errorf("forward walk = %s, want mug,tee,lamp", got)
		}
		back := list(t, fmt.Sprintf(`last: 5, sortKey: PRICE, before: %q`, after))
		if back.handles() != "mug,tee" || back.PageInfo.HasPreviousPage || !back.PageInfo.HasNextPage {
			t.Errorf("last before lamp = %s prev %v next %v, want mug,tee false true", back.handles(), back.PageInfo.HasPreviousPage, back.PageInfo.HasNextPage)
		}
	})
}

func TestConnectionArgumentErrors(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	var c struct {
		Products conn `json:"products"`
	}
	api.post(t, `{ products(first: 2, sortKey: TITLE) { `+connFields+` } }`, nil).decode(t, &c)
	titleCursor := *c.Products.PageInfo.EndCursor
	for _, tt := range []struct {
		name, query string
	}{
		{"first over 250", `{ products(first: 251) { nodes { id } } }`},
		{"negative first", `{ products(first: -1) { nodes { id } } }`},
		{"neither first nor last", `{ products { nodes { id } } }`},
		{"both first and last", `{ products(first: 1, last: 1) { nodes { id } } }`},
		{"garbage cursor", `{ products(first: 1, after: "not-a-cursor") { nodes { id } } }`},
		{"cursor of another sort", fmt.Sprintf(`{ products(first: 1, sortKey: PRICE, after: %q) { nodes { id } } }`, titleCursor)},
		{"nested first over 250", `{ products(first: 1) { nodes { variants(first: 1000) { nodes { id } } } } }`},
		{"both id and handle", `{ product(id: "gid://storefront/Product/1", handle: "tee") { id } }`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := api.post(t, tt.query, nil)
			if r.Status != 200 || len(r.Errors) == 0 || r.errorCode() != "BAD_USER_INPUT" {
				t.Fatalf("got status %d errors %+v, want 200 with a BAD_USER_INPUT error", r.Status, r.Errors)
			}
		})
	}
}

func TestCollectionProducts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		var got struct {
			Home struct {
				Title    string `json:"title"`
				Default  conn   `json:"default"`
				Manual   conn   `json:"manual"`
				Title2   conn   `json:"byTitle"`
				InStock  conn   `json:"inStock"`
				Cheap    conn   `json:"cheap"`
				Either   conn   `json:"either"`
				Nothing  conn   `json:"nothing"`
				Option   conn   `json:"option"`
				TagGift  conn   `json:"tagGift"`
				Vendor   conn   `json:"vendor"`
				Reversed conn   `json:"reversed"`
			} `json:"home"`
			Collections struct {
				Nodes []struct {
					Handle string `json:"handle"`
				} `json:"nodes"`
			} `json:"collections"`
		}
		api.post(t, `{
			home: collection(handle: "home") {
				title
				default: products(first: 10) { `+connFields+` }
				manual: products(first: 10, sortKey: MANUAL) { `+connFields+` }
				byTitle: products(first: 10, sortKey: TITLE) { `+connFields+` }
				reversed: products(first: 10, sortKey: MANUAL, reverse: true) { `+connFields+` }
				inStock: products(first: 10, filters: [{available: true}]) { `+connFields+` }
				cheap: products(first: 10, filters: [{price: {min: 5, max: 10}}]) { `+connFields+` }
				either: products(first: 10, filters: [{productVendor: "Globex"}, {productType: "home"}]) { `+connFields+` }
				nothing: products(first: 10, filters: [{available: true}, {price: {min: 20}}]) { `+connFields+` }
				option: products(first: 10, filters: [{variantOption: {name: "Title", value: "Default Title"}}]) { `+connFields+` }
				tagGift: products(first: 10, filters: [{tag: "GIFT"}]) { `+connFields+` }
				vendor: products(first: 10, filters: [{productVendor: "acme"}]) { `+connFields+` }
			}
			collections(first: 10) { nodes { handle } }
		}`, nil).decode(t, &got)
		h := got.Home
		for name, tt := range map[string]struct {
			c    conn
			want string
		}{
			"default (collection sorts by price)": {h.Default, "mug,lamp"},
			"manual":                              {h.Manual, "lamp,mug"},
			"manual reversed":                     {h.Reversed, "mug,lamp"},
			"title":                               {h.Title2, "lamp,mug"},
			"available":                           {h.InStock, "mug"},
			"price 5..10":                         {h.Cheap, "mug"},
			"vendor and type":                     {h.Either, "mug,lamp"},
			"available and over 20":               {h.Nothing, ""},
			"variant option":                      {h.Option, "mug,lamp"},
			"tag, any case":                       {h.TagGift, "mug"},
			"vendor of another collection":        {h.Vendor, ""},
		} {
			if got := tt.c.handles(); got != tt.want {
				t.Errorf("%s: got %s, want %s", name, got, tt.want)
			}
		}
		var cs []string
		for _, c := range got.Collections.Nodes {
			cs = append(cs, c.Handle)
		}
		if strings.Join(cs, ",") != "apparel,home" {
			t.Errorf("collections = %v, want apparel,home", cs)
		}
	})
}

func TestContentMenuAndShop(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		var got struct {
			Page struct {
				Title       string `json:"title"`
				BodySummary string `json:"bodySummary"`
				SEO         struct {
					Title string `json:"title"`
				} `json:"seo"`
			} `json:"page"`
			Pages struct {
				Edges []struct {
					Node struct {
						Handle string `json:"handle"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"pages"`
			Menu struct {
				ItemsCount int `json:"itemsCount"`
				Items      []struct {
					Title string `json:"title"`
					Type  string `json:"type"`
					URL   string `json:"url"`
					Items []struct {
						Title string `json:"title"`
					} `json:"items"`
				} `json:"items"`
			} `json:"menu"`
			Shop struct {
				Name             string   `json:"name"`
				ShipsToCountries []string `json:"shipsToCountries"`
				PrimaryDomain    struct {
					Host string `json:"host"`
					URL  string `json:"url"`
				} `json:"primaryDomain"`
				PaymentSettings struct {
					CurrencyCode string `json:"currencyCode"`
				} `json:"paymentSettings"`
			} `json:"shop"`
		}
		api.post(t, `{
			page(handle: "about") { title bodySummary seo { title } }
			pages(first: 10) { edges { node { handle } } }
			menu(handle: "main-menu") { itemsCount items { title type url items { title } } }
			shop { name shipsToCountries primaryDomain { host url } paymentSettings { currencyCode } }
		}`, nil).decode(t, &got)
		if got.Page.Title != "About" || got.Page.BodySummary != "We sell things & stuff." || got.Page.SEO.Title != "About" {
			t.Errorf("page = %+v", got.Page)
		}
		if len(got.Pages.Edges) != 1 || got.Pages.Edges[0].Node.Handle != "about" {
			t.Errorf("pages = %+v, want only about", got.Pages.Edges)
		}
		m := got.Menu
		if m.ItemsCount != 3 || len(m.Items) != 2 || m.Items[0].Title != "Home" || m.Items[0].Type != "FRONTPAGE" ||
			len(m.Items[1].Items) != 1 || m.Items[1].Items[0].Title != "Apparel" {
			t.Errorf("menu = %+v, want Home, Shop > Apparel (3 items)", m)
		}
		if got.Shop.Name != "Test Shop" || strings.Join(got.Shop.ShipsToCountries, ",") != "US,CA" ||
			got.Shop.PrimaryDomain.Host != "shop.test" || got.Shop.PaymentSettings.CurrencyCode != "USD" {
			t.Errorf("shop = %+v", got.Shop)
		}
	})
}

func TestVariantBySelectedOptionsAndRecommendations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		var got struct {
			Product struct {
				ID    string `json:"id"`
				Match *struct {
					Title string `json:"title"`
				} `json:"match"`
				NoMatch *struct {
					Title string `json:"title"`
				} `json:"noMatch"`
			} `json:"product"`
		}
		api.post(t, `{ product(handle: "tee") { id
			match: variantBySelectedOptions(selectedOptions: [{name: "color", value: "Black"}, {name: "Size", value: "M"}]) { title }
			noMatch: variantBySelectedOptions(selectedOptions: [{name: "Size", value: "XL"}, {name: "Color", value: "Black"}]) { title }
		} }`, nil).decode(t, &got)
		if got.Product.Match == nil || got.Product.Match.Title != "M / Black" || got.Product.NoMatch != nil {
			t.Errorf("variantBySelectedOptions = %+v / %+v, want M / Black and null", got.Product.Match, got.Product.NoMatch)
		}
		var recs struct {
			Recs []struct{ Handle string } `json:"productRecommendations"`
		}
		mug := api.DB.Product.Query().AllX(t.Context())[1]
		api.post(t, `query($id: ID!) { productRecommendations(productId: $id) { handle } }`,
			map[string]any{"id": gid.Format(gid.Product, mug.ID)}).decode(t, &recs)
		if got := handles(recs.Recs); got != "lamp" {
			t.Errorf("recommendations for mug = %s, want lamp", got)
		}
	})
}

func TestNestedConnectionsPaginate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		type variantPage struct {
			Product struct {
				Variants struct {
					Edges []struct {
						Node struct{ Title string } `json:"node"`
					} `json:"edges"`
				} `json:"variants"`
				Images struct {
					Edges []struct {
						Cursor string               `json:"cursor"`
						Node   struct{ URL string } `json:"node"`
					} `json:"edges"`
					PageInfo struct {
						HasNextPage     bool `json:"hasNextPage"`
						HasPreviousPage bool `json:"hasPreviousPage"`
					} `json:"pageInfo"`
				} `json:"images"`
			} `json:"product"`
		}
		titles := func(p variantPage) string {
			var ts []string
			for _, e := range p.Product.Variants.Edges {
				ts = append(ts, e.Node.Title)
			}
			return strings.Join(ts, ",")
		}
		var first variantPage
		api.post(t, `{ product(handle: "tee") { variants(first: 2) { edges { node { title } } } images(first: 1) { edges { cursor node { url } } pageInfo { hasNextPage hasPreviousPage } } } }`, nil).decode(t, &first)
		if got := titles(first); got != "S / Black,M / Black" {
			t.Errorf("variants(first: 2) = %s", got)
		}
		img := first.Product.Images
		if len(img.Edges) != 1 || !img.PageInfo.HasNextPage || img.PageInfo.HasPreviousPage {
			t.Fatalf("images(first: 1) = %+v", img)
		}
		var next variantPage
		api.post(t, `query($c: String) { product(handle: "tee") { variants(last: 1, reverse: true) { edges { node { title } } } images(first: 5, after: $c) { edges { cursor node { url } } pageInfo { hasNextPage hasPreviousPage } } } }`,
			map[string]any{"c": img.Edges[0].Cursor}).decode(t, &next)
		if got := titles(next); got != "S / Black" {
			t.Errorf("variants(last: 1, reverse: true) = %s, want S / Black", got)
		}
		ni := next.Product.Images
		if len(ni.Edges) != 1 || !strings.HasSuffix(ni.Edges[0].Node.URL, "tee-1.png") || ni.PageInfo.HasNextPage || !ni.PageInfo.HasPreviousPage {
			t.Errorf("images after the first = %+v", ni)
		}
	})
}
