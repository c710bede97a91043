package cart

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"storefront/ent"
	"storefront/ent/mailingaddress"
	"storefront/ent/schema"
	"storefront/internal/analytics"
	"storefront/internal/gid"
)

// Delivery limits.
const (
	MaxDeliveryAddresses = 20
	maxAddressField      = 255
	addressGIDType       = "CartSelectableAddress"
	groupGIDType         = "CartDeliveryGroup"
)

// Delivery user error codes (CartErrorCode).
const (
	CodeAddressTooLong       = "ADDRESS_FIELD_IS_TOO_LONG"
	CodeAddressHTML          = "ADDRESS_FIELD_CONTAINS_HTML_TAGS"
	CodeAddressURL           = "ADDRESS_FIELD_CONTAINS_URL"
	CodeAddressEmoji         = "ADDRESS_FIELD_CONTAINS_EMOJIS"
	CodeAddressRequired      = "ADDRESS_FIELD_IS_REQUIRED"
	CodeTooManyAddresses     = "TOO_MANY_DELIVERY_ADDRESSES"
	CodeOnlyOneSelected      = "ONLY_ONE_DELIVERY_ADDRESS_CAN_BE_SELECTED"
	CodeInvalidDeliveryGroup = "INVALID_DELIVERY_GROUP"
	CodeInvalidDeliveryOpt   = "INVALID_DELIVERY_OPTION"
	CodeInvalidAddressID     = "INVALID_DELIVERY_ADDRESS_ID"
	WarnDuplicateAddress     = "DUPLICATE_DELIVERY_ADDRESS"
)

// Address is a postal address as buyers enter it.
type Address = schema.AddressSnapshot

// DeliveryAddressInput adds one delivery address to a cart.
type DeliveryAddressInput struct {
	Address    Address
	Selected   bool
	OneTimeUse bool
	// Strict requires a complete address (name, street, city, country); otherwise only the
	// country is required.
	Strict bool
}

var (
	htmlTag = regexp.MustCompile(`<[a-zA-Z/!][^>]*>`)
	urlLike = regexp.MustCompile(`(?i)(https?://|www\.)`)
)

func hasEmoji(s string) bool {
	for _, r := range s {
		if r >= 0x1F000 || unicode.Is(unicode.So, r) {
			return true
		}
	}
	return false
}

// CheckAddress validates an address's fields; field is the path of the address input.
func CheckAddress(a Address, strict bool, field []string) []UserError {
	var errs []UserError
	f := func(name string) []string { return append(append([]string{}, field...), name) }
	fields := []struct {
		name, v string
		isName  bool
	}{
		{"firstName", a.FirstName, true}, {"lastName", a.LastName, true}, {"company", a.Company, false},
		{"address1", a.Address1, false}, {"address2", a.Address2, false}, {"city", a.City, false},
		{"provinceCode", a.ProvinceCode, false}, {"zip", a.Zip, false}, {"phone", a.Phone, false},
	}
	for _, fv := range fields {
		switch {
		case utf8.RuneCountInString(fv.v) > maxAddressField:
			errs = append(errs, UserError{Code: CodeAddressTooLong, Field: f(fv.name), Message: fmt.Sprintf("Must be at most %d characters.", maxAddressField)})
		case htmlTag.MatchString(fv.v):
			errs = append(errs, UserError{Code: CodeAddressHTML, Field: f(fv.name), Message: "Cannot contain HTML tags."})
		case hasEmoji(fv.v):
			errs = append(errs, UserError{Code: CodeAddressEmoji, Field: f(fv.name), Message: "Cannot contain emojis."})
		case fv.isName && urlLike.MatchString(fv.v):
			errs = append(errs, UserError{Code: CodeAddressURL, Field: f(fv.name), Message: "Cannot contain a URL."})
		}
	}
	if a.CountryCode == "" {
		errs = append(errs, UserError{Code: CodeAddressRequired, Field: f("countryCode"), Message: "Country is required."})
	}
	if strict {
		for _, req := range []struct{ name, v string }{{"lastName", a.LastName}, {"address1", a.Address1}, {"city", a.City}} {
			if strings.TrimSpace(req.v) == "" {
				errs = append(errs, UserError{Code: CodeAddressRequired, Field: f(req.name), Message: "This field is required."})
			}
		}
	}
	return errs
}

// SelectableAddressID is the global ID of a cart delivery address.
func SelectableAddressID(id int) string { return gid.Format(addressGIDType, id) }

// GroupID is the global ID of the delivery group that ships to a selected address.
func GroupID(addressID int) string { return gid.Format(groupGIDType, addressID) }

