package cart

import (
	"context"

	"storefront/internal/analytics"
)

// The cart's analytics events (see internal/analytics): recorded after the change
// committed, queued without waiting, never failing or slowing the mutation.

func (s *Service) track(ctx context.Context, name string, c *Cart, adds []lineAdd) {
	if s.Events == nil || c == nil {
		return
	}
	e := analytics.Event{Name: name, CartKey: analytics.CartKey(c.Token)}
	if c.CustomerID != nil {
		e.CustomerID = *c.CustomerID
	}
	if len(adds) > 0 {
		products := map[int]int{}
		for _, l := range c.Lines {
			products[l.VariantID] = l.Variant.ProductID
		}
		for _, a := range adds {
			if p := products[a.variantID]; p != 0 {
				e.Lines = append(e.Lines, analytics.Line{ProductID: p, VariantID: a.variantID, Quantity: a.quantity})
			}
		}
		if len(e.Lines) == 0 {
			return
		}
	}
	s.Events.Track(ctx, e)
}

// CheckoutViewed records that the hosted checkout page was shown for a cart: for the
// funnel, the checkout started (once per session however often it is shown).
func (s *Service) CheckoutViewed(ctx context.Context, c *Cart) {
	s.track(ctx, analytics.CheckoutStarted, c, nil)
}
