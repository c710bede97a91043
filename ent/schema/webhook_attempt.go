package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// WebhookAttempt holds the schema definition for one HTTP attempt of a webhook delivery.
type WebhookAttempt struct {
	ent.Schema
}

// Fields of the WebhookAttempt.
func (WebhookAttempt) Fields() []ent.Field {
	return []ent.Field{
		field.Int("delivery_id").Immutable().
			Comment("The delivery attempted."),
		field.Time("attempted_at").Default(func() time.Time { return time.Now().UTC() }).Immutable().
			Comment("When the request was sent (UTC)."),
		field.Int("http_status").Optional().Nillable().Immutable().
			Comment("The receiver's HTTP status; unset when no answer came."),
		field.Int("latency_ms").Immutable().
			Comment("Milliseconds from sending to the answer (or the failure)."),
		field.String("error").Optional().Nillable().Immutable().
			Comment("Why the attempt failed without an answer (timeout, refused address, …)."),
		field.String("response_head").Optional().Nillable().Immutable().
			Comment("The first bytes of the response body."),
	}
}

// Edges of the WebhookAttempt.
func (WebhookAttempt) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("delivery", WebhookDelivery.Type).Ref("attempts").Field("delivery_id").
			Unique().Required().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations of the WebhookAttempt.
func (WebhookAttempt) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}
