package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"storefront/ent/giftcard"
	"storefront/ent/giftcardtransaction"
	"storefront/ent/productvariant"
	"storefront/internal/demo"
	"storefront/internal/gid"
	"storefront/internal/payment"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// authRecorder is the test provider, recording the amount of every authorization.
type authRecorder struct {
	payment.TestProvider
	mu      sync.Mutex
	amounts []int64
}

func (p *authRecorder) Authorize(ctx context.Context, r payment.Request) (string, error) {
	p.mu.Lock()
	p.amounts = append(p.amounts, r.Amount)
	p.mu.Unlock()
	return p.TestProvider.Authorize(ctx, r)
}

func (p *authRecorder) calls() []int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int64{}, p.amounts...)
}

type adminGiftCard struct {
	ID             string
	LastCharacters string
	Balance        int64
	InitialValue   int64
	CurrencyCode   string
	ExpiresAt      *time.Time
	DisabledAt     *time.Time
	Note           *string
}

const adminGiftCardFields = `id lastCharacters balance initialValue currencyCode expiresAt disabledAt note`

// issueGiftCard issues a card through the Admin API and returns it with its code.
func issueGiftCard(t testing.TB, api *testAPI, key string, in map[string]any) (*adminGiftCard, string, []adminUserError) {
	t.Helper()
	var out struct {
		GiftCardCreate struct {
			GiftCard     *adminGiftCard
			GiftCardCode *string
			UserErrors   []adminUserError
		}
	}
	r := api.adminPost(t, key, `mutation($in: GiftCardCreateInput!) { giftCardCreate(input: $in) { giftCard { `+adminGiftCardFields+` } giftCardCode userErrors { field code message } } }`,
		map[string]any{"in": in})
	if len(r.Errors) > 0 {
		t.Fatalf("giftCardCreate: %+v", r.Errors)
	}
	r.decode(t, &out)
	p := out.GiftCardCreate
	code := ""
	if p.GiftCardCode != nil {
		code = *p.GiftCardCode
	}
	return p.GiftCard, code, p.UserErrors
}

type appliedGiftCardJSON struct {
	ID                    string
	LastCharacters        string
	AmountUsed            amount
	Balance               amount
	PresentmentAmountUsed amount
}

type giftCartJSON struct {
	Cart *struct {
		ID               string
		AppliedGiftCards []appliedGiftCardJSON
		Cost             struct {
			TotalAmount          amount
			CheckoutChargeAmount amount
		}
	}
	UserErrors []userError
}

const giftCartSel = `cart { id appliedGiftCards { id lastCharacters amountUsed { amount currencyCode } balance { amount } presentmentAmountUsed { amount } }
	cost { totalAmount { amount } checkoutChargeAmount { amount } } } userErrors { code field message }`

func giftCodes(t testing.TB, api *testAPI, op, cartID string, codes []string) giftCartJSON {
	t.Helper()
	var out struct{ R giftCartJSON }
	r := api.post(t, `mutation($id: ID!, $codes: [String!]!) { r: `+op+`(cartId: $id, giftCardCodes: $codes) { `+giftCartSel+` } }`,
		map[string]any{"id": cartID, "codes": codes})
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", op, r.Errors)
	}
	r.decode(t, &out)
	return out.R
}

func removeGiftCards(t testing.TB, api *testAPI, cartID string, ids []string) giftCartJSON {
	t.Helper()
	var out struct{ R giftCartJSON }
	r := api.post(t, `mutation($id: ID!, $ids: [ID!]!) { r: cartGiftCardCodesRemove(cartId: $id, appliedGiftCardIds: $ids) { `+giftCartSel+` } }`,
		map[string]any{"id": cartID, "ids": ids})
	if len(r.Errors) > 0 {
		t.Fatalf("cartGiftCardCodesRemove: %+v", r.Errors)
	}
	r.decode(t, &out)
	return out.R
}

