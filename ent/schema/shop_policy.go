package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ShopPolicy holds the schema definition for the ShopPolicy entity: one of the shop's legal
// policies (privacy, refund, shipping, terms of service, subscription), at most one of each kind.
type ShopPolicy struct {
	ent.Schema
}

// Mixin of the ShopPolicy.
func (ShopPolicy) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the ShopPolicy.
func (ShopPolicy) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("PRIVACY", "REFUND", "SHIPPING", "TERMS_OF_SERVICE", "SUBSCRIPTION").
			Comment("Which policy this is; its handle follows (privacy-policy, refund-policy, shipping-policy, terms-of-service, subscription-policy)."),
		field.String("title").NotEmpty().MaxLen(255),
		field.Text("body").Default("").Comment("The policy as HTML."),
	}
}

// Indexes of the ShopPolicy.
func (ShopPolicy) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("kind").Unique(),
	}
}

// Annotations of the ShopPolicy: listed in the Admin API (settings:read); shopUpdate writes it.
func (ShopPolicy) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
