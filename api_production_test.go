package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storefront/internal/payment"
	"storefront/internal/storetest"
)

// productionEnv is the environment of a production server that set nothing else.
func productionEnv(extra map[string]string) func(string) string {
	env := map[string]string{"STOREFRONT_PRODUCTION": "true"}
	for k, v := range extra {
		env[k] = v
	}
	return func(k string) string { return env[k] }
}

func TestProductionDefaults(t *testing.T) {
	cfg, _, err := loadConfig("t", nil, productionEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Playground || cfg.Introspection || cfg.TestPayments || cfg.SeedDemo || len(cfg.CORSOrigins) != 0 {
		t.Errorf("production defaults: playground %v introspection %v test payments %v seed demo %v cors %v; want all off",
			cfg.Playground, cfg.Introspection, cfg.TestPayments, cfg.SeedDemo, cfg.CORSOrigins)
	}
	// What the operator says explicitly stays, by environment or flag.
	cfg, _, err = loadConfig("t", []string{"-playground"}, productionEnv(map[string]string{"STOREFRONT_TEST_PAYMENTS": "true", "STOREFRONT_CORS_ORIGINS": "https://shop.example"}))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Playground || !cfg.TestPayments || cfg.Introspection || strings.Join(cfg.CORSOrigins, ",") != "https://shop.example" {
		t.Errorf("explicit settings in production: %+v", cfg)
	}
	// CORS * is refused in production.
	if _, _, err := loadConfig("t", nil, productionEnv(map[string]string{"STOREFRONT_CORS_ORIGINS": "*"})); err == nil {
		t.Error("CORS * accepted in production mode")
	}
	// Development keeps its conveniences.
	dev, _, _ := loadConfig("t", nil, func(string) string { return "" })
	if !dev.Playground || !dev.Introspection || !dev.TestPayments || !dev.SeedDemo || strings.Join(dev.CORSOrigins, ",") != "*" {
		t.Errorf("development defaults: %+v", dev)
	}
}

// TestProductionServer runs a production server as configured from an empty environment
// and probes what must be off.
func TestProductionServer(t *testing.T) {
	cfg, _, err := loadConfig("t", nil, productionEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	cfg.PublicURL = "http://shop.test"
	db := storetest.SQLite(t).Open(t)
	deliveryFixture(t, db)
	logs := &syncBuffer{}
	h, err := newHandler(cfg, db, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	api := &testAPI{URL: srv.URL, Handler: h, DB: db, Log: logs, app: h}

	if !strings.Contains(logs.String(), "customer email is OFF") {
		t.Errorf("no warning at start that customer email is off:\n%s", logs.String())
	}
	// No Playground.
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET / = %d, want 404 (no Playground)", resp.StatusCode)
	}
	// No introspection.
	if r := api.post(t, `{ __schema { queryType { name } } }`, nil); len(r.Errors) == 0 {
		t.Errorf("introspection answered: %s", r.Raw)
	}
	// No CORS for an unlisted origin.
	req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/graphql", nil)
	req.Header.Set("Origin", "https://any.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("preflight from an unlisted origin allowed: %q", got)
	}
	// No test payments: test_success does not pay.
	mug := variantID(t, db, "mug", "Default Title")
	id := readyCart(t, api, "test_success", line(mug, 1))
	s := submit(t, api, id, "prod-1")
	if s.R.Result == nil || s.R.Result.Typename != "SubmitFailed" || s.R.Result.Errors[0].Code != "PAYMENTS_METHOD_UNAVAILABLE" {
		t.Errorf("test payment in production: %+v", s.R)
	}
	if n := db.Order.Query().CountX(context.Background()); n != 0 {
		t.Errorf("%d orders placed with a test session in production", n)
	}
	// The hosted checkout's path carries the cart token: the access log names the route.
	token := strings.TrimPrefix(id, "gid://storefront/Cart/")
	token = token[:strings.IndexByte(token, '?')]
	resp, err = http.Get(srv.URL + "/checkout/" + token)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	// Password recovery sends nothing and logs no link or token, at any level.
	createCustomer(t, api, "ada@example.com", "correct horse battery")
	if p := api.customerOp(t, `customerRecover(email: "ada@example.com")`, "", nil); len(p.CustomerUserErrors) > 0 {
		t.Fatalf("recover: %+v", p.CustomerUserErrors)
	}
	log := logs.String()
	for _, secret := range []string{"/account/reset/", token, "reset your password"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q:\n%s", secret, log)
		}
	}
	if !strings.Contains(log, `"path":"GET /checkout/{token}"`) {
		t.Errorf("the hosted checkout request is not logged by its route:\n%s", log)
	}
}

func TestReadiness(t *testing.T) {
	ready := func(api *testAPI) int {
		resp, err := http.Get(api.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		if got := ready(api); got != 200 {
			t.Fatalf("readyz = %d, want 200", got)
		}
		// Another database behind the same address (or a restored copy of another shop)
		// is not the one opened.
		if _, err := api.DB.SQL.Exec(`UPDATE storefront_identity SET token = 'another'`); err != nil {
			t.Fatal(err)
		}
		if got := ready(api); got != http.StatusServiceUnavailable {
			t.Errorf("readyz over another database = %d, want 503", got)
		}
	})
	t.Run("sqlite file deleted", func(t *testing.T) {
		b := storetest.SQLite(t)
		api := startAPI(t, b, fixture)
		path := strings.TrimPrefix(b.URL, "sqlite:")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(path + suffix)
		}
		if got := ready(api); got != http.StatusServiceUnavailable {
			t.Errorf("readyz after the file was deleted = %d, want 503", got)
		}
	})
	t.Run("sqlite file replaced", func(t *testing.T) {
		b := storetest.SQLite(t)
		api := startAPI(t, b, fixture)
		path := strings.TrimPrefix(b.URL, "sqlite:")
		other := filepath.Join(t.TempDir(), "other.db")
		if err := os.WriteFile(other, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(other, path); err != nil {
			t.Fatal(err)
		}
		if got := ready(api); got != http.StatusServiceUnavailable {
			t.Errorf("readyz after the file was replaced = %d, want 503", got)
		}
	})
}

// TestSearchSurvivesTermRecordingFailure: recording a search is off the request path, so a
// database that refuses the write never fails the search.
func TestSearchSurvivesTermRecordingFailure(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, searchFixture)
		if _, err := api.DB.SQL.Exec(`DROP TABLE analytics_search_daily`); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if got := runSearch(t, api, map[string]any{"q": "shirt", "first": 2}).handles(); len(got) == 0 {
				t.Fatal("search found nothing")
			}
		}
		if err := api.app.events.Flush(context.Background()); err == nil {
			t.Error("flush into a dropped table reported no error")
		}
		if n := api.app.events.Stats().Failed; n != 3 {
			t.Errorf("%d searches counted as not recorded, want 3", n)
		}
	})
}

