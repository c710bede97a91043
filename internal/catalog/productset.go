package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"storefront/ent"
	"storefront/ent/cartline"
	"storefront/ent/collection"
	"storefront/ent/collectionproduct"
	"storefront/ent/product"
	"storefront/ent/productimage"
	"storefront/ent/productoption"
	"storefront/ent/productoptionvalue"
	"storefront/ent/productvariant"
	"storefront/ent/schema"
	"storefront/ent/shop"
	"storefront/internal/audit"
	"storefront/internal/gid"
	"storefront/internal/inventory"
	"storefront/internal/money"
	"storefront/internal/outbox"
	"storefront/internal/searchindex"
	"storefront/internal/store"
	"storefront/internal/usererror"
)

// Product statuses of the Admin API. ACTIVE is published on the Storefront API; DRAFT and
// ARCHIVED are not.
const (
	StatusActive   = "ACTIVE"
	StatusDraft    = "DRAFT"
	StatusArchived = "ARCHIVED"
)

// Status is a product's status as the Admin API shows it.
func Status(p *ent.Product) string {
	switch {
	case p.Archived:
		return StatusArchived
	case p.Published:
		return StatusActive
	}
	return StatusDraft
}

// CodeGreaterThanOrEqualTo: a number is below its minimum (a negative price or quantity).
const CodeGreaterThanOrEqualTo = "GREATER_THAN_OR_EQUAL_TO"

// ProductInput is a product as productSet, productCreate and productUpdate take it. A nil
// field is left as it is (a new product gets its default); a given field replaces the
// product's, lists included (variants not listed are removed).
type ProductInput struct {
	Handle          *string
	Title           *string
	DescriptionHTML *string
	Vendor          *string
	ProductType     *string
	Tags            []string
	Status          *string
	Options         []OptionInput
	Variants        []VariantInput
	Images          []ImageInput
	// Collections are global IDs of the collections the product belongs to (manually).
	Collections []string

	// set on nil lists given empty, which mean "none" rather than "unchanged".
	HasTags, HasOptions, HasVariants, HasImages, HasCollections bool
}

// OptionInput is one option and its values, in order.
type OptionInput struct {
	Name   string
	Values []string
}

// OptionValueInput names a variant's value of one option.
type OptionValueInput struct {
	OptionName string
	Name       string
}

// VariantInput is one variant, matched by SKU. Nil fields are left as they are (defaults for
// a new variant); CompareAtPrice and Barcode distinguish "clear" (Set with nil) from "leave".
type VariantInput struct {
	SKU               string
	OptionValues      []OptionValueInput
	Price             *string
	CompareAtPrice    Optional[string]
	InventoryQuantity *int
	Weight            *float64
	WeightUnit        *string
	Barcode           Optional[string]
	RequiresShipping  *bool
}

// Optional is an input value that may be absent, null (Set with a nil Value) or given.
type Optional[T any] struct {
	Set   bool
	Value *T
}

// ImageInput is one image of the product, in order.
type ImageInput struct {
	URL     string
	AltText *string
}

var handleRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Handleize turns a title into a handle: "Classic Tee!" → "classic-tee".
func Handleize(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// errUserInput rolls a transaction back when user errors are reported instead.
var errUserInput = errors.New("rolled back for user errors")

// SetProduct is productSet: the product with in's handle is created or made to match in, in
// one transaction, and the write is audited. User error codes: BLANK, INVALID (handle,
// status, an option value the product lacks, a malformed URL, a malformed amount…),
// TOO_LONG, TAKEN (a SKU another product uses, a SKU twice), NOT_FOUND (a collection),
// GREATER_THAN_OR_EQUAL_TO (a negative price, weight or quantity).
func (s *Service) SetProduct(ctx context.Context, in ProductInput) (*ent.Product, []usererror.Error, error) {
	if in.Handle == nil || strings.TrimSpace(*in.Handle) == "" {
		return nil, []usererror.Error{usererror.New(usererror.Blank, "The handle can't be blank.", "input", "handle")}, nil
	}
	load := func(tx *ent.Tx) (*ent.Product, error) {
		p, err := tx.Product.Query().Where(product.Handle(*in.Handle)).Only(ctx)
		if ent.IsNotFound(err) {
			return nil, nil
		}
		return p, err
	}
	return s.writeRetrying(ctx, load, in, false)
}

// writeRetrying is write, once more when a uniqueness constraint refused it: another
// request took the same handle or SKU meanwhile, and the second pass sees it (a handle
// productSet then updates; a SKU another product now has is a TAKEN user error).
func (s *Service) writeRetrying(ctx context.Context, load func(*ent.Tx) (*ent.Product, error), in ProductInput, create bool) (*ent.Product, []usererror.Error, error) {
	p, uerrs, err := s.write(ctx, load, in, create)
	if ent.IsConstraintError(err) {
		return s.write(ctx, load, in, create)
	}
	return p, uerrs, err
}

// CreateProduct is productCreate: like SetProduct, but the handle (derived from the title
// when not given) must be new. User error codes: those of SetProduct.
func (s *Service) CreateProduct(ctx context.Context, in ProductInput) (*ent.Product, []usererror.Error, error) {
	if in.Handle == nil && in.Title != nil {
		h := Handleize(*in.Title)
		in.Handle = &h
	}
	return s.writeRetrying(ctx, func(*ent.Tx) (*ent.Product, error) { return nil, nil }, in, true)
}

// UpdateProduct is productUpdate: the product with the global ID id is made to match in.
// User error codes: those of SetProduct, and NOT_FOUND (id).
func (s *Service) UpdateProduct(ctx context.Context, id string, in ProductInput) (*ent.Product, []usererror.Error, error) {
	n, ok := gid.ParseAs(id, gid.Product)
	if !ok {
		return nil, []usererror.Error{usererror.New(usererror.NotFound, "No such product.", "input", "id")}, nil
	}
	return s.writeRetrying(ctx, func(tx *ent.Tx) (*ent.Product, error) {
		p, err := tx.Product.Get(ctx, n)
		if ent.IsNotFound(err) {
			return nil, errNoProduct
		}
		return p, err
	}, in, false)
}

var errNoProduct = errors.New("no such product")

// DeleteProduct is productDelete: the product, its variants (and the cart lines holding
// them), options, images and collection memberships go; orders keep their lines. User
// error codes: NOT_FOUND (id).
func (s *Service) DeleteProduct(ctx context.Context, id string) (deleted string, uerrs []usererror.Error, err error) {
	n, ok := gid.ParseAs(id, gid.Product)
	notFound := []usererror.Error{usererror.New(usererror.NotFound, "No such product.", "input", "id")}
	if !ok {
		return "", notFound, nil
	}
	ctx, pending := searchindex.Batch(ctx)
	err = store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		p, err := tx.Product.Get(ctx, n)
		if ent.IsNotFound(err) {
			return errNoProduct
		}
		if err != nil {
			return fmt.Errorf("load product %d: %w", n, err)
		}
		variants, err := tx.ProductVariant.Query().Where(productvariant.ProductID(n)).IDs(ctx)
		if err != nil {
			return fmt.Errorf("list variants of product %d: %w", n, err)
		}
		if err := deleteVariants(ctx, tx, variants); err != nil {
			return err
		}
		if err := replaceOptions(ctx, tx, n, nil); err != nil {
			return err
		}
		if _, err := tx.ProductImage.Delete().Where(productimage.ProductID(n)).Exec(ctx); err != nil {
			return fmt.Errorf("delete images of product %d: %w", n, err)
		}
		if _, err := tx.CollectionProduct.Delete().Where(collectionproduct.ProductID(n)).Exec(ctx); err != nil {
			return fmt.Errorf("delete collection memberships of product %d: %w", n, err)
		}
		if err := tx.Product.DeleteOneID(n).Exec(ctx); err != nil {
			return fmt.Errorf("delete product %d: %w", n, err)
		}
		if err := pending.Flush(ctx, s.db.Search, tx.Client()); err != nil {
			return err
		}
		if err := outbox.Emit(ctx, tx, outbox.ProductsDelete, gid.Format(gid.Product, n), map[string]any{"id": n}); err != nil {
			return err
		}
		return audit.Record(ctx, tx.Client(), gid.Format(gid.Product, n), map[string]any{"deleted": true, "handle": p.Handle})
	})
	if errors.Is(err, errNoProduct) {
		return "", notFound, nil
	}
	if err != nil {
		return "", nil, err
	}
	return gid.Format(gid.Product, n), nil, nil
}

// write runs one product write in a transaction: load finds the product (nil for a new
// one), mustBeNew refuses an existing handle.
func (s *Service) write(ctx context.Context, load func(*ent.Tx) (*ent.Product, error), in ProductInput, mustBeNew bool) (*ent.Product, []usererror.Error, error) {
	ctx, pending := searchindex.Batch(ctx)
	var id int
	var uerrs []usererror.Error
	err := store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		if err := s.lockHandle(ctx, tx, in.Handle); err != nil {
			return err
		}
		p, err := load(tx)
		if err != nil {
			return err
		}
		if id, uerrs, err = s.writeTx(ctx, tx, p, in, mustBeNew, ""); err != nil {
			return err
		}
		if len(uerrs) > 0 {
			return errUserInput
		}
		return pending.Flush(ctx, s.db.Search, tx.Client())
	})
	switch {
	case errors.Is(err, errUserInput):
		return nil, uerrs, nil
	case errors.Is(err, errNoProduct):
		return nil, []usererror.Error{usererror.New(usererror.NotFound, "No such product.", "input", "id")}, nil
	case err != nil:
		return nil, nil, err
	}
	// Read back outside the transaction, so the payload's edges load through the client.
	out, err := s.db.Product.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read product %d back: %w", id, err)
	}
	return out, nil, nil
}

