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

// DiscountRedemption holds the schema definition for one use of a discount code by a
// buyer, written when an order is placed; once-per-customer limits count these.
type DiscountRedemption struct {
	ent.Schema
}

// Mixin of the DiscountRedemption.
func (DiscountRedemption) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the DiscountRedemption.
func (DiscountRedemption) Fields() []ent.Field {
	return []ent.Field{
		field.Int("discount_code_id"),
		field.Int("customer_id").Optional().Nillable().Annotations(entgql.Type("ID")),
		field.String("email").Default("").Comment("Lower-cased buyer email."),
		field.Int("order_id").Optional().Nillable().Annotations(entgql.Type("ID")),
		field.Bool("once_per_customer").Default(false).
			Comment("Set when the code may be used once per customer: such redemptions are unique per code and customer, and per code and email."),
	}
}

// Edges of the DiscountRedemption.
func (DiscountRedemption) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("discount_code", DiscountCode.Type).Ref("redemptions").Field("discount_code_id").Unique().Required(),
	}
}

// Indexes of the DiscountRedemption.
func (DiscountRedemption) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("discount_code_id", "customer_id"),
		index.Fields("discount_code_id", "email"),
		// Once-per-customer codes: the database refuses a second redemption by the same
		// customer or email, whatever the checks before it missed.
		index.Fields("discount_code_id", "customer_id").Unique().StorageKey("discountredemption_once_customer").
			Annotations(entsql.IndexWhere("once_per_customer AND customer_id IS NOT NULL")),
		index.Fields("discount_code_id", "email").Unique().StorageKey("discountredemption_once_email").
			Annotations(entsql.IndexWhere("once_per_customer")),
	}
}

// Annotations of the DiscountRedemption: listed in the Admin API with a Relay connection and filters.
func (DiscountRedemption) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
