package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// SelectedOption is one option name and value that identifies a variant.
type SelectedOption struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ProductVariant holds the schema definition for the ProductVariant entity: one purchasable
// version of a product, with its own price, SKU and stock.
type ProductVariant struct {
	ent.Schema
}

// Mixin of the ProductVariant.
func (ProductVariant) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the ProductVariant.
func (ProductVariant) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().MaxLen(255).Comment("E.g. \"M / Blue\"; \"Default Title\" for single-variant products."),
		field.String("sku").Optional().Nillable().MaxLen(255).Comment("Stock keeping unit, unique when set."),
		field.String("barcode").Optional().Nillable().MaxLen(255).Comment("Barcode (ISBN, UPC, GTIN, …)."),
		field.Int64("price").NonNegative().Annotations(entgql.OrderField("PRICE")).Comment("Price in minor units of the shop currency."),
		field.Int64("compare_at_price").Optional().Nillable().NonNegative().Comment("Former price in minor units, shown struck through when higher than the price."),
		field.Float("weight").Default(0).Min(0).Comment("Shipping weight in weight_unit."),
		field.Enum("weight_unit").Values("GRAMS", "KILOGRAMS", "OUNCES", "POUNDS").Default("KILOGRAMS"),
		field.Bool("requires_shipping").Default(true),
		field.Int("available").NonNegative().Default(0).Comment("Units that can still be sold."),
		field.JSON("selected_options", SelectedOptions{}).Annotations(entgql.Type("[SelectedOption!]")).Comment("Option values that identify this variant, in option order."),
		field.Int("position").Default(0).Comment("Order of the variant within its product."),
		field.Int("product_id"),
		field.Int("image_id").Optional().Nillable(),
	}
}

// Edges of the ProductVariant.
func (ProductVariant) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("product", Product.Type).Ref("variants").Field("product_id").Unique().Required(),
		edge.To("image", ProductImage.Type).Field("image_id").Unique(),
		edge.To("market_prices", MarketPrice.Type).Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the ProductVariant.
func (ProductVariant) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("product_id", "position"),
		index.Fields("sku").Unique(),
	}
}

// Annotations of the ProductVariant: listed in the Admin API with a Relay connection and filters.
func (ProductVariant) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
