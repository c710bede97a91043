package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// FulfillmentLine is how many units of an order line a fulfillment ships.
type FulfillmentLine struct {
	OrderLineID int `json:"orderLineId"`
	Quantity    int `json:"quantity"`
}

// Fulfillment holds the schema definition for a shipment of (part of) an order.
type Fulfillment struct {
	ent.Schema
}

// Mixin of the Fulfillment.
func (Fulfillment) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Fulfillment.
func (Fulfillment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("order_id"),
		field.Enum("status").Values("SUCCESS", "CANCELLED", "PENDING").Default("SUCCESS"),
		field.String("tracking_company").Optional().Nillable(),
		field.Strings("tracking_numbers").Default([]string{}),
		field.Strings("tracking_urls").Default([]string{}),
		field.JSON("lines", []FulfillmentLine{}).Optional().Comment("The order lines shipped and how many units of each."),
	}
}

// Edges of the Fulfillment.
func (Fulfillment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("order", Order.Type).Ref("fulfillments").Field("order_id").Unique().Required(),
	}
}
