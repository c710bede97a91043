package main

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/storetest"
)

// hostedCart is a cart's hosted checkout, driven the way a browser without JavaScript
// drives it: GET the page, POST its forms.
type hostedCart struct {
	api  *testAPI
	path string // /checkout/{token}
	key  string
}

func openCheckout(t testing.TB, api *testAPI, lines ...map[string]any) hostedCart {
	t.Helper()
	c := api.newCart(t, lines...)
	u, err := url.Parse(c.CheckoutURL)
	if err != nil {
		t.Fatal(err)
	}
	return hostedCart{api: api, path: u.Path, key: u.Query().Get("key")}
}

func readPage(t testing.TB, resp *http.Response, err error) (int, string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// get fetches the checkout page with extra query parameters.
func (h hostedCart) get(t testing.TB, extra url.Values) (int, string) {
	t.Helper()
	q := url.Values{"key": {h.key}}
	for k, v := range extra {
		q[k] = v
	}
	resp, err := http.Get(h.api.URL + h.path + "?" + q.Encode())
	return readPage(t, resp, err)
}

// post submits one of the page's forms (following the redirect to the page).
func (h hostedCart) post(t testing.TB, step string, form url.Values) (int, string) {
	t.Helper()
	form.Set("key", h.key)
	resp, err := http.PostForm(h.api.URL+h.path+"/"+step, form)
	return readPage(t, resp, err)
}

// zeros is an endless body of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestHostedPagesRefuseUploads: the hosted pages' forms take URL-encoded bodies of at most
// 16 KB. A multipart upload is refused with 415 before its body is read and leaves nothing
// in the temporary folder (it used to be written there, 40 MB here, without any cart key);
// a larger form is refused with 413, declared or not.
func TestHostedPagesRefuseUploads(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where multipart parsing would spill files
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		mug := variantID(t, api.DB, "mug", "Default Title")
		h := openCheckout(t, api, line(mug, 1))
		targets := []string{"/checkout/anything/contact", "/checkout/anything/delivery", "/checkout/anything/pay",
			"/checkout/anything/discount", h.path + "/contact", "/account/reset/1/anything"}
		for _, target := range targets {
			pr, pw := io.Pipe()
			mw := multipart.NewWriter(pw)
			go func() {
				err := mw.WriteField("key", h.key)
				var f io.Writer
				if err == nil {
					f, err = mw.CreateFormFile("f", "big.bin")
				}
				if err == nil {
					_, err = io.Copy(f, io.LimitReader(zeros{}, 40<<20))
				}
				if err == nil {
					err = mw.Close()
				}
				pw.CloseWithError(err)
			}()
			resp, err := http.Post(api.URL+target, mw.FormDataContentType(), pr)
			status, _ := readPage(t, resp, err)
			_ = pr.CloseWithError(io.ErrClosedPipe) // stop the writer if the server did not read it all
			if status != http.StatusUnsupportedMediaType {
				t.Errorf("multipart POST %s: status %d, want 415", target, status)
			}
		}
		entries, _ := os.ReadDir(tmp)
		for _, e := range entries {
			info, _ := e.Info()
			t.Errorf("left in the temporary folder: %s (%d bytes)", e.Name(), info.Size())
		}
		big := url.Values{"key": {h.key}, "email": {strings.Repeat("a", 20<<10) + "@example.com"}}.Encode()
		// Declared length over the limit.
		resp, err := http.Post(api.URL+h.path+"/contact", "application/x-www-form-urlencoded", strings.NewReader(big))
		if status, _ := readPage(t, resp, err); status != http.StatusRequestEntityTooLarge {
			t.Errorf("20 KB form: status %d, want 413", status)
		}
		// Chunked, so no declared length: cut off while reading.
		resp, err = http.Post(api.URL+h.path+"/contact", "application/x-www-form-urlencoded", io.MultiReader(strings.NewReader(big)))
		if status, _ := readPage(t, resp, err); status != http.StatusRequestEntityTooLarge {
			t.Errorf("20 KB chunked form: status %d, want 413", status)
		}
		for _, ct := range []string{"", "text/plain", "application/json"} {
			req, _ := http.NewRequest(http.MethodPost, api.URL+h.path+"/contact", strings.NewReader("key="+h.key+"&email=a@example.com"))
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			resp, err := http.DefaultClient.Do(req)
			if status, _ := readPage(t, resp, err); status != http.StatusUnsupportedMediaType {
				t.Errorf("content type %q: status %d, want 415", ct, status)
			}
		}
		// NUL characters (which PostgreSQL refuses) and invalid UTF-8 are bad input, not an
		// internal error.
		for _, bad := range []string{"a\x00b@example.com", "a\xffb@example.com"} {
			if status, _ := h.post(t, "contact", url.Values{"email": {bad}, "lastName": {"B\x00"}, "address1": {"1 Main St"},
				"city": {"Springfield"}, "provinceCode": {"IL"}, "countryCode": {"US"}}); status != http.StatusBadRequest {
				t.Errorf("form with %q: status %d, want 400", bad, status)
			}
		}
		// A normal form still works.
		if status, body := h.post(t, "contact", url.Values{"email": {"ok@example.com"}, "lastName": {"Buyer"}, "address1": {"1 Main St"},
			"city": {"Springfield"}, "provinceCode": {"IL"}, "countryCode": {"US"}}); status != 200 || !strings.Contains(body, `value="standard"`) {
			t.Fatalf("normal form: %d %s", status, body)
		}
	})
}

