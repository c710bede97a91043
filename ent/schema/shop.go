package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// BrandColors is a brand's palette: primary and secondary colour groups.
type BrandColors struct {
	Primary   []BrandColorGroup `json:"primary,omitempty"`
	Secondary []BrandColorGroup `json:"secondary,omitempty"`
}

// BrandColorGroup is a background colour with the foreground colour that reads on it,
// each as #RRGGBB.
type BrandColorGroup struct {
	Background string `json:"background,omitempty"`
	Foreground string `json:"foreground,omitempty"`
}

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
		field.String("iana_timezone").Default("UTC").MaxLen(64).Comment("IANA time zone the shop reports in, e.g. Europe/Berlin: the analytics reports' days begin at midnight there."),
		field.String("language_code").Default("EN").MinLen(2).MaxLen(7).Comment("Language of the shop's own texts, as a Storefront API LanguageCode (EN, DE, PT_BR, …)."),
		field.String("brand_slogan").Optional().Nillable().MaxLen(255).Comment("The brand's slogan."),
		field.String("brand_short_description").Optional().Nillable().MaxLen(1024).Comment("A short description of the brand."),
		field.JSON("brand_colors", BrandColors{}).Optional().Comment("The brand's colour palette.").Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("brand_logo_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("brand_square_logo_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("brand_cover_image_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Strings("accepted_card_brands").Default([]string{"VISA", "MASTERCARD", "AMERICAN_EXPRESS"}),
		field.Enum("capture_policy").Values("AUTOMATIC", "MANUAL").Default("AUTOMATIC").Comment("AUTOMATIC captures the payment when the order is placed; MANUAL captures it from the Admin API (orderCapture) or at the first fulfillment."),
		field.String("contact_email").Optional().Nillable().MaxLen(254).Comment("Where customers write to the shop."),
	}
}

// Annotations of the Shop: listed in the Admin API with a Relay connection and filters.
func (Shop) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}

// Edges of the Shop.
func (Shop) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("brand_logo", ContentImage.Type).Field("brand_logo_id").Unique().Comment("The brand's logo.").Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("brand_square_logo", ContentImage.Type).Field("brand_square_logo_id").Unique().Comment("The brand's logo for square spaces.").Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("brand_cover_image", ContentImage.Type).Field("brand_cover_image_id").Unique().Comment("The brand's cover image.").Annotations(entgql.Skip(entgql.SkipAll)),
	}
}
