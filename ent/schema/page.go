package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Page holds the schema definition for the Page entity: a content page such as
// "About us" or "Shipping policy".
type Page struct {
	ent.Schema
}

// Mixin of the Page.
func (Page) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Page.
func (Page) Fields() []ent.Field {
	return []ent.Field{
		field.String("handle").Unique().NotEmpty().MaxLen(255),
		field.String("title").NotEmpty().MaxLen(255).Annotations(entgql.OrderField("TITLE")),
		field.Text("body").Default("").Comment("Page content as HTML."),
		field.String("seo_title").Optional().Nillable(),
		field.String("seo_description").Optional().Nillable(),
		field.Bool("published").Default(false).Comment("Whether the page is visible on the Storefront API."),
		field.Time("published_at").Optional().Nillable(),
	}
}

// Indexes of the Page.
func (Page) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("published", "id"),
	}
}

// Annotations of the Page.
func (Page) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
