package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/alexedwards/argon2id"

	"storefront/ent"
	"storefront/ent/counter"
	"storefront/ent/order"
	"storefront/ent/productvariant"
	"storefront/internal/analytics"
	"storefront/internal/store"
)

// syntheticChunk is how many orders (with their lines) one transaction inserts.
const syntheticChunk = 1000

// SyntheticOrders places n paid orders over the days before now, for benchmarks: 1 to 3
// lines of the catalog's variants (1 to 3 units each at the variant's price), a tenth off
// one order in five (allocated to its lines), tax of a twelfth, 5.00 shipping, bought by
// n/4 synthetic customers (orders.synthetic-N@example.com, who cannot sign in) or, one
// order in five, by a guest. Orders take the next order numbers. Rows are written in bulk,
// a transaction per 1,000 orders. It returns the orders as analytics sees them, so that
// analytics.Synthetic can write the sessions that end in them. It needs a catalog.
func SyntheticOrders(ctx context.Context, db *store.DB, n, days int, now time.Time) ([]analytics.Placed, error) {
	if n <= 0 {
		return nil, nil
	}
	if days <= 0 {
		days = 90
	}
	type variant struct {
		id, product int
		title, sku  string
		price       int64
	}
	var variants []variant
	rows, err := db.ProductVariant.Query().Order(ent.Asc(productvariant.FieldID)).Limit(1000).WithProduct().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read variants: %w", err)
	}
	for _, v := range rows {
		if v.Edges.Product == nil || v.Price <= 0 {
			continue
		}
		sku := ""
		if v.Sku != nil {
			sku = *v.Sku
		}
		variants = append(variants, variant{v.ID, v.ProductID, v.Edges.Product.Title, sku, v.Price})
	}
	if len(variants) == 0 {
		return nil, errors.New("synthetic orders need a catalog: seed the demo catalog or -synthetic products first")
	}
	currency := "USD"
	if cs, err := db.Shop.Query().Limit(1).All(ctx); err != nil {
		return nil, fmt.Errorf("read shop: %w", err)
	} else if len(cs) > 0 {
		currency = cs[0].CurrencyCode
	}
	customers, err := syntheticCustomers(ctx, db, max(1, n/4))
	if err != nil {
		return nil, err
	}
	first, err := takeOrderNumbers(ctx, db, n)
	if err != nil {
		return nil, err
	}
	rng := mrand.New(mrand.NewPCG(3, 4))
	span := int64(time.Duration(days) * 24 * time.Hour)
	token := make([]byte, 8)
	_, _ = rand.Read(token)
	batchTag := hex.EncodeToString(token)
	placed := make([]analytics.Placed, 0, n)
	for start := 0; start < n; start += syntheticChunk {
		end := min(start+syntheticChunk, n)
		type plannedLine struct {
			v                    variant
			qty                  int
			original, discounted int64
		}
		plans := make([][]plannedLine, 0, end-start)
		out := make([]analytics.Placed, 0, end-start)
		err := store.WithTx(ctx, db, func(tx *ent.Tx) error {
			creates := make([]*ent.OrderCreate, 0, end-start)
			for i := start; i < end; i++ {
				var lines []plannedLine
				var subtotal int64
				for range 1 + rng.IntN(3) {
					v := variants[rng.IntN(len(variants))]
					q := 1 + rng.IntN(3)
					lines = append(lines, plannedLine{v: v, qty: q, original: v.price * int64(q), discounted: v.price * int64(q)})
					subtotal += v.price * int64(q)
				}
				var discount int64
				if rng.IntN(5) == 0 {
					discount = subtotal / 10
					left := discount
					for j := range lines {
						share := lines[j].original * discount / subtotal
						if j == len(lines)-1 {
							share = left
						}
						lines[j].discounted -= share
						left -= share
					}
				}
				tax, shipping := subtotal/12, int64(500)
				total := subtotal - discount + tax + shipping
				at := now.Add(-time.Duration(1 + rng.Int64N(span-1)))
				number := first + i
				c := tx.Order.Create().SetNumber(number).SetName(fmt.Sprintf("#%d", number)).SetCurrencyCode(currency).
					SetShopCurrencyCode(currency).SetExchangeRate("1").
					SetSubtotal(subtotal).SetTotalDiscounts(discount).SetTotalTax(tax).SetTotalShipping(shipping).SetTotal(total).
					SetShopSubtotal(subtotal).SetShopTotalDiscounts(discount).SetShopTotalTax(tax).SetShopTotalShipping(shipping).SetShopTotal(total).
					SetTotalCaptured(total).SetFinancialStatus(order.FinancialStatusPAID).
					SetProcessedAt(at).SetCreatedAt(at).SetUpdatedAt(at).
					SetStatusToken(fmt.Sprintf("synthetic-%s-%d", batchTag, number))
				p := analytics.Placed{At: at, Amount: total}
				if k := rng.IntN(len(customers) * 5 / 4); k < len(customers) {
					c.SetCustomerID(customers[k].id).SetEmail(customers[k].email)
					p.CustomerID = customers[k].id
				} else {
					c.SetEmail(fmt.Sprintf("guest-%d@example.com", k))
				}
				creates = append(creates, c)
				plans = append(plans, lines)
				out = append(out, p)
			}
			saved, err := tx.Order.CreateBulk(creates...).Save(ctx)
			if err != nil {
				return fmt.Errorf("insert synthetic orders: %w", err)
			}
			var lcs []*ent.OrderLineCreate
			for i, o := range saved {
				out[i].ID = o.ID
				for j, l := range plans[i] {
					c := tx.OrderLine.Create().SetOrderID(o.ID).SetVariantID(l.v.id).SetTitle(l.v.title).SetQuantity(l.qty).SetCurrentQuantity(l.qty).
						SetUnitPrice(l.v.price).SetOriginalTotal(l.original).SetDiscountedTotal(l.discounted).SetPosition(j)
					if l.v.sku != "" {
						c.SetSku(l.v.sku)
					}
					lcs = append(lcs, c)
					out[i].Lines = append(out[i].Lines, analytics.Line{ProductID: l.v.product, VariantID: l.v.id, Quantity: l.qty, Amount: l.discounted})
				}
			}
			for len(lcs) > 0 {
				k := min(syntheticChunk, len(lcs))
				if err := tx.OrderLine.CreateBulk(lcs[:k]...).Exec(ctx); err != nil {
					return fmt.Errorf("insert synthetic order lines: %w", err)
				}
				lcs = lcs[k:]
			}
			return nil
		})
		if err != nil {
			return placed, err
		}
		placed = append(placed, out...)
	}
	return placed, nil
}

