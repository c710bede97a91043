package customer_test

import (
	"context"
	"testing"

	"github.com/alexedwards/argon2id"

	"storefront/ent/customer"
	customerpkg "storefront/internal/customer"
	"storefront/internal/storetest"
)

// TestRehashOnSignIn: a password hashed with older parameters is rehashed with the
// current ones at the next successful sign-in.
func TestRehashOnSignIn(t *testing.T) {
	db := storetest.SQLite(t).Open(t)
	svc, err := customerpkg.New(db, customerpkg.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	weak := &argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	old, err := argon2id.CreateHash("legacy password 1", weak)
	if err != nil {
		t.Fatal(err)
	}
	db.Customer.Create().SetEmail("legacy@example.com").SetPasswordHash(old).ExecX(ctx)
	tok, errs, err := svc.SignIn(ctx, "legacy@example.com", "legacy password 1", "")
	if err != nil || errs != nil || tok == nil {
		t.Fatalf("sign in: %v %v", err, errs)
	}
	c := db.Customer.Query().Where(customer.EmailKey("legacy@example.com")).OnlyX(ctx)
	params, _, _, err := argon2id.DecodeHash(c.PasswordHash)
	if err != nil || *params != *customerpkg.Params {
		t.Fatalf("hash params after sign-in = %+v, want %+v", params, customerpkg.Params)
	}
	if ok, _ := argon2id.ComparePasswordAndHash("legacy password 1", c.PasswordHash); !ok {
		t.Fatal("rehashed password does not match")
	}
}
