package graph

import (
	"context"

	"storefront/ent"
	"storefront/graph/generated"
	"storefront/graph/model"
	"storefront/internal/gid"
)

func (r *shopResolver) ID(ctx context.Context, obj *ent.Shop) (string, error) {
	return gid.Format(gid.Shop, obj.ID), nil
}

func (r *shopResolver) PaymentSettings(ctx context.Context, obj *ent.Shop) (*model.PaymentSettings, error) {
	brands := make([]model.CardBrand, 0, len(obj.AcceptedCardBrands))
	for _, b := range obj.AcceptedCardBrands {
		if model.CardBrand(b).IsValid() {
			brands = append(brands, model.CardBrand(b))
		}
	}
	cur := model.CurrencyCode(obj.CurrencyCode)
	return &model.PaymentSettings{
		AcceptedCardBrands:           brands,
		CountryCode:                  model.CountryCode(obj.CountryCode),
		CurrencyCode:                 cur,
		EnabledPresentmentCurrencies: []model.CurrencyCode{cur},
		SupportedDigitalWallets:      []model.DigitalWallet{},
	}, nil
}

func (r *shopResolver) PrimaryDomain(ctx context.Context, obj *ent.Shop) (*model.Domain, error) {
	u, err := r.shopURL(obj)
	if err != nil {
		return nil, err
	}
	return &model.Domain{Host: u.Host, URL: u.String()}, nil
}

func (r *shopResolver) ShipsToCountries(ctx context.Context, obj *ent.Shop) ([]model.CountryCode, error) {
	out := make([]model.CountryCode, 0, len(obj.ShipsToCountries))
	for _, c := range obj.ShipsToCountries {
		if model.CountryCode(c).IsValid() {
			out = append(out, model.CountryCode(c))
		}
	}
	return out, nil
}

// Shop returns generated.ShopResolver implementation.
func (r *Resolver) Shop() generated.ShopResolver { return &shopResolver{r} }

type shopResolver struct{ *Resolver }
