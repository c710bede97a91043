package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// LoginAttempt holds the schema definition for one attempt at a throttled account action
// (sign-in, customerCreate, customerRecover), recorded under each key it counts against
// before the action runs, so every server instance enforces the limits together.
type LoginAttempt struct {
	ent.Schema
}

// Fields of the LoginAttempt.
func (LoginAttempt) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Comment("What the attempt counts against: \"email:<sha256>\" or \"ip:<address>\" (sign-in), \"create-ip:<address>\", \"recover-email:<sha256>\" or \"recover-ip:<address>\"."),
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
