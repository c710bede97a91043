package pricing

import (
	"testing"
)

func ptr(n int64) *int64 { return &n }

func sumLines(r Result) (subtotal, orderShares int64) {
	for _, l := range r.Lines {
		subtotal += l.Total
		orderShares += l.OrderShare
	}
	return
}

func TestPercentageOffOrderRoundsPerLine(t *testing.T) {
	lines := []Line{
		{ID: 1, ProductID: 1, Quantity: 3, UnitPrice: 333}, // 999
		{ID: 2, ProductID: 2, Quantity: 1, UnitPrice: 1005},
	}
	r := Compute(lines, []Discount{{Code: "TEN", Kind: Percentage, Value: 1000, OrderLevel: true}}, nil, Tax{})
	// 10% of 999 = 99.9 → 100; of 1005 = 100.5 → 101.
	if r.Lines[0].OrderShare != 100 || r.Lines[1].OrderShare != 101 {
		t.Fatalf("shares %d, %d; want 100, 101", r.Lines[0].OrderShare, r.Lines[1].OrderShare)
	}
	if r.Subtotal != 2004 || len(r.OrderAllocations) != 1 || r.OrderAllocations[0].Amount != 201 || r.Total != 1803 {
		t.Fatalf("got subtotal %d allocations %+v total %d; want 2004, 201, 1803", r.Subtotal, r.OrderAllocations, r.Total)
	}
	if r.Tax != nil {
		t.Fatalf("tax = %d, want nil without a rate", *r.Tax)
	}
}

func TestFixedAmountSharesAddUp(t *testing.T) {
	lines := []Line{
		{ID: 1, ProductID: 1, Quantity: 1, UnitPrice: 1000},
		{ID: 2, ProductID: 2, Quantity: 1, UnitPrice: 1000},
		{ID: 3, ProductID: 3, Quantity: 1, UnitPrice: 1000},
	}
	r := Compute(lines, []Discount{{Code: "FIVE", Kind: FixedAmount, Value: 500, OrderLevel: true}}, nil, Tax{})
	_, shares := sumLines(r)
	if shares != 500 || r.Total != 2500 {
		t.Fatalf("shares %d total %d; want 500, 2500", shares, r.Total)
	}
	// A fixed amount larger than the cart never makes it negative.
	r = Compute(lines[:1], []Discount{{Code: "BIG", Kind: FixedAmount, Value: 99999, OrderLevel: true}}, nil, Tax{RatePPM: ptr(100000)})
	if r.Total != 0 || r.OrderAllocations[0].Amount != 1000 || *r.Tax != 0 {
		t.Fatalf("got total %d allocation %d tax %d; want 0, 1000, 0", r.Total, r.OrderAllocations[0].Amount, *r.Tax)
	}
}

func TestEntitledLinesAndMinimums(t *testing.T) {
	lines := []Line{
		{ID: 1, ProductID: 1, CollectionIDs: []int{7}, Quantity: 2, UnitPrice: 1500},
		{ID: 2, ProductID: 2, Quantity: 1, UnitPrice: 999},
	}
	ds := []Discount{
		{Code: "TEES", Kind: Percentage, Value: 2000, CollectionIDs: map[int]bool{7: true}},
		{Code: "MUGS", Kind: FixedAmount, Value: 300, ProductIDs: map[int]bool{9: true}},
		{Code: "BIGSPEND", Kind: Percentage, Value: 1000, OrderLevel: true, MinimumSubtotal: ptr(100000)},
	}
	r := Compute(lines, ds, nil, Tax{RatePPM: ptr(82500)}) // 8.25%
	if len(r.Lines[0].Allocations) != 1 || r.Lines[0].Allocations[0].Amount != 600 || r.Lines[0].Total != 2400 {
		t.Fatalf("line 1 = %+v, want 600 off to 2400", r.Lines[0])
	}
	if !r.NoEntitled["MUGS"] || !r.NotReached["BIGSPEND"] || r.Applied["MUGS"] || r.Applied["BIGSPEND"] || !r.Applied["TEES"] {
		t.Fatalf("applied %v noEntitled %v notReached %v", r.Applied, r.NoEntitled, r.NotReached)
	}
	// Tax per line: 2400 × 8.25% = 198; 999 × 8.25% = 82.42 → 82.
	if r.Subtotal != 3399 || *r.Tax != 280 || r.Total != 3679 {
		t.Fatalf("subtotal %d tax %d total %d; want 3399 280 3679", r.Subtotal, *r.Tax, r.Total)
	}
}

func TestSplitNeverExceedsBase(t *testing.T) {
	bases := []int64{1, 1, 1, 997}
	out := split(Discount{Kind: FixedAmount, Value: 1000}, bases)
	var sum int64
	for i, o := range out {
		if o > bases[i] || o < 0 {
			t.Fatalf("part %d = %d exceeds base %d", i, o, bases[i])
		}
		sum += o
	}
	if sum != 1000 {
		t.Fatalf("sum %d, want 1000", sum)
	}
}

func TestShippingAndIncludedTax(t *testing.T) {
	lines := []Line{{ID: 1, ProductID: 1, Quantity: 1, UnitPrice: 1200}} // 12.00 incl. 20% VAT
	r := Compute(lines, nil, ptr(500), Tax{RatePPM: ptr(200000), Included: true, OnShipping: true})
	// VAT inside 12.00 is 2.00; inside 5.00 shipping 0.83; the total is not raised.
	if r.Total != 1700 || *r.Tax != 283 || r.ShippingTax != 83 || r.Shipping != 500 {
		t.Fatalf("total %d tax %d shipping tax %d; want 1700 283 83", r.Total, *r.Tax, r.ShippingTax)
	}
	r = Compute(lines, nil, ptr(500), Tax{RatePPM: ptr(100000)})
	// 10% on 12.00 added; shipping untaxed.
	if r.Total != 1200+500+120 || *r.Tax != 120 {
		t.Fatalf("total %d tax %d; want 1820 120", r.Total, *r.Tax)
	}
}
