package customer

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"storefront/ent"
	entcustomer "storefront/ent/customer"
	"storefront/ent/mailingaddress"
	"storefront/internal/contact"
	"storefront/internal/gid"
)

// AddressInput is a mailing address as the API takes it; nil fields are left unchanged on
// update. Country is an ISO 3166-1 alpha-2 code or an English country name.
type AddressInput struct {
	Address1, Address2, City, Company, Country, FirstName, LastName, Phone, Province, Zip *string
}

// countries maps ISO codes and lower-cased English names to ISO codes.
var countries, countryNames = func() (map[string]string, map[string]string) {
	byKey, names := map[string]string{}, map[string]string{}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code {
				continue
			}
			name := display.English.Regions().Name(r)
			if name == "" {
				continue
			}
			byKey[code] = code
			byKey[strings.ToLower(name)] = code
			names[code] = name
		}
	}
	return byKey, names
}()

// CountryName is the English name of an ISO country code ("" when unknown).
func CountryName(code string) string { return countryNames[code] }

func resolveCountry(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", false
	}
	if c, ok := countries[strings.ToUpper(v)]; ok && len(v) == 2 {
		return c, true
	}
	c, ok := countries[strings.ToLower(v)]
	return c, ok
}

func (s *Service) checkAddress(in AddressInput) (*string, []UserError) {
	var errs []UserError
	f := func(name string) []string { return []string{"address", name} }
	for _, fv := range []struct {
		name string
		v    *string
	}{{"address1", in.Address1}, {"address2", in.Address2}, {"city", in.City}, {"company", in.Company},
		{"firstName", in.FirstName}, {"lastName", in.LastName}, {"province", in.Province}, {"zip", in.Zip}} {
		if fv.v == nil {
			continue
		}
		switch {
		case utf8.RuneCountInString(*fv.v) > maxNameLength:
			errs = append(errs, UserError{CodeTooLong, f(fv.name), fmt.Sprintf("Must be at most %d characters.", maxNameLength)})
		case htmlTag.MatchString(*fv.v):
			errs = append(errs, UserError{CodeContainsHTML, f(fv.name), "Cannot contain HTML tags."})
		}
	}
	for _, fv := range []struct {
		name string
		v    *string
	}{{"firstName", in.FirstName}, {"lastName", in.LastName}} {
		if fv.v != nil && urlLike.MatchString(*fv.v) {
			errs = append(errs, UserError{CodeContainsURL, f(fv.name), "Cannot contain a URL."})
		}
	}
	if in.Phone != nil && *in.Phone != "" && !contact.ValidPhone(*in.Phone) {
		errs = append(errs, UserError{CodeInvalid, f("phone"), "Phone must be in international format, e.g. +14155550123."})
	}
	var code *string
	if in.Country != nil && strings.TrimSpace(*in.Country) != "" {
		c, ok := resolveCountry(*in.Country)
		if !ok {
			errs = append(errs, UserError{CodeInvalid, f("country"), "Country is not a known country name or ISO code."})
		}
		code = &c
	}
	return code, errs
}

