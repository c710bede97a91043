package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"storefront/ent"
	entorder "storefront/ent/order"
	"storefront/ent/orderevent"
	"storefront/ent/orderline"
	entpayment "storefront/ent/payment"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/gid"
	"storefront/internal/order"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// placed is an order placed through the Storefront API, with its lines' global IDs.
type placed struct {
	ID    int
	GID   string
	Lines []string
}

// placeTestOrder checks out qty units of Bulk Socks (1.00 each, 5.00 shipping) with the
// test provider and returns the order.
func placeTestOrder(t testing.TB, api *testAPI, db *store.DB, token string, qty int) placed {
	t.Helper()
	id := readyCart(t, api, "test_success", line(variantID(t, db, "bulk", "Default Title"), qty))
	s := submit(t, api, id, token)
	if a := attempt(t, api, s.R.Result.AttemptID); a.A == nil || a.A.Typename != "CartCompletionSuccess" {
		t.Fatalf("attempt %+v, want success", a.A)
	}
	ctx := context.Background()
	o := db.Order.Query().Order(ent.Desc(entorder.FieldID)).FirstX(ctx)
	p := placed{ID: o.ID, GID: gid.Format("Order", o.ID)}
	for _, l := range db.OrderLine.Query().Where(orderline.OrderID(o.ID)).Order(ent.Asc(orderline.FieldID)).AllX(ctx) {
		p.Lines = append(p.Lines, gid.Format("OrderLine", l.ID))
	}
	return p
}

func setCapturePolicy(t testing.TB, api *testAPI, db *store.DB, policy string) {
	t.Helper()
	var out struct {
		R struct {
			UserErrors []struct{ Code string } `json:"userErrors"`
		} `json:"r"`
	}
	api.adminPost(t, adminKey(t, db, "settings:write"), `mutation($p: ShopCapturePolicy!) { r: shopUpdate(input: {capturePolicy: $p}) { shop { capturePolicy } userErrors { code } } }`,
		map[string]any{"p": policy}).decode(t, &out)
	if len(out.R.UserErrors) > 0 {
		t.Fatalf("shopUpdate: %+v", out.R.UserErrors)
	}
}

type userErrorJSON struct {
	Code  string   `json:"code"`
	Field []string `json:"field"`
}

// orderOp runs an order mutation and returns its user error codes.
func orderOp(t testing.TB, api *testAPI, key, field, args string, vars map[string]any) []string {
	t.Helper()
	var out map[string]struct {
		UserErrors []userErrorJSON `json:"userErrors"`
	}
	api.adminPost(t, key, fmt.Sprintf(`mutation(%s) { r: %s { userErrors { code field } } }`, argDecls(vars), field+"("+args+")"), vars).decode(t, &out)
	var codes []string
	for _, e := range out["r"].UserErrors {
		codes = append(codes, e.Code)
	}
	return codes
}

// argDecls declares the variables orderOp's tests use.
func argDecls(vars map[string]any) string {
	types := map[string]string{"id": "ID!", "amount": "Decimal", "input": "", "reason": "OrderCancelReason!", "restock": "Boolean!", "refund": "Boolean!", "fid": "ID!", "tracking": "FulfillmentTrackingInput!"}
	var out []string
	for k := range vars {
		typ := types[k]
		if k == "input" {
			typ = vars["_inputType"].(string)
		}
		if k == "_inputType" {
			continue
		}
		out = append(out, "$"+k+": "+typ)
	}
	sort.Strings(out)
	s := ""
	for i, d := range out {
		if i > 0 {
			s += ", "
		}
		s += d
	}
	return s
}

func withInput(typ string, in map[string]any) map[string]any {
	return map[string]any{"input": in, "_inputType": typ}
}

func codesEqual(got []string, want ...string) bool {
	return fmt.Sprint(got) == fmt.Sprint(want)
}

