package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"storefront/internal/demo"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// TestHydrogenSkeletonInChromium sells through Hydrogen's skeleton storefront, as
// @shopify/cli-hydrogen 13.0.4 ships it (unchanged, configured only by its environment),
// against this server on the demo catalog: `shopify hydrogen preview` (MiniOxygen, the
// production bundle) serves the shop, and .ci/hydrogen-e2e/walk.mjs walks it in headless
// Chromium — home, a collection, pagination, a product's options, add to cart, the cart
// (quantity, remove, discount code), search — and buys through "Continue to checkout" and
// the hosted checkout. The shop is one HTTPS origin, as a deployment would put it behind
// one reverse proxy: /api/, /checkout/, /orders/ and /images/ go to this server, the rest
// to Hydrogen, so the skeleton's Content-Security-Policy (images from its own origin) holds.
// It logs every GraphQL operation Hydrogen sent with its SQL statements and server time.
// Needs node, Chromium, `npm ci --prefix .ci/browser` and `.ci/hydrogen-e2e/prepare.sh`
// (.ci/run does all four).
func TestHydrogenSkeletonInChromium(t *testing.T) {
	node, chromium := browserTools(t)
	app := filepath.Join(".ci", "hydrogen-e2e", "app")
	if b, err := os.ReadFile(filepath.Join(app, ".prepared")); err != nil || !strings.HasSuffix(strings.TrimSpace(string(b)), "built") {
		t.Skip("needs the skeleton installed and built by `bash .ci/hydrogen-e2e/prepare.sh` (.ci/run does it)")
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		var hydrogen, storefront *httputil.ReverseProxy
		answers := &graphQLAnswers{}
		shop := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				answers.serve(storefront, w, r)
				return
			}
			for _, p := range []string{"/checkout/", "/orders/", "/images/"} {
				if strings.HasPrefix(r.URL.Path, p) {
					storefront.ServeHTTP(w, r)
					return
				}
			}
			hydrogen.ServeHTTP(w, r)
		}))
		// Clients that do not know the test's certificate hang up on the first handshake.
		shop.Config.ErrorLog = log.New(io.Discard, "", 0)
		shop.StartTLS()
		t.Cleanup(shop.Close)
		cfg := testConfig()
		cfg.PublicURL = shop.URL
		api := startAPIWith(t, b, cfg, func(t testing.TB, db *store.DB) {
			if err := demo.Load(context.Background(), db, shop.URL); err != nil {
				t.Fatal(err)
			}
		})
		port := freePort(t)
		storefront = proxyTo(t, api.URL)
		hydrogen = proxyTo(t, fmt.Sprintf("http://localhost:%d", port))

		host := strings.TrimPrefix(shop.URL, "https://")
		env := filepath.Join(t.TempDir(), "hydrogen.env")
		if err := os.WriteFile(env, []byte(strings.Join([]string{
			`SESSION_SECRET="hydrogen-e2e-session-secret"`,
			`PUBLIC_STORE_DOMAIN="` + host + `"`,
			`PUBLIC_CHECKOUT_DOMAIN="` + host + `"`,
			`PUBLIC_STOREFRONT_API_TOKEN="0123456789abcdef0123456789abcdef"`,
			`PRIVATE_STOREFRONT_API_TOKEN="hydrogen-e2e-private-token"`,
			`PUBLIC_STOREFRONT_ID="1"`,
		}, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		startHydrogen(t, app, env, port)

		shots := filepath.Join(t.TempDir(), "shots")
		if dir := os.Getenv("HYDROGEN_E2E_SHOTS"); dir != "" {
			shots = filepath.Join(dir, b.Name)
		}
		start := time.Now()
		cmd := exec.Command(node, filepath.Join(".ci", "hydrogen-e2e", "walk.mjs"), shop.URL, api.URL+"/api/2026-04/graphql.json", shots)
		cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
		out, err := cmd.CombinedOutput()
		t.Logf("walk (%s):\n%s", time.Since(start).Round(time.Second), out)
		var res struct {
			ConsoleErrors, ConsoleWarnings, External, FailedRequests []string
			Error                                                    string
		}
		if raw, rerr := os.ReadFile(filepath.Join(shots, "result.json")); rerr == nil {
			_ = json.Unmarshal(raw, &res)
		}
		if err != nil {
			t.Fatalf("the walk failed: %v\n%s\nconsole errors: %q\nfailed requests: %q", err, res.Error, res.ConsoleErrors, res.FailedRequests)
		}
		if len(res.ConsoleWarnings) > 0 {
			t.Logf("console warnings: %q", res.ConsoleWarnings)
		}
		t.Logf("requests to other hosts, aborted (the test runs offline): %d, e.g. %q", len(res.External), first(res.External, 3))

		// One order, for the cart's line at quantity 2 with WELCOME10 (10% off).
		o := api.DB.Order.Query().OnlyX(t.Context())
		if o.TotalDiscounts*10 != o.Subtotal || o.Total != o.Subtotal-o.TotalDiscounts+o.TotalShipping+o.TotalTax {
			t.Errorf("order: subtotal %d, discounts %d, shipping %d, tax %d, total %d", o.Subtotal, o.TotalDiscounts, o.TotalShipping, o.TotalTax, o.Total)
		}
		logOperations(t, api.Log.String())
		if errs := answers.errors(); len(errs) > 0 {
			t.Errorf("GraphQL errors in the answers to Hydrogen: %q", errs)
		}
		if answers.count() == 0 {
			t.Error("Hydrogen sent no GraphQL request through the shop's origin")
		}
	})
}

