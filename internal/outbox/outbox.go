// Package outbox owns the webhook outbox: business events written in the same transaction
// as the change they report (Emit), the topics they can have, and the JSON payload of each
// topic (Render), rendered when the dispatcher picks the event up.
package outbox

import (
	"context"
	"fmt"

	"storefront/ent"
)

// Topics in Shopify's a/b form, as the X-Shopify-Topic header carries them.
const (
	OrdersCreate             = "orders/create"
	OrdersPaid               = "orders/paid"
	OrdersUpdated            = "orders/updated"
	OrdersFulfilled          = "orders/fulfilled"
	OrdersPartiallyFulfilled = "orders/partially_fulfilled"
	OrdersCancelled          = "orders/cancelled"
	RefundsCreate            = "refunds/create"
	FulfillmentsCreate       = "fulfillments/create"
	FulfillmentsUpdate       = "fulfillments/update"
	ProductsCreate           = "products/create"
	ProductsUpdate           = "products/update"
	ProductsDelete           = "products/delete"
	CollectionsCreate        = "collections/create"
	CollectionsUpdate        = "collections/update"
	CollectionsDelete        = "collections/delete"
	InventoryLevelsUpdate    = "inventory_levels/update"
	CustomersCreate          = "customers/create"
	CustomersUpdate          = "customers/update"
	CustomersDisable         = "customers/disable"
	CartsCreate              = "carts/create"
	CartsUpdate              = "carts/update"
)

// enumTopics maps the Admin API's WebhookTopic values to their a/b form.
var enumTopics = map[string]string{
	"ORDERS_CREATE": OrdersCreate, "ORDERS_PAID": OrdersPaid, "ORDERS_UPDATED": OrdersUpdated,
	"ORDERS_FULFILLED": OrdersFulfilled, "ORDERS_PARTIALLY_FULFILLED": OrdersPartiallyFulfilled,
	"ORDERS_CANCELLED": OrdersCancelled, "REFUNDS_CREATE": RefundsCreate,
	"FULFILLMENTS_CREATE": FulfillmentsCreate, "FULFILLMENTS_UPDATE": FulfillmentsUpdate,
	"PRODUCTS_CREATE": ProductsCreate, "PRODUCTS_UPDATE": ProductsUpdate, "PRODUCTS_DELETE": ProductsDelete,
	"COLLECTIONS_CREATE": CollectionsCreate, "COLLECTIONS_UPDATE": CollectionsUpdate, "COLLECTIONS_DELETE": CollectionsDelete,
	"INVENTORY_LEVELS_UPDATE": InventoryLevelsUpdate, "CUSTOMERS_CREATE": CustomersCreate,
	"CUSTOMERS_UPDATE": CustomersUpdate, "CUSTOMERS_DISABLE": CustomersDisable,
	"CARTS_CREATE": CartsCreate, "CARTS_UPDATE": CartsUpdate,
}

// TopicOf returns the a/b form of a WebhookTopic enum value (ORDERS_CREATE → orders/create).
func TopicOf(enum string) (string, bool) {
	t, ok := enumTopics[enum]
	return t, ok
}

// EnumOf returns the WebhookTopic enum value of an a/b topic (orders/create → ORDERS_CREATE).
func EnumOf(topic string) (string, bool) {
	for e, t := range enumTopics {
		if t == topic {
			return e, true
		}
	}
	return "", false
}

// Emit writes an event to the outbox inside tx, the transaction of the change it reports,
// so the event exists exactly when the change does. subject is the global ID of the
// resource (deliveries of one subject go out in order). payload is kept for when the
// resource is gone by the time the event is delivered (deletes): otherwise the payload is
// rendered from the resource then (see Render).
func Emit(ctx context.Context, tx *ent.Tx, topic, subject string, payload map[string]any) error {
	return Write(ctx, tx.Client(), topic, subject, payload)
}

// Write is Emit through a transaction's client (tx.Client()), for code that is handed the
// client rather than the transaction.
func Write(ctx context.Context, client *ent.Client, topic, subject string, payload map[string]any) error {
	c := client.Event.Create().SetTopic(topic).SetSubjectID(subject)
	if payload != nil {
		c.SetPayload(payload)
	}
	if err := c.Exec(ctx); err != nil {
		return fmt.Errorf("outbox %s %s: %w", topic, subject, err)
	}
	return nil
}

// Message is one event for the outbox.
type Message struct {
	Topic, Subject string
	Payload        map[string]any
}

// Batch collects the events of one transaction so that they are written in one statement
// (Emit) rather than one each: the placing of an order reports its stock changes and the
// order together.
type Batch []Message

// Add adds an event to the batch.
func (b *Batch) Add(topic, subject string, payload map[string]any) {
	*b = append(*b, Message{Topic: topic, Subject: subject, Payload: payload})
}

// Emit writes the batch's events through tx in one statement, in the order they were added
// (their IDs, and so their delivery order per resource, follow it).
func (b Batch) Emit(ctx context.Context, tx *ent.Tx) error {
	if len(b) == 0 {
		return nil
	}
	rows := make([]*ent.EventCreate, len(b))
	for i, m := range b {
		rows[i] = tx.Event.Create().SetTopic(m.Topic).SetSubjectID(m.Subject)
		if m.Payload != nil {
			rows[i].SetPayload(m.Payload)
		}
	}
	if err := tx.Event.CreateBulk(rows...).Exec(ctx); err != nil {
		return fmt.Errorf("outbox %s %s and %d more: %w", b[0].Topic, b[0].Subject, len(b)-1, err)
	}
	return nil
}
