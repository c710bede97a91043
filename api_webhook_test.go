package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"storefront/internal/outbox"
	"storefront/internal/storetest"
)

// hookRequest is one webhook request as a receiver saw it: the raw bytes and headers.
type hookRequest struct {
	Header http.Header
	Body   []byte
	Query  string
	Status int
}

func (h hookRequest) eventID(t testing.TB) int64 {
	n, err := strconv.ParseInt(h.Header.Get("X-Shopify-Event-Id"), 10, 64)
	if err != nil {
		t.Fatalf("X-Shopify-Event-Id %q: %v", h.Header.Get("X-Shopify-Event-Id"), err)
	}
	return n
}

func (h hookRequest) subject(t testing.TB) string {
	var p struct {
		ID string `json:"admin_graphql_api_id"`
	}
	if err := json.Unmarshal(h.Body, &p); err != nil {
		t.Fatalf("body %q: %v", h.Body, err)
	}
	return p.ID
}

// hookReceiver is a webhook endpoint on a fixed loopback address that can be stopped
// (connections cut mid-request) and started again, answer with a chosen status, or
// answer slowly.
type hookReceiver struct {
	t       testing.TB
	addr    string
	status  atomic.Int32 // HTTP status to answer with
	delay   atomic.Int64 // nanoseconds to wait before answering
	handler func(w http.ResponseWriter, r *http.Request, body []byte) int

	mu   sync.Mutex
	reqs []hookRequest
	srv  *http.Server
}

func newHookReceiver(t testing.TB) *hookReceiver {
	t.Helper()
	r := &hookReceiver{t: t}
	r.status.Store(http.StatusOK)
	r.start("127.0.0.1:0")
	t.Cleanup(r.stop)
	return r
}

func (r *hookReceiver) URL(path string) string { return "http://" + r.addr + path }

func (r *hookReceiver) start(addr string) {
	r.t.Helper()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if d := r.delay.Load(); d > 0 {
			time.Sleep(time.Duration(d))
		}
		status := int(r.status.Load())
		if r.handler != nil {
			status = r.handler(w, req, body)
		} else {
			if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1")
			}
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "received "+req.Header.Get("X-Shopify-Topic"))
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, hookRequest{Header: req.Header.Clone(), Body: body, Query: req.URL.RawQuery, Status: status})
		r.mu.Unlock()
	})}
	r.mu.Lock()
	r.srv = srv
	r.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// stop closes the listener and every connection at once, requests in flight included.
