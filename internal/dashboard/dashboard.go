// Package dashboard serves the merchant dashboard at /admin: server-rendered HTML with
// inline SVG charts, no JavaScript. Merchants sign in with an Admin API key that has the
// analytics:read scope; the session lives server-side (admin_sessions, the cookie's
// SHA-256 only) behind an HTTP-only, SameSite=Strict cookie, Secure in production or over
// TLS. Forms are protected twice against cross-site requests: net/http's
// CrossOriginProtection (Sec-Fetch-Site / Origin) and a token the form must send back (the
// session's, or before sign-in a double-submit cookie's).
package dashboard

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"storefront/ent"
	"storefront/ent/adminsession"
	"storefront/internal/analytics"
	"storefront/internal/apikey"
	"storefront/internal/paging"
	"storefront/internal/reports"
	"storefront/internal/sales"
	"storefront/internal/store"
	"storefront/internal/web"
)

// Scope is what a key needs to sign in.
const Scope = "analytics:read"

// SessionTTL is how long a session lasts.
const SessionTTL = 12 * time.Hour

const (
	sessionCookie = "storefront_admin"
	csrfCookie    = "storefront_admin_csrf"
	cookiePath    = "/admin"
)

// Handler serves the dashboard.
type Handler struct {
	DB      *store.DB
	Keys    *apikey.Service
	Sales   *sales.Service
	Reports *reports.Registry
	Log     *slog.Logger
	// CSV serves /admin/reports/{file} to callers with an API key (Authorization: Bearer);
	// signed-in merchants download the same files with their session.
	CSV http.Handler
	// Production marks cookies Secure even when TLS ends before this server.
	Production bool
	now        func() time.Time
}

// Register adds the dashboard's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	if h.now == nil {
		h.now = func() time.Time { return time.Now().UTC() }
	}
	cop := http.NewCrossOriginProtection()
	mux.HandleFunc("GET /admin", h.page)
	mux.HandleFunc("GET /admin/reports/{file}", h.csv)
	mux.Handle("POST /admin/signin", cop.Handler(http.HandlerFunc(h.signIn)))
	mux.Handle("POST /admin/signout", cop.Handler(http.HandlerFunc(h.signOut)))
}

func (h *Handler) secure(r *http.Request) bool { return h.Production || r.TLS != nil }

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: cookiePath, MaxAge: maxAge,
		HttpOnly: true, Secure: h.secure(r), SameSite: http.SameSiteStrictMode})
}

// headers are those of every dashboard response: nothing from elsewhere may load, the page
// may not be framed, and nothing is cached.
func headers(w http.ResponseWriter, nonce string) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+nonce+"'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
}

// session is a signed-in merchant.
type session struct {
	row *ent.AdminSession
	key *ent.APIKey
}

// load returns the request's session, or nil when it has none that is still good: the
// session unexpired and its key neither revoked, expired nor without the scope.
func (h *Handler) load(ctx context.Context, r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	row, err := h.DB.AdminSession.Query().Where(adminsession.TokenHash(apikey.Hash(c.Value)), adminsession.ExpiresAtGT(h.now())).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read admin session: %w", err)
	}
	k, err := h.DB.APIKey.Get(ctx, row.APIKeyID)
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read admin session key: %w", err)
	}
	if k.RevokedAt != nil || (k.ExpiresAt != nil && !k.ExpiresAt.After(h.now())) || !apikey.Grants(k.Scopes, Scope) {
		return nil, nil
	}
	return &session{row: row, key: k}, nil
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	h.Log.ErrorContext(ctx, "dashboard failed", "request_id", web.RequestID(ctx), "error", err.Error())
	headers(w, randomToken())
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = fmt.Fprintf(w, "<!doctype html><title>Error</title><p>Something went wrong (request %s).</p>", web.RequestID(ctx))
}

// csv is GET /admin/reports/{file}: with an API key as the Admin API takes it, or with the
// dashboard's session.
func (h *Handler) csv(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		h.CSV.ServeHTTP(w, r)
		return
	}
	s, err := h.load(r.Context(), r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if s == nil {
		h.CSV.ServeHTTP(w, r) // answers 401
		return
	}
	h.Reports.ServeCSV(w, r, r.PathValue("file"), s.key.Scopes, h.Log)
}

// page is GET /admin: the sign-in form, or the dashboard.
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	s, err := h.load(r.Context(), r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if s == nil {
		h.signInForm(w, r, http.StatusOK, "")
		return
	}
	h.dashboard(w, r, s)
}

// signInForm renders the form with a fresh double-submit token.
func (h *Handler) signInForm(w http.ResponseWriter, r *http.Request, status int, problem string) {
	token := randomToken()
	h.setCookie(w, r, csrfCookie, token, 3600)
	nonce := randomToken()
	headers(w, nonce)
	w.WriteHeader(status)
	if err := signInTmpl.Execute(w, map[string]any{"Nonce": nonce, "CSRF": token, "Problem": problem, "CSS": template.CSS(css)}); err != nil {
		h.Log.ErrorContext(r.Context(), "render sign-in", "error", err.Error())
	}
}

// tokenMatches compares a submitted token with the expected one in constant time.
func tokenMatches(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (h *Handler) forbidden(w http.ResponseWriter) {
	headers(w, randomToken())
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte("<!doctype html><title>Forbidden</title><p>The form expired or did not come from this dashboard. <a href=\"/admin\">Start again</a>.</p>"))
}