// giftReadyCart makes a cart that can be submitted (email, US address, standard
// shipping) with the gift card codes applied, and pays what is left: a direct payment
// with the session when something is, a free payment when the gift cards pay it all. It
// returns the cart's ID and the charge.
func giftReadyCart(t testing.TB, api *testAPI, session string, codes []string, lines ...map[string]any) (string, string) {
	t.Helper()
	c := api.newCart(t, lines...)
	if g := giftCodes(t, api, "cartGiftCardCodesAdd", c.ID, codes); len(g.UserErrors) > 0 {
		t.Fatalf("gift cards: %+v", g.UserErrors)
	}
	api.mutate(t, "cartBuyerIdentityUpdate", "cartId: $id, buyerIdentity: $buyer", map[string]any{"id": c.ID, "buyer": map[string]any{"email": "gift@example.com"}})
	p := addAddress(t, api, c.ID, map[string]any{"firstName": "Ada", "lastName": "L", "address1": "1 Main St", "city": "Springfield", "provinceCode": "IL", "zip": "62701", "countryCode": "US"}, true)
	if len(p.UserErrors) > 0 {
		t.Fatalf("address: %+v", p.UserErrors)
	}
	p = selectOption(t, api, c.ID, p.Cart.DeliveryGroups.Nodes[0].ID, "standard")
	charge := p.Cart.Cost.CheckoutChargeAmount.Amount
	billing := map[string]any{"lastName": "L", "address1": "1 Main St", "city": "Springfield", "country": "US"}
	pay := map[string]any{"amount": map[string]any{"amount": charge, "currencyCode": "USD"}}
	if charge == "0.00" {
		pay["freePaymentMethod"] = map[string]any{"billingAddress": billing}
	} else {
		pay["directPaymentMethod"] = map[string]any{"sessionId": session, "billingAddress": billing}
	}
	if r := api.mutate(t, "cartPaymentUpdate", "cartId: $id, payment: $payment", map[string]any{"id": c.ID, "payment": pay}); len(r.UserErrors) > 0 {
		t.Fatalf("payment of %s: %+v", charge, r.UserErrors)
	}
	return c.ID, charge
}

func ledger(t testing.TB, db *store.DB, cardID string) []string {
	t.Helper()
	var out []string
	for _, tr := range db.GiftCardTransaction.Query().Where(giftcardtransaction.HasGiftCardWith(giftcard.LastCharacters(cardID))).
		Order(giftcardtransaction.ByID()).AllX(context.Background()) {
		s := fmt.Sprintf("%s %d", tr.Kind, tr.Amount)
		if tr.OrderID != nil {
			s += " order"
		}
		out = append(out, s)
	}
	return out
}