// writeTx validates in against the product p (nil for a new one) and, when it is valid,
// writes it inside tx and audits what changed. Nothing is written when there are user
// errors.
func (s *Service) writeTx(ctx context.Context, tx *ent.Tx, p *ent.Product, in ProductInput, mustBeNew bool, currency string) (int, []usererror.Error, error) {
	w := &productWrite{s: s, tx: tx, in: in, p: p, changes: map[string]any{}, currency: currency}
	if in.Handle != nil && (mustBeNew || (p != nil && *in.Handle != p.Handle)) {
		taken, err := tx.Product.Query().Where(product.Handle(*in.Handle)).Exist(ctx)
		if err != nil {
			return 0, nil, fmt.Errorf("check handle: %w", err)
		}
		if taken {
			w.fail(usererror.Taken, "A product with this handle already exists.", "handle")
		}
	}
	if err := w.validate(ctx); err != nil {
		return 0, nil, err
	}
	if len(w.uerrs) > 0 {
		return 0, w.uerrs, nil
	}
	created := w.p == nil
	if err := w.apply(ctx); err != nil {
		return 0, nil, err
	}
	if len(w.changes) > 0 {
		if err := audit.Record(ctx, tx.Client(), gid.Format(gid.Product, w.p.ID), w.changes); err != nil {
			return 0, nil, err
		}
		topic := outbox.ProductsUpdate
		if created {
			topic = outbox.ProductsCreate
		}
		if err := outbox.Emit(ctx, tx, topic, gid.Format(gid.Product, w.p.ID), nil); err != nil {
			return 0, nil, err
		}
	}
	return w.p.ID, nil, nil
}

// SetResult is what SetProducts did with one product: its ID, or why it was skipped.
type SetResult struct {
	ID         int
	UserErrors []usererror.Error
}

