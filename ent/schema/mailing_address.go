package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// MailingAddress holds the schema definition for an address: one in a customer's address
// book (customer_id set), a cart's delivery address (cart_id set), or the snapshot an order
// keeps of where it ships and bills (order_id set), which later edits do not change.
type MailingAddress struct {
	ent.Schema
}

// Mixin of the MailingAddress.
func (MailingAddress) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the MailingAddress.
func (MailingAddress) Fields() []ent.Field {
	return []ent.Field{
		field.Int("customer_id").Optional().Nillable(),
		field.Int("order_id").Optional().Nillable().Annotations(entgql.Type("ID")).Comment("The order this address is a snapshot for."),
		field.Int("cart_id").Optional().Nillable().Annotations(entgql.Type("ID")).Comment("The cart this is a delivery address of."),
		field.Bool("selected").Default(false).Comment("The cart delivers to this address."),
		field.Bool("one_time_use").Default(false).Comment("Not to be saved to the customer's address book."),
		field.String("first_name").Optional().Nillable(),
		field.String("last_name").Optional().Nillable(),
		field.String("company").Optional().Nillable(),
		field.String("address1").Optional().Nillable(),
		field.String("address2").Optional().Nillable(),
		field.String("city").Optional().Nillable(),
		field.String("province").Optional().Nillable().Comment("Province or state name or code as entered."),
		field.String("province_code").Optional().Nillable(),
		field.String("zip").Optional().Nillable(),
		field.String("country_code").Optional().Nillable().Comment("ISO 3166-1 alpha-2."),
		field.String("phone").Optional().Nillable(),
	}
}

// Edges of the MailingAddress.
func (MailingAddress) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("addresses").Field("customer_id").Unique(),
	}
}

// Indexes of the MailingAddress.
func (MailingAddress) Indexes() []ent.Index {
	return []ent.Index{index.Fields("customer_id"), index.Fields("order_id"), index.Fields("cart_id")}
}
