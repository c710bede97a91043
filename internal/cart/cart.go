// Package cart owns carts: lines, buyer identity, note, attributes and discount codes, and
// what a cart costs, computed by the server from current prices on every read. Every
// change runs in one transaction that holds the cart's row, so concurrent changes to one
// cart never lose each other's updates.
package cart

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"entgo.io/ent/dialect"

	"storefront/ent"
	entcart "storefront/ent/cart"
	"storefront/ent/cartline"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/ent/schema"
	"storefront/internal/analytics"
	"storefront/internal/contact"
	"storefront/internal/gid"
	"storefront/internal/incontext"
	"storefront/internal/outbox"
	"storefront/internal/store"
)

// Limits of a cart.
const (
	MaxLines        = 500
	MaxQuantity     = 10_000
	MaxNoteLength   = 5_000
	MaxAttributes   = 250
	MaxAttrLength   = 1_000
	MaxCodes        = 25
	DefaultTTL      = 10 * 24 * time.Hour
	lineTypeForGIDs = "CartLine"
)

// Config configures the service.
type Config struct {
	// TTL is how long an untouched cart lives (DefaultTTL when zero).
	TTL time.Duration
	// PublicURL is the server's absolute base URL, for checkoutUrl.
	PublicURL string
	// Customers resolves customer access tokens; nil while customer accounts are not
	// available, in which case every token is invalid.
	Customers CustomerResolver
}

// CustomerResolver finds the customer behind an access token.
type CustomerResolver interface {
	// CustomerByToken returns the customer ID and email for a valid token, ok false otherwise.
	CustomerByToken(ctx context.Context, token string) (id int, email string, ok bool, err error)
}

// Service manages carts. It is safe for concurrent use and keeps no state between calls,
// so any number of server instances can share one database.
type Service struct {
	db  *store.DB
	cfg Config
	now func() time.Time
	// lockCodes locks the discount codes a view reads (a view inside the placing
	// transaction on PostgreSQL).
	lockCodes bool
	// Events records the cart's analytics events (cart created, lines added and removed,
	// checkout started); nil records none.
	Events *analytics.Recorder
}

