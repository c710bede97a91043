package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"storefront/ent/apikey"
	"storefront/graph/admin"
	apikeys "storefront/internal/apikey"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// adminKey creates an API key with the given scopes straight through the service (as the
// command line does) and returns the key.
func adminKey(t testing.TB, db *store.DB, scopes ...string) string {
	t.Helper()
	name := fmt.Sprintf("test-%d-%s", time.Now().UnixNano(), strings.Join(scopes, "+"))
	_, key, uerrs, err := apikeys.New(db).Create(context.Background(), apikeys.CreateInput{Name: name, Scopes: scopes})
	if err != nil || len(uerrs) > 0 {
		t.Fatalf("create key: %v %+v", err, uerrs)
	}
	return key
}

// adminPost sends one operation to the Admin API with key as its bearer token.
func (a *testAPI) adminPost(t testing.TB, key, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, a.URL+"/admin/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return sendRequest(t, req)
}

func sendRequest(t testing.TB, req *http.Request) gqlResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := gqlResponse{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out)
	return out
}

// adminCounted runs one Admin API operation through the handler and returns the response
// and the number of SQL statements it ran.
func (a *testAPI) adminCounted(t testing.TB, key, query string, vars map[string]any) (gqlResponse, int64) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	var c store.Counter
	req := httptest.NewRequest(http.MethodPost, "/admin/graphql", bytes.NewReader(body))
	req = req.WithContext(store.WithCounter(req.Context(), &c))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	out := gqlResponse{Status: rec.Code, Raw: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return out, c.Load()
}

func TestAdminAuthentication(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		ctx := context.Background()
		good := adminKey(t, api.DB, "catalog:read")
		revoked := adminKey(t, api.DB, "catalog:read")
		if _, _, err := apikeys.New(api.DB).Revoke(ctx, 0, mustKeyName(t, api.DB, revoked)); err != nil {
			t.Fatal(err)
		}
		expired := adminKey(t, api.DB, "catalog:read")
		if err := api.DB.APIKey.Update().Where(apikey.KeyHash(apikeys.Hash(expired))).SetExpiresAt(time.Now().Add(-time.Second)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		const q = `{ products(first: 1) { edges { node { handle } } } }`
		for _, c := range []struct{ name, key string }{
			{"no key", ""},
			{"unknown key", "sfk_" + strings.Repeat("A", 43)},
			{"revoked key", revoked},
			{"expired key", expired},
		} {
			r := api.adminPost(t, c.key, q, nil)
			if r.Status != http.StatusUnauthorized || r.errorCode() != "UNAUTHENTICATED" || len(r.Data) != 0 {
				t.Errorf("%s: got status %d code %q body %s, want 401 UNAUTHENTICATED without data", c.name, r.Status, r.errorCode(), r.Raw)
			}
		}
		var out struct {
			Products struct {
				Edges []struct{ Node struct{ Handle string } }
			}
		}
		api.adminPost(t, good, q, nil).decode(t, &out)
		if len(out.Products.Edges) != 1 {
			t.Fatalf("got %d products, want 1", len(out.Products.Edges))
		}
		// The use is recorded, and not again within the minute.
		k, err := api.DB.APIKey.Query().Where(apikey.KeyHash(apikeys.Hash(good))).Only(ctx)
		if err != nil || k.LastUsedAt == nil {
			t.Fatalf("last used not recorded: %v %+v", err, k)
		}
		_, n := api.adminCounted(t, good, q, nil)
		_, n2 := api.adminCounted(t, good, q, nil)
		if n2 != n {
			t.Errorf("statements: second request %d, first %d: last use written again within the minute", n2, n)
		}
		// GET runs queries, never mutations.
		req, _ := http.NewRequest(http.MethodGet, api.URL+"/admin/graphql?query="+urlQuery(q), nil)
		req.Header.Set("Authorization", "Bearer "+good)
		if r := sendRequest(t, req); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Errorf("GET query: status %d body %s", r.Status, r.Raw)
		}
		req, _ = http.NewRequest(http.MethodGet, api.URL+"/admin/graphql?query="+urlQuery(`mutation { apiKeyRevoke(id: "gid://storefront/APIKey/1") { userErrors { code } } }`), nil)
		req.Header.Set("Authorization", "Bearer "+adminKey(t, api.DB, "keys:write"))
		if r := sendRequest(t, req); r.Status != http.StatusMethodNotAllowed {
			t.Errorf("GET mutation: status %d, want 405", r.Status)
		}
	})
}

