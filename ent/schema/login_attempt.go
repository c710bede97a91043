package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// LoginAttempt holds the schema definition for a failed sign-in, counted per account and
// per client IP to throttle password guessing across every server instance.
type LoginAttempt struct {
	ent.Schema
}

// Fields of the LoginAttempt.
func (LoginAttempt) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Comment("\"email:<sha256>\" or \"ip:<address>\"."),
		field.Time("created_at"),
	}
}

// Indexes of the LoginAttempt.
func (LoginAttempt) Indexes() []ent.Index {
	return []ent.Index{index.Fields("key", "created_at")}
}

// Annotations of the LoginAttempt: throttling records, not part of the Admin API.
func (LoginAttempt) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}
