package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ProductOption holds the schema definition for the ProductOption entity: a dimension in
// which a product's variants differ, such as Size or Color.
type ProductOption struct {
	ent.Schema
}

// Fields of the ProductOption.
func (ProductOption) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(255).Comment("Option name, e.g. \"Size\"."),
		field.Int("position").Default(0).Comment("Order of the option within its product."),
		field.Int("product_id"),
	}
}

// Edges of the ProductOption.
func (ProductOption) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("product", Product.Type).Ref("options").Field("product_id").Unique().Required(),
		edge.To("values", ProductOptionValue.Type),
	}
}

// Indexes of the ProductOption.
func (ProductOption) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("product_id", "name").Unique(),
	}
}
