package store

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"

	"storefront/ent"
	"storefront/ent/hook"
	"storefront/internal/searchindex"
)

// installHooks keeps derived columns current whatever writes the rows (services, the Admin
// API, the seeder): products carry their variants' price range so that listings can sort
// and filter by price with an index instead of aggregating variants on every read.
func installHooks(client *ent.Client, dialectName string) {
	// Customer emails are unique case-insensitively through email_key.
	client.Customer.Use(func(next ent.Mutator) ent.Mutator {
		return hook.CustomerFunc(func(ctx context.Context, m *ent.CustomerMutation) (ent.Value, error) {
			if email, ok := m.Email(); ok {
				m.SetEmailKey(strings.ToLower(strings.TrimSpace(email)))
			}
			return next.Mutate(ctx, m)
		})
	})
	// Discount codes match case-insensitively through code_key, whoever writes the code.
	client.DiscountCode.Use(func(next ent.Mutator) ent.Mutator {
		return hook.DiscountCodeFunc(func(ctx context.Context, m *ent.DiscountCodeMutation) (ent.Value, error) {
			if code, ok := m.Code(); ok {
				m.SetCodeKey(strings.ToUpper(strings.TrimSpace(code)))
			}
			return next.Mutate(ctx, m)
		})
	})
	client.ProductVariant.Use(func(next ent.Mutator) ent.Mutator {
		return hook.ProductVariantFunc(func(ctx context.Context, m *ent.ProductVariantMutation) (ent.Value, error) {
			if !touchesPriceSummary(m) {
				return next.Mutate(ctx, m)
			}
			products, err := searchindex.VariantProducts(ctx, m)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			if err := RefreshPriceSummaries(ctx, m.Client(), dialectName, products); err != nil {
				return nil, err
			}
			return v, nil
		})
	})
}

func touchesPriceSummary(m *ent.ProductVariantMutation) bool {
	if m.Op().Is(ent.OpCreate) || m.Op().Is(ent.OpDelete) || m.Op().Is(ent.OpDeleteOne) {
		return true
	}
	_, price := m.Price()
	_, addPrice := m.AddedPrice()
	_, cmp := m.CompareAtPrice()
	_, addCmp := m.AddedCompareAtPrice()
	_, product := m.ProductID()
	return price || addPrice || cmp || addCmp || product || m.CompareAtPriceCleared()
}

// RefreshPriceSummaries recomputes the price range columns of the given products from their
// variants, in one statement. Products without variants get zeros.
func RefreshPriceSummaries(ctx context.Context, client *ent.Client, dialectName string, productIDs []int) error {
	if len(productIDs) == 0 {
		return nil
	}
	seen := make(map[int]bool, len(productIDs))
	args := make([]any, 0, len(productIDs))
	marks := make([]string, 0, len(productIDs))
	for _, id := range productIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		args = append(args, id)
		if dialectName == dialect.Postgres {
			marks = append(marks, fmt.Sprintf("$%d", len(args)))
		} else {
			marks = append(marks, "?")
		}
	}
	const agg = `(SELECT %s FROM product_variants v WHERE v.product_id = products.id)`
	q := `UPDATE products SET ` +
		`min_price = COALESCE(` + fmt.Sprintf(agg, "MIN(v.price)") + `, 0), ` +
		`max_price = COALESCE(` + fmt.Sprintf(agg, "MAX(v.price)") + `, 0), ` +
		`min_compare_at_price = COALESCE(` + fmt.Sprintf(agg, "MIN(COALESCE(v.compare_at_price, 0))") + `, 0), ` +
		`max_compare_at_price = COALESCE(` + fmt.Sprintf(agg, "MAX(COALESCE(v.compare_at_price, 0))") + `, 0) ` +
		`WHERE id IN (` + strings.Join(marks, ", ") + `)`
	if _, err := client.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("refresh price summary of products %v: %w", productIDs, err)
	}
	return nil
}