func timelineKinds(t testing.TB, db *store.DB, orderID int) []string {
	t.Helper()
	return db.OrderEvent.Query().Where(orderevent.OrderID(orderID)).Order(ent.Asc(orderevent.FieldID)).Select(orderevent.FieldKind).StringsX(context.Background())
}

func stock(t testing.TB, db *store.DB) int {
	t.Helper()
	return db.ProductVariant.Query().Where(productvariant.HasProductWith(product.Handle("bulk"))).OnlyX(context.Background()).Available
}

// TestOrderLifecycle walks an order through the Admin API under the MANUAL capture policy:
// placed AUTHORIZED, partially captured, fulfilled in two parts, refunded with restock and
// an idempotency key, and every wrong step refused with its code and nothing changed.
func TestOrderLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		api := startAPIOver(t, db, testConfig())
		ctx := context.Background()
		setCapturePolicy(t, api, db, "MANUAL")
		before := stock(t, db)
		p := placeTestOrder(t, api, db, "life-1", 3) // 3.00 + 5.00 shipping = 8.00
		o := db.Order.GetX(ctx, p.ID)
		if o.FinancialStatus != entorder.FinancialStatusAUTHORIZED || o.TotalCaptured != 0 || !o.Test {
			t.Fatalf("placed order %s captured %d test %v, want AUTHORIZED, 0, test", o.FinancialStatus, o.TotalCaptured, o.Test)
		}
		key := adminKey(t, db, "orders:write", "orders:read")
		if r := api.adminPost(t, adminKey(t, db, "orders:read"), `mutation($id: ID!) { orderCapture(id: $id) { userErrors { code } } }`, map[string]any{"id": p.GID}); r.errorCode() != "ACCESS_DENIED" {
			t.Fatalf("read-only key: %s, want ACCESS_DENIED", r.Raw)
		}
		for _, tc := range []struct {
			amount string
			want   string
		}{{"8.01", "AMOUNT_EXCEEDS_CAPTURABLE"}, {"-1", "INVALID"}, {"abc", "INVALID"}} {
			if c := orderOp(t, api, key, "orderCapture", "id: $id, amount: $amount", map[string]any{"id": p.GID, "amount": tc.amount}); !codesEqual(c, tc.want) {
				t.Fatalf("capture %s: got %v want %s", tc.amount, c, tc.want)
			}
		}
		if c := orderOp(t, api, key, "orderCapture", "id: $id, amount: $amount", map[string]any{"id": p.GID, "amount": "3.00"}); c != nil {
			t.Fatalf("partial capture: %v", c)
		}
		if o = db.Order.GetX(ctx, p.ID); o.FinancialStatus != entorder.FinancialStatusPARTIALLY_PAID || o.TotalCaptured != 300 {
			t.Fatalf("after partial capture: %s %d, want PARTIALLY_PAID 300", o.FinancialStatus, o.TotalCaptured)
		}
		// Fulfil 1, then too many, then the rest (the omitted lines mean everything left).
		ff := "FulfillmentCreateInput!"
		if c := orderOp(t, api, key, "fulfillmentCreate", "input: $input", withInput(ff, map[string]any{"orderId": p.GID,
			"lines": []map[string]any{{"lineItemId": p.Lines[0], "quantity": 1}}, "tracking": map[string]any{"company": "UPS", "number": "1Z1", "url": "https://ups.example/1Z1"}})); c != nil {
			t.Fatalf("fulfil 1: %v", c)
		}
		// Under MANUAL, the first fulfilment captures what is left of the authorization.
		if o = db.Order.GetX(ctx, p.ID); o.FulfillmentStatus != entorder.FulfillmentStatusPARTIALLY_FULFILLED || o.FinancialStatus != entorder.FinancialStatusPAID || o.TotalCaptured != 800 {
			t.Fatalf("after fulfilling 1: %s %s %d, want PARTIALLY_FULFILLED PAID 800", o.FulfillmentStatus, o.FinancialStatus, o.TotalCaptured)
		}
		for _, tc := range []struct {
			lines []map[string]any
			want  string
		}{
			{[]map[string]any{{"lineItemId": p.Lines[0], "quantity": 3}}, "QUANTITY_EXCEEDS_ORDERED"},
			{[]map[string]any{{"lineItemId": p.Lines[0], "quantity": 0}}, "QUANTITY_NOT_POSITIVE"},
			{[]map[string]any{{"lineItemId": "gid://storefront/OrderLine/999999", "quantity": 1}}, "NOT_FOUND"},
		} {
			if c := orderOp(t, api, key, "fulfillmentCreate", "input: $input", withInput(ff, map[string]any{"orderId": p.GID, "lines": tc.lines})); !codesEqual(c, tc.want) {
				t.Fatalf("fulfil %v: got %v want %s", tc.lines, c, tc.want)
			}
		}
		if c := orderOp(t, api, key, "fulfillmentCreate", "input: $input", withInput(ff, map[string]any{"orderId": p.GID})); c != nil {
			t.Fatalf("fulfil the rest: %v", c)
		}
		if c := orderOp(t, api, key, "fulfillmentCreate", "input: $input", withInput(ff, map[string]any{"orderId": p.GID})); !codesEqual(c, "ALREADY_FULFILLED") {
			t.Fatalf("fulfil again: %v", c)
		}
		if o = db.Order.GetX(ctx, p.ID); o.FulfillmentStatus != entorder.FulfillmentStatusFULFILLED {
			t.Fatalf("fulfillment status %s, want FULFILLED", o.FulfillmentStatus)
		}
		if c := orderOp(t, api, key, "orderCancel", "id: $id, reason: $reason, restock: $restock, refund: $refund",
			map[string]any{"id": p.GID, "reason": "CUSTOMER", "restock": true, "refund": true}); !codesEqual(c, "ORDER_HAS_FULFILLMENTS") {
			t.Fatalf("cancel a fulfilled order: %v", c)
		}
		if c := orderOp(t, api, key, "orderCapture", "id: $id", map[string]any{"id": p.GID}); !codesEqual(c, "AMOUNT_EXCEEDS_CAPTURABLE") {
			t.Fatalf("capture with nothing left: %v", c)
		}
		rf := "RefundCreateInput!"
		if c := orderOp(t, api, key, "refundCreate", "input: $input", withInput(rf, map[string]any{"orderId": p.GID,
			"lines": []map[string]any{{"lineItemId": p.Lines[0], "quantity": 4}}})); !codesEqual(c, "QUANTITY_EXCEEDS_REFUNDABLE") {
			t.Fatalf("refund more than bought: %v", c)
		}
		if c := orderOp(t, api, key, "refundCreate", "input: $input", withInput(rf, map[string]any{"orderId": p.GID, "shipping": "5.01"})); !codesEqual(c, "AMOUNT_EXCEEDS_REFUNDABLE") {
			t.Fatalf("refund more shipping than paid: %v", c)
		}
		if c := orderOp(t, api, key, "refundCreate", "input: $input", withInput(rf, map[string]any{"orderId": p.GID})); !codesEqual(c, "NOTHING_TO_REFUND") {
			t.Fatalf("refund nothing: %v", c)
		}
		in := map[string]any{"orderId": p.GID, "lines": []map[string]any{{"lineItemId": p.Lines[0], "quantity": 1, "restock": true}}, "idempotencyKey": "r-1", "note": "damaged"}
		var first, again struct {
			R struct {
				Refund struct {
					ID     string `json:"id"`
					Amount int    `json:"amount"`
					Status string `json:"status"`
				} `json:"refund"`
				UserErrors []userErrorJSON `json:"userErrors"`
			} `json:"r"`
		}
		q := `mutation($input: RefundCreateInput!) { r: refundCreate(input: $input) { refund { id amount status } userErrors { code field } } }`
		api.adminPost(t, key, q, map[string]any{"input": in}).decode(t, &first)
		api.adminPost(t, key, q, map[string]any{"input": in}).decode(t, &again)
		if first.R.Refund.Amount != 100 || first.R.Refund.Status != "SUCCESS" || again.R.Refund.ID != first.R.Refund.ID {
			t.Fatalf("refund %+v, again %+v: want 1.00 SUCCESS, the same refund", first.R, again.R)
		}
		if o = db.Order.GetX(ctx, p.ID); o.FinancialStatus != entorder.FinancialStatusPARTIALLY_REFUNDED || o.TotalRefunded != 100 {
			t.Fatalf("after refund: %s %d, want PARTIALLY_REFUNDED 100", o.FinancialStatus, o.TotalRefunded)
		}
		if got := stock(t, db); got != before-3+1 {
			t.Fatalf("stock %d, want %d (3 sold, 1 restocked)", got, before-2)
		}
		// The rest of the lines and the shipping: everything captured is refunded.
		if c := orderOp(t, api, key, "refundCreate", "input: $input", withInput(rf, map[string]any{"orderId": p.GID,
			"lines": []map[string]any{{"lineItemId": p.Lines[0], "quantity": 2}}, "shipping": "5.00"})); c != nil {
			t.Fatalf("refund the rest: %v", c)
		}
		if o = db.Order.GetX(ctx, p.ID); o.FinancialStatus != entorder.FinancialStatusREFUNDED || o.TotalRefunded != 800 {
			t.Fatalf("after refunding everything: %s %d, want REFUNDED 800", o.FinancialStatus, o.TotalRefunded)
		}
		if c := orderOp(t, api, key, "refundCreate", "input: $input", withInput(rf, map[string]any{"orderId": p.GID,
			"lines": []map[string]any{{"lineItemId": p.Lines[0], "quantity": 1}}})); !codesEqual(c, "QUANTITY_EXCEEDS_REFUNDABLE") {
			t.Fatalf("refund again: %v", c)
		}
		// Payment records: one authorization, two captures, two refunds, all SUCCESS with keys.
		ps := db.Payment.Query().Where(entpayment.OrderID(p.ID)).Order(ent.Asc(entpayment.FieldID)).AllX(ctx)
		var kinds []string
		for _, pay := range ps {
			if pay.Status != entpayment.StatusSUCCESS || pay.Provider != "test" || pay.Reference == nil || pay.IdempotencyKey == "" {
				t.Fatalf("payment %+v, want SUCCESS by test with a reference and key", pay)
			}
			kinds = append(kinds, string(pay.Kind))
		}
		if fmt.Sprint(kinds) != "[AUTHORIZATION CAPTURE CAPTURE REFUND REFUND]" {
			t.Fatalf("payments %v", kinds)
		}
		// The timeline, readable in the Admin API.
		api.app.orders.Wait()
		var tl struct {
			Node struct {
				Timeline struct {
					Edges []struct {
						Node struct{ Kind, Message, Actor string }
					}
				}
			} `json:"node"`
		}
		api.adminPost(t, key, `query($id: ID!) { node(id: $id) { ... on Order { timeline(first: 50) { edges { node { kind message actor } } } } } }`, map[string]any{"id": p.GID}).decode(t, &tl)
		var got []string
		emails := 0
		for _, e := range tl.Node.Timeline.Edges {
			if e.Node.Kind == "EMAIL_SENT" { // sent after their commits, in any order
				emails++
				continue
			}
			got = append(got, e.Node.Kind)
		}
		if emails != 3 {
			t.Fatalf("%d emails on the timeline, want 3 (confirmation and two refunds)", emails)
		}
		want := "[PLACED AUTHORIZED CAPTURED FULFILLED CAPTURED FULFILLED REFUNDED REFUNDED]"
		if fmt.Sprint(got) != want {
			t.Fatalf("timeline %v, want %s", got, want)
		}
		// Outbox events of the order topics.
		topics := db.Event.Query().Order(ent.Asc("id")).Select("topic").StringsX(ctx)
		for _, want := range []string{"orders/create", "orders/paid", "fulfillments/create", "orders/partially_fulfilled", "orders/fulfilled", "refunds/create"} {
			found := false
			for _, tp := range topics {
				found = found || tp == want
			}
			if !found {
				t.Fatalf("no %s event in %v", want, topics)
			}
		}
	})
}

