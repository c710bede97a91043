// Package discount owns the Admin API's discount code writes: creating, changing,
// deactivating and deleting codes with every rule the cart applies (percentage or fixed
// amount, whole order or specific products or collections, minimum subtotal, dates, usage
// limits, once per customer). The cart reads the codes; nothing here prices a cart.
package discount

import (
	"context"
	"fmt"
	"strings"
	"time"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/discountcode"
	"storefront/ent/discountredemption"
	"storefront/ent/product"
	"storefront/ent/shop"
	"storefront/internal/audit"
	"storefront/internal/gid"
	"storefront/internal/money"
	"storefront/internal/store"
	"storefront/internal/usererror"
)

// GlobalIDType is the type name of discount codes in global IDs.
const GlobalIDType = "DiscountCode"

// Optional is an input value that may be absent, null (Set with a nil Value) or given.
type Optional[T any] struct {
	Set   bool
	Value *T
}

// Input is a discount code as discountCodeCreate and discountCodeUpdate take it; nil fields
// are left as they are.
type Input struct {
	Code, Title *string
	// Kind is PERCENTAGE or FIXED_AMOUNT.
	Kind *string
	// Value is a percent ("10", "12.5") for PERCENTAGE, an amount ("5.00") for FIXED_AMOUNT.
	Value *string
	// AppliesTo is ORDER, PRODUCTS or COLLECTIONS.
	AppliesTo       *string
	ProductIDs      []string
	HasProducts     bool
	CollectionIDs   []string
	HasCollections  bool
	MinimumSubtotal Optional[string]
	StartsAt        Optional[time.Time]
	EndsAt          Optional[time.Time]
	UsageLimit      Optional[int]
	OncePerCustomer *bool
	Enabled         *bool
}

// Service writes discount codes. It is safe for concurrent use.
type Service struct{ db *store.DB }

// New returns the discount service over db.
func New(db *store.DB) *Service { return &Service{db: db} }

// write runs one write in a transaction, audits it and reads the code back.
func (s *Service) write(ctx context.Context, f func(tx *ent.Tx) (id int, changes map[string]any, uerrs []usererror.Error, err error)) (*ent.DiscountCode, []usererror.Error, error) {
	var id int
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		n, changes, ue, err := f(tx)
		id = n
		return gid.Format(GlobalIDType, n), changes, ue, err
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	d, err := s.db.DiscountCode.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, nil, nil // deleted
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read discount code %d back: %w", id, err)
	}
	return d, nil, nil
}

func load(ctx context.Context, tx *ent.Tx, id string) (*ent.DiscountCode, []usererror.Error, error) {
	n, ok := gid.ParseAs(id, GlobalIDType)
	if !ok {
		return nil, []usererror.Error{usererror.New(usererror.NotFound, "No such discount code.", "id")}, nil
	}
	d, err := tx.DiscountCode.Query().Where(discountcode.ID(n)).WithProducts().WithCollections().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, []usererror.Error{usererror.New(usererror.NotFound, "No such discount code.", "id")}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load discount code %d: %w", n, err)
	}
	return d, nil, nil
}

// Create makes a discount code. User error codes: BLANK, TAKEN (code, case-insensitively),
// INVALID (value, dates, targets), TOO_LONG, NOT_FOUND (productIds, collectionIds),
// GREATER_THAN (value, usageLimit).
func (s *Service) Create(ctx context.Context, in Input) (*ent.DiscountCode, []usererror.Error, error) {
	return s.write(ctx, func(tx *ent.Tx) (int, map[string]any, []usererror.Error, error) {
		return s.apply(ctx, tx, nil, in)
	})
}

// Update changes a discount code. User error codes: those of Create and NOT_FOUND (id).
func (s *Service) Update(ctx context.Context, id string, in Input) (*ent.DiscountCode, []usererror.Error, error) {
	return s.write(ctx, func(tx *ent.Tx) (int, map[string]any, []usererror.Error, error) {
		d, uerrs, err := load(ctx, tx, id)
		if d == nil {
			return 0, nil, uerrs, err
		}
		return s.apply(ctx, tx, d, in)
	})
}

// Deactivate turns a code off (the cart then refuses it); it can be enabled again. User
// error codes: NOT_FOUND (id).
func (s *Service) Deactivate(ctx context.Context, id string) (*ent.DiscountCode, []usererror.Error, error) {
	off := false
	return s.Update(ctx, id, Input{Enabled: &off})
}