// New returns a cart service over db.
func New(db *store.DB, cfg Config) *Service {
	if cfg.TTL == 0 {
		cfg.TTL = DefaultTTL
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &Service{db: db, cfg: cfg, now: func() time.Time { return time.Now().UTC() }}
}

// LineInput is a line to add.
type LineInput struct {
	MerchandiseID string
	Quantity      int
	Attributes    []schema.Attribute
}

// LineUpdate changes a line; nil fields stay as they are.
type LineUpdate struct {
	ID            string
	MerchandiseID *string
	Quantity      *int
	Attributes    []schema.Attribute
	SetAttributes bool
}

// BuyerIdentity is who is buying; nil fields are left unchanged, empty strings clear.
type BuyerIdentity struct {
	Email               *string
	Phone               *string
	CountryCode         *string
	CustomerAccessToken *string
}

// Input creates a cart.
type Input struct {
	Lines         []LineInput
	DiscountCodes []string
	Note          *string
	Attributes    []schema.Attribute
	BuyerIdentity *BuyerIdentity
	Delivery      []DeliveryAddressInput
}

// Result is what a mutation returns: the cart (nil when the change was refused or the cart
// is unknown), user errors and warnings.
type Result struct {
	Cart       *Cart
	UserErrors []UserError
	Warnings   []Warning
}

// CheckoutURL is where the buyer completes the purchase of the cart.
func (s *Service) CheckoutURL(token, key string) string {
	return s.cfg.PublicURL + "/checkout/" + token + "?key=" + key
}

// Get returns the cart with the given ID, or nil when it is unknown, the key is wrong, it
// has expired or it has been completed.
func (s *Service) Get(ctx context.Context, id string) (*Cart, error) {
	token, key, ok := ParseID(id)
	if !ok {
		return nil, nil
	}
	c, err := s.db.Cart.Query().Where(entcart.Token(token)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read cart: %w", err)
	}
	if !s.usable(c, key) {
		return nil, nil
	}
	return s.view(ctx, c, key)
}

func (s *Service) usable(c *ent.Cart, key string) bool {
	return keyMatches(key, c.KeyHash) && c.CompletedAt == nil && s.now().Sub(c.UpdatedAt) < s.cfg.TTL
}

// Create makes a cart from input. Refused input creates nothing.
//
// User error codes: INVALID, INVALID_MERCHANDISE_LINE, LESS_THAN, MAXIMUM_EXCEEDED,
// CART_TOO_LARGE, NOTE_TOO_LONG. Warnings: MERCHANDISE_NOT_ENOUGH_STOCK,
// MERCHANDISE_OUT_OF_STOCK and the DISCOUNT_* codes.
func (s *Service) Create(ctx context.Context, in Input) (Result, error) {
	var errs []UserError
	if in.Note != nil {
		errs = append(errs, checkNote(*in.Note, path("input", "note"))...)
	}
	errs = append(errs, checkAttributes(in.Attributes, path("input", "attributes"))...)
	codes, codeErrs := normalizeCodes(in.DiscountCodes, path("input", "discountCodes"))
	errs = append(errs, codeErrs...)
	adds, lineErrs := checkLineInputs(in.Lines, "input", "lines")
	errs = append(errs, lineErrs...)
	for i, d := range in.Delivery {
		errs = append(errs, CheckAddress(d.Address, d.Strict, path("input", "delivery", "addresses", i, "address", "deliveryAddress"))...)
	}
	var buyer buyerChange
	if in.BuyerIdentity != nil {
		var berrs []UserError
		buyer, berrs = s.checkBuyer(ctx, *in.BuyerIdentity, path("input", "buyerIdentity"))
		errs = append(errs, berrs...)
	}
	if len(errs) > 0 {
		return Result{UserErrors: errs}, nil
	}
	if c := incontext.From(ctx).Country; buyer.country == nil && c != "" {
		// A cart created in a buyer context (@inContext(country:)) is priced for its country.
		buyer.country = &c
	}
	token, key := newSecret()[:32], newSecret()
	var warnings []Warning
	var userErrs []UserError
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		b := tx.Cart.Create().SetToken(token).SetKeyHash(hashKey(key)).
			SetNillableNote(in.Note).SetAttributes(in.Attributes).SetDiscountCodes(codes)
		buyer.apply(b.Mutation())
		c, err := b.Save(ctx)
		if err != nil {
			return err
		}
		userErrs, warnings, err = s.addLines(ctx, tx, c, adds, path("input", "lines"))
		if err != nil {
			return err
		}
		if len(userErrs) > 0 {
			return errRollback
		}
		return outbox.Emit(ctx, tx, outbox.CartsCreate, outbox.CartSubject(token), nil)
	})
	if err != nil {
		return Result{}, err
	}
	if len(userErrs) > 0 {
		return Result{UserErrors: userErrs}, nil
	}
	if len(in.Delivery) > 0 {
		r, err := s.AddDeliveryAddresses(ctx, FormatID(token, key), in.Delivery)
		if err != nil {
			return Result{}, err
		}
		warnings = append(warnings, r.Warnings...)
	}
	c, err := s.Get(ctx, FormatID(token, key))
	if err != nil {
		return Result{}, err
	}
	s.track(ctx, analytics.CartCreated, c, nil)
	if len(adds) > 0 {
		s.track(ctx, analytics.ProductAddedToCart, c, adds)
	}
	return Result{Cart: c, Warnings: append(warnings, c.DiscountWarnings()...)}, nil
}

// errRollback ends a transaction whose change was refused with user errors.
var errRollback = errors.New("rollback")