// gateway is a provider that moves real money (as far as the server knows): it wraps the
// test provider's decisions without its Test method.
type gateway struct{ p payment.TestProvider }

func (g gateway) Authorize(ctx context.Context, r payment.Request) (string, error) {
	return g.p.Authorize(ctx, r)
}
func (g gateway) Name() string { return "gateway" }
func (g gateway) Capture(ctx context.Context, op payment.Op) (string, error) {
	return g.p.Capture(ctx, op)
}
func (g gateway) Void(ctx context.Context, op payment.Op) (string, error) { return g.p.Void(ctx, op) }
func (g gateway) Refund(ctx context.Context, op payment.Op) (string, error) {
	return g.p.Refund(ctx, op)
}

// TestTestOrdersAreMarked: an order paid through the test provider is a test order in the
// database and on its status page (production only has one when test payments were
// enabled explicitly); one paid through another provider is not.
func TestTestOrdersAreMarked(t *testing.T) {
	for _, tc := range []struct {
		name     string
		provider payment.Provider
		want     bool
	}{{"test provider", nil, true}, {"gateway", gateway{}, false}} {
		storetest.Run(t, func(t *testing.T, b storetest.Backend) {
			cfg, _, err := loadConfig("t", nil, productionEnv(map[string]string{"STOREFRONT_TEST_PAYMENTS": "true"}))
			if err != nil {
				t.Fatal(err)
			}
			cfg.PublicURL = "http://shop.test"
			cfg.PaymentProvider = tc.provider
			api := startAPIWith(t, b, cfg, deliveryFixture)
			id := readyCart(t, api, "test_success", line(variantID(t, api.DB, "mug", "Default Title"), 1))
			s := submit(t, api, id, "marked-1")
			if s.R.Result == nil || s.R.Result.Typename != "SubmitSuccess" {
				t.Fatalf("%s: submit: %+v", tc.name, s.R)
			}
			o := api.DB.Order.Query().OnlyX(context.Background())
			if o.Test != tc.want {
				t.Errorf("%s: order test = %v, want %v", tc.name, o.Test, tc.want)
			}
			resp, err := http.Get(api.URL + "/orders/status/" + o.StatusToken)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if got := strings.Contains(string(body), `id="test-order"`); got != tc.want {
				t.Errorf("%s: status page shows the test banner: %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}

// TestProductionStartsWithoutTheDemo: a production server on an empty database loads no
// demo catalog but has shop settings the merchant can change through the Admin API (without
// them every catalog read failed and shopUpdate had nothing to update).
func TestProductionStartsWithoutTheDemo(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		cfg, _, err := loadConfig("t", nil, productionEnv(nil))
		if err != nil {
			t.Fatal(err)
		}
		cfg.PublicURL = "http://shop.test"
		api := startAPIWith(t, b, cfg, nil)
		if n := api.DB.Product.Query().CountX(context.Background()); n != 0 {
			t.Fatalf("%d products in a production shop nobody filled", n)
		}
		key := adminKey(t, api.DB, "settings:write")
		if r := api.adminPost(t, key, `mutation { shopUpdate(input: {name: "Real Shop"}) { shop { name } userErrors { code } } }`, nil); len(r.Errors) > 0 || !strings.Contains(r.Raw, `"Real Shop"`) {
			t.Fatalf("shopUpdate on a fresh production database: %s", r.Raw)
		}
		var got struct {
			Shop     struct{ Name string }
			Products struct{ Nodes []struct{ Title string } }
		}
		api.post(t, `{ shop { name } products(first: 5) { nodes { title } } }`, nil).decode(t, &got)
		if got.Shop.Name != "Real Shop" || len(got.Products.Nodes) != 0 {
			t.Errorf("storefront of the fresh shop: %+v", got)
		}
	})
}
