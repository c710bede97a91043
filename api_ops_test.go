package main

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"storefront/bench/workload"
	"storefront/internal/storetest"
)

func TestAutomaticPersistedQueries(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	query := `{ shop { name } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	post := func(withQuery bool) gqlResponse {
		body := map[string]any{"extensions": ext}
		if withQuery {
			body["query"] = query
		}
		return api.do(t, "POST", "/graphql", "application/json", mustJSON(body))
	}
	if r := post(false); len(r.Errors) == 0 || !strings.Contains(r.Raw, "PersistedQueryNotFound") {
		t.Fatalf("unknown hash: got %s, want PersistedQueryNotFound", r.Raw)
	}
	if r := post(true); len(r.Errors) > 0 {
		t.Fatalf("register: %s", r.Raw)
	}
	var got struct {
		Shop struct{ Name string } `json:"shop"`
	}
	post(false).decode(t, &got)
	if got.Shop.Name != "Test Shop" {
		t.Fatalf("persisted query returned %+v", got)
	}
}

// nextjsCommerceCollection is the collection query Next.js Commerce sends, with its product
// fragment (bench/workload): the cost limit must admit it.
func nextjsCommerceCollection() string {
	for _, w := range workload.All() {
		if w.Name == "getCollectionProducts" {
			return w.Query
		}
	}
	panic("no getCollectionProducts workload")
}

func TestStorefrontQueriesFitTheLimits(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	var got struct {
		Collection struct {
			Products struct {
				Edges []struct {
					Node struct{ Handle string } `json:"node"`
				} `json:"edges"`
			} `json:"products"`
		} `json:"collection"`
	}
	api.post(t, nextjsCommerceCollection(), map[string]any{"handle": "home", "sortKey": "PRICE", "reverse": true}).decode(t, &got)
	if n := len(got.Collection.Products.Edges); n != 2 || got.Collection.Products.Edges[0].Node.Handle != "lamp" {
		t.Fatalf("got %+v, want lamp, mug", got)
	}
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	// Break the database under the running server.
	if _, err := api.DB.SQL.Exec(`DROP TABLE product_images`); err != nil {
		t.Fatal(err)
	}
	r := api.post(t, `{ product(handle: "tee") { title featuredImage { url } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Message != "internal error" || r.errorCode() != "INTERNAL_SERVER_ERROR" {
		t.Fatalf("got %s, want one internal error", r.Raw)
	}
	id, _ := r.Errors[0].Extensions["requestId"].(string)
	if id == "" {
		t.Fatalf("internal error without requestId: %s", r.Raw)
	}
	assertNoInternals(t, r.Raw)
	// The cause is logged once, with the request ID.
	var causes int
	for _, line := range strings.Split(api.Log.String(), "\n") {
		if strings.Contains(line, `"resolver failed"`) && strings.Contains(line, id) && strings.Contains(line, "product_images") {
			causes++
		}
	}
	if causes != 1 {
		t.Fatalf("cause logged %d times, want once; log:\n%s", causes, api.Log.String())
	}
}