// Delete removes a code and its redemption records; orders keep the discounts they got.
// User error codes: NOT_FOUND (id).
func (s *Service) Delete(ctx context.Context, id string) (string, []usererror.Error, error) {
	var deleted string
	_, uerrs, err := s.write(ctx, func(tx *ent.Tx) (int, map[string]any, []usererror.Error, error) {
		d, uerrs, err := load(ctx, tx, id)
		if d == nil {
			return 0, nil, uerrs, err
		}
		if _, err := tx.DiscountRedemption.Delete().Where(discountredemption.DiscountCodeID(d.ID)).Exec(ctx); err != nil {
			return 0, nil, nil, fmt.Errorf("delete redemptions of discount code %d: %w", d.ID, err)
		}
		if err := tx.DiscountCode.UpdateOne(d).ClearProducts().ClearCollections().Exec(ctx); err != nil {
			return 0, nil, nil, fmt.Errorf("detach discount code %d: %w", d.ID, err)
		}
		if err := tx.DiscountCode.DeleteOneID(d.ID).Exec(ctx); err != nil {
			return 0, nil, nil, fmt.Errorf("delete discount code %d: %w", d.ID, err)
		}
		deleted = gid.Format(GlobalIDType, d.ID)
		return d.ID, map[string]any{"deleted": true, "code": d.Code}, nil, nil
	})
	return deleted, uerrs, err
}

