// Package settings owns the Admin API's writes of shop settings, shipping rates and tax
// rates: what the cart and checkout read to price delivery and tax.
package settings

import (
	"context"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // time zones validate on hosts without a zoneinfo database

	"storefront/ent"
	"storefront/ent/counter"
	"storefront/ent/schema"
	"storefront/ent/shippingrate"
	"storefront/ent/shop"
	"storefront/ent/shoppolicy"
	"storefront/ent/taxrate"
	"storefront/internal/audit"
	"storefront/internal/catalog"
	"storefront/internal/gid"
	"storefront/internal/money"
	"storefront/internal/store"
	"storefront/internal/usererror"
)

// Service writes settings. It is safe for concurrent use.
type Service struct{ db *store.DB }

// New returns the settings service over db.
func New(db *store.DB) *Service { return &Service{db: db} }

var (
	countryRE  = regexp.MustCompile(`^[A-Z]{2}$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	provinceRE = regexp.MustCompile(`^[A-Z0-9]{1,3}$`)
	handleRE   = regexp.MustCompile(`^[a-z0-9]+(?:[-_][a-z0-9]+)*$`)
)

// Optional is an input value that may be absent, null (Set with a nil Value) or given.
type Optional[T any] struct {
	Set   bool
	Value *T
}

// errs collects the user errors of one input.
type errs []usererror.Error

func (e *errs) add(code, msg string, path ...any) {
	*e = append(*e, usererror.New(code, msg, append([]any{"input"}, path...)...))
}

func currency(ctx context.Context, tx *ent.Tx) (string, error) {
	cs, err := tx.Shop.Query().Select(shop.FieldCurrencyCode).Strings(ctx)
	if err != nil {
		return "", fmt.Errorf("read shop currency: %w", err)
	}
	if len(cs) == 0 {
		return "USD", nil
	}
	return cs[0], nil
}

// ShopInput is the shop's settings as shopUpdate takes them; nil fields stay as they are.
type ShopInput struct {
	Name, Description, CurrencyCode, CountryCode *string
	// IANATimezone is an IANA zone name such as Europe/Berlin.
	IANATimezone                   *string
	ShipsToCountries               []string
	HasShipsTo                     bool
	TaxesIncluded                  *bool
	PrimaryDomain, ContactEmail    Optional[string]
	PrivacyPolicy, RefundPolicy    Optional[string]
	ShippingPolicy, TermsOfService Optional[string]
	// OrderNumberStart is the number the next order gets; numbers only move forward.
	OrderNumberStart *int
	// CapturePolicy is AUTOMATIC or MANUAL.
	CapturePolicy *string
	// Brand, when given, changes the brand the Storefront API shows as Shop.brand.
	Brand *BrandInput
}

// BrandInput is the shop's brand as shopUpdate takes it; absent fields stay as they are,
// null ones are cleared.
type BrandInput struct {
	Slogan, ShortDescription Optional[string]
	// Colors, when given, replaces the whole palette.
	Colors                       *schema.BrandColors
	Logo, SquareLogo, CoverImage Optional[ImageInput]
}

// ImageInput is an image of the brand: an absolute http(s) URL and its alt text.
type ImageInput struct {
	URL     string
	AltText *string
}

var colorRE = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// checkBrand adds the user errors of a brand input, under brand.
func checkBrand(e *errs, b *BrandInput) {
	if b == nil {
		return
	}
	if v := b.Slogan.Value; v != nil && len(*v) > 255 {
		e.add(usererror.TooLong, "The slogan is longer than 255 characters.", "brand", "slogan")
	}
	if v := b.ShortDescription.Value; v != nil && len(*v) > 1024 {
		e.add(usererror.TooLong, "The short description is longer than 1024 characters.", "brand", "shortDescription")
	}
	if b.Colors != nil {
		for _, side := range []struct {
			name   string
			groups []schema.BrandColorGroup
		}{{"primary", b.Colors.Primary}, {"secondary", b.Colors.Secondary}} {
			for i, g := range side.groups {
				if g.Background != "" && !colorRE.MatchString(g.Background) {
					e.add(usererror.Invalid, "A colour is #RRGGBB, e.g. #1A2B3C.", "brand", "colors", side.name, i, "background")
				}
				if g.Foreground != "" && !colorRE.MatchString(g.Foreground) {
					e.add(usererror.Invalid, "A colour is #RRGGBB, e.g. #1A2B3C.", "brand", "colors", side.name, i, "foreground")
				}
			}
		}
	}
	for _, img := range []struct {
		name string
		v    Optional[ImageInput]
	}{{"logo", b.Logo}, {"squareLogo", b.SquareLogo}, {"coverImage", b.CoverImage}} {
		v := img.v.Value
		if v == nil {
			continue
		}
		if u, err := url.Parse(v.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(v.URL) > 2048 {
			e.add(usererror.Invalid, "The URL must be an absolute http or https URL.", "brand", img.name, "url")
		}
		if v.AltText != nil && len(*v.AltText) > 512 {
			e.add(usererror.TooLong, "The alt text is longer than 512 characters.", "brand", img.name, "altText")
		}
	}
}

func sameColors(a, b schema.BrandColors) bool {
	return slices.Equal(a.Primary, b.Primary) && slices.Equal(a.Secondary, b.Secondary)
}

// writeBrand applies a checked brand input to u, recording what changed; images replaced
// or removed are deleted after the shop no longer refers to them (dropped).
func writeBrand(ctx context.Context, tx *ent.Tx, sh *ent.Shop, u *ent.ShopUpdateOne, b *BrandInput, changes map[string]any) (dropped []int, err error) {
	if b == nil {
		return nil, nil
	}
	optText := func(field string, v Optional[string], cur *string, set func(*string) *ent.ShopUpdateOne, clear func() *ent.ShopUpdateOne) {
		if !v.Set {
			return
		}
		if (v.Value == nil) != (cur == nil) || (v.Value != nil && *v.Value != *cur) {
			if v.Value == nil {
				clear()
			} else {
				set(v.Value)
			}
			changes[field] = v.Value
		}
	}
	optText("brand.slogan", b.Slogan, sh.BrandSlogan, u.SetNillableBrandSlogan, u.ClearBrandSlogan)
	optText("brand.shortDescription", b.ShortDescription, sh.BrandShortDescription, u.SetNillableBrandShortDescription, u.ClearBrandShortDescription)
	if b.Colors != nil && !sameColors(*b.Colors, sh.BrandColors) {
		u.SetBrandColors(*b.Colors)
		changes["brand.colors"] = b.Colors
	}
	for _, img := range []struct {
		name  string
		v     Optional[ImageInput]
		cur   *int
		set   func(int) *ent.ShopUpdateOne
		clear func() *ent.ShopUpdateOne
	}{
		{"brand.logo", b.Logo, sh.BrandLogoID, u.SetBrandLogoID, u.ClearBrandLogo},
		{"brand.squareLogo", b.SquareLogo, sh.BrandSquareLogoID, u.SetBrandSquareLogoID, u.ClearBrandSquareLogo},
		{"brand.coverImage", b.CoverImage, sh.BrandCoverImageID, u.SetBrandCoverImageID, u.ClearBrandCoverImage},
	} {
		if !img.v.Set {
			continue
		}
		if img.cur != nil {
			dropped = append(dropped, *img.cur)
		}
		if v := img.v.Value; v != nil {
			ci, err := tx.ContentImage.Create().SetURL(v.URL).SetNillableAltText(v.AltText).Save(ctx)
			if err != nil {
				return nil, fmt.Errorf("create %s: %w", img.name, err)
			}
			img.set(ci.ID)
			changes[img.name] = v.URL
		} else if img.cur != nil {
			img.clear()
			changes[img.name] = nil
		}
	}
	return dropped, nil
}

// validTimezone reports whether name is an IANA time zone (Local is not: it depends on
// the host).
func validTimezone(name string) bool {
	if name == "" || name == "Local" || len(name) > 64 {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// OrderCounter is the counter checkout numbers orders with: order number = 1000 + value.
const (
	orderCounter    = "order"
	orderNumberBase = 1000
)

// UpdateShop changes the shop's settings. User error codes: BLANK, INVALID (codes, URL,
// email, an order number that does not move forward), TOO_LONG.
func (s *Service) UpdateShop(ctx context.Context, in ShopInput) (*ent.Shop, []usererror.Error, error) {
	var id int
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		sh, err := tx.Shop.Query().Order(ent.Asc(shop.FieldID)).First(ctx)
		if err != nil {
			return "", nil, nil, fmt.Errorf("load shop: %w", err)
		}
		id = sh.ID
		var e errs
		if in.Name != nil && (strings.TrimSpace(*in.Name) == "" || len(*in.Name) > 255) {
			e.add(usererror.Invalid, "The name must be 1 to 255 characters.", "name")
		}
		if in.CurrencyCode != nil && !currencyRE.MatchString(*in.CurrencyCode) {
			e.add(usererror.Invalid, "A currency is an ISO 4217 code such as USD.", "currencyCode")
		}
		if in.CountryCode != nil && !countryRE.MatchString(*in.CountryCode) {
			e.add(usererror.Invalid, "A country is an ISO 3166-1 alpha-2 code such as US.", "countryCode")
		}
		if in.IANATimezone != nil && !validTimezone(*in.IANATimezone) {
			e.add(usererror.Invalid, "The time zone is an IANA name such as Europe/Berlin or UTC.", "ianaTimezone")
		}
		for i, c := range in.ShipsToCountries {
			if !countryRE.MatchString(c) {
				e.add(usererror.Invalid, "A country is an ISO 3166-1 alpha-2 code such as US.", "shipsToCountries", i)
			}
		}
		if v := in.PrimaryDomain.Value; v != nil {
			if u, err := url.Parse(*v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				e.add(usererror.Invalid, "The primary domain is an absolute URL such as https://shop.example.com.", "primaryDomain")
			}
		}
		if v := in.ContactEmail.Value; v != nil {
			if a, err := mail.ParseAddress(*v); err != nil || a.Address != *v || len(*v) > 254 {
				e.add(usererror.Invalid, "The contact email is not an email address.", "contactEmail")
			}
		}
		var counterValue int64
		if in.OrderNumberStart != nil {
			if err := tx.Counter.Create().SetName(orderCounter).OnConflictColumns(counter.FieldName).Ignore().Exec(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("create order counter: %w", err)
			}
			c, err := tx.Counter.Query().Where(counter.Name(orderCounter)).Only(ctx)
			if err != nil {
				return "", nil, nil, fmt.Errorf("read order counter: %w", err)
			}
			next := orderNumberBase + c.Value + 1
			counterValue = int64(*in.OrderNumberStart) - orderNumberBase - 1
			if int64(*in.OrderNumberStart) < next {
				e.add(usererror.Invalid, fmt.Sprintf("Order numbers only move forward: the next is %d.", next), "orderNumberStart")
			}
		}
		checkBrand(&e, in.Brand)
		if len(e) > 0 {
			return "", nil, e, nil
		}
		changes := map[string]any{}
		u := tx.Shop.UpdateOne(sh)
		dropped, err := writeBrand(ctx, tx, sh, u, in.Brand, changes)
		if err != nil {
			return "", nil, nil, err
		}
		set := func(field string, differs bool, v any, apply func()) {
			if differs {
				apply()
				changes[field] = v
			}
		}
		str := func(field string, v *string, cur string, apply func(string) *ent.ShopUpdateOne) {
			if v != nil {
				set(field, *v != cur, *v, func() { apply(*v) })
			}
		}
		opt := func(field string, v Optional[string], cur *string, apply func(*string) *ent.ShopUpdateOne, clear func() *ent.ShopUpdateOne) {
			if !v.Set {
				return
			}
			differs := (v.Value == nil) != (cur == nil) || (v.Value != nil && *v.Value != *cur)
			set(field, differs, v.Value, func() {
				if v.Value == nil {
					clear()
				} else {
					apply(v.Value)
				}
			})
		}
		str("name", in.Name, sh.Name, u.SetName)
		if in.Description != nil {
			cur := ""
			if sh.Description != nil {
				cur = *sh.Description
			}
			set("description", *in.Description != cur, *in.Description, func() { u.SetDescription(*in.Description) })
		}
		str("currencyCode", in.CurrencyCode, sh.CurrencyCode, u.SetCurrencyCode)
		str("countryCode", in.CountryCode, sh.CountryCode, u.SetCountryCode)
		str("ianaTimezone", in.IANATimezone, sh.IanaTimezone, u.SetIanaTimezone)
		if in.HasShipsTo {
			list := in.ShipsToCountries
			if list == nil {
				list = []string{}
			}
			set("shipsToCountries", strings.Join(list, ",") != strings.Join(sh.ShipsToCountries, ","), list, func() { u.SetShipsToCountries(list) })
		}
		if in.CapturePolicy != nil {
			p := shop.CapturePolicy(*in.CapturePolicy)
			set("capturePolicy", p != sh.CapturePolicy, *in.CapturePolicy, func() { u.SetCapturePolicy(p) })
		}
		if in.TaxesIncluded != nil {
			set("taxesIncluded", *in.TaxesIncluded != sh.TaxesIncluded, *in.TaxesIncluded, func() { u.SetTaxesIncluded(*in.TaxesIncluded) })
		}
		opt("primaryDomain", in.PrimaryDomain, sh.PrimaryDomain, u.SetNillablePrimaryDomain, u.ClearPrimaryDomain)
		opt("contactEmail", in.ContactEmail, sh.ContactEmail, u.SetNillableContactEmail, u.ClearContactEmail)
		// Policies are the ShopPolicy records the Storefront API serves (Shop.privacyPolicy, …).
		for _, p := range []struct {
			field string
			kind  shoppolicy.Kind
			title string
			v     Optional[string]
		}{
			{"privacyPolicy", shoppolicy.KindPRIVACY, "Privacy Policy", in.PrivacyPolicy},
			{"refundPolicy", shoppolicy.KindREFUND, "Refund Policy", in.RefundPolicy},
			{"shippingPolicy", shoppolicy.KindSHIPPING, "Shipping Policy", in.ShippingPolicy},
			{"termsOfService", shoppolicy.KindTERMS_OF_SERVICE, "Terms of Service", in.TermsOfService},
		} {
			if !p.v.Set {
				continue
			}
			changed, err := savePolicy(ctx, tx, p.kind, p.title, p.v.Value)
			if err != nil {
				return "", nil, nil, err
			}
			if changed {
				changes[p.field] = p.v.Value
			}
		}
		if len(changes) > 0 {
			if err := u.Exec(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("update shop: %w", err)
			}
		}
		if err := catalog.DropContentImages(ctx, tx, dropped...); err != nil {
			return "", nil, nil, err
		}
		if in.OrderNumberStart != nil && counterValue != 0 {
			// Conditional, so a concurrent checkout's number is never handed out twice.
			res, err := tx.Counter.Update().Where(counter.Name(orderCounter), counter.ValueLT(counterValue)).SetValue(counterValue).Save(ctx)
			if err != nil {
				return "", nil, nil, fmt.Errorf("move order numbers: %w", err)
			}
			if res > 0 {
				changes["orderNumberStart"] = *in.OrderNumberStart
			}
		}
		return gid.Format(gid.Shop, sh.ID), changes, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	sh, err := s.db.Shop.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read shop back: %w", err)
	}
	return sh, nil, nil
}

// ShippingRateInput is a shipping rate as shippingRateCreate and shippingRateUpdate take it;
// nil fields stay as they are.
type ShippingRateInput struct {
	Handle, Title        *string
	Description          Optional[string]
	MethodType           *string
	Countries, Provinces []string
	HasCountries         bool
	HasProvinces         bool
	Condition            *string
	Min, Max             Optional[int64]
	Price                *string
	FreeAbove            Optional[string]
	Position             *int
}

// ShippingRateGlobalIDType is the type name of shipping rates in global IDs.
const ShippingRateGlobalIDType = "ShippingRate"

// TaxRateGlobalIDType is the type name of tax rates in global IDs.
const TaxRateGlobalIDType = "TaxRate"

// SaveShippingRate creates a shipping rate (id "") or changes one. User error codes: BLANK,
// TAKEN (handle), INVALID (codes, amounts, bounds), NOT_FOUND (id).
func (s *Service) SaveShippingRate(ctx context.Context, id string, in ShippingRateInput) (*ent.ShippingRate, []usererror.Error, error) {
	var rid int
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		var r *ent.ShippingRate
		if id != "" {
			n, ok := gid.ParseAs(id, ShippingRateGlobalIDType)
			if ok {
				var err error
				if r, err = tx.ShippingRate.Get(ctx, n); err != nil && !ent.IsNotFound(err) {
					return "", nil, nil, fmt.Errorf("load shipping rate %d: %w", n, err)
				}
			}
			if r == nil {
				return "", nil, []usererror.Error{usererror.New(usererror.NotFound, "No such shipping rate.", "id")}, nil
			}
		}
		cur, err := currency(ctx, tx)
		if err != nil {
			return "", nil, nil, err
		}
		var e errs
		amount := func(v *string, field string) *int64 {
			if v == nil {
				return nil
			}
			n, err := money.Parse(*v, cur)
			if err != nil || n < 0 {
				e.add(usererror.Invalid, "The amount must be a non-negative amount such as 5.00.", field)
				return nil
			}
			return &n
		}
		if r == nil {
			if in.Handle == nil {
				e.add(usererror.Blank, "A new rate needs a handle.", "handle")
			}
			if in.Title == nil {
				e.add(usererror.Blank, "A new rate needs a title.", "title")
			}
			if in.Price == nil {
				e.add(usererror.Blank, "A new rate needs a price.", "price")
			}
		}
		if in.Handle != nil {
			if !handleRE.MatchString(*in.Handle) {
				e.add(usererror.Invalid, "A handle has lower-case letters, digits, hyphens and underscores.", "handle")
			} else if r == nil || r.Handle != *in.Handle {
				taken, err := tx.ShippingRate.Query().Where(shippingrate.Handle(*in.Handle)).Exist(ctx)
				if err != nil {
					return "", nil, nil, fmt.Errorf("check handle: %w", err)
				}
				if taken {
					e.add(usererror.Taken, "A rate with this handle already exists.", "handle")
				}
			}
		}
		if in.Title != nil && strings.TrimSpace(*in.Title) == "" {
			e.add(usererror.Blank, "The title can't be blank.", "title")
		}
		if in.MethodType != nil && shippingrate.MethodTypeValidator(shippingrate.MethodType(*in.MethodType)) != nil {
			e.add(usererror.Invalid, "Unknown method type.", "methodType")
		}
		if in.Condition != nil && shippingrate.ConditionValidator(shippingrate.Condition(*in.Condition)) != nil {
			e.add(usererror.Invalid, "The condition is NONE, WEIGHT or SUBTOTAL.", "condition")
		}
		for i, c := range in.Countries {
			if !countryRE.MatchString(c) {
				e.add(usererror.Invalid, "A country is an ISO 3166-1 alpha-2 code such as US.", "countries", i)
			}
		}
		for i, p := range in.Provinces {
			if !provinceRE.MatchString(p) {
				e.add(usererror.Invalid, "A province is a code such as CA.", "provinces", i)
			}
		}
		if in.Min.Value != nil && *in.Min.Value < 0 {
			e.add(usererror.Invalid, "Bounds can't be negative.", "min")
		}
		if in.Max.Value != nil && in.Min.Value != nil && *in.Max.Value < *in.Min.Value {
			e.add(usererror.Invalid, "The upper bound is below the lower bound.", "max")
		}
		price := amount(in.Price, "price")
		freeAbove := amount(in.FreeAbove.Value, "freeAbove")
		if len(e) > 0 {
			return "", nil, e, nil
		}
		changes := map[string]any{}
		if r == nil {
			r, err = tx.ShippingRate.Create().SetHandle(*in.Handle).SetTitle(*in.Title).SetPrice(*price).Save(ctx)
			if err != nil {
				return "", nil, nil, fmt.Errorf("create shipping rate: %w", err)
			}
			changes["created"], changes["handle"], changes["title"], changes["price"] = true, r.Handle, r.Title, *in.Price
		}
		u := tx.ShippingRate.UpdateOne(r)
		before := len(changes)
		set := func(field string, differs bool, v any, apply func()) {
			if differs {
				apply()
				changes[field] = v
			}
		}
		if in.Handle != nil {
			set("handle", *in.Handle != r.Handle, *in.Handle, func() { u.SetHandle(*in.Handle) })
		}
		if in.Title != nil {
			set("title", *in.Title != r.Title, *in.Title, func() { u.SetTitle(*in.Title) })
		}
		if in.Description.Set {
			set("description", !eqStr(in.Description.Value, r.Description), in.Description.Value, func() {
				u.SetNillableDescription(in.Description.Value)
				if in.Description.Value == nil {
					u.ClearDescription()
				}
			})
		}
		if in.MethodType != nil {
			set("methodType", *in.MethodType != string(r.MethodType), *in.MethodType, func() { u.SetMethodType(shippingrate.MethodType(*in.MethodType)) })
		}
		if in.HasCountries {
			list := nonNil(in.Countries)
			set("countries", strings.Join(list, ",") != strings.Join(r.Countries, ","), list, func() { u.SetCountries(list) })
		}
		if in.HasProvinces {
			list := nonNil(in.Provinces)
			set("provinces", strings.Join(list, ",") != strings.Join(r.Provinces, ","), list, func() { u.SetProvinces(list) })
		}
		if in.Condition != nil {
			set("condition", *in.Condition != string(r.Condition), *in.Condition, func() { u.SetCondition(shippingrate.Condition(*in.Condition)) })
		}
		if in.Min.Set {
			set("min", !eqInt(in.Min.Value, r.Min), in.Min.Value, func() {
				u.SetNillableMin(in.Min.Value)
				if in.Min.Value == nil {
					u.ClearMin()
				}
			})
		}
		if in.Max.Set {
			set("max", !eqInt(in.Max.Value, r.Max), in.Max.Value, func() {
				u.SetNillableMax(in.Max.Value)
				if in.Max.Value == nil {
					u.ClearMax()
				}
			})
		}
		if price != nil {
			set("price", *price != r.Price, *in.Price, func() { u.SetPrice(*price) })
		}
		if in.FreeAbove.Set {
			set("freeAbove", !eqInt(freeAbove, r.FreeAbove), in.FreeAbove.Value, func() {
				u.SetNillableFreeAbove(freeAbove)
				if freeAbove == nil {
					u.ClearFreeAbove()
				}
			})
		}
		if in.Position != nil {
			set("position", *in.Position != r.Position, *in.Position, func() { u.SetPosition(*in.Position) })
		}
		if len(changes) > before {
			if err := u.Exec(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("update shipping rate %d: %w", r.ID, err)
			}
		}
		rid = r.ID
		return gid.Format(ShippingRateGlobalIDType, r.ID), changes, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	r, err := s.db.ShippingRate.Get(ctx, rid)
	if err != nil {
		return nil, nil, fmt.Errorf("read shipping rate back: %w", err)
	}
	return r, nil, nil
}

// DeleteShippingRate deletes a shipping rate. User error codes: NOT_FOUND (id).
func (s *Service) DeleteShippingRate(ctx context.Context, id string) (string, []usererror.Error, error) {
	return s.delete(ctx, id, ShippingRateGlobalIDType, func(tx *ent.Tx, n int) error { return tx.ShippingRate.DeleteOneID(n).Exec(ctx) })
}

// TaxRateInput is a tax rate as taxRateCreate and taxRateUpdate take it; nil fields stay as
// they are.
type TaxRateInput struct {
	CountryCode  *string
	ProvinceCode Optional[string]
	Name         *string
	// Rate is a percent such as "8.25".
	Rate              *string
	AppliesToShipping *bool
}

// SaveTaxRate creates a tax rate (id "") or changes one. User error codes: BLANK, INVALID,
// TAKEN (a rate for the same country and province), NOT_FOUND (id).
func (s *Service) SaveTaxRate(ctx context.Context, id string, in TaxRateInput) (*ent.TaxRate, []usererror.Error, error) {
	var rid int
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		var r *ent.TaxRate
		if id != "" {
			if n, ok := gid.ParseAs(id, TaxRateGlobalIDType); ok {
				var err error
				if r, err = tx.TaxRate.Get(ctx, n); err != nil && !ent.IsNotFound(err) {
					return "", nil, nil, fmt.Errorf("load tax rate %d: %w", n, err)
				}
			}
			if r == nil {
				return "", nil, []usererror.Error{usererror.New(usererror.NotFound, "No such tax rate.", "id")}, nil
			}
		}
		var e errs
		if r == nil && in.CountryCode == nil {
			e.add(usererror.Blank, "A new rate needs a country.", "countryCode")
		}
		if r == nil && in.Rate == nil {
			e.add(usererror.Blank, "A new rate needs a rate.", "rate")
		}
		if in.CountryCode != nil && !countryRE.MatchString(*in.CountryCode) {
			e.add(usererror.Invalid, "A country is an ISO 3166-1 alpha-2 code such as US.", "countryCode")
		}
		if v := in.ProvinceCode.Value; v != nil && !provinceRE.MatchString(*v) {
			e.add(usererror.Invalid, "A province is a code such as CA.", "provinceCode")
		}
		var ppm int
		if in.Rate != nil {
			// A percent with up to four decimals, read exactly: "8.25" is 82500 ppm.
			n, err := percentPPM(*in.Rate)
			if err != nil || n > 1_000_000 {
				e.add(usererror.Invalid, "The rate is a percent from 0 to 100 with at most four decimals, e.g. 8.25.", "rate")
			}
			ppm = int(n)
		}
		country, province := "", (*string)(nil)
		if r != nil {
			country, province = r.CountryCode, r.ProvinceCode
		}
		if in.CountryCode != nil {
			country = *in.CountryCode
		}
		if in.ProvinceCode.Set {
			province = in.ProvinceCode.Value
		}
		if len(e) == 0 {
			q := tx.TaxRate.Query().Where(taxrate.CountryCode(country))
			if province == nil {
				q.Where(taxrate.ProvinceCodeIsNil())
			} else {
				q.Where(taxrate.ProvinceCode(*province))
			}
			if r != nil {
				q.Where(taxrate.IDNEQ(r.ID))
			}
			taken, err := q.Exist(ctx)
			if err != nil {
				return "", nil, nil, fmt.Errorf("check tax rate: %w", err)
			}
			if taken {
				e.add(usererror.Taken, "A rate for this country and province already exists.", "countryCode")
			}
		}
		if len(e) > 0 {
			return "", nil, e, nil
		}
		changes := map[string]any{}
		if r == nil {
			c := tx.TaxRate.Create().SetCountryCode(country).SetNillableProvinceCode(province).SetRatePpm(ppm)
			var err error
			if r, err = c.Save(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("create tax rate: %w", err)
			}
			changes["created"], changes["countryCode"], changes["provinceCode"], changes["rate"] = true, country, province, *in.Rate
		}
		u := tx.TaxRate.UpdateOne(r)
		before := len(changes)
		set := func(field string, differs bool, v any, apply func()) {
			if differs {
				apply()
				changes[field] = v
			}
		}
		set("countryCode", country != r.CountryCode, country, func() { u.SetCountryCode(country) })
		set("provinceCode", !eqStr(province, r.ProvinceCode), province, func() {
			u.SetNillableProvinceCode(province)
			if province == nil {
				u.ClearProvinceCode()
			}
		})
		if in.Name != nil {
			set("name", *in.Name != r.Name, *in.Name, func() { u.SetName(*in.Name) })
		}
		if in.Rate != nil {
			set("rate", ppm != r.RatePpm, *in.Rate, func() { u.SetRatePpm(ppm) })
		}
		if in.AppliesToShipping != nil {
			set("appliesToShipping", *in.AppliesToShipping != r.AppliesToShipping, *in.AppliesToShipping, func() { u.SetAppliesToShipping(*in.AppliesToShipping) })
		}
		if len(changes) > before {
			if err := u.Exec(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("update tax rate %d: %w", r.ID, err)
			}
		}
		rid = r.ID
		return gid.Format(TaxRateGlobalIDType, r.ID), changes, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	r, err := s.db.TaxRate.Get(ctx, rid)
	if err != nil {
		return nil, nil, fmt.Errorf("read tax rate back: %w", err)
	}
	return r, nil, nil
}

// DeleteTaxRate deletes a tax rate. User error codes: NOT_FOUND (id).
func (s *Service) DeleteTaxRate(ctx context.Context, id string) (string, []usererror.Error, error) {
	return s.delete(ctx, id, TaxRateGlobalIDType, func(tx *ent.Tx, n int) error { return tx.TaxRate.DeleteOneID(n).Exec(ctx) })
}

func (s *Service) delete(ctx context.Context, id, typ string, del func(tx *ent.Tx, n int) error) (string, []usererror.Error, error) {
	notFound := []usererror.Error{usererror.New(usererror.NotFound, "No such "+strings.ToLower(typ)+".", "id")}
	n, ok := gid.ParseAs(id, typ)
	if !ok {
		return "", notFound, nil
	}
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		err := del(tx, n)
		if ent.IsNotFound(err) {
			return "", nil, notFound, nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("delete %s %d: %w", typ, n, err)
		}
		return id, map[string]any{"deleted": true}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return "", uerrs, err
	}
	return gid.Format(typ, n), nil, nil
}

func eqStr(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func eqInt(a, b *int64) bool  { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// percentPPM reads a percent with at most four decimals ("8.25") as parts per million
// (82500), exactly.
func percentPPM(s string) (int, error) {
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	if whole == "" || len(frac) > 4 || !digits(whole) || (frac != "" && !digits(frac)) || len(whole) > 3 {
		return 0, fmt.Errorf("%q is not a percent", s)
	}
	frac += strings.Repeat("0", 4-len(frac))
	n := 0
	for _, c := range whole + frac {
		n = n*10 + int(c-'0')
	}
	return n, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// savePolicy sets the body of the shop's policy of a kind (created with title when
// missing); nil or empty removes it. It reports whether anything changed.
func savePolicy(ctx context.Context, tx *ent.Tx, kind shoppolicy.Kind, title string, body *string) (bool, error) {
	cur, err := tx.ShopPolicy.Query().Where(shoppolicy.KindEQ(kind)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return false, fmt.Errorf("read %s policy: %w", kind, err)
	}
	switch {
	case body == nil || strings.TrimSpace(*body) == "":
		if cur == nil {
			return false, nil
		}
		if err := tx.ShopPolicy.DeleteOne(cur).Exec(ctx); err != nil {
			return false, fmt.Errorf("remove %s policy: %w", kind, err)
		}
	case cur == nil:
		if err := tx.ShopPolicy.Create().SetKind(kind).SetTitle(title).SetBody(*body).Exec(ctx); err != nil {
			return false, fmt.Errorf("create %s policy: %w", kind, err)
		}
	case cur.Body == *body:
		return false, nil
	default:
		if err := tx.ShopPolicy.UpdateOne(cur).SetBody(*body).Exec(ctx); err != nil {
			return false, fmt.Errorf("update %s policy: %w", kind, err)
		}
	}
	return true, nil
}

// EnsureShop gives a database without shop settings (a production start without the demo
// catalog) default ones, named "Storefront", in USD, based in and shipping to the US, for
// the merchant to change with shopUpdate. It reports whether it created them.
func EnsureShop(ctx context.Context, db *store.DB) (bool, error) {
	n, err := db.Shop.Query().Count(ctx)
	if err != nil {
		return false, fmt.Errorf("read shop settings: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	if err := db.Shop.Create().SetName("Storefront").SetCurrencyCode("USD").SetCountryCode("US").
		SetShipsToCountries([]string{"US"}).Exec(ctx); err != nil {
		return false, fmt.Errorf("create shop settings: %w", err)
	}
	return true, nil
}
