package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Menu holds the schema definition for the Menu entity: a navigation menu a storefront
// renders, found by handle.
type Menu struct {
	ent.Schema
}

// Fields of the Menu.
func (Menu) Fields() []ent.Field {
	return []ent.Field{
		field.String("handle").Unique().NotEmpty().MaxLen(255),
		field.String("title").NotEmpty().MaxLen(255),
	}
}

// Edges of the Menu.
func (Menu) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("items", MenuItem.Type).Comment("Every item of the menu, at any depth."),
	}
}

// Annotations of the Menu: listed in the Admin API with a Relay connection and filters.
func (Menu) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
