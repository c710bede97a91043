package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// DiscountCode holds the schema definition for the DiscountCode entity: a code a buyer
// enters for a percentage or fixed amount off the order or off specific products or
// collections, within limits.
type DiscountCode struct {
	ent.Schema
}

// Mixin of the DiscountCode.
func (DiscountCode) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the DiscountCode.
func (DiscountCode) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").NotEmpty().MaxLen(255).Comment("The code as the merchant wrote it."),
		field.String("code_key").Unique().Comment("Upper-cased code, set by a hook from code: codes match case-insensitively."),
		field.String("title").Default("").Comment("Shown to buyers, e.g. \"10% off your first order\"."),
		field.Enum("kind").Values("PERCENTAGE", "FIXED_AMOUNT"),
		field.Int64("value").Positive().Comment("Basis points for PERCENTAGE (1000 = 10%), minor units for FIXED_AMOUNT."),
		field.Enum("applies_to").Values("ORDER", "PRODUCTS", "COLLECTIONS").Default("ORDER"),
		field.Int64("minimum_subtotal").Optional().Nillable().NonNegative().Comment("Minimum cart subtotal in minor units."),
		field.Time("starts_at").Optional().Nillable(),
		field.Time("ends_at").Optional().Nillable(),
		field.Int("usage_limit").Optional().Nillable().Positive().Comment("Total redemptions allowed."),
		field.Int("usage_count").Default(0).NonNegative().Comment("Redemptions so far (orders placed with the code)."),
		field.Bool("once_per_customer").Default(false),
		field.Bool("enabled").Default(true),
	}
}

// Edges of the DiscountCode.
func (DiscountCode) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("products", Product.Type).Comment("Products the code applies to (applies_to PRODUCTS)."),
		edge.To("collections", Collection.Type).Comment("Collections whose products the code applies to (applies_to COLLECTIONS)."),
		edge.To("redemptions", DiscountRedemption.Type),
	}
}

// Indexes of the DiscountCode.
func (DiscountCode) Indexes() []ent.Index {
	return []ent.Index{index.Fields("enabled")}
}

// Annotations of the DiscountCode: listed in the Admin API with a Relay connection and filters.
func (DiscountCode) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