// proxyTo forwards to target, keeping the shop's Host header (Hydrogen builds links and
// redirects from it).
func proxyTo(t *testing.T, target string) *httputil.ReverseProxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.Out.Host = r.In.Host
			r.SetXForwarded()
		},
		// The browser cancels prefetches when it navigates; a failed request shows in the walk.
		ErrorLog: log.New(io.Discard, "", 0),
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startHydrogen runs `shopify hydrogen preview` (the built bundle in MiniOxygen) on port in
// its own process group, stopped (the whole group) when the test ends.
func startHydrogen(t *testing.T, app, env string, port int) {
	logFile := filepath.Join(t.TempDir(), "hydrogen.log")
	lf, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join("node_modules", ".bin", "shopify"), "hydrogen", "preview", "--env-file", env, "--port", fmt.Sprint(port))
	cmd.Dir = app
	// Hydrogen's server side calls the shop's HTTPS origin, whose certificate is the test's.
	cmd.Env = append(os.Environ(), "SHOPIFY_CLI_NO_ANALYTICS=1", "NODE_TLS_REJECT_UNAUTHORIZED=0", "NODE_NO_WARNINGS=1")
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		lf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logFile)
			t.Logf("hydrogen log:\n%s", b)
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := http.Get(fmt.Sprintf("http://localhost:%d/robots.txt", port))
		if err == nil {
			resp.Body.Close()
			return
		}
		select {
		case <-done:
			b, _ := os.ReadFile(logFile)
			t.Fatalf("shopify hydrogen preview exited:\n%s", b)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("shopify hydrogen preview did not listen on %d within 90s", port)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

var operationName = regexp.MustCompile(`\b(query|mutation)\s+(\w+)`)

// graphQLAnswers forwards Storefront API requests and keeps the errors of their answers.
type graphQLAnswers struct {
	mu   sync.Mutex
	n    int
	errs []string
}

func (a *graphQLAnswers) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req struct {
		Query string `json:"query"`
	}
	_ = json.Unmarshal(body, &req)
	op := strings.Join(strings.Fields(req.Query), " ")
	if m := operationName.FindStringSubmatch(req.Query); m != nil {
		op = m[2]
	}
	r.Header.Del("Accept-Encoding") // the answer is read here, uncompressed
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	maps.Copy(w.Header(), rec.Header())
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
	var resp struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &resp)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n++
	if rec.Code != http.StatusOK {
		a.errs = append(a.errs, fmt.Sprintf("%s: HTTP %d", op, rec.Code))
	}
	for _, e := range resp.Errors {
		a.errs = append(a.errs, op+": "+e.Message)
	}
}

