package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// WebhookDelivery holds the schema definition for one outbox event (or ping) on its way to
// one subscription: the exact body sent, its stable IDs (the same on every retry), and
// when the dispatcher tries next.
type WebhookDelivery struct {
	ent.Schema
}

// Mixin of the WebhookDelivery.
func (WebhookDelivery) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("subscription_id").Immutable().
			Comment("The subscription delivered to."),
		field.Int64("event_id").Immutable().
			Comment("The outbox event delivered (X-Shopify-Event-Id); 0 for a test ping."),
		field.String("topic").Immutable().
			Comment("Topic in Shopify's a/b form, e.g. products/update."),
		field.String("subject_id").Immutable().
			Comment("Global ID of the resource the event is about; deliveries of one resource go in order."),
		field.String("webhook_id").Unique().Immutable().
			Comment("X-Shopify-Webhook-Id and webhook-id: the same on every attempt."),
		field.Time("triggered_at").Immutable().
			Comment("When the event happened (X-Shopify-Triggered-At)."),
		field.Text("body").Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("The JSON body, byte for byte as sent on every attempt."),
		field.Enum("status").Values("PENDING", "RETRYING", "DELIVERED", "FAILED").Default("PENDING").
			Annotations(entgql.Type("WebhookDeliveryStatus")).
			Comment("PENDING: not tried yet; RETRYING: failed, tried again at nextAttemptAt; DELIVERED: a 2xx answer; FAILED: a test ping that was not answered with 2xx."),
		field.Int("attempt_count").Default(0).
			Comment("Attempts made."),
		field.Time("next_attempt_at").
			Comment("When the dispatcher tries next (while PENDING or RETRYING)."),
		field.Time("lease_until").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("A dispatcher holds the delivery until then; after that (it died) another takes it."),
		field.Time("delivered_at").Optional().Nillable().
			Comment("When a 2xx answer came."),
	}
}

// Edges of the WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("subscription", WebhookSubscription.Type).Ref("deliveries").Field("subscription_id").
			Unique().Required().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("attempts", WebhookAttempt.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)).
			Comment("Every attempt, oldest first."),
	}
}

// Indexes of the WebhookDelivery.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "next_attempt_at"),
		index.Fields("subject_id", "event_id"),
		index.Fields("subscription_id", "created_at"),
		index.Fields("delivered_at"),
	}
}

// Annotations of the WebhookDelivery: listed by webhookDeliveries in the Admin API.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
	}
}
