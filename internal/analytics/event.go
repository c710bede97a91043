// Package analytics owns behaviour tracking: the events storefronts send (POST /events) and
// the ones the server records itself (carts, checkouts, orders, customers, searches), their
// buffered write path, the raw event log with its retention, the daily rollups kept
// incrementally in the shop's time zone, the reports read from those rollups
// (conversion funnel, traffic, searches) and the erasure of a customer's events.
package analytics

import (
	"net/url"
	"strings"
	"time"
)

// The names of Shopify's standard customer events, the only ones POST /events takes.
const (
	PageViewed                    = "page_viewed"
	ProductViewed                 = "product_viewed"
	CollectionViewed              = "collection_viewed"
	SearchSubmitted               = "search_submitted"
	ProductAddedToCart            = "product_added_to_cart"
	ProductRemovedFromCart        = "product_removed_from_cart"
	CartViewed                    = "cart_viewed"
	CheckoutStarted               = "checkout_started"
	CheckoutContactInfoSubmitted  = "checkout_contact_info_submitted"
	CheckoutShippingInfoSubmitted = "checkout_shipping_info_submitted"
	PaymentInfoSubmitted          = "payment_info_submitted"
	CheckoutCompleted             = "checkout_completed"
)

// Names the server records itself besides the standard ones it shares with storefronts
// (search_submitted, product_added_to_cart, product_removed_from_cart, checkout_started,
// checkout_completed).
const (
	CartCreated     = "cart_created"
	CustomerCreated = "customer_created"
	CustomerSignIn  = "customer_signed_in"
)

// StandardNames are the event names POST /events accepts.
var StandardNames = []string{PageViewed, ProductViewed, CollectionViewed, SearchSubmitted,
	ProductAddedToCart, ProductRemovedFromCart, CartViewed, CheckoutStarted,
	CheckoutContactInfoSubmitted, CheckoutShippingInfoSubmitted, PaymentInfoSubmitted, CheckoutCompleted}

// Sources of events.
const (
	SourceClient = "client"
	SourceServer = "server"
)

// Event is one tracked event as it is stored. IDs are the database's (0 when not given).
type Event struct {
	Name   string
	Source string
	At     time.Time
	// ClientID and SessionID are the visitor's and session's IDs, kept only with analytics
	// consent.
	ClientID, SessionID string
	// CartKey ties server events about one cart together (a keyed hash of the cart's token,
	// never the token); it stands in for the session when there is none.
	CartKey    string
	CustomerID int
	// IPHash is a daily-salted hash of the client's address ("" when unknown).
	IPHash      string
	PageURL     string
	Referrer    string
	UTMSource   string
	UTMMedium   string
	UTMCampaign string
	ProductID   int
	VariantID   int
	Quantity    int
	SearchTerm  string
	ResultCount int
	OrderID     int
	Amount      int64
	Lines       []Line
	Data        string
}

// Line is one product line of an order (or of lines added to or removed from a cart).
type Line struct {
	ProductID, VariantID int
	Quantity             int
	// Amount is the line's total in minor units (orders only).
	Amount int64
}

// sessionKey is what the funnel counts as one session: the session ID, else the visitor
// ID, else the cart.
func (e *Event) sessionKey() string {
	switch {
	case e.SessionID != "":
		return "s:" + e.SessionID
	case e.ClientID != "":
		return "c:" + e.ClientID
	case e.CartKey != "":
		return "k:" + e.CartKey
	}
	return ""
}

// SetPage records the page URL and referrer and reads the UTM parameters from the page URL
// (or, when it has none, from the referrer).
func (e *Event) SetPage(pageURL, referrer string) {
	e.PageURL, e.Referrer = clip(pageURL, 2048), clip(referrer, 2048)
	for _, raw := range []string{pageURL, referrer} {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		q := u.Query()
		if q.Get("utm_source") == "" && q.Get("utm_medium") == "" && q.Get("utm_campaign") == "" {
			continue
		}
		e.UTMSource = clip(strings.ToLower(strings.TrimSpace(q.Get("utm_source"))), 255)
		e.UTMMedium = clip(strings.ToLower(strings.TrimSpace(q.Get("utm_medium"))), 255)
		e.UTMCampaign = clip(strings.ToLower(strings.TrimSpace(q.Get("utm_campaign"))), 255)
		return
	}
}

// referrerHost is the host of the referrer when it is another site's ("" for direct
// visits and the shop's own pages).
func (e *Event) referrerHost() string {
	r, err := url.Parse(e.Referrer)
	if err != nil || r.Host == "" {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(r.Hostname()), "www.")
	if p, err := url.Parse(e.PageURL); err == nil && strings.TrimPrefix(strings.ToLower(p.Hostname()), "www.") == host {
		return ""
	}
	return clip(host, 255)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