func urlQuery(s string) string {
	return strings.NewReplacer(" ", "%20", "{", "%7B", "}", "%7D", "\"", "%22", ":", "%3A", "/", "%2F", "(", "%28", ")", "%29").Replace(s)
}

func mustKeyName(t testing.TB, db *store.DB, key string) string {
	t.Helper()
	k, err := db.APIKey.Query().Where(apikey.KeyHash(apikeys.Hash(key))).Only(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return k.Name
}

// TestAdminGlobalIDs: the Admin API names objects with the Storefront API's global IDs, so
// a partner can map between the two; node and where filters take them.
func TestAdminGlobalIDs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:read")
		var sf struct {
			Product struct {
				ID       string
				Variants struct{ Nodes []struct{ ID string } }
			}
		}
		api.post(t, `{ product(handle: "tee") { id variants(first: 5) { nodes { id } } } }`, nil).decode(t, &sf)
		var ad struct {
			Products struct {
				Edges []struct {
					Node struct {
						ID       string
						Variants []struct{ ID, ProductID string }
					}
				}
			}
			Node  *struct{ Handle string }
			Nodes []*struct{ Handle string }
		}
		api.adminPost(t, key, `query($id: ID!) {
			products(first: 5, where: {id: $id}) { edges { node { id variants { id productID } } } }
			node(id: $id) { ... on Product { handle } }
			nodes(ids: [$id, "gid://storefront/Product/999999", "nonsense", "gid://storefront/Nope/1"]) { ... on Product { handle } }
		}`, map[string]any{"id": sf.Product.ID}).decode(t, &ad)
		if len(ad.Products.Edges) != 1 || ad.Products.Edges[0].Node.ID != sf.Product.ID {
			t.Fatalf("admin products where id %s: got %+v", sf.Product.ID, ad.Products.Edges)
		}
		var got, want []string
		for _, v := range ad.Products.Edges[0].Node.Variants {
			got = append(got, v.ID)
			if v.ProductID != sf.Product.ID {
				t.Errorf("variant %s productID %s, want %s", v.ID, v.ProductID, sf.Product.ID)
			}
		}
		for _, v := range sf.Product.Variants.Nodes {
			want = append(want, v.ID)
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("variant IDs: admin %v, storefront %v", got, want)
		}
		if ad.Node == nil || ad.Node.Handle != "tee" {
			t.Errorf("node(%s): got %+v, want tee", sf.Product.ID, ad.Node)
		}
		if len(ad.Nodes) != 4 || ad.Nodes[0] == nil || ad.Nodes[0].Handle != "tee" || ad.Nodes[1] != nil || ad.Nodes[2] != nil || ad.Nodes[3] != nil {
			t.Errorf("nodes: got %+v, want [tee null null null]", ad.Nodes)
		}
	})
}

// TestAdminLimits: the Admin API refuses what the Storefront API refuses.
func TestAdminLimits(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	key := adminKey(t, api.DB, "catalog:read")
	deep := "{ products(first: 1) { edges { node { " + strings.Repeat("variants { product { ", 8) + "id" + strings.Repeat(" } }", 8) + " } } } }"
	for _, c := range []struct{ name, query, code string }{
		{"no page size", `{ products { edges { node { id } } } }`, "BAD_USER_INPUT"},
		{"page too large", `{ products(first: 251) { edges { node { id } } } }`, "BAD_USER_INPUT"},
		{"too deep", deep, "MAX_DEPTH_EXCEEDED"},
		{"too costly", `{ products(first: 250) { edges { node { id } } } a: products(first: 250) { edges { node { id } } } }`, ""},
	} {
		r := api.adminPost(t, key, c.query, nil)
		if c.code == "" {
			if len(r.Errors) > 0 {
				t.Errorf("%s: unexpected errors %s", c.name, r.Raw)
			}
			continue
		}
		if r.errorCode() != c.code {
			t.Errorf("%s: got code %q (%s), want %s", c.name, r.errorCode(), r.Raw, c.code)
		}
	}
	// The cost of a connection grows with its page size, as in the Storefront API.
	limited := startAPIWith(t, storetest.SQLite(t), func() config { c := testConfig(); c.MaxComplexity = 1000; return c }(), fixture)
	lkey := adminKey(t, limited.DB, "catalog:read")
	if r := limited.adminPost(t, lkey, `{ products(first: 250) { edges { node { id handle title } } } }`, nil); r.errorCode() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("costly query: got %q (%s), want COMPLEXITY_LIMIT_EXCEEDED", r.errorCode(), r.Raw)
	}
}