func (s *Service) apply(ctx context.Context, tx *ent.Tx, d *ent.DiscountCode, in Input) (int, map[string]any, []usererror.Error, error) {
	var uerrs []usererror.Error
	fail := func(code, msg string, path ...any) {
		uerrs = append(uerrs, usererror.New(code, msg, append([]any{"input"}, path...)...))
	}
	currency := "USD"
	if cs, err := tx.Shop.Query().Select(shop.FieldCurrencyCode).Strings(ctx); err != nil {
		return 0, nil, nil, fmt.Errorf("read shop currency: %w", err)
	} else if len(cs) > 0 {
		currency = cs[0]
	}
	// What the code will be, to check rules across fields.
	kind, appliesTo := "", "ORDER"
	var startsAt, endsAt *time.Time
	if d != nil {
		kind, appliesTo, startsAt, endsAt = string(d.Kind), string(d.AppliesTo), d.StartsAt, d.EndsAt
	}
	if in.Kind != nil {
		kind = *in.Kind
	}
	if in.AppliesTo != nil {
		appliesTo = *in.AppliesTo
	}
	if in.StartsAt.Set {
		startsAt = in.StartsAt.Value
	}
	if in.EndsAt.Set {
		endsAt = in.EndsAt.Value
	}
	if in.Code != nil {
		code := strings.TrimSpace(*in.Code)
		switch {
		case code == "":
			fail(usererror.Blank, "The code can't be blank.", "code")
		case len(code) > 255:
			fail(usererror.TooLong, "The code is longer than 255 characters.", "code")
		case d == nil || !strings.EqualFold(code, d.Code):
			q := tx.DiscountCode.Query().Where(discountcode.CodeKey(strings.ToUpper(code)))
			if d != nil {
				q.Where(discountcode.IDNEQ(d.ID))
			}
			taken, err := q.Exist(ctx)
			if err != nil {
				return 0, nil, nil, fmt.Errorf("check code: %w", err)
			}
			if taken {
				fail(usererror.Taken, "A discount with this code already exists.", "code")
			}
		}
	} else if d == nil {
		fail(usererror.Blank, "A new discount needs a code.", "code")
	}
	if kind != "PERCENTAGE" && kind != "FIXED_AMOUNT" {
		fail(usererror.Blank, "A new discount needs a kind: PERCENTAGE or FIXED_AMOUNT.", "kind")
	}
	var value int64
	switch {
	case in.Value != nil:
		var err error
		value, err = money.Parse(*in.Value, "USD") // a percent in hundredths is basis points
		if kind == "FIXED_AMOUNT" {
			value, err = money.Parse(*in.Value, currency)
		}
		switch {
		case err != nil:
			fail(usererror.Invalid, fmt.Sprintf("%q is not a number with at most %d decimals.", *in.Value, 2), "value")
		case value <= 0:
			fail(usererror.GreaterThan, "The value must be more than zero.", "value")
		case kind == "PERCENTAGE" && value > 10000:
			fail(usererror.Invalid, "A percentage can't be more than 100.", "value")
		}
	case d == nil:
		fail(usererror.Blank, "A new discount needs a value.", "value")
	case in.Kind != nil && *in.Kind != string(d.Kind):
		fail(usererror.Blank, "Give the value again when changing the kind.", "value")
	}
	var minimum *int64
	if in.MinimumSubtotal.Set && in.MinimumSubtotal.Value != nil {
		m, err := money.Parse(*in.MinimumSubtotal.Value, currency)
		if err != nil || m < 0 {
			fail(usererror.Invalid, "The minimum subtotal must be a non-negative amount.", "minimumSubtotal")
		}
		minimum = &m
	}
	if startsAt != nil && endsAt != nil && !endsAt.After(*startsAt) {
		fail(usererror.Invalid, "The end must be after the start.", "endsAt")
	}
	if in.UsageLimit.Set && in.UsageLimit.Value != nil && *in.UsageLimit.Value <= 0 {
		fail(usererror.GreaterThan, "The usage limit must be more than zero.", "usageLimit")
	}
	products, ue, err := resolve(ctx, in.ProductIDs, gid.Product, "productIds", func(ids []int) ([]int, error) {
		return tx.Product.Query().Where(product.IDIn(ids...)).IDs(ctx)
	})
	if err != nil {
		return 0, nil, nil, err
	}
	uerrs = append(uerrs, ue...)
	collections, ue, err := resolve(ctx, in.CollectionIDs, gid.Collection, "collectionIds", func(ids []int) ([]int, error) {
		return tx.Collection.Query().Where(collection.IDIn(ids...)).IDs(ctx)
	})
	if err != nil {
		return 0, nil, nil, err
	}
	uerrs = append(uerrs, ue...)
	hasProducts := (in.HasProducts && len(products) > 0) || (!in.HasProducts && d != nil && len(d.Edges.Products) > 0)
	hasCollections := (in.HasCollections && len(collections) > 0) || (!in.HasCollections && d != nil && len(d.Edges.Collections) > 0)
	switch {
	case appliesTo == "PRODUCTS" && !hasProducts:
		fail(usererror.Invalid, "A discount on products needs productIds.", "productIds")
	case appliesTo == "COLLECTIONS" && !hasCollections:
		fail(usererror.Invalid, "A discount on collections needs collectionIds.", "collectionIds")
	}
	if len(uerrs) > 0 {
		return 0, nil, uerrs, nil
	}

	changes := map[string]any{}
	if d == nil {
		c := tx.DiscountCode.Create().SetCode(strings.TrimSpace(*in.Code)).SetKind(discountcode.Kind(kind)).SetValue(value).
			SetAppliesTo(discountcode.AppliesTo(appliesTo))
		var err error
		if d, err = c.Save(ctx); err != nil {
			return 0, nil, nil, fmt.Errorf("create discount code: %w", err)
		}
		changes["created"], changes["code"], changes["kind"], changes["value"], changes["appliesTo"] = true, d.Code, kind, *in.Value, appliesTo
		in.Code, in.Kind, in.Value, in.AppliesTo = nil, nil, nil, nil
	}
	u := tx.DiscountCode.UpdateOne(d)
	before := len(changes)
	set := func(field string, differs bool, v any, apply func()) {
		if differs {
			apply()
			changes[field] = v
		}
	}
	if in.Code != nil {
		code := strings.TrimSpace(*in.Code)
		set("code", code != d.Code, code, func() { u.SetCode(code) })
	}
	if in.Title != nil {
		set("title", *in.Title != d.Title, *in.Title, func() { u.SetTitle(*in.Title) })
	}
	if in.Kind != nil {
		set("kind", *in.Kind != string(d.Kind), *in.Kind, func() { u.SetKind(discountcode.Kind(*in.Kind)) })
	}
	if in.Value != nil {
		set("value", value != d.Value, *in.Value, func() { u.SetValue(value) })
	}
	if in.AppliesTo != nil {
		set("appliesTo", *in.AppliesTo != string(d.AppliesTo), *in.AppliesTo, func() { u.SetAppliesTo(discountcode.AppliesTo(*in.AppliesTo)) })
	}
	if in.MinimumSubtotal.Set {
		set("minimumSubtotal", !eqPtr(minimum, d.MinimumSubtotal), in.MinimumSubtotal.Value, func() {
			if minimum == nil {
				u.ClearMinimumSubtotal()
			} else {
				u.SetMinimumSubtotal(*minimum)
			}
		})
	}
	if in.StartsAt.Set {
		set("startsAt", !eqTime(in.StartsAt.Value, d.StartsAt), in.StartsAt.Value, func() { u.SetNillableStartsAt(in.StartsAt.Value); clearIfNil(in.StartsAt.Value, u.ClearStartsAt) })
	}
	if in.EndsAt.Set {
		set("endsAt", !eqTime(in.EndsAt.Value, d.EndsAt), in.EndsAt.Value, func() { u.SetNillableEndsAt(in.EndsAt.Value); clearIfNil(in.EndsAt.Value, u.ClearEndsAt) })
	}
	if in.UsageLimit.Set {
		set("usageLimit", !eqPtr(in.UsageLimit.Value, d.UsageLimit), in.UsageLimit.Value, func() {
			u.SetNillableUsageLimit(in.UsageLimit.Value)
			clearIfNil(in.UsageLimit.Value, u.ClearUsageLimit)
		})
	}
	if in.OncePerCustomer != nil {
		set("oncePerCustomer", *in.OncePerCustomer != d.OncePerCustomer, *in.OncePerCustomer, func() { u.SetOncePerCustomer(*in.OncePerCustomer) })
	}
	if in.Enabled != nil {
		set("enabled", *in.Enabled != d.Enabled, *in.Enabled, func() { u.SetEnabled(*in.Enabled) })
	}
	if in.HasProducts {
		set("productIds", !sameIDs(products, productIDsOf(d)), in.ProductIDs, func() { u.ClearProducts().AddProductIDs(products...) })
	}
	if in.HasCollections {
		set("collectionIds", !sameIDs(collections, collectionIDsOf(d)), in.CollectionIDs, func() { u.ClearCollections().AddCollectionIDs(collections...) })
	}
	if len(changes) > before {
		if err := u.Exec(ctx); err != nil {
			return 0, nil, nil, fmt.Errorf("update discount code %d: %w", d.ID, err)
		}
	}
	return d.ID, changes, nil, nil
}

