package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ProductImage holds the schema definition for the ProductImage entity: a picture of a
// product, hosted wherever its URL points.
type ProductImage struct {
	ent.Schema
}

// Fields of the ProductImage.
func (ProductImage) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").NotEmpty().MaxLen(2048).Comment("Absolute URL of the image file."),
		field.String("alt_text").Optional().Nillable().MaxLen(512),
		field.Int("width").Optional().Nillable().Positive(),
		field.Int("height").Optional().Nillable().Positive(),
		field.Int("position").Default(0).Comment("Order within the product; the first is the featured image."),
		field.Int("product_id"),
	}
}

// Edges of the ProductImage.
func (ProductImage) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("product", Product.Type).Ref("images").Field("product_id").Unique().Required(),
		edge.From("variants", ProductVariant.Type).Ref("image"),
	}
}

// Indexes of the ProductImage.
func (ProductImage) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("product_id", "position"),
	}
}
