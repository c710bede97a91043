package admin

import (
	"storefront/graph/admin/model"
	"storefront/internal/order"
)

func toTracking(t *model.FulfillmentTrackingInput) *order.Tracking {
	if t == nil {
		return nil
	}
	return &order.Tracking{Company: t.Company, Number: t.Number, URL: t.URL}
}

func toFulfillmentInput(in model.FulfillmentCreateInput) order.FulfillmentInput {
	out := order.FulfillmentInput{OrderID: in.OrderID, Tracking: toTracking(in.Tracking), NotifyCustomer: in.NotifyCustomer != nil && *in.NotifyCustomer}
	for _, l := range in.Lines {
		out.Lines = append(out.Lines, order.LineQuantity{LineItemID: l.LineItemID, Quantity: l.Quantity})
	}
	return out
}

func toRefundInput(in model.RefundCreateInput) order.RefundInput {
	out := order.RefundInput{OrderID: in.OrderID, Shipping: in.Shipping, Note: in.Note, IdempotencyKey: in.IdempotencyKey}
	for _, l := range in.Lines {
		out.Lines = append(out.Lines, order.LineQuantity{LineItemID: l.LineItemID, Quantity: l.Quantity, Restock: l.Restock != nil && *l.Restock})
	}
	return out
}
