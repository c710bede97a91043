package schema

import (
	"entgo.io/contrib/entgql"
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
		field.String("swatch_color").Optional().Nillable().MaxLen(7).Comment("Colour shown for the value in a picker, as #RRGGBB."),
		field.Int("swatch_image_id").Optional().Nillable().Comment("Image shown for the value in a picker.").Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the ProductOptionValue.
func (ProductOptionValue) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("option", ProductOption.Type).Ref("values").Field("option_id").Unique().Required(),
		edge.To("swatch_image", ProductImage.Type).Field("swatch_image_id").Unique().Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the ProductOptionValue.
func (ProductOptionValue) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("option_id", "name").Unique(),
	}
}