func (r *hookReceiver) stop() {
	r.mu.Lock()
	srv := r.srv
	r.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

func (r *hookReceiver) restart() { r.start(r.addr) }

func (r *hookReceiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

// delivered are the requests answered with 2xx.
func (r *hookReceiver) delivered() []hookRequest {
	var out []hookRequest
	for _, q := range r.requests() {
		if q.Status >= 200 && q.Status < 300 {
			out = append(out, q)
		}
	}
	return out
}

// verifyHookSignatures checks both signatures of a request from its raw bytes, written
// from the two specs and not from the sender's code: Shopify's base64 HMAC-SHA256 of the
// body keyed with the secret string, and Standard Webhooks' HMAC-SHA256 of
// "id.timestamp.body" keyed with the base64-decoded secret after "whsec_".
func verifyHookSignatures(t testing.TB, secret string, q hookRequest) {
	t.Helper()
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(q.Body)
	got, err := base64.StdEncoding.DecodeString(q.Header.Get("X-Shopify-Hmac-Sha256"))
	if err != nil || !hmac.Equal(got, mac.Sum(nil)) {
		t.Fatalf("X-Shopify-Hmac-Sha256 %q does not match the body %q", q.Header.Get("X-Shopify-Hmac-Sha256"), q.Body)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatalf("secret %q is not whsec_<base64>", secret)
	}
	id, ts := q.Header.Get("webhook-id"), q.Header.Get("webhook-timestamp")
	if id == "" || ts == "" {
		t.Fatalf("webhook-id %q, webhook-timestamp %q", id, ts)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		t.Fatalf("webhook-timestamp %q is not within 5 minutes of now", ts)
	}
	mac = hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(q.Body)
	want := mac.Sum(nil)
	ok := false
	for _, sig := range strings.Fields(q.Header.Get("webhook-signature")) {
		v, b64, found := strings.Cut(sig, ",")
		raw, err := base64.StdEncoding.DecodeString(b64)
		if found && v == "v1" && err == nil && hmac.Equal(raw, want) {
			ok = true
		}
	}
	if !ok {
		t.Fatalf("webhook-signature %q does not match", q.Header.Get("webhook-signature"))
	}
}

func waitUntil(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// webhookConfig lets the test's loopback receivers through the SSRF guard and retries fast.
func webhookConfig() config {
	cfg := testConfig()
	cfg.WebhookAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	cfg.WebhookRetryBase = 50 * time.Millisecond
	cfg.WebhookRetryMax = 400 * time.Millisecond
	return cfg
}

type subscribeResult struct {
	WebhookSubscriptionCreate struct {
		WebhookSubscription *struct {
			ID     string `json:"id"`
			Topic  string `json:"topic"`
			URL    string `json:"url"`
			Status string `json:"status"`
		} `json:"webhookSubscription"`
		Secret     *string `json:"secret"`
		UserErrors []struct {
			Field []string `json:"field"`
			Code  string   `json:"code"`
		} `json:"userErrors"`
	} `json:"webhookSubscriptionCreate"`
}

func (a *testAPI) subscribe(t testing.TB, key, topic, url string) subscribeResult {
	t.Helper()
	var out subscribeResult
	a.adminPost(t, key, `mutation($url: URL!) { webhookSubscriptionCreate(input: {topic: `+topic+`, url: $url}) {
		webhookSubscription { id topic url status } secret userErrors { field code } } }`, map[string]any{"url": url}).decode(t, &out)
	return out
}

func (a *testAPI) mustSubscribe(t testing.TB, key, topic, url string) (id, secret string) {
	t.Helper()
	r := a.subscribe(t, key, topic, url).WebhookSubscriptionCreate
	if r.WebhookSubscription == nil || r.Secret == nil || len(r.UserErrors) > 0 {
		t.Fatalf("webhookSubscriptionCreate %s %s: %+v", topic, url, r)
	}
	return r.WebhookSubscription.ID, *r.Secret
}

func (a *testAPI) createProduct(t testing.TB, key, title string) string {
	t.Helper()
	var out struct {
		ProductCreate struct {
			Product    *struct{ ID string }
			UserErrors []struct{ Code string }
		}
	}
	a.adminPost(t, key, `mutation($t: String!) { productCreate(input: {title: $t, status: ACTIVE}) { product { id } userErrors { code } } }`,
		map[string]any{"t": title}).decode(t, &out)
	if out.ProductCreate.Product == nil {
		t.Fatalf("productCreate: %+v", out)
	}
	return out.ProductCreate.Product.ID
}

func (a *testAPI) updateProduct(t testing.TB, key, id, title string) {
	t.Helper()
	var out struct {
		ProductUpdate struct {
			UserErrors []struct{ Code string }
		}
	}
	a.adminPost(t, key, `mutation($id: ID!, $t: String!) { productUpdate(input: {id: $id, title: $t}) { userErrors { code } } }`,
		map[string]any{"id": id, "t": title}).decode(t, &out)
	if len(out.ProductUpdate.UserErrors) > 0 {
		t.Fatalf("productUpdate: %+v", out)
	}
}

// checkOrderPerSubject fails when a subject's events arrived out of order (a retry of the
// same event may repeat it; an earlier event may never follow a later one).
func checkOrderPerSubject(t testing.TB, reqs []hookRequest) {
	t.Helper()
	last := map[string]int64{}
	for _, q := range reqs {
		s, id := q.subject(t), q.eventID(t)
		if id < last[s] {
			t.Fatalf("%s: event %d arrived after event %d", s, id, last[s])
		}
		last[s] = id
	}
}

func TestWebhookSubscriptionInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, nil)
		key := adminKey(t, api.DB, "webhooks:write")
		for _, c := range []struct{ url, code string }{
			{"not a url", "INVALID"},
			{"/relative/path", "INVALID"},
			{"ftp://example.com/hook", "INVALID"},
			{"https://user:pw@example.com/hook", "INVALID"},
			{"https://no-such-host.invalid/hook", "INVALID"},
			{"http://127.0.0.1:9/hook", "FORBIDDEN_URL"},
			{"http://localhost:9/hook", "FORBIDDEN_URL"},
			{"http://[::1]/hook", "FORBIDDEN_URL"},
			{"http://10.1.2.3/hook", "FORBIDDEN_URL"},
			{"http://172.16.0.1/hook", "FORBIDDEN_URL"},
			{"http://192.168.1.1/hook", "FORBIDDEN_URL"},
			{"http://169.254.169.254/latest/meta-data/", "FORBIDDEN_URL"},
			{"http://[fd00:ec2::254]/", "FORBIDDEN_URL"},
			{"http://[::ffff:127.0.0.1]/hook", "FORBIDDEN_URL"},
			{"http://0.0.0.0/hook", "FORBIDDEN_URL"},
		} {
			r := api.subscribe(t, key, "PRODUCTS_UPDATE", c.url).WebhookSubscriptionCreate
			if r.WebhookSubscription != nil || len(r.UserErrors) != 1 || r.UserErrors[0].Code != c.code || strings.Join(r.UserErrors[0].Field, ".") != "input.url" {
				t.Errorf("%s: got %+v, want user error %s on input.url", c.url, r, c.code)
			}
		}
		// An unknown topic is not a WebhookTopic: the request is refused with a code.
		res := api.adminPost(t, key, `mutation { webhookSubscriptionCreate(input: {topic: PRODUCTS_EXPLODE, url: "https://example.com/"}) { userErrors { code } } }`, nil)
		if code := res.errorCode(); code != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("unknown topic: got %q (%s), want GRAPHQL_VALIDATION_FAILED", code, res.Raw)
		}
		res = api.adminPost(t, key, `mutation($t: WebhookTopic!) { webhookSubscriptionCreate(input: {topic: $t, url: "https://example.com/"}) { userErrors { code } } }`, map[string]any{"t": "orders/create"})
		if code := res.errorCode(); code == "" || code == "INTERNAL_SERVER_ERROR" {
			t.Errorf("unknown topic in a variable: got %q (%s), want a validation error", code, res.Raw)
		}

		// Allowed: a public address (an IP literal, so no DNS is needed).
		id, secret := api.mustSubscribe(t, key, "PRODUCTS_UPDATE", "https://93.184.216.34/hooks?x=1")
		if !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
			t.Errorf("secret %q, want whsec_ and 32 random bytes", secret)
		}
		// The same topic and URL again.
		r := api.subscribe(t, key, "PRODUCTS_UPDATE", "https://93.184.216.34/hooks?x=1").WebhookSubscriptionCreate
		if len(r.UserErrors) != 1 || r.UserErrors[0].Code != "TAKEN" {
			t.Errorf("duplicate: got %+v, want TAKEN", r)
		}
		// Another topic for the same URL is fine.
		api.mustSubscribe(t, key, "PRODUCTS_CREATE", "https://93.184.216.34/hooks?x=1")

		// Update: a forbidden URL is refused, switching off works; an unknown ID is NOT_FOUND.
		var upd struct {
			WebhookSubscriptionUpdate struct {
				WebhookSubscription *struct{ Status, URL string }
				UserErrors          []struct{ Code string }
			}
		}
		api.adminPost(t, key, `mutation($id: ID!) { webhookSubscriptionUpdate(id: $id, input: {url: "http://127.0.0.1/x"}) { webhookSubscription { status url } userErrors { code } } }`,
			map[string]any{"id": id}).decode(t, &upd)
		if len(upd.WebhookSubscriptionUpdate.UserErrors) != 1 || upd.WebhookSubscriptionUpdate.UserErrors[0].Code != "FORBIDDEN_URL" {
			t.Errorf("update to loopback: %+v", upd)
		}
		api.adminPost(t, key, `mutation($id: ID!) { webhookSubscriptionUpdate(id: $id, input: {enabled: false}) { webhookSubscription { status url } userErrors { code } } }`,
			map[string]any{"id": id}).decode(t, &upd)
		if s := upd.WebhookSubscriptionUpdate.WebhookSubscription; s == nil || s.Status != "DISABLED" {
			t.Errorf("disable: %+v", upd)
		}
		api.adminPost(t, key, `mutation { webhookSubscriptionUpdate(id: "gid://storefront/WebhookSubscription/999999", input: {enabled: true}) { webhookSubscription { status } userErrors { code } } }`, nil).decode(t, &upd)
		if len(upd.WebhookSubscriptionUpdate.UserErrors) != 1 || upd.WebhookSubscriptionUpdate.UserErrors[0].Code != "NOT_FOUND" {
			t.Errorf("update unknown: %+v", upd)
		}

		// Listing needs webhooks:read; the secret is never readable.
		var list struct {
			WebhookSubscriptions struct {
				Edges []struct {
					Node struct{ ID, Topic, URL, Status string }
				}
			}
		}
		reader := adminKey(t, api.DB, "webhooks:read")
		api.adminPost(t, reader, `{ webhookSubscriptions(first: 10) { edges { node { id topic url status } } } }`, nil).decode(t, &list)
		if len(list.WebhookSubscriptions.Edges) != 2 {
			t.Errorf("webhookSubscriptions: %+v", list)
		}
		if res := api.adminPost(t, reader, `{ webhookSubscriptions(first: 1) { edges { node { secret } } } }`, nil); len(res.Errors) == 0 {
			t.Errorf("secret readable: %s", res.Raw)
		}
		if res := api.adminPost(t, reader, `mutation { webhookSubscriptionDelete(id: "`+id+`") { userErrors { code } } }`, nil); res.errorCode() != "ACCESS_DENIED" {
			t.Errorf("delete with webhooks:read: %s", res.Raw)
		}
		catalogKey := adminKey(t, api.DB, "catalog:write")
		if res := api.adminPost(t, catalogKey, `{ webhookSubscriptions(first: 1) { edges { node { id } } } }`, nil); res.errorCode() != "ACCESS_DENIED" {
			t.Errorf("list with catalog:write: %s", res.Raw)
		}
		var del struct {
			WebhookSubscriptionDelete struct {
				DeletedWebhookSubscriptionID *string
				UserErrors                   []struct{ Code string }
			}
		}
		api.adminPost(t, key, `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { code } } }`, map[string]any{"id": id}).decode(t, &del)
		if d := del.WebhookSubscriptionDelete.DeletedWebhookSubscriptionID; d == nil || *d != id {
			t.Errorf("delete: %+v", del)
		}
	})
}

