package analytics

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"storefront/internal/gid"
	"storefront/internal/searchindex"
	"storefront/internal/web"
)

// Limits of POST /events.
const (
	MaxBatchEvents = 100
	MaxBatchBytes  = 64 << 10
	// An event's timestamp may be this old (a page sending its queue late) or this far
	// ahead (a client clock running fast).
	maxEventAge  = 7 * 24 * time.Hour
	maxEventSkew = time.Hour
)

type batchIn struct {
	Events  []json.RawMessage `json:"events"`
	Consent *struct {
		Analytics *bool `json:"analytics"`
	} `json:"consent"`
}

type eventIn struct {
	Name      string          `json:"name"`
	ClientID  string          `json:"clientId"`
	SessionID string          `json:"sessionId"`
	Timestamp string          `json:"timestamp"`
	URL       string          `json:"url"`
	Referrer  string          `json:"referrer"`
	Data      json.RawMessage `json:"data"`
}

type dataIn struct {
	ProductID    string `json:"productId"`
	VariantID    string `json:"variantId"`
	CollectionID string `json:"collectionId"`
	Quantity     *int   `json:"quantity"`
	SearchTerm   string `json:"searchTerm"`
	ResultCount  *int   `json:"resultCount"`
	CartID       string `json:"cartId"`
	OrderID      string `json:"orderId"`
}

// Invalid is one refused event of a batch.
type Invalid struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

// Handler serves POST /events: a batch ({"events": […], "consent": {"analytics": true}})
// of at most MaxBatchEvents standard events and MaxBatchBytes, as application/json or as
// text/plain (what navigator.sendBeacon sends a string as). It answers 202 with the number
// of events accepted, or 400 with each invalid event's index and reason (and then accepts
// none). Without analytics consent the visitor and session IDs are not kept; known bots
// are answered 202 and their events dropped and counted.
func (r *Recorder) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "use POST"})
			return
		}
		mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
		if err != nil || (mt != "application/json" && mt != "text/plain") {
			writeJSON(w, http.StatusUnsupportedMediaType, map[string]any{"error": "send application/json or text/plain"})
			return
		}
		body := http.MaxBytesReader(w, req.Body, MaxBatchBytes)
		var in batchIn
		dec := json.NewDecoder(body)
		if err := dec.Decode(&in); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": fmt.Sprintf("a batch is at most %d bytes", MaxBatchBytes)})
				return
			}
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "the body is not a JSON object with an events list"})
			return
		}
		if dec.More() {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "the body is not a JSON object with an events list"})
			return
		}
		if len(in.Events) == 0 || len(in.Events) > MaxBatchEvents {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprintf("a batch has 1 to %d events", MaxBatchEvents)})
			return
		}
		consent := in.Consent != nil && in.Consent.Analytics != nil && *in.Consent.Analytics
		now := r.now()
		events := make([]Event, 0, len(in.Events))
		var invalid []Invalid
		for i, raw := range in.Events {
			e, reason := parseEvent(raw, now)
			if reason != "" {
				invalid = append(invalid, Invalid{Index: i, Reason: reason})
				continue
			}
			events = append(events, e)
		}
		if len(invalid) > 0 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"accepted": 0, "invalid": invalid})
			return
		}
		if IsBot(req.UserAgent()) {
			r.CountBot(len(events))
			writeJSON(w, http.StatusAccepted, map[string]any{"accepted": 0})
			return
		}
		ip := r.HashIP(web.ClientIP(req.Context()))
		accepted := 0
		for _, e := range events {
			e.IPHash = ip
			if !consent {
				e.ClientID, e.SessionID = "", ""
			}
			if r.Enqueue(e) {
				accepted++
			}
		}
		writeJSON(w, http.StatusAccepted, map[string]any{"accepted": accepted})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// parseEvent checks one event; the reason is "" when it is valid.
