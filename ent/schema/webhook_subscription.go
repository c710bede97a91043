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

// WebhookSubscription holds the schema definition for a partner's webhook: which topic is
// delivered to which URL, signed with a secret shown once at creation.
type WebhookSubscription struct {
	ent.Schema
}

// Mixin of the WebhookSubscription.
func (WebhookSubscription) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the WebhookSubscription.
func (WebhookSubscription) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("topic").
			Values("ORDERS_CREATE", "ORDERS_PAID", "ORDERS_UPDATED", "ORDERS_FULFILLED", "ORDERS_PARTIALLY_FULFILLED",
				"ORDERS_CANCELLED", "REFUNDS_CREATE", "FULFILLMENTS_CREATE", "FULFILLMENTS_UPDATE",
				"PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE", "COLLECTIONS_CREATE",
				"COLLECTIONS_UPDATE", "COLLECTIONS_DELETE", "INVENTORY_LEVELS_UPDATE", "CUSTOMERS_CREATE",
				"CUSTOMERS_UPDATE", "CUSTOMERS_DISABLE", "CARTS_CREATE", "CARTS_UPDATE").
			Annotations(entgql.Type("WebhookTopic"), entgql.OrderField("TOPIC")).
			Comment("What is delivered; the X-Shopify-Topic header carries it in Shopify's a/b form (orders/create)."),
		field.String("url").NotEmpty().MaxLen(2048).
			Comment("Where deliveries are POSTed (HTTPS in production mode)."),
		field.String("secret").NotEmpty().Sensitive().
			Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("Signing secret (whsec_…), shown once at creation."),
		field.Strings("include_fields").Optional().
			Comment("Top-level payload fields to send; all when empty."),
		field.Enum("status").Values("ACTIVE", "FAILING", "DISABLED").Default("ACTIVE").
			Annotations(entgql.Type("WebhookSubscriptionStatus")).
			Comment("ACTIVE delivers; FAILING stopped after failing continuously for the failure window; DISABLED was switched off. Re-enabling resumes the deliveries waiting."),
		field.Time("failing_since").Optional().Nillable().
			Comment("Start of the current run of failed attempts (none since the last success when unset)."),
	}
}

// Edges of the WebhookSubscription.
func (WebhookSubscription) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the WebhookSubscription.
func (WebhookSubscription) Indexes() []ent.Index {
	return []ent.Index{index.Fields("topic", "url").Unique()}
}

// Annotations of the WebhookSubscription: listed in the Admin API (without the secret).
func (WebhookSubscription) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField("webhookSubscriptions"),
		entgql.RelayConnection(),
	}
}
