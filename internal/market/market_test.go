package market

import (
	"database/sql"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"storefront/ent"
	entmarket "storefront/ent/market"
)

// TestShopBounds: a shop price is within ShopBounds(lo, hi) exactly when the price the
// market shows for it (Price) is within lo..hi, for every rounding rule and for currencies
// with other minor digits.
func TestShopBounds(t *testing.T) {
	set := Set{ShopCurrency: "USD", Markets: []*ent.Market{
		{ID: 1, CurrencyCode: "CAD", Countries: []string{"CA"}, ExchangeRate: "1.35", PriceRounding: entmarket.PriceRoundingNINETY_NINE},
		{ID: 2, CurrencyCode: "GBP", Countries: []string{"GB"}, ExchangeRate: "0.79", PriceRounding: entmarket.PriceRoundingWHOLE},
		{ID: 3, CurrencyCode: "EUR", Countries: []string{"FR"}, ExchangeRate: "0.92", PriceRounding: entmarket.PriceRoundingNONE},
		{ID: 4, CurrencyCode: "JPY", Countries: []string{"JP"}, ExchangeRate: "151.5", PriceRounding: entmarket.PriceRoundingNINETY_NINE},
	}}
	for _, country := range []string{"CA", "GB", "FR", "JP", "US"} {
		p := set.For(country)
		for _, r := range [][2]int64{{0, -1}, {1399, 2000}, {1400, -1}, {0, 1398}, {800, 800}, {799, 799}, {5000, 100}, {123, 4567}, {15000, 160000}} {
			lo, hi := r[0], r[1]
			shopLo, shopHi, empty := p.ShopBounds(lo, hi)
			for a := int64(0); a <= 6000; a++ {
				v := p.Price(a)
				shown := v >= lo && (hi < 0 || v <= hi)
				in := !empty && a >= shopLo && (shopHi < 0 || a <= shopHi)
				if shown != in {
					t.Fatalf("%s %d..%d: shop %d shows %d (within: %v) but ShopBounds = %d..%d empty %v", country, lo, hi, a, v, shown, shopLo, shopHi, empty)
				}
			}
		}
	}
}

// TestSQLPrice: SQLPrice computes in SQL (SQLite here; PostgreSQL through the API tests)
// exactly what Price does, for every rounding rule and minor-digit difference.
func TestSQLPrice(t *testing.T) {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	set := Set{ShopCurrency: "USD", Markets: []*ent.Market{
		{ID: 1, CurrencyCode: "CAD", Countries: []string{"CA"}, ExchangeRate: "1.35", PriceRounding: entmarket.PriceRoundingNINETY_NINE},
		{ID: 2, CurrencyCode: "GBP", Countries: []string{"GB"}, ExchangeRate: "0.79", PriceRounding: entmarket.PriceRoundingWHOLE},
		{ID: 3, CurrencyCode: "EUR", Countries: []string{"FR"}, ExchangeRate: "0.92", PriceRounding: entmarket.PriceRoundingNONE},
		{ID: 4, CurrencyCode: "JPY", Countries: []string{"JP"}, ExchangeRate: "151.5", PriceRounding: entmarket.PriceRoundingNINETY_NINE},
		{ID: 5, CurrencyCode: "KWD", Countries: []string{"KW"}, ExchangeRate: "0.3071", PriceRounding: entmarket.PriceRoundingWHOLE},
	}}
	for _, country := range []string{"CA", "GB", "FR", "JP", "KW", "US"} {
		p := set.For(country)
		expr, ok := p.SQLPrice("a")
		if !ok {
			t.Fatalf("%s: no SQL expression", country)
		}
		rows, err := db.Query(`WITH RECURSIVE n(a) AS (SELECT 0 UNION ALL SELECT a + 1 FROM n WHERE a < 20000) SELECT a, ` + expr + ` FROM n`)
		if err != nil {
			t.Fatalf("%s: %v", country, err)
		}
		for rows.Next() {
			var a, got int64
			if err := rows.Scan(&a, &got); err != nil {
				t.Fatal(err)
			}
			if want := p.Price(a); got != want {
				t.Fatalf("%s: SQL prices %d at %d, Price %d", country, a, got, want)
			}
		}
		rows.Close()
	}
}
