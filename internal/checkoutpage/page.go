// Package checkoutpage serves the hosted checkout at a cart's checkoutUrl: server-rendered
// HTML that works without JavaScript and takes a buyer from contact and address through
// delivery and payment to the order confirmation, using the same cart and checkout
// services as the API. It also serves the order status page.
package checkoutpage

import (
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"storefront/ent"
	"storefront/ent/completionattempt"
	"storefront/ent/fulfillment"
	entorder "storefront/ent/order"
	"storefront/ent/orderline"
	"storefront/internal/cart"
	"storefront/internal/checkout"
	"storefront/internal/money"
	"storefront/internal/store"
	"storefront/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"money": func(amount int64, currency string) string { return money.Format(amount, currency) + " " + currency },
	"deref": func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	},
}).ParseFS(templates, "templates/*.html"))

// Handler serves the checkout and order status pages.
type Handler struct {
	DB       *store.DB
	Carts    *cart.Service
	Checkout *checkout.Service
	Log      *slog.Logger
	// TestSessions are offered as payment choices (the test provider's session IDs);
	// empty when no test provider runs.
	TestSessions []string
	// StripePublishableKey, set when Stripe is the payment provider, shows Stripe's
	// Payment Element: the buyer's browser turns the card into a PaymentMethod with
	// Stripe.js (the one external script the pages load) and posts only its ID.
	StripePublishableKey string
}

//go:embed assets/stripe-payment.js
var stripeScript []byte

// stripeCSP is the checkout page's Content-Security-Policy with Stripe's Payment Element:
// PageHeaders' policy plus Stripe.js, its frames and its API, as Stripe documents them.
const stripeCSP = "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; " +
	"script-src 'self' https://js.stripe.com https://*.js.stripe.com; frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com; " +
	"connect-src https://api.stripe.com; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Register mounts the pages on mux. Every form handler reads its body through web.Form:
// URL-encoded only, at most web.MaxFormBytes, never multipart and never to disk.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /checkout/{token}", h.show)
	mux.HandleFunc("POST /checkout/{token}/contact", h.form(h.contact))
	mux.HandleFunc("POST /checkout/{token}/delivery", h.form(h.delivery))
	mux.HandleFunc("POST /checkout/{token}/discount", h.form(h.discount))
	mux.HandleFunc("POST /checkout/{token}/pay", h.form(h.pay))
	mux.HandleFunc("GET /checkout/attempts/{id}", h.attempt)
	mux.HandleFunc("GET /orders/status/{token}", h.status)
	mux.HandleFunc("GET /favicon.ico", Favicon)
	mux.HandleFunc("GET /checkout/assets/stripe-payment.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(stripeScript)
	})
}

// step handles one form of the checkout for the cart it names, with the posted form.
type step func(w http.ResponseWriter, r *http.Request, c *cart.Cart, form url.Values)

// form reads the posted form (refusing other content types and large bodies before
// reading them) and loads the cart named by the path token and the form's key.
func (h *Handler) form(next step) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		form, ok := web.Form(w, r, web.MaxFormBytes)
		if !ok {
			return
		}
		c, err := h.Carts.Get(r.Context(), cart.FormatID(r.PathValue("token"), form.Get("key")))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if c == nil {
			h.notFound(w)
			return
		}
		next(w, r, c, form)
	}
}

// view is what checkout.html shows.
type view struct {
	Cart         *cart.Cart
	Key          string
	Shop         shopLink
	Lines        []lineView
	Codes        []codeView
	Errors       []string
	Address      cart.Address
	Email        string
	AttemptToken string
	Sessions     []string
	// StripeKey is the publishable key of the Payment Element ("" without Stripe), and
	// StripeCurrency the cart's currency as Stripe.js wants it.
	StripeKey      string
	StripeCurrency string
	Shipping       bool
	Countries      []region
	Provinces      []provinceGroup
	// BillingCountries are offered when nothing ships (the billing country is asked for
	// instead of taken from a delivery address).
	BillingCountries []region
	Billing          cart.Address
	// Fingerprint is the cart's as shown: the payment form posts it back, and paying is
	// refused when the cart changed since.
	Fingerprint string
}

