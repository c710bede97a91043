package graph

import (
	"context"
	"fmt"

	"storefront/ent"
	"storefront/ent/schema"
	"storefront/graph/loader"
	"storefront/graph/model"
)

func orderMoney(_ context.Context, o *ent.Order, amount int64) (*model.MoneyV2, error) {
	return moneyV2(amount, o.CurrencyCode), nil
}

// lineMoney formats an order line amount in its order's currency.
func lineMoney(ctx context.Context, l *ent.OrderLine, amount int64) (*model.MoneyV2, error) {
	cur, ok := loader.For(ctx).OrderCurrency.Load(l.OrderID)
	if !ok {
		return nil, fmt.Errorf("order line %d read without its order", l.ID)
	}
	return moneyV2(amount, cur.(string)), nil
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
