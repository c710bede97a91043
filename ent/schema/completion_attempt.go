package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// CompletionError is one reason a completion attempt failed.
type CompletionError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// CompletionAttempt holds the schema definition for one cartSubmitForCompletion: the
// buyer's attempt token makes a retry return the same attempt instead of a second order.
type CompletionAttempt struct {
	ent.Schema
}

// Mixin of the CompletionAttempt.
func (CompletionAttempt) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the CompletionAttempt.
func (CompletionAttempt) Fields() []ent.Field {
	return []ent.Field{
		field.String("attempt_token").Unique().NotEmpty().Annotations(entgql.Skip()).Comment("The client's idempotency token."),
		field.String("public_id").Unique().NotEmpty().Annotations(entgql.Skip()).Comment("Unguessable ID clients poll with."),
		field.String("cart_token").NotEmpty(),
		field.Enum("status").Values("PROCESSING", "ACTION_REQUIRED", "SUCCESS", "FAILED").Default("PROCESSING").
			Comment("ACTION_REQUIRED: the payment waits for the buyer (a 3-D Secure challenge at action_url); the order is placed when they come back."),
		field.Int("order_id").Optional().Nillable().Annotations(entgql.Type("ID")),
		field.JSON("errors", []CompletionError{}).Optional(),
		field.Time("completed_at").Optional().Nillable(),
		field.String("authorization").Optional().Nillable().Sensitive().
			Comment("The payment provider's authorization while the attempt runs, so an interrupted attempt's money can be released; kept after the attempt ended when the provider refused to void or capture it."),
		field.String("action_url").Optional().Nillable().Annotations(entgql.Skip()).
			Comment("Where the buyer completes the payment's challenge while the attempt is ACTION_REQUIRED."),
		field.String("cart_fingerprint").Optional().Nillable().Annotations(entgql.Skip()).
			Comment("The fingerprint of the cart whose payment waits for the buyer: the order is placed only from that same cart."),
		field.Int("customer_id").Optional().Nillable().Annotations(entgql.Skip()).
			Comment("The customer the submission proved it acts for, kept for an order placed after the buyer's action."),
		field.String("payment_error").Optional().Nillable().
			Comment("The payment step that failed after the attempt's outcome was decided (a void or capture the provider refused), for the merchant to act on."),
	}
}

// Annotations of the CompletionAttempt: listed in the Admin API with a Relay connection and filters.
func (CompletionAttempt) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
