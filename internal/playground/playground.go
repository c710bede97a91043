// Package playground serves the GraphiQL Playground with its JavaScript and CSS embedded
// in the binary, so it works offline and sends developers' browsers to no CDN.
package playground

import (
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"net/http"
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
	prefix = "/" + strings.Trim(prefix, "/") + "/"
	page = gqlplayground.Handler(title, endpoint,
		gqlplayground.WithGraphiqlVersion(prefix+"graphiql.min.js", prefix+"graphiql.min.css", sri("graphiql.min.js"), sri("graphiql.min.css")),
		gqlplayground.WithGraphiqlReactVersion(prefix+"react.production.min.js", prefix+"react-dom.production.min.js",
			sri("react.production.min.js"), sri("react-dom.production.min.js")),
		gqlplayground.WithGraphiqlEnablePluginExplorer(false),
	)
	fs := http.FileServerFS(assets)
	files = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/assets/" + strings.TrimPrefix(r.URL.Path, prefix)
		fs.ServeHTTP(w, r2)
	})
	return page, files
}