// shopLink is the way back to the storefront.
type shopLink struct {
	Name, URL string
}

// codeView is an entered discount code and why it does not apply ("" when it does).
type codeView struct {
	Code, Problem string
}

func (h *Handler) render(w http.ResponseWriter, name string, status int, data any) {
	web.PageHeaders(w.Header())
	if name == "checkout.html" && h.StripePublishableKey != "" {
		w.Header().Set("Content-Security-Policy", stripeCSP)
	}
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, data); err != nil && h.Log != nil {
		h.Log.Error("render checkout page", "page", name, "error", err.Error())
	}
}

func (h *Handler) notFound(w http.ResponseWriter) {
	h.render(w, "gone.html", http.StatusNotFound, nil)
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if h.Log != nil {
		h.Log.ErrorContext(r.Context(), "checkout page failed", "error", err.Error())
	}
	h.render(w, "gone.html", http.StatusInternalServerError, map[string]string{"Message": "Something went wrong. Please try again."})
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// show serves the checkout page. It reads only the query's key: whatever else a link
// carries (an "error" text, say) is not shown.
func (h *Handler) show(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("key")
	c, err := h.Carts.Get(r.Context(), cart.FormatID(r.PathValue("token"), key))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if c == nil {
		h.notFound(w)
		return
	}
	h.Carts.CheckoutViewed(r.Context(), c)
	h.page(w, r, c, http.StatusOK, nil, nil)
}

// page renders the checkout for c, with the page's own error texts; entered (when not
// nil) is the form the buyer just posted, shown again so nothing typed is lost.
func (h *Handler) page(w http.ResponseWriter, r *http.Request, c *cart.Cart, status int, errs []string, entered url.Values) {
	v, err := h.view(r, c)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Errors = errs
	if entered != nil {
		v.Email = strings.TrimSpace(entered.Get("email"))
		if entered.Has("countryCode") {
			v.Address = addressOf(entered)
		}
		if entered.Has("billingCountry") {
			v.Billing.CountryCode = entered.Get("billingCountry")
			v.Billing.Zip = entered.Get("billingZip")
		}
	}
	h.render(w, "checkout.html", status, v)
}

// view gathers what the checkout page shows: lines with their products, the countries
// the shop ships to, the entered codes, the way back to the shop.
func (h *Handler) view(r *http.Request, c *cart.Cart) (*view, error) {
	ctx := r.Context()
	v := &view{Cart: c, Key: c.Key, AttemptToken: newToken(), Sessions: h.TestSessions, Shipping: c.NeedsShipping(), Fingerprint: c.Fingerprint(),
		StripeKey: h.StripePublishableKey, StripeCurrency: strings.ToLower(c.Currency)}
	if c.Email != nil {
		v.Email = *c.Email
	}
	for _, a := range c.Addresses {
		if a.Selected {
			v.Address = cart.Snapshot(a)
		}
	}
	if c.BillingAddress != nil {
		v.Billing = *c.BillingAddress
	}
	var err error
	if v.Lines, err = h.lines(ctx, c); err != nil {
		return nil, err
	}
	for _, cs := range c.Codes {
		cv := codeView{Code: cs.Code}
		if !cs.Applicable {
			if cv.Problem = discountTexts[cs.Warning]; cv.Problem == "" {
				cv.Problem = "This code does not apply."
			}
		}
		v.Codes = append(v.Codes, cv)
	}
	shop, err := h.DB.Shop.Query().Order(ent.Asc("id")).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, fmt.Errorf("load shop: %w", err)
	}
	if shop != nil {
		v.Shop.Name = shop.Name
		if shop.PrimaryDomain != nil && isWebURL(*shop.PrimaryDomain) {
			v.Shop.URL = *shop.PrimaryDomain
		}
	}
	if v.Shipping {
		if v.Countries, err = shipCountries(ctx, h.DB, shop); err != nil {
			return nil, err
		}
		v.Provinces = provinceGroups(v.Countries)
		if v.Address.CountryCode == "" && shop != nil && hasRegion(v.Countries, shop.CountryCode) {
			v.Address.CountryCode = shop.CountryCode
		}
	} else {
		v.BillingCountries = allCountries
	}
	return v, nil
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func addressOf(f url.Values) cart.Address {
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	return cart.Address{FirstName: get("firstName"), LastName: get("lastName"), Address1: get("address1"),
		Address2: get("address2"), City: get("city"), ProvinceCode: strings.ToUpper(get("provinceCode")),
		Zip: get("zip"), CountryCode: strings.ToUpper(get("countryCode")), Phone: get("phone")}
}

// back redirects to the checkout page after a step that was accepted.
func back(w http.ResponseWriter, r *http.Request, c *cart.Cart) {
	http.Redirect(w, r, "/checkout/"+url.PathEscape(c.Token)+"?"+url.Values{"key": {c.Key}}.Encode(), http.StatusSeeOther)
}

// refused shows the checkout again with the page's texts for a step's user errors.
func (h *Handler) refused(w http.ResponseWriter, r *http.Request, c *cart.Cart, errs []cart.UserError, entered url.Values) {
	texts := make([]string, 0, len(errs))
	for _, e := range errs {
		texts = appendOnce(texts, cartErrorText(e))
	}
	h.again(w, r, c, texts, entered)
}

// again reloads the cart (a refused step may have changed part of it) and shows the page
// with texts, answering 422.
func (h *Handler) again(w http.ResponseWriter, r *http.Request, c *cart.Cart, texts []string, entered url.Values) {
	fresh, err := h.Carts.Get(r.Context(), c.GlobalID())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if fresh == nil {
		h.notFound(w)
		return
	}
	h.page(w, r, fresh, http.StatusUnprocessableEntity, texts, entered)
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func (h *Handler) contact(w http.ResponseWriter, r *http.Request, c *cart.Cart, form url.Values) {
	id := c.GlobalID()
	email := strings.TrimSpace(form.Get("email"))
	if email == "" {
		h.again(w, r, c, []string{submissionTexts["BUYER_IDENTITY_EMAIL_REQUIRED"]}, form)
		return
	}
	res, err := h.Carts.UpdateBuyerIdentity(r.Context(), id, cart.BuyerIdentity{Email: &email})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(res.UserErrors) > 0 {
		h.refused(w, r, c, res.UserErrors, form)
		return
	}
	if c.NeedsShipping() {
		a := addressOf(form)
		if ps := provinces[a.CountryCode]; len(ps) > 0 && !provinceKnown(a.CountryCode, a.ProvinceCode) {
			h.again(w, r, c, []string{"Choose the state / province of the address."}, form)
			return
		} else if len(ps) == 0 {
			a.ProvinceCode = "" // a province chosen for another country
		}
		res, err = h.Carts.AddDeliveryAddresses(r.Context(), id, []cart.DeliveryAddressInput{{Address: a, Selected: true, Strict: true}})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if len(res.UserErrors) > 0 {
			h.refused(w, r, c, res.UserErrors, form)
			return
		}
	}
	back(w, r, c)
}

func (h *Handler) delivery(w http.ResponseWriter, r *http.Request, c *cart.Cart, form url.Values) {
	if c.Group == nil {
		h.again(w, r, c, []string{submissionTexts["DELIVERY_ADDRESS_REQUIRED"]}, nil)
		return
	}
	res, err := h.Carts.SelectDeliveryOptions(r.Context(), c.GlobalID(), []cart.SelectedDelivery{{GroupID: cart.GroupID(c.Group.Address.ID), Handle: form.Get("option")}})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(res.UserErrors) > 0 {
		h.refused(w, r, c, res.UserErrors, nil)
		return
	}
	back(w, r, c)
}

// discount applies the posted code (code) or removes an entered one (remove) through the
// cart service; a code that does not apply stays listed with the reason.
func (h *Handler) discount(w http.ResponseWriter, r *http.Request, c *cart.Cart, form url.Values) {
	codes := append([]string{}, c.DiscountCodes...)
	if rm := form.Get("remove"); rm != "" {
		codes = codes[:0]
		for _, code := range c.DiscountCodes {
			if !strings.EqualFold(code, rm) {
				codes = append(codes, code)
			}
		}
	} else if code := strings.TrimSpace(form.Get("code")); code != "" {
		codes = append(codes, code)
	} else {
		h.again(w, r, c, []string{"Enter a discount code."}, nil)
		return
	}
	res, err := h.Carts.UpdateDiscountCodes(r.Context(), c.GlobalID(), codes)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(res.UserErrors) > 0 {
		h.refused(w, r, c, res.UserErrors, nil)
		return
	}
	back(w, r, c)
}

// msgCartChanged is shown when the payment form was posted for a cart that changed since
// the page showed it.
const msgCartChanged = "Your cart changed since this page was shown: review it and pay again."

func (h *Handler) pay(w http.ResponseWriter, r *http.Request, c *cart.Cart, form url.Values) {
	// The buyer pays for the cart as the page showed it, or not at all.
	confirmed := form.Get("cart")
	if confirmed != c.Fingerprint() {
		h.again(w, r, c, []string{msgCartChanged}, nil)
		return
	}
	var billing cart.Address
	switch {
	case c.Group != nil:
		billing = cart.Snapshot(c.Group.Address)
	case c.NeedsShipping():
		h.again(w, r, c, []string{submissionTexts["DELIVERY_ADDRESS_REQUIRED"]}, nil)
		return
	default:
		// Nothing ships: the buyer says where they are billed; nothing is made up.
		billing = cart.Address{CountryCode: strings.ToUpper(strings.TrimSpace(form.Get("billingCountry"))), Zip: strings.TrimSpace(form.Get("billingZip"))}
		if !hasRegion(allCountries, billing.CountryCode) {
			h.again(w, r, c, []string{"Choose your billing country."}, form)
			return
		}
	}
	in := cart.PaymentInput{Amount: money.Format(c.Charge, c.Currency), Currency: c.Currency, BillingAddress: billing}
	if c.Charge > 0 {
		in.Direct, in.SessionID = true, form.Get("session")
	}
	res, err := h.Carts.UpdatePayment(r.Context(), c.GlobalID(), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(res.UserErrors) > 0 {
		h.refused(w, r, c, res.UserErrors, form)
		return
	}
	sub, err := h.Checkout.SubmitConfirmed(r.Context(), c.GlobalID(), form.Get("attemptToken"), confirmed)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(sub.UserErrors) > 0 {
		h.refused(w, r, c, sub.UserErrors, form)
		return
	}
	if len(sub.Errors) > 0 {
		codes := make([]string, len(sub.Errors))
		for i, e := range sub.Errors {
			codes[i] = e.Code
		}
		texts, err := h.completionTexts(r, c, codes)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.again(w, r, c, texts, form)
		return
	}
	q := url.Values{"cart": {c.Token}, "key": {c.Key}}
	http.Redirect(w, r, "/checkout/attempts/"+url.PathEscape(sub.AttemptID)+"?"+q.Encode(), http.StatusSeeOther)
}

// completionTexts are the page's texts for submission or completion error codes; stock
// codes name the products of c (when known) that are short.
func (h *Handler) completionTexts(r *http.Request, c *cart.Cart, codes []string) ([]string, error) {
	var texts []string
	stock := false
	for _, code := range codes {
		switch {
		case isStockCode(code):
			if !stock && c != nil {
				lines, err := h.lines(r.Context(), c)
				if err != nil {
					return nil, err
				}
				for _, t := range stockTexts(lines) {
					texts = appendOnce(texts, t)
				}
			} else if c == nil {
				texts = appendOnce(texts, "An item in your cart is no longer available in the quantity you chose.")
			}
			stock = true
		case submissionTexts[code] != "":
			texts = appendOnce(texts, submissionTexts[code])
		default:
			texts = appendOnce(texts, genericText)
		}
	}
	return texts, nil
}

func (h *Handler) attempt(w http.ResponseWriter, r *http.Request) {
	a, orderURL, err := h.Checkout.Attempt(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if a == nil {
		h.notFound(w)
		return
	}
	switch a.Status {
	case completionattempt.StatusSUCCESS:
		// The status page is on this server: redirect by path, whatever the public URL.
		target := orderURL
		if u, err := url.Parse(orderURL); err == nil {
			target = u.Path
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	case completionattempt.StatusFAILED:
		// The attempt's error codes, in the page's words; the cart (when the link names it
		// with its key) lets stock messages name the products.
		q := r.URL.Query()
		var c *cart.Cart
		if q.Get("cart") == a.CartToken {
			if c, err = h.Carts.Get(r.Context(), cart.FormatID(a.CartToken, q.Get("key"))); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		codes := make([]string, len(a.Errors))
		for i, e := range a.Errors {
			codes[i] = e.Code
		}
		texts, err := h.completionTexts(r, c, codes)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		data := map[string]any{"Errors": texts}
		if c != nil {
			data["Back"] = "/checkout/" + url.PathEscape(c.Token) + "?" + url.Values{"key": {c.Key}}.Encode()
		}
		h.render(w, "failed.html", http.StatusOK, data)
	case completionattempt.StatusACTION_REQUIRED:
		// The payment waits for the buyer's bank (3-D Secure): Stripe sends them back here.
		if a.ActionURL != nil && strings.HasPrefix(*a.ActionURL, "https://") {
			http.Redirect(w, r, *a.ActionURL, http.StatusSeeOther)
			return
		}
		h.render(w, "processing.html", http.StatusOK, nil)
	default:
		h.render(w, "processing.html", http.StatusOK, nil)
	}
}

func (h *Handler) status(w http.ResponseWriter, r *http.Request) {
	o, err := h.DB.Order.Query().Where(entorder.StatusToken(r.PathValue("token"))).Only(r.Context())
	if ent.IsNotFound(err) {
		h.notFound(w)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lines, err := h.DB.OrderLine.Query().Where(orderline.OrderID(o.ID)).Order(ent.Asc(orderline.FieldPosition)).All(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ship *ent.MailingAddress
	if o.ShippingAddressID != nil {
		ship, _ = h.DB.MailingAddress.Get(r.Context(), *o.ShippingAddressID)
	}
	fs, err := h.DB.Fulfillment.Query().Where(fulfillment.OrderID(o.ID), fulfillment.StatusEQ(fulfillment.StatusSUCCESS)).Order(ent.Asc(fulfillment.FieldID)).All(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	type shipped struct {
		Quantity int
		Title    string
	}
	type shipment struct {
		Fulfillment *ent.Fulfillment
		Lines       []shipped
	}
	titles := map[int]string{}
	for _, l := range lines {
		titles[l.ID] = l.Title
	}
	var shipments []shipment
	trackingURLs := map[string]string{}
	for _, f := range fs {
		sh := shipment{Fulfillment: f}
		for _, l := range f.Lines {
			sh.Lines = append(sh.Lines, shipped{Quantity: l.Quantity, Title: titles[l.OrderLineID]})
		}
		for i, n := range f.TrackingNumbers {
			if i < len(f.TrackingUrls) {
				trackingURLs[n] = f.TrackingUrls[i]
			}
		}
		shipments = append(shipments, sh)
	}
	h.render(w, "status.html", http.StatusOK, map[string]any{"Order": o, "Lines": lines, "Ship": ship, "Shipments": shipments, "TrackingURLs": trackingURLs})
}
