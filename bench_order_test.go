package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	entorder "storefront/ent/order"
	entpayment "storefront/ent/payment"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/gid"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// benchOrder writes an order of 2 units of Bulk Socks (2.00 + 5.00 shipping) straight into
// the database with a successful test authorization and, when captured, its capture: what
// checkout leaves behind.
func benchOrder(b *testing.B, db *store.DB, n int, captured bool) (orderGID, lineGID string) {
	b.Helper()
	ctx := context.Background()
	v := db.ProductVariant.Query().Where(productvariant.HasProductWith(product.Handle("bulk"))).OnlyX(ctx)
	status, capturedAmount := entorder.FinancialStatusAUTHORIZED, int64(0)
	if captured {
		status, capturedAmount = entorder.FinancialStatusPAID, 700
	}
	o := db.Order.Create().SetNumber(100000 + n).SetName(fmt.Sprintf("#%d", 100000+n)).SetEmail("bench@example.com").SetCurrencyCode("USD").
		SetSubtotal(200).SetTotalShipping(500).SetTotal(700).SetTotalCaptured(capturedAmount).SetFinancialStatus(status).
		SetProcessedAt(time.Now().UTC()).SetStatusToken(fmt.Sprintf("bench-%d-%d", n, time.Now().UnixNano())).SetTest(true).SaveX(ctx)
	l := db.OrderLine.Create().SetOrderID(o.ID).SetVariantID(v.ID).SetTitle("Bulk Socks").SetQuantity(2).SetCurrentQuantity(2).
		SetUnitPrice(100).SetOriginalTotal(200).SetDiscountedTotal(200).SaveX(ctx)
	auth := fmt.Sprintf("test_auth_bench%d", n)
	db.Payment.Create().SetOrderID(o.ID).SetKind(entpayment.KindAUTHORIZATION).SetStatus(entpayment.StatusSUCCESS).SetProvider("test").
		SetAuthorization(auth).SetReference(auth).SetAmount(700).SetCurrencyCode("USD").SetIdempotencyKey(auth).SetTest(true).ExecX(ctx)
	if captured {
		db.Payment.Create().SetOrderID(o.ID).SetKind(entpayment.KindCAPTURE).SetStatus(entpayment.StatusSUCCESS).SetProvider("test").
			SetAuthorization(auth).SetReference("c-" + auth).SetAmount(700).SetCurrencyCode("USD").SetIdempotencyKey("c-" + auth).SetTest(true).ExecX(ctx)
	}
	return gid.Format("Order", o.ID), gid.Format("OrderLine", l.ID)
}

// benchAdmin sends one Admin API operation through the handler and fails on any error.
func benchAdmin(b *testing.B, api *testAPI, key, query string, vars map[string]any) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/admin/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	w := httptest.NewRecorder()
	api.Handler.ServeHTTP(w, req)
	if w.Code != http.StatusOK || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) || bytes.Contains(w.Body.Bytes(), []byte(`"code"`)) {
		b.Fatalf("status %d: %s", w.Code, w.Body.Bytes())
	}
}

// BenchmarkOrderFulfilCapture: fulfillmentCreate of a whole authorized order under the
// MANUAL capture policy, which captures it (two transactions and the provider call), per
// database.
func BenchmarkOrderFulfilCapture(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		// One database per backend: b.Run calls f again with a larger b.N.
		db := be.Open(b)
		deliveryFixture(b, db)
		api := startAPIOver(b, db, testConfig())
		setCapturePolicy(b, api, db, "MANUAL")
		key := adminKey(b, db, "orders:write")
		next := 0
		b.Run(be.Name, func(b *testing.B) {
			paid := db.Order.Query().Where(entorder.FinancialStatusEQ(entorder.FinancialStatusPAID)).CountX(context.Background())
			orders := make([]string, b.N)
			for i := range orders {
				orders[i], _ = benchOrder(b, db, next, false)
				next++
			}
			q := `mutation($id: ID!) { fulfillmentCreate(input: {orderId: $id}) { fulfillment { id } userErrors { code } } }`
			b.ResetTimer()
			for i := range b.N {
				benchAdmin(b, api, key, q, map[string]any{"id": orders[i]})
			}
			b.StopTimer()
			if n := db.Order.Query().Where(entorder.FinancialStatusEQ(entorder.FinancialStatusPAID)).CountX(context.Background()) - paid; n != b.N {
				b.Fatalf("%d orders paid, want %d", n, b.N)
			}
		})
	}
}

// BenchmarkOrderRefund: refundCreate of one unit with restock on a paid order (the refund
// recorded, the provider call, the lines, stock ledger, timeline and outbox), per database.
func BenchmarkOrderRefund(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		db := be.Open(b)
		deliveryFixture(b, db)
		api := startAPIOver(b, db, testConfig())
		key := adminKey(b, db, "orders:write")
		next := 0
		b.Run(be.Name, func(b *testing.B) {
			refunds := db.Payment.Query().Where(entpayment.KindEQ(entpayment.KindREFUND), entpayment.StatusEQ(entpayment.StatusSUCCESS)).CountX(context.Background())
			type ol struct{ order, line string }
			orders := make([]ol, b.N)
			for i := range orders {
				orders[i].order, orders[i].line = benchOrder(b, db, next, true)
				next++
			}
			q := `mutation($input: RefundCreateInput!) { refundCreate(input: $input) { refund { id } userErrors { code } } }`
			b.ResetTimer()
			for i := range b.N {
				benchAdmin(b, api, key, q, map[string]any{"input": map[string]any{"orderId": orders[i].order,
					"lines": []map[string]any{{"lineItemId": orders[i].line, "quantity": 1, "restock": true}}}})
			}
			b.StopTimer()
			if n := db.Payment.Query().Where(entpayment.KindEQ(entpayment.KindREFUND), entpayment.StatusEQ(entpayment.StatusSUCCESS)).CountX(context.Background()) - refunds; n != b.N {
				b.Fatalf("%d refunds, want %d", n, b.N)
			}
		})
	}
}