func TestWebhookHTTPSInProduction(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		cfg := testConfig()
		cfg.Production = true
		api := startAPIWith(t, b, cfg, nil)
		key := adminKey(t, api.DB, "webhooks:write")
		r := api.subscribe(t, key, "ORDERS_CREATE", "http://93.184.216.34/hook").WebhookSubscriptionCreate
		if len(r.UserErrors) != 1 || r.UserErrors[0].Code != "FORBIDDEN_URL" {
			t.Errorf("http in production: %+v", r)
		}
		api.mustSubscribe(t, key, "ORDERS_CREATE", "https://93.184.216.34/hook")
	})
}

func TestWebhookDeliverySignedAndOrdered(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPIWith(t, b, webhookConfig(), nil)
		key := adminKey(t, api.DB, "webhooks:write", "catalog:write")
		rcv := newHookReceiver(t)
		_, secretCreate := api.mustSubscribe(t, key, "PRODUCTS_CREATE", rcv.URL("/hooks"))
		subUpdate, secretUpdate := api.mustSubscribe(t, key, "PRODUCTS_UPDATE", rcv.URL("/hooks"))
		a := api.createProduct(t, key, "Lamp")
		b2 := api.createProduct(t, key, "Chair")
		for i := range 5 {
			api.updateProduct(t, key, a, fmt.Sprintf("Lamp %d", i))
			api.updateProduct(t, key, b2, fmt.Sprintf("Chair %d", i))
		}
		waitUntil(t, 20*time.Second, "12 deliveries", func() bool { return len(rcv.delivered()) >= 12 })
		time.Sleep(300 * time.Millisecond)
		got := rcv.delivered()
		if len(got) != 12 {
			t.Fatalf("got %d deliveries, want 12", len(got))
		}
		checkOrderPerSubject(t, got)
		ids := map[string]bool{}
		for _, q := range got {
			topic := q.Header.Get("X-Shopify-Topic")
			secret := secretUpdate
			if topic == "products/create" {
				secret = secretCreate
			}
			verifyHookSignatures(t, secret, q)
			if q.Header.Get("X-Shopify-Webhook-Id") != q.Header.Get("webhook-id") || ids[q.Header.Get("webhook-id")] {
				t.Errorf("webhook ids: %v", q.Header)
			}
			ids[q.Header.Get("webhook-id")] = true
			for _, h := range []string{"X-Shopify-Triggered-At", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Event-Id"} {
				if q.Header.Get(h) == "" {
					t.Errorf("%s missing", h)
				}
			}
			if q.Header.Get("X-Shopify-Shop-Domain") != "shop.test" || q.Header.Get("Content-Type") != "application/json" {
				t.Errorf("headers %v", q.Header)
			}
			var p map[string]any
			if err := json.Unmarshal(q.Body, &p); err != nil || p["handle"] == nil || p["variants"] == nil || p["admin_graphql_api_id"] == nil {
				t.Errorf("payload %s", q.Body)
			}
		}
		// The first event of each product is its create.
		first := map[string]string{}
		for _, q := range got {
			if _, ok := first[q.subject(t)]; !ok {
				first[q.subject(t)] = q.Header.Get("X-Shopify-Topic")
			}
		}
		if first[a] != "products/create" || first[b2] != "products/create" {
			t.Errorf("first events %v, want products/create", first)
		}

		// The Admin API lists the deliveries with their attempts.
		var ds struct {
			WebhookDeliveries struct {
				Edges []struct {
					Node struct {
						ID, Status, Topic, WebhookID string
						AttemptCount                 int
						Attempts                     []struct {
							HTTPStatus   *int
							LatencyMs    int
							ResponseHead *string
						}
					}
				}
			}
		}
		reader := adminKey(t, api.DB, "webhooks:read")
		api.adminPost(t, reader, `query($id: ID!) { webhookDeliveries(subscriptionId: $id, status: DELIVERED, first: 50) { edges { node {
			id status topic webhookID attemptCount attempts { httpStatus latencyMs responseHead } } } } }`, map[string]any{"id": subUpdate}).decode(t, &ds)
		if len(ds.WebhookDeliveries.Edges) != 10 {
			t.Fatalf("webhookDeliveries: %d, want 10", len(ds.WebhookDeliveries.Edges))
		}
		n := ds.WebhookDeliveries.Edges[0].Node
		if n.AttemptCount != 1 || len(n.Attempts) != 1 || n.Attempts[0].HTTPStatus == nil || *n.Attempts[0].HTTPStatus != 200 ||
			n.Attempts[0].ResponseHead == nil || *n.Attempts[0].ResponseHead != "received products/update" {
			t.Errorf("delivery %+v", n)
		}

		// Redeliver: the same body and IDs again.
		before := len(rcv.requests())
		var red struct {
			WebhookRedeliver struct {
				WebhookDelivery *struct{ Status string }
				UserErrors      []struct{ Code string }
			}
		}
		api.adminPost(t, key, `mutation($id: ID!) { webhookRedeliver(deliveryId: $id) { webhookDelivery { status } userErrors { code } } }`,
			map[string]any{"id": n.ID}).decode(t, &red)
		if red.WebhookRedeliver.WebhookDelivery == nil || red.WebhookRedeliver.WebhookDelivery.Status != "PENDING" {
			t.Fatalf("webhookRedeliver: %+v", red)
		}
		waitUntil(t, 10*time.Second, "the redelivery", func() bool { return len(rcv.requests()) > before })
		again := rcv.requests()[before]
		if again.Header.Get("webhook-id") != n.WebhookID {
			t.Errorf("redelivered webhook-id %q, want %q", again.Header.Get("webhook-id"), n.WebhookID)
		}
		for _, q := range got {
			if q.Header.Get("webhook-id") == n.WebhookID && string(q.Body) != string(again.Body) {
				t.Errorf("redelivered body differs")
			}
		}
		verifyHookSignatures(t, secretUpdate, again)
		api.adminPost(t, key, `mutation { webhookRedeliver(deliveryId: "gid://storefront/WebhookDelivery/99999999") { userErrors { code } } }`, nil).decode(t, &red)
		if len(red.WebhookRedeliver.UserErrors) != 1 || red.WebhookRedeliver.UserErrors[0].Code != "NOT_FOUND" {
			t.Errorf("redeliver unknown: %+v", red)
		}

		// A test ping goes out at once, signed, with the subscription's topic.
		var ping struct {
			WebhookSubscriptionTest struct {
				WebhookDelivery *struct {
					Status   string
					Attempts []struct{ HTTPStatus *int }
				}
			}
		}
		before = len(rcv.requests())
		api.adminPost(t, key, `mutation($id: ID!) { webhookSubscriptionTest(id: $id) { webhookDelivery { status attempts { httpStatus } } userErrors { code } } }`,
			map[string]any{"id": subUpdate}).decode(t, &ping)
		if d := ping.WebhookSubscriptionTest.WebhookDelivery; d == nil || d.Status != "DELIVERED" || len(d.Attempts) != 1 {
			t.Fatalf("webhookSubscriptionTest: %+v", ping)
		}
		p := rcv.requests()[before]
		if p.Header.Get("X-Shopify-Topic") != "products/update" || !strings.Contains(string(p.Body), `"test":true`) {
			t.Errorf("ping %v %s", p.Header, p.Body)
		}
		verifyHookSignatures(t, secretUpdate, p)
	})
}

