package demo_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"storefront/ent/collection"
	"storefront/ent/discountcode"
	"storefront/ent/marketprice"
	"storefront/ent/menu"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/demo"
	"storefront/internal/storetest"
)

func TestDemoCatalog(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		loaded, err := demo.DemoIfEmpty(ctx, db, "http://127.0.0.1:8080")
		if err != nil || !loaded {
			t.Fatalf("DemoIfEmpty = %v, %v; want loaded", loaded, err)
		}
		published := db.Product.Query().Where(product.Published(true)).CountX(ctx)
		variants := db.ProductVariant.Query().CountX(ctx)
		soldOut := db.ProductVariant.Query().Where(productvariant.Available(0)).CountX(ctx)
		onSale := db.ProductVariant.Query().Where(productvariant.CompareAtPriceNotNil()).CountX(ctx)
		collections := db.Collection.Query().Where(collection.Published(true)).CountX(ctx)
		t.Logf("published products %d, variants %d (sold out %d, compare-at %d), published collections %d",
			published, variants, soldOut, onSale, collections)
		if published < 50 || variants < 200 || soldOut == 0 || onSale == 0 || collections < 8 {
			t.Fatalf("demo catalog too small")
		}
		for _, h := range []string{"hidden-homepage-featured-items", "hidden-homepage-carousel"} {
			c := db.Collection.Query().Where(collection.Handle(h)).OnlyX(ctx)
			if n := len(c.QueryProducts().AllX(ctx)); n == 0 {
				t.Errorf("collection %s is empty", h)
			}
		}
		for _, h := range []string{"next-js-frontend-header-menu", "next-js-frontend-footer-menu", "main-menu"} {
			if !db.Menu.Query().Where(menu.Handle(h)).ExistX(ctx) {
				t.Errorf("menu %s missing", h)
			}
		}
		// A product whose variants are all sold out, and price columns kept by the hook.
		p := db.Product.Query().Where(product.Handle("down-puffer")).OnlyX(ctx)
		if db.ProductVariant.Query().Where(productvariant.ProductID(p.ID), productvariant.AvailableGT(0)).ExistX(ctx) {
			t.Error("down-puffer should be sold out")
		}
		if p.MinPrice != 21900 || p.MaxCompareAtPrice != 25900 {
			t.Errorf("down-puffer price columns = %d / %d, want 21900 / 25900", p.MinPrice, p.MaxCompareAtPrice)
		}
		// Its variants have fixed prices in Canada.
		if n := db.MarketPrice.Query().Where(marketprice.ProductID(p.ID), marketprice.Price(27900)).CountX(ctx); n == 0 || n != db.ProductVariant.Query().Where(productvariant.ProductID(p.ID)).CountX(ctx) {
			t.Errorf("down-puffer has %d fixed prices in Canada, want one per variant", n)
		}
		for _, code := range []string{"WELCOME10", "SAVE5", "TEES20", "HEADPHONES15", "FIRSTORDER"} {
			if !db.DiscountCode.Query().Where(discountcode.CodeKey(code), discountcode.Enabled(true)).ExistX(ctx) {
				t.Errorf("discount code %s missing", code)
			}
		}
		if n := db.TaxRate.Query().CountX(ctx); n == 0 {
			t.Error("no tax rates")
		}
		again, err := demo.DemoIfEmpty(ctx, db, "http://127.0.0.1:8080")
		if err != nil || again {
			t.Fatalf("second DemoIfEmpty = %v, %v; want nothing loaded", again, err)
		}
	})
}

func TestSynthetic(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		if err := demo.Synthetic(ctx, db, "http://x", 300); err != nil {
			t.Fatal(err)
		}
		if n := db.Product.Query().Where(product.HandleHasPrefix("synthetic-")).CountX(ctx); n != 300 {
			t.Fatalf("got %d synthetic products, want 300", n)
		}
		if n := db.ProductVariant.Query().CountX(ctx); n < 300 {
			t.Fatalf("got %d variants", n)
		}
		if n := db.Product.Query().Where(product.MinPrice(0)).CountX(ctx); n != 0 {
			t.Errorf("%d products without a price summary", n)
		}
		// A second run adds more without clashing.
		if err := demo.Synthetic(ctx, db, "http://x", 10); err != nil {
			t.Fatal(err)
		}
	})
}

func TestImageHandler(t *testing.T) {
	srv := httptest.NewServer(http.StripPrefix("", demo.ImageHandler()))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/images/demo/classic-organic-tee-2.svg")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(string(body), "Classic Organic Tee") {
		t.Fatalf("got %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	for _, bad := range []string{"/images/demo/../etc.svg", "/images/demo/<script>.svg", "/images/demo/x.png"} {
		resp, err := http.Get(srv.URL + bad)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("%s: got %d, want 404", bad, resp.StatusCode)
		}
	}
}
