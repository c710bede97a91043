package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"storefront/internal/analytics"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeDemoAndShutdown starts the server as `storefront` would with nothing but an
// address and a database: it migrates, loads the demo catalog, serves it, and shuts down
// cleanly when its context ends.
func TestServeDemoAndShutdown(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		addr := freeAddr(t)
		env := map[string]string{"STOREFRONT_ADDR": addr, "DATABASE_URL": b.URL}
		ctx, cancel := context.WithCancel(context.Background())
		var out bytes.Buffer
		done := make(chan error, 1)
		go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, &out) }()

		base := "http://" + addr
		deadline := time.Now().Add(60 * time.Second)
		for {
			resp, err := http.Get(base + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("server not ready: %v\n%s", err, out.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
		body := `{"query":"{ shop { name } products(first: 250) { nodes { handle } } collection(handle: \"hidden-homepage-featured-items\") { products(first: 10) { nodes { handle } } } menu(handle: \"next-js-frontend-header-menu\") { items { title } } }"}`
		resp, err := http.Post(base+"/api/2026-04/graphql.json", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var got struct {
			Data struct {
				Shop     struct{ Name string }
				Products struct {
					Nodes []struct{ Handle string }
				}
				Collection *struct {
					Products struct {
						Nodes []struct{ Handle string }
					}
				}
				Menu *struct {
					Items []struct{ Title string }
				}
			}
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		d := got.Data
		if d.Shop.Name == "" || len(d.Products.Nodes) < 50 || d.Collection == nil || len(d.Collection.Products.Nodes) == 0 || d.Menu == nil || len(d.Menu.Items) == 0 {
			t.Fatalf("demo catalog incomplete: %s", raw[:min(len(raw), 500)])
		}

		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("server did not shut down")
		}
		if !strings.Contains(out.String(), `"loaded the demo catalog`) || !strings.Contains(out.String(), `"shutting down"`) {
			t.Errorf("log lacks demo load or shutdown lines:\n%s", out.String())
		}
	})
}

func TestConfig(t *testing.T) {
	env := map[string]string{"STOREFRONT_ADDR": "0.0.0.0:9000", "DATABASE_URL": "postgres://x", "STOREFRONT_CORS_ORIGINS": "https://a.example, https://b.example", "STOREFRONT_PLAYGROUND": "false"}
	cfg, _, err := loadConfig("t", []string{"-public-url", "https://shop.example/"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "0.0.0.0:9000" || cfg.DatabaseURL != "postgres://x" || cfg.Playground ||
		strings.Join(cfg.CORSOrigins, "|") != "https://a.example|https://b.example" || cfg.PublicURL != "https://shop.example" {
		t.Errorf("config = %+v", cfg)
	}
	def, _, _ := loadConfig("t", nil, func(string) string { return "" })
	if def.Addr != "127.0.0.1:8080" || def.DatabaseURL != "sqlite:storefront.db" || !def.Playground || !def.SeedDemo || def.PublicURL != "http://127.0.0.1:8080" {
		t.Errorf("defaults = %+v", def)
	}
}

func TestSeedCommand(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "seed.db")
	var out bytes.Buffer
	getenv := func(string) string { return "" }
	if err := run(context.Background(), []string{"seed", "-database-url", dbURL}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"seed", "-database-url", dbURL}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"seed", "-database-url", dbURL, "-synthetic", "50"}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	want := []string{"demo catalog loaded", "already has a catalog", "added 50 synthetic products"}
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			t.Errorf("seed output lacks %q:\n%s", w, out.String())
		}
	}
	if err := run(context.Background(), []string{"bogus"}, getenv, &out); err == nil {
		t.Error("unknown command accepted")
	}
}

func TestSearchesCommand(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "searches.db")
	db, err := store.Open(context.Background(), store.Config{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var batch []analytics.Event
	for _, s := range []struct {
		term string
		n    int
		at   time.Time
	}{{"shirt", 4, now}, {"shirt", 6, now}, {"zzz", 0, now}, {"mug", 1, now}, {"old", 0, now.AddDate(0, 0, -60)}} {
		batch = append(batch, analytics.Event{Name: analytics.SearchSubmitted, Source: analytics.SourceServer, SearchTerm: s.term, ResultCount: s.n, At: s.at})
	}
	if err := analytics.Write(context.Background(), db, batch, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"searches", "-database-url", dbURL, "-days", "30"}, func(string) string { return "" }, &out); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(out.String()), " ")
	want := "Top searches, last 30 days searches average results term 2 5.0 shirt 1 1.0 mug 1 0.0 zzz " +
		"Searches without results, last 30 days searches term 1 zzz"
	if got != want {
		t.Errorf("report:\n%s\nwant (spaces aside) %s", out.String(), want)
	}
	if err := run(context.Background(), []string{"searches", "-database-url", dbURL, "-days", "0"}, func(string) string { return "" }, &out); err == nil {
		t.Error("-days 0 accepted")
	}
}