// AddDeliveryAddresses adds delivery addresses; a selected one replaces the previous
// selection, and the first address of a cart is selected.
//
// User error codes: INVALID (unknown cart), ADDRESS_FIELD_*, TOO_MANY_DELIVERY_ADDRESSES,
// ONLY_ONE_DELIVERY_ADDRESS_CAN_BE_SELECTED. Warnings: DUPLICATE_DELIVERY_ADDRESS.
func (s *Service) AddDeliveryAddresses(ctx context.Context, id string, inputs []DeliveryAddressInput) (r Result, err error) {
	defer func() {
		// A cart's first address is where its checkout starts (for the funnel, a session
		// reaches the step once however often it is recorded).
		if err == nil && len(r.UserErrors) == 0 && len(inputs) > 0 {
			s.track(ctx, analytics.CheckoutStarted, r.Cart, nil)
		}
	}()
	if errs := checkAddressInputs(inputs); len(errs) > 0 {
		return Result{UserErrors: errs}, nil
	}
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		return addAddresses(ctx, tx, c, inputs)
	})
}

// checkAddressInputs validates delivery addresses to add.
func checkAddressInputs(inputs []DeliveryAddressInput) []UserError {
	var errs []UserError
	selected := 0
	for i, in := range inputs {
		errs = append(errs, CheckAddress(in.Address, in.Strict, path("addresses", i, "address", "deliveryAddress"))...)
		if in.Selected {
			selected++
		}
	}
	if selected > 1 {
		errs = append(errs, UserError{Code: CodeOnlyOneSelected, Field: path("addresses"), Message: "Only one delivery address can be selected."})
	}
	return errs
}

// addAddresses adds delivery addresses to the locked cart c.
func addAddresses(ctx context.Context, tx *ent.Tx, c *ent.Cart, inputs []DeliveryAddressInput) ([]UserError, []Warning, error) {
	existing, err := tx.MailingAddress.Query().Where(mailingaddress.CartID(c.ID)).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load delivery addresses: %w", err)
	}
	var warnings []Warning
	count := len(existing)
	anySelected := false
	for _, a := range existing {
		anySelected = anySelected || a.Selected
	}
	for i, in := range inputs {
		if dup := findAddress(existing, in.Address); dup != nil {
			warnings = append(warnings, Warning{Code: WarnDuplicateAddress, Target: SelectableAddressID(dup.ID), Message: "This address is already on the cart."})
			if in.Selected && !dup.Selected {
				if err := selectAddress(ctx, tx, c.ID, dup.ID); err != nil {
					return nil, nil, err
				}
				anySelected = true
			}
			continue
		}
		if count >= MaxDeliveryAddresses {
			return []UserError{{Code: CodeTooManyAddresses, Field: path("addresses", i), Message: fmt.Sprintf("A cart can have at most %d delivery addresses.", MaxDeliveryAddresses)}}, nil, nil
		}
		sel := in.Selected || !anySelected
		if sel && anySelected {
			if _, err := tx.MailingAddress.Update().Where(mailingaddress.CartID(c.ID)).SetSelected(false).Save(ctx); err != nil {
				return nil, nil, fmt.Errorf("unselect addresses: %w", err)
			}
		}
		a, err := createAddress(ctx, tx, in.Address).SetCartID(c.ID).SetSelected(sel).SetOneTimeUse(in.OneTimeUse).Save(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("add delivery address: %w", err)
		}
		existing = append(existing, a)
		anySelected = anySelected || sel
		count++
	}
	return nil, warnings, nil
}

// DeliveryAddressUpdate changes one delivery address of a cart; nil fields stay as they are.
type DeliveryAddressUpdate struct {
	ID         string
	Address    *Address
	Selected   *bool
	OneTimeUse *bool
	Strict     bool
}

