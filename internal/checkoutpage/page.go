// Package checkoutpage serves the hosted checkout at a cart's checkoutUrl: server-rendered
// HTML that works without JavaScript and takes a buyer from contact and address through
// delivery and payment to the order confirmation, using the same cart and checkout
// services as the API. It also serves the order status page.
package checkoutpage

import (
	"crypto/rand"
	"embed"
	"encoding/hex"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"storefront/ent"
	"storefront/ent/completionattempt"
	entorder "storefront/ent/order"
	"storefront/ent/orderline"
	"storefront/internal/cart"
	"storefront/internal/checkout"
	"storefront/internal/money"
	"storefront/internal/store"
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
}

// Register mounts the pages on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /checkout/{token}", h.show)
	mux.HandleFunc("POST /checkout/{token}/contact", h.contact)
	mux.HandleFunc("POST /checkout/{token}/delivery", h.delivery)
	mux.HandleFunc("POST /checkout/{token}/pay", h.pay)
	mux.HandleFunc("GET /checkout/attempts/{id}", h.attempt)
	mux.HandleFunc("GET /orders/status/{token}", h.status)
}

type view struct {
	Cart         *cart.Cart
	Key          string
	Errors       []string
	Address      cart.Address
	Email        string
	AttemptToken string
	Sessions     []string
	Shipping     bool
	// Fingerprint is the cart's as shown: the payment form posts it back, and paying is
	// refused when the cart changed since.
	Fingerprint string
}

func (h *Handler) render(w http.ResponseWriter, name string, status int, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
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

// cartOf loads the cart named by the path token and the key (query or form).
func (h *Handler) cartOf(r *http.Request) (*cart.Cart, string, error) {
	key := r.FormValue("key")
	c, err := h.Carts.Get(r.Context(), cart.FormatID(r.PathValue("token"), key))
	return c, key, err
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request) {
	c, key, err := h.cartOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if c == nil {
		h.notFound(w)
		return
	}
	v := view{Cart: c, Key: key, AttemptToken: newToken(), Sessions: h.TestSessions, Shipping: c.NeedsShipping(), Fingerprint: c.Fingerprint()}
	if c.Email != nil {
		v.Email = *c.Email
	}
	for _, a := range c.Addresses {
		if a.Selected {
			v.Address = cart.Snapshot(a)
		}
	}
	if msg := r.URL.Query().Get("error"); msg != "" {
		v.Errors = strings.Split(msg, "\n")
	}
	h.render(w, "checkout.html", http.StatusOK, v)
}

// back redirects to the checkout page, with error messages when a step was refused.
func back(w http.ResponseWriter, r *http.Request, key string, errs []string) {
	q := url.Values{"key": {key}}
	if len(errs) > 0 {
		q.Set("error", strings.Join(errs, "\n"))
	}
	http.Redirect(w, r, "/checkout/"+r.PathValue("token")+"?"+q.Encode(), http.StatusSeeOther)
}

func messages(errs []cart.UserError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Message
	}
	return out
}

func (h *Handler) contact(w http.ResponseWriter, r *http.Request) {
	c, key, err := h.cartOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if c == nil {
		h.notFound(w)
		return
	}
	id := c.GlobalID()
	email := strings.TrimSpace(r.FormValue("email"))
	res, err := h.Carts.UpdateBuyerIdentity(r.Context(), id, cart.BuyerIdentity{Email: &email})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(res.UserErrors) > 0 {
		back(w, r, key, messages(res.UserErrors))
		return
	}
	if c.NeedsShipping() {
		a := cart.Address{FirstName: r.FormValue("firstName"), LastName: r.FormValue("lastName"), Address1: r.FormValue("address1"),
			Address2: r.FormValue("address2"), City: r.FormValue("city"), ProvinceCode: strings.ToUpper(r.FormValue("provinceCode")),
			Zip: r.FormValue("zip"), CountryCode: strings.ToUpper(r.FormValue("countryCode")), Phone: r.FormValue("phone")}
		res, err = h.Carts.AddDeliveryAddresses(r.Context(), id, []cart.DeliveryAddressInput{{Address: a, Selected: true, Strict: true}})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if len(res.UserErrors) > 0 {
			back(w, r, key, messages(res.UserErrors))
			return
		}
	}
	back(w, r, key, nil)
}

func (h *Handler) delivery(w http.ResponseWriter, r *http.Request) {
	c, key, err := h.cartOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if c == nil {
		h.notFound(w)
		return
	}
	if c.Group == nil {
		back(w, r, key, []string{"Enter a delivery address first."})
		return
	}
	res, err := h.Carts.SelectDeliveryOptions(r.Context(), c.GlobalID(), []cart.SelectedDelivery{{GroupID: cart.GroupID(c.Group.Address.ID), Handle: r.FormValue("option")}})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	back(w, r, key, messages(res.UserErrors))
}

const msgCartChanged = "Your cart changed since this page was shown: review it and pay again."

func (h *Handler) pay(w http.ResponseWriter, r *http.Request) {
	c, key, err := h.cartOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if c == nil {
		h.notFound(w)
		return
	}
	// The buyer pays for the cart as the page showed it, or not at all.
	confirmed := r.FormValue("cart")
	if confirmed != c.Fingerprint() {
		back(w, r, key, []string{msgCartChanged})
		return
	}
	billing := cart.Address{CountryCode: "US"}
	if c.Group != nil {
		billing = cart.Snapshot(c.Group.Address)
	}
	in := cart.PaymentInput{Amount: money.Format(c.Cost.Total, c.Currency), Currency: c.Currency, BillingAddress: billing}
	if c.Cost.Total > 0 {
		in.Direct, in.SessionID = true, r.FormValue("session")
	}
	res, err := h.Carts.UpdatePayment(r.Context(), c.GlobalID(), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(res.UserErrors) > 0 {
		back(w, r, key, messages(res.UserErrors))
		return
	}
	sub, err := h.Checkout.SubmitConfirmed(r.Context(), c.GlobalID(), r.FormValue("attemptToken"), confirmed)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(sub.UserErrors) > 0 {
		back(w, r, key, messages(sub.UserErrors))
		return
	}
	if len(sub.Errors) > 0 {
		msgs := make([]string, len(sub.Errors))
		for i, e := range sub.Errors {
			msgs[i] = e.Message
		}
		back(w, r, key, msgs)
		return
	}
	q := url.Values{"cart": {r.PathValue("token")}, "key": {key}}
	http.Redirect(w, r, "/checkout/attempts/"+sub.AttemptID+"?"+q.Encode(), http.StatusSeeOther)
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
		var msgs []string
		for _, e := range a.Errors {
			msgs = append(msgs, e.Message)
		}
		h.render(w, "failed.html", http.StatusOK, map[string]any{"Errors": msgs, "Back": "/checkout/" + r.URL.Query().Get("cart") + "?key=" + url.QueryEscape(r.URL.Query().Get("key"))})
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
	h.render(w, "status.html", http.StatusOK, map[string]any{"Order": o, "Lines": lines, "Ship": ship})
}
