// Package export streams the catalog, orders and customers as JSON Lines for partners that
// sync tens of thousands of records: one object per line, read in keyset pages so memory
// stays constant whatever the table size, optionally only what changed since a time.
package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"storefront/ent"
	"storefront/ent/customer"
	"storefront/ent/order"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/catalog"
	"storefront/internal/gid"
	"storefront/internal/money"
	"storefront/internal/store"
)

// Kinds maps what can be exported to the scope a key needs to export it.
var Kinds = map[string]string{
	"products":  "catalog:read",
	"variants":  "catalog:read",
	"orders":    "orders:read",
	"customers": "customers:read",
}

// PageSize is how many rows one statement reads.
const PageSize = 500

// Service exports. It is safe for concurrent use.
type Service struct{ db *store.DB }

// New returns the export service over db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Variant is one line of variants.jsonl, and a variant inside a product's line.
type Variant struct {
	ID                string    `json:"id"`
	ProductID         string    `json:"productId"`
	SKU               *string   `json:"sku"`
	Title             string    `json:"title"`
	Price             string    `json:"price"`
	CompareAtPrice    *string   `json:"compareAtPrice"`
	InventoryQuantity int       `json:"inventoryQuantity"`
	Barcode           *string   `json:"barcode"`
	Weight            float64   `json:"weight"`
	WeightUnit        string    `json:"weightUnit"`
	RequiresShipping  bool      `json:"requiresShipping"`
	OptionValues      []Option  `json:"optionValues"`
	UpdatedAt         time.Time `json:"updatedAt"`
}

// Option is one option value of a variant.
type Option struct {
	OptionName string `json:"optionName"`
	Name       string `json:"name"`
}

