package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// RefundLine is one order line of a refund.
type RefundLine struct {
	OrderLineID int   `json:"orderLineId"`
	Quantity    int   `json:"quantity"`
	Restock     bool  `json:"restock"`
	Amount      int64 `json:"amount"`
}

// Refund holds the schema definition for money returned to the buyer: the lines and
// shipping it covers, its amount as computed by the server, and its payment's outcome.
type Refund struct {
	ent.Schema
}

// Mixin of the Refund.
func (Refund) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Refund.
func (Refund) Fields() []ent.Field {
	return []ent.Field{
		field.Int("order_id"),
		field.Enum("status").Values("PENDING", "SUCCESS", "FAILURE").Default("PENDING"),
		field.Int64("amount").NonNegative().Comment("Minor units: the lines' share of what was paid plus shipping."),
		field.Int64("shipping").Default(0).NonNegative().Comment("Shipping refunded (minor units)."),
		field.String("currency_code").MinLen(3).MaxLen(3),
		field.String("note").Optional().Nillable(),
		field.String("idempotency_key").Optional().Nillable().Unique().Comment("The caller's key: the same key returns this refund."),
		field.JSON("lines", []RefundLine{}).Optional(),
	}
}

// Edges of the Refund.
func (Refund) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("order", Order.Type).Ref("refunds").Field("order_id").Unique().Required(),
	}
}

// Indexes of the Refund.
func (Refund) Indexes() []ent.Index {
	return []ent.Index{index.Fields("order_id", "id")}
}

// Annotations of the Refund.
func (Refund) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