// TestWebhookReceiverDownThenBack: a receiver that answers 503 (with Retry-After) for a
// while gets every event once it is back, each product's in order.
func TestWebhookReceiverDownThenBack(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPIWith(t, b, webhookConfig(), nil)
		key := adminKey(t, api.DB, "webhooks:write", "catalog:write")
		rcv := newHookReceiver(t)
		rcv.status.Store(http.StatusServiceUnavailable)
		api.mustSubscribe(t, key, "PRODUCTS_CREATE", rcv.URL("/h"))
		subID, _ := api.mustSubscribe(t, key, "PRODUCTS_UPDATE", rcv.URL("/h"))
		var products []string
		for i := range 4 {
			products = append(products, api.createProduct(t, key, fmt.Sprintf("P%d", i)))
		}
		for r := range 3 {
			for _, p := range products {
				api.updateProduct(t, key, p, fmt.Sprintf("%s-%d", p, r))
			}
		}
		waitUntil(t, 10*time.Second, "failed attempts", func() bool { return len(rcv.requests()) >= 4 })
		time.Sleep(2 * time.Second) // down for a while: Retry-After: 1 spaces the attempts
		if n := len(rcv.delivered()); n != 0 {
			t.Fatalf("%d delivered while down", n)
		}
		// Only the head of each product's line is tried while it fails.
		for _, q := range rcv.requests() {
			if q.Header.Get("X-Shopify-Topic") != "products/create" {
				t.Fatalf("a %s was sent before its product's create was delivered", q.Header.Get("X-Shopify-Topic"))
			}
		}
		// Retry-After: 1 was honoured: no delivery was retried sooner than a second later.
		var ds struct {
			WebhookDeliveries struct {
				Edges []struct {
					Node struct {
						Status   string
						Attempts []struct{ AttemptedAt time.Time }
					}
				}
			}
		}
		rcv.status.Store(http.StatusOK)
		waitUntil(t, 30*time.Second, "16 deliveries", func() bool { return len(rcv.delivered()) >= 16 })
		time.Sleep(300 * time.Millisecond)
		got := rcv.delivered()
		if len(got) != 16 {
			t.Fatalf("delivered %d, want 16 (4 creates, 12 updates)", len(got))
		}
		checkOrderPerSubject(t, got)
		seen := map[string]bool{}
		for _, q := range got {
			if seen[q.Header.Get("webhook-id")] {
				t.Errorf("delivered twice: %s", q.Header.Get("webhook-id"))
			}
			seen[q.Header.Get("webhook-id")] = true
		}
		api.adminPost(t, key, `query($id: ID!) { webhookDeliveries(subscriptionId: $id, first: 50) { edges { node { status attempts { attemptedAt } } } } }`,
			map[string]any{"id": subID}).decode(t, &ds)
		for _, e := range ds.WebhookDeliveries.Edges {
			if e.Node.Status != "DELIVERED" {
				t.Errorf("status %s", e.Node.Status)
			}
		}
		var creates struct {
			WebhookSubscriptions struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		api.adminPost(t, key, `{ webhookSubscriptions(first: 5, where: {topic: PRODUCTS_CREATE}) { edges { node { id } } } }`, nil).decode(t, &creates)
		api.adminPost(t, key, `query($id: ID!) { webhookDeliveries(subscriptionId: $id, first: 50) { edges { node { status attempts { attemptedAt } } } } }`,
			map[string]any{"id": creates.WebhookSubscriptions.Edges[0].Node.ID}).decode(t, &ds)
		retried := 0
		for _, e := range ds.WebhookDeliveries.Edges {
			// Attempts are listed oldest first (PostgreSQL returned them newest first
			// before the Admin API ordered them).
			at := e.Node.Attempts
			for i := 1; i < len(at); i++ {
				if at[i].AttemptedAt.Before(at[i-1].AttemptedAt) {
					t.Errorf("attempts out of order: %v after %v", at[i].AttemptedAt, at[i-1].AttemptedAt)
				}
				retried++
				if gap := at[i].AttemptedAt.Sub(at[i-1].AttemptedAt); gap < 900*time.Millisecond {
					t.Errorf("retried %s after a 503 with Retry-After: 1", gap)
				}
			}
		}
		if retried == 0 {
			t.Errorf("no retries recorded")
		}
	})
}

