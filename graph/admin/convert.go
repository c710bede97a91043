package admin

import (
	"storefront/ent"
	"storefront/internal/inventory"
	"storefront/internal/usererror"
)

// userErrors shapes a service's user errors for a payload: never null, empty when the
// mutation succeeded.
func userErrors(es []usererror.Error) []*usererror.Error {
	out := make([]*usererror.Error, len(es))
	for i := range es {
		out[i] = &es[i]
	}
	return out
}

// ledgerEntries are the ledger entries of stock changes (none for a change that changed
// nothing).
func ledgerEntries(cs []inventory.Change) []*ent.InventoryAdjustment {
	out := []*ent.InventoryAdjustment{}
	for _, c := range cs {
		if c.Entry != nil {
			out = append(out, c.Entry)
		}
	}
	return out
}
