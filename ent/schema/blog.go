package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Blog holds the schema definition for the Blog entity: a series of articles, such as
// "News" or "Journal".
type Blog struct {
	ent.Schema
}

// Mixin of the Blog.
func (Blog) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Blog.
func (Blog) Fields() []ent.Field {
	return []ent.Field{
		field.String("handle").Unique().NotEmpty().MaxLen(255),
		field.String("title").NotEmpty().MaxLen(255),
		field.String("seo_title").Optional().Nillable(),
		field.String("seo_description").Optional().Nillable(),
	}
}

// Edges of the Blog.
func (Blog) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("articles", Article.Type),
	}
}

// Annotations of the Blog: readable in the Admin API (catalog:read); written by blogCreate,
// blogUpdate and blogDelete.
func (Blog) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
