package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// MenuItem holds the schema definition for the MenuItem entity: one link of a menu,
// possibly with nested items.
type MenuItem struct {
	ent.Schema
}

// Fields of the MenuItem.
func (MenuItem) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().MaxLen(255),
		field.Enum("type").
			Values("ARTICLE", "BLOG", "CATALOG", "COLLECTION", "COLLECTIONS", "CUSTOMER_ACCOUNT_PAGE",
				"FRONTPAGE", "HTTP", "METAOBJECT", "PAGE", "PRODUCT", "SEARCH", "SHOP_POLICY").
			Default("HTTP"),
		field.String("url").Optional().Nillable().MaxLen(2048).Comment("Link target; a path for shop resources, an absolute URL for HTTP items."),
		field.String("resource_id").Optional().Nillable().Comment("Global ID of the linked product, collection or page."),
		field.Strings("tags").Default([]string{}),
		field.Int("position").Default(0).Comment("Order among siblings."),
		field.Int("menu_id"),
		field.Int("parent_id").Optional().Nillable(),
	}
}

// Edges of the MenuItem.
func (MenuItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("menu", Menu.Type).Ref("items").Field("menu_id").Unique().Required(),
		edge.To("children", MenuItem.Type).From("parent").Field("parent_id").Unique(),
	}
}

// Indexes of the MenuItem.
func (MenuItem) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("menu_id", "position"),
	}
}
