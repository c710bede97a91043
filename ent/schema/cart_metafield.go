package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// CartMetafield holds the schema definition for the CartMetafield entity: a custom value a
// storefront stores on a cart (cartMetafieldsSet), carried to the order's checkout.
type CartMetafield struct {
	ent.Schema
}

// Mixin of the CartMetafield.
func (CartMetafield) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the CartMetafield.
func (CartMetafield) Fields() []ent.Field {
	return []ent.Field{
		field.Int("cart_id"),
		field.String("namespace").NotEmpty().MaxLen(255).Comment("The key's namespace; `custom` unless the key names one (namespace.key)."),
		field.String("key").NotEmpty().MaxLen(64),
		field.String("type").NotEmpty().MaxLen(64).Comment("A Shopify metafield type, e.g. single_line_text_field, json, number_integer."),
		field.Text("value"),
	}
}

// Edges of the CartMetafield.
func (CartMetafield) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("cart", Cart.Type).Ref("metafields").Field("cart_id").Unique().Required(),
	}
}

// Indexes of the CartMetafield.
func (CartMetafield) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("cart_id", "namespace", "key").Unique(),
	}
}
