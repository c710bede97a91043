// Package playground serves the GraphiQL Playground with its JavaScript and CSS embedded
// in the binary, so it works offline and sends developers' browsers to no CDN.
package playground

import (
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	gqlplayground "github.com/99designs/gqlgen/graphql/playground"
)

//go:embed assets/*.js assets/*.css
var assets embed.FS

func sri(name string) string {
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		panic(err) // the files are embedded at build time
	}
	sum := sha512.Sum384(b)
	return "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
}

// Handler returns the Playground page for the GraphQL endpoint and the handler of its
// assets, which must be mounted at prefix (e.g. "/playground/assets/").
func Handler(title, endpoint, prefix string) (page http.Handler, files http.Handler) {
	return handler(title, endpoint, prefix)
}

func handler(title, endpoint, prefix string, extra ...gqlplayground.GraphiqlConfigOption) (page http.Handler, files http.Handler) {
	prefix = "/" + strings.Trim(prefix, "/") + "/"
	opts := append([]gqlplayground.GraphiqlConfigOption{
		gqlplayground.WithGraphiqlVersion(prefix+"graphiql.min.js", prefix+"graphiql.min.css", sri("graphiql.min.js"), sri("graphiql.min.css")),
		gqlplayground.WithGraphiqlReactVersion(prefix+"react.production.min.js", prefix+"react-dom.production.min.js",
			sri("react.production.min.js"), sri("react-dom.production.min.js")),
		gqlplayground.WithGraphiqlEnablePluginExplorer(false),
	}, extra...)
	page = gqlplayground.Handler(title, endpoint, opts...)
	fs := http.FileServerFS(assets)
	files = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/assets/" + strings.TrimPrefix(r.URL.Path, prefix)
		fs.ServeHTTP(w, r2)
	})
	return page, files
}

// API is one GraphQL endpoint the Playground explores.
type API struct {
	// Name is shown in the switcher, e.g. "Admin API".
	Name string
	// Key selects the API: /?api=<Key>. The first API is the one / shows.
	Key      string
	Endpoint string
	// Headers pre-fill the headers editor, e.g. the Authorization header a key goes in.
	Headers map[string]string
}

// Switcher returns the Playground page for several APIs, chosen by the api query parameter,
// with a bar of links to switch between them (each API keeps its own tabs and headers),
// and the handler of its assets, which must be mounted at prefix.
func Switcher(apis []API, prefix string) (page http.Handler, files http.Handler) {
	pages := make(map[string]http.Handler, len(apis))
	var bar strings.Builder
	bar.WriteString(`<body><style>#graphiql{height:calc(100vh - 2.2rem)}nav.apis{font:14px system-ui,sans-serif;padding:.5rem 1rem;background:#f6f7f9;border-bottom:1px solid #ddd}nav.apis a{margin-right:1.2rem}nav.apis a.on{font-weight:bold;color:inherit;text-decoration:none}</style><nav class="apis">`)
	for _, a := range apis {
		bar.WriteString(`<a data-api="` + html.EscapeString(a.Key) + `" href="/?api=` + url.QueryEscape(a.Key) + `">` + html.EscapeString(a.Name) + ` <code>` + html.EscapeString(a.Endpoint) + `</code></a>`)
	}
	bar.WriteString(`</nav>`)
	for _, a := range apis {
		opts := []gqlplayground.GraphiqlConfigOption{gqlplayground.WithStoragePrefix("storefront-" + a.Key + "-")}
		if len(a.Headers) > 0 {
			opts = append(opts, gqlplayground.WithGraphiqlUiHeaders(a.Headers))
		}
		p, _ := handler(a.Name, a.Endpoint, prefix, opts...)
		nav := strings.Replace(bar.String(), `data-api="`+html.EscapeString(a.Key)+`"`, `class="on" data-api="`+html.EscapeString(a.Key)+`"`, 1)
		pages[a.Key] = withBar(p, nav)
	}
	_, files = handler(apis[0].Name, apis[0].Endpoint, prefix)
	page = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.Query().Get("api")]
		if !ok {
			p = pages[apis[0].Key]
		}
		p.ServeHTTP(w, r)
	})
	return page, files
}

// withBar serves page with its <body> tag replaced by bar (which starts with <body>).
func withBar(page http.Handler, bar string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		page.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write([]byte(strings.Replace(rec.Body.String(), "<body>", bar, 1)))
	})
}
