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

// Attribute is a key-value pair a buyer or storefront attaches to a cart or line.
type Attribute struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// AddressSnapshot is an address kept as it was entered.
type AddressSnapshot struct {
	FirstName    string `json:"firstName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	Company      string `json:"company,omitempty"`
	Address1     string `json:"address1,omitempty"`
	Address2     string `json:"address2,omitempty"`
	City         string `json:"city,omitempty"`
	Province     string `json:"province,omitempty"`
	ProvinceCode string `json:"provinceCode,omitempty"`
	Zip          string `json:"zip,omitempty"`
	CountryCode  string `json:"countryCode,omitempty"`
	Phone        string `json:"phone,omitempty"`
}

// Cart holds the schema definition for the Cart entity: a buyer's basket, reachable only
// through its public token together with its secret key.
type Cart struct {
	ent.Schema
}

// Mixin of the Cart.
func (Cart) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Cart.
func (Cart) Fields() []ent.Field {
	return []ent.Field{
		field.String("token").Unique().NotEmpty().Immutable().Comment("Public part of the cart ID."),
		field.String("key_hash").NotEmpty().Immutable().Sensitive().Comment("SHA-256 (hex) of the secret key; the key itself is never stored."),
		field.Text("note").Optional().Nillable(),
		field.JSON("attributes", []Attribute{}).Optional(),
		field.String("email").Optional().Nillable(),
		field.String("phone").Optional().Nillable(),
		field.String("country_code").Optional().Nillable().Comment("Buyer's country (ISO 3166-1 alpha-2), for tax estimates."),
		field.Int("customer_id").Optional().Nillable().Annotations(entgql.Type("ID")).Comment("The customer the cart belongs to, once identified."),
		field.JSON("discount_codes", []string{}).Optional().Comment("Codes the buyer entered, as entered, in order."),
		field.Time("completed_at").Optional().Nillable().Comment("When checkout completed the cart; completed carts are read-only."),
		field.String("delivery_option").Optional().Nillable().Comment("Handle of the selected shipping rate."),
		field.Enum("payment_method").Values("DIRECT", "FREE").Optional().Nillable(),
		field.String("payment_session_id").Optional().Nillable().Sensitive().Comment("The payment provider's session for a direct payment."),
		field.Int64("payment_amount").Optional().Nillable().Comment("Amount the buyer agreed to pay, in minor units."),
		field.JSON("billing_address", &AddressSnapshot{}).Optional(),
		field.JSON("gift_card_ids", []int{}).Optional().Annotations(entgql.Skip()).
			Comment("IDs of the gift cards applied to the cart, in the order they were entered."),
		field.String("completion_attempt").Optional().Nillable().
			Comment("Public ID of the cart's latest completion attempt: while it runs, the cart cannot change."),
	}
}

// Edges of the Cart.
func (Cart) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("lines", CartLine.Type),
		edge.To("metafields", CartMetafield.Type).Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the Cart.
func (Cart) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("updated_at"),
	}
}

// Annotations of the Cart: listed in the Admin API with a Relay connection and filters.
func (Cart) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