// TestOrderCancel: cancelling an authorized order voids it and restocks; cancelling again,
// capturing the voided authorization and bad IDs are user errors that change nothing.
func TestOrderCancel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		api := startAPIOver(t, db, testConfig())
		ctx := context.Background()
		setCapturePolicy(t, api, db, "MANUAL")
		before := stock(t, db)
		p := placeTestOrder(t, api, db, "cancel-1", 2)
		key := adminKey(t, db, "orders:write", "orders:read")
		args := "id: $id, reason: $reason, restock: $restock, refund: $refund"
		if c := orderOp(t, api, key, "orderCancel", args, map[string]any{"id": "gid://storefront/Order/999999", "reason": "STAFF", "restock": true, "refund": true}); !codesEqual(c, "NOT_FOUND") {
			t.Fatalf("cancel unknown: %v", c)
		}
		if c := orderOp(t, api, key, "orderCancel", args, map[string]any{"id": p.GID, "reason": "CUSTOMER", "restock": true, "refund": true}); c != nil {
			t.Fatalf("cancel: %v", c)
		}
		o := db.Order.GetX(ctx, p.ID)
		if o.CanceledAt == nil || o.CancelReason == nil || *o.CancelReason != entorder.CancelReasonCUSTOMER || o.FinancialStatus != entorder.FinancialStatusVOIDED {
			t.Fatalf("cancelled order: %v %v %s, want cancelled by CUSTOMER and VOIDED", o.CanceledAt, o.CancelReason, o.FinancialStatus)
		}
		if got := stock(t, db); got != before {
			t.Fatalf("stock %d, want %d restocked", got, before)
		}
		events := db.Event.Query().CountX(ctx)
		if c := orderOp(t, api, key, "orderCancel", args, map[string]any{"id": p.GID, "reason": "CUSTOMER", "restock": true, "refund": true}); !codesEqual(c, "ORDER_ALREADY_CANCELLED") {
			t.Fatalf("cancel twice: %v", c)
		}
		if c := orderOp(t, api, key, "orderCapture", "id: $id", map[string]any{"id": p.GID}); !codesEqual(c, "AUTHORIZATION_VOIDED") {
			t.Fatalf("capture a voided authorization: %v", c)
		}
		if got := stock(t, db); got != before || db.Event.Query().CountX(ctx) != events {
			t.Fatalf("a refused change changed stock (%d) or wrote events", got)
		}
		// A cancelled order whose money was captured is refunded.
		setCapturePolicy(t, api, db, "AUTOMATIC")
		p2 := placeTestOrder(t, api, db, "cancel-2", 1)
		if o := db.Order.GetX(ctx, p2.ID); o.FinancialStatus != entorder.FinancialStatusPAID {
			t.Fatalf("automatic capture: %s, want PAID", o.FinancialStatus)
		}
		if c := orderOp(t, api, key, "orderCancel", args, map[string]any{"id": p2.GID, "reason": "FRAUD", "restock": false, "refund": true}); c != nil {
			t.Fatalf("cancel a paid order: %v", c)
		}
		if o := db.Order.GetX(ctx, p2.ID); o.FinancialStatus != entorder.FinancialStatusREFUNDED || o.TotalRefunded != o.Total {
			t.Fatalf("cancelled paid order: %s refunded %d of %d, want REFUNDED in full", o.FinancialStatus, o.TotalRefunded, o.Total)
		}
	})
}

