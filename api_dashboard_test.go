package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"storefront/internal/apikey"
	"storefront/internal/storetest"
)

// dashboardClient is a browser-like client of the dashboard: it keeps cookies and does
// not follow redirects.
type dashboardClient struct {
	api *testAPI
	c   *http.Client
}

func newDashboardClient(t testing.TB, api *testAPI) *dashboardClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &dashboardClient{api: api, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (d *dashboardClient) do(t testing.TB, method, path string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, d.api.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := d.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t testing.TB, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field in:\n%s", page)
	}
	return m[1]
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestDashboard: signing in with a key, the session cookie's flags, CSRF on both forms,
// the page's figures and headers, CSV with the session, signing out.
func TestDashboard(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, reportsFixture)
		key := adminKey(t, api.DB, "analytics:read")
		d := newDashboardClient(t, api)

		resp, page := d.do(t, "GET", "/admin", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, `action="/admin/signin"`) {
			t.Fatalf("sign-in page: %d\n%s", resp.StatusCode, page)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(page, "<script") {
			t.Errorf("CSP %q / page has scripts", csp)
		}
		if c := cookieNamed(resp, "storefront_admin_csrf"); c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/admin" || c.Secure {
			t.Errorf("csrf cookie over plain HTTP: %+v", c)
		}
		token := csrfOf(t, page)

		for _, c := range []struct {
			name   string
			form   url.Values
			header map[string]string
			status int
		}{
			{"no token", url.Values{"key": {key}}, nil, 403},
			{"wrong token", url.Values{"key": {key}, "csrf": {"x" + token}}, nil, 403},
			{"cross-site", url.Values{"key": {key}, "csrf": {token}}, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
			{"unknown key", url.Values{"key": {"sfk_nope"}, "csrf": {token}}, nil, 401},
			{"key without analytics:read", url.Values{"key": {adminKey(t, api.DB, "catalog:read")}, "csrf": {token}}, nil, 403},
		} {
			resp, page := d.do(t, "POST", "/admin/signin", c.form, c.header)
			if resp.StatusCode != c.status || cookieNamed(resp, "storefront_admin") != nil {
				t.Errorf("%s: %d, want %d without a session\n%s", c.name, resp.StatusCode, c.status, page)
			}
			if c.status != 403 {
				token = csrfOf(t, page) // the form came back with a fresh token
			}
		}
		if n := api.DB.AdminSession.Query().CountX(context.Background()); n != 0 {
			t.Fatalf("%d sessions after refused sign-ins", n)
		}

		resp, _ = d.do(t, "POST", "/admin/signin", url.Values{"key": {key}, "csrf": {token}}, nil)
		session := cookieNamed(resp, "storefront_admin")
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin" || session == nil {
			t.Fatalf("sign in: %d %v", resp.StatusCode, resp.Cookies())
		}
		if !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/admin" || session.MaxAge <= 0 || session.Secure {
			t.Errorf("session cookie: %+v", session)
		}
		row := api.DB.AdminSession.Query().OnlyX(context.Background())
		if row.TokenHash != apikey.Hash(session.Value) || strings.Contains(row.TokenHash, session.Value) {
			t.Errorf("the session is not stored as the cookie's hash")
		}

		resp, page = d.do(t, "GET", "/admin?from=2026-01-10&to=2026-01-16&granularity=DAY", nil, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("dashboard: %d\n%s", resp.StatusCode, page)
		}
		// UTC: O1, O2 and O3 (see reportOrders): net 101.97, three orders; the lamp sold.
		for _, want := range []string{"101.97 USD", `<svg id="sales-chart"`, "<polyline", `<svg id="funnel-chart"`, "Checkouts started", "Desk Lamp", "Classic Tee", "Low stock", "Future Jacket",
			`href="/admin/reports/sales.csv?from=2026-01-10&amp;granularity=DAY&amp;to=2026-01-16"`, `action="/admin/signout"`} {
			if !strings.Contains(page, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("headers: %v", resp.Header)
		}
		if resp, page := d.do(t, "GET", "/admin?from=2026-02-10&to=2026-01-16", nil, nil); resp.StatusCode != 400 || !strings.Contains(page, "to must not be before from") {
			t.Errorf("bad range: %d", resp.StatusCode)
		}
		// CSV downloads work with the session as with a key.
		resp, csvBody := d.do(t, "GET", "/admin/reports/sales-by-product.csv?from=2026-01-10&to=2026-01-16", nil, nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(csvBody, "id,product,units") || !strings.Contains(csvBody, "Desk Lamp") {
			t.Errorf("csv with the session: %d %s", resp.StatusCode, csvBody)
		}

		// Signing out needs the session's token.
		signOutToken := csrfOf(t, page)
		if resp, _ := d.do(t, "POST", "/admin/signout", url.Values{"csrf": {"nope"}}, nil); resp.StatusCode != 403 {
			t.Errorf("sign out without the token: %d", resp.StatusCode)
		}
		if resp, _ := d.do(t, "POST", "/admin/signout", url.Values{"csrf": {signOutToken}}, nil); resp.StatusCode != 303 {
			t.Errorf("sign out: %d", resp.StatusCode)
		}
		if n := api.DB.AdminSession.Query().CountX(context.Background()); n != 0 {
			t.Errorf("%d sessions after signing out", n)
		}
		if _, page := d.do(t, "GET", "/admin", nil, nil); !strings.Contains(page, `action="/admin/signin"`) {
			t.Errorf("signed out, the dashboard still shows")
		}
		// A revoked key ends its sessions.
		d2 := newDashboardClient(t, api)
		_, page = d2.do(t, "GET", "/admin", nil, nil)
		d2.do(t, "POST", "/admin/signin", url.Values{"key": {key}, "csrf": {csrfOf(t, page)}}, nil)
		if _, page := d2.do(t, "GET", "/admin", nil, nil); !strings.Contains(page, "Sign out") {
			t.Fatalf("second sign-in failed")
		}
		if _, err := api.DB.APIKey.Update().SetRevokedAt(api.DB.APIKey.Query().FirstX(context.Background()).CreatedAt).Save(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, page := d2.do(t, "GET", "/admin", nil, nil); !strings.Contains(page, `action="/admin/signin"`) {
			t.Errorf("a revoked key's session still shows the dashboard")
		}
	})
}