// TestAdminReadsDoNotGrowWithPageSize: entgql's field collection loads each edge of a page
// in one statement, whatever the page size.
func TestAdminReadsDoNotGrowWithPageSize(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:read", "orders:read", "customers:read")
		const q = `query($n: Int) { products(first: $n) { edges { node { id title
			variants { id sku product { id } image { url } }
			images { url } options { name values { name } } } } } }`
		api.adminCounted(t, key, q, map[string]any{"n": 1}) // records the key's use
		_, one := api.adminCounted(t, key, q, map[string]any{"n": 1})
		r, five := api.adminCounted(t, key, q, map[string]any{"n": 5})
		if len(r.Errors) > 0 {
			t.Fatal(r.Raw)
		}
		if five != one {
			t.Errorf("statements: %d for 1 product, %d for 5: they must not grow with page size", one, five)
		}
	})
}

// TestAdminScopeWalk walks every field and mutation of the Admin API's schema: each has a
// scope (a new field without one fails here), and a key lacking that scope is refused with
// ACCESS_DENIED naming it, with nothing written.
func TestAdminScopeWalk(t *testing.T) {
	schema := admin.Schema()
	var names []string
	for name := range schema.Types {
		names = append(names, name)
	}
	sort.Strings(names)
	type probe struct{ object, field, scope, query string }
	var probes []probe
	for _, name := range names {
		def := schema.Types[name]
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			scope, ok := admin.RequiredScope(name, f.Name)
			if !ok {
				t.Errorf("%s.%s has no scope: map it in graph/admin/scope.go", name, f.Name)
				continue
			}
			if scope == admin.AnyKey {
				continue
			}
			if !apikeys.ValidScope(scope) {
				t.Errorf("%s.%s needs %q, which is not a scope", name, f.Name, scope)
				continue
			}
			var q string
			switch {
			case name == "Query":
				q = "{ " + f.Name + probeArgs(schema, f.Arguments) + probeSelection(schema, f.Type) + " }"
			case name == "Mutation":
				q = "mutation { " + f.Name + probeArgs(schema, f.Arguments) + probeSelection(schema, f.Type) + " }"
			case slices.Contains(def.Interfaces, "Node"):
				q = `{ node(id: "gid://storefront/` + name + `/1") { ... on ` + name + ` { ` + f.Name + probeArgs(schema, f.Arguments) + probeSelection(schema, f.Type) + ` } } }`
			default:
				t.Errorf("%s.%s needs %s but cannot be reached through node: extend this test", name, f.Name, scope)
				continue
			}
			probes = append(probes, probe{name, f.Name, scope, q})
		}
	}
	if len(probes) < 200 {
		t.Fatalf("only %d fields to probe: the walk is broken", len(probes))
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		ctx := context.Background()
		keys := map[string]string{}
		for _, p := range probes {
			if keys[p.scope] != "" {
				continue
			}
			var others []string
			for _, s := range apikeys.Scopes {
				if !apikeys.Grants([]string{s}, p.scope) {
					others = append(others, s)
				}
			}
			keys[p.scope] = adminKey(t, api.DB, others...)
		}
		before, err := api.DB.AuditEvent.Query().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		products, _ := api.DB.Product.Query().Count(ctx)
		apiKeys, _ := api.DB.APIKey.Query().Count(ctx)
		for _, p := range probes {
			r := api.adminPost(t, keys[p.scope], p.query, nil)
			if r.errorCode() != admin.CodeAccessDenied || r.Errors[0].Extensions["requiredScope"] != p.scope {
				t.Errorf("%s.%s without %s: got %s, want ACCESS_DENIED naming %s\nquery: %s", p.object, p.field, p.scope, r.Raw, p.scope, p.query)
			}
		}
		after, _ := api.DB.AuditEvent.Query().Count(ctx)
		products2, _ := api.DB.Product.Query().Count(ctx)
		apiKeys2, _ := api.DB.APIKey.Query().Count(ctx)
		if after != before || products2 != products || apiKeys2 != apiKeys {
			t.Errorf("refused mutations wrote: audit events %d→%d, products %d→%d, keys %d→%d", before, after, products, products2, apiKeys, apiKeys2)
		}
	})
}

