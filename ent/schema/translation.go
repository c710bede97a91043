package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Translation holds the schema definition for the Translation entity: the merchant's text
// of one field of one resource (a product's title, a collection's description, …) in one
// language other than the shop's.
type Translation struct {
	ent.Schema
}

// Mixin of the Translation.
func (Translation) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Translation.
func (Translation) Fields() []ent.Field {
	return []ent.Field{
		field.String("resource_id").NotEmpty().Comment("Global ID of the translated resource, e.g. gid://shopify/Product/1."),
		field.String("key").NotEmpty().Comment("The translated field: title, body_html, name, value, …"),
		field.String("locale").NotEmpty().Comment("Language as a Storefront API LanguageCode: FR, PT_BR, …"),
		field.Text("value"),
	}
}

// Indexes of the Translation.
func (Translation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("resource_id", "key", "locale").Unique(),
		index.Fields("locale"),
	}
}

// Annotations of the Translation: listed in the Admin API with a Relay connection and filters.
func (Translation) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
