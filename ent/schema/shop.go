package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// Shop holds the schema definition for the Shop entity: the one row of shop-wide settings.
type Shop struct {
	ent.Schema
}

// Mixin of the Shop.
func (Shop) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Shop.
func (Shop) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(255),
		field.Text("description").Optional().Nillable(),
		field.String("currency_code").Default("USD").MinLen(3).MaxLen(3).Comment("ISO 4217 code of every price in the shop."),
		field.String("country_code").Default("US").MinLen(2).MaxLen(2).Comment("ISO 3166-1 alpha-2 code of the shop's home country."),
		field.Strings("ships_to_countries").Default([]string{}).Comment("ISO 3166-1 alpha-2 codes the shop ships to."),
		field.String("money_format").Default("${{amount}}").Comment("Liquid-style template for showing amounts."),
		field.String("primary_domain").Optional().Nillable().Comment("Public URL of the storefront, e.g. https://shop.example.com; the server's own URL when unset."),
		field.Bool("taxes_included").Default(false).Comment("Prices include tax (VAT style) rather than tax being added on top."),
		field.String("language_code").Default("EN").MinLen(2).MaxLen(7).Comment("Language of the shop's own texts, as a Storefront API LanguageCode (EN, DE, PT_BR, …)."),
		field.Strings("accepted_card_brands").Default([]string{"VISA", "MASTERCARD", "AMERICAN_EXPRESS"}),
	}
}
