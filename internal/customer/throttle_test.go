package customer

import (
	"context"
	"testing"
	"time"

	"storefront/internal/storetest"
)

// TestPruneDropsOnlyExpiredAttempts: attempts older than every window are dropped for
// keys that are never seen again; attempts still inside a window stay.
func TestPruneDropsOnlyExpiredAttempts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		s, err := New(db, Config{})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		now := s.now()
		db.LoginAttempt.Create().SetKey("ip:192.0.2.1").SetCreatedAt(now.Add(-FloodWindow - time.Minute)).ExecX(ctx)
		db.LoginAttempt.Create().SetKey("create-ip:192.0.2.1").SetCreatedAt(now.Add(-FloodWindow + time.Minute)).ExecX(ctx)
		s.prune(ctx)
		if got := db.LoginAttempt.Query().AllX(ctx); len(got) != 1 || got[0].Key != "create-ip:192.0.2.1" {
			t.Fatalf("after prune: %d attempts, want only the one inside its window", len(got))
		}
	})
}
