package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"storefront/ent/auditevent"
	"storefront/internal/storetest"
)

// contentResult is the payload of a content mutation, whatever its object.
type contentResult struct {
	ID         string
	Deleted    *string
	UserErrors []adminUserError
}

// contentOp runs one content mutation: name(args) selecting sel's id (or the deleted ID),
// with vars declared by declared types.
func contentOp(t *testing.T, api *testAPI, key, name, decls, args, sel string, vars map[string]any) contentResult {
	t.Helper()
	var out map[string]struct {
		Object     map[string]any `json:"o"`
		Deleted    *string        `json:"d"`
		UserErrors []adminUserError
	}
	body := "o: " + sel + " { id }"
	if strings.HasSuffix(name, "Delete") {
		body = "d: " + sel
	}
	r := api.adminPost(t, key, `mutation(`+decls+`) { r: `+name+`(`+args+`) { `+body+` userErrors { field code message } } }`, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %s", name, r.Raw)
	}
	r.decode(t, &out)
	res := contentResult{Deleted: out["r"].Deleted, UserErrors: out["r"].UserErrors}
	if o := out["r"].Object; o != nil {
		res.ID, _ = o["id"].(string)
	}
	return res
}

func wantContentError(t *testing.T, what string, got contentResult, code, field string) {
	t.Helper()
	if len(got.UserErrors) != 1 || got.UserErrors[0].Code != code || strings.Join(got.UserErrors[0].Field, ".") != field {
		t.Errorf("%s: got %+v, want %s at %s", what, got.UserErrors, code, field)
	}
	if got.ID != "" || got.Deleted != nil {
		t.Errorf("%s: answered an object (%q, %v) beside a user error", what, got.ID, got.Deleted)
	}
}

