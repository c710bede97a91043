package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Collection holds the schema definition for the Collection entity: a curated, ordered
// group of products.
type Collection struct {
	ent.Schema
}

// Mixin of the Collection.
func (Collection) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Collection.
func (Collection) Fields() []ent.Field {
	return []ent.Field{
		field.String("handle").Unique().NotEmpty().MaxLen(255),
		field.String("title").NotEmpty().MaxLen(255).Annotations(entgql.OrderField("TITLE")),
		field.Text("description").Default("").Comment("Plain-text description."),
		field.Text("description_html").Default("").Comment("Description as HTML."),
		field.String("image_url").Optional().Nillable().MaxLen(2048),
		field.String("image_alt_text").Optional().Nillable().MaxLen(512),
		field.Int("image_width").Optional().Nillable().Positive(),
		field.Int("image_height").Optional().Nillable().Positive(),
		field.String("seo_title").Optional().Nillable(),
		field.String("seo_description").Optional().Nillable(),
		field.Bool("published").Default(false).Comment("Whether the collection is visible on the Storefront API."),
		field.Time("published_at").Optional().Nillable(),
		field.Enum("sort_order").
			Values("MANUAL", "BEST_SELLING", "TITLE", "PRICE", "CREATED").
			Default("MANUAL").
			Comment("Order of products when a client asks for COLLECTION_DEFAULT."),
	}
}

// Edges of the Collection.
func (Collection) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("products", Product.Type).
			Through("collection_products", CollectionProduct.Type).
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the Collection.
func (Collection) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("published", "title", "id"),
		index.Fields("published", "updated_at", "id"),
	}
}

// Annotations of the Collection.
func (Collection) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
