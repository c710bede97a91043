package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// CartLine holds the schema definition for the CartLine entity: a quantity of one variant
// (with its line attributes) in a cart. Prices are never stored: they are computed from
// the variant's current price whenever the cart is read.
type CartLine struct {
	ent.Schema
}

// Mixin of the CartLine.
func (CartLine) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the CartLine.
func (CartLine) Fields() []ent.Field {
	return []ent.Field{
		field.Int("cart_id"),
		field.Int("variant_id"),
		field.Int("quantity").Positive(),
		field.JSON("attributes", []Attribute{}).Optional(),
		field.String("attributes_key").Default("").Comment("Canonical form of the attributes: lines with the same variant and key merge."),
	}
}

// Edges of the CartLine.
func (CartLine) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("cart", Cart.Type).Ref("lines").Field("cart_id").Unique().Required(),
		edge.To("variant", ProductVariant.Type).Field("variant_id").Unique().Required(),
	}
}

// Indexes of the CartLine.
func (CartLine) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("cart_id", "variant_id", "attributes_key").Unique(),
	}
}
