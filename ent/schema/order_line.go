package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// OrderLine holds the schema definition for a line of an order, with the title and prices
// it had when the order was placed.
type OrderLine struct {
	ent.Schema
}

// Fields of the OrderLine.
func (OrderLine) Fields() []ent.Field {
	return []ent.Field{
		field.Int("order_id"),
		field.Int("variant_id").Optional().Nillable().Comment("Unset when the variant was deleted since."),
		field.String("title").Comment("Product title at the time of the order."),
		field.String("variant_title").Optional().Nillable(),
		field.String("sku").Optional().Nillable(),
		field.Int("quantity").Positive(),
		field.Int("current_quantity").NonNegative().Comment("Quantity after removals and refunds."),
		field.Int("fulfilled_quantity").Default(0).NonNegative().Comment("Units in successful fulfillments."),
		field.Int("refunded_quantity").Default(0).NonNegative().Comment("Units refunded."),
		field.Int64("unit_price"),
		field.Int64("original_total").Comment("Unit price × quantity."),
		field.Int64("discounted_total").Comment("After every discount allocated to the line."),
		field.Int("position").Default(0),
	}
}

// Edges of the OrderLine.
func (OrderLine) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("order", Order.Type).Ref("lines").Field("order_id").Unique().Required(),
		edge.To("variant", ProductVariant.Type).Field("variant_id").Unique().
			Annotations(entsql.OnDelete(entsql.SetNull)),
	}
}

// Indexes of the OrderLine.
func (OrderLine) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("order_id", "position"),
		// Finds the orders of a product's variants (bought-together recommendations).
		index.Fields("variant_id"),
	}
}