func audited(t *testing.T, api *testAPI, op string) int {
	t.Helper()
	n, err := api.DB.AuditEvent.Query().Where(auditevent.Operation(op)).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAdminBlogsAndArticles: blogs and articles through the Admin API — create, publish,
// schedule, unpublish, move, delete — with the Storefront API following each step.
func TestAdminBlogsAndArticles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:write")
		if r := api.adminPost(t, adminKey(t, api.DB, "catalog:read"), `mutation { blogCreate(blog: {title: "No"}) { blog { id } } }`, nil); r.errorCode() != "ACCESS_DENIED" {
			t.Fatalf("blogCreate with catalog:read: %s, want ACCESS_DENIED", r.Raw)
		}
		blogOp := func(name, args string, vars map[string]any) contentResult {
			t.Helper()
			decls := "$blog: BlogInput!"
			if strings.Contains(args, "$id") {
				decls += ", $id: ID!"
			}
			return contentOp(t, api, key, name, decls, args, "blog", vars)
		}
		articleOp := func(name string, vars map[string]any) contentResult {
			t.Helper()
			switch name {
			case "articleCreate":
				return contentOp(t, api, key, name, "$article: ArticleInput!", "article: $article", "article", vars)
			case "articleUpdate":
				return contentOp(t, api, key, name, "$id: ID!, $article: ArticleInput!", "id: $id, article: $article", "article", vars)
			}
			return contentOp(t, api, key, name, "$id: ID!", "id: $id", "deletedArticleId", vars)
		}
		type sfArticle struct {
			Handle, Title, ContentHTML string
			ExcerptHTML                *string
			Tags                       []string
			AuthorV2                   *struct{ Name string }
			Image                      *struct{ URL, AltText string }
		}
		storefront := func(blog string) (found bool, articles []sfArticle) {
			t.Helper()
			var out struct {
				Blog *struct {
					Articles struct{ Nodes []sfArticle }
				}
			}
			api.post(t, `query($h: String!) { blog(handle: $h) { articles(first: 10) { nodes { handle title contentHtml excerptHtml tags authorV2 { name } image { url altText } } } } }`,
				map[string]any{"h": blog}).decode(t, &out)
			if out.Blog == nil {
				return false, nil
			}
			return true, out.Blog.Articles.Nodes
		}

		journal := blogOp("blogCreate", "blog: $blog", map[string]any{"blog": map[string]any{"title": "Journal", "seoTitle": "Our journal"}})
		if journal.ID == "" {
			t.Fatalf("blogCreate: %+v", journal)
		}
		if found, as := storefront("journal"); !found || len(as) != 0 {
			t.Fatalf("storefront blog after create: %v %+v, want an empty blog", found, as)
		}
		news := blogOp("blogCreate", "blog: $blog", map[string]any{"blog": map[string]any{"title": "News", "handle": "news"}})
		wantContentError(t, "duplicate blog handle", blogOp("blogCreate", "blog: $blog", map[string]any{"blog": map[string]any{"title": "Journal"}}), "TAKEN", "blog.handle")
		wantContentError(t, "blog without a title", blogOp("blogCreate", "blog: $blog", map[string]any{"blog": map[string]any{"handle": "x"}}), "BLANK", "blog.title")
		wantContentError(t, "bad blog handle", blogOp("blogUpdate", "id: $id, blog: $blog", map[string]any{"id": news.ID, "blog": map[string]any{"handle": "Not A Handle"}}), "INVALID", "blog.handle")
		wantContentError(t, "unknown blog", blogOp("blogUpdate", "id: $id, blog: $blog", map[string]any{"id": "gid://storefront/Blog/999999", "blog": map[string]any{"title": "X"}}), "NOT_FOUND", "id")

		in := map[string]any{"blogId": journal.ID, "title": "Hello World", "body": "<p>Hi.</p>", "author": map[string]any{"name": "Ann"},
			"tags": []string{"news", "intro"}, "image": map[string]any{"url": "https://cdn.example.com/hello.jpg", "altText": "Waving"}}
		art := articleOp("articleCreate", map[string]any{"article": in})
		if art.ID == "" {
			t.Fatalf("articleCreate: %+v", art)
		}
		if _, as := storefront("journal"); len(as) != 0 {
			t.Fatalf("an unpublished article is on the Storefront API: %+v", as)
		}
		wantContentError(t, "duplicate article handle", articleOp("articleCreate", map[string]any{"article": in}), "TAKEN", "article.handle")
		wantContentError(t, "unknown blog", articleOp("articleCreate", map[string]any{"article": map[string]any{"blogId": "gid://storefront/Blog/999999", "title": "X"}}), "NOT_FOUND", "article.blogId")
		wantContentError(t, "no blog", articleOp("articleCreate", map[string]any{"article": map[string]any{"title": "X"}}), "BLANK", "article.blogId")
		wantContentError(t, "malformed image URL", articleOp("articleCreate", map[string]any{"article": map[string]any{"blogId": journal.ID, "title": "X", "image": map[string]any{"url": "javascript:alert(1)"}}}), "INVALID", "article.image.url")
		wantContentError(t, "unknown article", articleOp("articleUpdate", map[string]any{"id": "gid://storefront/Article/999999", "article": map[string]any{"title": "X"}}), "NOT_FOUND", "id")

		if r := articleOp("articleUpdate", map[string]any{"id": art.ID, "article": map[string]any{"isPublished": true, "summary": "<p>Short.</p>"}}); len(r.UserErrors) > 0 {
			t.Fatalf("publish: %+v", r)
		}
		_, as := storefront("journal")
		if len(as) != 1 || as[0].Handle != "hello-world" || as[0].ContentHTML != "<p>Hi.</p>" || as[0].ExcerptHTML == nil || *as[0].ExcerptHTML != "<p>Short.</p>" ||
			as[0].AuthorV2 == nil || as[0].AuthorV2.Name != "Ann" || as[0].Image == nil || as[0].Image.URL != "https://cdn.example.com/hello.jpg" ||
			strings.Join(as[0].Tags, ",") != "news,intro" {
			t.Fatalf("published article on the Storefront API: %+v", as)
		}
		searched := func(q string) []string {
			t.Helper()
			var out struct {
				PredictiveSearch struct{ Articles []struct{ Handle string } }
			}
			api.post(t, `query($q: String!) { predictiveSearch(query: $q, types: [ARTICLE]) { articles { handle } } }`, map[string]any{"q": q}).decode(t, &out)
			var hs []string
			for _, a := range out.PredictiveSearch.Articles {
				hs = append(hs, a.Handle)
			}
			return hs
		}
		if got := searched("hello"); len(got) != 1 || got[0] != "hello-world" {
			t.Errorf("predictiveSearch after publishing: %v, want [hello-world]", got)
		}
		// Scheduled for later: hidden until then.
		later := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
		articleOp("articleUpdate", map[string]any{"id": art.ID, "article": map[string]any{"publishDate": later}})
		if _, as := storefront("journal"); len(as) != 0 {
			t.Errorf("a scheduled article is on the Storefront API: %+v", as)
		}
		articleOp("articleUpdate", map[string]any{"id": art.ID, "article": map[string]any{"publishDate": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "image": nil, "title": "Hello again"}})
		if _, as := storefront("journal"); len(as) != 1 || as[0].Title != "Hello again" || as[0].Image != nil {
			t.Errorf("after rescheduling to the past and removing the image: %+v", as)
		}
		// Moving to another blog.
		if r := articleOp("articleUpdate", map[string]any{"id": art.ID, "article": map[string]any{"blogId": news.ID}}); len(r.UserErrors) > 0 {
			t.Fatalf("move: %+v", r)
		}
		if _, as := storefront("news"); len(as) != 1 {
			t.Errorf("news after the move: %+v", as)
		}
		articleOp("articleUpdate", map[string]any{"id": art.ID, "article": map[string]any{"isPublished": false}})
		if _, as := storefront("news"); len(as) != 0 {
			t.Errorf("an unpublished article is on the Storefront API: %+v", as)
		}
		var sfNode struct{ Node *struct{ ID string } }
		api.post(t, `query($id: ID!) { node(id: $id) { ... on Article { id } } }`, map[string]any{"id": art.ID}).decode(t, &sfNode)
		if sfNode.Node != nil {
			t.Errorf("an unpublished article is reachable by node: %+v", sfNode.Node)
		}

		if d := articleOp("articleDelete", map[string]any{"id": art.ID}); d.Deleted == nil || *d.Deleted != art.ID {
			t.Errorf("articleDelete: %+v", d)
		}
		wantContentError(t, "deleting twice", articleOp("articleDelete", map[string]any{"id": art.ID}), "NOT_FOUND", "id")
		// Deleting a blog deletes its articles.
		second := articleOp("articleCreate", map[string]any{"article": map[string]any{"blogId": journal.ID, "title": "Second", "isPublished": true}})
		if second.ID == "" {
			t.Fatalf("second article: %+v", second)
		}
		if got := searched("second"); len(got) != 1 {
			t.Errorf("predictiveSearch before deleting the blog: %v, want [second]", got)
		}
		if d := contentOp(t, api, key, "blogDelete", "$id: ID!", "id: $id", "deletedBlogId", map[string]any{"id": journal.ID}); d.Deleted == nil {
			t.Fatalf("blogDelete: %+v", d)
		}
		if found, _ := storefront("journal"); found {
			t.Errorf("a deleted blog is on the Storefront API")
		}
		if got := searched("second"); len(got) != 0 {
			t.Errorf("predictiveSearch after deleting the blog: %v", got)
		}
		if n := api.DB.Article.Query().CountX(context.Background()); n != 0 {
			t.Errorf("%d articles left after deleting their blogs' only article and blog", n)
		}
		for op, want := range map[string]int{"blogCreate": 2, "blogDelete": 1, "articleCreate": 2, "articleUpdate": 5, "articleDelete": 1} {
			if n := audited(t, api, op); n != want {
				t.Errorf("audit log: %d %s entries, want %d", n, op, want)
			}
		}
	})
}

