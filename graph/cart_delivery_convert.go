package graph

import (
	"strings"

	"storefront/ent"
	"storefront/graph/model"
	"storefront/internal/cart"
	"storefront/internal/catalog"
	"storefront/internal/customer"
	"storefront/internal/paging"
)

func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

func strp(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}

func fromCartDeliveryAddress(in *model.CartDeliveryAddressInput) cart.Address {
	if in == nil {
		return cart.Address{}
	}
	a := cart.Address{FirstName: str(in.FirstName), LastName: str(in.LastName), Company: str(in.Company),
		Address1: str(in.Address1), Address2: str(in.Address2), City: str(in.City), ProvinceCode: str(in.ProvinceCode),
		Zip: str(in.Zip), Phone: str(in.Phone)}
	if in.CountryCode != nil {
		a.CountryCode = string(*in.CountryCode)
	}
	return a
}

// fromMailingAddressInput reads a billing address, whose country may be a name or a code.
func fromMailingAddressInput(in *model.MailingAddressInput) cart.Address {
	if in == nil {
		return cart.Address{}
	}
	a := cart.Address{FirstName: str(in.FirstName), LastName: str(in.LastName), Company: str(in.Company),
		Address1: str(in.Address1), Address2: str(in.Address2), City: str(in.City), Zip: str(in.Zip), Phone: str(in.Phone)}
	if c, ok := customer.CountryCode(str(in.Country)); ok {
		a.CountryCode = c
	}
	if p := str(in.Province); len(p) <= 3 && p == strings.ToUpper(p) {
		a.ProvinceCode = p
	} else {
		a.Province = p
	}
	return a
}

func toDeliveryInputs(in []*model.CartSelectableAddressInput) []cart.DeliveryAddressInput {
	out := make([]cart.DeliveryAddressInput, 0, len(in))
	for _, a := range in {
		if a == nil {
			continue
		}
		d := cart.DeliveryAddressInput{Selected: a.Selected != nil && *a.Selected, OneTimeUse: a.OneTimeUse != nil && *a.OneTimeUse,
			Strict: a.ValidationStrategy != nil && *a.ValidationStrategy == model.DeliveryAddressValidationStrategyStrict}
		if a.Address != nil {
			d.Address = fromCartDeliveryAddress(a.Address.DeliveryAddress)
		}
		out = append(out, d)
	}
	return out
}

func toDeliveryUpdates(in []*model.CartSelectableAddressUpdateInput) []cart.DeliveryAddressUpdate {
	out := make([]cart.DeliveryAddressUpdate, 0, len(in))
	for _, a := range in {
		if a == nil {
			continue
		}
		u := cart.DeliveryAddressUpdate{ID: a.ID, Selected: a.Selected, OneTimeUse: a.OneTimeUse,
			Strict: a.ValidationStrategy != nil && *a.ValidationStrategy == model.DeliveryAddressValidationStrategyStrict}
		if a.Address != nil {
			addr := fromCartDeliveryAddress(a.Address.DeliveryAddress)
			u.Address = &addr
		}
		out = append(out, u)
	}
	return out
}

func cartDeliveryAddress(m *ent.MailingAddress) *model.CartDeliveryAddress {
	return &model.CartDeliveryAddress{Address1: strp(m.Address1), Address2: strp(m.Address2), City: strp(m.City),
		CountryCode: strp(m.CountryCode), FirstName: strp(m.FirstName), LastName: strp(m.LastName), Phone: strp(m.Phone),
		ProvinceCode: strp(m.ProvinceCode), Zip: strp(m.Zip)}
}

func deliveryOption(o *cart.DeliveryOption, currency string) *model.CartDeliveryOption {
	if o == nil {
		return nil
	}
	title := o.Title
	handle := o.Handle
	return &model.CartDeliveryOption{Code: &handle, Handle: o.Handle, Title: &title, Description: o.Description,
		DeliveryMethodType: model.DeliveryMethodType(o.MethodType), EstimatedCost: moneyV2(o.Cost, currency)}
}

// cartLineConnection pages through cart lines.
func cartLineConnection(lines []*cart.Line, a catalog.Args) (*model.BaseCartLineConnection, error) {
	p, err := paging.Slice(lines, "CL", cartLinePos, a)
	if err != nil {
		return nil, err
	}
	c := &model.BaseCartLineConnection{PageInfo: pageInfo(p), Edges: make([]*model.BaseCartLineEdge, len(p.Items)), Nodes: make([]ent.Noder, len(p.Items))}
	for i, l := range p.Items {
		c.Edges[i] = &model.BaseCartLineEdge{Cursor: p.Cursors[i], Node: l}
		c.Nodes[i] = l
	}
	return c, nil
}
