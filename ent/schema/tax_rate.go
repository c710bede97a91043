package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// TaxRate holds the schema definition for the TaxRate entity: the sales tax of a country,
// or of one province of it (a province rate wins over the country's).
type TaxRate struct {
	ent.Schema
}

// Fields of the TaxRate.
func (TaxRate) Fields() []ent.Field {
	return []ent.Field{
		field.String("country_code").MinLen(2).MaxLen(2).Comment("ISO 3166-1 alpha-2."),
		field.String("province_code").Optional().Nillable().Comment("ISO 3166-2 subdivision code without the country, e.g. \"CA\"; unset for the whole country."),
		field.String("name").Default("Tax").Comment("Shown to buyers, e.g. \"VAT\"."),
		field.Int("rate_ppm").NonNegative().Max(1_000_000).Comment("Rate in parts per million: 82500 is 8.25%."),
		field.Bool("applies_to_shipping").Default(false),
	}
}

// Indexes of the TaxRate.
func (TaxRate) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("country_code", "province_code"),
	}
}

// Annotations of the TaxRate: listed in the Admin API with a Relay connection and filters.
func (TaxRate) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
