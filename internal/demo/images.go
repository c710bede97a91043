package demo

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
)

var imageName = regexp.MustCompile(`^[a-z0-9-]{1,100}$`)

// ImageHandler serves the demo catalog's placeholder images, /images/demo/{name}.svg: a
// coloured square with the product's name, the same for the same name, with no database
// access, so the demo works offline.
func ImageHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file := strings.TrimPrefix(r.URL.Path, "/images/demo/")
		name, ok := strings.CutSuffix(file, ".svg")
		if !ok || !imageName.MatchString(name) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write([]byte(placeholderSVG(name)))
	})
}

func placeholderSVG(name string) string {
	label := name
	view := ""
	if i := strings.LastIndexByte(name, '-'); i > 0 && strings.Trim(name[i+1:], "0123456789") == "" {
		label, view = name[:i], name[i+1:]
	}
	label = strings.TrimPrefix(label, "collection-")
	words := strings.Fields(strings.ReplaceAll(label, "-", " "))
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	title := html.EscapeString(strings.Join(words, " "))
	h := hash(label)
	hue := h % 360
	bg := fmt.Sprintf("hsl(%d, 45%%, 82%%)", hue)
	fg := fmt.Sprintf("hsl(%d, 40%%, 25%%)", hue)
	sub := ""
	if view != "" && view != "1" {
		sub = fmt.Sprintf(`<text x="400" y="470" font-family="sans-serif" font-size="28" fill="%s" text-anchor="middle">view %s</text>`, fg, html.EscapeString(view))
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" viewBox="0 0 800 800">`+
		`<rect width="800" height="800" fill="%s"/>`+
		`<circle cx="400" cy="300" r="120" fill="%s" opacity="0.15"/>`+
		`<text x="400" y="420" font-family="sans-serif" font-size="44" font-weight="600" fill="%s" text-anchor="middle">%s</text>%s</svg>`,
		bg, fg, fg, title, sub)
}
