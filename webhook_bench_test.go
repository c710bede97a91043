package main

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"storefront/ent"
	"storefront/internal/gid"
	"storefront/internal/outbox"
	"storefront/internal/storetest"
)

// BenchmarkWebhookDelivery measures the dispatcher end to end: events are written to the
// outbox at a sustained 200 a second (products/update of the fixture's products, each in
// its own transaction as a business write would) for the benchmark's duration while the
// dispatcher of one server delivers them to a local receiver. It reports deliveries per
// second and the outbox lag (the oldest undelivered event's age) sampled every 100 ms.
//
//	go test -run '^$' -bench BenchmarkWebhookDelivery -benchtime 5x .
func BenchmarkWebhookDelivery(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			api := startAPIWith(b, be, webhookConfig(), fixture)
			key := adminKey(b, api.DB, "webhooks:write")
			rcv := newHookReceiver(b)
			var got atomic.Int64
			rcv.handler = func(w http.ResponseWriter, r *http.Request, _ []byte) int {
				got.Add(1)
				return http.StatusOK
			}
			api.mustSubscribe(b, key, "PRODUCTS_UPDATE", rcv.URL("/bench"))
			ctx := context.Background()
			// One product per event, as orders are: each its own resource, so ordering per
			// resource does not serialize them.
			creates := make([]*ent.ProductCreate, 2*200)
			for i := range creates {
				creates[i] = api.DB.Product.Create().SetTitle(fmt.Sprintf("Bench %d", i)).SetHandle(fmt.Sprintf("bench-%d", i))
			}
			api.DB.Product.CreateBulk(creates...).ExecX(ctx)
			products := api.DB.Product.Query().IDsX(ctx)
			hooks := api.app.webhooks
			const rate = 200
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				before := got.Load()
				stop := make(chan struct{})
				var maxLag, sumLag time.Duration
				var samples int
				done := make(chan struct{})
				go func() {
					defer close(done)
					tick := time.NewTicker(100 * time.Millisecond)
					defer tick.Stop()
					for {
						select {
						case <-stop:
							return
						case <-tick.C:
							lag, err := hooks.Lag(ctx)
							if err == nil {
								maxLag = max(maxLag, lag)
								sumLag += lag
								samples++
							}
						}
					}
				}()
				// 2 seconds of events at 200/s.
				sent := 0
				tick := time.NewTicker(time.Second / rate)
				for sent < 2*rate {
					<-tick.C
					p := products[sent%len(products)]
					if err := withTx(ctx, api, func(tx *ent.Tx) error {
						return outbox.Emit(ctx, tx, outbox.ProductsUpdate, gid.Format(gid.Product, p), nil)
					}); err != nil {
						b.Fatal(err)
					}
					sent++
				}
				tick.Stop()
				emitted := time.Since(start)
				for got.Load()-before < int64(sent) {
					time.Sleep(5 * time.Millisecond)
				}
				total := time.Since(start)
				close(stop)
				<-done
				b.ReportMetric(float64(sent)/total.Seconds(), "deliveries/s")
				b.ReportMetric(float64(sent)/emitted.Seconds(), "events/s")
				b.ReportMetric(float64(maxLag.Milliseconds()), "max-lag-ms")
				if samples > 0 {
					b.ReportMetric(float64((sumLag / time.Duration(samples)).Milliseconds()), "mean-lag-ms")
				}
				b.ReportMetric(float64((total - emitted).Milliseconds()), "drain-ms")
			}
		})
	}
}

func withTx(ctx context.Context, api *testAPI, f func(tx *ent.Tx) error) error {
	tx, err := api.DB.Tx(ctx)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