// Product is one line of products.jsonl.
type Product struct {
	ID              string    `json:"id"`
	Handle          string    `json:"handle"`
	Title           string    `json:"title"`
	Status          string    `json:"status"`
	DescriptionHTML string    `json:"descriptionHtml"`
	Vendor          string    `json:"vendor"`
	ProductType     string    `json:"productType"`
	Tags            []string  `json:"tags"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
	Variants        []Variant `json:"variants"`
}

// Write streams every row of kind (updated at or after since, when set) to w as JSON Lines.
func (s *Service) Write(ctx context.Context, w io.Writer, kind string, since *time.Time) error {
	currency, err := s.currency(ctx)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	flusher, _ := w.(interface{ Flush() })
	after := 0
	for {
		n, last, err := s.page(ctx, enc, kind, since, after, currency)
		if err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("write %s: %w", kind, err)
		}
		if flusher != nil {
			flusher.Flush()
		}
		if n < PageSize {
			return nil
		}
		after = last
	}
}

func (s *Service) currency(ctx context.Context) (string, error) {
	sh, err := s.db.Shop.Query().First(ctx)
	if ent.IsNotFound(err) {
		return "USD", nil
	}
	if err != nil {
		return "", fmt.Errorf("read shop currency: %w", err)
	}
	return sh.CurrencyCode, nil
}

func variantLine(v *ent.ProductVariant, currency string) Variant {
	out := Variant{
		ID: gid.Format(gid.ProductVariant, v.ID), ProductID: gid.Format(gid.Product, v.ProductID), SKU: v.Sku, Title: v.Title,
		Price: money.Format(v.Price, currency), InventoryQuantity: v.Available, Barcode: v.Barcode, Weight: v.Weight,
		WeightUnit: string(v.WeightUnit), RequiresShipping: v.RequiresShipping, OptionValues: []Option{}, UpdatedAt: v.UpdatedAt,
	}
	if v.CompareAtPrice != nil {
		c := money.Format(*v.CompareAtPrice, currency)
		out.CompareAtPrice = &c
	}
	for _, o := range v.SelectedOptions {
		out.OptionValues = append(out.OptionValues, Option{OptionName: o.Name, Name: o.Value})
	}
	return out
}

// page writes one page of rows with IDs above after and returns how many and the last ID.
func (s *Service) page(ctx context.Context, enc *json.Encoder, kind string, since *time.Time, after int, currency string) (int, int, error) {
	switch kind {
	case "products":
		q := s.db.Product.Query().Where(product.IDGT(after)).Order(ent.Asc(product.FieldID)).Limit(PageSize).
			WithVariants(func(q *ent.ProductVariantQuery) {
				q.Order(ent.Asc(productvariant.FieldPosition), ent.Asc(productvariant.FieldID))
			})
		if since != nil {
			q.Where(product.UpdatedAtGTE(*since))
		}
		ps, err := q.All(ctx)
		if err != nil {
			return 0, 0, fmt.Errorf("export products: %w", err)
		}
		for _, p := range ps {
			line := Product{ID: gid.Format(gid.Product, p.ID), Handle: p.Handle, Title: p.Title, Status: catalog.Status(p),
				DescriptionHTML: p.DescriptionHTML, Vendor: p.Vendor, ProductType: p.ProductType, Tags: p.Tags,
				CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Variants: make([]Variant, 0, len(p.Edges.Variants))}
			for _, v := range p.Edges.Variants {
				line.Variants = append(line.Variants, variantLine(v, currency))
			}
			if err := enc.Encode(line); err != nil {
				return 0, 0, fmt.Errorf("write product %d: %w", p.ID, err)
			}
		}
		return len(ps), lastID(len(ps), func(i int) int { return ps[i].ID }), nil
	case "variants":
		q := s.db.ProductVariant.Query().Where(productvariant.IDGT(after)).Order(ent.Asc(productvariant.FieldID)).Limit(PageSize)
		if since != nil {
			q.Where(productvariant.UpdatedAtGTE(*since))
		}
		vs, err := q.All(ctx)
		if err != nil {
			return 0, 0, fmt.Errorf("export variants: %w", err)
		}
		for _, v := range vs {
			if err := enc.Encode(variantLine(v, currency)); err != nil {
				return 0, 0, fmt.Errorf("write variant %d: %w", v.ID, err)
			}
		}
		return len(vs), lastID(len(vs), func(i int) int { return vs[i].ID }), nil
	case "orders":
		q := s.db.Order.Query().Where(order.IDGT(after)).Order(ent.Asc(order.FieldID)).Limit(PageSize).WithLines()
		if since != nil {
			q.Where(order.UpdatedAtGTE(*since))
		}
		os, err := q.All(ctx)
		if err != nil {
			return 0, 0, fmt.Errorf("export orders: %w", err)
		}
		for _, o := range os {
			if err := enc.Encode(orderLine(o)); err != nil {
				return 0, 0, fmt.Errorf("write order %d: %w", o.ID, err)
			}
		}
		return len(os), lastID(len(os), func(i int) int { return os[i].ID }), nil
	case "customers":
		q := s.db.Customer.Query().Where(customer.IDGT(after)).Order(ent.Asc(customer.FieldID)).Limit(PageSize)
		if since != nil {
			q.Where(customer.UpdatedAtGTE(*since))
		}
		cs, err := q.All(ctx)
		if err != nil {
			return 0, 0, fmt.Errorf("export customers: %w", err)
		}
		for _, c := range cs {
			line := map[string]any{
				"id": gid.Format("Customer", c.ID), "email": c.Email, "firstName": c.FirstName, "lastName": c.LastName,
				"phone": c.Phone, "acceptsMarketing": c.AcceptsMarketing, "tags": c.Tags, "note": c.Note,
				"disabled": c.Disabled, "createdAt": c.CreatedAt, "updatedAt": c.UpdatedAt,
			}
			if err := enc.Encode(line); err != nil {
				return 0, 0, fmt.Errorf("write customer %d: %w", c.ID, err)
			}
		}
		return len(cs), lastID(len(cs), func(i int) int { return cs[i].ID }), nil
	}
	return 0, 0, fmt.Errorf("unknown export %q", kind)
}

func orderLine(o *ent.Order) map[string]any {
	m := func(v int64) string { return money.Format(v, o.CurrencyCode) }
	lines := make([]map[string]any, 0, len(o.Edges.Lines))
	for _, l := range o.Edges.Lines {
		line := map[string]any{
			"title": l.Title, "variantTitle": l.VariantTitle, "sku": l.Sku, "quantity": l.Quantity,
			"currentQuantity": l.CurrentQuantity, "unitPrice": m(l.UnitPrice), "originalTotal": m(l.OriginalTotal),
			"discountedTotal": m(l.DiscountedTotal), "variantId": nil,
		}
		if l.VariantID != nil {
			line["variantId"] = gid.Format(gid.ProductVariant, *l.VariantID)
		}
		lines = append(lines, line)
	}
	out := map[string]any{
		"id": gid.Format("Order", o.ID), "name": o.Name, "number": o.Number, "email": o.Email, "phone": o.Phone,
		"currencyCode": o.CurrencyCode, "subtotal": m(o.Subtotal), "totalDiscounts": m(o.TotalDiscounts),
		"totalShipping": m(o.TotalShipping), "totalTax": m(o.TotalTax), "total": m(o.Total), "totalRefunded": m(o.TotalRefunded),
		"financialStatus": o.FinancialStatus, "fulfillmentStatus": o.FulfillmentStatus, "processedAt": o.ProcessedAt,
		"canceledAt": o.CanceledAt, "customerId": nil, "discounts": o.Discounts, "lines": lines,
		"createdAt": o.CreatedAt, "updatedAt": o.UpdatedAt,
	}
	if o.CustomerID != nil {
		out["customerId"] = gid.Format("Customer", *o.CustomerID)
	}
	return out
}

func lastID(n int, id func(int) int) int {
	if n == 0 {
		return 0
	}
	return id(n - 1)
}