func (s *Service) tokenCustomer(ctx context.Context, token string) (*ent.Customer, []UserError, error) {
	c, err := s.ByToken(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	if c == nil {
		return nil, []UserError{{CodeTokenInvalid, []string{"customerAccessToken"}, "The customer access token is invalid or has expired."}}, nil
	}
	return c, nil, nil
}

func notFound(field string) []UserError {
	return []UserError{{CodeNotFound, []string{field}, "Address does not exist."}}
}

// CreateAddress adds an address to the token's customer; the first one becomes the default.
//
// User error codes: TOKEN_INVALID, INVALID, TOO_LONG, CONTAINS_HTML_TAGS, CONTAINS_URL.
func (s *Service) CreateAddress(ctx context.Context, token string, in AddressInput) (*ent.MailingAddress, []UserError, error) {
	c, errs, err := s.tokenCustomer(ctx, token)
	if err != nil || errs != nil {
		return nil, errs, err
	}
	country, errs := s.checkAddress(in)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	var a *ent.MailingAddress
	err = s.inTx(ctx, func(tx *ent.Tx) error {
		b := tx.MailingAddress.Create().SetCustomerID(c.ID)
		setAddress(b.Mutation(), in, country)
		if a, err = b.Save(ctx); err != nil {
			return err
		}
		if c.DefaultAddressID == nil {
			return tx.Customer.UpdateOneID(c.ID).SetDefaultAddressID(a.ID).Exec(ctx)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("create address: %w", err)
	}
	return a, nil, nil
}

func setAddress(m *ent.MailingAddressMutation, in AddressInput, country *string) {
	set := func(v *string, f func(string)) {
		if v != nil {
			f(strings.TrimSpace(*v))
		}
	}
	set(in.Address1, m.SetAddress1)
	set(in.Address2, m.SetAddress2)
	set(in.City, m.SetCity)
	set(in.Company, m.SetCompany)
	set(in.FirstName, m.SetFirstName)
	set(in.LastName, m.SetLastName)
	set(in.Phone, m.SetPhone)
	set(in.Province, m.SetProvince)
	set(in.Zip, m.SetZip)
	if country != nil {
		m.SetCountryCode(*country)
	}
}

// UpdateAddress changes one of the token's customer's addresses.
//
// User error codes: TOKEN_INVALID, NOT_FOUND, and those of CreateAddress.
func (s *Service) UpdateAddress(ctx context.Context, token, addressID string, in AddressInput) (*ent.MailingAddress, []UserError, error) {
	c, errs, err := s.tokenCustomer(ctx, token)
	if err != nil || errs != nil {
		return nil, errs, err
	}
	id, ok := gid.ParseAs(addressID, addressGIDType)
	if !ok {
		return nil, notFound("id"), nil
	}
	a, err := s.Address(ctx, c.ID, id)
	if err != nil || a == nil {
		return nil, notFound("id"), err
	}
	country, errs := s.checkAddress(in)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	u := s.db.MailingAddress.UpdateOne(a)
	setAddress(u.Mutation(), in, country)
	if a, err = u.Save(ctx); err != nil {
		return nil, nil, fmt.Errorf("update address: %w", err)
	}
	return a, nil, nil
}

// DeleteAddress removes one of the token's customer's addresses; when it was the default,
// the oldest remaining address becomes the default.
//
// User error codes: TOKEN_INVALID, NOT_FOUND.
func (s *Service) DeleteAddress(ctx context.Context, token, addressID string) (string, []UserError, error) {
	c, errs, err := s.tokenCustomer(ctx, token)
	if err != nil || errs != nil {
		return "", errs, err
	}
	id, ok := gid.ParseAs(addressID, addressGIDType)
	if !ok {
		return "", notFound("id"), nil
	}
	err = s.inTx(ctx, func(tx *ent.Tx) error {
		n, err := tx.MailingAddress.Delete().Where(mailingaddress.ID(id), mailingaddress.CustomerID(c.ID)).Exec(ctx)
		if err != nil || n == 0 {
			if err == nil {
				err = errNotFound
			}
			return err
		}
		if c.DefaultAddressID == nil || *c.DefaultAddressID != id {
			return nil
		}
		next, err := tx.MailingAddress.Query().Where(mailingaddress.CustomerID(c.ID)).Order(ent.Asc(mailingaddress.FieldID)).First(ctx)
		u := tx.Customer.UpdateOneID(c.ID)
		switch {
		case ent.IsNotFound(err):
			u.ClearDefaultAddressID()
		case err != nil:
			return err
		default:
			u.SetDefaultAddressID(next.ID)
		}
		return u.Exec(ctx)
	})
	if err == errNotFound {
		return "", notFound("id"), nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("delete address: %w", err)
	}
	return AddressID(id), nil, nil
}

var errNotFound = fmt.Errorf("not found")

// SetDefaultAddress makes one of the token's customer's addresses the default.
//
// User error codes: TOKEN_INVALID, NOT_FOUND.
func (s *Service) SetDefaultAddress(ctx context.Context, token, addressID string) (*ent.Customer, []UserError, error) {
	c, errs, err := s.tokenCustomer(ctx, token)
	if err != nil || errs != nil {
		return nil, errs, err
	}
	id, ok := gid.ParseAs(addressID, addressGIDType)
	if !ok {
		return nil, notFound("addressId"), nil
	}
	a, err := s.Address(ctx, c.ID, id)
	if err != nil || a == nil {
		return nil, notFound("addressId"), err
	}
	c, err = s.db.Customer.UpdateOneID(c.ID).Where(entcustomer.ID(c.ID)).SetDefaultAddressID(a.ID).Save(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("set default address: %w", err)
	}
	return c, nil, nil
}

// Formatted returns an address as lines: name, company, street, "City Province Zip", country.
func Formatted(a *ent.MailingAddress) []string {
	var out []string
	add := func(parts ...*string) {
		var ps []string
		for _, p := range parts {
			if p != nil && strings.TrimSpace(*p) != "" {
				ps = append(ps, strings.TrimSpace(*p))
			}
		}
		if len(ps) > 0 {
			out = append(out, strings.Join(ps, " "))
		}
	}
	add(a.FirstName, a.LastName)
	add(a.Company)
	add(a.Address1)
	add(a.Address2)
	add(a.City, provinceOf(a), a.Zip)
	if a.CountryCode != nil {
		name := CountryName(*a.CountryCode)
		add(&name)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// FormattedArea is "City, Province, Country".
func FormattedArea(a *ent.MailingAddress) *string {
	var ps []string
	for _, p := range []*string{a.City, provinceOf(a)} {
		if p != nil && *p != "" {
			ps = append(ps, *p)
		}
	}
	if a.CountryCode != nil {
		ps = append(ps, CountryName(*a.CountryCode))
	}
	if len(ps) == 0 {
		return nil
	}
	s := strings.Join(ps, ", ")
	return &s
}

func provinceOf(a *ent.MailingAddress) *string {
	if a.ProvinceCode != nil && *a.ProvinceCode != "" {
		return a.ProvinceCode
	}
	return a.Province
}

// Name is "First Last", or nil.
func Name(first, last *string) *string {
	var ps []string
	for _, p := range []*string{first, last} {
		if p != nil && *p != "" {
			ps = append(ps, *p)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	s := strings.Join(ps, " ")
	return &s
}

// CountryCode resolves an ISO code or English country name to an ISO code.
func CountryCode(v string) (string, bool) { return resolveCountry(v) }
