package graph

import (
	"storefront/ent/schema"
	"storefront/graph/model"
	"storefront/internal/cart"
	"storefront/internal/pricing"
)

func cartUserErrors(in []cart.UserError) []*model.CartUserError {
	out := make([]*model.CartUserError, len(in))
	for i, e := range in {
		code := model.CartErrorCode(e.Code)
		out[i] = &model.CartUserError{Code: &code, Field: e.Field, Message: e.Message}
	}
	return out
}

func cartWarnings(in []cart.Warning) []*model.CartWarning {
	out := make([]*model.CartWarning, len(in))
	for i, w := range in {
		out[i] = &model.CartWarning{Code: model.CartWarningCode(w.Code), Message: w.Message, Target: w.Target}
	}
	return out
}

func codeAllocations(in []pricing.Allocation, currency string) []model.CartDiscountAllocation {
	out := make([]model.CartDiscountAllocation, len(in))
	for i, a := range in {
		out[i] = &model.CartCodeDiscountAllocation{Code: a.Code, DiscountedAmount: moneyV2(a.Amount, currency)}
	}
	return out
}

func attributes(in []schema.Attribute) []*schema.Attribute {
	out := make([]*schema.Attribute, len(in))
	for i := range in {
		out[i] = &in[i]
	}
	return out
}

func fromAttributeInputs(in []*schema.Attribute) []schema.Attribute {
	out := make([]schema.Attribute, 0, len(in))
	for _, a := range in {
		if a != nil {
			out = append(out, *a)
		}
	}
	return out
}

func toLineInputs(in []*model.CartLineInput) []cart.LineInput {
	out := make([]cart.LineInput, 0, len(in))
	for _, l := range in {
		q := 1
		if l.Quantity != nil {
			q = *l.Quantity
		}
		out = append(out, cart.LineInput{MerchandiseID: l.MerchandiseID, Quantity: q, Attributes: fromAttributeInputs(l.Attributes)})
	}
	return out
}

func toBuyerIdentity(in *model.CartBuyerIdentityInput) cart.BuyerIdentity {
	b := cart.BuyerIdentity{Email: in.Email, Phone: in.Phone, CustomerAccessToken: in.CustomerAccessToken}
	if in.CountryCode != nil {
		c := string(*in.CountryCode)
		b.CountryCode = &c
	}
	return b
}

func cartLinePos(l *cart.Line) (int64, int) { return int64(l.ID), l.ID }
