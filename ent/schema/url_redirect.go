package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// UrlRedirect holds the schema definition for the UrlRedirect entity: an old storefront
// path that now lives elsewhere (storefronts look it up when a page is not found).
type UrlRedirect struct {
	ent.Schema
}

// Mixin of the UrlRedirect.
func (UrlRedirect) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the UrlRedirect.
func (UrlRedirect) Fields() []ent.Field {
	return []ent.Field{
		field.String("path").Unique().NotEmpty().MaxLen(1024).Comment("The old path, starting with /, e.g. /products/old-tee."),
		field.String("target").NotEmpty().MaxLen(2048).Comment("Where it now lives: a path or an absolute URL."),
	}
}

// Annotations of the UrlRedirect: listed in the Admin API (catalog:read) with a Relay
// connection and filters; written by urlRedirectCreate, urlRedirectUpdate and
// urlRedirectDelete.
func (UrlRedirect) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
