package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/storetest"
)

// webhookEnv lets server processes reach the test's loopback receivers and retry fast.
var webhookEnv = []string{"STOREFRONT_WEBHOOK_ALLOW_NETWORKS=127.0.0.0/8", "STOREFRONT_WEBHOOK_RETRY_BASE=100ms", "STOREFRONT_WEBHOOK_RETRY_MAX=1s"}

// TestWebhooksThreeProcessesBurst: three server processes over one PostgreSQL share the
// deliveries of a burst of 200 orders. Every orders/create arrives; none is answered 2xx
// twice, and an event is sent again only after a failed attempt (the receiver fails every
// seventh request).
func TestWebhooksThreeProcessesBurst(t *testing.T) {
	pg, ok := storetest.Postgres(t)
	if !ok {
		t.Skip("needs PostgreSQL: set " + storetest.EnvPostgres)
	}
	db := pg.Open(t)
	deliveryFixture(t, db)
	ctx := context.Background()
	bulk := db.ProductVariant.Query().Where(productvariant.HasProductWith(product.Handle("bulk"))).OnlyX(ctx)
	db.ProductVariant.UpdateOne(bulk).SetAvailable(1000).ExecX(ctx)
	// Checkouts of one variant queue on its row; on a loaded test machine they need longer
	// than the default request timeout.
	env := append(webhookEnv, "STOREFRONT_TIMEOUT=60s")
	procs := []*serverProcess{startProcess(t, pg.URL, env...), startProcess(t, pg.URL, env...), startProcess(t, pg.URL, env...)}

	rcv := newHookReceiver(t)
	var n int
	var mu sync.Mutex
	rcv.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) int {
		mu.Lock()
		n++
		fail := n%7 == 0
		mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusInternalServerError)
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}
	key := adminKey(t, db, "webhooks:write")
	_, secret := procs[0].api(db).mustSubscribe(t, key, "ORDERS_CREATE", rcv.URL("/orders"))

	id := variantID(t, db, "bulk", "Default Title")
	carts := make([]string, 200)
	for i := range carts {
		carts[i] = readyCart(t, procs[i%3].api(db), "test_success", line(id, 1))
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 24) // 24 buyers at a time
	for i, c := range carts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r := procs[(i+1)%3].api(db).post(t, `mutation($id: ID!, $t: String!) { cartSubmitForCompletion(cartId: $id, attemptToken: $t) { result { __typename } } }`,
				map[string]any{"id": c, "t": fmt.Sprintf("hook-%d", i)})
			if r.Status != 200 || len(r.Errors) > 0 {
				t.Errorf("checkout: %s", r.Raw)
			}
		}()
	}
	wg.Wait()
	if orders := db.Order.Query().CountX(ctx); orders != 200 {
		t.Fatalf("%d orders, want 200", orders)
	}
	waitUntil(t, 60*time.Second, "200 orders/create delivered", func() bool { return len(rcv.delivered()) >= 200 })
	time.Sleep(time.Second) // anything sent twice would arrive by now
	ok2xx := map[string]int{}
	events := map[string]string{}
	orders := map[string]bool{}
	for _, q := range rcv.requests() {
		wid := q.Header.Get("webhook-id")
		if ok2xx[wid] > 0 {
			t.Errorf("webhook %s sent again after it was answered 2xx", wid)
		}
		if q.Status == http.StatusOK {
			ok2xx[wid]++
			verifyHookSignatures(t, secret, q)
		}
		if e, seen := events[wid]; seen && e != q.Header.Get("X-Shopify-Event-Id") {
			t.Errorf("webhook %s carried events %s and %s", wid, e, q.Header.Get("X-Shopify-Event-Id"))
		}
		events[wid] = q.Header.Get("X-Shopify-Event-Id")
		orders[q.subject(t)] = true
	}
	if len(ok2xx) != 200 || len(orders) != 200 {
		t.Errorf("%d webhooks answered 2xx for %d orders; want 200 and 200", len(ok2xx), len(orders))
	}
	total := len(rcv.requests())
	t.Logf("%d requests for 200 events (%d answered 500 and retried)", total, total-200)
}

// TestWebhookDispatcherKilledMidDelivery: a dispatcher SIGKILLed while its request is in
// flight leaves the event to another instance, which sends it again (same IDs, same
// bytes) once the dead one's lease has run out.
func TestWebhookDispatcherKilledMidDelivery(t *testing.T) {
	pg, ok := storetest.Postgres(t)
	if !ok {
		t.Skip("needs PostgreSQL: set " + storetest.EnvPostgres)
	}
	db := pg.Open(t)
	env := append(webhookEnv, "STOREFRONT_WEBHOOK_LEASE=15s")
	a := startProcess(t, pg.URL, env...)

	rcv := newHookReceiver(t)
	first := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	rcv.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) int {
		isFirst := false
		once.Do(func() { isFirst = true })
		if isFirst {
			close(first)
			select { // hold the request until its sender is dead
			case <-release:
			case <-r.Context().Done():
			}
			return 0 // no answer reached the sender
		}
		_, _ = io.WriteString(w, "ok")
		return http.StatusOK
	}
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	key := adminKey(t, db, "webhooks:write", "catalog:write")
	_, secret := a.api(db).mustSubscribe(t, key, "PRODUCTS_CREATE", rcv.URL("/p"))
	a.api(db).createProduct(t, key, "Mid-flight")
	select {
	case <-first:
	case <-time.After(20 * time.Second):
		t.Fatal("no delivery started")
	}
	a.kill()
	close(release)
	killed := time.Now()
	startProcess(t, pg.URL, env...)
	waitUntil(t, 40*time.Second, "the delivery by the other instance", func() bool { return len(rcv.delivered()) == 1 })
	t.Logf("delivered again %s after the kill", time.Since(killed).Round(100*time.Millisecond))
	reqs := rcv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (the interrupted one and the retry)", len(reqs))
	}
	for _, h := range []string{"webhook-id", "X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Triggered-At"} {
		if reqs[0].Header.Get(h) != reqs[1].Header.Get(h) {
			t.Errorf("%s: %q then %q", h, reqs[0].Header.Get(h), reqs[1].Header.Get(h))
		}
	}
	if string(reqs[0].Body) != string(reqs[1].Body) {
		t.Errorf("bodies differ")
	}
	verifyHookSignatures(t, secret, reqs[1])
	if !strings.Contains(string(reqs[1].Body), "Mid-flight") {
		t.Errorf("body %s", reqs[1].Body)
	}
}
