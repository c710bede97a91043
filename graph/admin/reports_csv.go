package admin

import (
	"log/slog"
	"net/http"

	"storefront/internal/apikey"
	"storefront/internal/reports"
)

// ReportsHandler serves GET /admin/reports/{file}: every report of reg as CSV
// ({name}.csv?from=YYYY-MM-DD&to=YYYY-MM-DD&…), behind the same API keys as the GraphQL
// endpoint and the report's scope. The mux must name the path value "file".
func ReportsHandler(keys *apikey.Service, reg *reports.Registry, log *slog.Logger) http.Handler {
	return authenticate(keys, log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reg.ServeCSV(w, r, r.PathValue("file"), KeyFrom(r.Context()).Scopes, log)
	}))
}
