package admin

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"storefront/ent"
	"storefront/ent/contentimage"
	"storefront/ent/schema"
	"storefront/graph/admin/model"
	"storefront/internal/market"
	"storefront/internal/settings"
)

func opt[T any](o graphql.Omittable[*T]) settings.Optional[T] {
	v, ok := o.ValueOK()
	return settings.Optional[T]{Set: ok, Value: v}
}

func optInt64(o graphql.Omittable[*int]) settings.Optional[int64] {
	v, ok := o.ValueOK()
	if !ok || v == nil {
		return settings.Optional[int64]{Set: ok}
	}
	n := int64(*v)
	return settings.Optional[int64]{Set: true, Value: &n}
}

func toShopInput(in model.ShopInput) settings.ShopInput {
	return settings.ShopInput{
		Name: in.Name, Description: in.Description, CurrencyCode: in.CurrencyCode, CountryCode: in.CountryCode, IANATimezone: in.IanaTimezone,
		ShipsToCountries: in.ShipsToCountries, HasShipsTo: in.ShipsToCountries != nil, TaxesIncluded: in.TaxesIncluded,
		PrimaryDomain: opt(in.PrimaryDomain), ContactEmail: opt(in.ContactEmail), PrivacyPolicy: opt(in.PrivacyPolicy),
		RefundPolicy: opt(in.RefundPolicy), ShippingPolicy: opt(in.ShippingPolicy), TermsOfService: opt(in.TermsOfService),
		OrderNumberStart: in.OrderNumberStart, CapturePolicy: capturePolicy(in), Brand: toBrandInput(in.Brand),
	}
}

func toBrandInput(in *model.BrandInput) *settings.BrandInput {
	if in == nil {
		return nil
	}
	out := &settings.BrandInput{Slogan: opt(in.Slogan), ShortDescription: opt(in.ShortDescription),
		Logo: brandImage(in.Logo), SquareLogo: brandImage(in.SquareLogo), CoverImage: brandImage(in.CoverImage)}
	if in.Colors != nil {
		out.Colors = &schema.BrandColors{Primary: colorGroups(in.Colors.Primary), Secondary: colorGroups(in.Colors.Secondary)}
	}
	return out
}

func colorGroups(gs []*model.BrandColorGroupInput) []schema.BrandColorGroup {
	out := make([]schema.BrandColorGroup, len(gs))
	for i, g := range gs {
		if g.Background != nil {
			out[i].Background = *g.Background
		}
		if g.Foreground != nil {
			out[i].Foreground = *g.Foreground
		}
	}
	return out
}

func brandImage(o graphql.Omittable[*model.ContentImageInput]) settings.Optional[settings.ImageInput] {
	v, set := o.ValueOK()
	if !set || v == nil {
		return settings.Optional[settings.ImageInput]{Set: set}
	}
	return settings.Optional[settings.ImageInput]{Set: true, Value: &settings.ImageInput{URL: v.URL, AltText: v.AltText}}
}

func capturePolicy(in model.ShopInput) *string {
	if in.CapturePolicy == nil {
		return nil
	}
	p := string(*in.CapturePolicy)
	return &p
}

func toShippingRateInput(in model.ShippingRateInput) settings.ShippingRateInput {
	out := settings.ShippingRateInput{
		Handle: in.Handle, Title: in.Title, Description: opt(in.Description),
		Countries: in.Countries, HasCountries: in.Countries != nil, Provinces: in.Provinces, HasProvinces: in.Provinces != nil,
		Min: optInt64(in.Min), Max: optInt64(in.Max), Price: in.Price, FreeAbove: opt(in.FreeAbove), Position: in.Position,
	}
	if in.MethodType != nil {
		m := string(*in.MethodType)
		out.MethodType = &m
	}
	if in.Condition != nil {
		c := string(*in.Condition)
		out.Condition = &c
	}
	return out
}

func toTaxRateInput(in model.TaxRateInput) settings.TaxRateInput {
	return settings.TaxRateInput{CountryCode: in.CountryCode, ProvinceCode: opt(in.ProvinceCode), Name: in.Name,
		Rate: in.Rate, AppliesToShipping: in.AppliesToShipping}
}

func toMarketInput(in model.MarketInput) market.Input {
	out := market.Input{Name: in.Name, CurrencyCode: in.CurrencyCode, Countries: in.Countries, HasCountries: in.Countries != nil,
		ExchangeRate: in.ExchangeRate, Enabled: in.Enabled}
	if in.PriceRounding != nil {
		r := string(*in.PriceRounding)
		out.PriceRounding = &r
	}
	return out
}

// shopBrand is the shop's brand with its images (one statement for them).
func shopBrand(ctx context.Context, c *ent.Client, sh *ent.Shop) (*model.Brand, error) {
	colors := sh.BrandColors
	if colors.Primary == nil {
		colors.Primary = []schema.BrandColorGroup{}
	}
	if colors.Secondary == nil {
		colors.Secondary = []schema.BrandColorGroup{}
	}
	b := &model.Brand{Slogan: sh.BrandSlogan, ShortDescription: sh.BrandShortDescription, Colors: &colors}
	var ids []int
	for _, id := range []*int{sh.BrandLogoID, sh.BrandSquareLogoID, sh.BrandCoverImageID} {
		if id != nil {
			ids = append(ids, *id)
		}
	}
	if len(ids) == 0 {
		return b, nil
	}
	imgs, err := c.ContentImage.Query().Where(contentimage.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load brand images: %w", err)
	}
	byID := map[int]*ent.ContentImage{}
	for _, i := range imgs {
		byID[i.ID] = i
	}
	at := func(id *int) *ent.ContentImage {
		if id == nil {
			return nil
		}
		return byID[*id]
	}
	b.Logo, b.SquareLogo, b.CoverImage = at(sh.BrandLogoID), at(sh.BrandSquareLogoID), at(sh.BrandCoverImageID)
	return b, nil
}