// TestConcurrentRefunds: refunds of the same units sent at once never refund more than was
// captured; exactly one of them succeeds.
func TestConcurrentRefunds(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		api := startAPIOver(t, db, testConfig())
		ctx := context.Background()
		p := placeTestOrder(t, api, db, "race-refund", 2)
		key := adminKey(t, db, "orders:write", "orders:read")
		const n = 6
		var wg sync.WaitGroup
		codes := make([][]string, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes[i] = orderOp(t, api, key, "refundCreate", "input: $input", withInput("RefundCreateInput!", map[string]any{"orderId": p.GID,
					"lines": []map[string]any{{"lineItemId": p.Lines[0], "quantity": 2, "restock": true}}, "shipping": "5.00"}))
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, c := range codes {
			switch {
			case c == nil:
				ok++
			case !codesEqual(c, "QUANTITY_EXCEEDS_REFUNDABLE", "AMOUNT_EXCEEDS_REFUNDABLE") && !codesEqual(c, "QUANTITY_EXCEEDS_REFUNDABLE"):
				t.Fatalf("refund refused with %v", c)
			}
		}
		o := db.Order.GetX(ctx, p.ID)
		refunded := db.Payment.Query().Where(entpayment.OrderID(p.ID), entpayment.KindEQ(entpayment.KindREFUND), entpayment.StatusEQ(entpayment.StatusSUCCESS)).
			Aggregate(ent.Sum(entpayment.FieldAmount)).IntX(ctx)
		if ok != 1 || o.TotalRefunded != o.TotalCaptured || int64(refunded) != o.TotalCaptured {
			t.Fatalf("%d refunds succeeded, refunded %d (payments %d) of %d captured; want 1 refunding exactly what was captured", ok, o.TotalRefunded, refunded, o.TotalCaptured)
		}
	})
}

