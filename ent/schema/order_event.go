package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// OrderEvent holds the schema definition for the order timeline: what happened to an order
// (placed, authorized, captured, fulfilled, tracking updated, refunded, cancelled, notes,
// emails sent or failed), written in the same transaction as the change.
type OrderEvent struct {
	ent.Schema
}

// Fields of the OrderEvent.
func (OrderEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Default(func() time.Time { return time.Now().UTC() }).Immutable().
			Annotations(entgql.OrderField("CREATED_AT")).Comment("When it happened (UTC)."),
		field.Int("order_id").Immutable(),
		field.String("kind").NotEmpty().Immutable().Comment("PLACED, AUTHORIZED, CAPTURED, CAPTURE_FAILED, VOIDED, VOID_FAILED, FULFILLED, FULFILLMENT_CANCELLED, TRACKING_UPDATED, REFUNDED, REFUND_FAILED, CANCELLED, UPDATED, EMAIL_SENT or EMAIL_FAILED."),
		field.String("message").Immutable().Comment("What happened, for people."),
		field.String("actor").Default("system").Immutable().Comment("Name of the API key, \"checkout\" or \"system\"."),
	}
}

// Edges of the OrderEvent.
func (OrderEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("order", Order.Type).Ref("timeline").Field("order_id").Unique().Required().Immutable(),
	}
}

// Indexes of the OrderEvent.
func (OrderEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("order_id", "id")}
}

// Annotations of the OrderEvent.
func (OrderEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
	}
}