// UpdateDeliveryAddresses changes delivery addresses of the cart: their fields, whether
// they are one-time use, and which is selected (selecting one unselects the others).
//
// User error codes: INVALID (unknown cart), INVALID_DELIVERY_ADDRESS_ID, ADDRESS_FIELD_*,
// ONLY_ONE_DELIVERY_ADDRESS_CAN_BE_SELECTED.
func (s *Service) UpdateDeliveryAddresses(ctx context.Context, id string, updates []DeliveryAddressUpdate) (Result, error) {
	var errs []UserError
	selected := 0
	ids := make([]int, len(updates))
	for i, u := range updates {
		n, ok := gid.ParseAs(u.ID, addressGIDType)
		if !ok {
			errs = append(errs, errAddressID(i))
		}
		ids[i] = n
		if u.Address != nil {
			errs = append(errs, CheckAddress(*u.Address, u.Strict, path("addresses", i, "address", "deliveryAddress"))...)
		}
		if u.Selected != nil && *u.Selected {
			selected++
		}
	}
	if selected > 1 {
		errs = append(errs, UserError{Code: CodeOnlyOneSelected, Field: path("addresses"), Message: "Only one delivery address can be selected."})
	}
	if len(errs) > 0 {
		return Result{UserErrors: errs}, nil
	}
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		for i, u := range updates {
			a, err := tx.MailingAddress.Query().Where(mailingaddress.ID(ids[i]), mailingaddress.CartID(c.ID)).Only(ctx)
			if ent.IsNotFound(err) {
				return []UserError{errAddressID(i)}, nil, nil
			}
			if err != nil {
				return nil, nil, fmt.Errorf("load delivery address: %w", err)
			}
			upd := tx.MailingAddress.UpdateOne(a)
			if u.Address != nil {
				setAddress(upd, *u.Address)
			}
			if u.OneTimeUse != nil {
				upd.SetOneTimeUse(*u.OneTimeUse)
			}
			if u.Selected != nil {
				if *u.Selected {
					if _, err := tx.MailingAddress.Update().Where(mailingaddress.CartID(c.ID)).SetSelected(false).Save(ctx); err != nil {
						return nil, nil, fmt.Errorf("unselect addresses: %w", err)
					}
				}
				upd.SetSelected(*u.Selected)
			}
			if err := upd.Exec(ctx); err != nil {
				return nil, nil, fmt.Errorf("update delivery address: %w", err)
			}
		}
		return nil, nil, nil
	})
}

// RemoveDeliveryAddresses removes delivery addresses from the cart. When the selected one
// goes, the first remaining address is selected, as a cart's first address is.
//
// User error codes: INVALID (unknown cart), INVALID_DELIVERY_ADDRESS_ID.
func (s *Service) RemoveDeliveryAddresses(ctx context.Context, id string, addressIDs []string) (Result, error) {
	ids := make([]int, len(addressIDs))
	for i, a := range addressIDs {
		n, ok := gid.ParseAs(a, addressGIDType)
		if !ok {
			return Result{UserErrors: []UserError{{Code: CodeInvalidAddressID, Field: path("addressIds", i), Message: "The delivery address does not exist."}}}, nil
		}
		ids[i] = n
	}
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		for i, n := range ids {
			deleted, err := tx.MailingAddress.Delete().Where(mailingaddress.ID(n), mailingaddress.CartID(c.ID)).Exec(ctx)
			if err != nil {
				return nil, nil, fmt.Errorf("remove delivery address: %w", err)
			}
			if deleted == 0 {
				return []UserError{{Code: CodeInvalidAddressID, Field: path("addressIds", i), Message: "The delivery address does not exist."}}, nil, nil
			}
		}
		return nil, nil, ensureSelected(ctx, tx, c.ID)
	})
}

// ReplaceDeliveryAddresses replaces all the cart's delivery addresses with the given ones.
//
// User error codes: as AddDeliveryAddresses.
func (s *Service) ReplaceDeliveryAddresses(ctx context.Context, id string, inputs []DeliveryAddressInput) (r Result, err error) {
	defer func() {
		// A cart's first address is where its checkout starts (for the funnel, a session
		// reaches the step once however often it is recorded).
		if err == nil && len(r.UserErrors) == 0 && len(inputs) > 0 {
			s.track(ctx, analytics.CheckoutStarted, r.Cart, nil)
		}
	}()
	if errs := checkAddressInputs(inputs); len(errs) > 0 {
		return Result{UserErrors: errs}, nil
	}
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		if _, err := tx.MailingAddress.Delete().Where(mailingaddress.CartID(c.ID)).Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("remove delivery addresses: %w", err)
		}
		return addAddresses(ctx, tx, c, inputs)
	})
}

// ensureSelected selects the cart's first address when it has addresses and none is selected.
func ensureSelected(ctx context.Context, tx *ent.Tx, cartID int) error {
	as, err := tx.MailingAddress.Query().Where(mailingaddress.CartID(cartID)).Order(ent.Asc(mailingaddress.FieldID)).All(ctx)
	if err != nil {
		return fmt.Errorf("load delivery addresses: %w", err)
	}
	for _, a := range as {
		if a.Selected {
			return nil
		}
	}
	if len(as) == 0 {
		return nil
	}
	return tx.MailingAddress.UpdateOne(as[0]).SetSelected(true).Exec(ctx)
}

func errAddressID(i int) UserError {
	return UserError{Code: CodeInvalidAddressID, Field: path("addresses", i, "id"), Message: "The delivery address does not exist."}
}