// SetProducts is productSet for a batch (imports): one transaction for the batch, the
// search index refreshed once per product at the end. A product with user errors is
// skipped (validation writes nothing) and the others are written.
func (s *Service) SetProducts(ctx context.Context, ins []ProductInput) ([]SetResult, error) {
	ctx, pending := searchindex.Batch(ctx)
	out := make([]SetResult, len(ins))
	err := store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		currency, err := ShopCurrency(ctx, tx.Shop)
		if err != nil {
			return err
		}
		for i, in := range ins {
			if in.Handle == nil || strings.TrimSpace(*in.Handle) == "" {
				out[i].UserErrors = []usererror.Error{usererror.New(usererror.Blank, "The handle can't be blank.", "input", "handle")}
				continue
			}
			if err := s.lockHandle(ctx, tx, in.Handle); err != nil {
				return err
			}
			p, err := tx.Product.Query().Where(product.Handle(*in.Handle)).Only(ctx)
			if err != nil && !ent.IsNotFound(err) {
				return fmt.Errorf("load product %s: %w", *in.Handle, err)
			}
			id, uerrs, err := s.writeTx(ctx, tx, p, in, false, currency)
			if err != nil {
				return fmt.Errorf("product %s: %w", *in.Handle, err)
			}
			out[i] = SetResult{ID: id, UserErrors: uerrs}
		}
		return pending.Flush(ctx, s.db.Search, tx.Client())
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// productWrite is one product write in progress.
type productWrite struct {
	s       *Service
	tx      *ent.Tx
	in      ProductInput
	p       *ent.Product // nil until created
	uerrs   []usererror.Error
	changes map[string]any

	currency    string
	created     bool          // the product is new: it has no options, variants, images or collections yet
	options     []OptionInput // what the product's options will be
	prices      []int64
	compares    []*int64
	collections []int
}

func (w *productWrite) fail(code, msg string, path ...any) {
	w.uerrs = append(w.uerrs, usererror.New(code, msg, append([]any{"input"}, path...)...))
}

// validate checks everything that can be checked before writing.
func (w *productWrite) validate(ctx context.Context) error {
	in := w.in
	if in.Handle != nil {
		switch h := *in.Handle; {
		case len(h) > 255:
			w.fail(usererror.TooLong, "The handle is longer than 255 characters.", "handle")
		case !handleRE.MatchString(h):
			w.fail(usererror.Invalid, "A handle has lower-case letters, digits and single hyphens, e.g. classic-tee.", "handle")
		}
	}
	switch {
	case in.Title == nil && w.p == nil:
		w.fail(usererror.Blank, "A new product needs a title.", "title")
	case in.Title != nil && strings.TrimSpace(*in.Title) == "":
		w.fail(usererror.Blank, "The title can't be blank.", "title")
	case in.Title != nil && len(*in.Title) > 255:
		w.fail(usererror.TooLong, "The title is longer than 255 characters.", "title")
	}
	if in.Status != nil && !slices.Contains([]string{StatusActive, StatusDraft, StatusArchived}, *in.Status) {
		w.fail(usererror.Invalid, "The status must be ACTIVE, DRAFT or ARCHIVED.", "status")
	}
	for i, t := range in.Tags {
		if strings.TrimSpace(t) == "" || len(t) > 255 {
			w.fail(usererror.Invalid, "A tag must be 1 to 255 characters.", "tags", i)
		}
	}
	if w.currency == "" {
		var err error
		if w.currency, err = ShopCurrency(ctx, w.tx.Shop); err != nil {
			return err
		}
	}
	if err := w.validateOptions(ctx); err != nil {
		return err
	}
	if err := w.validateVariants(ctx); err != nil {
		return err
	}
	for i, img := range in.Images {
		u, err := url.Parse(img.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(img.URL) > 2048 {
			w.fail(usererror.Invalid, "An image URL must be an absolute http or https URL.", "images", i, "url")
		}
		if img.AltText != nil && len(*img.AltText) > 512 {
			w.fail(usererror.TooLong, "The alt text is longer than 512 characters.", "images", i, "altText")
		}
	}
	for i, id := range in.Collections {
		n, ok := gid.ParseAs(id, gid.Collection)
		if ok {
			var err error
			ok, err = w.tx.Collection.Query().Where(collection.ID(n)).Exist(ctx)
			if err != nil {
				return fmt.Errorf("find collection %d: %w", n, err)
			}
		}
		if !ok {
			w.fail(usererror.NotFound, "No such collection.", "collections", i)
			continue
		}
		if !slices.Contains(w.collections, n) {
			w.collections = append(w.collections, n)
		}
	}
	return nil
}

// defaultOptions are the options of a product with one plain variant, as Shopify has them.
var defaultOptions = []OptionInput{{Name: "Title", Values: []string{"Default Title"}}}

func (w *productWrite) validateOptions(ctx context.Context) error {
	in := w.in
	if in.HasOptions && !in.HasVariants && w.p != nil {
		w.fail(usererror.Invalid, "Give the variants too when changing the options.", "variants")
	}
	if in.HasOptions {
		names := map[string]bool{}
		for i, o := range in.Options {
			if strings.TrimSpace(o.Name) == "" {
				w.fail(usererror.Blank, "An option needs a name.", "options", i, "name")
			}
			if names[o.Name] {
				w.fail(usererror.Taken, "Two options have this name.", "options", i, "name")
			}
			names[o.Name] = true
			if len(o.Values) == 0 {
				w.fail(usererror.Blank, "An option needs at least one value.", "options", i, "values")
			}
			seen := map[string]bool{}
			for j, v := range o.Values {
				if strings.TrimSpace(v) == "" || seen[v] {
					w.fail(usererror.Invalid, "Option values must be non-blank and distinct.", "options", i, "values", j)
				}
				seen[v] = true
			}
		}
		w.options = in.Options
	} else if w.p != nil {
		opts, err := w.tx.ProductOption.Query().Where(productoption.ProductID(w.p.ID)).
			Order(ent.Asc(productoption.FieldPosition), ent.Asc(productoption.FieldID)).
			WithValues(func(q *ent.ProductOptionValueQuery) {
				q.Order(ent.Asc(productoptionvalue.FieldPosition), ent.Asc(productoptionvalue.FieldID))
			}).All(ctx)
		if err != nil {
			return fmt.Errorf("load options: %w", err)
		}
		for _, o := range opts {
			oi := OptionInput{Name: o.Name}
			for _, v := range o.Edges.Values {
				oi.Values = append(oi.Values, v.Name)
			}
			w.options = append(w.options, oi)
		}
	}
	if len(w.options) == 0 {
		w.options = defaultOptions
	}
	return nil
}

func (w *productWrite) validateVariants(ctx context.Context) error {
	in := w.in
	plain := slices.EqualFunc(w.options, defaultOptions, func(a, b OptionInput) bool { return a.Name == b.Name && slices.Equal(a.Values, b.Values) })
	if plain && len(in.Variants) > 1 {
		w.fail(usererror.Invalid, "Several variants need options that tell them apart.", "variants")
	}
	skus := map[string]int{}
	combos := map[string]bool{}
	w.prices = make([]int64, len(in.Variants))
	w.compares = make([]*int64, len(in.Variants))
	for i, v := range in.Variants {
		switch {
		case strings.TrimSpace(v.SKU) == "":
			w.fail(usererror.Blank, "A variant needs a SKU.", "variants", i, "sku")
		case len(v.SKU) > 255:
			w.fail(usererror.TooLong, "The SKU is longer than 255 characters.", "variants", i, "sku")
		default:
			if _, dup := skus[v.SKU]; dup {
				w.fail(usererror.Taken, "Two variants have this SKU.", "variants", i, "sku")
			}
			skus[v.SKU] = i
		}
		if !plain || len(v.OptionValues) > 0 {
			given := map[string]string{}
			for j, ov := range v.OptionValues {
				k := slices.IndexFunc(w.options, func(o OptionInput) bool { return o.Name == ov.OptionName })
				switch {
				case k < 0:
					w.fail(usererror.Invalid, fmt.Sprintf("The product has no option %q.", ov.OptionName), "variants", i, "optionValues", j, "optionName")
				case !slices.Contains(w.options[k].Values, ov.Name):
					w.fail(usererror.Invalid, fmt.Sprintf("The option %q has no value %q.", ov.OptionName, ov.Name), "variants", i, "optionValues", j, "name")
				case given[ov.OptionName] != "":
					w.fail(usererror.Invalid, fmt.Sprintf("The option %q is given twice.", ov.OptionName), "variants", i, "optionValues", j, "optionName")
				default:
					given[ov.OptionName] = ov.Name
				}
			}
			var combo []string
			for _, o := range w.options {
				if given[o.Name] == "" {
					w.fail(usererror.Invalid, fmt.Sprintf("The variant needs a value of the option %q.", o.Name), "variants", i, "optionValues")
				}
				combo = append(combo, given[o.Name])
			}
			key := strings.Join(combo, "\x00")
			if combos[key] {
				w.fail(usererror.Taken, "Another variant has the same option values.", "variants", i, "optionValues")
			}
			combos[key] = true
		}
		amount := func(s *string, field string) *int64 {
			if s == nil {
				return nil
			}
			n, err := money.Parse(*s, w.currency)
			switch {
			case err != nil:
				w.fail(usererror.Invalid, fmt.Sprintf("%q is not an amount in %s.", *s, w.currency), "variants", i, field)
				return nil
			case n < 0:
				w.fail(CodeGreaterThanOrEqualTo, "The amount can't be negative.", "variants", i, field)
				return nil
			}
			return &n
		}
		if p := amount(v.Price, "price"); p != nil {
			w.prices[i] = *p
		} else {
			w.prices[i] = -1
		}
		if v.CompareAtPrice.Set {
			w.compares[i] = amount(v.CompareAtPrice.Value, "compareAtPrice")
		}
		if v.InventoryQuantity != nil && *v.InventoryQuantity < 0 {
			w.fail(CodeGreaterThanOrEqualTo, "The quantity can't be negative.", "variants", i, "inventoryQuantity")
		}
		if v.Weight != nil && *v.Weight < 0 {
			w.fail(CodeGreaterThanOrEqualTo, "The weight can't be negative.", "variants", i, "weight")
		}
		if v.WeightUnit != nil && productvariant.WeightUnitValidator(productvariant.WeightUnit(*v.WeightUnit)) != nil {
			w.fail(usererror.Invalid, "The weight unit must be GRAMS, KILOGRAMS, OUNCES or POUNDS.", "variants", i, "weightUnit")
		}
		if v.Barcode.Value != nil && len(*v.Barcode.Value) > 255 {
			w.fail(usererror.TooLong, "The barcode is longer than 255 characters.", "variants", i, "barcode")
		}
	}
	if len(skus) == 0 {
		return nil
	}
	// A SKU belongs to one product.
	q := w.tx.ProductVariant.Query().Where(productvariant.SkuIn(slices.Collect(maps.Keys(skus))...))
	if w.p != nil {
		q.Where(productvariant.ProductIDNEQ(w.p.ID))
	}
	taken, err := q.Select(productvariant.FieldSku).Strings(ctx)
	if err != nil {
		return fmt.Errorf("check skus: %w", err)
	}
	for _, sku := range taken {
		w.fail(usererror.Taken, "Another product has a variant with this SKU.", "variants", skus[sku], "sku")
	}
	return nil
}

// apply writes the product, then its options, variants, images and collections.
func (w *productWrite) apply(ctx context.Context) error {
	in := w.in
	now := time.Now().UTC()
	if w.p == nil {
		c := w.tx.Product.Create().SetHandle(*in.Handle).SetTitle(*in.Title)
		if in.Status == nil || *in.Status == StatusActive {
			c.SetPublished(true).SetPublishedAt(now)
		}
		if in.Status != nil && *in.Status == StatusArchived {
			c.SetArchived(true)
		}
		p, err := c.Save(ctx)
		if err != nil {
			return fmt.Errorf("create product %s: %w", *in.Handle, err)
		}
		w.p = p
		w.created = true
		w.changes["created"] = true
		w.changes["handle"] = p.Handle
		w.changes["title"] = p.Title
		w.changes["status"] = Status(p)
	}
	p := w.p
	u := w.tx.Product.UpdateOne(p)
	changed := false
	set := func(field string, differs bool, value any, apply func()) {
		if differs {
			apply()
			w.changes[field] = value
			changed = true
		}
	}
	if in.Handle != nil {
		set("handle", *in.Handle != p.Handle, *in.Handle, func() { u.SetHandle(*in.Handle) })
	}
	if in.Title != nil {
		set("title", *in.Title != p.Title, *in.Title, func() { u.SetTitle(*in.Title) })
	}
	if in.DescriptionHTML != nil {
		set("descriptionHtml", *in.DescriptionHTML != p.DescriptionHTML, *in.DescriptionHTML, func() {
			u.SetDescriptionHTML(*in.DescriptionHTML).SetDescription(searchindex.StripHTML(*in.DescriptionHTML))
		})
	}
	if in.Vendor != nil {
		set("vendor", *in.Vendor != p.Vendor, *in.Vendor, func() { u.SetVendor(*in.Vendor) })
	}
	if in.ProductType != nil {
		set("productType", *in.ProductType != p.ProductType, *in.ProductType, func() { u.SetProductType(*in.ProductType) })
	}
	if in.HasTags {
		tags := in.Tags
		if tags == nil {
			tags = []string{}
		}
		set("tags", !slices.Equal(tags, p.Tags), tags, func() { u.SetTags(tags) })
	}
	if in.Status != nil {
		st := *in.Status
		set("status", st != Status(p), st, func() {
			u.SetPublished(st == StatusActive).SetArchived(st == StatusArchived)
			if st == StatusActive && p.PublishedAt == nil {
				u.SetPublishedAt(now)
			}
		})
	}
	if changed {
		if err := u.Exec(ctx); err != nil {
			return fmt.Errorf("update product %d: %w", p.ID, err)
		}
	}
	if err := w.applyOptions(ctx); err != nil {
		return err
	}
	if err := w.applyVariants(ctx); err != nil {
		return err
	}
	if err := w.applyImages(ctx); err != nil {
		return err
	}
	return w.applyCollections(ctx)
}

func (w *productWrite) applyOptions(ctx context.Context) error {
	var existing []*ent.ProductOption
	if !w.created {
		var err error
		existing, err = w.tx.ProductOption.Query().Where(productoption.ProductID(w.p.ID)).
			Order(ent.Asc(productoption.FieldPosition), ent.Asc(productoption.FieldID)).
			WithValues(func(q *ent.ProductOptionValueQuery) {
				q.Order(ent.Asc(productoptionvalue.FieldPosition), ent.Asc(productoptionvalue.FieldID))
			}).All(ctx)
		if err != nil {
			return fmt.Errorf("load options: %w", err)
		}
	}
	same := len(existing) == len(w.options)
	for i := 0; same && i < len(existing); i++ {
		same = existing[i].Name == w.options[i].Name && len(existing[i].Edges.Values) == len(w.options[i].Values)
		for j := 0; same && j < len(existing[i].Edges.Values); j++ {
			same = existing[i].Edges.Values[j].Name == w.options[i].Values[j]
		}
	}
	if same {
		return nil
	}
	w.changes["options"] = w.options
	return replaceOptions(ctx, w.tx, w.p.ID, w.options)
}

// replaceOptions deletes a product's options and writes opts instead.
func replaceOptions(ctx context.Context, tx *ent.Tx, productID int, opts []OptionInput) error {
	ids, err := tx.ProductOption.Query().Where(productoption.ProductID(productID)).IDs(ctx)
	if err != nil {
		return fmt.Errorf("list options: %w", err)
	}
	if len(ids) > 0 {
		if _, err := tx.ProductOptionValue.Delete().Where(productoptionvalue.OptionIDIn(ids...)).Exec(ctx); err != nil {
			return fmt.Errorf("delete option values: %w", err)
		}
		if _, err := tx.ProductOption.Delete().Where(productoption.IDIn(ids...)).Exec(ctx); err != nil {
			return fmt.Errorf("delete options: %w", err)
		}
	}
	for i, o := range opts {
		opt, err := tx.ProductOption.Create().SetProductID(productID).SetName(o.Name).SetPosition(i).Save(ctx)
		if err != nil {
			return fmt.Errorf("create option %s: %w", o.Name, err)
		}
		vals := make([]*ent.ProductOptionValueCreate, len(o.Values))
		for j, v := range o.Values {
			vals[j] = tx.ProductOptionValue.Create().SetOptionID(opt.ID).SetName(v).SetPosition(j)
		}
		if err := tx.ProductOptionValue.CreateBulk(vals...).Exec(ctx); err != nil {
			return fmt.Errorf("create values of option %s: %w", o.Name, err)
		}
	}
	return nil
}

// selected is a variant's option values in option order, and its title.
func (w *productWrite) selected(v VariantInput) ([]schema.SelectedOption, string) {
	if len(v.OptionValues) == 0 {
		return []schema.SelectedOption{{Name: "Title", Value: "Default Title"}}, "Default Title"
	}
	var out []schema.SelectedOption
	var names []string
	for _, o := range w.options {
		for _, ov := range v.OptionValues {
			if ov.OptionName == o.Name {
				out = append(out, schema.SelectedOption{Name: o.Name, Value: ov.Name})
				names = append(names, ov.Name)
			}
		}
	}
	return out, strings.Join(names, " / ")
}

func (w *productWrite) applyVariants(ctx context.Context) error {
	in := w.in
	var existing []*ent.ProductVariant
	if !w.created {
		var err error
		if existing, err = w.tx.ProductVariant.Query().Where(productvariant.ProductID(w.p.ID)).All(ctx); err != nil {
			return fmt.Errorf("load variants: %w", err)
		}
	}
	if !in.HasVariants {
		if len(existing) == 0 {
			// A new product without variants gets the one plain variant every product has.
			if err := w.tx.ProductVariant.Create().SetProductID(w.p.ID).SetTitle("Default Title").SetPrice(0).
				SetSelectedOptions([]schema.SelectedOption{{Name: "Title", Value: "Default Title"}}).Exec(ctx); err != nil {
				return fmt.Errorf("create default variant: %w", err)
			}
		}
		return nil
	}
	bySKU := map[string]*ent.ProductVariant{}
	for _, v := range existing {
		if v.Sku != nil {
			bySKU[*v.Sku] = v
		}
	}
	keep := map[int]bool{}
	var variantChanges []map[string]any
	for i, v := range in.Variants {
		opts, title := w.selected(v)
		cur := bySKU[v.SKU]
		change := map[string]any{}
		var id int
		if cur == nil {
			c := w.tx.ProductVariant.Create().SetProductID(w.p.ID).SetSku(v.SKU).SetTitle(title).
				SetSelectedOptions(opts).SetPosition(i).SetPrice(max(w.prices[i], 0))
			if w.compares[i] != nil {
				c.SetCompareAtPrice(*w.compares[i])
			}
			if v.Weight != nil {
				c.SetWeight(*v.Weight)
			}
			if v.WeightUnit != nil {
				c.SetWeightUnit(productvariant.WeightUnit(*v.WeightUnit))
			}
			if v.Barcode.Value != nil {
				c.SetBarcode(*v.Barcode.Value)
			}
			if v.RequiresShipping != nil {
				c.SetRequiresShipping(*v.RequiresShipping)
			}
			if v.InventoryQuantity != nil {
				c.SetAvailable(*v.InventoryQuantity)
			}
			nv, err := c.Save(ctx)
			if err != nil {
				return fmt.Errorf("create variant %s: %w", v.SKU, err)
			}
			id = nv.ID
			change["created"] = true
			if v.InventoryQuantity != nil {
				if _, err := inventory.RecordInitial(ctx, w.tx, id, nv.Sku, *v.InventoryQuantity, "correction"); err != nil {
					return err
				}
				change["inventoryQuantity"] = *v.InventoryQuantity
			}
		} else {
			id = cur.ID
			u := w.tx.ProductVariant.UpdateOne(cur)
			diff := func(field string, differs bool, value any, apply func()) {
				if differs {
					apply()
					change[field] = value
				}
			}
			diff("title", cur.Title != title, title, func() { u.SetTitle(title) })
			diff("optionValues", !slices.Equal(cur.SelectedOptions, opts), opts, func() { u.SetSelectedOptions(opts) })
			diff("position", cur.Position != i, i, func() { u.SetPosition(i) })
			if w.prices[i] >= 0 {
				diff("price", cur.Price != w.prices[i], money.Format(w.prices[i], w.currency), func() { u.SetPrice(w.prices[i]) })
			}
			if v.CompareAtPrice.Set {
				n := w.compares[i]
				differs := (n == nil) != (cur.CompareAtPrice == nil) || (n != nil && *n != *cur.CompareAtPrice)
				diff("compareAtPrice", differs, v.CompareAtPrice.Value, func() {
					if n == nil {
						u.ClearCompareAtPrice()
					} else {
						u.SetCompareAtPrice(*n)
					}
				})
			}
			if v.Weight != nil {
				diff("weight", cur.Weight != *v.Weight, *v.Weight, func() { u.SetWeight(*v.Weight) })
			}
			if v.WeightUnit != nil {
				diff("weightUnit", string(cur.WeightUnit) != *v.WeightUnit, *v.WeightUnit, func() { u.SetWeightUnit(productvariant.WeightUnit(*v.WeightUnit)) })
			}
			if v.Barcode.Set {
				b := v.Barcode.Value
				differs := (b == nil) != (cur.Barcode == nil) || (b != nil && *b != *cur.Barcode)
				diff("barcode", differs, b, func() {
					if b == nil {
						u.ClearBarcode()
					} else {
						u.SetBarcode(*b)
					}
				})
			}
			if v.RequiresShipping != nil {
				diff("requiresShipping", cur.RequiresShipping != *v.RequiresShipping, *v.RequiresShipping, func() { u.SetRequiresShipping(*v.RequiresShipping) })
			}
			if len(change) > 0 {
				if err := u.Exec(ctx); err != nil {
					return fmt.Errorf("update variant %s: %w", v.SKU, err)
				}
			}
		}
		keep[id] = true
		if v.InventoryQuantity != nil && cur != nil {
			c, _, err := inventory.Set(ctx, w.tx, w.s.db.Dialect, id, *v.InventoryQuantity, nil, "correction")
			if err != nil {
				return fmt.Errorf("set stock of %s: %w", v.SKU, err)
			}
			if c.Delta != 0 {
				change["inventoryQuantity"] = c.QuantityAfter
			}
		}
		if len(change) > 0 {
			change["sku"] = v.SKU
			variantChanges = append(variantChanges, change)
		}
	}
	var gone []int
	var goneSKUs []any
	for _, v := range existing {
		if !keep[v.ID] {
			gone = append(gone, v.ID)
			if v.Sku != nil {
				goneSKUs = append(goneSKUs, *v.Sku)
			} else {
				goneSKUs = append(goneSKUs, gid.Format(gid.ProductVariant, v.ID))
			}
		}
	}
	if err := deleteVariants(ctx, w.tx, gone); err != nil {
		return err
	}
	if len(variantChanges) > 0 {
		w.changes["variants"] = variantChanges
	}
	if len(gone) > 0 {
		w.changes["variantsRemoved"] = goneSKUs
	}
	return nil
}

// deleteVariants removes variants and the cart lines holding them; order lines keep their
// snapshot (their variant reference is cleared by the database).
func deleteVariants(ctx context.Context, tx *ent.Tx, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.CartLine.Delete().Where(cartline.VariantIDIn(ids...)).Exec(ctx); err != nil {
		return fmt.Errorf("delete cart lines of removed variants: %w", err)
	}
	if _, err := tx.ProductVariant.Delete().Where(productvariant.IDIn(ids...)).Exec(ctx); err != nil {
		return fmt.Errorf("delete variants: %w", err)
	}
	return nil
}

func (w *productWrite) applyImages(ctx context.Context) error {
	if !w.in.HasImages {
		return nil
	}
	var existing []*ent.ProductImage
	if !w.created {
		var err error
		existing, err = w.tx.ProductImage.Query().Where(productimage.ProductID(w.p.ID)).
			Order(ent.Asc(productimage.FieldPosition), ent.Asc(productimage.FieldID)).All(ctx)
		if err != nil {
			return fmt.Errorf("load images: %w", err)
		}
	}
	same := slices.EqualFunc(existing, w.in.Images, func(e *ent.ProductImage, i ImageInput) bool {
		return e.URL == i.URL && ((e.AltText == nil && i.AltText == nil) || (e.AltText != nil && i.AltText != nil && *e.AltText == *i.AltText))
	})
	if same {
		return nil
	}
	ids := make([]int, len(existing))
	for i, e := range existing {
		ids[i] = e.ID
	}
	if len(ids) > 0 {
		if err := w.tx.ProductVariant.Update().Where(productvariant.ImageIDIn(ids...)).ClearImageID().Exec(ctx); err != nil {
			return fmt.Errorf("detach images from variants: %w", err)
		}
		if _, err := w.tx.ProductImage.Delete().Where(productimage.IDIn(ids...)).Exec(ctx); err != nil {
			return fmt.Errorf("delete images: %w", err)
		}
	}
	creates := make([]*ent.ProductImageCreate, len(w.in.Images))
	for i, img := range w.in.Images {
		creates[i] = w.tx.ProductImage.Create().SetProductID(w.p.ID).SetURL(img.URL).SetNillableAltText(img.AltText).SetPosition(i)
	}
	if err := w.tx.ProductImage.CreateBulk(creates...).Exec(ctx); err != nil {
		return fmt.Errorf("create images: %w", err)
	}
	urls := make([]string, len(w.in.Images))
	for i, img := range w.in.Images {
		urls[i] = img.URL
	}
	w.changes["images"] = urls
	return nil
}

func (w *productWrite) applyCollections(ctx context.Context) error {
	if !w.in.HasCollections {
		return nil
	}
	var current []int
	if !w.created {
		var err error
		current, err = w.tx.CollectionProduct.Query().Where(collectionproduct.ProductID(w.p.ID)).
			Select(collectionproduct.FieldCollectionID).Ints(ctx)
		if err != nil {
			return fmt.Errorf("load collections: %w", err)
		}
	}
	var gone, added []int
	for _, c := range current {
		if !slices.Contains(w.collections, c) {
			gone = append(gone, c)
		}
	}
	for _, c := range w.collections {
		if !slices.Contains(current, c) {
			added = append(added, c)
		}
	}
	if len(gone) == 0 && len(added) == 0 {
		return nil
	}
	if len(gone) > 0 {
		if _, err := w.tx.CollectionProduct.Delete().Where(collectionproduct.ProductID(w.p.ID), collectionproduct.CollectionIDIn(gone...)).Exec(ctx); err != nil {
			return fmt.Errorf("leave collections: %w", err)
		}
	}
	for _, c := range added {
		// Appended at the end of the collection's manual order.
		last, err := w.tx.CollectionProduct.Query().Where(collectionproduct.CollectionID(c)).
			Order(ent.Desc(collectionproduct.FieldPosition)).Limit(1).Select(collectionproduct.FieldPosition).Ints(ctx)
		if err != nil {
			return fmt.Errorf("find end of collection %d: %w", c, err)
		}
		pos := 0
		if len(last) > 0 {
			pos = last[0] + 1
		}
		if err := w.tx.CollectionProduct.Create().SetCollectionID(c).SetProductID(w.p.ID).SetPosition(pos).Exec(ctx); err != nil {
			return fmt.Errorf("join collection %d: %w", c, err)
		}
	}
	ids := make([]string, len(w.collections))
	for i, c := range w.collections {
		ids[i] = gid.Format(gid.Collection, c)
	}
	w.changes["collections"] = ids
	return nil
}

// UnmarshalJSON reads a present value, null included, as Set.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}

// ShopCurrency is the currency of every price in the shop (USD before the shop is set
// up), read through shops: a client's or a transaction's Shop.
func ShopCurrency(ctx context.Context, shops *ent.ShopClient) (string, error) {
	cur, err := shops.Query().Order(ent.Asc(shop.FieldID)).Limit(1).Select(shop.FieldCurrencyCode).Strings(ctx)
	if err != nil {
		return "", fmt.Errorf("read shop currency: %w", err)
	}
	if len(cur) == 0 {
		return "USD", nil
	}
	return cur[0], nil
}

// lockHandle makes concurrent writes of one handle wait for each other until the end of the
// transaction, so two syncs of a new product cannot both create it. SQLite transactions
// already take the database's one write lock when they begin.
func (s *Service) lockHandle(ctx context.Context, tx *ent.Tx, handle *string) error {
	if handle == nil || s.db.Dialect != dialect.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('product:' || $1))`, *handle); err != nil {
		return fmt.Errorf("lock product handle %s: %w", *handle, err)
	}
	return nil
}