// inTx runs f in a transaction; errRollback from f rolls back without an error.
func (s *Service) inTx(ctx context.Context, f func(tx *ent.Tx) error) error {
	tx, err := s.db.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		if errors.Is(err, errRollback) {
			return nil
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// change runs f on the locked cart in one transaction and returns the cart as it is
// afterwards. An unknown cart is a user error, and so is a cart held by a running
// completion attempt (INVALID on cartId): its order is placed from the cart as submitted.
func (s *Service) change(ctx context.Context, id string, f func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error)) (Result, error) {
	token, key, ok := ParseID(id)
	if !ok {
		return Result{UserErrors: []UserError{errCartNotFound()}}, nil
	}
	var userErrs []UserError
	var warnings []Warning
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		q := tx.Cart.Query().Where(entcart.Token(token))
		if s.db.Dialect == dialect.Postgres {
			q = q.ForUpdate() // SQLite's immediate transactions already hold the write lock
		}
		c, err := q.Only(ctx)
		if ent.IsNotFound(err) || err == nil && !s.usable(c, key) {
			userErrs = []UserError{errCartNotFound()}
			return errRollback
		}
		if err != nil {
			return fmt.Errorf("lock cart: %w", err)
		}
		if held, err := s.held(ctx, tx, c); err != nil {
			return err
		} else if held {
			userErrs = []UserError{errCartCompleting()}
			return errRollback
		}
		userErrs, warnings, err = f(tx, c)
		if err != nil {
			return err
		}
		if len(userErrs) > 0 {
			return errRollback
		}
		if err := outbox.Emit(ctx, tx, outbox.CartsUpdate, outbox.CartSubject(c.Token), nil); err != nil {
			return err
		}
		return tx.Cart.UpdateOne(c).SetUpdatedAt(s.now()).Exec(ctx)
	})
	if err != nil {
		return Result{}, err
	}
	if len(userErrs) > 0 {
		return Result{UserErrors: userErrs}, nil
	}
	c, err := s.Get(ctx, id)
	if err != nil {
		return Result{}, err
	}
	return Result{Cart: c, Warnings: warnings}, nil
}

// AddLines adds lines; a line with the same merchandise and attributes as an existing one
// adds to its quantity. All lines are added or none.
//
// User error codes: INVALID (unknown cart), INVALID_MERCHANDISE_LINE, LESS_THAN,
// MAXIMUM_EXCEEDED, CART_TOO_LARGE. Warnings: MERCHANDISE_NOT_ENOUGH_STOCK (quantity cut to
// what is available), MERCHANDISE_OUT_OF_STOCK (line not added).
func (s *Service) AddLines(ctx context.Context, id string, lines []LineInput) (Result, error) {
	adds, errs := checkLineInputs(lines, "lines")
	if len(errs) > 0 {
		return Result{UserErrors: errs}, nil
	}
	r, err := s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		return s.addLines(ctx, tx, c, adds, path("lines"))
	})
	if err == nil && len(r.UserErrors) == 0 {
		s.track(ctx, analytics.ProductAddedToCart, r.Cart, adds)
	}
	return r, err
}

type lineAdd struct {
	index      int
	lineID     int // the line an update changes; 0 for an add
	variantID  int
	quantity   int
	attributes []schema.Attribute
	key        string
}

func checkLineInputs(lines []LineInput, field ...any) ([]lineAdd, []UserError) {
	var errs []UserError
	adds := make([]lineAdd, 0, len(lines))
	for i, l := range lines {
		p := func(f string) []string { return append(path(field...), path(i, f)...) }
		vid, ok := gid.ParseAs(l.MerchandiseID, gid.ProductVariant)
		if !ok {
			errs = append(errs, UserError{Code: CodeInvalidMerchandise, Field: p("merchandiseId"), Message: "The merchandise with id " + l.MerchandiseID + " does not exist."})
		}
		errs = append(errs, checkQuantity(l.Quantity, p("quantity"))...)
		errs = append(errs, checkAttributes(l.Attributes, p("attributes"))...)
		adds = append(adds, lineAdd{index: i, variantID: vid, quantity: l.Quantity, attributes: l.Attributes, key: attributesKey(l.Attributes)})
	}
	return adds, errs
}

func checkQuantity(q int, field []string) []UserError {
	switch {
	case q < 1:
		return []UserError{{Code: CodeLessThan, Field: field, Message: "The quantity must be at least 1."}}
	case q > MaxQuantity:
		return []UserError{{Code: CodeMaximumExceeded, Field: field, Message: fmt.Sprintf("The quantity must be at most %d.", MaxQuantity)}}
	}
	return nil
}

func checkNote(note string, field []string) []UserError {
	if utf8.RuneCountInString(note) > MaxNoteLength {
		return []UserError{{Code: CodeNoteTooLong, Field: field, Message: fmt.Sprintf("The note must be at most %d characters.", MaxNoteLength)}}
	}
	return nil
}

