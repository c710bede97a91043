package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// OrderDiscount is a discount an order was placed with, as it applied then.
type OrderDiscount struct {
	Code string `json:"code"`
	// Kind is PERCENTAGE (Value in basis points) or FIXED_AMOUNT (Value in minor units).
	Kind  string `json:"kind"`
	Value int64  `json:"value"`
	// TargetSelection is ALL (the whole order) or ENTITLED (specific products/collections).
	TargetSelection string `json:"targetSelection"`
}

// Order holds the schema definition for the Order entity: a placed order with the money,
// lines and addresses as they were when it was placed.
type Order struct {
	ent.Schema
}

// Mixin of the Order.
func (Order) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Order.
func (Order) Fields() []ent.Field {
	return []ent.Field{
		field.Int("number").Unique().Positive().Annotations(entgql.OrderField("NUMBER")).Comment("Sequential order number, e.g. 1001."),
		field.String("name").Comment("Display name, e.g. \"#1001\"."),
		field.String("email").Optional().Nillable(),
		field.String("phone").Optional().Nillable(),
		field.Int("customer_id").Optional().Nillable().Annotations(entgql.Type("ID")),
		field.String("currency_code").MinLen(3).MaxLen(3).Comment("ISO 4217 code of the presentment currency: the buyer's market's, which every amount of the order is in."),
		field.String("shop_currency_code").Optional().Nillable().Comment("The shop currency when the order was placed; the shop_* amounts are in it. Unset on orders placed before markets, whose amounts are in the shop currency."),
		field.String("exchange_rate").Optional().Nillable().Comment("Presentment units per shop-currency unit the order was placed at, e.g. \"1.35\"."),
		field.Int64("shop_subtotal").Optional().Nillable().Comment("subtotal in the shop currency (minor units)."),
		field.Int64("shop_total_discounts").Optional().Nillable(),
		field.Int64("shop_total_shipping").Optional().Nillable(),
		field.Int64("shop_total_tax").Optional().Nillable(),
		field.Int64("shop_total").Optional().Nillable().Comment("total in the shop currency (minor units)."),
		field.Int64("subtotal").Comment("Line totals after line discounts, before order discounts, shipping and tax (minor units)."),
		field.Int64("total_discounts").Default(0),
		field.Int64("total_shipping").Default(0),
		field.Int64("total_tax").Default(0),
		field.Int64("total").Annotations(entgql.OrderField("TOTAL_PRICE")).Comment("What the buyer was charged (minor units)."),
		field.Int64("total_captured").Default(0).Comment("Captured so far (minor units), from the order's successful captures."),
		field.Int64("total_refunded").Default(0).Comment("Refunded so far (minor units), from the order's successful refunds."),
		field.Enum("financial_status").Values("AUTHORIZED", "PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED", "VOIDED").Default("PENDING"),
		field.Enum("fulfillment_status").Values("FULFILLED", "IN_PROGRESS", "ON_HOLD", "OPEN", "PARTIALLY_FULFILLED", "PENDING_FULFILLMENT", "RESTOCKED", "SCHEDULED", "UNFULFILLED").Default("UNFULFILLED"),
		field.Enum("cancel_reason").Values("CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF").Optional().Nillable(),
		field.Time("canceled_at").Optional().Nillable(),
		field.Time("processed_at").Annotations(entgql.OrderField("PROCESSED_AT")),
		field.String("status_token").Unique().NotEmpty().Sensitive().Comment("Unguessable part of the order status URL."),
		field.Int("shipping_address_id").Optional().Nillable().Annotations(entgql.Type("ID")),
		field.Int("billing_address_id").Optional().Nillable().Annotations(entgql.Type("ID")),
		field.JSON("custom_attributes", []Attribute{}).Optional(),
		field.JSON("discounts", []OrderDiscount{}).Optional(),
		field.Bool("edited").Default(false),
		field.Bool("test").Default(false).Comment("Paid through the built-in test payment provider: no money moved."),
		field.Text("note").Optional().Nillable().Comment("The merchant's note."),
		field.Strings("tags").Default([]string{}).Comment("The merchant's tags."),
	}
}

// Edges of the Order.
func (Order) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("lines", OrderLine.Type),
		edge.To("fulfillments", Fulfillment.Type),
		edge.To("payments", Payment.Type),
		edge.To("refunds", Refund.Type),
		edge.To("timeline", OrderEvent.Type).Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the Order.
func (Order) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "processed_at"),
		// The refunded orders of a period, for the sales report (refunds are read here).
		index.Fields("processed_at").Annotations(entsql.IndexWhere("total_refunded > 0")).StorageKey("order_refunded_processed_at"),
	}
}

// Annotations of the Order: a Relay connection with filters in the Admin API, whose
// Query.orders is written by hand (graph/admin/order.graphqls) to take a search query too.
func (Order) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
	}
}