// setAddress overwrites every field of a stored address with a (blank fields are cleared).
func setAddress(u *ent.MailingAddressUpdateOne, a Address) {
	set := func(v string, f func(string) *ent.MailingAddressUpdateOne, clear func() *ent.MailingAddressUpdateOne) {
		if v = strings.TrimSpace(v); v != "" {
			f(v)
		} else {
			clear()
		}
	}
	set(a.FirstName, u.SetFirstName, u.ClearFirstName)
	set(a.LastName, u.SetLastName, u.ClearLastName)
	set(a.Company, u.SetCompany, u.ClearCompany)
	set(a.Address1, u.SetAddress1, u.ClearAddress1)
	set(a.Address2, u.SetAddress2, u.ClearAddress2)
	set(a.City, u.SetCity, u.ClearCity)
	set(a.Province, u.SetProvince, u.ClearProvince)
	set(a.ProvinceCode, u.SetProvinceCode, u.ClearProvinceCode)
	set(a.Zip, u.SetZip, u.ClearZip)
	set(a.CountryCode, u.SetCountryCode, u.ClearCountryCode)
	set(a.Phone, u.SetPhone, u.ClearPhone)
}

func selectAddress(ctx context.Context, tx *ent.Tx, cartID, addressID int) error {
	if _, err := tx.MailingAddress.Update().Where(mailingaddress.CartID(cartID)).SetSelected(false).Save(ctx); err != nil {
		return fmt.Errorf("unselect addresses: %w", err)
	}
	return tx.MailingAddress.UpdateOneID(addressID).SetSelected(true).Exec(ctx)
}

// createAddress starts a MailingAddress row from an address.
func createAddress(ctx context.Context, tx *ent.Tx, a Address) *ent.MailingAddressCreate {
	b := tx.MailingAddress.Create()
	set := func(v string, f func(string) *ent.MailingAddressCreate) {
		if v = strings.TrimSpace(v); v != "" {
			f(v)
		}
	}
	set(a.FirstName, b.SetFirstName)
	set(a.LastName, b.SetLastName)
	set(a.Company, b.SetCompany)
	set(a.Address1, b.SetAddress1)
	set(a.Address2, b.SetAddress2)
	set(a.City, b.SetCity)
	set(a.Province, b.SetProvince)
	set(a.ProvinceCode, b.SetProvinceCode)
	set(a.Zip, b.SetZip)
	set(a.CountryCode, b.SetCountryCode)
	set(a.Phone, b.SetPhone)
	return b
}

// Snapshot copies a stored address.
func Snapshot(m *ent.MailingAddress) Address {
	v := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return Address{FirstName: v(m.FirstName), LastName: v(m.LastName), Company: v(m.Company), Address1: v(m.Address1),
		Address2: v(m.Address2), City: v(m.City), Province: v(m.Province), ProvinceCode: v(m.ProvinceCode), Zip: v(m.Zip),
		CountryCode: v(m.CountryCode), Phone: v(m.Phone)}
}

func findAddress(as []*ent.MailingAddress, a Address) *ent.MailingAddress {
	norm := func(x Address) Address {
		for _, p := range []*string{&x.FirstName, &x.LastName, &x.Company, &x.Address1, &x.Address2, &x.City, &x.Province, &x.ProvinceCode, &x.Zip, &x.CountryCode, &x.Phone} {
			*p = strings.ToLower(strings.TrimSpace(*p))
		}
		return x
	}
	want := norm(a)
	for _, m := range as {
		if norm(Snapshot(m)) == want {
			return m
		}
	}
	return nil
}

// SelectedDelivery chooses a delivery option for a delivery group.
type SelectedDelivery struct {
	GroupID string
	Handle  string
}

// SelectDeliveryOptions sets the delivery option of the cart's delivery group.
//
// User error codes: INVALID (unknown cart), INVALID_DELIVERY_GROUP, INVALID_DELIVERY_OPTION.
func (s *Service) SelectDeliveryOptions(ctx context.Context, id string, sel []SelectedDelivery) (Result, error) {
	current, err := s.Get(ctx, id)
	if err != nil {
		return Result{}, err
	}
	if current == nil {
		return Result{UserErrors: []UserError{errCartNotFound()}}, nil
	}
	var handle string
	for i, d := range sel {
		g := current.Group
		if g == nil || d.GroupID != GroupID(g.Address.ID) {
			return Result{UserErrors: []UserError{{Code: CodeInvalidDeliveryGroup, Field: path("selectedDeliveryOptions", i, "deliveryGroupId"), Message: "The delivery group does not exist."}}}, nil
		}
		ok := false
		for _, o := range g.Options {
			ok = ok || o.Handle == d.Handle
		}
		if !ok {
			return Result{UserErrors: []UserError{{Code: CodeInvalidDeliveryOpt, Field: path("selectedDeliveryOptions", i, "deliveryOptionHandle"), Message: "The delivery option is not available for this address."}}}, nil
		}
		handle = d.Handle
	}
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		return nil, nil, tx.Cart.UpdateOne(c).SetDeliveryOption(handle).Exec(ctx)
	})
}