func checkAttributes(attrs []schema.Attribute, field []string) []UserError {
	if len(attrs) > MaxAttributes {
		return []UserError{{Code: CodeMaximumExceeded, Field: field, Message: fmt.Sprintf("At most %d attributes are allowed.", MaxAttributes)}}
	}
	var errs []UserError
	seen := map[string]bool{}
	for i, a := range attrs {
		switch {
		case strings.TrimSpace(a.Key) == "":
			errs = append(errs, UserError{Code: CodeInvalid, Field: append(append([]string{}, field...), path(i, "key")...), Message: "Attribute keys must not be blank."})
		case len(a.Key) > MaxAttrLength || len(a.Value) > MaxAttrLength:
			errs = append(errs, UserError{Code: CodeMaximumExceeded, Field: append(append([]string{}, field...), path(i)...), Message: fmt.Sprintf("Attribute keys and values must be at most %d characters.", MaxAttrLength)})
		case seen[a.Key]:
			errs = append(errs, UserError{Code: CodeInvalid, Field: append(append([]string{}, field...), path(i, "key")...), Message: "Attribute keys must be unique."})
		}
		seen[a.Key] = true
	}
	return errs
}

// attributesKey is a canonical form of line attributes (sorted by key), for merging.
func attributesKey(attrs []schema.Attribute) string {
	if len(attrs) == 0 {
		return ""
	}
	sorted := append([]schema.Attribute{}, attrs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	b, _ := json.Marshal(sorted)
	return string(b)
}

// purchasable loads published variants by ID (with stock), keyed by ID.
func purchasable(ctx context.Context, tx *ent.Tx, now time.Time, ids []int) (map[int]*ent.ProductVariant, error) {
	vs, err := tx.ProductVariant.Query().
		Where(productvariant.IDIn(ids...), productvariant.HasProductWith(
			product.Published(true), product.Or(product.PublishedAtIsNil(), product.PublishedAtLTE(now)))).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load merchandise: %w", err)
	}
	out := make(map[int]*ent.ProductVariant, len(vs))
	for _, v := range vs {
		out[v.ID] = v
	}
	return out, nil
}

