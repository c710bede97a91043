package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"storefront/ent/completionattempt"
	"storefront/ent/orderline"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/payment"
	"storefront/internal/storetest"
)

// hookProvider is the test provider with a hook that runs while it authorizes: the moment
// between the buyer's confirmation and the order's transaction.
type hookProvider struct {
	payment.TestProvider
	mu        sync.Mutex
	onAuth    func(ctx context.Context)
	voided    int
	authCalls int
}

func (p *hookProvider) Authorize(ctx context.Context, r payment.Request) (string, error) {
	p.mu.Lock()
	p.authCalls++
	hook := p.onAuth
	p.mu.Unlock()
	if hook != nil {
		hook(ctx)
	}
	return p.TestProvider.Authorize(ctx, r)
}

func (p *hookProvider) Void(ctx context.Context, op payment.Op) (string, error) {
	p.mu.Lock()
	p.voided++
	p.mu.Unlock()
	return p.TestProvider.Void(ctx, op)
}

// orderUnits is the number of units over all lines of all orders.
func orderUnits(t testing.TB, api *testAPI) int {
	t.Helper()
	n := 0
	for _, l := range api.DB.OrderLine.Query().Select(orderline.FieldQuantity).AllX(context.Background()) {
		n += l.Quantity
	}
	return n
}

// TestCartChangeDuringCompletionIsRefused: a cartLinesAdd that arrives while the cart's
// completion attempt runs (here: while the payment is being authorized) is refused with
// INVALID on cartId, and the order holds what was submitted. Before, the change was
// accepted (the cart showed 5 units) and the order placed with 1.
func TestCartChangeDuringCompletionIsRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		provider := &hookProvider{}
		cfg := testConfig()
		cfg.PaymentProvider = provider
		api := startAPIOver(t, db, cfg)
		mug := variantID(t, db, "mug", "Default Title")
		id := readyCart(t, api, "test_success", line(mug, 1))
		var added payload
		provider.onAuth = func(context.Context) {
			added = api.mutate(t, "cartLinesAdd", "cartId: $id, lines: $lines", map[string]any{"id": id, "lines": []map[string]any{line(mug, 4)}})
		}
		s := submit(t, api, id, "during-1")
		if s.R.Result == nil || s.R.Result.Typename != "SubmitSuccess" {
			t.Fatalf("submit: %+v", s.R)
		}
		if added.Cart != nil || len(added.UserErrors) != 1 || added.UserErrors[0].Code != "INVALID" || strings.Join(added.UserErrors[0].Field, ".") != "cartId" {
			t.Fatalf("cartLinesAdd during completion: cart %+v, userErrors %+v; want INVALID on cartId", added.Cart, added.UserErrors)
		}
		if a := attempt(t, api, s.R.Result.AttemptID); a.A == nil || a.A.Typename != "CartCompletionSuccess" {
			t.Fatalf("attempt: %+v", a.A)
		}
		if n := orderUnits(t, api); n != 1 {
			t.Fatalf("order has %d units, want the 1 submitted", n)
		}
	})
}

// TestCartChangeRacingSubmissionNeverDiverges sends cartLinesAdd and cartSubmitForCompletion
// at the same moment, trial after trial. Whatever wins, the buyer is charged for what the
// order holds: a refused add leaves the order as submitted; an accepted add is either in
// the order or the attempt fails (its payment voided) and no order is placed.
func TestCartChangeRacingSubmissionNeverDiverges(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		provider := &hookProvider{}
		cfg := testConfig()
		cfg.PaymentProvider = provider
		api := startAPIOver(t, db, cfg)
		ctx := context.Background()
		bulk := variantID(t, db, "bulk", "Default Title")
		outcomes := map[string]int{}
		for trial := range 10 {
			id := readyCart(t, api, "test_success", line(bulk, 1))
			before := orderUnits(t, api)
			var wg sync.WaitGroup
			var added payload
			var sub submitJSON
			wg.Add(2)
			go func() {
				defer wg.Done()
				added = api.mutate(t, "cartLinesAdd", "cartId: $id, lines: $lines", map[string]any{"id": id, "lines": []map[string]any{line(bulk, 4)}})
			}()
			go func() { defer wg.Done(); sub = submit(t, api, id, fmt.Sprintf("racing-%d", trial)) }()
			wg.Wait()
			units := orderUnits(t, api) - before
			addOK := len(added.UserErrors) == 0
			var status string
			if sub.R.Result != nil && sub.R.Result.AttemptID != "" {
				a := api.DB.CompletionAttempt.Query().Where(completionattempt.PublicID(sub.R.Result.AttemptID)).OnlyX(ctx)
				status = string(a.Status)
				for _, e := range a.Errors {
					status += " " + e.Code
				}
			} else if sub.R.Result != nil {
				status = sub.R.Result.Typename
			}
			outcomes[fmt.Sprintf("add ok %v, %s, %d units ordered", addOK, status, units)]++
			switch {
			case status == "PROCESSING":
				t.Fatalf("trial %d: attempt left PROCESSING", trial)
			case addOK && units == 1:
				t.Fatalf("trial %d: the add was accepted (cart %+v) but the order holds 1 unit", trial, added.Cart)
			case addOK && added.Cart != nil && added.Cart.TotalQuantity != 5:
				t.Fatalf("trial %d: accepted add shows %d units", trial, added.Cart.TotalQuantity)
			case !addOK && (added.UserErrors[0].Code != "INVALID" || units != 1 && status == "SUCCESS"):
				t.Fatalf("trial %d: refused add %+v, order %d units, attempt %s", trial, added.UserErrors, units, status)
			}
		}
		t.Logf("%s: %v", b.Name, outcomes)
	})
}

