// Package inventory owns stock: every change of a variant's available units goes through
// here, inside the caller's transaction, and is written to the inventory ledger (variant,
// delta, quantity after, reason, actor, time). Stock never goes negative.
package inventory

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"entgo.io/ent/dialect"

	"storefront/ent"
	"storefront/ent/productvariant"
	"storefront/internal/audit"
	"storefront/internal/gid"
	"storefront/internal/outbox"
	"storefront/internal/store"
	"storefront/internal/usererror"
)

// Reasons a partner may give for a change.
var Reasons = []string{"received", "correction", "cycle_count_available", "damaged", "shrinkage", "restock", "other"}

// ReasonSold is the reason of checkout's decrements (not accepted from partners).
const ReasonSold = "sold"

// ActorCheckout names checkout in the ledger.
const ActorCheckout = "checkout"

// User error codes of this package besides usererror's.
const (
	// CodeCompareQuantityStale: compareQuantity differs from the current stock.
	CodeCompareQuantityStale = "COMPARE_QUANTITY_STALE"
	// CodeNegative: the change would leave negative stock.
	CodeNegative = "NEGATIVE_QUANTITY"
)

// errNegative is returned by Adjust when the change would take stock below zero.
var errNegative = errors.New("stock would go negative")

// ErrNegative reports whether err means a change would take stock below zero.
func ErrNegative(err error) bool { return errors.Is(err, errNegative) }

// Change is one change of stock; Entry is its ledger entry (nil when nothing changed).
type Change struct {
	VariantID     int
	Delta         int
	QuantityAfter int
	Entry         *ent.InventoryAdjustment
}

// actor is who the context says makes the change.
func actor(ctx context.Context) (name string, keyID *int) {
	a, ok := audit.ActorFrom(ctx)
	if !ok {
		return "cli", nil
	}
	if a.KeyID != 0 {
		id := a.KeyID
		return a.Name, &id
	}
	return a.Name, nil
}

// Adjust adds delta (negative to take) to a variant's stock inside tx and records it. A
// change that would leave negative stock changes nothing and returns an error for which
// ErrNegative is true; an unknown variant returns an ent not-found error.
func Adjust(ctx context.Context, tx *ent.Tx, dialectName string, variantID, delta int, reason string) (Change, error) {
	name, keyID := actor(ctx)
	return adjust(ctx, tx, dialectName, variantID, delta, reason, name, keyID)
}

// Sale is checkout taking Quantity units of a variant, which left Available units (as the
// conditional update that took them returned it).
type Sale struct {
	VariantID, Quantity, Available int
	Sku                            *string
}

// RecordSales writes the ledger entries of checkout's sales inside its transaction, right
// after its conditional updates took the units (so the rows are locked and Available is
// what the sale left), in one statement; their inventory_levels/update events are added to
// events, which checkout writes with the order's own.
func RecordSales(ctx context.Context, tx *ent.Tx, sales []Sale, events *outbox.Batch) error {
	if len(sales) == 0 {
		return nil
	}
	rows := make([]*ent.InventoryAdjustmentCreate, len(sales))
	for i, s := range sales {
		events.Add(outbox.InventoryLevelsUpdate, gid.Format(gid.ProductVariant, s.VariantID), nil)
		rows[i] = tx.InventoryAdjustment.Create().SetVariantID(s.VariantID).SetNillableSku(s.Sku).SetDelta(-s.Quantity).
			SetQuantityAfter(s.Available).SetReason(ReasonSold).SetActor(ActorCheckout)
	}
	if err := tx.InventoryAdjustment.CreateBulk(rows...).Exec(ctx); err != nil {
		return fmt.Errorf("record stock changes of %d variants: %w", len(sales), err)
	}
	return nil
}