// TestGiftCards: the Admin API issues, lists, changes and disables gift cards (the code
// is shown once and stored only as its SHA-256 hash and last four characters); carts
// apply them by code, refuse bad codes with INVALID on the code, and cost what is left
// after them; checkout authorizes only the remainder, or nothing when the cards pay it
// all, and debits the cards in the order's transaction, with a ledger entry each.
func TestGiftCards(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		deliveryFixture(t, db)
		provider := &authRecorder{}
		cfg := testConfig()
		cfg.PaymentProvider = provider
		api := startAPIOver(t, db, cfg)
		key := adminKey(t, db, "discounts:write")

		// Issued: the code is returned once, stored only hashed.
		twenty, code20, errs := issueGiftCard(t, api, key, map[string]any{"initialValue": "20.00", "note": "apology"})
		if twenty == nil || len(errs) > 0 || len(code20) != 16 || twenty.Balance != 2000 || twenty.InitialValue != 2000 ||
			twenty.CurrencyCode != "USD" || twenty.LastCharacters != code20[12:] {
			t.Fatalf("giftCardCreate: %+v %q %+v", twenty, code20, errs)
		}
		row := db.GiftCard.Query().Where(giftcard.LastCharacters(twenty.LastCharacters)).OnlyX(ctx)
		sum := sha256.Sum256([]byte(code20))
		if row.CodeHash != hex.EncodeToString(sum[:]) {
			t.Errorf("code hash %q, want the SHA-256 of the code", row.CodeHash)
		}
		var listed struct {
			GiftCards struct {
				Edges []struct {
					Node struct {
						ID           string
						Transactions struct {
							Edges []struct {
								Node struct {
									Kind   string
									Amount int64
								}
							}
						}
					}
				}
			}
		}
		api.adminPost(t, key, `{ giftCards(first: 10) { edges { node { id transactions(first: 5) { edges { node { kind amount } } } } } } }`, nil).decode(t, &listed)
		if e := listed.GiftCards.Edges; len(e) != 1 || e[0].Node.ID != twenty.ID || len(e[0].Node.Transactions.Edges) != 1 || e[0].Node.Transactions.Edges[0].Node.Amount != 2000 {
			t.Fatalf("giftCards: %+v", listed)
		}
		if r := api.adminPost(t, key, `{ giftCards(first: 1) { edges { node { id codeHash } } } }`, nil); len(r.Errors) == 0 {
			t.Error("the code hash can be read through the Admin API")
		}
		reader := adminKey(t, db, "catalog:write")
		if r := api.adminPost(t, reader, `mutation { giftCardCreate(input: {initialValue: "5.00"}) { giftCard { id } } }`, nil); r.errorCode() != "ACCESS_DENIED" {
			t.Errorf("giftCardCreate without discounts:write: %+v", r.Errors)
		}
		hundred, code100, _ := issueGiftCard(t, api, key, map[string]any{"initialValue": "100", "code": "gift-card-0100-demo"})
		if hundred == nil || code100 != "GIFTCARD0100DEMO" || hundred.LastCharacters != "DEMO" {
			t.Fatalf("own code: %+v %q", hundred, code100)
		}
		for _, c := range []struct {
			name, field, code string
			in                map[string]any
		}{
			{"zero", "input.initialValue", "GREATER_THAN", map[string]any{"initialValue": "0"}},
			{"not a number", "input.initialValue", "INVALID", map[string]any{"initialValue": "lots"}},
			{"short code", "input.code", "INVALID", map[string]any{"initialValue": "5", "code": "abc"}},
			{"taken code", "input.code", "TAKEN", map[string]any{"initialValue": "5", "code": "GIFTCARD0100DEMO"}},
			{"past expiry", "input.expiresAt", "INVALID", map[string]any{"initialValue": "5", "expiresAt": "2020-01-01T00:00:00Z"}},
		} {
			g, code, errs := issueGiftCard(t, api, key, c.in)
			if g != nil || code != "" || len(errs) != 1 || errs[0].Code != c.code || strings.Join(errs[0].Field, ".") != c.field {
				t.Errorf("%s: %+v %q %+v, want %s at %s", c.name, g, code, errs, c.code, c.field)
			}
		}
		// Cards a cart refuses.
		_, offCode, _ := issueGiftCard(t, api, key, map[string]any{"initialValue": "10"})
		off := db.GiftCard.Query().Where(giftcard.LastCharacters(offCode[12:])).OnlyX(ctx)
		var disabled struct {
			GiftCardDisable struct{ GiftCard *adminGiftCard }
		}
		api.adminPost(t, key, `mutation($id: ID!) { giftCardDisable(id: $id) { giftCard { `+adminGiftCardFields+` } userErrors { code } } }`,
			map[string]any{"id": fmt.Sprintf("gid://storefront/GiftCard/%d", off.ID)}).decode(t, &disabled)
		if g := disabled.GiftCardDisable.GiftCard; g == nil || g.DisabledAt == nil {
			t.Fatalf("giftCardDisable: %+v", g)
		}
		_, soonCode, _ := issueGiftCard(t, api, key, map[string]any{"initialValue": "10", "expiresAt": time.Now().Add(time.Hour).Format(time.RFC3339)})
		db.GiftCard.Update().Where(giftcard.LastCharacters(soonCode[12:])).SetExpiresAt(time.Now().Add(-time.Minute)).ExecX(ctx)
		_, eurCode, _ := issueGiftCard(t, api, key, map[string]any{"initialValue": "10", "currencyCode": "EUR"})
		var upd struct {
			GiftCardUpdate struct{ GiftCard *adminGiftCard }
		}
		api.adminPost(t, key, `mutation($id: ID!) { giftCardUpdate(id: $id, input: {note: null}) { giftCard { `+adminGiftCardFields+` } userErrors { code } } }`,
			map[string]any{"id": twenty.ID}).decode(t, &upd)
		if g := upd.GiftCardUpdate.GiftCard; g == nil || g.Note != nil {
			t.Errorf("giftCardUpdate: %+v", g)
		}

		teeS := variantID(t, db, "tee", "S / Black") // 15.00
		c := api.newCart(t, line(teeS, 2))
		for _, bad := range []struct{ name, code string }{{"unknown", "NOPE-NOPE-NOPE"}, {"disabled", offCode}, {"expired", soonCode}, {"other currency", eurCode}} {
			g := giftCodes(t, api, "cartGiftCardCodesAdd", c.ID, []string{code20, bad.code})
			if g.Cart != nil || len(g.UserErrors) != 1 || g.UserErrors[0].Code != "INVALID" || strings.Join(g.UserErrors[0].Field, ".") != "giftCardCodes.1" {
				t.Errorf("%s code: %+v", bad.name, g)
			}
		}
		if g := giftCodes(t, api, "cartGiftCardCodesAdd", c.ID, []string{"a", "b", "c", "d", "e", "f"}); len(g.UserErrors) != 1 || g.UserErrors[0].Code != "MAXIMUM_EXCEEDED" {
			t.Errorf("six codes: %+v", g.UserErrors)
		}
		// Applied in any case and with dashes; twice is once.
		dashed := strings.ToLower(code20[:4] + "-" + code20[4:8] + " " + code20[8:])
		g := giftCodes(t, api, "cartGiftCardCodesAdd", c.ID, []string{dashed, code20})
		if g.Cart == nil || len(g.Cart.AppliedGiftCards) != 1 {
			t.Fatalf("add: %+v", g)
		}
		a := g.Cart.AppliedGiftCards[0]
		if a.LastCharacters != twenty.LastCharacters || a.AmountUsed.Amount != "20.00" || a.PresentmentAmountUsed.Amount != "20.00" || a.Balance.Amount != "20.00" ||
			g.Cart.Cost.TotalAmount.Amount != "30.00" || g.Cart.Cost.CheckoutChargeAmount.Amount != "10.00" {
			t.Fatalf("applied: %+v, cost %+v", a, g.Cart.Cost)
		}
		if r := removeGiftCards(t, api, c.ID, []string{"gid://storefront/AppliedGiftCard/999999"}); len(r.UserErrors) != 1 || strings.Join(r.UserErrors[0].Field, ".") != "appliedGiftCardIds.0" {
			t.Errorf("remove unknown: %+v", r)
		}
		if r := removeGiftCards(t, api, c.ID, []string{a.ID}); r.Cart == nil || len(r.Cart.AppliedGiftCards) != 0 || r.Cart.Cost.CheckoutChargeAmount.Amount != "30.00" {
			t.Errorf("remove: %+v", r)
		}
		if u := giftCodes(t, api, "cartGiftCardCodesUpdate", c.ID, []string{code100, code20}); u.Cart == nil || len(u.Cart.AppliedGiftCards) != 2 ||
			u.Cart.AppliedGiftCards[0].AmountUsed.Amount != "30.00" || u.Cart.AppliedGiftCards[1].AmountUsed.Amount != "0.00" || u.Cart.Cost.CheckoutChargeAmount.Amount != "0.00" {
			t.Errorf("update: %+v", u)
		}
		if u := giftCodes(t, api, "cartGiftCardCodesUpdate", c.ID, []string{}); u.Cart == nil || len(u.Cart.AppliedGiftCards) != 0 {
			t.Errorf("update to none: %+v", u)
		}

		// Part paid by the card: the provider authorizes the rest; the total stays.
		id, charge := giftReadyCart(t, api, "test_success", []string{code20}, line(teeS, 2)) // 30.00 + 5.00 shipping
		if charge != "15.00" {
			t.Fatalf("charge %s, want 15.0", charge)
		}
		if r := api.mutate(t, "cartPaymentUpdate", "cartId: $id, payment: $payment", map[string]any{"id": id, "payment": map[string]any{
			"amount": map[string]any{"amount": "35.00", "currencyCode": "USD"}, "directPaymentMethod": map[string]any{"sessionId": "test_success",
				"billingAddress": map[string]any{"lastName": "L", "address1": "1 Main St", "city": "Springfield", "country": "US"}}}}); len(r.UserErrors) == 0 || r.UserErrors[0].Code != "INVALID_PAYMENT" {
			t.Errorf("paying the total despite the gift card: %+v", r.UserErrors)
		}
		s := submit(t, api, id, "gift-part")
		if s.R.Result == nil || s.R.Result.Typename != "SubmitSuccess" {
			t.Fatalf("submit: %+v", s.R)
		}
		if at := attempt(t, api, s.R.Result.AttemptID); at.A == nil || at.A.Typename != "CartCompletionSuccess" {
			t.Fatalf("attempt: %+v", at.A)
		}
		o := db.Order.Query().OnlyX(ctx)
		if got := provider.calls(); len(got) != 1 || got[0] != 1500 || o.Total != 3500 || o.FinancialStatus != "PAID" {
			t.Fatalf("authorized %v; order total %d status %s; want 1500 authorized of 3500, PAID", got, o.Total, o.FinancialStatus)
		}
		if g := db.GiftCard.GetX(ctx, row.ID); g.Balance != 0 {
			t.Errorf("balance after the order: %d, want 0", g.Balance)
		}
		if l := ledger(t, db, twenty.LastCharacters); strings.Join(l, ", ") != "CREDIT 2000, DEBIT -2000 order" {
			t.Errorf("ledger %v", l)
		}
		if tr := db.GiftCardTransaction.Query().Where(giftcardtransaction.KindEQ(giftcardtransaction.KindDEBIT)).OnlyX(ctx); tr.OrderID == nil || *tr.OrderID != o.ID {
			t.Errorf("debit for order %v, want %d", tr.OrderID, o.ID)
		}
		// A used-up card is refused.
		if g := giftCodes(t, api, "cartGiftCardCodesAdd", api.newCart(t, line(teeS, 1)).ID, []string{code20}); len(g.UserErrors) != 1 || g.UserErrors[0].Code != "INVALID" {
			t.Errorf("used-up card: %+v", g)
		}

		// Paid in full by the card: a free payment, no provider call.
		id, charge = giftReadyCart(t, api, "test_success", []string{code100}, line(teeS, 2))
		if charge != "0.00" {
			t.Fatalf("charge %s, want 0.0", charge)
		}
		s = submit(t, api, id, "gift-full")
		if at := attempt(t, api, s.R.Result.AttemptID); at.A == nil || at.A.Typename != "CartCompletionSuccess" {
			t.Fatalf("attempt: %+v", at.A)
		}
		if got := provider.calls(); len(got) != 1 {
			t.Errorf("authorizations %v: a cart paid by gift card called the provider", got)
		}
		if g := db.GiftCard.Query().Where(giftcard.LastCharacters("DEMO")).OnlyX(ctx); g.Balance != 6500 {
			t.Errorf("balance %d, want 6500", g.Balance)
		}
	})
}

