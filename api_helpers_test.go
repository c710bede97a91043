package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"storefront/ent"
	"storefront/ent/schema"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// syncBuffer is a log sink tests can read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testAPI is a running server over a private database.
type testAPI struct {
	URL     string
	Handler http.Handler
	DB      *store.DB
	Log     *syncBuffer
	app     *app
}

// flushSearches stores the searches and other analytics events recorded so far (they are
// written off the request path).
func (a *testAPI) flushSearches(t testing.TB) {
	t.Helper()
	if err := a.app.events.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func testConfig() config {
	cfg, _, err := loadConfig("test", nil, func(string) string { return "" })
	if err != nil {
		panic(err)
	}
	cfg.PublicURL = "http://shop.test"
	// Statement counts and timings measure the uncached path; the cache's tests turn it on.
	cfg.Cache = false
	return cfg
}

// startAPI serves the API over b's database, after fill (if any) has written test data.
func startAPI(t testing.TB, b storetest.Backend, fill func(t testing.TB, db *store.DB)) *testAPI {
	t.Helper()
	return startAPIWith(t, b, testConfig(), fill)
}

func startAPIWith(t testing.TB, b storetest.Backend, cfg config, fill func(t testing.TB, db *store.DB)) *testAPI {
	t.Helper()
	db := b.Open(t)
	if fill != nil {
		fill(t, db)
	}
	return startAPIOver(t, db, cfg)
}

// startAPIOver serves the API over an open database.
func startAPIOver(t testing.TB, db *store.DB, cfg config) *testAPI {
	t.Helper()
	logs := &syncBuffer{}
	h, err := newHandler(cfg, db, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(h.Close) // before the database closes (cleanups run last-in first-out)
	return &testAPI{URL: srv.URL, Handler: h, DB: db, Log: logs, app: h}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	Raw    string
}

// post sends one GraphQL operation as a browser storefront would.
func (a *testAPI) post(t testing.TB, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return a.do(t, http.MethodPost, "/graphql", "application/json", body)
}

func (a *testAPI) do(t testing.TB, method, path, contentType string, body []byte) gqlResponse {
	t.Helper()
	req, err := http.NewRequest(method, a.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := gqlResponse{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out)
	return out
}

// countedPost runs one operation through the handler and returns the response and the
// number of SQL statements it ran.
func (a *testAPI) countedPost(t testing.TB, query string, vars map[string]any) (gqlResponse, int64) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	var c store.Counter
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req = req.WithContext(store.WithCounter(req.Context(), &c))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	out := gqlResponse{Status: rec.Code, Raw: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return out, c.Load()
}

// data decodes the response's data into v and fails on any GraphQL error.
func (r gqlResponse) decode(t testing.TB, v any) {
	t.Helper()
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("status %d, errors %+v, body %s", r.Status, r.Errors, r.Raw)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode %s: %v", r.Data, err)
	}
}

func (r gqlResponse) errorCode() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// fixture writes a small, fully known catalog:
//
//	tee        (published, Apparel, vendor Acme, tags cotton/sale) 3 variants S/M/L in Black;
//	           L sold out; prices 15.00, 15.00, 17.50; compare-at 20.00 on S; 2 images
//	mug        (published, Home, vendor Globex, tag gift) 1 variant 9.99, 1 image
//	lamp       (published, Home, vendor Globex) 1 variant 45.00, sold out
//	draft      (unpublished, Apparel) 1 variant
//	future     (published, but published_at in the future) 1 variant
//
// Collections: apparel (published, manual order: tee, draft), home (published, manual
// order: lamp, mug, sort PRICE), hidden (unpublished). Pages: about (published), draft
// (unpublished). Menu main-menu: Home (/), Shop (/collections/all) with child Apparel.
func fixture(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := db.Shop.Create().SetName("Test Shop").SetCurrencyCode("USD").SetCountryCode("US").
		SetShipsToCountries([]string{"US", "CA"}).Save(ctx)
	must(err)
	past := time.Now().UTC().Add(-time.Hour)
	product := func(handle, title, typ, vendor string, tags []string, published bool, at time.Time) *ent.Product {
		p, err := db.Product.Create().SetHandle(handle).SetTitle(title).SetProductType(typ).SetVendor(vendor).
			SetTags(tags).SetPublished(published).SetPublishedAt(at).
			SetDescription(title + " description").SetDescriptionHTML("<p>" + title + " description</p>").Save(ctx)
		must(err)
		return p
	}
	variant := func(p *ent.Product, pos int, title string, price int64, cmp *int64, avail int, opts []schema.SelectedOption) *ent.ProductVariant {
		v, err := db.ProductVariant.Create().SetProduct(p).SetPosition(pos).SetTitle(title).SetPrice(price).
			SetNillableCompareAtPrice(cmp).SetAvailable(avail).SetSelectedOptions(opts).
			SetSku(strings.ToUpper(p.Handle + "-" + title)).Save(ctx)
		must(err)
		return v
	}
	option := func(p *ent.Product, name string, values ...string) {
		o, err := db.ProductOption.Create().SetProduct(p).SetName(name).Save(ctx)
		must(err)
		for i, v := range values {
			_, err := db.ProductOptionValue.Create().SetOption(o).SetName(v).SetPosition(i).Save(ctx)
			must(err)
		}
	}
	image := func(p *ent.Product, pos int) {
		_, err := db.ProductImage.Create().SetProduct(p).SetPosition(pos).
			SetURL("http://img.test/" + p.Handle + "-" + string(rune('0'+pos)) + ".png").SetAltText(p.Title).Save(ctx)
		must(err)
	}
	cmp := int64(2000)
	so := func(size string) []schema.SelectedOption {
		return []schema.SelectedOption{{Name: "Size", Value: size}, {Name: "Color", Value: "Black"}}
	}
	tee := product("tee", "Classic Tee", "Apparel", "Acme", []string{"cotton", "sale"}, true, past)
	option(tee, "Size", "S", "M", "L")
	option(tee, "Color", "Black")
	variant(tee, 0, "S / Black", 1500, &cmp, 10, so("S"))
	variant(tee, 1, "M / Black", 1500, nil, 5, so("M"))
	variant(tee, 2, "L / Black", 1750, nil, 0, so("L"))
	image(tee, 0)
	image(tee, 1)
	def := []schema.SelectedOption{{Name: "Title", Value: "Default Title"}}
	mug := product("mug", "Enamel Mug", "Home", "Globex", []string{"gift"}, true, past)
	option(mug, "Title", "Default Title")
	variant(mug, 0, "Default Title", 999, nil, 20, def)
	image(mug, 0)
	lamp := product("lamp", "Desk Lamp", "Home", "Globex", nil, true, past)
	option(lamp, "Title", "Default Title")
	variant(lamp, 0, "Default Title", 4500, nil, 0, def)
	draft := product("draft", "Draft Shirt", "Apparel", "Acme", nil, false, past)
	variant(draft, 0, "Default Title", 100, nil, 1, def)
	future := product("future", "Future Jacket", "Apparel", "Acme", nil, true, time.Now().UTC().Add(24*time.Hour))
	variant(future, 0, "Default Title", 100, nil, 1, def)

	collection := func(handle, title string, published bool, members ...*ent.Product) *ent.Collection {
		c, err := db.Collection.Create().SetHandle(handle).SetTitle(title).SetPublished(published).Save(ctx)
		must(err)
		for i, p := range members {
			_, err := db.CollectionProduct.Create().SetCollectionID(c.ID).SetProductID(p.ID).SetPosition(i).Save(ctx)
			must(err)
		}
		return c
	}
	collection("apparel", "Apparel", true, tee, draft)
	home := collection("home", "Home", true, lamp, mug)
	must(db.Collection.UpdateOne(home).SetSortOrder("PRICE").Exec(ctx))
	collection("hidden", "Hidden", false, tee)

	_, err = db.Page.Create().SetHandle("about").SetTitle("About").SetBody("<p>We sell <b>things</b> &amp; stuff.</p>").SetPublished(true).Save(ctx)
	must(err)
	_, err = db.Page.Create().SetHandle("draft-page").SetTitle("Draft").SetPublished(false).Save(ctx)
	must(err)

	m, err := db.Menu.Create().SetHandle("main-menu").SetTitle("Main menu").Save(ctx)
	must(err)
	homeItem, err := db.MenuItem.Create().SetMenu(m).SetTitle("Home").SetType("FRONTPAGE").SetURL("/").SetPosition(0).Save(ctx)
	must(err)
	_ = homeItem
	shopItem, err := db.MenuItem.Create().SetMenu(m).SetTitle("Shop").SetType("CATALOG").SetURL("/collections/all").SetPosition(1).Save(ctx)
	must(err)
	_, err = db.MenuItem.Create().SetMenu(m).SetParent(shopItem).SetTitle("Apparel").SetType("COLLECTION").SetURL("/collections/apparel").SetPosition(0).Save(ctx)
	must(err)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