// TestWebhookReceiverKilledMidStream: the receiver's process dies with requests in flight
// and comes back on the same address; every event arrives, each product's in order.
func TestWebhookReceiverKilledMidStream(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPIWith(t, b, webhookConfig(), nil)
		key := adminKey(t, api.DB, "webhooks:write", "catalog:write")
		rcv := newHookReceiver(t)
		rcv.delay.Store(int64(30 * time.Millisecond))
		api.mustSubscribe(t, key, "PRODUCTS_CREATE", rcv.URL("/h"))
		api.mustSubscribe(t, key, "PRODUCTS_UPDATE", rcv.URL("/h"))
		var products []string
		for i := range 6 {
			products = append(products, api.createProduct(t, key, fmt.Sprintf("K%d", i)))
		}
		want := 6
		for r := range 4 {
			for _, p := range products {
				api.updateProduct(t, key, p, fmt.Sprintf("%s-%d", p, r))
				want++
			}
			if r == 1 {
				waitUntil(t, 10*time.Second, "the stream to start", func() bool { return len(rcv.requests()) >= 3 })
				rcv.stop()
			}
		}
		time.Sleep(time.Second)
		rcv.restart()
		waitUntil(t, 30*time.Second, "every event", func() bool {
			seen := map[string]bool{}
			for _, q := range rcv.requests() {
				seen[q.Header.Get("webhook-id")] = true
			}
			return len(seen) >= want
		})
		checkOrderPerSubject(t, rcv.requests())
	})
}

