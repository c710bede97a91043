package graph

import (
	"context"

	"storefront/ent"
	"storefront/ent/schema"
	"storefront/graph/loader"
	"storefront/graph/model"
)

func orderMoney(_ context.Context, o *ent.Order, amount int64) (*model.MoneyV2, error) {
	return moneyV2(amount, o.CurrencyCode), nil
}

// lineMoney formats an order line amount in the shop currency (orders are placed in it).
func lineMoney(ctx context.Context, _ *ent.OrderLine, amount int64) (*model.MoneyV2, error) {
	cur, err := currency(ctx)
	if err != nil {
		return nil, err
	}
	return moneyV2(amount, cur), nil
}

func orderAddress(ctx context.Context, id *int) (*ent.MailingAddress, error) {
	if id == nil {
		return nil, nil
	}
	a, err := loader.For(ctx).OrderAddress.Load(ctx, *id)
	if err != nil {
		return nil, nilIfNotFound(err)
	}
	return a, nil
}

func discountApplication(d schema.OrderDiscount, currency string) model.DiscountApplication {
	target := model.DiscountApplicationTargetSelectionAll
	if d.TargetSelection == "ENTITLED" {
		target = model.DiscountApplicationTargetSelectionEntitled
	}
	var value model.PricingValue
	if d.Kind == "PERCENTAGE" {
		value = &model.PricingPercentageValue{Percentage: float64(d.Value) / 100}
	} else {
		value = moneyV2(d.Value, currency)
	}
	return &model.DiscountCodeApplication{
		AllocationMethod: model.DiscountApplicationAllocationMethodAcross,
		Applicable:       true,
		Code:             d.Code,
		TargetSelection:  target,
		TargetType:       model.DiscountApplicationTargetTypeLineItem,
		Value:            value,
	}
}
