package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// APIKey holds the schema definition for the APIKey entity: a credential of the Admin API,
// stored only as the SHA-256 hash of the key, with the scopes it grants.
type APIKey struct {
	ent.Schema
}

// Mixin of the APIKey.
func (APIKey) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the APIKey.
func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Unique().NotEmpty().MaxLen(255).
			Annotations(entgql.OrderField("NAME")).
			Comment("Who or what uses the key, e.g. \"erp-sync\"; unique."),
		field.String("key_hash").Unique().NotEmpty().Immutable().Sensitive().
			Comment("SHA-256 (hex) of the key; the key itself is shown once and never stored."),
		field.String("prefix").NotEmpty().Immutable().
			Comment("The first characters of the key, to recognise it in lists and logs."),
		field.Strings("scopes").Default([]string{}).
			Comment("Scopes the key grants, e.g. catalog:write; a write scope implies its read scope."),
		field.Time("last_used_at").Optional().Nillable().
			Comment("When the key last authenticated a request (updated at most once a minute)."),
		field.Time("expires_at").Optional().Nillable().
			Comment("When the key stops working; never when unset."),
		field.Time("revoked_at").Optional().Nillable().
			Comment("When the key was revoked; a revoked key never works again."),
	}
}

// Annotations of the APIKey: listed in the Admin API (without the hash).
func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField("apiKeys"),
		entgql.RelayConnection(),
	}
}