type syntheticCustomer struct {
	id    int
	email string
}

// syntheticCustomers creates n customers, all with the hash of one random password nobody
// knows.
func syntheticCustomers(ctx context.Context, db *store.DB, n int) ([]syntheticCustomer, error) {
	secret := make([]byte, 24)
	_, _ = rand.Read(secret)
	hash, err := argon2id.CreateHash(hex.EncodeToString(secret), argon2id.DefaultParams)
	if err != nil {
		return nil, fmt.Errorf("hash: %w", err)
	}
	tag := hex.EncodeToString(secret[:4])
	out := make([]syntheticCustomer, 0, n)
	for start := 0; start < n; start += syntheticChunk {
		end := min(start+syntheticChunk, n)
		creates := make([]*ent.CustomerCreate, 0, end-start)
		for i := start; i < end; i++ {
			creates = append(creates, db.Customer.Create().SetEmail(fmt.Sprintf("orders.synthetic-%s-%d@example.com", tag, i+1)).
				SetPasswordHash(hash).SetFirstName("Synthetic").SetLastName(fmt.Sprintf("Customer %d", i+1)))
		}
		saved, err := db.Customer.CreateBulk(creates...).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("insert synthetic customers: %w", err)
		}
		for _, c := range saved {
			out = append(out, syntheticCustomer{c.ID, c.Email})
		}
	}
	return out, nil
}

// takeOrderNumbers reserves n order numbers from the order counter (the one checkout
// takes its numbers from) and returns the first.
func takeOrderNumbers(ctx context.Context, db *store.DB, n int) (int, error) {
	if err := db.Counter.Create().SetName("order").OnConflictColumns(counter.FieldName).Ignore().Exec(ctx); err != nil {
		return 0, fmt.Errorf("create order counter: %w", err)
	}
	var last int64
	if err := db.SQL.QueryRowContext(ctx, store.Rebind(db.Dialect, `UPDATE counters SET value = value + ? WHERE name = ? RETURNING value`), n, "order").Scan(&last); err != nil {
		return 0, fmt.Errorf("take order numbers: %w", err)
	}
	return 1000 + int(last) - n + 1, nil
}
