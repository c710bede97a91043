package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// ShippingRate holds the schema definition for a way to deliver an order and what it
// costs: where it applies (countries, provinces), when (weight or subtotal bands) and
// whether it becomes free above a subtotal.
type ShippingRate struct {
	ent.Schema
}

// Fields of the ShippingRate.
func (ShippingRate) Fields() []ent.Field {
	return []ent.Field{
		field.String("handle").Unique().NotEmpty().Comment("Stable name buyers select it by, e.g. \"standard\"."),
		field.String("title").NotEmpty(),
		field.String("description").Optional().Nillable(),
		field.Enum("method_type").Values("SHIPPING", "PICK_UP", "LOCAL", "PICKUP_POINT", "RETAIL", "NONE").Default("SHIPPING"),
		field.Strings("countries").Default([]string{}).Comment("ISO codes it serves; empty for everywhere."),
		field.Strings("provinces").Default([]string{}).Comment("Province codes it serves within those countries; empty for all."),
		field.Enum("condition").Values("NONE", "WEIGHT", "SUBTOTAL").Default("NONE").Comment("What min and max bound."),
		field.Int64("min").Optional().Nillable().Comment("Lower bound (grams or minor units), inclusive."),
		field.Int64("max").Optional().Nillable().Comment("Upper bound (grams or minor units), inclusive."),
		field.Int64("price").NonNegative().Comment("Cost in minor units."),
		field.Int64("free_above").Optional().Nillable().Comment("Subtotal (minor units) from which the rate costs nothing."),
		field.Int("position").Default(0),
	}
}

// Annotations of the ShippingRate: listed in the Admin API with a Relay connection and filters.
func (ShippingRate) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