// TestCancelRacesFulfillment: a cancellation and a fulfilment of the same order sent at
// once end in one consistent state: either the order is cancelled (voided, restocked, no
// fulfilled units) or fulfilled and not cancelled.
func TestCancelRacesFulfillment(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		api := startAPIOver(t, db, testConfig())
		ctx := context.Background()
		setCapturePolicy(t, api, db, "MANUAL")
		key := adminKey(t, db, "orders:write", "orders:read")
		for round := range 4 {
			before := stock(t, db)
			p := placeTestOrder(t, api, db, fmt.Sprintf("race-cancel-%d", round), 2)
			var cancel, fulfil []string
			var wg sync.WaitGroup
			start := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				cancel = orderOp(t, api, key, "orderCancel", "id: $id, reason: $reason, restock: $restock, refund: $refund",
					map[string]any{"id": p.GID, "reason": "STAFF", "restock": true, "refund": true})
			}()
			go func() {
				defer wg.Done()
				<-start
				fulfil = orderOp(t, api, key, "fulfillmentCreate", "input: $input", withInput("FulfillmentCreateInput!", map[string]any{"orderId": p.GID}))
			}()
			close(start)
			wg.Wait()
			o := db.Order.GetX(ctx, p.ID)
			fulfilled := db.OrderLine.Query().Where(orderline.OrderID(p.ID)).Aggregate(ent.Sum(orderline.FieldFulfilledQuantity)).IntX(ctx)
			switch {
			case cancel == nil && codesEqual(fulfil, "ORDER_CANCELLED"):
				if o.CanceledAt == nil || fulfilled != 0 || o.FinancialStatus != entorder.FinancialStatusVOIDED || stock(t, db) != before {
					t.Fatalf("cancel won but order %+v, fulfilled %d, stock %d (want %d)", o, fulfilled, stock(t, db), before)
				}
			case fulfil == nil && codesEqual(cancel, "ORDER_HAS_FULFILLMENTS"):
				if o.CanceledAt != nil || fulfilled != 2 || o.FulfillmentStatus != entorder.FulfillmentStatusFULFILLED || o.FinancialStatus != entorder.FinancialStatusPAID {
					t.Fatalf("fulfilment won but order %+v, fulfilled %d", o, fulfilled)
				}
			default:
				t.Fatalf("cancel %v, fulfil %v: want exactly one to win", cancel, fulfil)
			}
		}
	})
}

