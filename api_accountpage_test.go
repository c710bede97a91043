package main

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	customerpkg "storefront/internal/customer"
	"storefront/internal/storetest"
)

// resetLinkFor asks for a recovery mail and returns the link it carries.
func resetLinkFor(t testing.TB, api *testAPI, mailer *customerpkg.LogMailer, email, prefix string) string {
	t.Helper()
	before := len(mailer.Sent())
	api.customerOp(t, "customerRecover(email: $email)", custFields, map[string]any{"email": email})
	sent := mailer.Sent()
	if len(sent) != before+1 {
		t.Fatalf("%d recovery mails", len(sent)-before)
	}
	body := sent[len(sent)-1].Body
	i := strings.Index(body, prefix)
	if i < 0 {
		t.Fatalf("no %s link in the mail: %s", prefix, body)
	}
	return strings.Fields(body[i:])[0]
}

// signInFails reports whether a sign-in with these credentials is refused.
func signInFails(t testing.TB, api *testAPI, email, password string) bool {
	t.Helper()
	p := api.customerOp(t, "customerAccessTokenCreate(input: $signin)", "customerAccessToken { accessToken } "+custFields, map[string]any{"signin": map[string]any{"email": email, "password": password}})
	return p.CustomerAccessToken == nil
}

// TestHostedPasswordReset follows the link of a recovery mail (it used to lead to a 404)
// to the hosted reset page and changes the password with plain form posts, as a browser
// without JavaScript would; the link then no longer works.
func TestHostedPasswordReset(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		mailer := &customerpkg.LogMailer{}
		cfg := testConfig()
		cfg.Mailer = mailer
		api := startAPIWith(t, b, cfg, fixture)
		createCustomer(t, api, "page@example.com", "old password 1")
		link := resetLinkFor(t, api, mailer, "page@example.com", "http://shop.test/account/reset/")
		path := strings.TrimPrefix(link, "http://shop.test")
		resp, err := http.Get(api.URL + path)
		status, body := readPage(t, resp, err)
		if status != 200 || !strings.Contains(body, `action="`+path+`"`) || !strings.Contains(body, `name="passwordConfirmation"`) {
			t.Fatalf("reset page: %d %s", status, body)
		}
		if resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Set-Cookie") != "" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("reset page headers: %v", resp.Header)
		}
		post := func(form url.Values) (int, string) {
			resp, err := http.PostForm(api.URL+path, form)
			return readPage(t, resp, err)
		}
		for _, tt := range []struct {
			password, again, want string
		}{
			{"new password 2", "new password 3", "The two passwords do not match."},
			{"short", "short", "Use at least 8 characters."},
			{" spaced password ", " spaced password ", "The password cannot start or end with a space."},
		} {
			status, body := post(url.Values{"password": {tt.password}, "passwordConfirmation": {tt.again}})
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, tt.want) {
				t.Errorf("%q/%q: %d %s", tt.password, tt.again, status, body)
			}
		}
		if signInFails(t, api, "page@example.com", "old password 1") {
			t.Fatal("a refused form changed the password")
		}
		status, body = post(url.Values{"password": {"new password 2"}, "passwordConfirmation": {"new password 2"}})
		if status != 200 || !strings.Contains(body, `id="done">Your password has been changed`) {
			t.Fatalf("reset: %d %s", status, body)
		}
		signIn(t, api, "page@example.com", "new password 2")
		if !signInFails(t, api, "page@example.com", "old password 1") {
			t.Error("the old password still works")
		}
		// The link is spent.
		resp, err = http.Get(api.URL + path)
		if status, body := readPage(t, resp, err); status != http.StatusNotFound || !strings.Contains(body, "This link has expired") {
			t.Errorf("used link: %d %s", status, body)
		}
		if status, _ := post(url.Values{"password": {"third password 3"}, "passwordConfirmation": {"third password 3"}}); status != http.StatusNotFound {
			t.Errorf("used link posted again: %d", status)
		}
		signIn(t, api, "page@example.com", "new password 2")
		for _, p := range []string{"/account/reset/abc/" + strings.Repeat("a", 64), "/account/reset/01/x", "/account/reset/1/" + strings.Repeat("0", 64)} {
			resp, err := http.Get(api.URL + p)
			if status, _ := readPage(t, resp, err); status != http.StatusNotFound {
				t.Errorf("%s: %d", p, status)
			}
		}
	})
}

