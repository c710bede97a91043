package main

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"storefront/ent/completionattempt"
	"storefront/ent/discountcode"
	"storefront/ent/discountredemption"
	"storefront/ent/product"
	"storefront/ent/schema"
	"storefront/internal/gid"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// raceFixture is deliveryFixture plus SAVE5 ($5 off), FIRSTORDER (15% off, once per
// customer) and two products whose variants interleave by ID: left-1, right-1, left-2.
// Carts {left-1, right-1} and {right-1, left-2} take their variants in opposite product
// order, which deadlocks when a product row is updated between one variant and the next.
func raceFixture(t testing.TB, db *store.DB) {
	deliveryFixture(t, db)
	ctx := context.Background()
	db.DiscountCode.Create().SetCode("SAVE5").SetKind("FIXED_AMOUNT").SetValue(500).ExecX(ctx)
	db.DiscountCode.Create().SetCode("FIRSTORDER").SetKind("PERCENTAGE").SetValue(1500).SetOncePerCustomer(true).ExecX(ctx)
	left := db.Product.Create().SetHandle("left").SetTitle("Left").SetPublished(true).SaveX(ctx)
	right := db.Product.Create().SetHandle("right").SetTitle("Right").SetPublished(true).SaveX(ctx)
	for i, p := range []int{left.ID, right.ID, left.ID} {
		db.ProductVariant.Create().SetProductID(p).SetTitle(fmt.Sprintf("V%d", i)).SetPrice(1000).SetAvailable(1000).
			SetSelectedOptions([]schema.SelectedOption{{Name: "Title", Value: fmt.Sprintf("V%d", i)}}).ExecX(ctx)
	}
}

// burstOutcome is what a burst of concurrent submissions left behind.
type burstOutcome struct {
	Responses  map[string]int // SubmitSuccess, SubmitFailed, or the GraphQL error code
	Orders     int
	Processing int // attempts still PROCESSING once every request has ended
	Attempts   map[string]int
}

// submitBurst submits every cart at once, each with its own attempt token, and reports
// the responses and what the database holds afterwards.
func submitBurst(t *testing.T, api *testAPI, carts []string, prefix string) burstOutcome {
	t.Helper()
	out := burstOutcome{Responses: map[string]int{}, Attempts: map[string]int{}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	for i, c := range carts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := api.post(t, `mutation($id: ID!, $t: String!) { r: cartSubmitForCompletion(cartId: $id, attemptToken: $t) { result { __typename } } }`,
				map[string]any{"id": c, "t": fmt.Sprintf("%s-%d", prefix, i)})
			key := ""
			switch {
			case r.Status != 200:
				key = fmt.Sprintf("HTTP %d", r.Status)
			case len(r.Errors) > 0:
				key = r.errorCode()
				if key == "" {
					key = r.Errors[0].Message
				}
			default:
				var p struct {
					R struct {
						Result *struct {
							Typename string `json:"__typename"`
						} `json:"result"`
					} `json:"r"`
				}
				r.decode(t, &p)
				if p.R.Result != nil {
					key = p.R.Result.Typename
				}
			}
			mu.Lock()
			out.Responses[key]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	ctx := context.Background()
	out.Orders = api.DB.Order.Query().CountX(ctx)
	out.Processing = api.DB.CompletionAttempt.Query().Where(completionattempt.StatusEQ(completionattempt.StatusPROCESSING)).CountX(ctx)
	for _, a := range api.DB.CompletionAttempt.Query().AllX(ctx) {
		k := string(a.Status)
		for _, e := range a.Errors {
			k += " " + e.Code
		}
		out.Attempts[k]++
	}
	return out
}

// TestCheckoutBurstDoesNotDeadlock: buyers check out at once, their lines taking variants
// of two products in opposite product order: 40 of them with discount codes, half
// [WELCOME10, SAVE5] and half [SAVE5, WELCOME10], and 60 without codes. Every order is
// placed, no request times out or fails, and no attempt is left PROCESSING.
func TestCheckoutBurstDoesNotDeadlock(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     int
		codes bool
	}{{"mixed codes", 40, true}, {"no codes", 60, false}} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, b storetest.Backend) {
				api := startAPI(t, b, raceFixture)
				ctx := context.Background()
				v := func(handle, title string) string { return variantID(t, api.DB, handle, title) }
				l1, r1, l2 := v("left", "V0"), v("right", "V1"), v("left", "V2")
				n := tc.n
				carts := make([]string, n)
				for i := range carts {
					var codes []string
					if i%2 == 0 {
						if tc.codes {
							codes = []string{"WELCOME10", "SAVE5"}
						}
						carts[i] = readyCartFor(t, api, "test_success", fmt.Sprintf("buyer%d@example.com", i), codes, line(l1, 1), line(r1, 1))
					} else {
						if tc.codes {
							codes = []string{"SAVE5", "WELCOME10"}
						}
						carts[i] = readyCartFor(t, api, "test_success", fmt.Sprintf("buyer%d@example.com", i), codes, line(r1, 1), line(l2, 1))
					}
				}
				got := submitBurst(t, api, carts, "burst")
				t.Logf("%s: responses %v, orders %d, attempts %v, left PROCESSING %d, placing retried %d times", b.Name, got.Responses, got.Orders, got.Attempts, got.Processing,
					logLines(api, "placing order conflicted with another transaction; retrying"))
				if got.Responses["SubmitSuccess"] != n || got.Orders != n || got.Processing != 0 || got.Attempts["SUCCESS"] != n {
					t.Fatalf("responses %v, %d orders, attempts %v, %d PROCESSING; want %d successes and orders, none PROCESSING", got.Responses, got.Orders, got.Attempts, got.Processing, n)
				}
				if tc.codes {
					for _, code := range []string{"WELCOME10", "SAVE5"} {
						if d := api.DB.DiscountCode.Query().Where(discountcode.Code(code)).OnlyX(ctx); d.UsageCount != n {
							t.Errorf("%s used %d times, want %d", code, d.UsageCount, n)
						}
					}
				}
				stock := map[string]int{}
				for _, id := range []string{l1, r1, l2} {
					vid, _ := gid.ParseAs(id, gid.ProductVariant)
					stock[id] = api.DB.ProductVariant.GetX(ctx, vid).Available
				}
				if stock[l1] != 1000-n/2 || stock[r1] != 1000-n || stock[l2] != 1000-n/2 {
					t.Errorf("stock %v after %d orders", stock, n)
				}
				sold := api.DB.Product.Query().Where(product.HandleIn("left", "right")).Order(product.ByHandle()).AllX(ctx)
				if sold[0].UnitsSold != int64(n) || sold[1].UnitsSold != int64(n) {
					t.Errorf("units sold: left %d, right %d; want %d each", sold[0].UnitsSold, sold[1].UnitsSold, n)
				}
			})
		})
	}
}

