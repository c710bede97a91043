package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Event holds the schema definition for the outbox: a business event written in the same
// transaction as the change it reports, for webhooks and analytics to deliver later.
type Event struct {
	ent.Schema
}

// Mixin of the Event.
func (Event) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Event.
func (Event) Fields() []ent.Field {
	return []ent.Field{
		field.String("topic").NotEmpty().Comment("E.g. \"orders/create\"."),
		field.String("subject_id").Comment("Global ID of what the event is about."),
		field.JSON("payload", map[string]any{}).Optional(),
		field.Time("delivered_at").Optional().Nillable().
			Comment("When the dispatcher turned the event into webhook deliveries (it is pending until then)."),
	}
}

// Indexes of the Event.
func (Event) Indexes() []ent.Index {
	return []ent.Index{index.Fields("delivered_at", "id"), index.Fields("created_at")}
}

// Annotations of the Event: the webhook outbox, exposed when webhooks land.
func (Event) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}
