package analytics

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"storefront/internal/store"
)

// Placed is an order that synthetic sessions end in: a stored order (see
// demo.SyntheticOrders) as the server's checkout_completed event describes it.
type Placed struct {
	ID, CustomerID int
	At             time.Time
	// Amount is the order's total; Lines its lines (Amount: the line after discounts).
	Amount int64
	Lines  []Line
}

// Synthetic writes about n synthetic events spread over the days before now through the
// same batch write path as live events, for benchmarks. Every placed order gets the
// session that ends in it (a page, a view of its first product, the adds of its lines,
// the checkout and the order, in the minutes before it was placed); the rest of n are
// browsing sessions that look, search and sometimes add to a cart, with fixed odds.
// productIDs are the products they touch (1..100 when empty). It returns how many events
// it wrote and how long the writes took.
func Synthetic(ctx context.Context, db *store.DB, n int, orders []Placed, days int, productIDs []int, now time.Time) (int, time.Duration, error) {
	if len(productIDs) == 0 {
		for i := 1; i <= 100; i++ {
			productIDs = append(productIDs, i)
		}
	}
	if days <= 0 {
		days = 90
	}
	rng := rand.New(rand.NewPCG(1, 2))
	terms := []string{"shirt", "linen shirt", "mug", "socks", "hoodie", "gift card", "zzz", "blue dress", "sale", "jacket"}
	referrers := []string{"", "", "https://www.google.com/", "https://www.instagram.com/", "https://news.example.com/"}
	campaigns := []string{"", "", "", "?utm_source=newsletter&utm_medium=email&utm_campaign=spring", "?utm_source=meta&utm_medium=cpc&utm_campaign=retarget"}
	parts := map[string]bool{}
	var took time.Duration
	batch := make([]Event, 0, 1000)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		start := time.Now()
		err := Write(ctx, db, batch, parts)
		took += time.Since(start)
		batch = batch[:0]
		return err
	}
	written := 0
	emit := func(e Event) error {
		written++
		batch = append(batch, e)
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	}
	session := 0
	visit := func() Event {
		session++
		sid := fmt.Sprintf("syn-%d", session)
		e := Event{Source: SourceClient, ClientID: "v" + sid, SessionID: sid}
		e.SetPage("https://shop.example/"+campaigns[rng.IntN(len(campaigns))], referrers[rng.IntN(len(referrers))])
		return e
	}
	for _, o := range orders {
		e := visit()
		e.CustomerID = o.CustomerID
		steps := []Event{{Name: PageViewed}}
		if len(o.Lines) > 0 {
			steps = append(steps, Event{Name: ProductViewed, ProductID: o.Lines[0].ProductID})
		}
		for _, l := range o.Lines {
			steps = append(steps, Event{Name: ProductAddedToCart, Source: SourceServer, Lines: []Line{{ProductID: l.ProductID, VariantID: l.VariantID, Quantity: l.Quantity}}})
		}
		steps = append(steps, Event{Name: CheckoutStarted, Source: SourceServer},
			Event{Name: CheckoutCompleted, Source: SourceServer, OrderID: o.ID, Amount: o.Amount, Lines: o.Lines})
		for i, st := range steps {
			ev := e
			ev.Name, ev.At = st.Name, o.At.Add(-time.Duration(len(steps)-1-i)*time.Minute)
			if st.Source != "" {
				ev.Source = st.Source
			}
			ev.ProductID, ev.OrderID, ev.Amount, ev.Lines = st.ProductID, st.OrderID, st.Amount, st.Lines
			if err := emit(ev); err != nil {
				return written, took, err
			}
		}
	}
	span := time.Duration(days) * 24 * time.Hour
	for written < n {
		e := visit()
		at := now.Add(-time.Duration(rng.Int64N(int64(span))))
		step := func(name string, f func(*Event)) error {
			at = at.Add(time.Duration(5+rng.IntN(60)) * time.Second)
			ev := e
			ev.Name, ev.At = name, at
			if f != nil {
				f(&ev)
			}
			return emit(ev)
		}
		if err := step(PageViewed, nil); err != nil {
			return written, took, err
		}
		if rng.IntN(3) == 0 {
			term := terms[rng.IntN(len(terms))]
			if err := step(SearchSubmitted, func(ev *Event) {
				ev.SearchTerm = term
				if term != "zzz" {
					ev.ResultCount = 1 + rng.IntN(20)
				}
			}); err != nil {
				return written, took, err
			}
		}
		for range 1 + rng.IntN(4) {
			p := productIDs[rng.IntN(len(productIDs))]
			if err := step(ProductViewed, func(ev *Event) { ev.ProductID = p }); err != nil {
				return written, took, err
			}
		}
		if rng.IntN(4) == 0 {
			p := productIDs[rng.IntN(len(productIDs))]
			qty := 1 + rng.IntN(3)
			if err := step(ProductAddedToCart, func(ev *Event) {
				ev.Source = SourceServer
				ev.Lines = []Line{{ProductID: p, Quantity: qty}}
			}); err != nil {
				return written, took, err
			}
		}
	}
	if err := flush(); err != nil {
		return written, took, err
	}
	return written, took, nil
}