// TestAdminURLRedirects: URL redirects through the Admin API, as the Storefront API's
// urlRedirects lists them.
func TestAdminURLRedirects(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:write")
		op := func(name string, vars map[string]any) contentResult {
			t.Helper()
			switch name {
			case "urlRedirectCreate":
				return contentOp(t, api, key, name, "$r: UrlRedirectInput!", "urlRedirect: $r", "urlRedirect", vars)
			case "urlRedirectUpdate":
				return contentOp(t, api, key, name, "$id: ID!, $r: UrlRedirectInput!", "id: $id, urlRedirect: $r", "urlRedirect", vars)
			}
			return contentOp(t, api, key, name, "$id: ID!", "id: $id", "deletedUrlRedirectId", vars)
		}
		storefront := func(path string) []string {
			t.Helper()
			var out struct {
				UrlRedirects struct {
					Nodes []struct{ Path, Target string }
				}
			}
			api.post(t, `query($q: String) { urlRedirects(first: 10, query: $q) { nodes { path target } } }`, map[string]any{"q": "path:" + path}).decode(t, &out)
			var got []string
			for _, n := range out.UrlRedirects.Nodes {
				got = append(got, n.Path+" -> "+n.Target)
			}
			return got
		}
		r := op("urlRedirectCreate", map[string]any{"r": map[string]any{"path": "/products/old-tee", "target": "/products/tee"}})
		if r.ID == "" {
			t.Fatalf("urlRedirectCreate: %+v", r)
		}
		if got := storefront("/products/old-tee"); len(got) != 1 || got[0] != "/products/old-tee -> /products/tee" {
			t.Fatalf("storefront after create: %v", got)
		}
		for _, c := range []struct {
			name        string
			in          map[string]any
			code, field string
		}{
			{"taken path", map[string]any{"path": "/products/old-tee", "target": "/products/mug"}, "TAKEN", "urlRedirect.path"},
			{"relative path", map[string]any{"path": "products/x", "target": "/products/mug"}, "INVALID", "urlRedirect.path"},
			{"absolute URL as path", map[string]any{"path": "https://evil.example/x", "target": "/products/mug"}, "INVALID", "urlRedirect.path"},
			{"protocol-relative target", map[string]any{"path": "/a", "target": "//evil.example/x"}, "INVALID", "urlRedirect.target"},
			{"malformed target", map[string]any{"path": "/a", "target": "javascript:alert(1)"}, "INVALID", "urlRedirect.target"},
			{"target with spaces", map[string]any{"path": "/a", "target": "https://shop.example.com/a b"}, "INVALID", "urlRedirect.target"},
			{"loop", map[string]any{"path": "/a", "target": "/a"}, "INVALID", "urlRedirect.target"},
			{"no target", map[string]any{"path": "/a"}, "BLANK", "urlRedirect.target"},
		} {
			wantContentError(t, c.name, op("urlRedirectCreate", map[string]any{"r": c.in}), c.code, c.field)
		}
		if u := op("urlRedirectUpdate", map[string]any{"id": r.ID, "r": map[string]any{"target": "https://other.example.com/tee"}}); len(u.UserErrors) > 0 {
			t.Fatalf("update: %+v", u)
		}
		if got := storefront("/products/old-tee"); len(got) != 1 || got[0] != "/products/old-tee -> https://other.example.com/tee" {
			t.Errorf("storefront after update: %v", got)
		}
		other := op("urlRedirectCreate", map[string]any{"r": map[string]any{"path": "/pages/old", "target": "/pages/new"}})
		wantContentError(t, "moving onto a taken path", op("urlRedirectUpdate", map[string]any{"id": other.ID, "r": map[string]any{"path": "/products/old-tee"}}), "TAKEN", "urlRedirect.path")
		wantContentError(t, "unknown redirect", op("urlRedirectUpdate", map[string]any{"id": "gid://storefront/UrlRedirect/999999", "r": map[string]any{"target": "/x"}}), "NOT_FOUND", "id")
		// The Admin API lists them (catalog:read).
		var list struct {
			UrlRedirects struct {
				Edges []struct{ Node struct{ Path string } }
			}
		}
		api.adminPost(t, adminKey(t, api.DB, "catalog:read"), `{ urlRedirects(first: 10, orderBy: {field: CREATED_AT, direction: ASC}) { edges { node { path } } } }`, nil).decode(t, &list)
		if len(list.UrlRedirects.Edges) != 2 || list.UrlRedirects.Edges[0].Node.Path != "/products/old-tee" {
			t.Errorf("admin urlRedirects: %+v", list.UrlRedirects)
		}
		if d := op("urlRedirectDelete", map[string]any{"id": r.ID}); d.Deleted == nil || *d.Deleted != r.ID {
			t.Fatalf("delete: %+v", d)
		}
		if got := storefront("/products/old-tee"); len(got) != 0 {
			t.Errorf("storefront after delete: %v", got)
		}
		for op, want := range map[string]int{"urlRedirectCreate": 2, "urlRedirectUpdate": 1, "urlRedirectDelete": 1} {
			if n := audited(t, api, op); n != want {
				t.Errorf("audit log: %d %s entries, want %d", n, op, want)
			}
		}
	})
}

