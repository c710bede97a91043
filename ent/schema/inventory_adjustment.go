package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// InventoryAdjustment holds the schema definition for the inventory ledger: one change of a
// variant's stock, written in the same transaction as the change, whoever makes it (the
// Admin API, productSet, checkout).
type InventoryAdjustment struct {
	ent.Schema
}

// Fields of the InventoryAdjustment.
func (InventoryAdjustment) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Default(func() time.Time { return time.Now().UTC() }).Immutable().
			Annotations(entgql.OrderField("CREATED_AT")).
			Comment("When the stock changed (UTC)."),
		field.Int("variant_id").Immutable().
			Annotations(entgql.Type("ID")).
			Comment("The variant whose stock changed (kept when the variant is deleted)."),
		field.String("sku").Optional().Nillable().Immutable().
			Comment("The variant's SKU at the time."),
		field.Int("delta").Immutable().
			Comment("Units added (positive) or taken (negative)."),
		field.Int("quantity_after").NonNegative().Immutable().
			Comment("Units available after the change."),
		field.String("reason").NotEmpty().Immutable().
			Comment("received, correction, cycle_count_available, damaged, shrinkage, restock, other, or sold (checkout)."),
		field.String("actor").Immutable().
			Comment("Name of the API key that made the change, \"checkout\" or \"cli\"."),
		field.Int("api_key_id").Optional().Nillable().Immutable().
			Annotations(entgql.Type("ID")).
			Comment("The API key that made the change, when one did."),
	}
}

// Indexes of the InventoryAdjustment.
func (InventoryAdjustment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("variant_id", "created_at"),
		index.Fields("created_at"),
	}
}

// Annotations of the InventoryAdjustment: the ledger is listed in the Admin API.
func (InventoryAdjustment) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
