package web

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxFormBytes is the largest HTML form body the hosted pages accept: their forms hold an
// address, a password or a discount code, never a file.
const MaxFormBytes = 16 << 10

// PageHeaders are the headers every hosted HTML page sends: never cached (pages carry cart
// keys and reset tokens), never framed, no scripts, forms posting only to this server, and
// no Referer leaking the secret in the page's URL to the shop or an image host.
func PageHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

// Form reads an HTML form body: only application/x-www-form-urlencoded, at most max bytes.
// Other content types get 415 and a declared or actual size above max gets 413, before or
// while reading, so nothing is ever buffered beyond max or written to disk (multipart is
// never parsed). On failure it has written the answer and returns ok false.
func Form(w http.ResponseWriter, r *http.Request, max int64) (url.Values, bool) {
	refuse := func(status int, msg string) (url.Values, bool) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Connection", "close") // the unread rest of the body is not drained
		w.WriteHeader(status)
		_, _ = w.Write([]byte(msg + "\n"))
		return nil, false
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return refuse(http.StatusUnsupportedMediaType, "forms must be sent as application/x-www-form-urlencoded")
	}
	if r.ContentLength > max {
		return refuse(http.StatusRequestEntityTooLarge, "form too large")
	}
	r.Body = http.MaxBytesReader(w, r.Body, max)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return refuse(http.StatusRequestEntityTooLarge, "form too large")
		}
		return refuse(http.StatusBadRequest, "malformed form")
	}
	// NUL characters are never text a shopper typed, and PostgreSQL refuses them.
	for _, vs := range r.Form {
		for _, v := range vs {
			if strings.ContainsRune(v, 0) || !utf8.ValidString(v) {
				return refuse(http.StatusBadRequest, "form values must be UTF-8 text without NUL characters")
			}
		}
	}
	return r.PostForm, true
}