func adjust(ctx context.Context, tx *ent.Tx, dialectName string, variantID, delta int, reason, name string, keyID *int) (Change, error) {
	res, err := tx.ExecContext(ctx, store.Rebind(dialectName, `UPDATE product_variants SET available = available + ? WHERE id = ? AND available + ? >= 0`), delta, variantID, delta)
	if err != nil {
		return Change{}, fmt.Errorf("adjust stock of variant %d: %w", variantID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return Change{}, fmt.Errorf("adjust stock of variant %d: %w", variantID, err)
	} else if n != 1 {
		exists, err := tx.ProductVariant.Query().Where(productvariant.ID(variantID)).Exist(ctx)
		if err != nil {
			return Change{}, fmt.Errorf("find variant %d: %w", variantID, err)
		}
		if !exists {
			return Change{}, &ent.NotFoundError{}
		}
		return Change{}, fmt.Errorf("variant %d: %w", variantID, errNegative)
	}
	// The row is ours until commit (locked by the update on PostgreSQL; SQLite has one writer).
	v, err := tx.ProductVariant.Query().Where(productvariant.ID(variantID)).
		Select(productvariant.FieldAvailable, productvariant.FieldSku).Only(ctx)
	if err != nil {
		return Change{}, fmt.Errorf("read stock of variant %d: %w", variantID, err)
	}
	c := Change{VariantID: variantID, Delta: delta, QuantityAfter: v.Available}
	if delta == 0 {
		return c, nil
	}
	c.Entry, err = record(ctx, tx, c, v.Sku, reason, name, keyID)
	return c, err
}

func record(ctx context.Context, tx *ent.Tx, c Change, sku *string, reason, name string, keyID *int) (*ent.InventoryAdjustment, error) {
	if err := outbox.Emit(ctx, tx, outbox.InventoryLevelsUpdate, gid.Format(gid.ProductVariant, c.VariantID), nil); err != nil {
		return nil, err
	}
	e, err := tx.InventoryAdjustment.Create().SetVariantID(c.VariantID).SetNillableSku(sku).SetDelta(c.Delta).
		SetQuantityAfter(c.QuantityAfter).SetReason(reason).SetActor(name).SetNillableAPIKeyID(keyID).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("record stock change of variant %d: %w", c.VariantID, err)
	}
	return e, nil
}

// Set makes a variant's stock quantity inside tx and records the change. When compare is
// given and differs from the stock, nothing changes and stale is true.
func Set(ctx context.Context, tx *ent.Tx, dialectName string, variantID, quantity int, compare *int, reason string) (c Change, stale bool, err error) {
	if quantity < 0 {
		return Change{}, false, fmt.Errorf("variant %d: %w", variantID, errNegative)
	}
	query := tx.ProductVariant.Query().Where(productvariant.ID(variantID))
	if dialectName == dialect.Postgres {
		query = query.ForUpdate()
	}
	v, err := query.Select(productvariant.FieldAvailable, productvariant.FieldSku).Only(ctx)
	if err != nil {
		return Change{}, false, err
	}
	if compare != nil && *compare != v.Available {
		return Change{VariantID: variantID, QuantityAfter: v.Available}, true, nil
	}
	c = Change{VariantID: variantID, Delta: quantity - v.Available, QuantityAfter: quantity}
	if c.Delta == 0 {
		return c, false, nil
	}
	// Locked above on PostgreSQL and the only writer on SQLite: the stock is still v.Available.
	if err := tx.ProductVariant.Update().Where(productvariant.ID(variantID), productvariant.Available(v.Available)).
		SetAvailable(quantity).Exec(ctx); err != nil {
		return Change{}, false, fmt.Errorf("set stock of variant %d: %w", variantID, err)
	}
	name, keyID := actor(ctx)
	c.Entry, err = record(ctx, tx, c, v.Sku, reason, name, keyID)
	return c, false, err
}

// Service makes the Admin API's stock changes, each request in one transaction.
type Service struct {
	db *store.DB
}

// New returns the inventory service over db.
func New(db *store.DB) *Service { return &Service{db: db} }

// Quantity is one absolute stock level to set.
type Quantity struct {
	VariantID string
	Quantity  int
	// CompareQuantity, when set, must equal the current stock or nothing changes.
	CompareQuantity *int
}

// Delta is one relative stock change.
type Delta struct {
	VariantID string
	Delta     int
}

func validReason(reason string) []usererror.Error {
	if !slices.Contains(Reasons, reason) {
		return []usererror.Error{usererror.New(usererror.Invalid, fmt.Sprintf("The reason must be one of %v.", Reasons), "input", "reason")}
	}
	return nil
}