// TestAdminShopBrand: the brand set through shopUpdate is the Storefront API's Shop.brand.
func TestAdminShopBrand(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "settings:write")
		update := func(brand map[string]any) []adminUserError {
			t.Helper()
			var out struct {
				ShopUpdate struct {
					Shop *struct {
						Brand struct {
							Slogan *string
							Logo   *struct{ URL string }
						}
					}
					UserErrors []adminUserError
				}
			}
			api.adminPost(t, key, `mutation($b: BrandInput!) { shopUpdate(input: {brand: $b}) { shop { brand { slogan logo { url } } } userErrors { field code } } }`,
				map[string]any{"b": brand}).decode(t, &out)
			return out.ShopUpdate.UserErrors
		}
		type brand struct {
			Slogan, ShortDescription *string
			Colors                   struct {
				Primary, Secondary []struct{ Background, Foreground *string }
			}
			Logo       *struct{ Image struct{ URL, AltText string } }
			CoverImage *struct{ Image struct{ URL string } }
		}
		storefront := func() *brand {
			t.Helper()
			var out struct{ Shop struct{ Brand *brand } }
			api.post(t, `{ shop { brand { slogan shortDescription colors { primary { background foreground } secondary { background foreground } } logo { image { url altText } } coverImage { image { url } } } } }`, nil).decode(t, &out)
			return out.Shop.Brand
		}
		if u := update(map[string]any{"slogan": "Soft things", "shortDescription": "Tees and mugs.",
			"colors": map[string]any{"primary": []any{map[string]any{"background": "#112233", "foreground": "#FFFFFF"}}, "secondary": []any{}},
			"logo":   map[string]any{"url": "https://cdn.example.com/logo.png", "altText": "Logo"}}); len(u) > 0 {
			t.Fatalf("shopUpdate brand: %+v", u)
		}
		got := storefront()
		if got == nil || got.Slogan == nil || *got.Slogan != "Soft things" || got.ShortDescription == nil || *got.ShortDescription != "Tees and mugs." ||
			len(got.Colors.Primary) != 1 || got.Colors.Primary[0].Background == nil || *got.Colors.Primary[0].Background != "#112233" ||
			got.Logo == nil || got.Logo.Image.URL != "https://cdn.example.com/logo.png" || got.Logo.Image.AltText != "Logo" {
			t.Fatalf("storefront brand: %+v", got)
		}
		for _, c := range []struct {
			name        string
			in          map[string]any
			code, field string
		}{
			{"bad colour", map[string]any{"colors": map[string]any{"primary": []any{map[string]any{"background": "red"}}, "secondary": []any{}}}, "INVALID", "input.brand.colors.primary.0.background"},
			{"malformed logo URL", map[string]any{"logo": map[string]any{"url": "ftp://cdn.example.com/x.png"}}, "INVALID", "input.brand.logo.url"},
			{"long slogan", map[string]any{"slogan": strings.Repeat("x", 256)}, "TOO_LONG", "input.brand.slogan"},
		} {
			if u := update(c.in); len(u) != 1 || u[0].Code != c.code || strings.Join(u[0].Field, ".") != c.field {
				t.Errorf("%s: got %+v, want %s at %s", c.name, u, c.code, c.field)
			}
		}
		if got := storefront(); got == nil || got.Slogan == nil || *got.Slogan != "Soft things" {
			t.Errorf("a refused update changed the brand: %+v", got)
		}
		// A new logo replaces the old one (its image row goes); null clears.
		update(map[string]any{"logo": map[string]any{"url": "https://cdn.example.com/logo2.png"}, "coverImage": map[string]any{"url": "https://cdn.example.com/cover.jpg"}})
		if got := storefront(); got == nil || got.Logo == nil || got.Logo.Image.URL != "https://cdn.example.com/logo2.png" || got.CoverImage == nil {
			t.Errorf("after replacing the logo: %+v", got)
		}
		if n := api.DB.ContentImage.Query().CountX(context.Background()); n != 2 {
			t.Errorf("%d content images after replacing the logo, want 2 (logo and cover)", n)
		}
		update(map[string]any{"slogan": nil, "logo": nil, "coverImage": nil, "shortDescription": nil, "colors": map[string]any{"primary": []any{}, "secondary": []any{}}})
		if got := storefront(); got != nil {
			t.Errorf("after clearing the brand: %+v, want null", got)
		}
		var admin struct {
			Shops struct {
				Edges []struct {
					Node struct {
						Brand struct {
							Slogan *string
							Colors struct {
								Primary []struct{ Background *string }
							}
						}
					}
				}
			}
		}
		update(map[string]any{"slogan": "Back"})
		api.adminPost(t, adminKey(t, api.DB, "settings:read"), `{ shops(first: 1) { edges { node { brand { slogan colors { primary { background } } } } } } }`, nil).decode(t, &admin)
		if len(admin.Shops.Edges) != 1 || admin.Shops.Edges[0].Node.Brand.Slogan == nil || *admin.Shops.Edges[0].Node.Brand.Slogan != "Back" {
			t.Errorf("admin Shop.brand: %+v", admin.Shops)
		}
	})
}

