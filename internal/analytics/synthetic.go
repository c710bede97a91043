package analytics

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"storefront/internal/store"
)

// Synthetic writes n synthetic storefront events and orders synthetic orders (server
// checkout_completed events with lines) spread over the days before now, through the
// same batch write path as live events, for benchmarks. Sessions browse, search, add to
// carts and check out with fixed odds; productIDs are the products they touch (1..100
// when empty). It returns how long the writes took.
func Synthetic(ctx context.Context, db *store.DB, n, orders, days int, productIDs []int, now time.Time) (time.Duration, error) {
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
	emit := func(e Event) error {
		batch = append(batch, e)
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	}
	span := time.Duration(days) * 24 * time.Hour
	written, placed, session := 0, 0, 0
	for written < n || placed < orders {
		session++
		at := now.Add(-time.Duration(rng.Int64N(int64(span))))
		sid := fmt.Sprintf("syn-%d", session)
		e := Event{Source: SourceClient, ClientID: "v" + sid, SessionID: sid}
		e.SetPage("https://shop.example/"+campaigns[rng.IntN(len(campaigns))], referrers[rng.IntN(len(referrers))])
		step := func(name string, f func(*Event)) error {
			at = at.Add(time.Duration(5+rng.IntN(60)) * time.Second)
			ev := e
			ev.Name, ev.At = name, at
			if f != nil {
				f(&ev)
			}
			written++
			return emit(ev)
		}
		if written < n {
			if err := step(PageViewed, nil); err != nil {
				return took, err
			}
			if rng.IntN(3) == 0 {
				term := terms[rng.IntN(len(terms))]
				if err := step(SearchSubmitted, func(ev *Event) {
					ev.SearchTerm = term
					if term != "zzz" {
						ev.ResultCount = 1 + rng.IntN(20)
					}
				}); err != nil {
					return took, err
				}
			}
			for range 1 + rng.IntN(4) {
				p := productIDs[rng.IntN(len(productIDs))]
				if err := step(ProductViewed, func(ev *Event) { ev.ProductID = p }); err != nil {
					return took, err
				}
			}
		}
		if rng.IntN(3) == 0 || (placed < orders && written >= n) {
			p := productIDs[rng.IntN(len(productIDs))]
			qty := 1 + rng.IntN(3)
			if err := step(ProductAddedToCart, func(ev *Event) {
				ev.Source = SourceServer
				ev.Lines = []Line{{ProductID: p, VariantID: p, Quantity: qty}}
			}); err != nil {
				return took, err
			}
			if placed < orders && (rng.IntN(2) == 0 || written >= n) {
				if err := step(CheckoutStarted, nil); err != nil {
					return took, err
				}
				amount := int64(qty) * int64(500+rng.IntN(5000))
				placed++
				if err := step(CheckoutCompleted, func(ev *Event) {
					ev.Source = SourceServer
					ev.OrderID = placed
					ev.Amount = amount
					ev.Lines = []Line{{ProductID: p, VariantID: p, Quantity: qty, Amount: amount}}
				}); err != nil {
					return took, err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return took, err
	}
	return took, nil
}