// SetQuantities sets absolute stock levels in one transaction: all or nothing. User error
// codes: INVALID (reason), NOT_FOUND (variantId), NEGATIVE_QUANTITY (quantity),
// COMPARE_QUANTITY_STALE (compareQuantity differs from the stock).
func (s *Service) SetQuantities(ctx context.Context, reason string, qs []Quantity) ([]Change, []usererror.Error, error) {
	if uerrs := validReason(reason); uerrs != nil {
		return nil, uerrs, nil
	}
	var changes []Change
	var uerrs []usererror.Error
	err := store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		for i, in := range qs {
			id, ok := gid.ParseAs(in.VariantID, gid.ProductVariant)
			if !ok {
				uerrs = append(uerrs, usererror.New(usererror.NotFound, "No such variant.", "input", "quantities", i, "variantId"))
				continue
			}
			if in.Quantity < 0 {
				uerrs = append(uerrs, usererror.New(CodeNegative, "The quantity can't be negative.", "input", "quantities", i, "quantity"))
				continue
			}
			c, stale, err := Set(ctx, tx, s.db.Dialect, id, in.Quantity, in.CompareQuantity, reason)
			switch {
			case ent.IsNotFound(err):
				uerrs = append(uerrs, usererror.New(usererror.NotFound, "No such variant.", "input", "quantities", i, "variantId"))
				continue
			case err != nil:
				return err
			case stale:
				uerrs = append(uerrs, usererror.New(CodeCompareQuantityStale, fmt.Sprintf("The stock is %d, not %d: read it again.", c.QuantityAfter, *in.CompareQuantity), "input", "quantities", i, "compareQuantity"))
				continue
			}
			changes = append(changes, c)
		}
		if len(uerrs) > 0 {
			return errRollback
		}
		return recordAudit(ctx, tx, changes, reason)
	})
	return finish(changes, uerrs, err)
}

// AdjustQuantities applies stock changes in one transaction: all or nothing. User error
// codes: INVALID (reason), NOT_FOUND (variantId), NEGATIVE_QUANTITY (the change would
// leave negative stock).
func (s *Service) AdjustQuantities(ctx context.Context, reason string, ds []Delta) ([]Change, []usererror.Error, error) {
	if uerrs := validReason(reason); uerrs != nil {
		return nil, uerrs, nil
	}
	var changes []Change
	var uerrs []usererror.Error
	err := store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		for i, in := range ds {
			id, ok := gid.ParseAs(in.VariantID, gid.ProductVariant)
			if !ok {
				uerrs = append(uerrs, usererror.New(usererror.NotFound, "No such variant.", "input", "changes", i, "variantId"))
				continue
			}
			c, err := Adjust(ctx, tx, s.db.Dialect, id, in.Delta, reason)
			switch {
			case ent.IsNotFound(err):
				uerrs = append(uerrs, usererror.New(usererror.NotFound, "No such variant.", "input", "changes", i, "variantId"))
				continue
			case ErrNegative(err):
				uerrs = append(uerrs, usererror.New(CodeNegative, "The change would leave negative stock.", "input", "changes", i, "delta"))
				continue
			case err != nil:
				return err
			}
			changes = append(changes, c)
		}
		if len(uerrs) > 0 {
			return errRollback
		}
		return recordAudit(ctx, tx, changes, reason)
	})
	return finish(changes, uerrs, err)
}

// errRollback undoes a transaction whose user errors are reported instead.
var errRollback = errors.New("rolled back for user errors")

func finish(changes []Change, uerrs []usererror.Error, err error) ([]Change, []usererror.Error, error) {
	if errors.Is(err, errRollback) {
		return nil, uerrs, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return changes, nil, nil
}

func recordAudit(ctx context.Context, tx *ent.Tx, changes []Change, reason string) error {
	for _, c := range changes {
		if c.Delta == 0 {
			continue
		}
		if err := audit.Record(ctx, tx.Client(), gid.Format(gid.ProductVariant, c.VariantID),
			map[string]any{"reason": reason, "delta": c.Delta, "quantityAfter": c.QuantityAfter}); err != nil {
			return err
		}
	}
	return nil
}

// RecordInitial writes the ledger entry of a variant created with quantity units, inside
// the transaction that created it.
func RecordInitial(ctx context.Context, tx *ent.Tx, variantID int, sku *string, quantity int, reason string) (Change, error) {
	c := Change{VariantID: variantID, Delta: quantity, QuantityAfter: quantity}
	if quantity == 0 {
		return c, nil
	}
	name, keyID := actor(ctx)
	var err error
	c.Entry, err = record(ctx, tx, c, sku, reason, name, keyID)
	return c, err
}
