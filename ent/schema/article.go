package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Article holds the schema definition for the Article entity: a post of a blog. Comments
// are off: articles take none.
type Article struct {
	ent.Schema
}

// Mixin of the Article.
func (Article) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Article.
func (Article) Fields() []ent.Field {
	return []ent.Field{
		field.Int("blog_id"),
		field.String("handle").NotEmpty().MaxLen(255).Comment("URL-friendly name, unique within the blog."),
		field.String("title").NotEmpty().MaxLen(255),
		field.Text("content_html").Default("").Comment("The article as HTML."),
		field.Text("excerpt_html").Optional().Nillable().Comment("A summary as HTML; the start of the content when unset."),
		field.String("author_name").Default("").MaxLen(255),
		field.Strings("tags").Default([]string{}),
		field.Int("image_id").Optional().Nillable(),
		field.String("seo_title").Optional().Nillable(),
		field.String("seo_description").Optional().Nillable(),
		field.Bool("published").Default(false).Comment("Whether the article is visible on the Storefront API."),
		field.Time("published_at").Optional().Nillable(),
	}
}

// Edges of the Article.
func (Article) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("blog", Blog.Type).Ref("articles").Field("blog_id").Unique().Required(),
		edge.To("image", ContentImage.Type).Field("image_id").Unique(),
	}
}

// Indexes of the Article.
func (Article) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("blog_id", "handle").Unique(),
		index.Fields("blog_id", "published", "id"),
	}
}

// Annotations of the Article: readable in the Admin API (catalog:read); written by
// articleCreate, articleUpdate and articleDelete.
func (Article) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
