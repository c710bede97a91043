package main

import (
	"context"
	"testing"

	moneyfmt "storefront/internal/money"
	"storefront/internal/storetest"
)

type bagJSON struct{ ShopMoney, PresentmentMoney moneyJSON }

func (b bagJSON) String() string { return b.ShopMoney.String() + " / " + b.PresentmentMoney.String() }

const moneyOrderQuery = `query($n: Int) { orders(first: $n, orderBy: {field: NUMBER, direction: ASC}) { edges { node { id total
	subtotalPriceSet { ...bag } totalShippingPriceSet { ...bag } totalTaxSet { ...bag } totalDiscountsSet { ...bag }
	totalPriceSet { ...bag } totalReceivedSet { ...bag } totalRefundedSet { ...bag }
	lines { unitPrice originalUnitPriceSet { ...bag } originalTotalSet { ...bag } discountedTotalSet { ...bag } }
	payments { kind amount amountSet { ...bag } }
	refunds { amount totalRefundedSet { ...bag } shippingSet { ...bag } } } } } }
fragment bag on MoneyBag { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }`

type moneyOrder struct {
	ID                                                                      string
	Total                                                                   int
	SubtotalPriceSet, TotalShippingPriceSet, TotalTaxSet, TotalDiscountsSet bagJSON
	TotalPriceSet, TotalReceivedSet, TotalRefundedSet                       bagJSON
	Lines                                                                   []struct {
		UnitPrice                                                  int
		OriginalUnitPriceSet, OriginalTotalSet, DiscountedTotalSet bagJSON
	}
	Payments []struct {
		Kind      string
		Amount    int
		AmountSet bagJSON
	}
	Refunds []struct {
		Amount                        int
		TotalRefundedSet, ShippingSet bagJSON
	}
}