// TestWebhookSSRFAtDelivery: a subscription whose URL became forbidden (here: written
// before the allow-list was taken away) is refused at connection time, after DNS.
func TestWebhookSSRFAtDelivery(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		rcv := newHookReceiver(t)
		cfg := testConfig()
		cfg.WebhookRetryBase = 50 * time.Millisecond
		api := startAPIOver(t, db, cfg) // no allow-list
		sub, err := db.WebhookSubscription.Create().SetTopic("PRODUCTS_CREATE").SetURL("http://localhost:" + strings.Split(rcv.addr, ":")[1] + "/h").
			SetSecret("whsec_c2VjcmV0").Save(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		key := adminKey(t, db, "webhooks:write", "catalog:write")
		api.createProduct(t, key, "Secret")
		waitUntil(t, 10*time.Second, "a refused attempt", func() bool {
			n, _ := db.WebhookAttempt.Query().Count(context.Background())
			return n > 0
		})
		a, err := db.WebhookAttempt.Query().First(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if a.Error == nil || !strings.Contains(*a.Error, "refused") || a.HTTPStatus != nil {
			t.Errorf("attempt %+v, want refused", a)
		}
		if n := len(rcv.requests()); n != 0 {
			t.Errorf("receiver got %d requests", n)
		}
		_ = sub
	})
}

// TestWebhookFailingAndResume: a subscription failing for longer than the window is marked
// FAILING (Admin API, metrics) and stops; re-enabled, it gets what waited.
func TestWebhookFailingAndResume(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		cfg := webhookConfig()
		cfg.WebhookFailureWindow = time.Second
		api := startAPIWith(t, b, cfg, nil)
		key := adminKey(t, api.DB, "webhooks:write", "catalog:write")
		rcv := newHookReceiver(t)
		rcv.status.Store(http.StatusInternalServerError)
		id, _ := api.mustSubscribe(t, key, "PRODUCTS_CREATE", rcv.URL("/h"))
		api.createProduct(t, key, "One")
		api.createProduct(t, key, "Two")
		status := func() string {
			var out struct{ Node struct{ Status string } }
			api.adminPost(t, key, `query($id: ID!) { node(id: $id) { ... on WebhookSubscription { status } } }`, map[string]any{"id": id}).decode(t, &out)
			return out.Node.Status
		}
		waitUntil(t, 15*time.Second, "FAILING", func() bool { return status() == "FAILING" })
		metrics := api.do(t, http.MethodGet, "/metrics", "", nil).Raw
		if !strings.Contains(metrics, "storefront_webhook_subscriptions_failing 1") || !strings.Contains(metrics, `storefront_webhook_deliveries_total{outcome="failed"}`) ||
			!strings.Contains(metrics, "storefront_webhook_retries_total") || !strings.Contains(metrics, "storefront_webhook_outbox_lag_seconds") {
			t.Errorf("metrics:\n%s", metrics)
		}
		n := len(rcv.requests())
		time.Sleep(time.Second)
		if m := len(rcv.requests()); m != n {
			t.Errorf("a FAILING subscription was still sent %d requests", m-n)
		}
		rcv.status.Store(http.StatusOK)
		var upd struct {
			WebhookSubscriptionUpdate struct{ WebhookSubscription struct{ Status string } }
		}
		api.adminPost(t, key, `mutation($id: ID!) { webhookSubscriptionUpdate(id: $id, input: {enabled: true}) { webhookSubscription { status } } }`,
			map[string]any{"id": id}).decode(t, &upd)
		if upd.WebhookSubscriptionUpdate.WebhookSubscription.Status != "ACTIVE" {
			t.Fatalf("re-enable: %+v", upd)
		}
		waitUntil(t, 10*time.Second, "both products", func() bool { return len(rcv.delivered()) == 2 })
		metrics = api.do(t, http.MethodGet, "/metrics", "", nil).Raw
		if !strings.Contains(metrics, "storefront_webhook_subscriptions_failing 0") || !strings.Contains(metrics, `storefront_webhook_deliveries_total{outcome="delivered"} 2`) {
			t.Errorf("metrics after resuming:\n%s", metrics)
		}
	})
}