// TestHostedPagesShowOnlyTheirOwnMessages: a link cannot put text in the checkout's error
// box (it used to show ?error= as given); refused steps show the page's own texts.
func TestHostedPagesShowOnlyTheirOwnMessages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		mug := variantID(t, api.DB, "mug", "Default Title")
		h := openCheckout(t, api, line(mug, 1))
		const planted = "Your card was declined. Call +1-900-555-0100"
		status, body := h.get(t, url.Values{"error": {planted}, "errors": {planted}, "message": {planted}})
		if status != 200 || strings.Contains(body, "900-555") || strings.Contains(body, `id="errors"`) {
			t.Fatalf("planted text shown (status %d): %s", status, between(body, "<h1>", "<h2>"))
		}
		// A refused step: the page's text, not the service's, and 422.
		status, body = h.post(t, "contact", url.Values{"email": {"not an email"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(between(body, `id="errors"`, "</div></div>"), "Enter a valid email address.") {
			t.Fatalf("bad email: %d %s", status, between(body, "<h1>", "<h2>"))
		}
		if !strings.Contains(body, `value="not an email"`) {
			t.Error("the refused form lost what the buyer typed")
		}
		status, body = h.post(t, "contact", url.Values{"email": {"buyer@example.com"}, "lastName": {"B"}, "address1": {"<b>1</b> Main"},
			"city": {"Springfield"}, "provinceCode": {"IL"}, "countryCode": {"US"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Address cannot contain HTML tags.") {
			t.Fatalf("html in address: %d %s", status, between(body, "<h1>", "<h2>"))
		}
		// A declined payment's page says so in the page's words; its link cannot add text.
		h.post(t, "contact", url.Values{"email": {"buyer@example.com"}, "lastName": {"B"}, "address1": {"1 Main St"},
			"city": {"Springfield"}, "provinceCode": {"IL"}, "countryCode": {"US"}})
		_, body = h.post(t, "delivery", url.Values{"option": {"standard"}})
		token := between(body, `name="attemptToken" value="`, `"`)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.PostForm(api.URL+h.path+"/pay", url.Values{"key": {h.key}, "session": {"test_declined"}, "attemptToken": {token}, "cart": {between(body, `name="cart" value="`, `"`)}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		failed, _ := url.Parse(resp.Header.Get("Location"))
		q := failed.Query()
		q.Set("error", planted)
		resp, err = http.Get(api.URL + failed.Path + "?" + q.Encode())
		status, body = readPage(t, resp, err)
		if status != 200 || !strings.Contains(body, "Your card was declined. No payment was taken.") || strings.Contains(body, "900-555") {
			t.Fatalf("declined page: %d %s", status, body)
		}
		if !strings.Contains(body, `href="`+h.path+`?key=`) {
			t.Errorf("no way back to the checkout: %s", body)
		}
	})
}

// TestHostedCheckoutAsAShopperSeesIt: lines name the product and variant with a picture and
// price; the country is a choice among the shop's shipping countries with provinces;
// discount codes are entered and removed on the page; a link leads back to the shop; the
// favicon exists; a cart that ships nothing asks for the billing country instead of
// inventing one; stock messages name the product.
func TestHostedCheckoutAsAShopperSeesIt(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		ctx := context.Background()
		api.DB.Shop.Update().SetPrimaryDomain("https://shop.example").ExecX(ctx)
		teeS := variantID(t, api.DB, "tee", "S / Black")
		mug := variantID(t, api.DB, "mug", "Default Title")
		h := openCheckout(t, api, line(teeS, 2), line(mug, 1))
		status, body := h.get(t, nil)
		if status != 200 {
			t.Fatalf("page: %d", status)
		}
		lines := between(body, `<table id="lines">`, "</table>")
		for _, want := range []string{"Classic Tee", "S / Black", "Enamel Mug", `src="http://img.test/tee-0.png"`, `src="http://img.test/mug-0.png"`,
			"2 × 15.00 USD", "30.00 USD", "1 × 9.99 USD"} {
			if !strings.Contains(lines, want) {
				t.Errorf("order lines lack %q: %s", want, lines)
			}
		}
		if strings.Contains(body, "Default Title") {
			t.Error(`the page shows "Default Title"`)
		}
		for _, want := range []string{`<select id="countryCode"`, `<option value="US" selected>United States</option>`, `<option value="CA">Canada</option>`,
			`<select id="provinceCode"`, `<optgroup label="Canada">`, `<option value="IL">Illinois</option>`,
			`id="back-to-shop" href="https://shop.example"`, `rel="icon"`, `id="code"`} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %s", want)
			}
		}
		if strings.Contains(body, "ISO code") || strings.Contains(body, `<option value="FR"`) {
			t.Error("the country is still free text, or offers a country the shop does not ship to")
		}
		// A province that does not belong to the country is refused.
		if status, body := h.post(t, "contact", url.Values{"email": {"s@example.com"}, "lastName": {"B"}, "address1": {"1 Main St"},
			"city": {"Toronto"}, "provinceCode": {"IL"}, "countryCode": {"CA"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "state / province") {
			t.Errorf("Illinois in Canada: %d %s", status, between(body, "<h1>", "<h2>"))
		}
		// Discount codes: applied, listed with why one does not apply, removed.
		_, body = h.post(t, "discount", url.Values{"code": {"WELCOME10"}})
		if !strings.Contains(body, "Discount WELCOME10") || !strings.Contains(body, `id="total">35.99 USD`) { // 39.99 − 4.00
			t.Fatalf("WELCOME10: %s", between(body, `<table id="lines">`, "</form>"))
		}
		_, body = h.post(t, "discount", url.Values{"code": {"EXPIRED"}})
		if !strings.Contains(body, "This code is not active.") || !strings.Contains(body, `value="EXPIRED"`) {
			t.Errorf("inactive code not explained: %s", between(body, "</table>", "<h2>"))
		}
		_, body = h.post(t, "discount", url.Values{"remove": {"welcome10"}})
		if strings.Contains(body, "Discount WELCOME10") || !strings.Contains(body, `id="total">39.99 USD`) {
			t.Errorf("WELCOME10 not removed: %s", between(body, `<table id="lines">`, "</table>"))
		}
		if codes := api.cartCodes(t, h); fmt.Sprint(codes) != "[EXPIRED]" {
			t.Errorf("cart codes after the page's changes: %v", codes)
		}
		resp, err := http.Get(api.URL + "/favicon.ico")
		if status, icon := readPage(t, resp, err); status != 200 || resp.Header.Get("Content-Type") != "image/x-icon" || len(icon) < 40 {
			t.Errorf("favicon: %d %s", status, resp.Header.Get("Content-Type"))
		}
		// Stock that runs out names the product and the variant.
		h.post(t, "contact", url.Values{"email": {"s@example.com"}, "lastName": {"B"}, "address1": {"1 Main St"},
			"city": {"Springfield"}, "provinceCode": {"IL"}, "countryCode": {"US"}})
		_, body = h.post(t, "delivery", url.Values{"option": {"standard"}})
		token, shown := between(body, `name="attemptToken" value="`, `"`), between(body, `name="cart" value="`, `"`)
		api.DB.ProductVariant.Update().Where(productvariant.Title("S / Black"), productvariant.HasProductWith(product.Handle("tee"))).SetAvailable(1).ExecX(ctx)
		status, body = h.post(t, "pay", url.Values{"session": {"test_success"}, "attemptToken": {token}, "cart": {shown}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Only 1 of Classic Tee (S / Black) are available.") {
			t.Errorf("stock message: %d %s", status, between(body, "<h1>", "<h2>"))
		}

		// Nothing ships: the billing country is asked for, never made up.
		api.DB.ProductVariant.Update().Where(productvariant.HasProductWith(product.Handle("bulk"))).SetRequiresShipping(false).ExecX(ctx)
		socks := variantID(t, api.DB, "bulk", "Default Title")
		d := openCheckout(t, api, line(socks, 3))
		_, body = d.get(t, nil)
		if strings.Contains(body, `id="countryCode"`) || !strings.Contains(body, `<select id="billingCountry" name="billingCountry" required`) {
			t.Fatalf("digital cart's page: %s", body)
		}
		d.post(t, "contact", url.Values{"email": {"digital@example.com"}})
		_, body = d.get(t, nil)
		token, shown = between(body, `name="attemptToken" value="`, `"`), between(body, `name="cart" value="`, `"`)
		if status, body := d.post(t, "pay", url.Values{"session": {"test_success"}, "attemptToken": {token}, "cart": {shown}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose your billing country.") {
			t.Fatalf("no billing country: %d %s", status, between(body, "<h1>", "<h2>"))
		}
		if n := api.DB.Order.Query().CountX(ctx); n != 0 {
			t.Fatalf("%d orders without a billing country", n)
		}
		if status, body := d.post(t, "pay", url.Values{"session": {"test_success"}, "attemptToken": {token}, "cart": {shown}, "billingCountry": {"DE"}, "billingZip": {"10115"}}); status != 200 || !strings.Contains(body, "is confirmed") || !strings.Contains(body, "3 × Bulk Socks</td>") {
			t.Fatalf("digital order: %d %s", status, body)
		}
		o := api.DB.Order.Query().OnlyX(ctx)
		if o.BillingAddressID == nil {
			t.Fatal("the order has no billing address")
		}
		if a := api.DB.MailingAddress.GetX(ctx, *o.BillingAddressID); a.CountryCode == nil || *a.CountryCode != "DE" || a.Zip == nil || *a.Zip != "10115" {
			t.Errorf("billing address of the order: %+v", a)
		}
	})
}

// cartCodes reads the cart's discount codes through the API.
func (a *testAPI) cartCodes(t testing.TB, h hostedCart) []string {
	t.Helper()
	var out struct {
		Cart struct {
			DiscountCodes []struct{ Code string } `json:"discountCodes"`
		} `json:"cart"`
	}
	a.post(t, `query($id: ID!) { cart(id: $id) { discountCodes { code } } }`, map[string]any{"id": "gid://storefront/Cart/" + strings.TrimPrefix(h.path, "/checkout/") + "?key=" + h.key}).decode(t, &out)
	var codes []string
	for _, c := range out.Cart.DiscountCodes {
		codes = append(codes, c.Code)
	}
	return codes
}
