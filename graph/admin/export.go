package admin

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"storefront/internal/apikey"
	"storefront/internal/export"
	"storefront/internal/web"
)

// ExportHandler serves GET /admin/export/{file}: products.jsonl, variants.jsonl,
// orders.jsonl or customers.jsonl, streamed as JSON Lines with constant memory, behind the
// same API keys as the GraphQL endpoint and the scope of what is exported. updated_at_min
// (RFC 3339) exports only what changed since. The mux must name the path value "file".
func ExportHandler(keys *apikey.Service, exports *export.Service, log *slog.Logger) http.Handler {
	return authenticate(keys, log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		kind, ok := strings.CutSuffix(r.PathValue("file"), ".jsonl")
		need, known := export.Kinds[kind]
		if !ok || !known {
			web.WriteError(w, http.StatusNotFound, "no such export: ask for products.jsonl, variants.jsonl, orders.jsonl or customers.jsonl", map[string]any{"code": "NOT_FOUND"})
			return
		}
		if k := KeyFrom(ctx); k == nil || !apikey.Grants(k.Scopes, need) {
			web.WriteError(w, http.StatusForbidden, "access denied: this export needs the "+need+" scope", map[string]any{"code": CodeAccessDenied, "requiredScope": need})
			return
		}
		var since *time.Time
		if v := r.URL.Query().Get("updated_at_min"); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				web.WriteError(w, http.StatusBadRequest, "updated_at_min must be an RFC 3339 time such as 2026-01-31T00:00:00Z", map[string]any{"code": "BAD_REQUEST"})
				return
			}
			since = &t
		}
		w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := exports.Write(ctx, w, kind, since); err != nil {
			// The status is sent; the truncated stream (no final newline-terminated line
			// count) is what the client sees. Log the cause once.
			log.ErrorContext(ctx, "export failed", "request_id", web.RequestID(ctx), "export", kind, "error", err.Error())
		}
	}))
}