// TestPendingPaymentsAreReconciled: a capture recorded PENDING whose answer was never
// written (the server stopped after calling the provider) is issued again with its
// idempotency key and settled; the order ends PAID once, not twice.
func TestPendingPaymentsAreReconciled(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		api := startAPIOver(t, db, testConfig())
		ctx := context.Background()
		setCapturePolicy(t, api, db, "MANUAL")
		p := placeTestOrder(t, api, db, "reconcile-1", 1)
		o := db.Order.GetX(ctx, p.ID)
		auth := db.Payment.Query().Where(entpayment.OrderID(p.ID), entpayment.KindEQ(entpayment.KindAUTHORIZATION)).OnlyX(ctx)
		pending, err := order.RecordPending(ctx, db.Client, order.Pending{Kind: entpayment.KindCAPTURE, OrderID: &p.ID, Authorization: *auth.Authorization,
			Amount: o.Total, Currency: o.CurrencyCode, Key: "crashed-capture", Provider: "test", Test: true})
		if err != nil {
			t.Fatal(err)
		}
		orders := api.app.orders
		if n, err := orders.Reconcile(ctx, time.Hour); err != nil || n != 0 {
			t.Fatalf("reconciled %d young payments (%v), want none", n, err)
		}
		// While the capture is pending, nothing more can be captured.
		key := adminKey(t, db, "orders:write")
		if c := orderOp(t, api, key, "orderCapture", "id: $id", map[string]any{"id": p.GID}); !codesEqual(c, "AMOUNT_EXCEEDS_CAPTURABLE") {
			t.Fatalf("capture beside a pending one: %v", c)
		}
		if n, err := orders.Reconcile(ctx, 0); err != nil || n != 1 {
			t.Fatalf("reconciled %d (%v), want 1", n, err)
		}
		pay := db.Payment.GetX(ctx, pending.ID)
		o = db.Order.GetX(ctx, p.ID)
		if pay.Status != entpayment.StatusSUCCESS || pay.Reference == nil || o.FinancialStatus != entorder.FinancialStatusPAID || o.TotalCaptured != o.Total {
			t.Fatalf("payment %s, order %s captured %d of %d; want SUCCESS and PAID once", pay.Status, o.FinancialStatus, o.TotalCaptured, o.Total)
		}
		if n, _ := orders.Reconcile(ctx, 0); n != 0 {
			t.Fatalf("reconciled a settled payment again")
		}
	})
}

