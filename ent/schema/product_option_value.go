package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ProductOptionValue holds the schema definition for the ProductOptionValue entity: one
// value of a product option, such as "M" for Size.
type ProductOptionValue struct {
	ent.Schema
}

// Fields of the ProductOptionValue.
func (ProductOptionValue) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(255),
		field.Int("position").Default(0).Comment("Order of the value within its option."),
		field.Int("option_id"),
	}
}

// Edges of the ProductOptionValue.
func (ProductOptionValue) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("option", ProductOption.Type).Ref("values").Field("option_id").Unique().Required(),
	}
}

// Indexes of the ProductOptionValue.
func (ProductOptionValue) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("option_id", "name").Unique(),
	}
}