// TestGiftCardSpentOnceUnderRace: eight carts, each paid in full (35.00) by the same
// 100.00 gift card, are submitted at once. Two orders are placed; the others fail (before
// paying or with PAYMENT_ERROR once the card no longer covers them); the balance ends at
// 30.00, never below zero, with two debits in the ledger.
func TestGiftCardSpentOnceUnderRace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		api := startAPI(t, b, raceFixture)
		key := adminKey(t, api.DB, "discounts:write")
		card, code, _ := issueGiftCard(t, api, key, map[string]any{"initialValue": "100.00"})
		bulk := variantID(t, api.DB, "bulk", "Default Title") // 1.00
		const n = 8
		carts := make([]string, n)
		for i := range carts {
			var charge string
			carts[i], charge = giftReadyCart(t, api, "test_success", []string{code}, line(bulk, 30))
			if charge != "0.00" {
				t.Fatalf("charge %s, want 0.0", charge)
			}
		}
		got := submitBurst(t, api, carts, "gift")
		g := api.DB.GiftCard.Query().Where(giftcard.LastCharacters(card.LastCharacters)).OnlyX(ctx)
		debits := api.DB.GiftCardTransaction.Query().Where(giftcardtransaction.KindEQ(giftcardtransaction.KindDEBIT)).CountX(ctx)
		t.Logf("%s: responses %v, orders %d, attempts %v, balance %d", b.Name, got.Responses, got.Orders, got.Attempts, g.Balance)
		if got.Orders != 2 || g.Balance != 3000 || debits != 2 || got.Processing != 0 || got.Attempts["SUCCESS"] != 2 {
			t.Fatalf("%d orders, balance %d, %d debits, attempts %v; want 2 orders, 3000 left, 2 debits", got.Orders, g.Balance, debits, got.Attempts)
		}
		if got.Responses["SubmitSuccess"]+got.Responses["SubmitFailed"] != n || got.Attempts["SUCCESS"]+got.Attempts["FAILED PAYMENT_ERROR"] != got.Responses["SubmitSuccess"] {
			t.Fatalf("responses %v, attempts %v", got.Responses, got.Attempts)
		}
	})
}

// TestDemoGiftCard: the demo's gift card (README) pays $50.00 of a demo cart.
func TestDemoGiftCard(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, func(t testing.TB, db *store.DB) {
			if err := demo.Load(context.Background(), db, "http://shop.test"); err != nil {
				t.Fatal(err)
			}
		})
		v := api.DB.ProductVariant.Query().Where(productvariant.PriceGT(5000)).FirstX(context.Background())
		c := api.newCart(t, line(gid.Format(gid.ProductVariant, v.ID), 1))
		g := giftCodes(t, api, "cartGiftCardCodesAdd", c.ID, []string{demo.DemoGiftCardCode})
		if g.Cart == nil || len(g.Cart.AppliedGiftCards) != 1 || g.Cart.AppliedGiftCards[0].AmountUsed.Amount != "50.00" || g.Cart.AppliedGiftCards[0].LastCharacters != "0050" {
			t.Fatalf("demo gift card: %+v", g)
		}
	})
}
