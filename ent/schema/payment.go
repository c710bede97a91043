package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Payment holds the schema definition for one call to the payment provider: an
// authorization, capture, void or refund. It is written PENDING before the call and settled
// (SUCCESS or FAILURE) after it, so a call whose outcome was never recorded can be issued
// again with the same idempotency key. An order's financial status follows from its payments.
type Payment struct {
	ent.Schema
}

// Mixin of the Payment.
func (Payment) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Payment.
func (Payment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("order_id").Optional().Nillable().Comment("Unset while the order is not placed yet (an authorization taken at checkout, or voided because placing failed)."),
		field.Int("attempt_id").Optional().Nillable().Annotations(entgql.Type("ID")).Comment("The checkout completion attempt that took the authorization."),
		field.Int("refund_id").Optional().Nillable().Annotations(entgql.Type("ID")).Comment("The refund this payment pays out."),
		field.Enum("kind").Values("AUTHORIZATION", "CAPTURE", "VOID", "REFUND"),
		field.Enum("status").Values("PENDING", "SUCCESS", "FAILURE").Default("PENDING"),
		field.String("provider").NotEmpty().Comment("The payment provider's name, e.g. \"test\" or \"stripe\"."),
		field.String("authorization").Optional().Nillable().Sensitive().Comment("The authorization the call is about."),
		field.String("reference").Optional().Nillable().Comment("The provider's reference of what it did (authorization, charge or refund ID)."),
		field.Int64("amount").NonNegative().Comment("Minor units."),
		field.String("currency_code").MinLen(3).MaxLen(3),
		field.String("error_code").Optional().Nillable().Comment("Why the provider refused, e.g. PAYMENT_CARD_DECLINED."),
		field.String("error_message").Optional().Nillable(),
		field.String("idempotency_key").Unique().NotEmpty().Comment("Sent with the provider call: issuing it again never moves money twice."),
		field.Time("processed_at").Optional().Nillable().Comment("When the provider's answer was recorded."),
		field.Bool("test").Default(false).Comment("Made through the test provider: no money moved."),
	}
}

// Edges of the Payment.
func (Payment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("order", Order.Type).Ref("payments").Field("order_id").Unique(),
	}
}

// Indexes of the Payment.
func (Payment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("order_id", "id"),
		index.Fields("attempt_id"),
		index.Fields("status", "created_at"),
	}
}

// Annotations of the Payment: listed in the Admin API.
func (Payment) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