// TestDashboardCookiesSecureInProduction: in production mode the cookies are Secure.
func TestDashboardCookiesSecureInProduction(t *testing.T) {
	cfg := testConfig()
	cfg.Production = true
	api := startAPIWith(t, storetest.SQLite(t), cfg, fixture)
	resp, _ := newDashboardClient(t, api).do(t, "GET", "/admin", nil, nil)
	if c := cookieNamed(resp, "storefront_admin_csrf"); c == nil || !c.Secure || !c.HttpOnly {
		t.Errorf("csrf cookie in production: %+v", c)
	}
}

// TestDashboardInChromium signs in and looks at the dashboard in a real browser, with a
// screenshot (kept with -dashboard-shot or STOREFRONT_DASHBOARD_SHOT). Needs node, Debian's
// chromium and `npm ci --prefix .ci/browser`, as TestHostedCheckoutInChromium.
func TestDashboardInChromium(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("needs node to drive Chromium (CI installs it)")
	}
	chromium := "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("needs Debian's chromium package at /usr/bin/chromium (.ci/run installs it)")
	}
	if _, err := os.Stat(filepath.Join(".ci", "browser", "node_modules", "playwright-core")); err != nil {
		t.Skip("needs `npm ci --prefix .ci/browser` (.ci/run does it)")
	}
	api := startAPI(t, storetest.SQLite(t), reportsFixture)
	key := adminKey(t, api.DB, "analytics:read")
	shot := os.Getenv("STOREFRONT_DASHBOARD_SHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "dashboard.png")
	}
	cmd := exec.Command(node, filepath.Join(".ci", "browser", "dashboard.mjs"), api.URL+"/admin", key, shot)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("browser dashboard failed: %v\n%s", err, out)
	}
	// The script prints the net sales card, the chart's point count and the CSP violations.
	for _, want := range []string{"net: 101.97 USD", "points: 7", "funnel bars: 5", "violations: 0"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("browser saw %q, want %q", out, want)
		}
	}
}
