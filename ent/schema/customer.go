package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Customer holds the schema definition for the Customer entity: a buyer with an account.
type Customer struct {
	ent.Schema
}

// Mixin of the Customer.
func (Customer) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Customer.
func (Customer) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").NotEmpty().MaxLen(254),
		field.String("email_key").Unique().Comment("Lower-cased email, set by a hook: emails are unique case-insensitively."),
		field.String("password_hash").Sensitive().Comment("argon2id hash in PHC format."),
		field.String("first_name").Optional().Nillable().MaxLen(255),
		field.String("last_name").Optional().Nillable().MaxLen(255),
		field.String("phone").Optional().Nillable(),
		field.Bool("accepts_marketing").Default(false),
		field.Strings("tags").Default([]string{}),
		field.Bool("disabled").Default(false).Comment("A disabled customer cannot sign in."),
		field.Text("note").Optional().Nillable().Comment("Staff notes about the customer (Admin API only)."),
		field.Time("erased_at").Optional().Nillable().Comment("When the customer's personal data was erased on request."),
		field.Int("default_address_id").Optional().Nillable().Annotations(entgql.Type("ID")),
	}
}

// Edges of the Customer.
func (Customer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("access_tokens", CustomerAccessToken.Type).Annotations(entgql.Skip()),
		edge.To("addresses", MailingAddress.Type),
		edge.To("reset_tokens", PasswordResetToken.Type).Annotations(entgql.Skip()),
	}
}

// Annotations of the Customer: listed in the Admin API with a Relay connection and filters.
func (Customer) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
