package main

import (
	"testing"
	"time"

	"storefront/ent/webhookdelivery"
	"storefront/internal/storetest"
)

// TestWebhookDeliveryAttemptsOldestFirst: the Admin API lists a delivery's attempts oldest
// first whatever order the database keeps them in (ent's list edges have none).
func TestWebhookDeliveryAttemptsOldestFirst(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPIWith(t, b, webhookConfig(), nil)
		ctx := t.Context()
		key := adminKey(t, api.DB, "webhooks:write")
		subID, _ := api.mustSubscribe(t, key, "PRODUCTS_CREATE", "http://127.0.0.1:9/h")
		sub := api.DB.WebhookSubscription.Query().OnlyX(ctx)
		now := time.Now().UTC().Truncate(time.Second)
		d := api.DB.WebhookDelivery.Create().SetSubscriptionID(sub.ID).SetEventID(1).SetTopic("products/create").
			SetSubjectID("gid://shopify/Product/1").SetWebhookID("order-test").SetTriggeredAt(now).SetBody("{}").
			SetStatus(webhookdelivery.StatusDELIVERED).SetNextAttemptAt(now.Add(time.Hour)).SaveX(ctx)
		// Written in another order than they happened.
		for _, offset := range []int{3, 1, 2} {
			api.DB.WebhookAttempt.Create().SetDeliveryID(d.ID).SetAttemptedAt(now.Add(time.Duration(offset) * time.Second)).
				SetLatencyMs(offset).SaveX(ctx)
		}
		var got struct {
			WebhookDeliveries struct {
				Edges []struct {
					Node struct {
						Attempts []struct {
							LatencyMs   int
							AttemptedAt time.Time
						}
					}
				}
			}
		}
		api.adminPost(t, key, `query($id: ID!) { webhookDeliveries(subscriptionId: $id, first: 5) { edges { node { attempts { latencyMs attemptedAt } } } } }`,
			map[string]any{"id": subID}).decode(t, &got)
		if len(got.WebhookDeliveries.Edges) != 1 {
			t.Fatalf("%d deliveries", len(got.WebhookDeliveries.Edges))
		}
		var order []int
		for _, a := range got.WebhookDeliveries.Edges[0].Node.Attempts {
			order = append(order, a.LatencyMs)
		}
		if len(order) != 3 || order[0] != 1 || order[1] != 2 || order[2] != 3 {
			t.Errorf("attempts in order %v, want [1 2 3] (oldest first): %+v", order, got.WebhookDeliveries.Edges[0].Node.Attempts)
		}
	})
}