// probeArgs writes literal values for a field's required arguments (and first: 1 for
// connections), valid enough to pass validation.
func probeArgs(s *ast.Schema, args ast.ArgumentDefinitionList) string {
	var parts []string
	for _, a := range args {
		switch {
		case a.Name == "first":
			parts = append(parts, "first: 1")
		case a.Type.NonNull:
			parts = append(parts, a.Name+": "+probeValue(s, a.Type))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func probeValue(s *ast.Schema, t *ast.Type) string {
	if t.Elem != nil {
		return "[" + probeValue(s, t.Elem) + "]"
	}
	def := s.Types[t.NamedType]
	switch {
	case def.Kind == ast.Enum:
		return def.EnumValues[0].Name
	case def.Kind == ast.InputObject:
		var fields []string
		for _, f := range def.Fields {
			if f.Type.NonNull {
				fields = append(fields, f.Name+": "+probeValue(s, f.Type))
			}
		}
		return "{" + strings.Join(fields, ", ") + "}"
	}
	switch t.NamedType {
	case "ID":
		return `"gid://storefront/Product/1"`
	case "Int":
		return "1"
	case "Float":
		return "1.5"
	case "Boolean":
		return "true"
	case "Time":
		return `"2030-01-01T00:00:00Z"`
	}
	return `"x"`
}

func probeSelection(s *ast.Schema, t *ast.Type) string {
	if def := s.Types[t.Name()]; def != nil && (def.Kind == ast.Object || def.Kind == ast.Interface || def.Kind == ast.Union) {
		return " { __typename }"
	}
	return ""
}

// TestAdminAPIKeyMutations: a keys:write key creates keys with no more than its own scopes,
// revokes them, and both writes are in the audit log.
func TestAdminAPIKeyMutations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		boss := adminKey(t, api.DB, "keys:write", "catalog:write")
		const create = `mutation($in: APIKeyCreateInput!) { apiKeyCreate(input: $in) {
			apiKey { id name scopes } key userErrors { field code message } } }`
		type payload struct {
			APIKeyCreate struct {
				APIKey *struct {
					ID, Name string
					Scopes   []string
				}
				Key        *string
				UserErrors []struct {
					Field []string
					Code  string
				}
			}
		}
		var denied payload
		api.adminPost(t, boss, create, map[string]any{"in": map[string]any{"name": "sneaky", "scopes": []string{"catalog:read", "orders:read"}}}).decode(t, &denied)
		if u := denied.APIKeyCreate.UserErrors; len(u) != 1 || u[0].Code != "ACCESS_DENIED" || strings.Join(u[0].Field, ".") != "input.scopes.1" || denied.APIKeyCreate.Key != nil {
			t.Fatalf("granting a scope the caller lacks: got %+v", denied.APIKeyCreate)
		}
		var taken payload
		api.adminPost(t, boss, create, map[string]any{"in": map[string]any{"name": mustKeyName(t, api.DB, boss), "scopes": []string{"catalog:read"}}}).decode(t, &taken)
		if u := taken.APIKeyCreate.UserErrors; len(u) != 1 || u[0].Code != "TAKEN" {
			t.Fatalf("duplicate name: got %+v", taken.APIKeyCreate)
		}
		var ok payload
		api.adminPost(t, boss, create, map[string]any{"in": map[string]any{"name": "pim", "scopes": []string{"catalog:read"}}}).decode(t, &ok)
		if ok.APIKeyCreate.Key == nil || ok.APIKeyCreate.APIKey == nil || len(ok.APIKeyCreate.UserErrors) != 0 {
			t.Fatalf("create: got %+v", ok.APIKeyCreate)
		}
		newKey := *ok.APIKeyCreate.Key
		if len(newKey) < len(apikeys.KeyPrefix)+43 {
			t.Errorf("key %q is shorter than 256 bits", newKey)
		}
		if r := api.adminPost(t, newKey, `{ products(first: 1) { edges { node { id } } } }`, nil); len(r.Errors) > 0 {
			t.Fatalf("new key: %s", r.Raw)
		}
		if r := api.adminPost(t, newKey, `{ apiKeys(first: 1) { edges { node { id } } } }`, nil); r.errorCode() != "ACCESS_DENIED" {
			t.Fatalf("new key reading keys: %s", r.Raw)
		}
		var rev struct {
			APIKeyRevoke struct {
				APIKey     *struct{ RevokedAt *string }
				UserErrors []struct{ Code string }
			}
		}
		api.adminPost(t, boss, `mutation($id: ID!) { apiKeyRevoke(id: $id) { apiKey { revokedAt } userErrors { code } } }`,
			map[string]any{"id": ok.APIKeyCreate.APIKey.ID}).decode(t, &rev)
		if rev.APIKeyRevoke.APIKey == nil || rev.APIKeyRevoke.APIKey.RevokedAt == nil {
			t.Fatalf("revoke: got %+v", rev)
		}
		if r := api.adminPost(t, newKey, `{ products(first: 1) { edges { node { id } } } }`, nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("revoked key: status %d", r.Status)
		}
		var audit struct {
			AuditEvents struct {
				Edges []struct {
					Node struct{ Actor, Operation, SubjectID, APIKeyID string }
				}
			}
		}
		api.adminPost(t, boss, `{ auditEvents(first: 10, orderBy: {field: CREATED_AT, direction: ASC}) { edges { node { actor operation subjectID apiKeyID } } } }`, nil).decode(t, &audit)
		var ops []string
		for _, e := range audit.AuditEvents.Edges {
			ops = append(ops, e.Node.Operation+" "+e.Node.SubjectID)
			if e.Node.Actor != mustKeyName(t, api.DB, boss) || !strings.HasPrefix(e.Node.APIKeyID, "gid://storefront/APIKey/") {
				t.Errorf("audit event %+v: want actor %s and its key ID", e.Node, mustKeyName(t, api.DB, boss))
			}
		}
		want := []string{"apiKeyCreate " + ok.APIKeyCreate.APIKey.ID, "apiKeyRevoke " + ok.APIKeyCreate.APIKey.ID}
		if !slices.Equal(ops, want) {
			t.Errorf("audit log: got %v, want %v", ops, want)
		}
	})
}

