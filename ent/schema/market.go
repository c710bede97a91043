package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Market holds the schema definition for the Market entity: a set of countries sold to in
// one currency, with prices derived from the shop currency by an exchange rate and a
// rounding rule. A country belongs to at most one market; countries in none are priced in
// the shop currency.
type Market struct {
	ent.Schema
}

// Mixin of the Market.
func (Market) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Market.
func (Market) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(255),
		field.String("currency_code").MinLen(3).MaxLen(3).Comment("ISO 4217 code the market's buyers see and pay in."),
		field.Strings("countries").Default([]string{}).Comment("ISO 3166-1 alpha-2 codes of the market's countries."),
		field.String("exchange_rate").Default("1").Comment("Units of the market currency per unit of the shop currency, a decimal such as \"1.35\"."),
		field.Enum("price_rounding").Values("NONE", "WHOLE", "NINETY_NINE").Default("NONE").
			Comment("How converted product prices are rounded up: NONE (to the minor unit), WHOLE (to a whole unit) or NINETY_NINE (to the next .99)."),
		field.Bool("enabled").Default(true).Comment("A disabled market's countries are priced in the shop currency."),
	}
}

// Edges of the Market.
func (Market) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("fixed_prices", MarketPrice.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.RelayConnection()).
			Comment("Variants' fixed prices in the market currency (marketFixedPricesAdd)."),
	}
}

// Annotations of the Market: listed in the Admin API with a Relay connection and filters.
func (Market) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