func parseEvent(raw json.RawMessage, now time.Time) (Event, string) {
	var in eventIn
	if err := json.Unmarshal(raw, &in); err != nil {
		return Event{}, "not an event object"
	}
	if in.Name == "" {
		return Event{}, "name is missing"
	}
	if !slices.Contains(StandardNames, in.Name) {
		return Event{}, fmt.Sprintf("unknown event name %q", clip(in.Name, 64))
	}
	e := Event{Name: in.Name, Source: SourceClient}
	if e.ClientID = cleanID(in.ClientID); e.ClientID == "" {
		return Event{}, "clientId is missing or not 1 to 128 printable characters"
	}
	if in.SessionID != "" {
		if e.SessionID = cleanID(in.SessionID); e.SessionID == "" {
			return Event{}, "sessionId is not 1 to 128 printable characters"
		}
	}
	at, err := time.Parse(time.RFC3339Nano, in.Timestamp)
	if err != nil {
		return Event{}, "timestamp is not an RFC 3339 time"
	}
	if at.Before(now.Add(-maxEventAge)) || at.After(now.Add(maxEventSkew)) {
		return Event{}, "timestamp is more than 7 days old or more than an hour ahead"
	}
	e.At = at.UTC()
	for _, u := range []struct{ name, v string }{{"url", in.URL}, {"referrer", in.Referrer}} {
		if u.v == "" {
			continue
		}
		p, err := url.Parse(u.v)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || len(u.v) > 2048 {
			return Event{}, u.name + " is not an absolute http(s) URL of at most 2048 characters"
		}
	}
	e.SetPage(in.URL, in.Referrer)
	var d dataIn
	if len(in.Data) > 0 && string(in.Data) != "null" {
		if err := json.Unmarshal(in.Data, &d); err != nil {
			return Event{}, "data is not an object of the event's fields"
		}
		if len(in.Data) > 4096 {
			return Event{}, "data is larger than 4096 bytes"
		}
		e.Data = string(in.Data)
	}
	if d.ProductID != "" {
		if e.ProductID = parseID(d.ProductID, gid.Product); e.ProductID == 0 {
			return Event{}, "data.productId is not a Product ID"
		}
	}
	if d.VariantID != "" {
		if e.VariantID = parseID(d.VariantID, gid.ProductVariant); e.VariantID == 0 {
			return Event{}, "data.variantId is not a ProductVariant ID"
		}
	}
	if d.OrderID != "" {
		if e.OrderID = parseID(d.OrderID, "Order"); e.OrderID == 0 {
			return Event{}, "data.orderId is not an Order ID"
		}
	}
	if d.Quantity != nil {
		if *d.Quantity < 1 || *d.Quantity > 100_000 {
			return Event{}, "data.quantity is not between 1 and 100000"
		}
		e.Quantity = *d.Quantity
	}
	switch e.Name {
	case ProductViewed:
		if e.ProductID == 0 {
			return Event{}, "data.productId is required for product_viewed"
		}
	case ProductAddedToCart, ProductRemovedFromCart:
		if e.ProductID == 0 && e.VariantID == 0 {
			return Event{}, "data.productId or data.variantId is required for " + e.Name
		}
	case SearchSubmitted:
		if e.SearchTerm = NormalizeTerm(d.SearchTerm); e.SearchTerm == "" {
			return Event{}, "data.searchTerm is required for search_submitted"
		}
		if d.ResultCount != nil {
			if *d.ResultCount < 0 {
				return Event{}, "data.resultCount is negative"
			}
			e.ResultCount = *d.ResultCount
		}
	}
	if d.CartID != "" {
		// The cart's public part (its token, before the "?key=" secret) ties the
		// storefront's events to the server's events about the same cart.
		token := d.CartID
		if i := strings.IndexByte(token, '?'); i >= 0 {
			token = token[:i]
		}
		token = token[strings.LastIndexByte(token, '/')+1:]
		e.CartKey = CartKey(token)
	}
	return e, ""
}

// parseID reads a global ID of a type, or a plain number.
func parseID(s, typ string) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	if id, ok := gid.ParseAs(s, typ); ok && id > 0 {
		return id
	}
	return 0
}

// NormalizeTerm is the form a search term is counted under: folded (lower case, no
// accents), single-spaced and at most 255 characters, as the catalog records it.
func NormalizeTerm(q string) string {
	t := strings.Join(strings.Fields(searchindex.Fold(q)), " ")
	if r := []rune(t); len(r) > 255 {
		t = string(r[:255])
	}
	return t
}