// TestAdminContentRaces: concurrent creates of one redirect path or one blog handle make
// one object; every other request gets TAKEN, none an internal error.
func TestAdminContentRaces(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:write")
		const n = 8
		for _, c := range []struct {
			name, query string
			vars        map[string]any
		}{
			{"urlRedirectCreate", `mutation($in: UrlRedirectInput!) { r: urlRedirectCreate(urlRedirect: $in) { o: urlRedirect { id } userErrors { field code } } }`,
				map[string]any{"in": map[string]any{"path": "/race", "target": "/products/tee"}}},
			{"blogCreate", `mutation($in: BlogInput!) { r: blogCreate(blog: $in) { o: blog { id } userErrors { field code } } }`,
				map[string]any{"in": map[string]any{"title": "Race"}}},
		} {
			type result struct {
				raw     string
				created bool
				taken   bool
			}
			results := make(chan result, n)
			for range n {
				go func() {
					r := api.adminPost(t, key, c.query, c.vars)
					var out struct {
						R struct {
							O          *struct{ ID string }
							UserErrors []adminUserError
						}
					}
					_ = json.Unmarshal([]byte(r.Raw), &struct{ Data any }{&out})
					u := out.R.UserErrors
					results <- result{raw: r.Raw, created: out.R.O != nil, taken: len(u) == 1 && u[0].Code == "TAKEN"}
				}()
			}
			created := 0
			for range n {
				r := <-results
				switch {
				case r.created:
					created++
				case !r.taken:
					t.Errorf("%s: %s, want the object or TAKEN", c.name, r.raw)
				}
			}
			if created != 1 {
				t.Errorf("%s: %d created, want 1", c.name, created)
			}
		}
	})
}
