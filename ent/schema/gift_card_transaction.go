package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// GiftCardTransaction holds the schema definition for the GiftCardTransaction entity: one
// entry of a gift card's ledger — the value it was issued with (CREDIT) or what an order
// took from it (DEBIT). A card's balance is its initial value plus the sum of its debits.
type GiftCardTransaction struct {
	ent.Schema
}

// Mixin of the GiftCardTransaction.
func (GiftCardTransaction) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the GiftCardTransaction.
func (GiftCardTransaction) Fields() []ent.Field {
	return []ent.Field{
		field.Int("gift_card_id").Immutable(),
		field.Enum("kind").Values("CREDIT", "DEBIT").Immutable(),
		field.Int64("amount").Immutable().
			Comment("Minor units of the card's currency: positive for a credit, negative for a debit."),
		field.Int("order_id").Optional().Nillable().Immutable().Annotations(entgql.Type("ID")).
			Comment("The order a debit paid for."),
	}
}

// Edges of the GiftCardTransaction.
func (GiftCardTransaction) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("gift_card", GiftCard.Type).Ref("transactions").Field("gift_card_id").Unique().Required().Immutable(),
	}
}

// Indexes of the GiftCardTransaction.
func (GiftCardTransaction) Indexes() []ent.Index {
	return []ent.Index{
		// One debit per card and order: placing an order twice cannot spend a card twice.
		index.Fields("gift_card_id", "order_id").Unique(),
	}
}

// Annotations of the GiftCardTransaction: listed in the Admin API with a Relay connection.
func (GiftCardTransaction) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