func clearIfNil[T any](v *T, clear func() *ent.DiscountCodeUpdateOne) {
	if v == nil {
		clear()
	}
}

func eqPtr[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func eqTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

func sameIDs(ids []int, have []int) bool {
	if len(ids) != len(have) {
		return false
	}
	set := map[int]bool{}
	for _, h := range have {
		set[h] = true
	}
	for _, id := range ids {
		if !set[id] {
			return false
		}
	}
	return true
}

// resolve reads global IDs of type typ that must exist. User error code NOT_FOUND.
func resolve(ctx context.Context, ids []string, typ, field string, exist func([]int) ([]int, error)) ([]int, []usererror.Error, error) {
	var out []int
	var uerrs []usererror.Error
	for i, id := range ids {
		n, ok := gid.ParseAs(id, typ)
		if !ok {
			uerrs = append(uerrs, usererror.New(usererror.NotFound, "No such "+strings.ToLower(typ)+".", "input", field, i))
			continue
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return out, uerrs, nil
	}
	found, err := exist(out)
	if err != nil {
		return nil, nil, fmt.Errorf("find %s: %w", field, err)
	}
	have := map[int]bool{}
	for _, f := range found {
		have[f] = true
	}
	for i, id := range ids {
		if n, ok := gid.ParseAs(id, typ); ok && !have[n] {
			uerrs = append(uerrs, usererror.New(usererror.NotFound, "No such "+strings.ToLower(typ)+".", "input", field, i))
		}
	}
	return out, uerrs, nil
}

func productIDsOf(d *ent.DiscountCode) []int {
	out := make([]int, len(d.Edges.Products))
	for i, p := range d.Edges.Products {
		out[i] = p.ID
	}
	return out
}

func collectionIDsOf(d *ent.DiscountCode) []int {
	out := make([]int, len(d.Edges.Collections))
	for i, c := range d.Edges.Collections {
		out[i] = c.ID
	}
	return out
}