func (a *graphQLAnswers) errors() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.errs)
}

func (a *graphQLAnswers) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n
}

// logOperations logs, per GraphQL operation the server answered, how often it ran and its
// SQL statements and server time (from the access log).
func logOperations(t *testing.T, log string) {
	type stat struct {
		n, minStmts, maxStmts int
		ms, maxMs             float64
	}
	ops := map[string]*stat{}
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l struct {
			Msg        string  `json:"msg"`
			Path       string  `json:"path"`
			Op         string  `json:"graphql_operation"`
			Typ        string  `json:"graphql_operation_type"`
			Ms         float64 `json:"duration_ms"`
			Statements int     `json:"sql_statements"`
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil || l.Msg != "request" || l.Typ == "" || l.Op == "WalkFixture" {
			continue // WalkFixture: the walk's own question for its fixtures
		}
		k := l.Typ + " " + l.Op
		s := ops[k]
		if s == nil {
			s = &stat{minStmts: l.Statements}
			ops[k] = s
		}
		s.n++
		s.minStmts = min(s.minStmts, l.Statements)
		s.maxStmts = max(s.maxStmts, l.Statements)
		s.ms += l.Ms
		s.maxMs = max(s.maxMs, l.Ms)
	}
	names := make([]string, 0, len(ops))
	for k := range ops {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%-38s %5s %10s %20s\n", "operation", "sent", "SQL", "server ms avg (max)")
	for _, k := range names {
		s := ops[k]
		stmts := fmt.Sprint(s.minStmts)
		if s.maxStmts != s.minStmts {
			stmts += fmt.Sprintf("–%d", s.maxStmts)
		}
		fmt.Fprintf(&b, "%-38s %5d %10s %12.1f (%5.1f)\n", k, s.n, stmts, s.ms/float64(s.n), s.maxMs)
	}
	t.Logf("GraphQL operations Hydrogen sent:\n%s", b.String())
}

func first(s []string, n int) []string {
	return s[:min(n, len(s))]
}

// TestConsentManagementCookies: Hydrogen's ensureCookies query (Shopify's unstable API),
// sent to /api/unstable/graphql.json, gets the shop's cookie domain and the
// `_tracking_consent` cookie for the consent given.
func TestConsentManagementCookies(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, func(t testing.TB, db *store.DB) {
			if err := demo.Load(context.Background(), db, "http://shop.test"); err != nil {
				t.Fatal(err)
			}
		})
		body, _ := json.Marshal(map[string]any{"query": "query ensureCookies { consentManagement { cookies(visitorConsent:{}) { cookieDomain } } }"})
		r := api.do(t, http.MethodPost, "/api/unstable/graphql.json", "application/json", body)
		if r.Status != http.StatusOK || len(r.Errors) > 0 || string(r.Data) != `{"consentManagement":{"cookies":{"cookieDomain":"shop.test"}}}` {
			t.Fatalf("ensureCookies: %d %s", r.Status, r.Raw)
		}
		var got struct {
			ConsentManagement struct {
				Cookies struct {
					CookieDomain, TrackingConsentCookie string
					ShopifyEssentialCookie              *string
				}
			}
		}
		api.post(t, `{ consentManagement { cookies(visitorConsent: {analytics: true, marketing: false}) { cookieDomain trackingConsentCookie shopifyEssentialCookie } } }`, nil).decode(t, &got)
		c := got.ConsentManagement.Cookies
		v, err := url.QueryUnescape(c.TrackingConsentCookie)
		if err != nil || v != `{"con":{"CMP":{"a":"1","m":"0","p":"","s":""}},"v":"2.1"}` || c.ShopifyEssentialCookie != nil {
			t.Fatalf("cookies: %+v (%q)", c, v)
		}
	})
}