// TestOrderUpdate changes note, tags and email; bad input is refused.
func TestOrderUpdate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		api := startAPIOver(t, db, testConfig())
		ctx := context.Background()
		p := placeTestOrder(t, api, db, "update-1", 1)
		key := adminKey(t, db, "orders:write", "orders:read")
		ut := "OrderUpdateInput!"
		if c := orderOp(t, api, key, "orderUpdate", "input: $input", withInput(ut, map[string]any{"id": p.GID, "email": "not-an-email"})); !codesEqual(c, "INVALID") {
			t.Fatalf("bad email: %v", c)
		}
		if c := orderOp(t, api, key, "orderUpdate", "input: $input", withInput(ut, map[string]any{"id": p.GID, "note": "gift wrap", "tags": []string{"vip", "vip", "rush"}, "email": "new@example.com"})); c != nil {
			t.Fatalf("update: %v", c)
		}
		o := db.Order.GetX(ctx, p.ID)
		if o.Note == nil || *o.Note != "gift wrap" || fmt.Sprint(o.Tags) != "[rush vip]" || *o.Email != "new@example.com" {
			t.Fatalf("order %v %v %v", o.Note, o.Tags, o.Email)
		}
		if k := timelineKinds(t, db, p.ID); k[len(k)-1] != "UPDATED" {
			t.Fatalf("timeline %v", k)
		}
	})
}