// TestAdminMoneyV2: orders, lines, payments and refunds answer MoneyBags (shop and
// presentment currency) beside their minor-unit fields, variants MoneyV2 prices; a
// page of orders costs the same statements whatever its size.
func TestAdminMoneyV2(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		api := startAPIOver(t, db, testConfig())
		ctx := context.Background()
		p := placeTestOrder(t, api, db, "money-1", 3) // 3 × 1.00 + 5.00 shipping
		placeTestOrder(t, api, db, "money-2", 1)
		placeTestOrder(t, api, db, "money-3", 2)
		key := adminKey(t, db, "orders:write", "catalog:read")
		if c := orderOp(t, api, key, "refundCreate", "input: $input", withInput("RefundCreateInput!", map[string]any{"orderId": p.GID,
			"lines": []map[string]any{{"lineItemId": p.Lines[0], "quantity": 1}}, "shipping": "2.00"})); c != nil {
			t.Fatalf("refund: %v", c)
		}
		read := func(n int) ([]moneyOrder, int64) {
			t.Helper()
			var out struct {
				Orders struct{ Edges []struct{ Node moneyOrder } }
			}
			r, stmts := api.adminCounted(t, key, moneyOrderQuery, map[string]any{"n": n})
			if len(r.Errors) > 0 {
				t.Fatal(r.Raw)
			}
			r.decode(t, &out)
			var os []moneyOrder
			for _, e := range out.Orders.Edges {
				os = append(os, e.Node)
			}
			return os, stmts
		}
		read(1) // records the key's use
		os, one := read(1)
		_, three := read(3)
		if three != one {
			t.Errorf("statements: %d for 1 order, %d for 3: amounts must not load per row", one, three)
		}
		o := os[0]
		usd := func(a string) string { return a + " USD / " + a + " USD" }
		checks := []struct {
			name string
			got  bagJSON
			want string
		}{
			{"totalPriceSet", o.TotalPriceSet, usd("8.00")},
			{"subtotalPriceSet", o.SubtotalPriceSet, usd("3.00")},
			{"totalShippingPriceSet", o.TotalShippingPriceSet, usd("5.00")},
			{"totalTaxSet", o.TotalTaxSet, usd("0.00")},
			{"totalDiscountsSet", o.TotalDiscountsSet, usd("0.00")},
			{"totalReceivedSet", o.TotalReceivedSet, usd("8.00")},
			{"totalRefundedSet", o.TotalRefundedSet, usd("3.00")},
		}
		if len(o.Lines) == 1 {
			checks = append(checks, struct {
				name string
				got  bagJSON
				want string
			}{"line originalUnitPriceSet", o.Lines[0].OriginalUnitPriceSet, usd("1.00")}, struct {
				name string
				got  bagJSON
				want string
			}{"line discountedTotalSet", o.Lines[0].DiscountedTotalSet, usd("3.00")})
		} else {
			t.Fatalf("lines: %+v", o.Lines)
		}
		for _, pm := range o.Payments {
			if pm.AmountSet.PresentmentMoney.Amount == "" || pm.AmountSet.PresentmentMoney.CurrencyCode != "USD" {
				t.Errorf("payment %s amountSet %v", pm.Kind, pm.AmountSet)
			}
		}
		if len(o.Refunds) != 1 {
			t.Fatalf("refunds: %+v", o.Refunds)
		}
		checks = append(checks, struct {
			name string
			got  bagJSON
			want string
		}{"refund totalRefundedSet", o.Refunds[0].TotalRefundedSet, usd("3.00")}, struct {
			name string
			got  bagJSON
			want string
		}{"refund shippingSet", o.Refunds[0].ShippingSet, usd("2.00")})
		for _, c := range checks {
			if c.got.String() != c.want {
				t.Errorf("%s: got %s, want %s", c.name, c.got, c.want)
			}
		}
		if o.Total != 800 {
			t.Errorf("total (minor units, kept for existing clients): %d, want 800", o.Total)
		}

		// An order placed in another market's currency: presentment as charged, shop
		// money as recorded (totals) or converted at the order's rate (lines).
		if err := db.Order.UpdateOneID(p.ID).SetCurrencyCode("EUR").SetShopCurrencyCode("USD").SetExchangeRate("0.8").
			SetShopTotal(1000).SetShopSubtotal(375).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		os, _ = read(1)
		o = os[0]
		for _, c := range []struct {
			name string
			got  bagJSON
			want string
		}{
			{"totalPriceSet", o.TotalPriceSet, "10.00 USD / 8.00 EUR"},
			{"subtotalPriceSet", o.SubtotalPriceSet, "3.75 USD / 3.00 EUR"},
			{"line originalUnitPriceSet", o.Lines[0].OriginalUnitPriceSet, "1.25 USD / 1.00 EUR"},
		} {
			if c.got.String() != c.want {
				t.Errorf("converted %s: got %s, want %s", c.name, c.got, c.want)
			}
		}

		// Shipping rates (shop currency) and gift cards (their own currency).
		var rates struct {
			ShippingRates struct {
				Edges []struct {
					Node struct {
						Price       int
						FreeAbove   *int
						PriceV2     moneyJSON
						FreeAboveV2 *moneyJSON
					}
				}
			}
		}
		api.adminPost(t, adminKey(t, db, "settings:read"), `{ shippingRates(first: 20) { edges { node { price freeAbove priceV2 { amount currencyCode } freeAboveV2 { amount currencyCode } } } } }`, nil).decode(t, &rates)
		if len(rates.ShippingRates.Edges) == 0 {
			t.Fatal("no shipping rates")
		}
		for _, e := range rates.ShippingRates.Edges {
			r := e.Node
			if want := moneyfmt.Format(int64(r.Price), "USD"); r.PriceV2.String() != want+" USD" {
				t.Errorf("shipping rate price %d: priceV2 %v, want %s USD", r.Price, r.PriceV2, want)
			}
			if (r.FreeAbove == nil) != (r.FreeAboveV2 == nil) || r.FreeAbove != nil && r.FreeAboveV2.Amount != moneyfmt.Format(int64(*r.FreeAbove), "USD") {
				t.Errorf("shipping rate freeAbove %v: freeAboveV2 %v", r.FreeAbove, r.FreeAboveV2)
			}
		}
		var gc struct {
			GiftCardCreate struct {
				GiftCard *struct{ BalanceV2, InitialValueV2 moneyJSON }
			}
		}
		api.adminPost(t, adminKey(t, db, "discounts:write"), `mutation { giftCardCreate(input: {initialValue: "50.00"}) { giftCard { balanceV2 { amount currencyCode } initialValueV2 { amount currencyCode } } } }`, nil).decode(t, &gc)
		if g := gc.GiftCardCreate.GiftCard; g == nil || g.BalanceV2.String() != "50.00 USD" || g.InitialValueV2.String() != "50.00 USD" {
			t.Errorf("gift card: %+v, want balanceV2 and initialValueV2 50.00 USD", g)
		}

		// Variant prices.
		var vs struct {
			ProductVariants struct {
				Edges []struct {
					Node struct {
						ID               string
						Price            int
						PriceV2          moneyJSON
						CompareAtPriceV2 *moneyJSON
					}
				}
			}
		}
		api.adminPost(t, key, `{ productVariants(first: 50) { edges { node { id price priceV2 { amount currencyCode } compareAtPriceV2 { amount currencyCode } } } } }`, nil).decode(t, &vs)
		if len(vs.ProductVariants.Edges) == 0 {
			t.Fatal("no variants")
		}
		for _, e := range vs.ProductVariants.Edges {
			v := e.Node
			if want := moneyfmt.Format(int64(v.Price), "USD"); v.PriceV2.Amount != want || v.PriceV2.CurrencyCode != "USD" {
				t.Errorf("variant %s: price %d, priceV2 %v, want %s USD", v.ID, v.Price, v.PriceV2, want)
			}
		}
	})
}
