package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// CollectionProduct holds the schema definition for a product's membership in a collection,
// with its manual sort position.
type CollectionProduct struct {
	ent.Schema
}

// Annotations of the CollectionProduct.
func (CollectionProduct) Annotations() []schema.Annotation {
	return []schema.Annotation{
		field.ID("collection_id", "product_id"),
		entgql.Skip(entgql.SkipAll),
	}
}

// Fields of the CollectionProduct.
func (CollectionProduct) Fields() []ent.Field {
	return []ent.Field{
		field.Int("collection_id"),
		field.Int("product_id"),
		field.Int("position").Default(0).Comment("Manual sort position within the collection."),
	}
}

// Edges of the CollectionProduct.
func (CollectionProduct) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("collection", Collection.Type).Field("collection_id").Unique().Required(),
		edge.To("product", Product.Type).Field("product_id").Unique().Required(),
	}
}

// Indexes of the CollectionProduct.
func (CollectionProduct) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("collection_id", "position"),
		index.Fields("product_id"),
	}
}
