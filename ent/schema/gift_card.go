package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// GiftCard holds the schema definition for the GiftCard entity: prepaid value a buyer
// spends at checkout by entering its code. The code is shown once, when the card is
// issued; only its SHA-256 hash and last four characters are kept.
type GiftCard struct {
	ent.Schema
}

// Mixin of the GiftCard.
func (GiftCard) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the GiftCard.
func (GiftCard) Fields() []ent.Field {
	return []ent.Field{
		field.String("code_hash").Unique().NotEmpty().Immutable().Sensitive().
			Comment("SHA-256 (hex) of the normalized code (upper case, without spaces and dashes); the code itself is never stored."),
		field.String("last_characters").NotEmpty().Immutable().
			Comment("The last four characters of the code, to recognise the card."),
		field.Int64("initial_value").NonNegative().Immutable().
			Comment("The value the card was issued with, in minor units of its currency."),
		field.Int64("balance").NonNegative().
			Annotations(entgql.OrderField("BALANCE")).
			Comment("What is left on the card, in minor units of its currency; never below zero."),
		field.String("currency_code").NotEmpty().Immutable().
			Comment("The card's currency (ISO 4217); it pays only for carts in this currency."),
		field.Time("expires_at").Optional().Nillable().
			Comment("When the card stops being accepted; never when unset."),
		field.Time("disabled_at").Optional().Nillable().
			Comment("When the card was disabled; a disabled card is never accepted again."),
		field.Text("note").Optional().Nillable().Comment("The merchant's note, never shown to buyers."),
	}
}

// Edges of the GiftCard.
func (GiftCard) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("transactions", GiftCardTransaction.Type).
			Annotations(entgql.RelayConnection()).
			Comment("The card's ledger: its issue and every debit, oldest first."),
	}
}

// Indexes of the GiftCard.
func (GiftCard) Indexes() []ent.Index {
	return []ent.Index{index.Fields("created_at")}
}

// Annotations of the GiftCard: listed in the Admin API (without the code hash).
func (GiftCard) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
