package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Product holds the schema definition for the Product entity: something the shop sells,
// offered in one or more variants.
type Product struct {
	ent.Schema
}

// Mixin of the Product.
func (Product) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Product.
func (Product) Fields() []ent.Field {
	return []ent.Field{
		field.String("handle").
			Unique().
			NotEmpty().
			MaxLen(255).
			Comment("URL-friendly unique name, e.g. \"classic-tee\"."),
		field.String("title").
			NotEmpty().
			MaxLen(255).
			Annotations(entgql.OrderField("TITLE")),
		field.Text("description").
			Default("").
			Comment("Plain-text description."),
		field.Text("description_html").
			Default("").
			Comment("Description as HTML."),
		field.String("vendor").
			Default("").
			Annotations(entgql.OrderField("VENDOR")),
		field.String("product_type").
			Default("").
			Annotations(entgql.OrderField("PRODUCT_TYPE")),
		field.Strings("tags").
			Default([]string{}).
			Comment("Free-form labels used for filtering and search."),
		field.Bool("published").
			Default(false).
			Comment("Whether the product is visible on the Storefront API."),
		field.Bool("archived").
			Default(false).
			Comment("Archived products are kept for records (orders) but neither sold nor published."),
		field.Time("published_at").
			Optional().
			Nillable().
			Comment("When the product was (or will count as) published."),
		field.String("seo_title").
			Optional().
			Nillable(),
		field.String("seo_description").
			Optional().
			Nillable(),
		field.Bool("is_gift_card").
			Default(false),
		field.Int64("min_price").
			Default(0).
			Annotations(entgql.OrderField("PRICE")).
			Comment("Lowest variant price in minor units; kept current by the variant hook."),
		field.Int64("max_price").
			Default(0).
			Comment("Highest variant price in minor units; kept current by the variant hook."),
		field.Int64("min_compare_at_price").
			Default(0).
			Comment("Lowest variant compare-at price in minor units (0 when none has one)."),
		field.Int64("max_compare_at_price").
			Default(0).
			Comment("Highest variant compare-at price in minor units (0 when none has one)."),
		field.Int64("units_sold").
			Default(0).
			NonNegative().
			Annotations(entgql.OrderField("BEST_SELLING")).
			Comment("Units sold over all orders; ranks BEST_SELLING."),
	}
}

// Edges of the Product.
func (Product) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("options", ProductOption.Type),
		edge.To("variants", ProductVariant.Type).
			Annotations(),
		edge.To("images", ProductImage.Type),
		edge.From("collections", Collection.Type).
			Ref("products").
			Through("collection_products", CollectionProduct.Type).
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the Product.
func (Product) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("published", "id"),
		index.Fields("published", "title", "id"),
		index.Fields("published", "min_price", "id"),
		index.Fields("published", "created_at", "id"),
		index.Fields("published", "updated_at", "id"),
		index.Fields("published", "units_sold", "id"),
		index.Fields("product_type"),
		index.Fields("vendor"),
	}
}

// Annotations of the Product.
func (Product) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