// addLines applies line changes in order: adds (lineID 0) merge into the line with the same
// merchandise and attributes or create one; updates (lineID set) change that line in place,
// merging into another line when they now match. Quantities are cut to the stock left for
// the variant over all of the cart's lines.
func (s *Service) addLines(ctx context.Context, tx *ent.Tx, c *ent.Cart, adds []lineAdd, field []string) ([]UserError, []Warning, error) {
	if len(adds) == 0 {
		return nil, nil, nil
	}
	ids := make([]int, len(adds))
	for i, a := range adds {
		ids[i] = a.variantID
	}
	variants, err := purchasable(ctx, tx, s.now(), ids)
	if err != nil {
		return nil, nil, err
	}
	var errs []UserError
	for _, a := range adds {
		if variants[a.variantID] == nil {
			errs = append(errs, UserError{Code: CodeInvalidMerchandise, Field: append(append([]string{}, field...), path(a.index, "merchandiseId")...),
				Message: "The merchandise with id " + gid.Format(gid.ProductVariant, a.variantID) + " does not exist."})
		}
	}
	if len(errs) > 0 {
		return errs, nil, nil
	}
	existing, err := tx.CartLine.Query().Where(cartline.CartID(c.ID)).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load lines: %w", err)
	}
	type lineKey struct {
		variant int
		attrs   string
	}
	byKey := map[lineKey]*ent.CartLine{}
	byID := map[int]*ent.CartLine{}
	inCart := map[int]int{} // units of each variant over all lines
	for _, l := range existing {
		byKey[lineKey{l.VariantID, l.AttributesKey}] = l
		byID[l.ID] = l
		inCart[l.VariantID] += l.Quantity
	}
	count := len(existing)
	var warnings []Warning
	for _, a := range adds {
		v := variants[a.variantID]
		k := lineKey{v.ID, a.key}
		var l *ent.CartLine // the line that ends up holding the units
		want, current := a.quantity, 0
		if moved := byID[a.lineID]; moved != nil {
			// Take the updated line out of the cart's counts; it comes back below.
			inCart[moved.VariantID] -= moved.Quantity
			delete(byKey, lineKey{moved.VariantID, moved.AttributesKey})
			if other := byKey[k]; other != nil {
				if err := tx.CartLine.DeleteOne(moved).Exec(ctx); err != nil {
					return nil, nil, fmt.Errorf("merge lines: %w", err)
				}
				delete(byID, moved.ID)
				count--
				l, current = other, other.Quantity
				want += current
			} else {
				l = moved
				if l, err = tx.CartLine.UpdateOne(moved).SetVariantID(v.ID).SetAttributes(a.attributes).SetAttributesKey(a.key).Save(ctx); err != nil {
					return nil, nil, fmt.Errorf("update line: %w", err)
				}
				current = -1 // force the quantity write below
			}
		} else if l = byKey[k]; l != nil {
			current = l.Quantity
			want += current
		}
		if want > MaxQuantity {
			return []UserError{{Code: CodeMaximumExceeded, Field: append(append([]string{}, field...), path(a.index, "quantity")...),
				Message: fmt.Sprintf("A line can hold at most %d units.", MaxQuantity)}}, nil, nil
		}
		// Stock left for this line: what the variant has minus its units on other lines.
		available := v.Available - (inCart[v.ID] - max(current, 0))
		if available <= 0 {
			warnings = append(warnings, Warning{Code: WarnOutOfStock, Target: gid.Format(gid.ProductVariant, v.ID), Message: "The merchandise is out of stock."})
			if l != nil && current < 0 { // an updated line with nothing left to hold
				if err := tx.CartLine.DeleteOne(l).Exec(ctx); err != nil {
					return nil, nil, fmt.Errorf("remove line: %w", err)
				}
				count--
			}
			continue
		}
		short := want > available
		if short {
			want = available
		}
		inCart[v.ID] += want - max(current, 0)
		switch {
		case l == nil:
			if count >= MaxLines {
				return []UserError{{Code: CodeCartTooLarge, Field: append(append([]string{}, field...), path(a.index)...),
					Message: fmt.Sprintf("A cart can hold at most %d lines.", MaxLines)}}, nil, nil
			}
			l, err = tx.CartLine.Create().SetCartID(c.ID).SetVariantID(v.ID).SetQuantity(want).
				SetAttributes(a.attributes).SetAttributesKey(a.key).Save(ctx)
			if err != nil {
				return nil, nil, fmt.Errorf("add line: %w", err)
			}
			count++
		case want != current:
			if l, err = tx.CartLine.UpdateOne(l).SetQuantity(want).Save(ctx); err != nil {
				return nil, nil, fmt.Errorf("update line: %w", err)
			}
		}
		byKey[k], byID[l.ID] = l, l
		if short {
			warnings = append(warnings, Warning{Code: WarnNotEnoughStock, Target: LineID(l.ID),
				Message: fmt.Sprintf("Only %d units are available; the quantity was set to %d.", available, want)})
		}
	}
	return nil, warnings, nil
}

// LineID is a cart line's global ID.
func LineID(id int) string { return gid.Format(lineTypeForGIDs, id) }