// TestResetURLTemplate: a storefront with its own reset page sets the link recovery mail
// carries; customerResetByUrl takes such links; a template without both placeholders is
// refused at start.
func TestResetURLTemplate(t *testing.T) {
	cfg, _, err := loadConfig("test", nil, func(k string) string {
		return map[string]string{"STOREFRONT_RESET_URL": "https://shop.example/pages/reset?customer={id}&token={token}"}[k]
	})
	if err != nil || cfg.ResetURL != "https://shop.example/pages/reset?customer={id}&token={token}" {
		t.Fatalf("STOREFRONT_RESET_URL: %q %v", cfg.ResetURL, err)
	}
	for _, bad := range []string{"https://shop.example/reset/{id}", "/account/reset/{id}/{token}", "https://shop.example/{token}/{token}/{id}"} {
		if _, _, err := loadConfig("test", []string{"-reset-url", bad}, func(string) string { return "" }); err == nil {
			t.Errorf("-reset-url %s accepted", bad)
		}
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		mailer := &customerpkg.LogMailer{}
		cfg := testConfig()
		cfg.Mailer = mailer
		cfg.ResetURL = "https://shop.example/pages/reset?customer={id}&token={token}"
		api := startAPIWith(t, b, cfg, fixture)
		createCustomer(t, api, "own@example.com", "old password 1")
		link := resetLinkFor(t, api, mailer, "own@example.com", "https://shop.example/pages/reset?customer=")
		ok := api.customerOp(t, "customerResetByUrl(password: $password, resetUrl: $url)", "customer { email } customerAccessToken { accessToken } "+custFields, map[string]any{"password": "new password 2", "url": link})
		if ok.Customer == nil || ok.CustomerAccessToken == nil {
			t.Fatalf("customerResetByUrl with the storefront's link: %+v %s", ok.custPayload, ok.errs.Raw)
		}
		signIn(t, api, "own@example.com", "new password 2")
		// Shopify storefronts rebuild /account/reset/<id>/<token> links: still taken.
		link = resetLinkFor(t, api, mailer, "own@example.com", "https://shop.example/pages/reset?customer=")
		u, _ := url.Parse(link)
		rebuilt := "https://elsewhere.example/account/reset/" + u.Query().Get("customer") + "/" + u.Query().Get("token")
		ok = api.customerOp(t, "customerResetByUrl(password: $password, resetUrl: $url)", "customer { email } "+custFields, map[string]any{"password": "third password 3", "url": rebuilt})
		if ok.Customer == nil {
			t.Fatalf("customerResetByUrl with a rebuilt link: %+v %s", ok.custPayload, ok.errs.Raw)
		}
	})
}

// TestPasswordResetInChromium resets a password on the hosted page in a real browser with
// JavaScript switched off. It needs node, Debian's chromium and `npm ci --prefix .ci/browser`
// (.ci/run provides all three). STOREFRONT_SCREENSHOTS=DIR keeps its screenshots.
func TestPasswordResetInChromium(t *testing.T) {
	node, chromium := browserTools(t)
	mailer := &customerpkg.LogMailer{}
	cfg := testConfig()
	cfg.Mailer = mailer
	api := startAPIWith(t, storetest.SQLite(t), cfg, fixture)
	createCustomer(t, api, "chrome@example.com", "old password 1")
	link := resetLinkFor(t, api, mailer, "chrome@example.com", "http://shop.test/account/reset/")
	dir := os.Getenv("STOREFRONT_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	cmd := exec.Command(node, filepath.Join(".ci", "browser", "reset.mjs"), api.URL+strings.TrimPrefix(link, "http://shop.test"), "chromium password 9",
		filepath.Join(dir, "reset-form.png"), filepath.Join(dir, "reset-done.png"))
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("browser reset failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Your password has been changed") {
		t.Fatalf("browser saw: %s", out)
	}
	signIn(t, api, "chrome@example.com", "chromium password 9")
}

// browserTools finds node and Chromium with playwright-core, or skips the test.
func browserTools(t *testing.T) (node, chromium string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("needs node to drive Chromium (CI installs it)")
	}
	chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("needs Debian's chromium package at /usr/bin/chromium (.ci/run installs it)")
	}
	if _, err := os.Stat(filepath.Join(".ci", "browser", "node_modules", "playwright-core")); err != nil {
		t.Skip("needs `npm ci --prefix .ci/browser` (.ci/run does it)")
	}
	return node, chromium
}