// TestWebhookNextjsCommerceRevalidate: Next.js Commerce's /api/revalidate (vercel/commerce,
// lib/shopify revalidate) accepts our PRODUCTS_UPDATE delivery. The receiver does what it
// does: it reads the x-shopify-topic header and the secret query parameter, answers 200
// in every case, and revalidates the products tag only for products/create|update|delete
// (collections/* for the collections tag) when the secret matches
// SHOPIFY_REVALIDATION_SECRET.
func TestWebhookNextjsCommerceRevalidate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPIWith(t, b, webhookConfig(), nil)
		key := adminKey(t, api.DB, "webhooks:write", "catalog:write")
		const revalidationSecret = "s3cr3t-revalidation"
		var mu sync.Mutex
		var revalidated []string
		rcv := newHookReceiver(t)
		rcv.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) int {
			collectionWebhooks := []string{"collections/create", "collections/delete", "collections/update"}
			productWebhooks := []string{"products/create", "products/delete", "products/update"}
			topic := r.Header.Get("x-shopify-topic")
			if topic == "" {
				topic = "unknown"
			}
			secret := r.URL.Query().Get("secret")
			w.Header().Set("Content-Type", "application/json")
			if secret == "" || secret != revalidationSecret {
				_, _ = io.WriteString(w, `{"status":401}`)
				return 200
			}
			isCollection, isProduct := slices.Contains(collectionWebhooks, topic), slices.Contains(productWebhooks, topic)
			if !isCollection && !isProduct {
				_, _ = io.WriteString(w, `{"status":200}`)
				return 200
			}
			mu.Lock()
			if isCollection {
				revalidated = append(revalidated, "collections")
			}
			if isProduct {
				revalidated = append(revalidated, "products")
			}
			mu.Unlock()
			_, _ = fmt.Fprintf(w, `{"status":200,"revalidated":true,"now":%d}`, time.Now().UnixMilli())
			return 200
		}
		p := api.createProduct(t, key, "Cached")
		api.mustSubscribe(t, key, "PRODUCTS_UPDATE", rcv.URL("/api/revalidate?secret="+revalidationSecret))
		api.updateProduct(t, key, p, "Cached, changed")
		waitUntil(t, 10*time.Second, "the revalidation", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(revalidated) > 0
		})
		mu.Lock()
		if !slices.Equal(revalidated, []string{"products"}) {
			t.Errorf("revalidated %v, want [products]", revalidated)
		}
		mu.Unlock()
		var ds struct {
			WebhookDeliveries struct {
				Edges []struct {
					Node struct {
						Attempts []struct{ ResponseHead string }
					}
				}
			}
		}
		var subs struct {
			WebhookSubscriptions struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		api.adminPost(t, key, `{ webhookSubscriptions(first: 1) { edges { node { id } } } }`, nil).decode(t, &subs)
		waitUntil(t, 5*time.Second, "the attempt recorded", func() bool {
			api.adminPost(t, key, `query($id: ID!) { webhookDeliveries(subscriptionId: $id, status: DELIVERED, first: 1) { edges { node { attempts { responseHead } } } } }`,
				map[string]any{"id": subs.WebhookSubscriptions.Edges[0].Node.ID}).decode(t, &ds)
			return len(ds.WebhookDeliveries.Edges) == 1
		})
		if h := ds.WebhookDeliveries.Edges[0].Node.Attempts[0].ResponseHead; !strings.Contains(h, `"revalidated":true`) {
			t.Errorf("response %q", h)
		}
	})
}

