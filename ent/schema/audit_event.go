package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AuditEvent holds the schema definition for the audit log: one Admin API write, recorded
// in the same transaction as the write itself.
type AuditEvent struct {
	ent.Schema
}

// Fields of the AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Default(func() time.Time { return time.Now().UTC() }).Immutable().
			Annotations(entgql.OrderField("CREATED_AT")).
			Comment("When the write happened (UTC)."),
		field.Int("api_key_id").Optional().Nillable().Immutable().
			Annotations(entgql.Type("ID")).
			Comment("The API key that made the write; unset for the command line."),
		field.String("actor").Immutable().
			Comment("Name of the API key (as it was then), or \"cli\"."),
		field.String("operation").NotEmpty().Immutable().
			Comment("The mutation, e.g. \"productSet\"."),
		field.String("subject_id").Immutable().
			Comment("Global ID of the object written, e.g. gid://storefront/Product/42."),
		field.JSON("changes", map[string]any{}).Optional().Immutable().
			Comment("What changed: the fields written and their new values."),
		field.String("request_id").Default("").Immutable().
			Comment("The request's ID (X-Request-Id), to find it in the logs."),
	}
}

// Indexes of the AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("created_at"),
		index.Fields("subject_id"),
	}
}

// Annotations of the AuditEvent: the audit log is listed in the Admin API.
func (AuditEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
