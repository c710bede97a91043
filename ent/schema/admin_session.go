package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AdminSession holds the schema definition for a signed-in session of the merchant
// dashboard (/admin): the API key it signed in with, found by the SHA-256 of the session
// cookie. Not part of the Admin API.
type AdminSession struct {
	ent.Schema
}

// Mixin of the AdminSession.
func (AdminSession) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the AdminSession.
func (AdminSession) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").Unique().NotEmpty().Sensitive().Comment("SHA-256 (hex) of the session cookie's value."),
		field.String("csrf_token").NotEmpty().Sensitive().Comment("The token the session's forms must send back."),
		field.Int("api_key_id").Comment("The key signed in with; the session ends when the key is revoked or expires."),
		field.Time("expires_at"),
	}
}

// Indexes of the AdminSession.
func (AdminSession) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("expires_at"),
	}
}

// Annotations of the AdminSession.
func (AdminSession) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