// TestWebhookTopicsFromEveryWritePath: the catalog, inventory, customer and cart writes
// put their events in the outbox, and each is delivered with its resource's payload.
func TestWebhookTopicsFromEveryWritePath(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPIWith(t, b, webhookConfig(), fixture)
		key := adminKey(t, api.DB, "webhooks:write", "catalog:write", "inventory:write", "customers:write")
		rcv := newHookReceiver(t)
		for _, topic := range []string{"COLLECTIONS_CREATE", "COLLECTIONS_UPDATE", "COLLECTIONS_DELETE", "PRODUCTS_DELETE",
			"INVENTORY_LEVELS_UPDATE", "CUSTOMERS_CREATE", "CUSTOMERS_UPDATE", "CUSTOMERS_DISABLE", "CARTS_CREATE", "CARTS_UPDATE", "ORDERS_CREATE"} {
			api.mustSubscribe(t, key, topic, rcv.URL("/h"))
		}
		// Collections.
		var col struct {
			CollectionCreate struct{ Collection struct{ ID string } }
		}
		api.adminPost(t, key, `mutation { collectionCreate(input: {title: "Summer"}) { collection { id } userErrors { code } } }`, nil).decode(t, &col)
		cid := col.CollectionCreate.Collection.ID
		api.adminPost(t, key, `mutation($id: ID!) { collectionUpdate(id: $id, input: {title: "Summer sale"}) { userErrors { code } } }`, map[string]any{"id": cid})
		api.adminPost(t, key, `mutation($id: ID!) { collectionDelete(id: $id) { userErrors { code } } }`, map[string]any{"id": cid})
		// A product's delete.
		pid := api.createProduct(t, key, "Doomed")
		api.adminPost(t, key, `mutation($id: ID!) { productDelete(input: {id: $id}) { userErrors { code } } }`, map[string]any{"id": pid})
		// Customers: sign-up, self-update, disable.
		var cc struct {
			CustomerCreate struct{ Customer *struct{ ID string } }
		}
		api.post(t, `mutation { customerCreate(input: {email: "hook@example.com", password: "correct horse battery"}) { customer { id } customerUserErrors { code } } }`, nil).decode(t, &cc)
		if cc.CustomerCreate.Customer == nil {
			t.Fatalf("customerCreate: %+v", cc)
		}
		api.adminPost(t, key, `mutation($id: ID!) { customerDisable(id: $id) { userErrors { code } } }`, map[string]any{"id": cc.CustomerCreate.Customer.ID})
		// Carts: create, then add a line.
		var cart struct {
			CartCreate struct{ Cart struct{ ID string } }
		}
		api.post(t, `mutation { cartCreate { cart { id } } }`, nil).decode(t, &cart)
		var v struct {
			Products struct {
				Edges []struct {
					Node struct {
						Variants struct {
							Edges []struct{ Node struct{ ID string } }
						}
					}
				}
			}
		}
		api.post(t, `{ products(first: 1) { edges { node { variants(first: 1) { edges { node { id } } } } } } }`, nil).decode(t, &v)
		variant := v.Products.Edges[0].Node.Variants.Edges[0].Node.ID
		api.post(t, `mutation($c: ID!, $v: ID!) { cartLinesAdd(cartId: $c, lines: [{merchandiseId: $v, quantity: 1}]) { userErrors { code } } }`,
			map[string]any{"c": cart.CartCreate.Cart.ID, "v": variant})
		// Inventory through the ledger.
		var inv struct {
			InventoryAdjustQuantities struct{ UserErrors []struct{ Code string } }
		}
		api.adminPost(t, key, `mutation($v: ID!) { inventoryAdjustQuantities(input: {reason: "received", changes: [{variantId: $v, delta: 5}]}) { userErrors { code } } }`,
			map[string]any{"v": variant}).decode(t, &inv)

		want := []string{"collections/create", "collections/update", "collections/delete", "products/delete",
			"customers/create", "customers/disable", "carts/create", "carts/update", "inventory_levels/update"}
		waitUntil(t, 20*time.Second, "every topic", func() bool {
			seen := map[string]bool{}
			for _, q := range rcv.delivered() {
				seen[q.Header.Get("X-Shopify-Topic")] = true
			}
			for _, w := range want {
				if !seen[w] {
					return false
				}
			}
			return true
		})
		for _, q := range rcv.delivered() {
			var p map[string]any
			if err := json.Unmarshal(q.Body, &p); err != nil {
				t.Fatal(err)
			}
			topic := q.Header.Get("X-Shopify-Topic")
			switch topic {
			case "carts/create", "carts/update":
				if strings.Contains(string(q.Body), "key=") || p["token"] == nil {
					t.Errorf("%s payload %s", topic, q.Body)
				}
			case "inventory_levels/update":
				if p["available"] == nil || p["inventory_item_id"] == nil {
					t.Errorf("%s payload %s", topic, q.Body)
				}
			case "customers/disable":
				if p["state"] != "disabled" || p["email"] != "hook@example.com" {
					t.Errorf("%s payload %s", topic, q.Body)
				}
			case "products/delete", "collections/delete":
				if p["id"] == nil || p["admin_graphql_api_id"] == nil {
					t.Errorf("%s payload %s", topic, q.Body)
				}
			}
		}
		if inv.InventoryAdjustQuantities.UserErrors != nil && len(inv.InventoryAdjustQuantities.UserErrors) > 0 {
			t.Errorf("inventory: %+v", inv)
		}
		_ = outbox.OrdersCreate
	})
}
