// Package accountpage serves the hosted customer account pages that mail links to: the
// password reset page at /account/reset/{id}/{token}. Like the hosted checkout it is
// server-rendered HTML that works without JavaScript. The token in the URL is the secret:
// the form posts back to that URL, no cookie or session is involved, so another site
// cannot forge a reset (it does not know the token) and nothing signs the browser in.
package accountpage

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"storefront/ent"
	"storefront/internal/customer"
	"storefront/internal/store"
	"storefront/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

var pages = template.Must(template.New("").ParseFS(templates, "templates/*.html"))

// Handler serves the account pages.
type Handler struct {
	DB        *store.DB
	Customers *customer.Service
	Log       *slog.Logger
}

// Register mounts the pages on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /account/reset/{id}/{token}", h.resetForm)
	mux.HandleFunc("POST /account/reset/{id}/{token}", h.reset)
}

// resetView is what reset.html shows.
type resetView struct {
	Action string
	Errors []string
	Shop   shopLink
}

// shopLink is the way back to the storefront.
type shopLink struct {
	Name, URL string
}

func (h *Handler) render(w http.ResponseWriter, name string, status int, data any) {
	web.PageHeaders(w.Header())
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, data); err != nil && h.Log != nil {
		h.Log.Error("render account page", "page", name, "error", err.Error())
	}
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if h.Log != nil {
		h.Log.ErrorContext(r.Context(), "account page failed", "error", err.Error())
	}
	h.render(w, "message.html", http.StatusInternalServerError, map[string]any{"Title": "Something went wrong", "Text": "Please try again in a moment."})
}

// expired is the one answer for a malformed, unknown, used or expired link.
func (h *Handler) expired(w http.ResponseWriter, r *http.Request) {
	h.render(w, "message.html", http.StatusNotFound, map[string]any{
		"Title": "This link has expired",
		"Text":  "Password reset links work once and for an hour. Ask for a new one from the shop's sign-in page.",
		"Shop":  h.shop(r.Context()),
	})
}

// link reads the customer ID and token from the path; ok is false for a malformed one.
func link(r *http.Request) (id int, token string, ok bool) {
	raw, token := r.PathValue("id"), r.PathValue("token")
	id, err := strconv.Atoi(raw)
	if err != nil || id <= 0 || strconv.Itoa(id) != raw || token == "" || len(token) > 256 {
		return 0, "", false
	}
	return id, token, true
}

func action(id int, token string) string {
	return "/account/reset/" + strconv.Itoa(id) + "/" + url.PathEscape(token)
}

// shop is the storefront to send the customer back to (its primary domain), if known.
func (h *Handler) shop(ctx context.Context) shopLink {
	s, err := h.DB.Shop.Query().Order(ent.Asc("id")).First(ctx)
	if err != nil {
		return shopLink{}
	}
	out := shopLink{Name: s.Name}
	if s.PrimaryDomain != nil {
		if u, err := url.Parse(*s.PrimaryDomain); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			out.URL = u.String()
		}
	}
	return out
}

func (h *Handler) resetForm(w http.ResponseWriter, r *http.Request) {
	id, token, ok := link(r)
	if !ok {
		h.expired(w, r)
		return
	}
	live, err := h.Customers.ResetTokenLive(r.Context(), id, token)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !live {
		h.expired(w, r)
		return
	}
	h.render(w, "reset.html", http.StatusOK, resetView{Action: action(id, token), Shop: h.shop(r.Context())})
}

// passwordTexts are the page's texts for the password codes of customer.Reset.
var passwordTexts = map[string]string{
	customer.CodeBlank:              "Enter a new password.",
	customer.CodeTooShort:           fmt.Sprintf("Use at least %d characters.", customer.MinPassword),
	customer.CodeTooLong:            fmt.Sprintf("Use at most %d characters.", customer.MaxPassword),
	customer.CodeWhitespacePassword: "The password cannot start or end with a space.",
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	form, ok := web.Form(w, r, web.MaxFormBytes)
	if !ok {
		return
	}
	id, token, ok := link(r)
	if !ok {
		h.expired(w, r)
		return
	}
	password := form.Get("password")
	again := func(text string) {
		h.render(w, "reset.html", http.StatusUnprocessableEntity, resetView{Action: action(id, token), Errors: []string{text}, Shop: h.shop(r.Context())})
	}
	if password != form.Get("passwordConfirmation") {
		again("The two passwords do not match.")
		return
	}
	_, _, errs, err := h.Customers.Reset(r.Context(), id, token, password)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		if errs[0].Code == customer.CodeTokenInvalid {
			h.expired(w, r)
			return
		}
		text := passwordTexts[errs[0].Code]
		if text == "" {
			text = "This password cannot be used. Choose another."
		}
		again(text)
		return
	}
	// The access token Reset issued is not handed to the browser: the customer signs in
	// on the storefront with the new password.
	h.render(w, "message.html", http.StatusOK, map[string]any{
		"Title": "Your password has been changed",
		"Text":  "Sign in to the shop with your new password. You were signed out everywhere else.",
		"Shop":  h.shop(r.Context()),
		"Done":  true,
	})
}