// signIn is POST /admin/signin: key and the double-submit token.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		h.signInForm(w, r, http.StatusBadRequest, "The form could not be read.")
		return
	}
	c, _ := r.Cookie(csrfCookie)
	if c == nil || !tokenMatches(r.PostForm.Get("csrf"), c.Value) {
		h.forbidden(w)
		return
	}
	k, err := h.Keys.Authenticate(ctx, strings.TrimSpace(r.PostForm.Get("key")))
	switch {
	case errors.Is(err, apikey.ErrNoKey), errors.Is(err, apikey.ErrUnknown), errors.Is(err, apikey.ErrRevoked), errors.Is(err, apikey.ErrExpired):
		h.signInForm(w, r, http.StatusUnauthorized, "That key is not a valid API key.")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	case !apikey.Grants(k.Scopes, Scope):
		h.signInForm(w, r, http.StatusForbidden, "That key does not have the analytics:read scope.")
		return
	}
	token := randomToken()
	if err := h.DB.AdminSession.Create().SetTokenHash(apikey.Hash(token)).SetCsrfToken(randomToken()).
		SetAPIKeyID(k.ID).SetExpiresAt(h.now().Add(SessionTTL)).Exec(ctx); err != nil {
		h.fail(w, r, fmt.Errorf("create admin session: %w", err))
		return
	}
	// Expired sessions go as new ones come.
	if _, err := h.DB.AdminSession.Delete().Where(adminsession.ExpiresAtLTE(h.now())).Exec(ctx); err != nil {
		h.Log.WarnContext(ctx, "delete expired admin sessions", "error", err.Error())
	}
	h.setCookie(w, r, csrfCookie, "", -1)
	h.setCookie(w, r, sessionCookie, token, int(SessionTTL/time.Second))
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

// signOut is POST /admin/signout with the session's token.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	s, err := h.load(ctx, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if s != nil {
		if err := r.ParseForm(); err != nil || !tokenMatches(r.PostForm.Get("csrf"), s.row.CsrfToken) {
			h.forbidden(w)
			return
		}
		if err := h.DB.AdminSession.DeleteOneID(s.row.ID).Exec(ctx); err != nil {
			h.fail(w, r, fmt.Errorf("delete admin session: %w", err))
			return
		}
	}
	h.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

// view is what the dashboard template shows.
type view struct {
	Nonce, CSRF string
	CSS         template.CSS
	KeyName     string
	From, To    string
	Granularity string
	Problem     string
	Sales       *sales.SalesReport
	Chart       chart
	TopProducts []*sales.Row
	Inventory   *sales.InventoryReport
	Funnel      []bar
	Reports     []reportView
	Query       string
}

type reportView struct {
	Name, Title string
	CSV         string
	Table       *reports.Table
	Problem     string
}

// builtIn are the reports the dashboard draws itself; the others get a table each.
var builtIn = map[string]bool{"sales": true, "sales-by-product": true, "inventory-low-stock": true, "conversion-funnel": true}

// dashboard renders the signed-in page for the range in the query (the last 30 days by
// default).
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	q := r.URL.Query()
	v := view{Nonce: randomToken(), CSRF: s.row.CsrfToken, CSS: template.CSS(css), KeyName: s.key.Name, Granularity: q.Get("granularity")}
	if v.Granularity == "" {
		v.Granularity = string(reports.Day)
	}
	loc, err := h.Sales.Prepare(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	today := h.now().In(loc)
	v.To = q.Get("to")
	if v.To == "" {
		v.To = today.Format(time.DateOnly)
	}
	v.From = q.Get("from")
	if v.From == "" {
		v.From = today.AddDate(0, 0, -29).Format(time.DateOnly)
	}
	status := http.StatusOK
	rg, err := reports.ParseRange(v.From, v.To, reports.Granularity(v.Granularity))
	var input *paging.InputError
	switch {
	case errors.As(err, &input):
		v.Problem = input.Message
		status = http.StatusBadRequest
	case err != nil:
		h.fail(w, r, err)
		return
	default:
		if v.Sales, err = h.Sales.Sales(ctx, rg, true); err == nil {
			v.Chart = lineChart(v.Sales)
			if v.TopProducts, err = v.Sales.Breakdown(ctx, h.Sales, sales.ByProduct, 10); err == nil {
				v.Inventory, err = h.Sales.Inventory(ctx, rg, 5, 10)
			}
		}
		if err == nil {
			var f *analytics.FunnelReport
			if f, err = analytics.ConversionFunnel(ctx, h.DB, rg); err == nil {
				v.Funnel = funnelBars(f.Total)
			}
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Query = url.Values{"from": {v.From}, "to": {v.To}, "granularity": {v.Granularity}}.Encode()
		for _, rep := range h.Reports.All() {
			rv := reportView{Name: rep.Name, Title: rep.Title, CSV: "/admin/reports/" + rep.Name + ".csv?" + v.Query}
			if !builtIn[rep.Name] && apikey.Grants(s.key.Scopes, rep.Scope) {
				t, err := rep.Run(ctx, reports.Params{From: v.From, To: v.To, Query: url.Values{"granularity": {v.Granularity}, "first": {"10"}}})
				switch {
				case errors.As(err, &input):
					rv.Problem = input.Message
				case err != nil:
					h.fail(w, r, err)
					return
				default:
					rv.Table = t
				}
			}
			v.Reports = append(v.Reports, rv)
		}
	}
	headers(w, v.Nonce)
	w.WriteHeader(status)
	if err := dashboardTmpl.Execute(w, v); err != nil {
		h.Log.ErrorContext(ctx, "render dashboard", "error", err.Error())
	}
}