// UpdateLines changes the quantity, merchandise or attributes of lines; quantity 0 removes
// a line. All changes apply or none.
//
// User error codes: INVALID (unknown cart or line), INVALID_MERCHANDISE_LINE, LESS_THAN,
// MAXIMUM_EXCEEDED. Warnings: MERCHANDISE_NOT_ENOUGH_STOCK, MERCHANDISE_OUT_OF_STOCK.
func (s *Service) UpdateLines(ctx context.Context, id string, updates []LineUpdate) (Result, error) {
	var errs []UserError
	for i, u := range updates {
		if u.Quantity != nil && *u.Quantity != 0 {
			errs = append(errs, checkQuantity(*u.Quantity, path("lines", i, "quantity"))...)
		}
		if u.MerchandiseID != nil {
			if _, ok := gid.ParseAs(*u.MerchandiseID, gid.ProductVariant); !ok {
				errs = append(errs, UserError{Code: CodeInvalidMerchandise, Field: path("lines", i, "merchandiseId"), Message: "The merchandise with id " + *u.MerchandiseID + " does not exist."})
			}
		}
		if u.SetAttributes {
			errs = append(errs, checkAttributes(u.Attributes, path("lines", i, "attributes"))...)
		}
	}
	if len(errs) > 0 {
		return Result{UserErrors: errs}, nil
	}
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		lines, err := tx.CartLine.Query().Where(cartline.CartID(c.ID)).All(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("load lines: %w", err)
		}
		byID := map[int]*ent.CartLine{}
		for _, l := range lines {
			byID[l.ID] = l
		}
		var errs []UserError
		var adds []lineAdd
		var removes []int
		for i, u := range updates {
			lid, ok := gid.ParseAs(u.ID, lineTypeForGIDs)
			l := byID[lid]
			if !ok || l == nil {
				errs = append(errs, UserError{Code: CodeInvalid, Field: path("lines", i, "id"), Message: "The cart line with id " + u.ID + " does not exist."})
				continue
			}
			q := l.Quantity
			if u.Quantity != nil {
				q = *u.Quantity
			}
			if q == 0 {
				removes = append(removes, l.ID)
				continue
			}
			vid := l.VariantID
			if u.MerchandiseID != nil {
				vid, _ = gid.ParseAs(*u.MerchandiseID, gid.ProductVariant)
			}
			attrs := l.Attributes
			if u.SetAttributes {
				attrs = u.Attributes
			}
			adds = append(adds, lineAdd{index: i, lineID: l.ID, variantID: vid, quantity: q, attributes: attrs, key: attributesKey(attrs)})
		}
		if len(errs) > 0 {
			return errs, nil, nil
		}
		if len(removes) > 0 {
			if _, err := tx.CartLine.Delete().Where(cartline.IDIn(removes...)).Exec(ctx); err != nil {
				return nil, nil, fmt.Errorf("remove lines: %w", err)
			}
		}
		return s.addLines(ctx, tx, c, adds, path("lines"))
	})
}

// RemoveLines removes lines by ID.
//
// User error codes: INVALID (unknown cart or line).
func (s *Service) RemoveLines(ctx context.Context, id string, lineIDs []string) (r Result, err error) {
	defer func() {
		if err == nil && len(r.UserErrors) == 0 {
			s.track(ctx, analytics.ProductRemovedFromCart, r.Cart, nil)
		}
	}()
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		var ids []int
		var errs []UserError
		for i, s := range lineIDs {
			lid, ok := gid.ParseAs(s, lineTypeForGIDs)
			if !ok {
				errs = append(errs, UserError{Code: CodeInvalid, Field: path("lineIds", i), Message: "The cart line with id " + s + " does not exist."})
				continue
			}
			ids = append(ids, lid)
		}
		if len(errs) > 0 {
			return errs, nil, nil
		}
		found, err := tx.CartLine.Query().Where(cartline.CartID(c.ID), cartline.IDIn(ids...)).IDs(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("find lines: %w", err)
		}
		have := map[int]bool{}
		for _, id := range found {
			have[id] = true
		}
		for i, id := range ids {
			if !have[id] {
				errs = append(errs, UserError{Code: CodeInvalid, Field: path("lineIds", i), Message: "The cart line with id " + lineIDs[i] + " does not exist."})
			}
		}
		if len(errs) > 0 {
			return errs, nil, nil
		}
		_, err = tx.CartLine.Delete().Where(cartline.IDIn(ids...)).Exec(ctx)
		return nil, nil, err
	})
}

// UpdateDiscountCodes replaces the cart's discount codes. Codes that do not apply stay on
// the cart as not applicable, with a warning saying why.
//
// User error codes: INVALID (unknown cart), MAXIMUM_EXCEEDED. Warnings: DISCOUNT_*.
func (s *Service) UpdateDiscountCodes(ctx context.Context, id string, codes []string) (Result, error) {
	norm, errs := normalizeCodes(codes, path("discountCodes"))
	if len(errs) > 0 {
		return Result{UserErrors: errs}, nil
	}
	r, err := s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		return nil, nil, tx.Cart.UpdateOne(c).SetDiscountCodes(norm).Exec(ctx)
	})
	if err != nil || r.Cart == nil {
		return r, err
	}
	r.Warnings = append(r.Warnings, r.Cart.DiscountWarnings()...)
	return r, nil
}

func normalizeCodes(codes []string, field []string) ([]string, []UserError) {
	out := []string{}
	seen := map[string]bool{}
	for _, c := range codes {
		c = strings.TrimSpace(c)
		k := strings.ToUpper(c)
		if c == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, c)
	}
	if len(out) > MaxCodes {
		return nil, []UserError{{Code: CodeMaximumExceeded, Field: field, Message: fmt.Sprintf("At most %d discount codes are allowed.", MaxCodes)}}
	}
	return out, nil
}

