package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// MarketPrice holds the schema definition for the MarketPrice entity: a variant's fixed
// price in one market, in the market's currency, which wins over the price derived from the
// shop currency by the market's exchange rate and rounding (Shopify's fixed prices of a
// price list; here every market has one price list, itself).
type MarketPrice struct {
	ent.Schema
}

// Mixin of the MarketPrice.
func (MarketPrice) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the MarketPrice.
func (MarketPrice) Fields() []ent.Field {
	return []ent.Field{
		field.Int("market_id").Annotations(entgql.Type("ID")),
		field.Int("variant_id").Annotations(entgql.Type("ID")),
		field.Int("product_id").Annotations(entgql.Type("ID")).Comment("The variant's product, so a product's fixed prices are read without its variants."),
		field.Int64("price").NonNegative().Comment("Price in minor units of the market currency."),
		field.Int64("compare_at_price").Optional().Nillable().NonNegative().Comment("Former price in minor units of the market currency; unset shows the variant's compare-at price converted."),
	}
}

// Edges of the MarketPrice.
func (MarketPrice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("market", Market.Type).Ref("fixed_prices").Field("market_id").Unique().Required(),
		edge.From("variant", ProductVariant.Type).Ref("market_prices").Field("variant_id").Unique().Required(),
	}
}

// Indexes of the MarketPrice: one fixed price per variant and market; a market's prices of
// a set of products are read by product.
func (MarketPrice) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("market_id", "variant_id").Unique(),
		index.Fields("market_id", "product_id"),
		index.Fields("variant_id"),
	}
}

// Annotations of the MarketPrice: listed in the Admin API under their market.
func (MarketPrice) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
	}
}
