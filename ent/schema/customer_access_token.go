package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// CustomerAccessToken holds the schema definition for a customer's sign-in token; only its
// SHA-256 is stored, so a database leak reveals no usable token.
type CustomerAccessToken struct {
	ent.Schema
}

// Mixin of the CustomerAccessToken.
func (CustomerAccessToken) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the CustomerAccessToken.
func (CustomerAccessToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").Unique().Sensitive().Comment("SHA-256 (hex) of the token."),
		field.Int("customer_id"),
		field.Time("expires_at"),
	}
}

// Edges of the CustomerAccessToken.
func (CustomerAccessToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("access_tokens").Field("customer_id").Unique().Required(),
	}
}

// Indexes of the CustomerAccessToken.
func (CustomerAccessToken) Indexes() []ent.Index {
	return []ent.Index{index.Fields("customer_id")}
}

// Annotations of the CustomerAccessToken: secrets (token hashes), never exposed by the Admin API.
func (CustomerAccessToken) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}