// TestAPIKeyCommand: the first key comes from the command line, printed as the last line.
func TestAPIKeyCommand(t *testing.T) {
	dbURL := storetest.SQLite(t).URL
	getenv := func(string) string { return "" }
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"apikey", "create", "-database-url", dbURL, "-name", "erp", "-scopes", "catalog:write,inventory:write"}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	key := lines[len(lines)-1]
	if !strings.HasPrefix(key, apikeys.KeyPrefix) {
		t.Fatalf("last line %q is not a key", key)
	}
	if err := run(ctx, []string{"apikey", "create", "-database-url", dbURL, "-name", "bad", "-scopes", "catalog:write,everything"}, getenv, &out); err == nil {
		t.Error("an unknown scope was accepted")
	}
	out.Reset()
	if err := run(ctx, []string{"apikey", "list", "-database-url", dbURL}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "erp") || !strings.Contains(out.String(), "catalog:write,inventory:write") || strings.Contains(out.String(), key) {
		t.Errorf("list: %s", out.String())
	}
	db, err := store.Open(ctx, store.Config{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	api := startAPIOver(t, db, testConfig())
	if r := api.adminPost(t, key, `{ products(first: 1) { edges { node { id } } } }`, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("key from the command line: %s", r.Raw)
	}
	if err := run(ctx, []string{"apikey", "revoke", "-database-url", dbURL, "-name", "erp"}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	if r := api.adminPost(t, key, `{ products(first: 1) { edges { node { id } } } }`, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("revoked from the command line: status %d", r.Status)
	}
}

// TestPlaygroundSwitchesAPIs: the Playground at / explores the Storefront API, and
// /?api=admin the Admin API with a headers editor ready for the key.
func TestPlaygroundSwitchesAPIs(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	get := func(path string) string {
		resp, err := http.Get(api.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		return string(b)
	}
	sf, ad := get("/"), get("/?api=admin")
	for _, c := range []struct {
		name, page, endpoint, current string
	}{{"storefront", sf, `"/graphql"`, `class="on" data-api="storefront"`}, {"admin", ad, `"/admin/graphql"`, `class="on" data-api="admin"`}} {
		if !strings.Contains(c.page, "location.host + "+c.endpoint+";") {
			t.Errorf("%s page does not point at %s", c.name, c.endpoint)
		}
		if !strings.Contains(c.page, c.current) || !strings.Contains(c.page, `href="/?api=admin"`) || !strings.Contains(c.page, `href="/?api=storefront"`) {
			t.Errorf("%s page lacks the switcher", c.name)
		}
	}
	if !strings.Contains(ad, "Authorization") || strings.Contains(sf, "Authorization") {
		t.Error("only the Admin API's page pre-fills the Authorization header")
	}
}

// adminCountedGet GETs an Admin API path through the handler and returns the status and
// the number of SQL statements it ran.
func (a *testAPI) adminCountedGet(t testing.TB, key, path string) (int, int64) {
	t.Helper()
	var c store.Counter
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req = req.WithContext(store.WithCounter(req.Context(), &c))
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	return rec.Code, c.Load()
}