// TestOncePerCustomerCodeHoldsUnderRace: one buyer readies 30 carts with FIRSTORDER (once
// per customer) and submits them all at once. One order uses the code; every other
// submission is refused (the price the buyer confirmed cannot be honoured): before paying
// (SubmitFailed) or after, the attempt failing with PAYMENT_ERROR and its payment voided.
// The code is redeemed once.
func TestOncePerCustomerCodeHoldsUnderRace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		raceFixture(t, db)
		provider := &voidRecorder{}
		cfg := testConfig()
		cfg.PaymentProvider = provider
		api := startAPIOver(t, db, cfg)
		ctx := context.Background()
		bulk := variantID(t, db, "bulk", "Default Title")
		const n = 30
		carts := make([]string, n)
		for i := range carts {
			carts[i] = readyCartFor(t, api, "test_success", "First@Example.com", []string{"FIRSTORDER"}, line(bulk, 10))
		}
		got := submitBurst(t, api, carts, "first")
		withCode := 0
		for _, o := range db.Order.Query().AllX(ctx) {
			for _, d := range o.Discounts {
				if d.Code == "FIRSTORDER" {
					withCode++
				}
			}
		}
		redeemed := db.DiscountRedemption.Query().Where(discountredemption.HasDiscountCodeWith(discountcode.Code("FIRSTORDER"))).CountX(ctx)
		t.Logf("%s: responses %v, orders %d (%d with FIRSTORDER), redemptions %d, attempts %v", b.Name, got.Responses, got.Orders, withCode, redeemed, got.Attempts)
		if withCode != 1 || redeemed != 1 || got.Orders != 1 {
			t.Fatalf("FIRSTORDER used by %d orders (%d redemptions, %d orders); want 1", withCode, redeemed, got.Orders)
		}
		failed := got.Attempts["FAILED PAYMENT_ERROR"]
		if got.Processing != 0 || got.Attempts["SUCCESS"] != 1 || got.Attempts["SUCCESS"]+failed != got.Responses["SubmitSuccess"] ||
			got.Responses["SubmitSuccess"]+got.Responses["SubmitFailed"] != n {
			t.Fatalf("responses %v, attempts %v; want 1 success, the others SubmitFailed or failed with PAYMENT_ERROR", got.Responses, got.Attempts)
		}
		provider.mu.Lock()
		voided := len(provider.voided)
		provider.mu.Unlock()
		if voided != failed {
			t.Errorf("%d authorizations voided, want %d", voided, failed)
		}
	})
}
