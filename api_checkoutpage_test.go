package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"storefront/internal/storetest"
)

// TestHostedCheckout buys through the HTML pages alone, as a browser without JavaScript
// would: contact and address, delivery, test payment, confirmation.
func TestHostedCheckout(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		cfg := testConfig()
		api := startAPIWith(t, b, cfg, deliveryFixture)
		mug := variantID(t, api.DB, "mug", "Default Title")
		c := api.newCart(t, line(mug, 2))
		u, _ := url.Parse(c.CheckoutURL)
		page := api.URL + u.Path + "?" + u.RawQuery
		key := u.Query().Get("key")
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar}
		get := func(t *testing.T, target string) (int, string, string) {
			t.Helper()
			resp, err := client.Get(target)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(body), resp.Request.URL.Path
		}
		post := func(t *testing.T, path string, form url.Values) (int, string, string) {
			t.Helper()
			form.Set("key", key)
			resp, err := client.PostForm(api.URL+path, form)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(body), resp.Request.URL.Path
		}
		status, body, _ := get(t, page)
		if status != 200 || !strings.Contains(body, "19.98 USD") || !strings.Contains(body, `name="email"`) {
			t.Fatalf("checkout page: %d %s", status, body)
		}
		// A refused step shows the reason.
		_, body, _ = post(t, u.Path+"/contact", url.Values{"email": {"not an email"}})
		if !strings.Contains(body, `id="errors"`) {
			t.Fatalf("bad email accepted: %s", body)
		}
		_, body, _ = post(t, u.Path+"/contact", url.Values{"email": {"web@example.com"}, "firstName": {"Web"}, "lastName": {"Buyer"},
			"address1": {"1 Main St"}, "city": {"Springfield"}, "provinceCode": {"IL"}, "zip": {"62701"}, "countryCode": {"US"}})
		if !strings.Contains(body, `value="standard"`) {
			t.Fatalf("no delivery options after the address: %s", body)
		}
		_, body, _ = post(t, u.Path+"/delivery", url.Values{"option": {"standard"}})
		if !strings.Contains(body, "24.98 USD") { // 19.98 + 5.00 shipping
			t.Fatalf("total with shipping: %s", body)
		}
		token := between(body, `name="attemptToken" value="`, `"`)
		shown := between(body, `name="cart" value="`, `"`)
		// A declined card shows why and keeps nothing.
		_, body, _ = post(t, u.Path+"/pay", url.Values{"session": {"test_declined"}, "attemptToken": {token + "-declined"}, "cart": {shown}})
		if !strings.Contains(body, "declined") {
			t.Fatalf("declined payment page: %s", body)
		}
		if n := api.DB.Order.Query().CountX(t.Context()); n != 0 {
			t.Fatalf("a declined payment placed %d orders", n)
		}
		_, body, path := post(t, u.Path+"/pay", url.Values{"session": {"test_success"}, "attemptToken": {token}, "cart": {shown}})
		if !strings.HasPrefix(path, "/orders/status/") || !strings.Contains(body, "Order #1001 is confirmed") || !strings.Contains(body, "24.98 USD") {
			t.Fatalf("confirmation: %s %s", path, body)
		}
		// The checkout link is spent; the status page stays.
		if status, _, _ := get(t, page); status != http.StatusNotFound {
			t.Errorf("checkout page after purchase: %d", status)
		}
		if status, _, _ := get(t, api.URL+path); status != 200 {
			t.Errorf("status page: %d", status)
		}
		if status, _, _ := get(t, api.URL+"/orders/status/guess"); status != http.StatusNotFound {
			t.Errorf("guessed status page: %d", status)
		}
	})
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}

// TestHostedCheckoutInChromium buys from cart to confirmation in a real browser. It needs
// node, Debian's chromium and `npm ci --prefix .ci/browser` (.ci/run provides all three).
func TestHostedCheckoutInChromium(t *testing.T) {
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
	api := startAPI(t, storetest.SQLite(t), deliveryFixture)
	mug := variantID(t, api.DB, "mug", "Default Title")
	c := api.newCart(t, line(mug, 1))
	u, _ := url.Parse(c.CheckoutURL)
	shot := filepath.Join(t.TempDir(), "confirmation.png")
	cmd := exec.Command(node, filepath.Join(".ci", "browser", "checkout.mjs"), api.URL+u.Path+"?"+u.RawQuery, shot)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("browser checkout failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Order #1001 is confirmed") {
		t.Fatalf("browser saw: %s", out)
	}
	if n := api.DB.Order.Query().CountX(t.Context()); n != 1 {
		t.Fatalf("%d orders after the browser checkout", n)
	}
}