// TestPriceChangeDuringPaymentFailsTheAttempt: the variant's price changes while the
// payment is authorized. The order would no longer cost what was authorized, so the
// attempt fails with PAYMENT_ERROR, the authorization is voided and nothing is placed.
func TestPriceChangeDuringPaymentFailsTheAttempt(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		provider := &hookProvider{}
		cfg := testConfig()
		cfg.PaymentProvider = provider
		api := startAPIOver(t, db, cfg)
		mug := variantID(t, db, "mug", "Default Title")
		id := readyCart(t, api, "test_success", line(mug, 1))
		provider.onAuth = func(ctx context.Context) {
			db.ProductVariant.Update().Where(productvariant.HasProductWith(product.Handle("mug"))).SetPrice(1999).ExecX(ctx)
		}
		s := submit(t, api, id, "repriced-1")
		a := attempt(t, api, s.R.Result.AttemptID)
		if a.A == nil || a.A.Typename != "CartCompletionFailed" || a.A.Errors[0].Code != "PAYMENT_ERROR" || provider.voided != 1 {
			t.Fatalf("attempt %+v, voided %d; want PAYMENT_ERROR and the authorization voided", a.A, provider.voided)
		}
		if n := db.Order.Query().CountX(context.Background()); n != 0 {
			t.Fatalf("%d orders placed at a price that was not authorized", n)
		}
		// The buyer sees the new price, pays it and buys.
		provider.onAuth = nil
		if r := api.mutate(t, "cartLinesAdd", "cartId: $id, lines: $lines", map[string]any{"id": id, "lines": []map[string]any{}}); r.Cart == nil {
			t.Fatalf("the cart cannot change after its attempt failed: %+v", r.UserErrors)
		}
	})
}

// TestHostedPaymentRefusedWhenCartChanged: the hosted page shows a total; three units are
// added through the API; posting that page's payment form shows the page again with a
// message and places nothing (before, it placed an order for the new total). Paying from
// the page as it now is buys.
func TestHostedPaymentRefusedWhenCartChanged(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		mug := variantID(t, api.DB, "mug", "Default Title")
		id := readyCart(t, api, "test_success", line(mug, 1)) // 9.99 + 5.00 shipping
		c := api.mutate(t, "cartNoteUpdate", "cartId: $id, note: $note", map[string]any{"id": id, "note": "hi"}).Cart
		u, _ := url.Parse(c.CheckoutURL)
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar}
		fetch := func(resp *http.Response, err error) (string, string) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return string(body), resp.Request.URL.Path
		}
		page, _ := fetch(client.Get(api.URL + u.Path + "?" + u.RawQuery))
		if !strings.Contains(page, "Pay 14.99 USD") {
			t.Fatalf("page: %s", page)
		}
		form := url.Values{"key": {u.Query().Get("key")}, "session": {"test_success"},
			"attemptToken": {between(page, `name="attemptToken" value="`, `"`)}, "cart": {between(page, `name="cart" value="`, `"`)}}
		api.mutate(t, "cartLinesAdd", "cartId: $id, lines: $lines", map[string]any{"id": id, "lines": []map[string]any{line(mug, 3)}})
		body, path := fetch(client.PostForm(api.URL+u.Path+"/pay", form))
		if path != u.Path+"/pay" || !strings.Contains(body, `id="errors"`) || !strings.Contains(body, "changed") || !strings.Contains(body, "Pay 44.96 USD") {
			t.Fatalf("paying a changed cart: %s %s", path, body)
		}
		if n := api.DB.Order.Query().CountX(context.Background()); n != 0 {
			t.Fatalf("%d orders placed from a page the cart no longer matches", n)
		}
		form.Set("attemptToken", between(body, `name="attemptToken" value="`, `"`))
		form.Set("cart", between(body, `name="cart" value="`, `"`))
		body, path = fetch(client.PostForm(api.URL+u.Path+"/pay", form))
		if !strings.HasPrefix(path, "/orders/status/") || !strings.Contains(body, "44.96 USD") {
			t.Fatalf("paying the cart as shown: %s %s", path, body)
		}
	})
}

// TestHostedPaymentPostedTwice: the payment form is posted again while its attempt runs
// (a double click). The second post leads to the same attempt, not to an error about the
// held cart, and one order is placed.
func TestHostedPaymentPostedTwice(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		provider := &hookProvider{}
		cfg := testConfig()
		cfg.PaymentProvider = provider
		api := startAPIOver(t, db, cfg)
		id := readyCart(t, api, "test_success", line(variantID(t, db, "mug", "Default Title"), 1))
		c := api.mutate(t, "cartNoteUpdate", "cartId: $id, note: $note", map[string]any{"id": id, "note": "hi"}).Cart
		u, _ := url.Parse(c.CheckoutURL)
		post := func(form url.Values) string {
			resp, err := http.PostForm(api.URL+u.Path+"/pay", form)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			_, _ = io.ReadAll(resp.Body)
			return resp.Request.URL.Path
		}
		resp, err := http.Get(api.URL + u.Path + "?" + u.RawQuery)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		form := url.Values{"key": {u.Query().Get("key")}, "session": {"test_success"},
			"attemptToken": {between(string(body), `name="attemptToken" value="`, `"`)}, "cart": {between(string(body), `name="cart" value="`, `"`)}}
		var second string
		provider.onAuth = func(context.Context) {
			provider.onAuth = nil
			second = post(form)
		}
		first := post(form)
		if !strings.HasPrefix(first, "/orders/status/") || !strings.HasPrefix(second, "/checkout/attempts/") {
			t.Fatalf("first post ended at %s, second at %s; want the order status and the running attempt", first, second)
		}
		if n := db.Order.Query().CountX(context.Background()); n != 1 {
			t.Fatalf("%d orders", n)
		}
	})
}
