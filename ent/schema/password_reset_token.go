package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// PasswordResetToken holds the schema definition for a single-use password reset token
// (hash only), valid for an hour.
type PasswordResetToken struct {
	ent.Schema
}

// Mixin of the PasswordResetToken.
func (PasswordResetToken) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the PasswordResetToken.
func (PasswordResetToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").Unique().Sensitive(),
		field.Int("customer_id"),
		field.Time("expires_at"),
		field.Time("used_at").Optional().Nillable(),
	}
}

// Edges of the PasswordResetToken.
func (PasswordResetToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("reset_tokens").Field("customer_id").Unique().Required(),
	}
}

// Annotations of the PasswordResetToken: secrets (token hashes), never exposed by the Admin API.
func (PasswordResetToken) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}
