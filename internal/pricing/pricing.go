// Package pricing computes what a cart costs from current prices, discount codes and tax
// rates. It is pure arithmetic in int64 minor units: amounts are rounded once per line,
// allocations always add up to the discount they come from, and nothing goes negative.
package pricing

import (
	"sort"
)

// Line is one cart line as pricing sees it.
type Line struct {
	ID            int
	ProductID     int
	CollectionIDs []int
	Quantity      int
	UnitPrice     int64
}

// Kind is how a discount's value is expressed.
type Kind int

// Discount kinds.
const (
	Percentage  Kind = iota // Value in basis points: 1000 is 10%
	FixedAmount             // Value in minor units
)

// Discount is an applicable discount code, already checked for dates and usage limits.
type Discount struct {
	Code  string
	Kind  Kind
	Value int64
	// OrderLevel discounts apply to the whole cart; others only to entitled lines.
	OrderLevel    bool
	ProductIDs    map[int]bool
	CollectionIDs map[int]bool
	// MinimumSubtotal, when set, must be reached by the cart subtotal.
	MinimumSubtotal *int64
}

// Allocation is the part of one discount taken off one line.
type Allocation struct {
	Code   string
	Amount int64
}

// LineCost is the computed cost of one line.
type LineCost struct {
	Subtotal int64 // unit price × quantity
	// Allocations are the line-level (product or collection) discounts on the line.
	Allocations []Allocation
	Total       int64 // Subtotal minus Allocations
	// OrderShare is this line's share of order-level discounts (not part of Total).
	OrderShare int64
	Tax        int64
}

// Result is the computed cost of a cart.
type Result struct {
	Lines []LineCost
	// Subtotal is the sum of line totals: before taxes and order-level discounts.
	Subtotal int64
	// OrderAllocations are order-level discounts, one per code, in code order.
	OrderAllocations []Allocation
	// Shipping is the cost of the selected delivery option (0 when none).
	Shipping int64
	// Tax is the tax (on lines and, when taxed, shipping), nil when no rate applies.
	Tax *int64
	// ShippingTax is the part of Tax on shipping.
	ShippingTax int64
	// Total is what the buyer pays: subtotal − order discounts + shipping (+ tax unless
	// prices include it).
	Total int64
	// Applied tells, per discount code, whether it took anything off; NotReached lists
	// codes whose minimum subtotal was not reached and NoEntitled those whose products
	// are not in the cart.
	Applied    map[string]bool
	NotReached map[string]bool
	NoEntitled map[string]bool
}

// Tax says how tax applies to a cart.
type Tax struct {
	// RatePPM is the rate in parts per million; nil when no rate applies.
	RatePPM *int64
	// Included means prices already contain the tax (VAT style): the tax is computed out of
	// them and not added to the total.
	Included bool
	// OnShipping taxes the shipping cost too.
	OnShipping bool
}

// Compute prices the lines with the discounts (line-level first, then order-level, each in
// the given order), adds shipping (when not nil) and computes tax per line — and on
// shipping when configured — rounding once per line.
func Compute(lines []Line, discounts []Discount, shipping *int64, tax Tax) Result {
	r := Result{
		Lines:      make([]LineCost, len(lines)),
		Applied:    map[string]bool{},
		NotReached: map[string]bool{},
		NoEntitled: map[string]bool{},
	}
	rawSubtotal := int64(0)
	for i, l := range lines {
		r.Lines[i].Subtotal = l.UnitPrice * int64(l.Quantity)
		r.Lines[i].Total = r.Lines[i].Subtotal
		rawSubtotal += r.Lines[i].Subtotal
	}
	for _, d := range discounts {
		if d.MinimumSubtotal != nil && rawSubtotal < *d.MinimumSubtotal {
			r.NotReached[d.Code] = true
		}
	}
	// Line-level discounts.
	for _, d := range discounts {
		if d.OrderLevel || r.NotReached[d.Code] {
			continue
		}
		var idx []int
		for i, l := range lines {
			if entitled(d, l) {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			r.NoEntitled[d.Code] = true
			continue
		}
		bases := make([]int64, len(idx))
		for j, i := range idx {
			bases[j] = r.Lines[i].Total
		}
		for j, amount := range split(d, bases) {
			if amount == 0 {
				continue
			}
			lc := &r.Lines[idx[j]]
			lc.Allocations = append(lc.Allocations, Allocation{Code: d.Code, Amount: amount})
			lc.Total -= amount
			r.Applied[d.Code] = true
		}
	}
	for _, lc := range r.Lines {
		r.Subtotal += lc.Total
	}
	// Order-level discounts, on what the lines cost after line-level discounts.
	for _, d := range discounts {
		if !d.OrderLevel || r.NotReached[d.Code] {
			continue
		}
		bases := make([]int64, len(lines))
		for i := range lines {
			bases[i] = r.Lines[i].Total - r.Lines[i].OrderShare
		}
		var total int64
		for i, amount := range split(d, bases) {
			r.Lines[i].OrderShare += amount
			total += amount
		}
		if total > 0 {
			r.OrderAllocations = append(r.OrderAllocations, Allocation{Code: d.Code, Amount: total})
			r.Applied[d.Code] = true
		}
	}
	r.Total = r.Subtotal
	for _, a := range r.OrderAllocations {
		r.Total -= a.Amount
	}
	if shipping != nil {
		r.Shipping = *shipping
		r.Total += r.Shipping
	}
	if tax.RatePPM != nil {
		rate := *tax.RatePPM
		part := func(amount int64) int64 {
			if tax.Included {
				return roundDiv(max(amount, 0)*rate, 1_000_000+rate)
			}
			return roundDiv(max(amount, 0)*rate, 1_000_000)
		}
		var total int64
		for i := range r.Lines {
			lc := &r.Lines[i]
			lc.Tax = part(lc.Total - lc.OrderShare)
			total += lc.Tax
		}
		if tax.OnShipping {
			r.ShippingTax = part(r.Shipping)
			total += r.ShippingTax
		}
		r.Tax = &total
		if !tax.Included {
			r.Total += total
		}
	}
	return r
}

func entitled(d Discount, l Line) bool {
	if d.ProductIDs[l.ProductID] {
		return true
	}
	for _, c := range l.CollectionIDs {
		if d.CollectionIDs[c] {
			return true
		}
	}
	return false
}

// split divides a discount over amounts: a percentage is rounded per amount; a fixed amount
// is capped at their sum and shared in proportion, the rounding remainder going to the
// largest fractions, so the parts add up exactly. No part exceeds its amount.
func split(d Discount, bases []int64) []int64 {
	out := make([]int64, len(bases))
	if d.Kind == Percentage {
		for i, b := range bases {
			out[i] = min(roundDiv(b*d.Value, 10_000), b)
		}
		return out
	}
	var sum int64
	for _, b := range bases {
		sum += b
	}
	amount := min(d.Value, sum)
	if amount <= 0 {
		return out
	}
	type rem struct {
		i    int
		frac int64
	}
	rems := make([]rem, len(bases))
	var given int64
	for i, b := range bases {
		// Use 128-bit-safe arithmetic for realistic carts: b and amount are < 2^40 each.
		out[i] = b * amount / sum
		rems[i] = rem{i, b * amount % sum}
		given += out[i]
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
	for k := 0; given < amount; k++ {
		i := rems[k%len(rems)].i
		if out[i] < bases[i] {
			out[i]++
			given++
		}
	}
	return out
}

// roundDiv divides a non-negative numerator, rounding half up.
func roundDiv(n, d int64) int64 {
	if n <= 0 {
		return 0
	}
	return (n + d/2) / d
}