// UpdateNote sets the cart's note ("" clears it).
//
// User error codes: INVALID (unknown cart), NOTE_TOO_LONG.
func (s *Service) UpdateNote(ctx context.Context, id, note string) (Result, error) {
	if errs := checkNote(note, path("note")); len(errs) > 0 {
		return Result{UserErrors: errs}, nil
	}
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		u := tx.Cart.UpdateOne(c)
		if note == "" {
			u.ClearNote()
		} else {
			u.SetNote(note)
		}
		return nil, nil, u.Exec(ctx)
	})
}

// UpdateAttributes replaces the cart's attributes.
//
// User error codes: INVALID (unknown cart, blank or repeated key), MAXIMUM_EXCEEDED.
func (s *Service) UpdateAttributes(ctx context.Context, id string, attrs []schema.Attribute) (Result, error) {
	if errs := checkAttributes(attrs, path("attributes")); len(errs) > 0 {
		return Result{UserErrors: errs}, nil
	}
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		return nil, nil, tx.Cart.UpdateOne(c).SetAttributes(attrs).Exec(ctx)
	})
}

// UpdateBuyerIdentity sets the buyer's email, phone, country and customer.
//
// User error codes: INVALID (unknown cart, malformed email or phone, invalid customer
// access token).
func (s *Service) UpdateBuyerIdentity(ctx context.Context, id string, b BuyerIdentity) (Result, error) {
	change, errs := s.checkBuyer(ctx, b, path("buyerIdentity"))
	if len(errs) > 0 {
		return Result{UserErrors: errs}, nil
	}
	r, err := s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		u := tx.Cart.UpdateOne(c)
		change.apply(u.Mutation())
		return nil, nil, u.Exec(ctx)
	})
	if err != nil || r.Cart == nil {
		return r, err
	}
	r.Warnings = append(r.Warnings, r.Cart.DiscountWarnings()...)
	return r, nil
}

// buyerChange is a validated buyer identity change.
type buyerChange struct {
	email, phone, country *string // "" clears
	customerID            *int
}

func (b buyerChange) apply(m *ent.CartMutation) {
	set := func(v *string, setf func(string), clear func()) {
		switch {
		case v == nil:
		case *v == "":
			clear()
		default:
			setf(*v)
		}
	}
	set(b.email, m.SetEmail, m.ClearEmail)
	set(b.phone, m.SetPhone, m.ClearPhone)
	set(b.country, m.SetCountryCode, m.ClearCountryCode)
	if b.customerID != nil {
		m.SetCustomerID(*b.customerID)
	}
}

func (s *Service) checkBuyer(ctx context.Context, b BuyerIdentity, field []string) (buyerChange, []UserError) {
	var out buyerChange
	var errs []UserError
	f := func(name string) []string { return append(append([]string{}, field...), name) }
	if b.Email != nil {
		e := strings.TrimSpace(*b.Email)
		if e != "" && !contact.ValidEmail(e) {
			errs = append(errs, UserError{Code: CodeInvalid, Field: f("email"), Message: "Email is invalid."})
		}
		out.email = &e
	}
	if b.Phone != nil {
		p := strings.TrimSpace(*b.Phone)
		if p != "" && !contact.ValidPhone(p) {
			errs = append(errs, UserError{Code: CodeInvalid, Field: f("phone"), Message: "Phone must be in international format, e.g. +14155550123."})
		}
		out.phone = &p
	}
	if b.CountryCode != nil {
		out.country = b.CountryCode
	}
	if b.CustomerAccessToken != nil {
		var id int
		var ok bool
		var err error
		if s.cfg.Customers != nil && *b.CustomerAccessToken != "" {
			var email string
			id, email, ok, err = s.cfg.Customers.CustomerByToken(ctx, *b.CustomerAccessToken)
			if err == nil && ok && out.email == nil {
				out.email = &email
			}
		}
		if err != nil || !ok {
			errs = append(errs, UserError{Code: CodeInvalid, Field: f("customerAccessToken"), Message: "The customer access token is invalid or has expired."})
		} else {
			out.customerID = &id
		}
	}
	return out, errs
}
